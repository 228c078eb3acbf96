// The Streamable HTTP listener (MCP 2025-06-18 and 2025-11-25, "Streamable HTTP"): clients POST
// JSON-RPC to one endpoint and get JSON or an event stream back, GET opens a stream for the
// server's own messages, DELETE ends the session. Every message goes through the session's
// McpSession both ways before it is passed on; upstream event streams are inspected event by event.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PinStore } from '../../../state/pins/index.ts';
import type { OffThreadScans } from '../../../engine/index.ts';
import { decisionEvent, transportFinding } from '../../decision.ts';
import type { ProxyContext } from '../../http-proxy/context.ts';
import { guardClientErrors, httpServerOptions, wellFramed } from '../../http-proxy/http-limits.ts';
import { trackSockets } from '../../http-proxy/listen.ts';
import { errorResponse, RPC_BLOCKED, RPC_INTERNAL_ERROR, RPC_UPSTREAM_GONE, type JsonRpcId } from '../jsonrpc.ts';
import { clientStatus, httpError, isLoopbackName, loopbackHostCheck, readBody, sessionsFullEvent, unreadBodyEvent } from './respond.ts';
import type { McpApprovals } from '../context.ts';
import { McpSession } from '../session.ts';
import { Cancel } from './cancel.ts';
import { settleHeld, settleServerHeld } from './held.ts';
import { drain, mediaType, pumpSse, readJsonBody, type SseMeta } from './inspect.ts';
import { SessionTable, type SessionActivity } from './sessions.ts';
import { formatSseEvent, MAX_EVENT_ID, SSE_KEEPALIVE } from './sse.ts';
import { SseWriter } from './sse-writer.ts';
import type { McpUpstream } from './upstream.ts';
import { newSessionLabel, protocolHeader, requestIds, visibleAscii } from './wire.ts';

export interface McpHttpProxyOptions {
  readonly ctx: ProxyContext;
  readonly upstream: McpUpstream;
  readonly listen: { readonly host: string; readonly port: number };
  /** The endpoint path clients use (default /mcp). */
  readonly path?: string;
  readonly serverIdentity: string;
  readonly serverLabel: string;
  readonly pinId: string;
  readonly pins?: PinStore;
  /** Where requests whose verdict is ask are held (shared by every session); absent, ask blocks. */
  readonly approvals?: McpApprovals;
  /** Whether the kill switch is on: every session stops every message while it is (McpSessionOptions.killed). */
  readonly killed?: () => boolean;
  /** Serves /api/v1/approvals[/<id>] on this listener (behind the API token), when given. */
  readonly admin?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Large results are scanned here, off the event loop, so other sessions keep flowing (McpSessionOptions.offThread). */
  readonly offThread?: OffThreadScans;
}

export interface McpHttpProxy {
  /** The endpoint URL clients use. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Sessions currently open. */
  sessionCount(): number;
  /** Denies every call held for approval in every session (the kill switch turning on), with `code`. */
  cancelHeld(detail: string, code: number): void;
  /** Stops listening, ends every session (upstream too, briefly waited for) and closes connections. */
  close(): Promise<void>;
}

interface Entry extends SessionActivity {
  busy: number;
  readonly mcp: McpSession;
  /** The session name in decision events (not the id the client holds, which is a capability). */
  readonly label: string;
  /** Tollgate's id for it, once the upstream accepted the initialize. */
  id?: string;
  /** The upstream's Mcp-Session-Id, never shown to the client. */
  upstreamId?: string;
  /** Open exchanges and streams, aborted when the session ends. */
  readonly open: Set<Cancel>;
  gets: number;
  ended: boolean;
}

/** Why a session ended, in the words a request held for approval is answered with ("… when WHY; it was not sent"). */
const ENDED_BECAUSE = {
  client: 'the client ended the session (HTTP DELETE)',
  upstream: 'the MCP server ended the session',
  evicted: 'Tollgate ended the idle session to make room for a new one (mcp.http.maxSessions)',
  expired: 'the session expired (idle longer than mcp.http.sessionTtlSeconds)',
  shutdown: 'Tollgate shut down',
  unplaced: 'Tollgate had no room for the new session (mcp.http.maxSessions)',
} as const;
type EndCause = keyof typeof ENDED_BECAUSE;

