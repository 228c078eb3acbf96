import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdminHandler, type ScanApiOptions } from './app.ts';
import { nodeHandler, type FetchApp, type NodeHandler } from './node-handler.ts';

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

/** Serves a fetch app on host:port (port 0 picks a free one) and resolves once it listens. */
export function listenApp(listen: string, app: FetchApp): Promise<ListeningServer> {
  return listenHandler(listen, nodeHandler(app));
}

/** Serves a node:http handler on host:port (port 0 picks a free one) and resolves once it listens. */
export function listenHandler(listen: string, handler: NodeHandler): Promise<ListeningServer> {
  const { host, port } = parseListen(listen);
  return new Promise((resolve, reject) => {
    const server = http.createServer(handler);
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address() as AddressInfo;
      const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({
        url: `http://${shownHost}:${addr.port}`,
        port: addr.port,
        close: () =>
          new Promise((res) => {
            server.close(() => res());
            // Idle keep-alive connections (a `tollgate approve`, a scraper) must not hold the close open.
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Starts the scan API on host:port (port 0 picks a free one) and resolves once it listens. */
export function startScanApi(listen: string, opts: ScanApiOptions): Promise<ListeningServer> {
  return listenHandler(listen, createAdminHandler(opts));
}
