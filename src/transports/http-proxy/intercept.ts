// TLS interception inside a CONNECT tunnel: the client's TLS is terminated with a leaf minted for
// the CONNECT host (never for whatever name the client asks for), and the decrypted HTTP/1.1 is
// served by one inner HTTP server whose handler scans and relays through exchange.ts, always to
// https at the address checked when the tunnel opened, verifying the upstream's certificate.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { summarizeUrl, transportFinding } from '../decision.ts';
import type { ProxyContext } from './context.ts';
import { newExchange, refuse, relayExchange } from './exchange.ts';
import { refusedOffTunnel, tunnelDial, tunnelUpgrades, type Tunnel } from './tunnel-pin.ts';
import { refusedByKillSwitch, requestScope, type RelayTracker } from './control.ts';
import { followClientLimits, guardClientErrors, httpServerOptions, wellFramed } from './http-limits.ts';


export interface Interceptor {
  /** Terminates TLS on `client` (paused, with `buffered` already read from it) and serves it. */
  accept(client: Socket, buffered: Buffer, secureContext: SecureContext, tunnel: Tunnel): void;
  close(): void;
}

const MAX_NOTED = 10_000;

/** `host[:port]` as a URL authority (IPv6 in brackets, :443 left out). */
export function authorityOf(host: string, port: number): string {
  const h = isIP(host) === 6 ? `[${host}]` : host;
  return port === 443 ? h : `${h}:${port}`;
}

export { hostHeaderMatches } from './authority.ts';

export function createInterceptor(ctx: ProxyContext, relays?: RelayTracker): Interceptor {
  const tunnels = new WeakMap<object, Tunnel>();
  const live = new Set<TLSSocket>();
  const noted = new Set<string>();
  const noteOnce = (key: string, message: string): void => {
    if (noted.has(key) || noted.size >= MAX_NOTED) return;
    noted.add(key);
    ctx.note(message);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const tunnel = tunnels.get(req.socket);
    const method = (req.method ?? 'GET').toUpperCase();
    if (!tunnel) {
      res.destroy();
      return;
    }
    const rq = requestScope(ctx, req, 'proxy', tunnel.requester);
    if (refusedByKillSwitch(rq, req, res, 'intercept')) return;
    handleIntercepted(req, res, rq.ctx, { ...tunnel, session: rq.session }, method).catch((err: unknown) => {
      ctx.note(`intercepted request handler failed: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', 'x-tollgate-blocked': '1' });
      res.end('Tollgate could not complete this request.\n');
    });
  };

  const inner = http.createServer(httpServerOptions(ctx, { hostChecked: true }), wellFramed(ctx, 'https-intercept', onRequest));
  // The inner server never listens: each tunnel is handed to it as a connection. Node starts the
  // periodic check that enforces headersTimeout and requestTimeout (and tracks connections for it)
  // only when a server starts listening, so it is started here, before any tunnel arrives
  // (intercept-timeouts.test.ts). close() below stops it.
  inner.emit('listening');
  // A hot reload's head limit and client timeouts reach the tunnels opened after it.
  followClientLimits(inner, ctx);
  const secured = new WeakSet<object>();
  // Before the handshake completes there is no channel to answer on.
  guardClientErrors(inner, ctx, 'https-intercept', (socket) => secured.has(socket));
  // wss:// inside the tunnel: relayed with every message scanned, to the tunnel's checked address.
  inner.on('upgrade', tunnelUpgrades(ctx, tunnels, true, 'intercepted', relays));

  return {
    accept(client, buffered, secureContext, tunnel) {
      if (buffered.length > 0) client.unshift(buffered);
      // ALPN pins HTTP/1.1: the inner server does not speak h2, and a client must not assume it.
      const tls = new TLSSocket(client, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
      tunnels.set(tls, tunnel);
      live.add(tls);
      tls.on('close', () => live.delete(tls));
      tls.once('secure', () => secured.add(tls));
      tls.on('error', (err: Error) => {
        if (!secured.has(tls)) {
          noteOnce(`handshake:${tunnel.host}`, `TLS handshake with the client for ${tunnel.host} failed (${err.message.slice(0, 120)}); does the client trust the Tollgate CA? (tollgate tls show-ca)`);
        }
        tls.destroy();
      });
      client.on('close', () => tls.destroy());
      inner.emit('connection', tls);
    },
    close() {
      for (const s of live) s.destroy();
      live.clear();
      inner.close();
    },
  };
}

async function handleIntercepted(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext, tunnel: Tunnel, method: string): Promise<void> {
  const authority = authorityOf(tunnel.host, tunnel.port);
  const path = req.url ?? '';
  const x = newExchange(ctx, 'https-intercept', tunnel.session, method, summarizeUrl(`https://${authority}${path.startsWith('/') ? path : '/'}`));
  if (refusedOffTunnel(x, req, res, tunnel, 443, 'an intercepted')) return;
  let url: URL;
  try {
    url = new URL(`https://${authority}${path}`);
  } catch {
    refuse(x, res, 400, 'request', [transportFinding('engine/invalid-input', 'url', 'The request target could not be parsed; it is blocked.')]);
    return;
  }
  if (url.hostname.replace(/^\[|\]$/g, '') !== tunnel.host.replace(/^\[|\]$/g, '')) {
    refuse(x, res, 400, 'request', [transportFinding('engine/invalid-input', 'url', 'The request target changes the host; it is blocked.')]);
    return;
  }
  await relayExchange(req, res, x, {
    url,
    ...(isIP(tunnel.host) ? {} : { servername: tunnel.host.replace(/\.$/, '') }),
    dial: () => tunnelDial(ctx, tunnel, false),
  });
}
