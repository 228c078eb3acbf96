// Reading what an upstream MCP server sent over HTTP, message by message, through an
// McpSession: a JSON body (bounded), or an event stream event by event (bounded per event).
// Shared by the Streamable HTTP listener and the stdio bridge; neither holds more than one
// body or one event in memory.
import type { IncomingMessage } from 'node:http';
import { readBodyNow } from '../../http-proxy/bodies.ts';
import { onlyChunked } from '../../http-proxy/headers.ts';
import { safeName } from '../labels.ts';
import type { McpSession, Outbound } from '../session.ts';
import { SseParser, type SseEvent } from './sse.ts';

const NOTHING: Outbound = { toServer: [], toClient: [] };
// A non-streaming decode starts afresh every call (WHATWG Encoding), so one decoder serves every body.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaType(header: string | string[] | undefined): string | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (v === undefined) return undefined;
  // What MCP peers send, already in the answer's form: no split, trim or lower-casing to do.
  if (v === 'application/json' || v === 'text/event-stream') return v;
  const t = v.split(';')[0]?.trim().toLowerCase();
  return t === '' ? undefined : t;
}

/**
 * A coding on the body other than chunking or identity, named for the reason ("transfer coding
 * gzip, chunked", "content coding br"): Tollgate asked for none and will not guess. A transfer
 * coding matters as much as a content coding: Node takes off only the chunking of `gzip, chunked`,
 * so the body read would still be gzip (headers.ts onlyChunked).
 */
export function encodedBody(res: IncomingMessage): string | undefined {
  const te = res.headers['transfer-encoding'];
  if (te !== undefined && !onlyChunked(te)) return `transfer coding ${te.trim().toLowerCase().slice(0, 40)}`;
  const ce = res.headers['content-encoding'];
  if (ce === undefined) return undefined;
  const v = ce.trim().toLowerCase();
  return v === '' || v === 'identity' ? undefined : `content coding ${v.slice(0, 40)}`;
}

/** Reads and discards the rest of a response, so a kept-alive connection can be reused. */
export function drain(res: IncomingMessage): void {
  res.on('error', () => undefined);
  res.resume();
}

/** Reads a JSON body (at most maxBytes) and passes it through the session as the server's. */
export function readJsonBody(res: IncomingMessage, session: McpSession, maxBytes: number): Promise<Outbound> {
  const coding = encodedBody(res);
  if (coding !== undefined) {
    drain(res);
    return Promise.resolve(session.dropped('server', 'mcp/invalid-jsonrpc', `the response body has ${coding}, which Tollgate did not ask for`));
  }
  const judge = (body: Buffer): Outbound => {
    let text: string;
    try {
      text = UTF8.decode(body);
    } catch {
      return session.dropped('server', 'mcp/invalid-utf8', 'the response body is not valid UTF-8', body.length);
    }
    return text.trim().length === 0 ? NOTHING : session.line('server', text, body.length);
  };
  // A body that arrived whole with its head is taken at once (readBodyNow), as it would be read.
  const now = readBodyNow(res, maxBytes);
  if (now !== null) {
    res.on('error', () => undefined);
    return Promise.resolve(now.ok ? judge(now.body) : NOTHING);
  }
  return new Promise<Outbound>((resolve) => {
    const parts: Buffer[] = [];
    let length = 0;
    let done = false;
    const finish = (out: Outbound): void => {
      if (done) return;
      done = true;
      resolve(out);
    };
    res.on('data', (chunk: Buffer) => {
      if (done) return;
      length += chunk.length;
      if (length > maxBytes) {
        res.destroy();
        finish(session.dropped('server', 'mcp/message-too-large', `a response body of more than ${maxBytes} bytes (mcp.http.maxBodyBytes)`, length));
        return;
      }
      parts.push(chunk);
    });
    res.on('end', () => {
      if (done) return;
      finish(judge(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, length)));
    });
    res.on('error', () => finish(NOTHING));
    res.on('close', () => {
      if (!res.complete) finish(NOTHING);
    });
  });
}

export interface SseMeta {
  /** The upstream event's id (a resumption cursor), to carry on with what replaces the event. */
  readonly id?: string;
  readonly retry?: number;
}

export interface SseHandlers {
  /** What the session says to send for one upstream event. */
  event(out: Outbound, meta: SseMeta): void;
  /** A comment-only block (keep-alive). */
  keepAlive?(): void;
  /** Resolves when the reader can take more (backpressure); null when it can now. */
  ready?(): Promise<void> | null;
}

