// How the proxy's HTTP servers (the listener and the inner server of intercepted tunnels) read
// clients: Node's llhttp parser in strict mode, a bounded head, and timeouts for slow clients.
//
// What llhttp refuses with 400 before anything is forwarded (hardening.test.ts sends each as raw
// bytes and checks the upstream saw nothing): Content-Length together with Transfer-Encoding, two
// Content-Length lines (different or identical: Node 20's llhttp treats a repeated Content-Length
// as an error), a Content-Length list, a Transfer-Encoding other than `chunked` last, invalid
// chunk sizes or framing (found mid-body, while the handler is still reading the body it has not
// forwarded), CR, LF or NUL inside a header value, obs-fold continuation lines, bare-LF line
// endings, and a head over maxHeaderSize (431). What llhttp accepts but Tollgate refuses is
// refused by `wellFramed` below, in front of every listener's handler: a Transfer-Encoding list
// that ends in chunked but is not chunked alone (`gzip, chunked`: llhttp takes off only the
// chunking), and an HTTP/1.1 request without Host (Node's requireHostHeader answers a bare 400
// without Tollgate's marker or an event; the MCP listener keeps Node's check).
// `insecureHTTPParser` stays false: it would accept several of these. Two Host lines are let
// through by Node (it keeps the first), so the forward handler refuses them (RFC 9112 §3.2).
import type { IncomingMessage, RequestListener, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TransportId } from '../../core/index.ts';
import { decisionEvent, summarizeUrl, transportFinding } from '../decision.ts';
import type { ProxyContext } from './context.ts';
import { BLOCK_HEADER, deny } from './deny.ts';
import { onlyChunked } from './headers.ts';

/**
 * How long a client has to send its whole request, head and body (proxy.requestTimeoutMs). Node
 * requires headersTimeout ≤ requestTimeout; the whole request can never be due before its head.
 */
export function requestTimeoutMs(p: { readonly requestTimeoutMs: number; readonly headersTimeoutMs: number }): number {
  return Math.max(p.requestTimeoutMs, p.headersTimeoutMs);
}

// Sockets whose request Node cut off for time (ERR_HTTP_REQUEST_TIMEOUT). A handler still reading
// that request's body sees only an abort; this tells it the abort was the request timeout.
const cutForTime = new WeakSet<object>();

/** Whether Node cut off this socket's request for time (proxy.headersTimeoutMs / requestTimeoutMs). */
export function requestTimedOut(socket: object): boolean {
  return cutForTime.has(socket);
}

/**
 * `hostChecked`: the server's request handler is wrapped in `wellFramed`, which refuses a
 * request without Host the usual way; Node's own check is then off (it would answer first).
 */
export function httpServerOptions(ctx: ProxyContext, opts: { readonly hostChecked?: boolean } = {}): ServerOptions {
  const p = ctx.config.proxy;
  const requestTimeout = requestTimeoutMs(p);
  return {
    insecureHTTPParser: false,
    maxHeaderSize: ctx.config.limits.maxHeaderBytes,
    requireHostHeader: opts.hostChecked !== true,
    joinDuplicateHeaders: false,
    headersTimeout: p.headersTimeoutMs,
    requestTimeout,
    keepAliveTimeout: p.idleTimeoutMs,
    // Timeouts are only checked this often; a check every 30 s (Node's default) would let a slow
    // client hold a socket far past a short headersTimeout.
    connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(p.headersTimeoutMs / 4))),
  };
}

/**
 * Keeps a long-lived listener's client limits in step with a hot reload. Node reads a server's
 * maxHeaderSize when it sets up each new connection's parser, its headersTimeout and
 * requestTimeout on every periodic check, and its keepAliveTimeout when a response ends; so
 * before each new connection is set up, the server's values are set from the config running now
 * (an identity check per connection; the values are rebuilt only after a reload). How often the
 * timeouts are checked stays as the listener started with (at most once a second), and
 * connections already open keep the head limit they were set up with.
 */
export function followClientLimits(server: Server, ctx: ProxyContext): void {
  let applied = ctx.config;
  server.prependListener('connection', () => {
    if (ctx.config === applied) return;
    applied = ctx.config;
    const o = httpServerOptions(ctx);
    const live = server as Server & { maxHeaderSize?: number };
    live.maxHeaderSize = o.maxHeaderSize;
    // requestTimeout first: Node's check assumes headersTimeout ≤ requestTimeout (httpServerOptions keeps it so).
    server.requestTimeout = o.requestTimeout as number;
    server.headersTimeout = o.headersTimeout as number;
    server.keepAliveTimeout = o.keepAliveTimeout as number;
  });
}

/**
 * What llhttp lets through but Tollgate must still refuse, checked before the handler runs: a
 * Transfer-Encoding other than `chunked` alone (headers.ts onlyChunked: `gzip, chunked` would be
 * read as a gzip body with its label dropped, so the key inside it would be scanned compressed
 * and forwarded), and, unless `host: false` (the MCP listener, which keeps Node's own check), an
 * HTTP/1.1 request without Host (RFC 9112 §3.2). Such a request is refused as other malformed
 * requests are: 400 with the block marker, the connection closed (its body is never read as
 * meaning anything), and one decision event (`engine/malformed-request`), in every mode. HTTP/1.0
 * has no Host requirement, as in Node's check; CONNECT and upgrades never reach a request handler.
 */
