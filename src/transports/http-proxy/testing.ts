// Test helpers for the proxy: a loopback upstream, a proxy wired to a fresh engine, curl through it.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import type { DecisionEvent } from '../../core/index.ts';
import { parseConfig } from '../../config/index.ts';
import { createEngine } from '../../engine/index.ts';
import type { ProxyContext, ProxyTls } from './context.ts';
import { createResolver, type Resolver } from './resolver.ts';
import { startProxy, type ProxyServer } from './server.ts';
import { loadProxyTls } from './tls/index.ts';
import { createUpstreamAgents } from './upstream-agents.ts';

export interface Upstream {
  readonly port: number;
  readonly seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string; remotePort?: number }[];
  close(): Promise<void>;
}

type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

export function startUpstream(handler: UpstreamHandler): Promise<Upstream> {
  return listenUpstream(http.createServer(), handler);
}

/** An https upstream on 127.0.0.1 presenting `cert` (PEM, with its key). */
export function startHttpsUpstream(handler: UpstreamHandler, tls: { cert: string; key: string }): Promise<Upstream> {
  return listenUpstream(https.createServer({ cert: tls.cert, key: tls.key }), handler);
}

function listenUpstream(server: http.Server, handler: UpstreamHandler): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: body.toString('utf8'), ...(req.socket.remotePort !== undefined ? { remotePort: req.socket.remotePort } : {}) });
      handler(req, res, body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        seen,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

export interface TestProxy {
  readonly server: ProxyServer;
  readonly events: DecisionEvent[];
  readonly notes: string[];
  close(): Promise<void>;
}

/**
 * A proxy on 127.0.0.1:0 with the balanced preset plus `yaml` (and `tls` for interception).
 * Loopback is allowed as an upstream only through explicit config (scanners.ssrf.allowCidrs),
 * the way a user trusts a local server.
 */
/**
 * A ProxyContext for tests: the balanced preset plus `yaml`, a real engine and resolver, the events
 * and notes collected, a fixed clock and numbered request ids.
 */
export function testContext(yaml: string, resolver?: Resolver): { ctx: ProxyContext; events: DecisionEvent[]; notes: string[] } {
  const loaded = parseConfig(`preset: balanced\n${yaml}`);
  const config = loaded.config;
  const events: DecisionEvent[] = [];
  const notes: string[] = [];
  let n = 0;
  const ctx: ProxyContext = {
    engine: createEngine(config),
    config,
    configHash: loaded.hash,
    resolver: resolver ?? createResolver(config.dns),
    emit: (e) => events.push(e),
    now: () => 1_700_000_000_000 + n,
    newRequestId: () => `req-${++n}`,
    note: (m) => notes.push(m),
  };
  return { ctx, events, notes };
}

export async function startTestProxy(yaml: string, resolver?: Resolver, tls?: ProxyTls, extra: Partial<Pick<ProxyContext, 'approvals' | 'control'>> = {}): Promise<TestProxy> {
  const { ctx: base, events, notes } = testContext(yaml, resolver);
  const agents = createUpstreamAgents();
  const ctx: ProxyContext = {
    ...base,
    ...(tls ? { tls } : {}),
    // The production path: keep-alive upstream pools keyed by the checked address.
    upstreamAgents: agents,
    ...extra,
  };
  const server = await startProxy(ctx, { listen: { host: '127.0.0.1', port: 0 } });
  return {
    server,
    events,
    notes,
    close: async () => {
      await server.close();
      agents.destroy();
    },
  };
}

/** startTestProxy with TLS interception: the CA named in `yaml` (proxy.tlsInterception) is loaded, relative paths from `dataDir`. */
/**
 * Config for a test proxy with TLS interception on that reaches loopback upstreams by name
 * (upstream.test, pinned.test, wrongname.test → 127.0.0.1). `proxyLines` go under `proxy:`.
 */
export function interceptingYaml(o: {
  readonly ports: readonly number[];
  readonly caCert: string;
  readonly caKey: string;
  readonly extraCaFile?: string;
  readonly passthrough?: readonly string[];
  readonly proxyLines?: readonly string[];
}): string {
  return [
    'scanners:',
    '  ssrf:',
    '    allowCidrs: ["127.0.0.1/32"]',
    'dns:',
    '  overrides:',
    '    upstream.test: 127.0.0.1',
    '    pinned.test: 127.0.0.1',
    '    wrongname.test: 127.0.0.1',
    'proxy:',
    '  listen: 127.0.0.1:0',
    ...(o.proxyLines ?? []),
    '  connect:',
    `    allowPorts: [${o.ports.join(', ')}]`,
    '  tlsInterception:',
    '    enabled: true',
    `    caCert: ${JSON.stringify(o.caCert)}`,
    `    caKey: ${JSON.stringify(o.caKey)}`,
    ...(o.extraCaFile ? [`    extraCaFile: ${JSON.stringify(o.extraCaFile)}`] : []),
    `    passthrough: ${JSON.stringify(o.passthrough ?? [])}`,
    '    leafCacheSize: 10',
    '',
  ].join('\n');
}

export async function startInterceptingTestProxy(yaml: string, dataDir: string): Promise<TestProxy> {
  const loaded = await loadProxyTls(parseConfig(`preset: balanced\n${yaml}`).config.proxy.tlsInterception, dataDir);
  return startTestProxy(yaml, undefined, loaded.tls);
}

export interface CurlResult {
  readonly code: number;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

let headerFiles = 0;

/**
 * Runs curl through the proxy: the body on stdout, the headers in a temp file (-D). The 60 s
 * --max-time is a hang guard, never reached by a passing test, even on a loaded machine (a test
 * that wants a shorter one passes its own, which comes later and wins).
 */
export function curl(proxyUrl: string, args: readonly string[]): Promise<CurlResult> {
  const headerFile = join(tmpdir(), `tollgate-curl-${process.pid}-${++headerFiles}.txt`);
  return new Promise((resolve) => {
    execFile('curl', ['-s', '--max-time', '60', '--noproxy', '', '-x', proxyUrl, '-D', headerFile, ...args], { encoding: 'buffer', maxBuffer: 64 << 20 }, (err, stdout) => {
      let text = '';
      try {
        text = readFileSync(headerFile, 'utf8');
        rmSync(headerFile, { force: true });
      } catch {
        text = '';
      }
      const blocks = text.split('\r\n\r\n').filter((b) => /^HTTP\//.test(b));
      const last = blocks[blocks.length - 1] ?? '';
      const lines = last.split('\r\n');
      const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const code = err ? Number((err as { code?: unknown }).code ?? 1) || 1 : 0;
      resolve({ code, status, headers, body: stdout.toString('utf8') });
    });
  });
}

/**
 * Writes `chunks` to a plain TCP connection to `port`, `gapMs` apart (all at once when 0), and resolves
 * with everything read (latin1) when the peer closes, the socket fails, or `giveUpMs` passes. The
 * default give-up is a hang guard: an answer that must come is waited for even on a loaded machine
 * (and it stays under the 30 s default proxy.headersTimeoutMs, so a short timeout that was not
 * applied is not mistaken for one that was).
 */
/**
 * How many whole HTTP/1.1 responses `text` holds, read in order: a head, then a Content-Length body
 * (no body without one). A chunked response, or a head with neither, ends the count (stays partial).
 */
export function wholeResponses(text: string): number {
  let at = 0;
  let n = 0;
  for (;;) {
    const end = text.indexOf('\r\n\r\n', at);
    if (end < 0 || !text.startsWith('HTTP/1.1 ', at)) return n;
    const head = text.slice(at, end);
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!m) return /^HTTP\/1\.1 (1\d\d|204|304)/.test(head) ? n + 1 : n;
    const next = end + 4 + Number(m[1]);
    if (next > text.length) return n;
    n++;
    at = next;
  }
}

/**
 * Sends `chunks` (`gapMs` apart) on one raw connection and resolves with everything received, when
 * the connection closes, when `until` says the text is complete, or after `giveUpMs`.
 */
export function rawExchange(port: number, chunks: readonly (string | Buffer)[], gapMs = 0, giveUpMs = 20_000, until?: (text: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve(text);
    };
    s.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (until?.(text) === true) finish();
    });
    s.on('error', finish);
    s.on('close', finish);
    const timer = setTimeout(finish, giveUpMs);
    let i = 0;
    const next = (): void => {
      while (i < chunks.length) {
        s.write(chunks[i++] as string | Buffer);
        if (gapMs > 0) {
          setTimeout(next, gapMs);
          return;
        }
      }
    };
    next();
  });
}