/** Standalone GET streams one session may hold open at once. */
const MAX_GET_STREAMS = 2;
/** Waited for upstream DELETEs at shutdown. */
const CLOSE_GRACE_MS = 2000;
/** Event-stream text held back at most to go out with the end of the answer (sse-writer.ts). */
const HOLD_MAX_BYTES = 256 * 1024;
// A non-streaming decode starts afresh every call (WHATWG Encoding), so one decoder serves every request.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export async function startMcpHttpProxy(opts: McpHttpProxyOptions): Promise<McpHttpProxy> {
  const { ctx, upstream } = opts;
  const cfg = ctx.config;
  const limits = cfg.mcp.http;
  const path = opts.path ?? '/mcp';
  const loopbackListener = isLoopbackName(opts.listen.host);
  const loopbackHost = loopbackHostCheck();
  const table = new SessionTable<Entry>({ max: limits.maxSessions, ttlMs: limits.sessionTtlSeconds * 1000, now: ctx.now });
  let closing = false;

  const newMcp = (label: string): McpSession =>
    new McpSession({
      engine: ctx.engine,
      config: cfg,
      configHash: ctx.configHash,
      serverIdentity: opts.serverIdentity,
      serverLabel: opts.serverLabel,
      ...(opts.pins ? { pins: opts.pins } : {}),
      pinId: opts.pinId,
      transport: 'mcp-http',
      session: label,
      emit: ctx.emit,
      now: ctx.now,
      ...(opts.approvals ? { approvals: opts.approvals } : {}),
      ...(opts.killed ? { killed: opts.killed } : {}),
      ...(opts.offThread ? { offThread: { pool: opts.offThread, engine: ctx.engine } } : {}),
      note: ctx.note,
    });
  const newEntry = (): Entry => {
    const label = newSessionLabel();
    return { busy: 0, mcp: newMcp(label), label, open: new Set(), gets: 0, ended: false };
  };
  // Records what arrives before any session exists (a first POST that cannot be read).
  let orphan: McpSession | undefined;
  const listenerSession = (): McpSession => (orphan ??= newMcp(`listener-${newSessionLabel()}`));

  /** The upstream's session id and the protocol version, for a call in this session. */
  const protocolHeaders = (entry: Entry, req: IncomingMessage, into: Record<string, string> = {}): Record<string, string> => {
    const pv = protocolHeader(req);
    if (entry.upstreamId !== undefined) into['mcp-session-id'] = entry.upstreamId;
    if (pv !== undefined) into['mcp-protocol-version'] = pv;
    return into;
  };

  /** Ends a session here, and (unless it already ended there) at the upstream; `cause` is why, for what is still waiting. */
  const endSession = (entry: Entry, tellUpstream: boolean, cause: EndCause): Promise<void> => {
    if (entry.ended) return Promise.resolve();
    entry.ended = true;
    if (entry.id !== undefined) table.delete(entry.id);
    for (const ac of entry.open) ac.abort();
    entry.open.clear();
    // Requests held for approval are answered naming what ended the session (the client, an
    // eviction, the server…); then whatever else is waiting is let go.
    entry.mcp.cancelHeld(ENDED_BECAUSE[cause]);
    entry.mcp.upstreamClosed(cause === 'upstream' ? 'ended the session' : `was cut off when ${ENDED_BECAUSE[cause]}`);
    if (!tellUpstream || entry.upstreamId === undefined) return Promise.resolve();
    return upstream.request({ method: 'DELETE', headers: { 'mcp-session-id': entry.upstreamId }, session: entry.label }).then((r) => {
      if (r.ok) drain(r.res);
    });
  };

  /** Messages the session says go to the server on its own (answers to server requests it refused). */
  const sendToServer = (entry: Entry, messages: readonly unknown[]): void => {
    for (const m of messages) {
      void upstream
        .request({ method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(entry.upstreamId !== undefined ? { 'mcp-session-id': entry.upstreamId } : {}) }, body: JSON.stringify(m), session: entry.label })
        .then((r) => {
          if (r.ok) drain(r.res);
        });
    }
  };

  /** The event-stream text for what the session passed for one upstream event; the event's id goes on the last of them. */
  const eventsText = (messages: readonly unknown[], meta: SseMeta): string => {
    if (messages.length === 0) return meta.id !== undefined || meta.retry !== undefined ? formatSseEvent(meta) : '';
    let text = '';
    messages.forEach((m, i) => {
      text += formatSseEvent(i === messages.length - 1 ? { message: m, ...meta } : { message: m });
    });
    return text;
  };

  const respondJson = (res: ServerResponse, entry: Entry | undefined, entries: readonly unknown[], batch: boolean): void => {
    const sid: Record<string, string> = entry?.id !== undefined ? { 'mcp-session-id': entry.id } : {};
    // Each entry is one message or a batch (an upstream's batch answer passed on whole): the
    // client gets one flat batch, never a batch inside a batch.
    const messages = entries.flatMap((m) => (Array.isArray(m) ? (m as unknown[]) : [m]));
    if (messages.length === 0) {
      res.writeHead(202, sid);
      res.end();
      return;
    }
    const body = JSON.stringify(batch || messages.length > 1 ? messages : messages[0]);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...sid });
    res.end(body);
  };

  /**
   * An upstream event stream relayed to the client, event by event. Each event's text is written
   * as soon as it is judged, except once the upstream's answer has arrived whole (nothing more to
   * wait for): then the rest is returned as `tail`, for the caller to send with the end of the
   * answer in one write.
   */
  const relayStream = async (res: ServerResponse, up: IncomingMessage, entry: Entry, first: readonly unknown[]): Promise<{ clean: boolean; resumable: boolean; tail: string }> => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...(entry.id !== undefined ? { 'mcp-session-id': entry.id } : {}) });
    const writer = new SseWriter(res, () => up.complete, HOLD_MAX_BYTES);
    for (const m of first) writer.send(formatSseEvent({ message: m }));
    // Results scanned off the event loop are written when their verdict comes, in the stream's order of verdicts.
    const later: Promise<void>[] = [];
    const end = await pumpSse(up, entry.mcp, limits.maxSseEventBytes, {
      event: (out, meta) => {
        if (entry.id !== undefined) table.touch(entry.id);
        sendToServer(entry, out.toServer);
        writer.send(eventsText(out.toClient, meta));
        for (const held of out.held ?? []) {
          later.push(
            held.then((o) => {
              sendToServer(entry, o.toServer);
              writer.send(eventsText(o.toClient, meta));
            }),
          );
        }
      },
      keepAlive: () => writer.send(SSE_KEEPALIVE),
      ready: () => (res.writableNeedDrain && !res.destroyed ? new Promise<void>((r) => res.once('drain', r).once('close', r)) : null),
    });
    await Promise.all(later);
    // Resumable only when the stream carried event ids and Tollgate dropped none of its events
    // (a dropped answer would never come back by resuming).
    return { clean: end.clean, resumable: end.lastEventId !== undefined && end.dropped === 0, tail: writer.take() };
  };

  /**
   * A new session when every one is in use: refused (503) and recorded, never made room for by
   * ending a session in use. Idle sessions that made room, or expired, are noted as they go.
   */
  const refuseFull = (res: ServerResponse): void => {
    ctx.emit(sessionsFullEvent(ctx, `mcp-listener:${path}`, limits.maxSessions));
    httpError(res, 503, `Service Unavailable: Tollgate's session table is full (all ${limits.maxSessions} sessions, mcp.http.maxSessions, are in use); try again later.`, { 'retry-after': '5' });
  };
  const endDisplaced = (evicted: readonly Entry[], expired: readonly Entry[]): void => {
    for (const old of evicted) {
      ctx.note(`session ${old.label} ended: the least recently used idle session, ended to make room for a new one (mcp.http.maxSessions ${limits.maxSessions})`);
      void endSession(old, true, 'evicted');
    }
    for (const old of expired) {
      ctx.note(`session ${old.label} ended: idle for mcp.http.sessionTtlSeconds (${limits.sessionTtlSeconds} s)`);
      void endSession(old, true, 'expired');
    }
  };

  const refuseOrigin = (req: IncomingMessage, res: ServerResponse, what: string): void => {
    const verdict = ctx.engine.judge([transportFinding('policy/origin-not-allowed', what === 'Origin' ? 'header.origin' : 'header.host', `The ${what} header names a site other than this machine; refused (DNS rebinding defence, MCP Streamable HTTP security).`, { category: 'policy', mitre: 'T1557' })]);
    ctx.emit(decisionEvent({ type: 'request', transport: 'mcp-http', verdict, requestId: ctx.newRequestId(), at: ctx.now(), latencyMs: 0, mode: cfg.mode, configHash: ctx.configHash, target: `mcp-listener:${path}`, method: req.method ?? 'GET' }));
    httpError(res, 403, `Forbidden: the ${what} header does not name this machine.`);
  };

  // ── POST: client messages ───────────────────────────────────────────────────────────

  const post = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const sid = req.headers['mcp-session-id'];
    let entry: Entry | undefined;
    if (typeof sid === 'string') {
      entry = table.get(sid);
      if (!entry) return httpError(res, 404, 'Session not found; start a new session with initialize.');
    }
    if (mediaType(req.headers['content-type']) !== 'application/json') return httpError(res, 415, 'Unsupported Media Type: the body must be application/json.');
    const accept = (req.headers.accept ?? '').toLowerCase();
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) return httpError(res, 406, 'Not Acceptable: the client must accept both application/json and text/event-stream.');
    const ce = req.headers['content-encoding'];
    if (ce !== undefined && ce.trim().toLowerCase() !== 'identity') return httpError(res, 415, 'Unsupported Media Type: the body must not be compressed.');
    if (req.headers['mcp-protocol-version'] !== undefined && protocolHeader(req) === undefined) return httpError(res, 400, 'Bad Request: invalid MCP-Protocol-Version header.');

    const recorder = entry?.mcp ?? listenerSession();
    const read = await readBody(req, limits.maxBodyBytes);
    if (!read.ok) {
      if (read.tooLarge) {
        recorder.dropped('client', 'mcp/message-too-large', `a request body of ${read.bytes} bytes or more, over the ${limits.maxBodyBytes}-byte limit (mcp.http.maxBodyBytes)`, read.bytes);
        return httpError(res, 413, `Payload Too Large: over ${limits.maxBodyBytes} bytes (mcp.http.maxBodyBytes).`, { connection: 'close' });
      }
      // Cut off, too slow (proxy.requestTimeoutMs) or badly framed: guardClientErrors has answered
      // and left the decision to this handler, which took the request.
      ctx.emit(unreadBodyEvent(ctx, read.bytes));
      return httpError(res, 400, 'Bad Request: the body could not be read.');
    }
    const bytes = read.body.length;
    let text: string;
    let value: unknown;
    try {
      text = UTF8.decode(read.body);
    } catch {
      recorder.dropped('client', 'mcp/invalid-utf8', 'the request body is not valid UTF-8', bytes);
      return httpError(res, 400, 'Parse error: the body is not UTF-8.');
    }
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      recorder.dropped('client', 'mcp/invalid-json', 'the request body is not JSON', bytes);
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify(errorResponse(null, -32700, 'Parse error: the body is not JSON.')));
      return;
    }
    const creating = entry === undefined;
    if (creating) {
      const init = typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { method?: unknown }).method === 'initialize';
      if (!init) return httpError(res, 400, 'Bad Request: no Mcp-Session-Id header; a session starts with an initialize request.');
      // Full of sessions in use: refused before anything reaches the upstream (checked again
      // when the upstream has answered, as others may have taken the room meanwhile).
      if (!table.hasRoom()) return refuseFull(res);
      entry = newEntry();
    }
    const e = entry as Entry;
    const batch = Array.isArray(value);
    // Requests held for approval are waited for here (the session stays busy, so it is not swept).
    e.busy++;
    const first = e.mcp.message('client', value, bytes);
    const wasHeld = (first.held?.length ?? 0) > 0;
    const out = await settleHeld(first, batch, e.mcp, res, requestIds(value)).finally(() => e.busy--);
    const refusals = out.toClient;
    const forward = out.toServer[0];
    if (forward === undefined) {
      if (refusals.length === 0) {
        // A notifications/cancelled for a held request was accepted (MCP: 202 for an accepted notification).
        if (out.absorbed) return respondJson(res, creating ? undefined : e, [], batch);
        // Every request of this POST was held and then cancelled: a cancelled request is owed no
        // response (MCP cancellation), so its stream ends, empty.
        if (wasHeld) {
          if (!res.destroyed) {
            res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...(e.id !== undefined ? { 'mcp-session-id': e.id } : {}) });
            res.end();
          }
          return;
        }
        return httpError(res, 400, 'Bad Request: Tollgate dropped the message (see the audit log).');
      }
      return respondJson(res, creating ? undefined : e, refusals, batch);
    }
    const ids: JsonRpcId[] = requestIds(forward);
    const ac = new Cancel();
    e.open.add(ac);
    e.busy++;
    res.on('close', () => {
      if (!res.writableFinished) ac.abort();
    });
    try {
      const r = await upstream.request({
        method: 'POST',
        headers: protocolHeaders(e, req, { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }),
        body: JSON.stringify(forward),
        cancel: ac,
        session: e.label,
      });
      if (!r.ok) {
        const errors = e.mcp.abandon(ids, r.blocked ? `is not reachable under the policy (${r.why.slice(0, 200)})` : 'could not be reached', r.blocked ? RPC_BLOCKED : RPC_UPSTREAM_GONE);
        if (refusals.length + errors.length === 0) return httpError(res, 502, 'Bad Gateway: the MCP server could not be reached.');
        return respondJson(res, creating ? undefined : e, [...refusals, ...errors], batch);
      }
      const up = r.res;
      const status = up.statusCode ?? 502;
      if (status === 404 && e.upstreamId !== undefined) {
        drain(up);
        e.mcp.abandon(ids, 'ended the session');
        await endSession(e, false, 'upstream');
        return httpError(res, 404, 'Session not found: the MCP server ended it; start a new session with initialize.');
      }
      if (status < 200 || status >= 300) {
        drain(up);
        e.mcp.abandon(ids, `answered HTTP ${status}`);
        return httpError(res, clientStatus(status), `The MCP server answered HTTP ${status}.`);
      }
      if (creating) {
        const upstreamId = up.headers['mcp-session-id'];
        if (upstreamId !== undefined) {
          if (typeof upstreamId !== 'string' || !visibleAscii(upstreamId, 1024)) {
            drain(up);
            e.mcp.abandon(ids, 'sent an unusable session id');
            return httpError(res, 502, 'Bad Gateway: the MCP server sent an unusable Mcp-Session-Id.');
          }
          e.upstreamId = upstreamId;
        }
        const added = table.add(e);
        endDisplaced(added.evicted, added.expired);
        if (added.id === undefined) {
          // The upstream took the session, but there is no room here: it is ended there too.
          drain(up);
          e.mcp.abandon(ids, 'was not given a session');
          void endSession(e, true, 'unplaced');
          return refuseFull(res);
        }
        e.id = added.id;
      }
      const type = mediaType(up.headers['content-type']);
      if (status === 202 || type === undefined) {
        drain(up);
        return respondJson(res, e, [...refusals, ...e.mcp.abandon(ids, 'answered without a response', RPC_INTERNAL_ERROR)], batch);
      }
      if (type === 'application/json') {
        const answer = await settleServerHeld(await readJsonBody(up, e.mcp, limits.maxBodyBytes));
        sendToServer(e, answer.toServer);
        return respondJson(res, e, [...refusals, ...answer.toClient, ...e.mcp.abandon(ids, 'answered without a response to this request', RPC_INTERNAL_ERROR)], batch);
      }
      if (type === 'text/event-stream') {
        const end = await relayStream(res, up, e, refusals);
        // A stream that carried event ids can be resumed (GET with Last-Event-ID): its requests
        // stay open. Otherwise nothing more will come for them.
        let tail = end.tail;
        if (!end.resumable) {
          const errors = e.mcp.abandon(ids, end.clean ? 'ended the event stream' : 'broke off the event stream');
          if (!res.destroyed) for (const m of errors) tail += formatSseEvent({ message: m });
        }
        res.end(tail);
        return;
      }
      drain(up);
      e.mcp.dropped('server', 'mcp/invalid-jsonrpc', `a response of type ${type.slice(0, 60)}, neither JSON nor an event stream`);
      return respondJson(res, e, [...refusals, ...e.mcp.abandon(ids, `answered with content type ${type.slice(0, 60)}`, RPC_INTERNAL_ERROR)], batch);
    } finally {
      e.busy--;
      e.open.delete(ac);
    }
  };

  // ── GET: the server's own stream ───────────────────────────────────────────────────

  const get = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const sid = req.headers['mcp-session-id'];
    if (typeof sid !== 'string') return httpError(res, 400, 'Bad Request: no Mcp-Session-Id header.');
    const entry = table.get(sid);
    if (!entry) return httpError(res, 404, 'Session not found; start a new session with initialize.');
    if (!(req.headers.accept ?? '').toLowerCase().includes('text/event-stream')) return httpError(res, 406, 'Not Acceptable: the client must accept text/event-stream.');
    const last = req.headers['last-event-id'];
    if (last !== undefined && (typeof last !== 'string' || !visibleAscii(last, MAX_EVENT_ID, true))) return httpError(res, 400, 'Bad Request: invalid Last-Event-ID header.');
    if (entry.gets >= MAX_GET_STREAMS) return httpError(res, 409, `Conflict: this session already has ${MAX_GET_STREAMS} open streams.`);
    const ac = new Cancel();
    entry.open.add(ac);
    entry.busy++;
    entry.gets++;
    res.on('close', () => {
      if (!res.writableFinished) ac.abort();
    });
    try {
      const r = await upstream.request({ method: 'GET', headers: { accept: 'text/event-stream', ...protocolHeaders(entry, req), ...(last !== undefined ? { 'last-event-id': last } : {}) }, cancel: ac, session: entry.label });
      if (!r.ok) return httpError(res, r.blocked ? 403 : 502, 'Bad Gateway: the MCP server could not be reached.');
      const up = r.res;
      const status = up.statusCode ?? 502;
      if (status === 404 && entry.upstreamId !== undefined) {
        drain(up);
        await endSession(entry, false, 'upstream');
        return httpError(res, 404, 'Session not found: the MCP server ended it; start a new session with initialize.');
      }
      if (status === 405) {
        drain(up);
        return httpError(res, 405, 'Method Not Allowed: the MCP server offers no stream for server messages.', { allow: 'POST, DELETE' });
      }
      if (status < 200 || status >= 300) {
        drain(up);
        return httpError(res, clientStatus(status), `The MCP server answered HTTP ${status}.`);
      }
      const type = mediaType(up.headers['content-type']);
      if (type !== 'text/event-stream') {
        drain(up);
        entry.mcp.dropped('server', 'mcp/invalid-jsonrpc', `a stream of type ${(type ?? 'none').slice(0, 60)}, not an event stream`);
        return httpError(res, 502, 'Bad Gateway: the MCP server did not answer with an event stream.');
      }
      const end = await relayStream(res, up, entry, []);
      res.end(end.tail);
    } finally {
      entry.busy--;
      entry.gets--;
      entry.open.delete(ac);
    }
  };

  // ── DELETE: the end of a session ───────────────────────────────────────────────────

  const del = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const sid = req.headers['mcp-session-id'];
    if (typeof sid !== 'string') return httpError(res, 400, 'Bad Request: no Mcp-Session-Id header.');
    const entry = table.get(sid);
    if (!entry) return httpError(res, 404, 'Session not found.');
    let reached = true;
    if (entry.upstreamId !== undefined) {
      const r = await upstream.request({ method: 'DELETE', headers: protocolHeaders(entry, req), session: entry.label });
      if (r.ok) {
        drain(r.res);
        // The server may refuse to let clients end sessions (405): then the session goes on.
        if (r.res.statusCode === 405) return httpError(res, 405, 'Method Not Allowed: the MCP server does not let clients end sessions.', { allow: 'GET, POST' });
      } else {
        reached = false;
      }
    }
    await endSession(entry, false, 'client');
    if (!reached) return httpError(res, 502, 'The session ended here, but the MCP server could not be told.');
    res.writeHead(200);
    res.end();
  };

  // The proxy's strict parsing, bounded head and slow-client timeouts (http-limits.ts). The
  // request timeout bounds receiving a request (head and body) only, never the answer: a GET's
  // event stream, or a POST answered on one, may stay open as long as the server keeps it. A
  // transfer coding other than chunked is refused in front of the handler (wellFramed); Host is
  // left to Node's check and the DNS-rebinding check below.
  const server = http.createServer(httpServerOptions(ctx), wellFramed(ctx, 'mcp-http', (req, res) => {
    const route = (async (): Promise<void> => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const pathname = q < 0 ? url : url.slice(0, q);
      if (opts.admin && (pathname === '/api/v1/approvals' || pathname.startsWith('/api/v1/approvals/'))) return opts.admin(req, res);
      if (pathname !== path) return httpError(res, 404, `Not Found: the MCP endpoint is ${path}.`);
      // DNS rebinding: a page in a browser must not reach this listener through a name it controls.
      const origin = req.headers.origin;
      if (origin !== undefined) {
        let host = '';
        try {
          host = new URL(origin).hostname;
        } catch {
          host = '';
        }
        if (!isLoopbackName(host)) return refuseOrigin(req, res, 'Origin');
      }
      if (loopbackListener && !loopbackHost(req.headers.host ?? '')) return refuseOrigin(req, res, 'Host');
      if (closing) return httpError(res, 503, 'Service Unavailable: Tollgate is shutting down.');
      switch (req.method) {
        case 'POST':
          return post(req, res);
        case 'GET':
          return get(req, res);
        case 'DELETE':
          return del(req, res);
        default:
          return httpError(res, 405, 'Method Not Allowed.', { allow: 'GET, POST, DELETE' });
      }
    })();
    route.catch((err: unknown) => {
      ctx.note(`mcp http handler failed: ${(err as Error).message}`);
      httpError(res, 500, 'Tollgate could not complete this request.');
    });
  }, { host: false }));
  const sockets = trackSockets(server);
  guardClientErrors(server, ctx, 'mcp-http');

  const sweep = setInterval(() => {
    endDisplaced([], table.sweep());
  }, Math.min(60_000, Math.max(1000, (limits.sessionTtlSeconds * 1000) / 2)));
  sweep.unref();

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listen.port, opts.listen.host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({
        url: `http://${shownHost}:${addr.port}${path}`,
        port: addr.port,
        host: addr.address,
        sessionCount: () => table.size,
        cancelHeld: (detail, code) => {
          for (const e of table.values()) e.mcp.cancelHeld(detail, code);
        },
        close: async () => {
          closing = true;
          clearInterval(sweep);
          const stopped = new Promise<void>((done) => server.close(() => done()));
          const ends = Promise.all(table.clear().map((e) => endSession(e, true, 'shutdown')));
          await Promise.race([ends, new Promise<void>((r) => setTimeout(r, CLOSE_GRACE_MS).unref())]);
          for (const s of sockets) s.destroy();
          await stopped;
          upstream.close();
        },
      });
    });
  });
}
