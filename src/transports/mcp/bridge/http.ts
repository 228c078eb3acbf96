// The stdio → Streamable HTTP bridge: the client speaks stdio to Tollgate, Tollgate speaks
// Streamable HTTP (MCP 2025-06-18 / 2025-11-25) to the upstream. Each message the session passes
// is POSTed; a JSON or event-stream answer is inspected message by message; the server's own
// stream (GET) is opened after initialization when the server offers one; the Mcp-Session-Id
// and MCP-Protocol-Version headers are carried; the session is DELETEd when the client leaves.
import type { Readable, Writable } from 'node:stream';
import { RPC_BLOCKED, RPC_INTERNAL_ERROR, RPC_UPSTREAM_GONE, type JsonRpcId } from '../jsonrpc.ts';
import type { McpSession } from '../session.ts';
import { drain, mediaType, pumpSse, readJsonBody, type SseEnd } from '../http/inspect.ts';
import type { McpUpstream } from '../http/upstream.ts';
import { requestIds, visibleAscii } from '../http/wire.ts';
import { attachClientSide, type ClientSide } from './client-side.ts';

export interface HttpBridgeOptions {
  readonly session: McpSession;
  readonly upstream: McpUpstream;
  /** The session name for decision events. */
  readonly label: string;
  readonly maxLineBytes: number;
  readonly maxBodyBytes: number;
  readonly maxSseEventBytes: number;
  readonly clientIn: Readable;
  readonly clientOut: Writable;
  /** One-line operational notes (stderr). */
  readonly note: (line: string) => void;
}

export interface Bridge {
  /** Resolves with Tollgate's exit status once the bridge has ended and its output is flushed. */
  readonly done: Promise<number>;
}

/** POSTs in flight past which the client is not read until some finish. */
const MAX_IN_FLIGHT = 64;
/** Consecutive failures to open the server's stream before giving up on it. */
const MAX_STREAM_FAILURES = 5;
/** Attempts to resume a POST stream that ended before its answer. */
const MAX_RESUMES = 3;
/** Waited for answers in flight after the client closed its side. */
const END_GRACE_MS = 10_000;

const POST_ACCEPT = 'application/json, text/event-stream';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

