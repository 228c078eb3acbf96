// `npx tsx bench/evidence.bench.ts`: CPU per decision event in the evidence layer (bus, audit log,
// metrics, signed receipts), whole process (JS thread, libuv threads, GC and compiler threads).
//
// Each row is measured in fresh child processes: startEvidence (config defaults plus the row's
// overrides) on a temporary TOLLGATE_HOME, WARMUP events, then N events emitted in bursts of
// BURST (default 7) with a 2 ms pause between bursts (traffic-like: each burst becomes one
// receipts batch; BURST=1 is one agent's sequential calls, every event its own batch), then
// close(), so the async work (log flush, receipts write + fdatasync, close checkpoint) is counted.
// The number is process.cpuUsage() over emit-to-close divided by N; rows are run REPS times,
// interleaved, and the median is printed.
//
// Env: N (default 4000), WARMUP (1000), REPS (5), BURST (7). `--against DIR` also measures another checkout
// of Tollgate (e.g. a `git worktree` of the base commit), interleaved run by run, for an A/B table.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadAverage, machineLine, markdownTable } from './stats.ts';

const ROWS = [
  { name: 'defaults (audit log + receipts + metrics)', yaml: '{}' },
  { name: 'receipts only (audit log off)', yaml: 'logging:\n  enabled: false' },
  { name: 'audit log only (receipts off)', yaml: 'receipts:\n  enabled: false' },
  { name: 'neither (metrics + bus only)', yaml: 'logging:\n  enabled: false\nreceipts:\n  enabled: false' },
] as const;

interface Sample {
  readonly cpu: number;
  readonly user: number;
  readonly system: number;
}

const SELF = fileURLToPath(import.meta.url);
const HERE_ROOT = resolve(SELF, '../..');

/** Child: one measurement of one row against the checkout at `root`. */
async function child(root: string, yaml: string): Promise<void> {
  const n = Number(process.env.N ?? 4000);
  const warmup = Number(process.env.WARMUP ?? 1000);
  const size = Math.max(1, Number(process.env.BURST ?? 7));
  const imp = (p: string): Promise<Record<string, unknown>> => import(pathToFileURL(join(root, p)).href) as Promise<Record<string, unknown>>;
  const { parseConfig } = (await imp('src/config/index.ts')) as { parseConfig: (text: string, name: string) => unknown };
  const { startEvidence } = (await imp('src/evidence-stack.ts')) as {
    startEvidence: (l: unknown, o: unknown) => Promise<{ emit: (e: unknown) => void; close: () => Promise<void> }>;
  };
  const { decisionEvent } = (await imp('src/transports/decision.ts')) as { decisionEvent: (f: unknown) => unknown };
  const home = mkdtempSync(join(tmpdir(), 'tollgate-evidence-bench-'));
  try {
    const stack = await startEvidence(parseConfig(yaml, 'bench.yaml'), { env: { TOLLGATE_HOME: home }, note: () => undefined });
    // An MCP tools/call as the MCP transports emit it: an allowed call and its allowed result, no findings.
    const verdict = { action: 'allow', findings: [], reason: 'no findings' };
    const event = (i: number): unknown =>
      decisionEvent({
        type: i % 2 ? 'tool-result' : 'tool-call',
        transport: 'mcp-http',
        verdict,
        requestId: `req-${i >> 1}`,
        at: Date.now(),
        latencyMs: 0.2,
        mode: 'enforce',
        configHash: 'deadbeef'.repeat(8),
        target: 'mcp:prose/search',
        method: 'tools/call',
        session: 'session-1',
        bytes: 1100,
      });
    const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    const burst = async (from: number, to: number): Promise<void> => {
      for (let b = from; b < to; b += size) {
        for (let i = b; i < Math.min(to, b + size); i++) stack.emit(event(i));
        await pause(2);
      }
    };
    await burst(0, warmup);
    await pause(200);
    const c0 = process.cpuUsage();
    await burst(warmup, warmup + n);
    await stack.close();
    const c = process.cpuUsage(c0);
    const sample: Sample = { cpu: (c.user + c.system) / n, user: c.user / n, system: c.system / n };
    process.stdout.write(`${JSON.stringify(sample)}\n`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function measure(root: string, yaml: string): Sample {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', root, yaml], { encoding: 'utf8', cwd: HERE_ROOT, env: process.env });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`bench child failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as Sample;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] as string, args[2] as string);
  const ai = args.indexOf('--against');
  const roots: { label: string; root: string }[] = [{ label: 'this tree', root: HERE_ROOT }];
  if (ai >= 0 && args[ai + 1]) roots.push({ label: `against ${args[ai + 1]}`, root: resolve(args[ai + 1] as string) });
  const reps = Number(process.env.REPS ?? 5);
  const loadBefore = loadAverage();
  const samples = new Map<string, Sample[]>();
  for (let rep = 0; rep < reps; rep++) {
    for (const row of ROWS) {
      // Alternate which checkout goes first, so a drift in load does not favour one of them.
      const order = rep % 2 ? [...roots].reverse() : roots;
      for (const r of order) {
        const key = `${r.label}\0${row.name}`;
        const list = samples.get(key) ?? [];
        list.push(measure(r.root, row.yaml));
        samples.set(key, list);
      }
    }
  }
  const f = (v: number): string => v.toFixed(0);
  const header = ['row', ...roots.flatMap((r) => (roots.length > 1 ? [`${r.label}: µs CPU/event`, 'user / sys', 'min-max'] : ['µs CPU/event', 'user / sys', 'min-max']))];
  const body = ROWS.map((row) => [
    row.name,
    ...roots.flatMap((r) => {
      const s = samples.get(`${r.label}\0${row.name}`) ?? [];
      const cpu = s.map((x) => x.cpu);
      return [f(median(cpu)), `${f(median(s.map((x) => x.user)))} / ${f(median(s.map((x) => x.system)))}`, `${f(Math.min(...cpu))}-${f(Math.max(...cpu))}`];
    }),
  ]);
  process.stdout.write(
    `${markdownTable(header, body)}\n\n${machineLine(`N=${process.env.N ?? 4000} events per run in bursts of ${process.env.BURST ?? 7}, median of ${reps} runs`)}; load average before ${loadBefore}, after ${loadAverage()}\n`,
  );
}

await main();
