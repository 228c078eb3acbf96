// Where a WebSocket upgrade is meant to go, from the three ways one reaches Tollgate:
//   - absolute-form through the forward proxy: `GET ws://host/path HTTP/1.1` (http: is accepted as ws:);
//   - origin-form to Tollgate's own endpoint: `GET /ws?url=ws://host/path` (ws: or wss:);
//   - origin-form inside a CONNECT tunnel: `GET /path` means wss://authority/path in an intercepted
//     TLS tunnel and ws://authority/path in a plain-HTTP one. The CONNECT authority is the target,
//     exactly: absolute-form is refused, a Host header naming anything else is refused
//     (policy/host-mismatch, as for every other request in a tunnel), and `/ws?url=` is only a
//     path on that host, never Tollgate's endpoint.
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { hostHeaderMatches } from '../http-proxy/authority.ts';

export interface UpgradeTarget {
  /** The upstream WebSocket URL (ws: or wss:), without fragment. */
  readonly url: URL;
}

export type TargetResult =
  | { ok: true; target: UpgradeTarget }
  /** `hostMismatch`: the Host header names another site than the tunnel's (policy/host-mismatch). */
  | { ok: false; status: number; why: string; hostMismatch?: true };

export interface TargetOptions {
  /** The client reached Tollgate over TLS that Tollgate terminated (intercepted CONNECT). */
  readonly secure: boolean;
  /**
   * The CONNECT authority of the tunnel the upgrade arrived in (intercepted TLS when `secure`,
   * plain HTTP otherwise): the only host the upgrade may go to.
   */
  readonly authority?: { readonly host: string; readonly port: number };
  /** The reverse proxy's upstream: an origin-form target is a path on it (http → ws, https → wss). */
  readonly base?: URL;
}

/**
 * `base` + an origin-form path: the base path is a prefix the result must stay under (dot
 * segments, plain or percent-encoded, cannot climb out of it). Null when it would, or when the
 * path is not origin-form.
 */
export function joinPath(base: URL, path: string): URL | null {
  if (!path.startsWith('/')) return null;
  try {
    const u = new URL(base.href);
    const prefix = u.pathname.replace(/\/$/, '');
    const q = path.indexOf('?');
    u.pathname = `${prefix}${q < 0 ? path : path.slice(0, q)}`;
    u.search = q < 0 ? '' : path.slice(q);
    u.hash = '';
    if (prefix !== '' && u.pathname !== prefix && !u.pathname.startsWith(`${prefix}/`)) return null;
    return u;
  } catch {
    return null;
  }
}

/** Whether an origin-form request target is Tollgate's own /ws endpoint. */
export function isWsEndpoint(target: string): boolean {
  return target === '/ws' || target.startsWith('/ws?');
}

function asWebSocketUrl(raw: string, allowed: readonly string[]): URL | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (!allowed.includes(u.protocol)) return null;
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  u.hash = '';
  return u;
}

function authorityText(a: { host: string; port: number }): string {
  return `${isIP(a.host) === 6 ? `[${a.host}]` : a.host}:${a.port}`;
}

export function upgradeTarget(req: IncomingMessage, opts: TargetOptions): TargetResult {
  const raw = req.url ?? '';
  if (opts.base) {
    const joined = joinPath(opts.base, raw);
    const url = joined ? asWebSocketUrl(joined.href, ['http:', 'https:', 'ws:', 'wss:']) : null;
    return url ? { ok: true, target: { url } } : { ok: false, status: 400, why: 'the reverse proxy takes origin-form paths under its upstream only' };
  }
  if (opts.authority) return tunnelTarget(req, raw, opts.authority, opts.secure);
  if (opts.secure) {
    if (raw.startsWith('/')) {
      const host = Array.isArray(req.headers.host) ? undefined : req.headers.host;
      if (!host) return { ok: false, status: 400, why: 'the request names no host' };
      const url = asWebSocketUrl(`wss://${host}${raw}`, ['wss:']);
      return url ? { ok: true, target: { url } } : { ok: false, status: 400, why: 'the request target is not a valid URL' };
    }
    const url = asWebSocketUrl(raw, ['wss:', 'https:']);
    return url ? { ok: true, target: { url } } : { ok: false, status: 400, why: 'an upgrade inside a TLS tunnel must be for wss://' };
  }
  if (raw.startsWith('/')) {
    if (!isWsEndpoint(raw)) return { ok: false, status: 404, why: 'WebSocket upgrades are served at /ws?url=ws://… or through the proxy' };
    const asked = new URL(raw, 'http://tollgate.invalid').searchParams.getAll('url');
    if (asked.length !== 1) return { ok: false, status: 400, why: 'exactly one url parameter is required: /ws?url=ws://host/path' };
    const url = asWebSocketUrl(asked[0] as string, ['ws:', 'wss:']);
    return url ? { ok: true, target: { url } } : { ok: false, status: 400, why: 'the url parameter must be a ws:// or wss:// URL' };
  }
  const url = asWebSocketUrl(raw, ['ws:', 'wss:', 'http:', 'https:']);
  return url ? { ok: true, target: { url } } : { ok: false, status: 400, why: 'the request target must be a ws:// URL' };
}

function unbracketed(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * An upgrade inside a CONNECT tunnel goes to the tunnel's authority and nowhere else: the tunnel's
 * address was checked for that host, so a request naming another (an absolute-form target, a Host
 * header, a path that would change the host) is refused rather than sent there with another name.
 */
function tunnelTarget(req: IncomingMessage, raw: string, authority: { host: string; port: number }, secure: boolean): TargetResult {
  if (!raw.startsWith('/')) return { ok: false, status: 400, why: 'a request inside a CONNECT tunnel must be origin-form (/path)' };
  const host = req.headers.host;
  if (host !== undefined && (Array.isArray(host) || !hostHeaderMatches(host, authority, secure ? 443 : 80))) {
    return { ok: false, status: 403, why: 'the Host header differs from the CONNECT host (domain fronting or a request for another site)', hostMismatch: true };
  }
  const url = asWebSocketUrl(`${secure ? 'wss' : 'ws'}://${authorityText(authority)}${raw}`, ['wss:', 'ws:']);
  if (!url || unbracketed(url.hostname) !== unbracketed(authority.host) || Number(url.port || (secure ? 443 : 80)) !== authority.port) {
    return { ok: false, status: 400, why: 'the request target is not a path on the CONNECT host' };
  }
  return { ok: true, target: { url } };
}

/** RFC 6455 §4.2.1: the handshake fields a server requires. Null when they are all present and valid. */
export function handshakeProblem(req: IncomingMessage): string | null {
  if ((req.method ?? '').toUpperCase() !== 'GET') return 'a WebSocket handshake is a GET';
  const upgrade = (Array.isArray(req.headers.upgrade) ? '' : (req.headers.upgrade ?? '')).toLowerCase();
  if (upgrade !== 'websocket') return 'the Upgrade header is not "websocket"';
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || key.length !== 24 || Buffer.from(key, 'base64').length !== 16) return 'Sec-WebSocket-Key is missing or malformed';
  if (req.headers['sec-websocket-version'] !== '13') return 'only WebSocket version 13 is supported';
  return null;
}
