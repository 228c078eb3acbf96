// Resident memory of a real `tollgate run` process: idle after start, after its first proxied
// request, then with 1,000 client connections held open (first silent, then after one proxied
// request each, kept alive), then after they close; five rounds, to show whether memory levels
// off or keeps growing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// The built CLI, started the way `npm start` starts it: plain JavaScript, no TypeScript loader.
const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/tollgate.js');

/** Builds dist/ when it is missing or older than src/ (scripts/build.mjs --if-stale). */
export function ensureBuilt(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`scripts/build.mjs --if-stale exited with ${r.status}`);
}
const ROUNDS = 5;

/** JS heap used, from Tollgate's own /metrics (one short extra connection). */
function heapUsedKb(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        if (text.length < 1 << 20) text += c.toString('utf8');
      });
      res.on('end', () => {
        const m = /^nodejs_heap_size_used_bytes (\d+)/m.exec(text);
        resolve(m ? Number(m[1]) / 1024 : undefined);
      });
    });
    req.on('error', () => resolve(undefined));
    req.setTimeout(10_000, () => req.destroy());
  });
}

export interface RssRow {
  readonly state: string;
  readonly rssKb: number;
  /** nodejs_heap_size_used_bytes from its /metrics at the same moment (garbage not yet collected included). */
  readonly heapUsedKb?: number;
  /** Client connections open (as seen by the client) when the reading was taken. */
  readonly open: number;
}

export interface RssReport {
  readonly rows: RssRow[];
  readonly rounds: number;
  /** Proxied requests answered 200 / otherwise, over both rounds. */
  readonly ok: number;
  readonly notOk: number;
  readonly problems: string[];
  /** RSS of a reference process: plain Node running an idle loop. */
  readonly baselines: RssRow[];
}

/** VmRSS of a process in kB (Linux /proc). */
export function vmRssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

function waitForListen(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`tollgate run printed no listen line within ${timeoutMs} ms: ${out.slice(0, 400)}`)), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = /proxy listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
      if (out.length > 65536) out = out.slice(-4096);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tollgate run exited with ${code} before listening`));
    });
  });
}

async function openSockets(port: number, n: number): Promise<Socket[]> {
  const out: Socket[] = [];
  for (let i = 0; i < n; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, () => new Promise<Socket>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => resolve(s));
        s.once('error', reject);
      })),
    );
    for (const s of batch) {
      s.on('error', () => s.destroy());
      out.push(s);
    }
  }
  return out;
}

/** Sends one request on the socket and resolves with the status once the whole response is in. */
function oneRequest(s: Socket, request: string): Promise<number> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const done = (status: number): void => {
      s.off('data', onData);
      s.off('close', onClose);
      resolve(status);
    };
    const onData = (c: Buffer): void => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      const len = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? -1);
      if (len < 0 || buf.length >= end + 4 + len) done(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0));
    };
    const onClose = (): void => done(0);
    s.on('data', onData);
    s.once('close', onClose);
    s.write(request);
  });
}

/** RSS of `node [args] -e <idle loop>` a second after it started. */
async function idleNodeRss(args: string[]): Promise<number> {
  const child = spawn(process.execPath, [...args, '-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore', cwd: ROOT });
  await sleep(1500);
  const kb = vmRssKb(child.pid as number);
  child.kill('SIGTERM');
  return kb;
}

export async function measureRunRss(upstreamPort: number, connections: number): Promise<RssReport> {
  const home = mkdtempSync(join(tmpdir(), 'tollgate-bench-rss-'));
  const configFile = join(home, 'bench.yaml');
  // Only what reaching the loopback upstream by name needs; everything else is the balanced default.
  // Budgets stay on (their memory is part of what is measured) but sized so 5,000 requests in a
  // few seconds to one domain do not trip the 600/min default.
  ensureBuilt();
  writeFileSync(configFile, 'preset: balanced\nscanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\ndns:\n  overrides:\n    upstream.test: 127.0.0.1\nbudgets:\n  requestsPerMinute: 1000000\n  egressBytesPerHour: 100000000000\n');
  const child = spawn(process.execPath, [BIN, 'run', '--listen', '127.0.0.1:0', '--config', configFile], {
    env: { ...process.env, TOLLGATE_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.resume();
  const rows: RssRow[] = [];
  const problems: string[] = [];
  let ok = 0;
  let notOk = 0;
  try {
    const port = await waitForListen(child, 60_000);
    const pid = child.pid as number;
    await sleep(2000);
    const reading = async (state: string, open: number): Promise<void> => {
      const rssKb = vmRssKb(pid);
      const heap = await heapUsedKb(port);
      rows.push({ state, rssKb, ...(heap !== undefined ? { heapUsedKb: heap } : {}), open });
    };
    await reading('idle, after start', 0);
    const request = `GET http://upstream.test:${upstreamPort}/body/1024 HTTP/1.1\r\nHost: upstream.test:${upstreamPort}\r\nConnection: keep-alive\r\n\r\n`;
    // Whatever start-up left for the first request to do shows here, not in the idle row.
    const [first] = await openSockets(port, 1);
    if (first) {
      const status = await oneRequest(first, request);
      if (status !== 200) problems.push(`the first proxied 1 KB GET answered ${status}`);
      first.destroy();
    }
    await sleep(1000);
    await reading('after the first proxied 1 KB GET (its connection closed)', 0);
    for (let round = 1; round <= ROUNDS; round++) {
      const sockets = await openSockets(port, connections);
      await sleep(500);
      const openNow = (): number => sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
      await reading(`round ${round}: ${connections} connections open, no request sent`, openNow());
      for (let i = 0; i < sockets.length; i += 100) {
        const statuses = await Promise.all(sockets.slice(i, i + 100).map((s) => oneRequest(s, request)));
        for (const st of statuses) {
          if (st === 200) ok++;
          else notOk++;
        }
      }
      await reading(`round ${round}: the same connections after one proxied 1 KB GET each, kept alive`, openNow());
      for (const s of sockets) s.destroy();
      await sleep(2000);
      await reading(`round ${round}: 2 s after closing them`, 0);
    }
  } catch (err) {
    problems.push((err as Error).message);
  } finally {
    child.kill('SIGTERM');
    await new Promise<void>((r) => {
      if (child.exitCode !== null) r();
      else {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          r();
        });
      }
    });
    rmSync(home, { recursive: true, force: true });
  }
  const baselines: RssRow[] = [
    { state: 'reference: `node -e` idle loop', rssKb: await idleNodeRss([]), open: 0 },
  ];
  return { rows, rounds: ROUNDS, ok, notOk, problems, baselines };
}
