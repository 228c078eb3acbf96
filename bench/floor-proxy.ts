// The benchmark's floor: the least a forward proxy can do. Absolute-URI requests are piped to the
// upstream over a keep-alive agent, CONNECT opens a blind TCP relay; nothing is parsed beyond what
// node:http needs, nothing is scanned. Names resolve through a static map, like Tollgate's
// dns.overrides in the same run. Written for the bench; never a product path.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface FloorProxy {
  readonly port: number;
  /** Requests forwarded / tunnels opened, for the bench's traffic checks. */
  readonly counts: { forwarded: number; tunnels: number; failed: number };
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
  return out;
}

/** Reads a stream whole (the bench's own traffic only: no bound). */
function readAll(s: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks)));
    s.on('error', reject);
  });
}

/**
 * `buffered` (diagnostics, bench/proxy-cpu.ts): the request body and then the response body are
 * read whole before they are sent on, the shape Tollgate needs in order to scan them, with nothing
 * else added. It shows what holding a message costs over piping it.
 */
export function startFloorProxy(hosts: Readonly<Record<string, string>>, buffered = false): Promise<FloorProxy> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });
  const counts = { forwarded: 0, tunnels: 0, failed: 0 };
  const sockets = new Set<Socket>();
  const fail = (res: ServerResponse): void => {
    counts.failed++;
    if (!res.headersSent) res.writeHead(502, { 'content-length': '0' });
    res.end();
  };

  const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      fail(res);
      return;
    }
    const address = hosts[url.hostname] ?? url.hostname;
    if (buffered) {
      void readAll(req).then((body) => {
        const up = http.request(
          { host: address, port: Number(url.port || 80), method: req.method, path: `${url.pathname}${url.search}`, headers: { ...endToEnd(req.headers), host: url.host }, agent },
          (upRes) => {
            void readAll(upRes).then((answer) => {
              counts.forwarded++;
              res.writeHead(upRes.statusCode ?? 502, { ...endToEnd(upRes.headers), 'content-length': String(answer.length) });
              res.end(answer);
            }, () => fail(res));
          },
        );
        up.on('error', () => fail(res));
        up.end(body);
      }, () => fail(res));
      return;
    }
    const up = http.request(
      { host: address, port: Number(url.port || 80), method: req.method, path: `${url.pathname}${url.search}`, headers: { ...endToEnd(req.headers), host: url.host }, agent },
      (upRes) => {
        counts.forwarded++;
        res.writeHead(upRes.statusCode ?? 502, endToEnd(upRes.headers));
        upRes.pipe(res);
      },
    );
    up.on('error', () => fail(res));
    req.pipe(up);
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const m = /^([^:]+):(\d+)$/.exec(req.url ?? '');
    if (!m) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const address = hosts[m[1] as string] ?? (m[1] as string);
    const up = connect(Number(m[2]), address, () => {
      counts.tunnels++;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
  });

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        counts,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            agent.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
