// The benchmark's upstream: answers GET /body/<bytes> with a fixed body of clean prose of that
// size, and POST /post (reading the whole request body) with 1 KB. Plain http and https share
// one handler and one set of counters, so the bench can check that traffic really arrived.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { prose } from './corpus-gen.ts';

export const BODY_SIZES = [1024, 10 * 1024, 100 * 1024] as const;
export const POST_RESPONSE_BYTES = 1024;

export interface UpstreamCounts {
  /** Requests answered 200, by route (`GET /body/1024`, `POST /post`). */
  readonly answered: Record<string, number>;
  /** Request body bytes received by POST /post. */
  postBytes: number;
  /** Requests answered 404 (a path the bench never sends). */
  notFound: number;
}

export interface BenchUpstream {
  readonly httpPort: number;
  readonly httpsPort?: number;
  readonly counts: UpstreamCounts;
  close(): Promise<void>;
}

export async function startBenchUpstream(tls?: { cert: string; key: string }): Promise<BenchUpstream> {
  const bodies = new Map<number, Buffer>(BODY_SIZES.map((n) => [n, Buffer.from(prose(n, n), 'utf8')]));
  const postReply = Buffer.from(prose(POST_RESPONSE_BYTES, 99), 'utf8');
  const counts: UpstreamCounts = { answered: {}, postBytes: 0, notFound: 0 };
  const count = (route: string): void => {
    counts.answered[route] = (counts.answered[route] ?? 0) + 1;
  };
  const send = (res: ServerResponse, body: Buffer): void => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(body.length) });
    res.end(body);
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    if (req.method === 'POST' && url === '/post') {
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => {
        counts.postBytes += n;
        count('POST /post');
        send(res, postReply);
      });
      return;
    }
    const m = /^\/body\/(\d+)$/.exec(url);
    const body = m ? bodies.get(Number(m[1])) : undefined;
    req.resume();
    if (req.method === 'GET' && body) {
      count(`GET /body/${body.length}`);
      send(res, body);
      return;
    }
    counts.notFound++;
    res.writeHead(404, { 'content-length': '0' });
    res.end();
  };
  const servers: http.Server[] = [http.createServer({ keepAliveTimeout: 65_000 }, handler)];
  if (tls) servers.push(https.createServer({ cert: tls.cert, key: tls.key, keepAliveTimeout: 65_000 }, handler));
  const ports = await Promise.all(
    servers.map(
      (s) =>
        new Promise<number>((resolve) => {
          s.keepAliveTimeout = 65_000;
          s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port));
        }),
    ),
  );
  return {
    httpPort: ports[0] as number,
    ...(ports[1] !== undefined ? { httpsPort: ports[1] } : {}),
    counts,
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((r) => {
              s.closeAllConnections();
              s.close(() => r());
            }),
        ),
      );
    },
  };
}
