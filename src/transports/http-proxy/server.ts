// The proxy listener: absolute-URI requests are forwarded, CONNECT opens tunnels (intercepted when
// a CA is loaded), and requests for Tollgate's own paths (origin-form: /health, /api/v1/scan,
// /metrics …) go to the admin app.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { handleFetch, isFetchPath } from '../fetch/index.ts';
import { handleWebSocketUpgrade } from '../websocket/index.ts';
import { handleConnect } from './connect.ts';
import type { ProxyContext } from './context.ts';
import { handleForward } from './forward.ts';
import { followClientLimits, guardClientErrors, httpServerOptions, wellFramed } from './http-limits.ts';
import { listen, trackSockets } from './listen.ts';
import { createInterceptor } from './intercept.ts';
import { createPlainTunnels } from './plain-tunnel.ts';
import { refusedByKillSwitch, requestScope, socketRefusedByKillSwitch, trackRelays } from './control.ts';

export interface ProxyServer {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

export interface ProxyOptions {
  readonly listen: { host: string; port: number };
  /** Serves origin-form requests (Tollgate's own endpoints, scan-api's createAdminHandler); 404 when absent. */
  readonly admin?: (req: IncomingMessage, res: ServerResponse) => void;
}

export function startProxy(ctx: ProxyContext, opts: ProxyOptions): Promise<ProxyServer> {
  // Interception configured but no CA loaded would silently tunnel blind: refuse to start instead.
  if (ctx.config.proxy.tlsInterception.enabled && !ctx.tls) {
    return Promise.reject(new Error('proxy.tlsInterception is enabled but no interception CA was loaded; run `tollgate tls init`'));
  }
  // Tunnels and WebSockets: cut when the kill switch turns on, judged again after a reload (control.ts).
  const relays = trackRelays(ctx);
  const interceptor = ctx.tls ? createInterceptor(ctx, relays) : undefined;
  // Plain HTTP inside CONNECT tunnels, scanned like forward requests (plain-tunnel.ts).
  const plain = createPlainTunnels(ctx, relays);
  const admin = opts.admin;
  const noted = new Set<string>();

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const target = req.url ?? '';
    if (target.startsWith('/')) {
      if (ctx.config.fetch.enabled && isFetchPath(target)) {
        const rq = requestScope(ctx, req, 'proxy');
        if (refusedByKillSwitch(rq, req, res, 'fetch')) return;
        handleFetch(req, res, rq.ctx, rq.session).catch((err: unknown) => {
          ctx.note(`fetch handler failed: ${(err as Error).message}`);
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', 'x-tollgate-blocked': '1' });
          res.end('Tollgate could not complete this fetch.\n');
        });
        return;
      }
      if (admin) admin(req, res);
      else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found\n');
      }
      return;
    }
    const rq = requestScope(ctx, req, 'proxy');
    if (refusedByKillSwitch(rq, req, res, 'forward')) return;
    handleForward(req, res, rq.ctx, rq.session).catch((err: unknown) => {
      ctx.note(`forward handler failed: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', 'x-tollgate-blocked': '1' });
      res.end('Tollgate could not complete this request.\n');
    });
  };

  // Strict parsing, a bounded head, and timeouts for slow clients (http-limits.ts).
  const server = http.createServer(httpServerOptions(ctx, { hostChecked: true }), wellFramed(ctx, 'http-forward', onRequest));
  // A hot reload's head limit and client timeouts reach the connections that open after it.
  followClientLimits(server, ctx);
  const sockets = trackSockets(server);
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const rq = requestScope(ctx, req, 'proxy');
    if (socketRefusedByKillSwitch(rq, req, socket, 'connect')) return;
    relays.add(socket);
    handleConnect(req, socket, head, rq.ctx, rq.session, noted, interceptor, plain, relays).catch((err: unknown) => {
      ctx.note(`CONNECT handler failed: ${(err as Error).message}`);
      socket.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // ws:// through the proxy and GET /ws?url=…: relayed with every message scanned.
    const rq = requestScope(ctx, req, 'proxy');
    if (socketRefusedByKillSwitch(rq, req, socket, 'upgrade')) return;
    relays.add(socket);
    handleWebSocketUpgrade(req, socket, head, rq.ctx, { secure: false, session: rq.session, relays }).catch((err: unknown) => {
      ctx.note(`WebSocket upgrade handler failed: ${(err as Error).message}`);
      socket.destroy();
    });
  });
  guardClientErrors(server, ctx, 'http-forward');

  return listen(server, opts.listen, sockets, () => {
    relays.stop();
    interceptor?.close();
    plain.close();
  });
}