export function wellFramed(ctx: ProxyContext, transport: TransportId, handler: RequestListener, opts: { readonly host?: boolean } = {}): RequestListener {
  const checkHost = opts.host !== false;
  return (req, res) => {
    const te = req.headers['transfer-encoding'];
    if (te !== undefined && !onlyChunked(te)) {
      refuseMalformed(ctx, transport, req, res, 'header.transfer-encoding', 'The request has a Transfer-Encoding other than chunked alone (a transfer coding Tollgate would not see undone before scanning); it is refused.');
      return;
    }
    if (checkHost && req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor === 1) {
      refuseMalformed(ctx, transport, req, res, 'header.host', 'The HTTP/1.1 request has no Host header (RFC 9112 §3.2); it is refused.');
      return;
    }
    handler(req, res);
  };
}

/** 400 with the block marker and one `engine/malformed-request` event, whatever the mode. */
function refuseMalformed(ctx: ProxyContext, transport: TransportId, req: IncomingMessage, res: ServerResponse, location: string, why: string): void {
  const requestId = ctx.newRequestId();
  const finding = transportFinding('engine/malformed-request', location, why, { category: 'policy', mitre: 'T1190' });
  // A request that is not well-formed HTTP is refused in every mode, as the parser's refusals are.
  const verdict = { ...ctx.engine.judge([finding]), action: 'block' as const };
  const url = req.url ?? '';
  ctx.emit(
    decisionEvent({
      type: 'request',
      transport,
      verdict,
      requestId,
      at: ctx.now(),
      latencyMs: 0,
      mode: ctx.config.mode,
      configHash: ctx.configHash,
      target: url.startsWith('http://') || url.startsWith('https://') ? summarizeUrl(url) : '[malformed request]',
      ...(ctx.config.agent !== undefined ? { agent: ctx.config.agent } : {}),
    }),
  );
  deny(res, 400, verdict, requestId);
}

/** What a parse error or timeout is answered with. */
function statusFor(code: string | undefined): { status: number; text: string; rule: string; why: string } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, text: 'Request Header Fields Too Large', rule: 'engine/headers-too-large', why: 'The request head is larger than limits.maxHeaderBytes' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, text: 'Request Timeout', rule: 'engine/client-timeout', why: 'The client did not send its request in time (proxy.headersTimeoutMs / proxy.requestTimeoutMs)' };
  return { status: 400, text: 'Bad Request', rule: 'engine/malformed-request', why: `The request is not well-formed HTTP/1.1 (${(code ?? 'parse error').slice(0, 40)}); ambiguous framing is never forwarded` };
}

/**
 * Installs the server's `clientError` handler: answers once with a plain reason and the block
 * marker when the socket can still be written (`canAnswer`), closes it, and records one decision
 * event. When the error comes mid-body, after a handler took the request, that handler records
 * the event (its body read fails) and this one only answers and closes. Nothing was forwarded:
 * the proxy forwards only a body it has read whole.
 */
export function guardClientErrors(server: Server, ctx: ProxyContext, transport: TransportId, canAnswer: (socket: Duplex) => boolean = () => true): void {
  const busy = new WeakSet<object>();
  // Sockets this guard has answered: the parser may still report the cut-off request as it closes
  // (HPE_INVALID_EOF_STATE after a 408 mid-body), which is the same refusal, not a second one.
  const answered = new WeakSet<object>();
  // One listener function for every response (no closure per request); 'close' comes once.
  function idle(this: ServerResponse): void {
    busy.delete(this.req.socket);
    // Answered before its body was read whole (the handler refused it and recorded why): a timeout
    // or parse error Node reports later for the rest of that request is the same refusal.
    if (!this.req.complete) answered.add(this.req.socket);
  }
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    busy.add(req.socket);
    res.on('close', idle);
  });
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex): void => {
    const s = statusFor(err.code);
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') cutForTime.add(socket);
    // Socket and TLS errors (a reset, a failed handshake) are not requests: nothing to decide or answer.
    const parseOrTimeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || (err.code ?? '').startsWith('HPE_');
    if (!parseOrTimeout || !canAnswer(socket) || answered.has(socket)) {
      socket.destroy();
      return;
    }
    const requestId = ctx.newRequestId();
    const finding = transportFinding(s.rule, 'request', `${s.why}; it is refused.`, { category: 'policy', mitre: 'T1190' });
    const judged = ctx.engine.judge([finding]);
    // Mid-body, the handler still reading that body records the refusal; it has written nothing yet.
    if (!busy.has(socket)) ctx.emit(
      decisionEvent({
        type: 'request',
        transport,
        // Unparseable requests are refused in every mode: there is nothing well-defined to pass on.
        verdict: { ...judged, action: 'block' },
        requestId,
        at: ctx.now(),
        latencyMs: 0,
        mode: ctx.config.mode,
        configHash: ctx.configHash,
        target: '[malformed request]',
        ...(ctx.config.agent !== undefined ? { agent: ctx.config.agent } : {}),
      }),
    );
    busy.delete(socket);
    answered.add(socket);
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const body = `Tollgate blocked this request: ${s.why}.\nrules: ${s.rule}\nrequest id: ${requestId}\n`;
    (socket as Socket).end(
      `HTTP/1.1 ${s.status} ${s.text}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${BLOCK_HEADER}: 1\r\nx-tollgate-block: ${s.rule}\r\nx-tollgate-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}
