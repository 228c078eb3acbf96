// `node --import tsx bench/proxy-cpu.ts [--count=N] [--rounds=R] [--cases=1kb,10kb] [--targets=…] [--prof=DIR]`:
// the proxy's CPU per request, the measure that holds up on a shared machine. The upstream, the floor
// (floor-proxy.ts) and Tollgate (balanced preset, as in proxy.bench.ts) run as their own processes;
// autocannon sends a fixed number of plain-HTTP requests over 50 keep-alive connections through
// each proxy in turn, and each proxy process reports its own CPU time (process.cpuUsage) before and
// after. The targets are interleaved over R rounds so all see the same load.
//
// Targets (default floor,tollgate): floor; buffered (the floor reading each body whole before
// sending it on, the shape scanning needs); tollgate; pooled (Tollgate with responses of 64 KiB or
// more scanned in the scan pool's worker); stub (Tollgate with engine.scan answering
// allow without scanning: what the transport costs on its own); evidence (Tollgate with its decision
// events also written by the evidence layer as `tollgate run` writes them: audit log, metrics, signed
// receipts; the other targets only count them); base-tollgate, base-stub and base-evidence (the
// same, run from the checkout at PROXY_BENCH_BASE, for an A/B of two trees under the same load).
// Diagnostics only; proxy.bench.ts measures the product.
//
// --prof=DIR runs Tollgate under --cpu-prof (profile written to DIR on exit); --perf starts it
// with --perf-basic-prof for `perf record -g -p PID` (Linux perf samples CPU time, where
// --cpu-prof samples wall time and so charges preemption to whatever was running). TG_NODE_ARGS
// adds node options to the Tollgate processes (space-separated).
import autocannon from 'autocannon';
import { prose } from './corpus-gen.ts';
import { BASE_ROOT, startRole, type Role } from './proxy-role-client.ts';
import { loadAverage } from './stats.ts';
import { BODY_SIZES } from './upstream.ts';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const COUNT = Number(arg('count') ?? 4000);
const ROUNDS = Number(arg('rounds') ?? 3);
const CONNECTIONS = 50;
const HOST = 'upstream.test';
const prof = arg('prof');
const wanted = (arg('cases') ?? '1kb,10kb').split(',').map((s) => s.trim().toLowerCase());
const targets = (arg('targets') ?? 'floor,tollgate').split(',').map((s) => s.trim().toLowerCase());

interface Case {
  readonly key: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
}
const all: Case[] = [...BODY_SIZES.map((n) => ({ key: `${n / 1024}kb`, method: 'GET' as const, path: `/body/${n}` })), { key: 'post', method: 'POST', path: '/post', body: prose(10 * 1024, 5) }];
const cases = all.filter((c) => wanted.includes(c.key));

/**
 * `errors` are every failed request, client timeouts included (autocannon counts a timeout in both
 * its errors and its timeouts); `timeouts` are those of them that got no answer within the client's
 * 20 s, where the proxy was slow (its decision still comes), not a connection it dropped.
 */
async function drive(port: number, upPort: number, c: Case, amount: number): Promise<{ ok: number; non2xx: number; errors: number; timeouts: number }> {
  const authority = `${HOST}:${upPort}`;
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    amount,
    pipelining: 1,
    timeout: 20,
    requests: [
      {
        method: c.method,
        path: `http://${authority}${c.path}`,
        headers: { host: authority, ...(c.body !== undefined ? { 'content-type': 'text/plain; charset=utf-8' } : {}) },
        ...(c.body !== undefined ? { body: c.body } : {}),
      },
    ],
  });
  return { ok: r['2xx'], non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts };
}

interface Sample {
  readonly usPerReq: number;
}

async function measure(role: Role, upPort: number, c: Case): Promise<Sample> {
  const before = await role.cpuMicros();
  const r = await drive(role.ports.proxy as number, upPort, c, COUNT);
  const after = await role.cpuMicros();
  if (r.ok !== COUNT || r.errors > 0) throw new Error(`${c.key}: ${r.ok} of ${COUNT} were 2xx (${r.non2xx} not, ${r.errors} errors: ${r.timeouts} client timeouts, no answer within 20 s; ${r.errors - r.timeouts} others)`);
  return { usPerReq: (after - before) / COUNT };
}

