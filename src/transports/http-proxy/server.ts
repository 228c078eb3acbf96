// The proxy listener: absolute-URI requests are forwarded, CONNECT opens tunnels (intercepted when
// a CA is loaded), and requests for Tollgate's own paths (origin-form: /health, /api/v1/scan,
// /metrics …) go to the admin app.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { handleFetch, isFetchPath } from '../fetch/index.ts';
import { handleWebSocketUpgrade } from '../websocket/index.ts';
import { handleConnect } from './connect.ts';
import type { ProxyContext } from './context.ts';
import { handleForward } from './forward.ts';
import { createInterceptor } from './intercept.ts';

export interface ProxyServer {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

export interface ProxyOptions {
  readonly listen: { host: string; port: number };
  /** Serves origin-form requests (Tollgate's own endpoints); 404 when absent. */
  readonly admin?: Hono<{ Bindings: { remoteAddress?: string } }>;
}

function sessionOf(req: IncomingMessage): string {
  return `proxy:${req.socket.remoteAddress ?? 'unknown'}`;
}

export function startProxy(ctx: ProxyContext, opts: ProxyOptions): Promise<ProxyServer> {
  // Interception configured but no CA loaded would silently tunnel blind: refuse to start instead.
  if (ctx.config.proxy.tlsInterception.enabled && !ctx.tls) {
    return Promise.reject(new Error('proxy.tlsInterception is enabled but no interception CA was loaded; run `tollgate tls init`'));
  }
  const interceptor = ctx.tls ? createInterceptor(ctx) : undefined;
  const admin = opts.admin;
  const adminListener = admin
    ? getRequestListener((request, env) => admin.fetch(request, { remoteAddress: (env as { incoming?: IncomingMessage }).incoming?.socket.remoteAddress }))
    : null;
  const noted = new Set<string>();
  const sockets = new Set<Socket>();

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const target = req.url ?? '';
    if (target.startsWith('/')) {
      if (ctx.config.fetch.enabled && isFetchPath(target)) {
        handleFetch(req, res, ctx, sessionOf(req)).catch((err: unknown) => {
          ctx.note(`fetch handler failed: ${(err as Error).message}`);
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', 'x-tollgate-blocked': '1' });
          res.end('Tollgate could not complete this fetch.\n');
        });
        return;
      }
      if (adminListener) void adminListener(req, res);
      else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found\n');
      }
      return;
    }
    handleForward(req, res, ctx, sessionOf(req)).catch((err: unknown) => {
      ctx.note(`forward handler failed: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', 'x-tollgate-blocked': '1' });
      res.end('Tollgate could not complete this request.\n');
    });
  };

  const server = http.createServer({ requestTimeout: 0 }, onRequest);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    handleConnect(req, socket, head, ctx, sessionOf(req), noted, interceptor).catch((err: unknown) => {
      ctx.note(`CONNECT handler failed: ${(err as Error).message}`);
      socket.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // ws:// through the proxy and GET /ws?url=…: relayed with every message scanned.
    handleWebSocketUpgrade(req, socket, head, ctx, { secure: false, session: sessionOf(req) }).catch((err: unknown) => {
      ctx.note(`WebSocket upgrade handler failed: ${(err as Error).message}`);
      socket.destroy();
    });
  });
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listen.port, opts.listen.host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({
        url: `http://${shownHost}:${addr.port}`,
        port: addr.port,
        host: addr.address,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            interceptor?.close();
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}
