// Event streams (text/event-stream) relayed event by event: a streaming LLM API or any long-lived
// SSE feed never ends, so it cannot be read whole and scanned as one body. The response head is
// scanned first; then each event, once complete (bounded by proxy.sse.maxEventBytes), is scanned
// on its own; the events completed by one read are then scanned together with a bounded window of
// the stream's recent text (sse-text.ts), and their types and ids as text of their own, and sent
// on only if all of that passes. A blocked event ends the stream with a comment and an `error` event
// naming the rule (the event type the OpenAI and Anthropic SDKs raise as an error). Each stream
// is one decision event, emitted when it ends. What the client receives is what was scanned:
// events are re-written from their parsed fields (event, id, retry, data), identity-encoded,
// and unknown fields and comment text are not relayed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Finding, Verdict } from '../../core/index.ts';
import { enforcedBlock, stops, transportFinding } from '../decision.ts';
import { SseParser, type SseEvent } from '../sse/parser.ts';
import { killSwitchOn, killVerdict } from './control.ts';
import { deny } from './deny.ts';
import { decide, judged, killedResponse, refuse, type Exchange } from './exchange.ts';
import { endToEnd, first } from './headers.ts';
import { mediaTypeOf, scanOpts, scanResponseHead } from './response-head.ts';
import type { KillWatch } from './kill-watch.ts';
import { jsonOf, streamedText, StreamWindow, type StreamPiece } from './sse-text.ts';
import { streamDecoders } from './stream-decode.ts';

/** The `error.type` of the final event of a stream Tollgate ended. */
export const SSE_BLOCK_TYPE = 'tollgate_blocked';
const MAX_KEPT_FINDINGS = 64;
/** Validators and digests describe the upstream's bytes, not the re-written stream. */
const REPRESENTATION = ['content-length', 'content-encoding', 'etag', 'content-md5', 'digest', 'content-digest', 'repr-digest', 'accept-ranges'];

/** Whether an upstream answer is an event stream to relay per event (a HEAD or an error status is read whole). */
export function isEventStream(method: string, upstream: IncomingMessage): boolean {
  const status = upstream.statusCode ?? 0;
  return method !== 'HEAD' && status >= 200 && status < 300 && status !== 204 && mediaTypeOf(first(upstream.headers['content-type'])) === 'text/event-stream';
}