const reach = `scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\ndns:\n  overrides:\n    ${HOST}: 127.0.0.1\n`;
const tgArgs = [
  ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
  ...(process.argv.includes('--perf') ? ['--perf-basic-prof'] : []),
  ...(process.env.TG_NODE_ARGS ?? '').split(' ').filter(Boolean),
];
const starters: Record<string, () => Promise<Role>> = {
  // --prof-floor: the floor under --cpu-prof too, to compare where the two spend.
  floor: () => startRole('floor', { hosts: { [HOST]: '127.0.0.1' } }, prof && process.argv.includes('--prof-floor') ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
  buffered: () => startRole('floor', { hosts: { [HOST]: '127.0.0.1' }, buffered: true }),
  tollgate: () => startRole('tollgate', { yaml: reach }, tgArgs),
  // Tollgate with limits.workerScanBytes at 64 KiB (default 256 KiB): 100 KB responses scanned in the pool.
  pooled: () => startRole('tollgate', { yaml: `${reach}limits:\n  workerScanBytes: 65536\n` }, tgArgs),
  stub: () => startRole('tollgate', { yaml: reach, stubScan: true }, tgArgs),
  evidence: () => startRole('tollgate', { yaml: reach, evidence: true }, tgArgs),
  // The same two from the checkout at PROXY_BENCH_BASE (an A/B of two trees in one run).
  'base-tollgate': () => startRole('tollgate', { yaml: reach }, tgArgs, BASE_ROOT ?? missingBase()),
  'base-stub': () => startRole('tollgate', { yaml: reach, stubScan: true }, tgArgs, BASE_ROOT ?? missingBase()),
  'base-evidence': () => startRole('tollgate', { yaml: reach, evidence: true }, tgArgs, BASE_ROOT ?? missingBase()),
};
function missingBase(): never {
  throw new Error('base-* targets need PROXY_BENCH_BASE=/path/to/another/checkout');
}
const upstream = await startRole('upstream', {});
const roles = new Map<string, Role>();
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
try {
  for (const t of targets) {
    const start = starters[t];
    if (!start) throw new Error(`unknown target ${t} (${Object.keys(starters).join(', ')})`);
    roles.set(t, await start());
  }
  const upPort = upstream.ports.http as number;
  process.stdout.write(`pids ${[...roles].map(([t, r]) => `${t} ${r.child.pid}`).join(', ')}; load at start ${loadAverage()}; ${COUNT} requests per measure, ${ROUNDS} rounds, ${CONNECTIONS} connections\n`);
  for (const c of cases) {
    for (const r of roles.values()) await drive(r.ports.proxy as number, upPort, c, 2000);
    const got = new Map<string, Sample[]>([...roles.keys()].map((t) => [t, []]));
    for (let i = 0; i < ROUNDS; i++) for (const [t, r] of roles) got.get(t)?.push(await measure(r, upPort, c));
    const floor = got.get('floor');
    const fu = floor ? med(floor.map((m) => m.usPerReq)) : Number.NaN;
    // Only CPU per request is reported: with `amount`, autocannon ends on its 1 s tick, so the wall
    // time of a measure is too coarse for requests/s (proxy.bench.ts measures that).
    const parts = [...got].map(([t, xs]) => {
      const u = med(xs.map((m) => m.usPerReq));
      const all = xs.map((m) => m.usPerReq.toFixed(0)).join('/');
      return `${t} ${u.toFixed(0)} µs/req [${all}]${t === 'floor' || !floor ? '' : ` ${(u / fu).toFixed(2)}x`}`;
    });
    process.stdout.write(`${c.key.padEnd(5)} ${parts.join(' | ')} (load ${loadAverage()})\n`);
  }
} finally {
  for (const r of [...roles.values(), upstream]) await r.stop().catch(() => undefined);
}
