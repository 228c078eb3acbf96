import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createScanApi, type ScanApiOptions } from './app.ts';

export interface ListeningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(listen);
  if (!m) throw new Error(`listen address must be host:port, got "${listen}"`);
  return { host: m[1] || '127.0.0.1', port: Number(m[2]) };
}

/** Anything that answers a fetch Request (a Hono app), given the peer's address. */
export interface FetchApp {
  fetch(req: Request, env: { remoteAddress?: string | undefined }): Response | Promise<Response>;
}

/** Serves a fetch app on host:port (port 0 picks a free one) and resolves once it listens. */
export function listenApp(listen: string, app: FetchApp): Promise<ListeningServer> {
  const { host, port } = parseListen(listen);
  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({
        fetch: (req, info) => app.fetch(req, { remoteAddress: (info as { incoming?: { socket?: { remoteAddress?: string } } })?.incoming?.socket?.remoteAddress }),
        hostname: host,
        port,
      });
    } catch (err) {
      reject(err);
      return;
    }
    server.once('error', reject);
    server.once('listening', () => {
      const addr = server.address() as AddressInfo;
      const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({
        url: `http://${shownHost}:${addr.port}`,
        port: addr.port,
        close: () =>
          new Promise((res) => {
            server.close(() => res());
            // Idle keep-alive connections (a `tollgate approve`, a scraper) must not hold the close open.
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
  });
}

/** Starts the scan API on host:port (port 0 picks a free one) and resolves once it listens. */
export function startScanApi(listen: string, opts: ScanApiOptions): Promise<ListeningServer> {
  return listenApp(listen, createScanApi(opts));
}