export interface SseEnd {
  /** Whether the stream ended cleanly (false: reset, aborted, or not readable). */
  readonly clean: boolean;
  /** The last event id seen: the stream can be resumed from it. */
  readonly lastEventId?: string;
  readonly retry?: number;
  /**
   * Events that carried something and were dropped whole (nothing for either side). A request
   * whose answer may have been among them will not get it by resuming the stream.
   */
  readonly dropped: number;
}

/** Judges one parsed upstream event. */
export function inspectSseEvent(ev: SseEvent, session: McpSession, maxEventBytes: number): { out: Outbound; meta: SseMeta } {
  switch (ev.kind) {
    case 'comment':
      return { out: NOTHING, meta: {} };
    case 'oversize':
      return { out: session.dropped('server', 'mcp/message-too-large', `an event of ${ev.bytes} bytes or more, over the ${maxEventBytes}-byte limit (mcp.http.maxSseEventBytes)`, ev.bytes), meta: ev.id !== undefined ? { id: ev.id } : {} };
    case 'invalid-utf8':
      return { out: session.dropped('server', 'mcp/invalid-utf8', 'the event is not valid UTF-8', ev.bytes), meta: ev.id !== undefined ? { id: ev.id } : {} };
    case 'event': {
      const meta: SseMeta = { ...(ev.id !== undefined ? { id: ev.id } : {}), ...(ev.retry !== undefined ? { retry: ev.retry } : {}) };
      // No data, or only whitespace: a priming event or a keep-alive; its id and retry go on.
      if (ev.data === undefined || ev.data.trim().length === 0) return { out: NOTHING, meta };
      if (ev.type !== undefined && ev.type !== 'message') {
        return { out: session.dropped('server', 'mcp/invalid-jsonrpc', `an event of type "${safeName(ev.type)}" (MCP sends messages only as message events)`, ev.bytes), meta };
      }
      // The data must be one whole JSON-RPC message (or batch): anything else (plain text, a JSON
      // fragment) is dropped as mcp/invalid-json. So, unlike the HTTP proxy's event-stream relay
      // (http-proxy/sse-relay.ts), no text is joined across events: what the client gets is only
      // ever whole messages, each judged whole; a text split over events cannot get through in pieces.
      return { out: session.line('server', ev.data, ev.bytes), meta };
    }
  }
}

/** Reads an event stream to its end, handing each event's outcome to the handlers. */
export function pumpSse(res: IncomingMessage, session: McpSession, maxEventBytes: number, h: SseHandlers): Promise<SseEnd> {
  const coding = encodedBody(res);
  if (coding !== undefined) {
    drain(res);
    h.event(session.dropped('server', 'mcp/invalid-jsonrpc', `the event stream has ${coding}, which Tollgate did not ask for`), {});
    return Promise.resolve({ clean: false, dropped: 1 });
  }
  const parser = new SseParser(maxEventBytes);
  let lastEventId: string | undefined;
  let retry: number | undefined;
  let dropped = 0;
  const take = (chunk: Buffer): void => {
    for (const ev of parser.push(chunk)) {
      if (ev.kind === 'comment') {
        h.keepAlive?.();
        continue;
      }
      const { out, meta } = inspectSseEvent(ev, session, maxEventBytes);
      if (meta.id !== undefined) lastEventId = meta.id;
      if (meta.retry !== undefined) retry = meta.retry;
      const carried = ev.kind !== 'event' || (ev.data !== undefined && ev.data.trim().length > 0);
      if (carried && out.toClient.length === 0 && out.toServer.length === 0) dropped++;
      h.event(out, meta);
    }
  };
  const ended = (clean: boolean): SseEnd => {
    parser.end();
    return { clean, dropped, ...(lastEventId !== undefined ? { lastEventId } : {}), ...(retry !== undefined ? { retry } : {}) };
  };
  // A short answer usually arrives whole with its head (a tools/call answered on a stream of one
  // event): then it is read at once, as the stream's own reading would hand it over, without the
  // stream's flow, events and promise. Bounded by one event's limit: more is read as it flows.
  const whole = readBodyNow(res, maxEventBytes);
  if (whole?.ok === true) {
    res.on('error', () => undefined);
    take(whole.body);
    return Promise.resolve(ended(true));
  }
  // Not taken whole (never expected once read): nothing more will come.
  if (whole !== null) return Promise.resolve(ended(false));
  return new Promise<SseEnd>((resolve) => {
    let done = false;
    const finish = (clean: boolean): void => {
      if (done) return;
      done = true;
      resolve(ended(clean));
    };
    res.on('data', (chunk: Buffer) => {
      if (done) return;
      take(chunk);
      const wait = h.ready?.() ?? null;
      if (wait) {
        res.pause();
        void wait.then(() => res.resume());
      }
    });
    res.on('end', () => finish(true));
    res.on('error', () => finish(false));
    res.on('close', () => finish(res.complete));
  });
}
