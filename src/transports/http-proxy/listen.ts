// Binding a data-plane listener: listen, report where, and close (server, tracked sockets, extras).
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Bound {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

/** Tracks open client sockets so close() can end keep-alive connections too. */
export function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

/** Listens on host:port (port 0 picks one) and resolves once bound; `onClose` runs as it closes. */
export function listen(server: Server, at: { host: string; port: number }, sockets: Set<Socket>, onClose: () => void = () => undefined): Promise<Bound> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({
        url: `http://${shownHost}:${addr.port}`,
        port: addr.port,
        host: addr.address,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            onClose();
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}