export function startHttpBridge(opts: HttpBridgeOptions): Bridge {
  const { session, upstream } = opts;
  let upstreamId: string | undefined;
  let protocolVersion: string | undefined;
  /** Open while initialize is on its way: later messages wait for its session id. */
  let gate: Promise<void> | null = null;
  let ending = false;
  let finished = false;
  let streamOpen = false;
  const inFlight = new Set<Promise<void>>();
  const streams = new Set<AbortController>();
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((r) => (resolveDone = r));

  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...(upstreamId !== undefined ? { 'mcp-session-id': upstreamId } : {}),
    ...(protocolVersion !== undefined ? { 'mcp-protocol-version': protocolVersion } : {}),
    ...extra,
  });

  /** The initialize result names the protocol version to send on every later request. */
  const noteVersion = (messages: readonly unknown[], initId: JsonRpcId | undefined): void => {
    if (initId === undefined) return;
    for (const m of messages) {
      if (!isObject(m) || m.id !== initId || !isObject(m.result)) continue;
      const v = m.result.protocolVersion;
      if (typeof v === 'string' && visibleAscii(v, 32)) protocolVersion = v;
    }
  };

  const finish = async (code: number, why?: string): Promise<void> => {
    if (finished) return;
    finished = true;
    if (why !== undefined) opts.note(why);
    client.stop();
    for (const ac of streams) ac.abort();
    upstream.close();
    client.write(session.upstreamClosed(code === 0 ? 'was disconnected' : 'ended the session'));
    // Results the server sent that are still being scanned reach the client before the bridge ends.
    await client.settled();
    await client.flush();
    resolveDone(code);
  };

  /** The server's messages on the stream of one answer or on its own stream. */
  const pump = (res: Parameters<typeof pumpSse>[0], initId?: JsonRpcId): Promise<SseEnd> =>
    pumpSse(res, session, opts.maxSseEventBytes, {
      event: (out) => {
        noteVersion(out.toClient, initId);
        client.server(out);
      },
      ready: () => client.ready(),
    });

  /** Resumes an answer's stream from its last event id (GET with Last-Event-ID), a few times. */
  const resume = async (ids: readonly JsonRpcId[], lastEventId: string): Promise<void> => {
    let cursor = lastEventId;
    for (let i = 0; i < MAX_RESUMES && ids.some((id) => session.isPending(id)) && !finished; i++) {
      const ac = new AbortController();
      streams.add(ac);
      try {
        const r = await upstream.request({ method: 'GET', headers: headers({ accept: 'text/event-stream', 'last-event-id': cursor }), signal: ac.signal, session: opts.label });
        if (!r.ok || r.res.statusCode !== 200 || mediaType(r.res.headers['content-type']) !== 'text/event-stream') {
          if (r.ok) drain(r.res);
          break;
        }
        const end = await pump(r.res);
        if (end.lastEventId !== undefined) cursor = end.lastEventId;
      } finally {
        streams.delete(ac);
      }
    }
    client.write(session.abandon(ids, 'ended its event stream'));
  };

  /** POSTs one message (or batch) and relays what comes back. */
  const post = async (message: unknown): Promise<void> => {
    const ids = requestIds(message);
    const isInit = isObject(message) && message.method === 'initialize';
    const initId = isInit && isObject(message) && (typeof message.id === 'string' || typeof message.id === 'number') ? message.id : undefined;
    let open: () => void = () => undefined;
    if (isInit) gate = new Promise<void>((r) => (open = r));
    else if (gate) await gate;
    const ac = new AbortController();
    streams.add(ac);
    try {
      const r = await upstream.request({ method: 'POST', headers: headers({ 'content-type': 'application/json', accept: POST_ACCEPT }), body: JSON.stringify(message), signal: ac.signal, session: opts.label });
      if (!r.ok) {
        client.write(session.abandon(ids, r.blocked ? `is not reachable under the policy (${r.why.slice(0, 200)})` : 'could not be reached', r.blocked ? RPC_BLOCKED : RPC_UPSTREAM_GONE));
        return;
      }
      const res = r.res;
      const status = res.statusCode ?? 502;
      if (isInit && status >= 200 && status < 300) {
        const sid = res.headers['mcp-session-id'];
        if (typeof sid === 'string' && visibleAscii(sid, 1024)) upstreamId = sid;
      }
      open();
      if (status === 404 && upstreamId !== undefined) {
        drain(res);
        client.write(session.abandon(ids, 'ended the session'));
        void finish(1, 'mcp: the MCP server ended the session (HTTP 404); Tollgate exits so the client can start a new one');
        return;
      }
      if (status < 200 || status >= 300) {
        drain(res);
        client.write(session.abandon(ids, `answered HTTP ${status}`));
        return;
      }
      // Initialized: the server may now send on its own stream (MCP lifecycle).
      if (isObject(message) && message.method === 'notifications/initialized') void openStream();
      const type = mediaType(res.headers['content-type']);
      if (status === 202 || type === undefined) {
        drain(res);
        client.write(session.abandon(ids, 'answered without a response', RPC_INTERNAL_ERROR));
        return;
      }
      if (type === 'application/json') {
        const out = await readJsonBody(res, session, opts.maxBodyBytes);
        noteVersion(out.toClient, initId);
        client.server(out);
        client.write(session.abandon(ids, 'answered without a response to this request', RPC_INTERNAL_ERROR));
        return;
      }
      if (type === 'text/event-stream') {
        const end = await pump(res, initId);
        if (end.lastEventId !== undefined && end.dropped === 0 && ids.some((id) => session.isPending(id))) await resume(ids, end.lastEventId);
        else client.write(session.abandon(ids, end.clean ? 'ended the event stream' : 'broke off the event stream'));
        return;
      }
      drain(res);
      session.dropped('server', 'mcp/invalid-jsonrpc', `a response of type ${type.slice(0, 60)}, neither JSON nor an event stream`);
      client.write(session.abandon(ids, `answered with content type ${type.slice(0, 60)}`, RPC_INTERNAL_ERROR));
    } finally {
      open();
      streams.delete(ac);
    }
  };

  /** The server's own stream (GET), reopened when it ends, until the server says it has none. */
  const openStream = async (): Promise<void> => {
    if (streamOpen) return;
    streamOpen = true;
    let failures = 0;
    let cursor: string | undefined;
    let delay = 1000;
    while (!finished && !ending && failures < MAX_STREAM_FAILURES) {
      const ac = new AbortController();
      streams.add(ac);
      try {
        const r = await upstream.request({ method: 'GET', headers: headers({ accept: 'text/event-stream', ...(cursor !== undefined ? { 'last-event-id': cursor } : {}) }), signal: ac.signal, session: opts.label });
        if (!r.ok) {
          failures++;
        } else if (r.res.statusCode === 405) {
          drain(r.res);
          return;
        } else if (r.res.statusCode === 404 && upstreamId !== undefined) {
          drain(r.res);
          void finish(1, 'mcp: the MCP server ended the session (HTTP 404); Tollgate exits so the client can start a new one');
          return;
        } else if (r.res.statusCode !== 200 || mediaType(r.res.headers['content-type']) !== 'text/event-stream') {
          drain(r.res);
          failures++;
        } else {
          const end = await pump(r.res);
          if (end.lastEventId !== undefined) {
            cursor = end.lastEventId;
            failures = 0;
          } else {
            failures++;
          }
          if (end.retry !== undefined) delay = Math.min(Math.max(end.retry, 100), 30_000);
        }
      } finally {
        streams.delete(ac);
      }
      if (!finished && !ending) await sleep(delay);
    }
    if (failures >= MAX_STREAM_FAILURES) opts.note(`mcp: the server's own event stream failed ${failures} times; server-initiated messages now arrive only with answers`);
  };

  /** Sends a message upstream, tracking it so the client is not read too far ahead. */
  const send = (message: unknown): void => {
    if (finished) return;
    const p = post(message).catch((err: unknown) => {
      opts.note(`mcp: posting to the MCP server failed: ${(err as Error).message}`);
      client.write(session.abandon(requestIds(message), 'could not be reached'));
    });
    inFlight.add(p);
    if (inFlight.size >= MAX_IN_FLIGHT) client.pause();
    void p.finally(() => {
      inFlight.delete(p);
      if (inFlight.size < MAX_IN_FLIGHT) client.resume();
    });
  };

  const client: ClientSide = attachClientSide({
    session,
    maxLineBytes: opts.maxLineBytes,
    clientIn: opts.clientIn,
    clientOut: opts.clientOut,
    toServer: send,
    onEnd: () => {
      // The client closed its side (MCP stdio shutdown): answers still coming are waited for, a
      // while, then the session is ended at the server.
      ending = true;
      void (async () => {
        await Promise.race([Promise.all([Promise.allSettled([...inFlight]), client.settled()]), sleep(END_GRACE_MS)]);
        for (const ac of streams) ac.abort();
        if (upstreamId !== undefined) {
          const r = await Promise.race([upstream.request({ method: 'DELETE', headers: headers(), session: opts.label }), sleep(2000).then(() => null)]);
          if (r?.ok === true) drain(r.res);
        }
        await finish(0);
      })();
    },
  });

  return { done };
}
