// npm run bench:proxy [-- --write] [-- --duration=S]: the HTTP data plane under load, in one run on
// loopback. An upstream, a pass-through floor proxy and Tollgate (balanced preset, the real
// engine) run as separate processes; autocannon (plain HTTP) and tunnel-load.ts (HTTPS through
// CONNECT) drive them from this one. Then the memory of a real `tollgate run` with 1,000 idle
// connections. The run checks that the traffic went where it claims (upstream counts, statuses,
// Tollgate's decisions) and exits non-zero when it did not; --write records it in docs/BENCH.md.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { REGEX_ENGINE, VERSION } from '../src/main.ts';
import { initCa, mintLeaf, loadCa } from '../src/transports/http-proxy/tls/index.ts';
import { writeSection } from './bench-doc.ts';
import { prose } from './corpus-gen.ts';
import { startRole, type Role } from './proxy-role-client.ts';
import { measureRunRss, type RssReport } from './run-rss.ts';
import { loadAverage, machineLine, markdownTable, ms, summarize } from './stats.ts';
import { measureStalls, stallLine } from './stalls.ts';
import { runHttpsLoad } from './tunnel-load.ts';
import { BODY_SIZES, POST_RESPONSE_BYTES, type UpstreamCounts } from './upstream.ts';

const durationArg = process.argv.find((a) => a.startsWith('--duration='));
const DURATION_S = durationArg ? Number(durationArg.slice('--duration='.length)) : 5;
const TLS_DURATION_S = Math.max(1, DURATION_S - 2);
const SINGLE_DURATION_S = Math.max(1, DURATION_S - 2);
const WARMUP_S = 1;
const CONNECTIONS = 50;
const IDLE_CONNECTIONS = 1000;
const HOST = 'upstream.test';
const failures: string[] = [];

// ---- measuring -------------------------------------------------------------------------------

interface Measured {
  readonly label: string;
  readonly target: 'direct' | 'floor' | 'tollgate';
  readonly median: number;
  readonly p99: number;
  readonly rps: number;
  readonly ok: number;
  readonly load1: number;
}

interface PlainCase {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly route: string;
  readonly body?: string;
}

type Req = { method: string; path: string; headers: Record<string, string>; body?: string };

async function autocannonRun(url: string, requests: Req[], seconds: number, connections = CONNECTIONS) {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const started = performance.now();
  const instance = autocannon({ url, connections, duration: seconds, pipelining: 1, timeout: 20, requests });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  return { latencies, statuses, result, elapsedMs: performance.now() - started };
}

function check(ok: boolean, what: string): void {
  if (!ok) failures.push(what);
}

function plainRequest(c: PlainCase, upPort: number, viaProxy: boolean): Req {
  const authority = `${HOST}:${upPort}`;
  return {
    method: c.method,
    // Through a proxy: absolute-form, the way an agent with HTTP_PROXY sends it.
    path: viaProxy ? `http://${authority}${c.path}` : c.path,
    headers: { host: authority, ...(c.body !== undefined ? { 'content-type': 'text/plain; charset=utf-8' } : {}) },
    ...(c.body !== undefined ? { body: c.body } : {}),
  };
}

