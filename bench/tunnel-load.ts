// A small closed-loop HTTPS load generator for the TLS rows (autocannon cannot speak through a
// CONNECT proxy): `connections` loops, each sending its next request as soon as the previous one
// has been read whole, over one keep-alive https.Agent whose sockets are TLS either straight to the
// upstream or inside a CONNECT tunnel through a proxy. A warm-up phase opens the sockets (tunnels
// and handshakes) first, so the measured phase is keep-alive steady state, like autocannon's.
import https from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export interface HttpsLoadOptions {
  /** The proxy to CONNECT through; absent: dial the upstream directly. */
  readonly via?: { readonly host: string; readonly port: number };
  /** The upstream's name (CONNECT authority, SNI, Host) and the address a direct dial uses. */
  readonly host: string;
  readonly address: string;
  readonly port: number;
  /** PEM the client trusts (the upstream's CA, or Tollgate's when it intercepts). */
  readonly ca: string;
  readonly path: string;
  readonly expectBytes: number;
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

export interface HttpsLoadResult {
  /** Milliseconds per request of the measured phase. */
  readonly latencies: number[];
  readonly statuses: Record<number, number>;
  /** Responses whose body length was not expectBytes (a 403 page, a truncated body). */
  readonly wrongLength: number;
  readonly errors: string[];
  /** TLS sockets opened (tunnels when via is set) over warm-up and measurement. */
  readonly socketsOpened: number;
  readonly elapsedMs: number;
}

function openTunnel(via: { host: string; port: number }, authority: string, cb: (err: Error | null, s?: Socket) => void): void {
  const s = netConnect(via.port, via.host, () => s.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`));
  let got = '';
  const onData = (c: Buffer): void => {
    got += c.toString('latin1');
    const end = got.indexOf('\r\n\r\n');
    if (end < 0) {
      if (got.length > 8192) s.destroy(new Error('oversized CONNECT answer'));
      return;
    }
    s.off('data', onData);
    s.off('error', onError);
    if (!/^HTTP\/1\.[01] 200/.test(got)) {
      s.destroy();
      cb(new Error(`CONNECT refused: ${got.split('\r\n')[0] ?? ''}`));
      return;
    }
    if (end + 4 < got.length) s.unshift(Buffer.from(got.slice(end + 4), 'latin1'));
    cb(null, s);
  };
  const onError = (err: Error): void => cb(err);
  s.on('data', onData);
  s.on('error', onError);
}

export async function runHttpsLoad(o: HttpsLoadOptions): Promise<HttpsLoadResult> {
  let socketsOpened = 0;
  const agent = new https.Agent({ keepAlive: true, maxSockets: o.connections, maxFreeSockets: o.connections });
  // node:http calls createConnection(options, oncreate) and accepts the socket through the callback.
  (agent as unknown as { createConnection: (opts: unknown, cb: (err: Error | null, s?: TLSSocket) => void) => undefined }).createConnection = (_opts, cb) => {
    const secure = (raw?: Socket): void => {
      socketsOpened++;
      const t = tlsConnect({ ...(raw ? { socket: raw } : { host: o.address, port: o.port }), servername: o.host, ca: o.ca });
      cb(null, t);
    };
    if (o.via) openTunnel(o.via, `${o.host}:${o.port}`, (err, s) => (err ? cb(err) : secure(s)));
    else secure();
    return undefined;
  };

  const statuses: Record<number, number> = {};
  const latencies: number[] = [];
  const errors: string[] = [];
  let wrongLength = 0;
  let measuring = false;
  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const t0 = process.hrtime.bigint();
      const req = https.request({ agent, host: o.host, port: o.port, path: o.path, method: 'GET', headers: { host: `${o.host}:${o.port}` } }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => {
          if (measuring) {
            latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            const code = res.statusCode ?? 0;
            statuses[code] = (statuses[code] ?? 0) + 1;
            if (n !== o.expectBytes) wrongLength++;
          }
          resolve();
        });
        res.on('error', (err) => {
          if (errors.length < 20) errors.push(err.message);
          resolve();
        });
      });
      req.on('error', (err) => {
        if (errors.length < 20) errors.push(err.message);
        resolve();
      });
      req.end();
    });
  const loop = async (until: () => boolean): Promise<void> => {
    const before = errors.length;
    while (!until() && errors.length === before) await once();
  };
  const phase = async (msDuration: number): Promise<number> => {
    const start = performance.now();
    const end = start + msDuration;
    await Promise.all(Array.from({ length: o.connections }, () => loop(() => performance.now() >= end)));
    return performance.now() - start;
  };
  await phase(o.warmupMs);
  measuring = true;
  const elapsedMs = await phase(o.durationMs);
  agent.destroy();
  return { latencies, statuses, wrongLength, errors, socketsOpened, elapsedMs };
}
