// Plain HTTP answers and request reading for the Streamable HTTP listener: JSON-RPC errors as
// transport errors, the status a client gets for an upstream's, loopback names (for the Origin
// and Host checks), a request body read up to a limit, and the decision for one that was cut off.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv4 } from 'node:net';
import type { DecisionEvent } from '../../../core/index.ts';
import { decisionEvent, enforcedBlock, transportFinding } from '../../decision.ts';
import { readBodyNow } from '../../http-proxy/bodies.ts';
import type { ProxyContext } from '../../http-proxy/context.ts';
import { errorResponse, RPC_BLOCKED, RPC_UPSTREAM_GONE } from '../jsonrpc.ts';

/** A JSON-RPC error with no id, as a plain HTTP answer (what SDK servers send for transport errors). */
export function httpError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(errorResponse(null, status === 403 ? RPC_BLOCKED : RPC_UPSTREAM_GONE, message));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/** What a client gets for an upstream HTTP status Tollgate does not pass on as it is. */
export function clientStatus(upstream: number): number {
  return [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 429, 500, 503].includes(upstream) ? upstream : 502;
}

export function isLoopbackName(host: string): boolean {
  let h = host.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || (isIPv4(h) && h.startsWith('127.'));
}

/** The host part of a Host header value (host, host:port, [v6]:port). */
export function hostOf(value: string): string {
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  const colon = value.lastIndexOf(':');
  return colon < 0 ? value : value.slice(0, colon);
}

/**
 * isLoopbackName(hostOf(Host header)), remembering the last header's verdict: a client sends the
 * same Host on every request, and the check (an IPv4 parse among others) is otherwise made anew.
 */
export function loopbackHostCheck(): (hostHeader: string) => boolean {
  let last: string | undefined;
  let verdict = false;
  return (host) => {
    if (host !== last) {
      verdict = isLoopbackName(hostOf(host));
      last = host;
    }
    return verdict;
  };
}

export async function readBody(req: IncomingMessage, max: number): Promise<{ ok: true; body: Buffer } | { ok: false; tooLarge: boolean; bytes: number }> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > max) return { ok: false, tooLarge: true, bytes: declared };
  // A small body usually comes in the same read as the head, and the parser has taken it in once
  // a microtask has passed: then it is taken at once (readBodyNow), without listeners or a promise.
  await undefined;
  const now = readBodyNow(req, max);
  if (now !== null) {
    // As readBody's own listener did: an error after the body is in is nobody's to handle.
    req.on('error', () => undefined);
    return now.ok ? now : { ok: false, tooLarge: false, bytes: now.received };
  }
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let length = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      length += chunk.length;
      if (length > max) {
        done = true;
        req.pause();
        resolve({ ok: false, tooLarge: true, bytes: length });
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve({ ok: true, body: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, length) });
    });
    req.on('error', () => {
      if (done) return;
      done = true;
      resolve({ ok: false, tooLarge: false, bytes: length });
    });
  });
}

/** The decision for a POST body that did not arrive whole: blocked in every mode (nothing was read to pass on). */
export function unreadBodyEvent(ctx: ProxyContext, received: number): DecisionEvent {
  const finding = transportFinding('engine/body-aborted', 'request.body', 'The request body did not arrive whole (cut off, too slow or badly framed); an unread body is never passed on.');
  return decisionEvent({
    type: 'request',
    transport: 'mcp-http',
    verdict: { ...ctx.engine.judge([finding]), action: 'block' },
    requestId: ctx.newRequestId(),
    at: ctx.now(),
    latencyMs: 0,
    mode: ctx.config.mode,
    configHash: ctx.configHash,
    target: '[unread request body]',
    method: 'POST',
    bytes: received,
    ...(ctx.config.agent !== undefined ? { agent: ctx.config.agent } : {}),
  });
}

/**
 * The decision for an initialize refused because every session is in use (mcp.http.maxSessions):
 * blocked in every mode, since there is no room to pass it into. `where` is the listener's target.
 */
export function sessionsFullEvent(ctx: ProxyContext, where: string, max: number): DecisionEvent {
  const finding = transportFinding('mcp/sessions-full', 'mcp.http.sessions', `All ${max} sessions (mcp.http.maxSessions) are in use (an open GET stream, a request in flight or held for approval); a new session was refused rather than ending one in use.`, { severity: 'medium', category: 'limits', mitre: 'T1499' });
  return decisionEvent({
    type: 'request',
    transport: 'mcp-http',
    verdict: enforcedBlock(ctx.engine.judge([finding])),
    requestId: ctx.newRequestId(),
    at: ctx.now(),
    latencyMs: 0,
    mode: ctx.config.mode,
    configHash: ctx.configHash,
    target: where,
    method: 'POST',
    ...(ctx.config.agent !== undefined ? { agent: ctx.config.agent } : {}),
  });
}