async function plainCase(c: PlainCase, target: Measured['target'], upstream: Role, proxyPort: number | null, upPort: number, tollgate: Role | null, connections = CONNECTIONS): Promise<Measured> {
  const req = [plainRequest(c, upPort, proxyPort !== null)];
  const url = `http://127.0.0.1:${proxyPort ?? upPort}`;
  await autocannonRun(url, req, WARMUP_S, connections);
  const before = await upstream.stats<UpstreamCounts>();
  const tgBefore = tollgate ? await tollgate.stats<{ decisions: Record<string, number> }>() : null;
  const run = await autocannonRun(url, req, connections === CONNECTIONS ? DURATION_S : SINGLE_DURATION_S, connections);
  const after = await upstream.stats<UpstreamCounts>();
  const label = `${c.name}, ${target}`;
  const ok = run.statuses[200] ?? 0;
  const total = run.latencies.length;
  const reached = (after.answered[c.route] ?? 0) - (before.answered[c.route] ?? 0);
  check(total > 0 && ok === total, `${label}: ${total - ok} of ${total} responses were not 200 (${JSON.stringify(run.statuses)})`);
  check(run.result.errors === 0 && run.result.timeouts === 0, `${label}: autocannon saw ${run.result.errors} errors, ${run.result.timeouts} timeouts`);
  // Every 200 the client counted was answered by the upstream (a few more may have been in flight at the stop).
  check(reached >= ok && reached <= ok + 2 * connections, `${label}: the upstream answered ${reached} ${c.route} but the client got ${ok} 200s`);
  check(after.notFound === before.notFound, `${label}: the upstream saw requests for unknown paths`);
  if (c.method === 'POST') check(after.postBytes - before.postBytes === reached * (c.body?.length ?? 0), `${label}: request bodies did not arrive whole at the upstream`);
  if (tollgate && tgBefore) {
    const tgAfter = await tollgate.stats<{ decisions: Record<string, number> }>();
    const allowed = (tgAfter.decisions['response:allow'] ?? 0) - (tgBefore.decisions['response:allow'] ?? 0);
    check(allowed >= ok, `${label}: Tollgate recorded ${allowed} allowed responses for ${ok} 200s, so some did not go through its scan`);
  }
  const s = summarize(run.latencies);
  return { label, target, median: s.median, p99: s.p99, rps: ok / (run.elapsedMs / 1000), ok, load1: Number(loadAverage().split(' / ')[0]) };
}

async function tlsCase(size: number, target: Measured['target'], upstream: Role, upPort: number, via: Role | null, ca: string): Promise<Measured> {
  const label = `GET ${size / 1024} KB over TLS, ${target === 'floor' ? 'floor (blind CONNECT relay)' : target === 'tollgate' ? 'Tollgate (intercepting)' : 'direct'}`;
  const route = `GET /body/${size}`;
  const before = await upstream.stats<UpstreamCounts>();
  const tgBefore = target === 'tollgate' && via ? await via.stats<{ decisions: Record<string, number> }>() : null;
  const r = await runHttpsLoad({
    ...(via ? { via: { host: '127.0.0.1', port: via.ports.proxy as number } } : {}),
    host: HOST,
    address: '127.0.0.1',
    port: upPort,
    ca,
    path: `/body/${size}`,
    expectBytes: size,
    connections: CONNECTIONS,
    warmupMs: WARMUP_S * 1000,
    durationMs: TLS_DURATION_S * 1000,
  });
  const after = await upstream.stats<UpstreamCounts>();
  const ok = r.statuses[200] ?? 0;
  const reached = (after.answered[route] ?? 0) - (before.answered[route] ?? 0);
  check(r.errors.length === 0, `${label}: client errors: ${r.errors.slice(0, 3).join('; ')}`);
  check(ok > 0 && ok === r.latencies.length && r.wrongLength === 0, `${label}: ${ok} responses were 200 with ${r.latencies.length - ok} non-200 and ${r.wrongLength} of the wrong length (${JSON.stringify(r.statuses)})`);
  // Warm-up requests also reached the upstream, so only a lower bound holds.
  check(reached >= ok, `${label}: the upstream answered ${reached} but the client got ${ok} 200s`);
  check(r.socketsOpened <= CONNECTIONS * 2, `${label}: ${r.socketsOpened} TLS connections opened; keep-alive was not holding`);
  if (via && target === 'floor') {
    const fl = await via.stats<{ tunnels: number }>();
    check(fl.tunnels >= r.socketsOpened, `${label}: the floor opened ${fl.tunnels} tunnels for ${r.socketsOpened} client connections`);
  }
  if (tgBefore && via) {
    const tgAfter = await via.stats<{ decisions: Record<string, number> }>();
    const tunnels = (tgAfter.decisions['tunnel:allow'] ?? 0) - (tgBefore.decisions['tunnel:allow'] ?? 0);
    const scanned = (tgAfter.decisions['response:allow'] ?? 0) - (tgBefore.decisions['response:allow'] ?? 0);
    check(tunnels === r.socketsOpened, `${label}: Tollgate allowed ${tunnels} intercepted tunnels for ${r.socketsOpened} client connections`);
    check(scanned >= ok, `${label}: Tollgate recorded ${scanned} allowed responses for ${ok} 200s, so requests were not intercepted and scanned`);
  }
  const s = summarize(r.latencies);
  return { label, target, median: s.median, p99: s.p99, rps: ok / (r.elapsedMs / 1000), ok, load1: Number(loadAverage().split(' / ')[0]) };
}

