// Plain HTTP inside a CONNECT tunnel (an http:// URL fetched through a tunnelling client, e.g.
// undici's ProxyAgent, which tunnels every request by default). When a tunnel's first bytes are an
// HTTP request rather than a TLS ClientHello, it is served by one inner HTTP server whose handler
// goes through the same exchange as the forward proxy (exchange.ts), always to http at the host,
// port and address checked when the tunnel opened. A Host header naming another site is blocked
// (policy/host-mismatch), as inside intercepted tunnels.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { summarizeUrl, transportFinding } from '../decision.ts';
import type { ProxyContext } from './context.ts';
import { newExchange, refuse, relayExchange } from './exchange.ts';
import { refusedOffTunnel, tunnelDial, tunnelUpgrades, type Tunnel } from './tunnel-pin.ts';

import { refusedByKillSwitch, requestScope, type RelayTracker } from './control.ts';
import { followClientLimits, guardClientErrors, httpServerOptions, wellFramed } from './http-limits.ts';

export interface PlainTunnels {
  /** Serves plain HTTP on `client` (paused, with `buffered` already read from it). */
  accept(client: Socket, buffered: Buffer, tunnel: Tunnel): void;
  close(): void;
}

/** The longest method token looked for (the longest registered HTTP method is under 20 characters). */
const MAX_METHOD = 20;

/** Whether a tunnel's first bytes start an HTTP/1.x request line: an upper-case method token, then a space. */
export function looksLikeHttp(buffered: Buffer): boolean {
  const n = Math.min(buffered.length, MAX_METHOD + 1);
  for (let i = 0; i < n; i++) {
    const b = buffered[i] as number;
    if (b === 0x20) return i > 0;
    if (b < 0x41 || b > 0x5a) return false;
  }
  return false;
}

/**
 * Whether a tunnel's first bytes could still become an HTTP request line once more arrive: only
 * upper-case letters so far, no longer than a method. A client that writes its request in small
 * pieces (or a network that splits it) is read on until looksLikeHttp can tell.
 */
export function httpUndecided(buffered: Buffer): boolean {
  if (buffered.length > MAX_METHOD) return false;
  for (const b of buffered) if (b < 0x41 || b > 0x5a) return false;
  return true;
}

/** `host[:port]` as an http URL authority (IPv6 in brackets, :80 left out). */
function httpAuthority(host: string, port: number): string {
  const h = isIP(host) === 6 ? `[${host}]` : host;
  return port === 80 ? h : `${h}:${port}`;
}

export function createPlainTunnels(ctx: ProxyContext, relays?: RelayTracker): PlainTunnels {
  const tunnels = new WeakMap<object, Tunnel>();
  const live = new Set<Socket>();

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const tunnel = tunnels.get(req.socket);
    if (!tunnel) {
      res.destroy();
      return;
    }
    const rq = requestScope(ctx, req, 'proxy', tunnel.requester);
    if (refusedByKillSwitch(rq, req, res, 'forward')) return;
    handlePlain(req, res, rq.ctx, { ...tunnel, session: rq.session }, (req.method ?? 'GET').toUpperCase()).catch((err: unknown) => {
      ctx.note(`tunnelled HTTP request handler failed: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', 'x-tollgate-blocked': '1' });
      res.end('Tollgate could not complete this request.\n');
    });
  };

  const inner = http.createServer(httpServerOptions(ctx, { hostChecked: true }), wellFramed(ctx, 'http-forward', onRequest));
  // As in intercept.ts: the inner server never listens; this starts its timeout checks.
  inner.emit('listening');
  followClientLimits(inner, ctx);
  guardClientErrors(inner, ctx, 'http-forward');
  inner.on('upgrade', tunnelUpgrades(ctx, tunnels, false, 'tunnelled', relays));

  return {
    accept(client, buffered, tunnel) {
      if (buffered.length > 0) client.unshift(buffered);
      tunnels.set(client, tunnel);
      live.add(client);
      client.on('close', () => live.delete(client));
      inner.emit('connection', client);
      client.resume();
    },
    close() {
      for (const s of live) s.destroy();
      live.clear();
      inner.close();
    },
  };
}

async function handlePlain(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext, tunnel: Tunnel, method: string): Promise<void> {
  const authority = httpAuthority(tunnel.host, tunnel.port);
  const path = req.url ?? '';
  const x = newExchange(ctx, 'http-forward', tunnel.session, method, summarizeUrl(`http://${authority}${path.startsWith('/') ? path : '/'}`));
  if (refusedOffTunnel(x, req, res, tunnel, 80, 'a CONNECT')) return;
  let url: URL;
  try {
    url = new URL(`http://${authority}${path}`);
  } catch {
    refuse(x, res, 400, 'request', [transportFinding('engine/invalid-input', 'url', 'The request target could not be parsed; it is blocked.')]);
    return;
  }
  if (url.hostname.replace(/^\[|\]$/g, '') !== tunnel.host.replace(/^\[|\]$/g, '')) {
    refuse(x, res, 400, 'request', [transportFinding('engine/invalid-input', 'url', 'The request target changes the host; it is blocked.')]);
    return;
  }
  await relayExchange(req, res, x, { url, dial: () => tunnelDial(ctx, tunnel, true) });
}