/** Polls until get() gives a value; bounded by 20 s of time (a hang guard), not by a count of sleeps. */
export async function waitFor<T>(get: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The status codes of every HTTP/1.1 response head in a raw exchange, in order. */
export function statusCodes(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
}

/** Opens a CONNECT tunnel by hand and resolves with the socket once the proxy answered 200. */
export function openTunnel(proxyPort: number, authority: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(proxyPort, '127.0.0.1', () => s.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`));
    let got = '';
    const onData = (c: Buffer): void => {
      got += c.toString('latin1');
      if (!got.includes('\r\n\r\n')) return;
      s.off('data', onData);
      if (got.startsWith('HTTP/1.1 200')) resolve(s);
      else reject(new Error(got.split('\r\n')[0]));
    };
    s.on('data', onData);
    s.on('error', reject);
  });
}

export interface RawAnswer {
  readonly text: string;
  readonly status: number;
  /** The proxy closed the connection (rather than the test giving up). */
  readonly closed: boolean;
}

/**
 * Writes `chunks` (one after another) to the proxy and collects what comes back until it closes, or
 * until `giveUpMs` passes (`closed: false`). The default give-up is a hang guard, long enough for a
 * close that must come on a loaded machine, and under the 30 s default proxy.headersTimeoutMs; a test
 * that checks a connection stays open passes a short one.
 */
export function raw(
  port: number,
  chunks: readonly (string | Buffer)[],
  giveUpMs = 20_000,
  opts: { readonly sinceLastByte?: boolean } = {},
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ text, closed, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0) });
    };
    s.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      // Idle tests count from the answer, not from the connect, so a slow machine cannot eat the wait.
      if (opts.sinceLastByte === true) timer.refresh();
    });
    s.on('error', () => finish(true));
    s.on('close', () => finish(true));
    const timer = setTimeout(() => finish(false), giveUpMs);
    for (const c of chunks) s.write(c);
  });
}

/** A TCP upstream that answers every request, once its head has arrived, with the same raw bytes (framing tests). */
export function rawUpstream(answer: string | Buffer): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((s) => {
    let head = '';
    s.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) s.end(answer);
    });
    s.on('error', () => s.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    );
  });
}

/** One keep-alive GET on an open connection; resolves with the status (and X-Tollgate-Block) once the body is in. */
export function keepAliveGet(socket: net.Socket, host: string, path: string): Promise<{ status: number; block?: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(text)?.[1] ?? 0);
      if (text.length < end + 4 + length) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('end', onClose);
      const block = /\r\nx-tollgate-block: ([^\r]*)/i.exec(text)?.[1];
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), ...(block !== undefined ? { block } : {}) });
    };
    const onClose = (): void => reject(new Error(`closed before an answer: ${text.slice(0, 80)}`));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('end', onClose);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
  });
}