/** One event as relayed: only the fields that were parsed (and scanned), one per line. */
export function formatEvent(ev: Extract<SseEvent, { kind: 'event' }>): string {
  let out = '';
  if (ev.type !== undefined) out += `event: ${ev.type}\n`;
  if (ev.id !== undefined) out += `id: ${ev.id}\n`;
  if (ev.retry !== undefined) out += `retry: ${ev.retry}\n`;
  // data lines were split at CR/LF by the parser and joined with LF: split again, one field each.
  if (ev.data !== undefined) for (const line of ev.data.split('\n')) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** The last thing a client reads from a stream Tollgate ended. */
export function blockNotice(v: Verdict, requestId: string): string {
  const rule = v.findings[0]?.rule ?? 'unknown';
  const data = JSON.stringify({ type: 'error', error: { type: SSE_BLOCK_TYPE, rule, message: v.reason, request_id: requestId } });
  return `: Tollgate ended this stream: ${rule}\n\nevent: error\ndata: ${data}\n\n`;
}

/** Adds findings to a read's list, up to MAX_KEPT_FINDINGS (the verdict is the worst finding's, so the rest add nothing to it). */
function gather(into: Finding[], findings: readonly Finding[]): void {
  for (const f of findings) {
    if (into.length >= MAX_KEPT_FINDINGS) return;
    into.push(f);
  }
}

function asBlock(v: Verdict): Verdict {
  if (v.action === 'block') return v;
  if (v.action === 'redact' || v.action === 'ask') {
    return { ...v, action: 'block', reason: `Blocked: an event stream cannot be held for approval or rewritten mid-stream, so it was ended; ${v.reason}` };
  }
  // A limit (nothing was kept to relay): blocked in audit mode too, as refuse() does.
  return enforcedBlock(v);
}

/**
 * Relays an event stream per event; resolves when the stream has ended (either side) or was
 * stopped. The kill switch ends it as it turns on (`watch`), not only at the next chunk: a stream
 * that is quiet for a while is not left open past an operator's stop.
 */
export async function relayEventStream(x: Exchange, res: ServerResponse, upstream: IncomingMessage, url: URL, watch?: KillWatch): Promise<void> {
  const { ctx } = x;
  const cfg = ctx.config.proxy.sse;
  const dec = streamDecoders(first(upstream.headers['content-encoding']));
  if (!dec.ok) {
    upstream.destroy();
    refuse(x, res, 502, 'response', [transportFinding('engine/unsupported-encoding', 'response.body', `The event stream could not be decoded for inspection: ${dec.reason}.`)]);
    return;
  }
  const head = await scanResponseHead(x, upstream, url);
  // The switch may have turned on while the Location was looked up: the stream never begins then.
  if (watch?.stopped === true) {
    killedResponse(x, res, 0, upstream);
    return;
  }
  if (stops(head)) {
    upstream.destroy();
    const enforced = asBlock(head);
    decide(x, 'response', enforced, 0);
    deny(res, 403, enforced, x.requestId, undefined, 'response');
    return;
  }
  if (res.socket === null || res.socket.destroyed) {
    upstream.destroy();
    decide(x, 'response', { ...head, reason: `${head.reason} The client had gone before the stream began.` }, 0);
    return;
  }
  const status = upstream.statusCode ?? 200;
  const maxEvent = Math.min(cfg.maxEventBytes, ctx.config.limits.maxInputBytes);
  const parser = new SseParser(maxEvent);
  const window = new StreamWindow(cfg.windowChars);
  // Plain-text data is joined a line per event in `window`; a token stream sent as plain text (a
  // few characters per event, words cut anywhere) is whole only when the pieces are joined as they
  // are, so once the stream carries plain-text data that joining is kept and scanned too.
  let tight: StreamWindow | undefined;
  const kept = new Map<string, Finding>();
  for (const f of head.findings) kept.set(`${f.rule}|${f.location}`, f);
  let received = 0;
  let done = false;

  // The stream's own bound on idleness replaces the upstream socket timeout, which is for connecting.
  upstream.socket?.setTimeout(0);
  res.writeHead(status, upstream.statusMessage, endToEnd(upstream.headers, REPRESENTATION));
  res.flushHeaders();

  const source: Readable = dec.decoders.reduce<Readable>((s, d) => s.pipe(d), upstream);

  return new Promise<void>((resolve) => {
    const idle = setTimeout(() => {
      stop(limit('engine/body-timeout', `The event stream sent nothing for ${cfg.idleTimeoutMs} ms (proxy.sse.idleTimeoutMs); it was ended.`));
    }, cfg.idleTimeoutMs);

    const soFar = (note?: string): Verdict => {
      const v = judged(x, [...kept.values()]);
      return note === undefined ? v : { ...v, reason: `${v.reason} ${note}` };
    };

    const finish = (verdict: Verdict, how: 'end' | 'notice' | 'destroy'): void => {
      if (done) return;
      done = true;
      watch?.set(undefined);
      clearTimeout(idle);
      source.off('data', onData);
      res.off('close', onClientClose);
      res.off('drain', onDrain);
      decide(x, 'response', verdict, received);
      if (how !== 'end') {
        upstream.destroy();
        for (const d of dec.decoders) d.destroy();
      }
      if (how === 'destroy') res.destroy();
      else {
        if (how === 'notice' && res.writable) res.write(blockNotice(verdict, x.requestId));
        res.end();
      }
      resolve();
    };

    const stop = (v: Verdict): void => finish(asBlock(v), 'notice');

    const limit = (rule: string, message: string): Verdict => judged(x, [transportFinding(rule, 'response.body', message)]);

    /** An event the parser discards (too large, not UTF-8) cannot be scanned: it ends the stream. */
    const stopUnscannable = (why: 'oversize' | 'invalid-utf8'): void => {
      if (why === 'oversize') stop(limit('engine/input-too-large', `An event of more than ${maxEvent} bytes (proxy.sse.maxEventBytes) could not be scanned whole; the stream was ended.`));
      else stop(limit('engine/invalid-input', 'An event is not valid UTF-8, so it could not be scanned; the stream was ended.'));
    };

    const write = (text: string): void => {
      if (!res.write(text)) source.pause();
    };
    const onDrain = (): void => {
      if (done) return;
      // A slow client held the upstream back; that silence is not the upstream's.
      idle.refresh();
      source.resume();
    };

    /** One event's data scanned on its own (JSON data as JSON). */
    const scanEvent = (data: string, json: unknown): Verdict =>
      ctx.engine.scan(
        { kind: 'response', url: url.href, status, contentType: json !== undefined ? 'application/json' : 'text/plain; charset=utf-8', body: data },
        scanOpts(x),
      );

    /**
     * The types and ids of the events of one read, relayed too (an agent reading the raw stream sees
     * them): scanned together as text of their own, apart from the data and the stream window.
     */
    const scanFields = (fields: ReadonlySet<string>): Verdict | undefined => {
      if (fields.size === 0) return undefined;
      const v = ctx.engine.scan({ kind: 'text', text: [...fields].join('\n'), flow: 'ingress' }, scanOpts(x));
      if (v.findings.length === 0) return undefined;
      return judged(x, v.findings.map((f) => ({ ...f, location: f.location.startsWith('text') ? `stream.fields${f.location.slice(4)}` : f.location })));
    };

    const keep = (findings: readonly Finding[]): void => {
      for (const f of findings) if (kept.size < MAX_KEPT_FINDINGS) kept.set(`${f.rule}|${f.location}`, f);
    };

    /**
     * Judges one parsed event on its own: the text to relay for it (when the read it came in passes
     * the field and window checks too), or null when the stream was stopped. Its share of the
     * stream's text joins `pieces`, its type and id `fields`, its findings `found`.
     */
    const onEvent = (ev: SseEvent, pieces: StreamPiece[], fields: Set<string>, found: Finding[]): string | null => {
      switch (ev.kind) {
        case 'comment':
          // Keep-alives stay keep-alives; their text is not relayed.
          return ':\n\n';
        case 'oversize':
        case 'invalid-utf8':
          stopUnscannable(ev.kind);
          return null;
        case 'event': {
          if (ev.type !== undefined && ev.type.length > 0) fields.add(ev.type);
          if (ev.id !== undefined) fields.add(ev.id);
          if (ev.data !== undefined && ev.data.length > 0) {
            const json = jsonOf(ev.data);
            const v = scanEvent(ev.data, json);
            if (stops(v)) {
              stop(v);
              return null;
            }
            gather(found, v.findings);
            // Text split across events: JSON text fields are token deltas (joined as they are), other
            // data is joined on a line break (a message per event) and, in `tight`, as it is.
            pieces.push(json !== undefined ? { text: streamedText(json), separator: '' } : { text: ev.data, separator: '\n' });
          }
          return formatEvent(ev);
        }
      }
    };

    /** Scans the text joined across events (a stream window); false when the stream was stopped. */
    const scanAcross = (joined: string | undefined, found: Finding[]): boolean => {
      if (joined === undefined) return true;
      const w = ctx.engine.scan({ kind: 'text', text: joined, flow: 'ingress' }, scanOpts(x));
      if (w.findings.length === 0) return true;
      const across = w.findings.map((f) => ({ ...f, location: f.location.startsWith('text') ? `stream.window${f.location.slice(4)}` : f.location }));
      const v = judged(x, [...found, ...across]);
      if (stops(v)) {
        stop(v);
        return false;
      }
      gather(found, across);
      return true;
    };

    const onData = (chunk: Buffer): void => {
      if (done) return;
      idle.refresh();
      if (killSwitchOn(ctx)) {
        finish(killVerdict(), 'notice');
        return;
      }
      received += chunk.length;
      if (received > cfg.maxStreamBytes) {
        stop(limit('engine/input-too-large', `The event stream carried more than ${cfg.maxStreamBytes} bytes (proxy.sse.maxStreamBytes); it was ended (a client may reconnect).`));
        return;
      }
      // The events completed by this read are judged one by one, then their text is joined with the
      // stream's recent text and scanned once; only then is any of them relayed. (One window scan
      // per event made a read of many tiny events cost seconds of CPU.)
      const out: string[] = [];
      const pieces: StreamPiece[] = [];
      const fields = new Set<string>();
      const found: Finding[] = [];
      for (const ev of parser.push(chunk)) {
        const text = onEvent(ev, pieces, fields, found);
        if (text === null) return;
        out.push(text);
      }
      // An event already known to be unscannable ends the stream now, not at its blank line: an
      // event that never ends (one endless data line) would otherwise be discarded chunk after
      // chunk, and the stream end, if it came, logged as clean.
      const discarding = parser.discarding;
      if (discarding !== undefined) {
        stopUnscannable(discarding);
        return;
      }
      const fv = scanFields(fields);
      if (fv !== undefined) {
        if (stops(fv)) {
          stop(fv);
          return;
        }
        gather(found, fv.findings);
      }
      if (tight === undefined && pieces.some((p) => p.separator !== '')) tight = window.copy();
      if (!scanAcross(window.addAll(pieces), found)) return;
      if (tight !== undefined && !scanAcross(tight.addAll(pieces.map((p) => (p.separator === '' ? p : { text: p.text, separator: '' }))), found)) return;
      keep(found);
      if (out.length > 0) write(out.join(''));
    };

    const onClientClose = (): void => {
      if (!res.writableFinished) finish(soFar('The client closed the stream.'), 'destroy');
    };

    const onBroken = (why: string): void => {
      if (done) return;
      stop(limit('engine/body-aborted', `The event stream ${why} after ${received} bytes; the unfinished event was not relayed.`));
    };

    watch?.set(() => finish(killVerdict(), 'notice'));
    source.on('data', onData);
    source.once('end', () => {
      parser.end();
      finish(soFar(), 'end');
    });
    upstream.once('aborted', () => onBroken('was cut off'));
    upstream.on('error', () => onBroken('was cut off'));
    for (const d of dec.decoders) d.on('error', (err: Error) => onBroken(`could not be decoded (${err.message.slice(0, 80)})`));
    res.on('drain', onDrain);
    res.once('close', onClientClose);
  });
}