// ---- the run ---------------------------------------------------------------------------------

// PROXY_BENCH_CASES=1kb,10kb,100kb,post,single picks plain rows (single: the one-connection GET 10 KB
// rows) and skips TLS and memory, for quick A/B runs while working on the proxy. A narrowed run never
// writes docs/BENCH.md.
const only = (process.env.PROXY_BENCH_CASES ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
class Narrowed extends Error {}
if (only.length > 0 && process.argv.includes('--write')) {
  process.stderr.write('PROXY_BENCH_CASES narrows the run; refusing --write.\n');
  process.exit(2);
}
const tmp = mkdtempSync(join(tmpdir(), 'tollgate-bench-proxy-'));
const roles: Role[] = [];
const plainRows: Measured[] = [];
const tlsRows: Measured[] = [];
const singleRows: Measured[] = [];
let rss: RssReport | null = null;
const loadAtStart = loadAverage();
// How much of the wall clock this machine gives a busy thread right now (bench/stalls.ts).
const stallsAtStart = stallLine(measureStalls(2));
const t0 = performance.now();

try {
  // Certificates: a CA for the upstream's own certificate, and Tollgate's interception CA.
  await initCa(join(tmp, 'upstream-ca.pem'), join(tmp, 'upstream-ca-key.pem'));
  const upstreamCa = await loadCa(join(tmp, 'upstream-ca.pem'), join(tmp, 'upstream-ca-key.pem'));
  const leaf = await mintLeaf(upstreamCa, HOST);
  writeFileSync(join(tmp, 'upstream.pem'), leaf.certPem);
  writeFileSync(join(tmp, 'upstream-key.pem'), leaf.keyPem, { mode: 0o600 });
  const tollgateCa = await initCa(join(tmp, 'tg-ca.pem'), join(tmp, 'tg-ca-key.pem'));
  const upstreamCaPem = readFileSync(join(tmp, 'upstream-ca.pem'), 'utf8');

  const upstream = await startRole('upstream', { certFile: join(tmp, 'upstream.pem'), keyFile: join(tmp, 'upstream-key.pem') });
  roles.push(upstream);
  const upPort = upstream.ports.http as number;
  const upTlsPort = upstream.ports.https as number;
  const floor = await startRole('floor', { hosts: { [HOST]: '127.0.0.1' } });
  roles.push(floor);
  const reach = `scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\ndns:\n  overrides:\n    ${HOST}: 127.0.0.1\n`;
  // Evidence as `tollgate run` writes it (audit log, metrics, signed receipts with fsync): a user's proxy pays for it.
  let tollgate = await startRole('tollgate', { yaml: reach, evidence: true });
  roles.push(tollgate);

  const postBody = prose(10 * 1024, 5);
  const cases: PlainCase[] = [
    ...BODY_SIZES.map((n) => ({ name: `GET ${n / 1024} KB`, method: 'GET' as const, path: `/body/${n}`, route: `GET /body/${n}` })),
    { name: `POST 10 KB (${POST_RESPONSE_BYTES / 1024} KB back)`, method: 'POST', path: '/post', route: 'POST /post', body: postBody },
  ];
  const tenKb = cases[1] as PlainCase;
  if (only.length > 0) {
    const keyOf = (c: PlainCase): string => (c.method === 'POST' ? 'post' : c.name.replace(/^GET /, '').replace(/\s+/g, '').toLowerCase());
    const picked = cases.filter((c) => only.includes(keyOf(c)));
    if (picked.length === 0 && !only.includes('single')) throw new Error(`PROXY_BENCH_CASES=${only.join(',')} matches none of ${cases.map(keyOf).join(', ')}`);
    cases.splice(0, cases.length, ...picked);
  }
  // One warm-up over every request shape first, so no case pays for the JIT of the first one.
  for (const port of [floor.ports.proxy as number, tollgate.ports.proxy as number]) await autocannonRun(`http://127.0.0.1:${port}`, (cases.length > 0 ? cases : [tenKb]).map((c) => plainRequest(c, upPort, true)), 2 * WARMUP_S);
  for (const c of cases) {
    plainRows.push(await plainCase(c, 'direct', upstream, null, upPort, null));
    plainRows.push(await plainCase(c, 'floor', upstream, floor.ports.proxy as number, upPort, null));
    plainRows.push(await plainCase(c, 'tollgate', upstream, tollgate.ports.proxy as number, upPort, tollgate));
    process.stderr.write(`  ${c.name} done (load ${loadAverage()})\n`);
  }
  // Unloaded latency: one connection, one request at a time, so the median is service time, not queueing.
  if (only.length === 0 || only.includes('single')) {
    singleRows.push(await plainCase(tenKb, 'direct', upstream, null, upPort, null, 1));
    singleRows.push(await plainCase(tenKb, 'floor', upstream, floor.ports.proxy as number, upPort, null, 1));
    singleRows.push(await plainCase(tenKb, 'tollgate', upstream, tollgate.ports.proxy as number, upPort, tollgate, 1));
  }
  await tollgate.stop();
  if (only.length > 0) throw new Narrowed();

  // TLS: the same Tollgate with interception on, reaching the https upstream it must verify.
  tollgate = await startRole('tollgate', {
    yaml: `${reach}proxy:\n  connect:\n    allowPorts: [${upTlsPort}]\n  tlsInterception:\n    enabled: true\n    caCert: ${JSON.stringify(tollgateCa.certFile ?? join(tmp, 'tg-ca.pem'))}\n    caKey: ${JSON.stringify(join(tmp, 'tg-ca-key.pem'))}\n    extraCaFile: ${JSON.stringify(join(tmp, 'upstream-ca.pem'))}\n`,
    dataDir: tmp,
    evidence: true,
  });
  roles.push(tollgate);
  const tgCaPem = readFileSync(join(tmp, 'tg-ca.pem'), 'utf8');
  for (const n of BODY_SIZES) {
    tlsRows.push(await tlsCase(n, 'direct', upstream, upTlsPort, null, upstreamCaPem));
    tlsRows.push(await tlsCase(n, 'floor', upstream, upTlsPort, floor, upstreamCaPem));
    tlsRows.push(await tlsCase(n, 'tollgate', upstream, upTlsPort, tollgate, tgCaPem));
    process.stderr.write(`  TLS ${n / 1024} KB done (load ${loadAverage()})\n`);
  }
  await tollgate.stop();

  rss = await measureRunRss(upPort, IDLE_CONNECTIONS);
  for (const p of rss.problems) failures.push(`tollgate run RSS: ${p}`);
  check(rss.notOk === 0 && rss.ok === rss.rounds * IDLE_CONNECTIONS, `tollgate run RSS: ${rss.ok} of ${rss.rounds * IDLE_CONNECTIONS} proxied requests answered 200`);
} catch (err) {
  if (!(err instanceof Narrowed)) failures.push(`bench aborted: ${(err as Error).stack ?? String(err)}`);
} finally {
  for (const r of roles) await r.stop().catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
}

// ---- report ----------------------------------------------------------------------------------

function table(rows: readonly Measured[]): string {
  const floorOf = (m: Measured): Measured | undefined => rows.find((r) => r.target === 'floor' && r.label.split(',')[0] === m.label.split(',')[0]);
  return markdownTable(
    ['case', 'median', 'p99', 'req/s', 'req/s vs floor', 'added median vs floor', 'load (1 min)'],
    rows.map((m) => {
      const f = floorOf(m);
      const ratio = f ? `${((100 * m.rps) / f.rps).toFixed(0)}%` : 'n/a';
      const added = f && m.target !== 'floor' ? `${m.median - f.median >= 0 ? '+' : ''}${(m.median - f.median).toFixed(2)} ms` : '';
      return [m.label, ms(m.median), ms(m.p99), m.rps.toFixed(0), m.target === 'floor' ? '100%' : ratio, added, m.load1.toFixed(2)];
    }),
  );
}

/** Bounded means memory levels off: the last round holds its connections within 5% of the round before. */
function judgeBounded(held: readonly number[]): string {
  const prev = held[held.length - 2];
  const last = held[held.length - 1];
  if (prev === undefined || last === undefined) return 'Not judged.';
  const growth = (last - prev) / prev;
  return growth <= 0.05
    ? `Round ${held.length} holds them within 5% of round ${held.length - 1} (${(100 * growth).toFixed(1)}%): levelled off.`
    : `Round ${held.length} is ${(100 * growth).toFixed(1)}% above round ${held.length - 1}: still growing, not shown bounded.`;
}

function targets(): string[] {
  const out: string[] = [];
  const tg = plainRows.filter((r) => r.target === 'tollgate');
  const fl = (m: Measured): Measured | undefined => plainRows.find((r) => r.target === 'floor' && r.label.split(',')[0] === m.label.split(',')[0]);
  const ratios = tg.map((m) => ({ m, ratio: m.rps / (fl(m)?.rps ?? Number.NaN) }));
  const worst = ratios.reduce((a, b) => (b.ratio < a.ratio ? b : a), ratios[0] ?? { m: undefined, ratio: Number.NaN });
  out.push(`- Tollgate at least 70% of the floor's requests/s (plain HTTP): lowest ${(100 * worst.ratio).toFixed(0)}% (${worst.m?.label.split(',')[0] ?? '?'}): ${ratios.every((r) => r.ratio >= 0.7) ? 'met' : 'not met'}.`);
  const ten = tg.find((m) => m.label.startsWith('GET 10 KB'));
  const tenFloor = ten ? fl(ten) : undefined;
  const one = singleRows.find((m) => m.target === 'tollgate');
  const oneFloor = singleRows.find((m) => m.target === 'floor');
  if (ten && tenFloor && one && oneFloor) {
    const added = ten.median - tenFloor.median;
    const added1 = one.median - oneFloor.median;
    out.push(
      `- Added median latency under 1 ms at 10 KB: +${added1.toFixed(2)} ms with one connection (service time): ${added1 < 1 ? 'met' : 'not met'}; +${added.toFixed(2)} ms with ${CONNECTIONS} connections, where the median is mostly queueing behind the slower proxy: ${added < 1 ? 'met' : 'not met'}.`,
    );
  }
  const tlsTg = tlsRows.filter((r) => r.target === 'tollgate');
  if (tlsTg.length > 0) {
    const tfl = (m: Measured): Measured | undefined => tlsRows.find((r) => r.target === 'floor' && r.label.split(',')[0] === m.label.split(',')[0]);
    out.push(`- With TLS interception on, Tollgate reaches ${tlsTg.map((m) => `${((100 * m.rps) / (tfl(m)?.rps ?? Number.NaN)).toFixed(0)}%`).join(' / ')} of the blind tunnel's requests/s (1 / 10 / 100 KB).`);
  }
  if (rss && rss.rows.length > 0) {
    const idle = rss.rows[0]?.rssKb ?? Number.NaN;
    const node = rss.baselines[0]?.rssKb ?? Number.NaN;
    out.push(`- Idle RSS under 80 MB: ${(idle / 1024).toFixed(1)} MB (the built CLI, dist/tollgate.js): ${idle < 80 * 1024 ? 'met' : 'not met'} (Node running an idle loop and nothing else: ${(node / 1024).toFixed(1)} MB).`);
    const held = rss.rows.filter((r) => r.state.includes('kept alive'));
    const closed = rss.rows.filter((r) => r.state.includes('after closing'));
    const firstHeld = held[0]?.rssKb ?? Number.NaN;
    out.push(
      `- RSS bounded with ${IDLE_CONNECTIONS} idle keep-alive connections: ${held.map((h) => `${(h.rssKb / 1024).toFixed(1)} MB`).join(', ')} in rounds 1 to ${held.length} (round 1: +${((firstHeld - idle) / 1024).toFixed(1)} MB over idle); after closing: ${closed.map((c) => `${(c.rssKb / 1024).toFixed(1)} MB`).join(', ')}. ${judgeBounded(held.map((h) => h.rssKb))}`,
    );
  }
  return out;
}

const machine = machineLine(`regex engine ${REGEX_ENGINE}, tollgate ${VERSION}; load average at start ${loadAtStart}, at end ${loadAverage()} (1 / 5 / 15 min); before the run, ${stallsAtStart}`);
const rssTable = rss ? markdownTable(
      ['tollgate run', 'VmRSS', 'JS heap used', 'client connections open'],
      [...rss.rows, ...rss.baselines].map((r) => [r.state, `${(r.rssKb / 1024).toFixed(1)} MB`, r.heapUsedKb === undefined ? '' : `${(r.heapUsedKb / 1024).toFixed(1)} MB`, String(r.open)]),
    ) : '(not measured)';
const report = [
  `Machine: ${machine}`,
  '',
  `Plain HTTP (forward proxy, absolute-form requests), ${CONNECTIONS} keep-alive connections, ${DURATION_S} s per case after a ${WARMUP_S} s warm-up (autocannon; before the first case, ${2 * WARMUP_S} s of every request shape through the floor and Tollgate):`,
  '',
  table(plainRows),
  '',
  `Unloaded latency, GET 10 KB, one connection, ${SINGLE_DURATION_S} s per case after a ${WARMUP_S} s warm-up (autocannon):`,
  '',
  singleRows.length > 0 ? table(singleRows) : '(not measured)',
  '',
  `HTTPS through CONNECT, ${CONNECTIONS} keep-alive connections, ${TLS_DURATION_S} s per case after a ${WARMUP_S} s warm-up that opens the tunnels (tunnel-load.ts):`,
  '',
  tlsRows.length > 0 ? table(tlsRows) : '(not measured)',
  '',
  `Memory of \`tollgate run\` (balanced preset, ${IDLE_CONNECTIONS} connections):`,
  '',
  rssTable,
  '',
  'Targets from the issue:',
  '',
  ...targets(),
].join('\n');
process.stdout.write(`${report}\n\nbench took ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);

if (failures.length > 0) {
  process.stderr.write(`\nThe traffic did not flow as claimed:\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
  if (process.argv.includes('--write')) process.stderr.write('docs/BENCH.md not written.\n');
  process.exit(1);
}

if (process.argv.includes('--write')) {
  writeSection(
    'proxy',
    `## Proxy

Produced by \`npm run bench:proxy -- --write\` (\`bench/proxy.bench.ts\`), in one run on loopback. Three processes
besides the load generator: an upstream (\`bench/upstream.ts\`, node:http/https with keep-alive, a fixed body of clean
prose of the requested size), the floor (\`bench/floor-proxy.ts\`: absolute-URI requests piped over a keep-alive agent,
CONNECT as a blind TCP relay, nothing scanned) and Tollgate (\`startProxy\` with the balanced preset and the real
engine; each decision event is counted and written by the evidence layer as \`tollgate run\` writes it: audit log,
metrics and signed receipts with fsync, in a temporary data dir). Plain HTTP is driven by autocannon in absolute form, as an agent
with \`HTTP_PROXY\` sends it. autocannon cannot tunnel through CONNECT, so the HTTPS rows use \`bench/tunnel-load.ts\`:
the same closed loop (one request in flight per connection) over a keep-alive \`https.Agent\` whose sockets are TLS
straight to the upstream, or inside a CONNECT tunnel through the floor (blind relay, end-to-end TLS to the upstream)
or through Tollgate (interception on: the client's TLS ends at Tollgate, which scans and opens its own verified TLS
to the upstream). Compare TLS rows with each other, not with the autocannon rows: the generators differ. Latencies
are per request, from the request written to the response read whole. The bench checks that every
counted response was a 200 of the right size, that the upstream answered at least as many, and that Tollgate
recorded an allowed, scanned response for each; it exits non-zero otherwise.

With ${CONNECTIONS} closed-loop connections each server runs flat out, so a row's median latency is mostly time spent
queueing behind the slowest process (about connections ÷ requests/s); the one-connection table gives the service
time a single request adds. The memory rows are a real \`tollgate run --config\` child (balanced preset plus the
dns override and the loopback allowance; audit log and receipts on, as a user runs it) read from
/proc/PID/status; "JS heap used" is from its own /metrics and includes garbage not yet collected.

The machine is shared with other jobs: the load column is the 1-minute load average when the case ended. Rerun
before reading much into a single row. \`bench/proxy-cpu.ts\` measures each proxy's own CPU per request instead (fixed
request counts, targets interleaved, optionally with the scan stubbed out to isolate the transport), which is the
steadier figure on a loaded machine; \`PROXY_BENCH_CASES=1kb,10kb\` narrows this bench to some plain rows for quick
comparisons (a narrowed run never writes this file).

${report}
`,
  );
  process.stdout.write('wrote the Proxy section of docs/BENCH.md\n');
}
