// `npm run bench:evidence` (`node --import tsx bench/evidence.bench.ts [--against DIR]`): the cost of
// the evidence layer per decision event, measured in-process as medians of many small batches.
//
// One child process per checkout and repetition. In it, every row starts the evidence stack as
// `tollgate run` does (startEvidence on the balanced preset plus the row's YAML, a temporary
// TOLLGATE_HOME), and is fed the events the HTTP proxy makes for allowed 1 KB GETs: per exchange
// one `request` and one `response` event built by transports/decision.ts with the fields the proxy
// gives it (exchange.ts `decide`; the shape was captured from a proxied GET). A batch is BATCH
// events (default 64, i.e. 32 exchanges: one full deferred batch, DEFER_MAX_BATCH, and one receipts
// write, the writer's maxBatch) handed to `emitDeferred` as services.ts does, then
// flushDeferred(), then the receipts writer's flush (the barrier after the last batch's fdatasync)
// and one setImmediate (the audit log's end-of-turn write). The events are built before the clock
// starts: building them is the transport's cost, not the evidence layer's.
//
// Per batch: wall time, the whole process's CPU time (process.cpuUsage: every thread, i.e. also
// libuv's file writes, GC and compiler threads, the seal worker when one runs) and the main
// thread's share of it (threadTimes below), each divided by the batch's events. Rows take turns batch by
// batch (so a hypervisor stall lands on all of them alike); the child prints each row's median
// and quartiles over BATCHES batches after WARMUP batches. The parent runs REPS children per
// checkout, alternating checkouts, and prints the median of the children's medians and their
// range. Small batches on purpose: this VM loses 5-700 ms at a time to the hypervisor and the
// kernel charges those stalls as CPU time, so a batch that one lands in is an outlier, and the
// median over many short batches is the cost without them (a batch of 200 events, four receipts
// writes, was hit often enough to move the median). Timing only: nothing here asserts.
//
// Env: BATCH (64), BATCHES (60), WARMUP (6), REPS (3), ROWS (comma-separated row ids, default all).
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadAverage, machineLine, markdownTable } from './stats.ts';

const ALL_ROWS = [
  { id: 'run', name: 'as `tollgate run` (audit log + metrics + receipts, sealIn auto)', yaml: '' },
  { id: 'main', name: 'same, sealer forced in-thread (sealIn main)', yaml: 'receipts:\n  sealIn: main' },
  { id: 'worker', name: 'same, every batch sealed in the worker (sealIn worker)', yaml: 'receipts:\n  sealIn: worker' },
  { id: 'log', name: 'audit log only', yaml: 'metrics:\n  enabled: false\nreceipts:\n  enabled: false' },
  { id: 'metrics', name: 'metrics only', yaml: 'logging:\n  enabled: false\nreceipts:\n  enabled: false' },
  { id: 'receipts', name: 'receipts only (sealIn main)', yaml: 'logging:\n  enabled: false\nmetrics:\n  enabled: false\nreceipts:\n  sealIn: main' },
  { id: 'nosync', name: 'receipts only, fsync off (not durable: shows what the O_DSYNC write costs)', yaml: 'logging:\n  enabled: false\nmetrics:\n  enabled: false\nreceipts:\n  sealIn: main\n  fsync: false' },
  { id: 'bus', name: 'none (bus and deferral only)', yaml: 'logging:\n  enabled: false\nmetrics:\n  enabled: false\nreceipts:\n  enabled: false' },
] as const;

/** Per-event costs of one batch, in µs. */
interface BatchCost {
  readonly wall: number;
  readonly main: number;
  readonly process: number;
}

/** One row's summary from one child: median and quartiles over its batches, per measure. */
type RowSummary = Record<keyof BatchCost, { median: number; q1: number; q3: number }>;

const SELF = fileURLToPath(import.meta.url);
const HERE_ROOT = resolve(SELF, '../..');

/**
 * CPU time in µs of the whole process (process.cpuUsage: exact, the kernel brings the running
 * threads' counters up to date for it) and of every thread but the main one (their schedstat
 * counters, in ns; a thread's counter is brought up to date only when it stops running or at a
 * scheduler tick, but the other threads here mostly wait on the disk or for a batch). Node 20 has
 * no per-thread CPU clock, so the main thread's time is the difference; a thread that ended
 * between two readings takes its time out of `others` and so lands on the main thread.
 */
function threadTimes(): { process: number; others: number } {
  const pid = String(process.pid);
  let others = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    if (tid === pid) continue;
    try {
      others += Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'latin1').split(' ')[0]) / 1000;
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  const c = process.cpuUsage();
  return { process: c.user + c.system, others };
}

function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}

function summary(xs: readonly number[]): { median: number; q1: number; q3: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), q1: quantile(s, 0.25), q3: quantile(s, 0.75) };
}

interface Stack {
  emitDeferred(e: unknown): void;
  flushDeferred(): void;
  receipts: { writer: { flush(): Promise<void> } | null };
  close(): Promise<void>;
}

/** Child: every selected row, measured in this process against the checkout at `root`. */
async function child(root: string, rowIds: readonly string[]): Promise<void> {
  const batch = Math.max(2, Number(process.env.BATCH ?? 64)) & ~1;
  const batches = Math.max(1, Number(process.env.BATCHES ?? 60));
  const warmup = Math.max(0, Number(process.env.WARMUP ?? 6));
  const imp = (p: string): Promise<Record<string, unknown>> => import(pathToFileURL(join(root, p)).href) as Promise<Record<string, unknown>>;
  const { parseConfig } = (await imp('src/config/index.ts')) as { parseConfig: (text: string, name?: string) => { hash: string } };
  const { startEvidence } = (await imp('src/evidence-stack.ts')) as { startEvidence: (l: unknown, o: unknown) => Promise<Stack> };
  const { decisionEvent } = (await imp('src/transports/decision.ts')) as { decisionEvent: (f: unknown) => unknown };
  const rows = ALL_ROWS.filter((r) => rowIds.includes(r.id));
  const homes: string[] = [];
  const stacks: { id: string; stack: Stack; hash: string }[] = [];
  for (const row of rows) {
    const home = mkdtempSync(join(tmpdir(), 'tollgate-evidence-bench-'));
    homes.push(home);
    const loaded = parseConfig(`preset: balanced\n${row.yaml}\n`);
    stacks.push({ id: row.id, stack: await startEvidence(loaded, { env: { ...process.env, TOLLGATE_HOME: home }, note: () => undefined }), hash: loaded.hash });
  }
  const verdict = { action: 'allow', findings: [], reason: 'No findings.' };
  /** A batch's events as the proxy makes them for allowed 1 KB GETs (request, then response, per exchange). */
  const events = (configHash: string): unknown[] => {
    const out: unknown[] = [];
    for (let i = 0; i < batch; i += 2) {
      const requestId = randomUUID();
      const base = { transport: 'http-forward', verdict, requestId, mode: 'enforce', configHash, target: 'http://127.0.0.1:41234/1kb', method: 'GET', session: 'proxy:127.0.0.1' };
      out.push(decisionEvent({ ...base, type: 'request', at: Date.now(), latencyMs: 0.41 + (i % 7) * 0.013, bytes: 0 }));
      out.push(decisionEvent({ ...base, type: 'response', at: Date.now(), latencyMs: 0.93 + (i % 5) * 0.021, bytes: 1024 }));
    }
    return out;
  };
  const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
  const costs = new Map<string, BatchCost[]>(rows.map((r) => [r.id, []]));
  for (let b = 0; b < warmup + batches; b++) {
    for (const { id, stack, hash } of stacks) {
      const evs = events(hash);
      await tick();
      const t0 = threadTimes();
      const w0 = performance.now();
      for (const e of evs) stack.emitDeferred(e);
      stack.flushDeferred();
      await stack.receipts.writer?.flush();
      await tick();
      const wall = performance.now() - w0;
      const t1 = threadTimes();
      if (b >= warmup) {
        const proc = t1.process - t0.process;
        costs.get(id)?.push({ wall: (wall * 1000) / batch, main: (proc - (t1.others - t0.others)) / batch, process: proc / batch });
      }
    }
  }
  const out: Record<string, RowSummary> = {};
  for (const [id, list] of costs) out[id] = { wall: summary(list.map((c) => c.wall)), main: summary(list.map((c) => c.main)), process: summary(list.map((c) => c.process)) };
  for (const { stack } of stacks) await stack.close();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function measure(root: string, rowIds: readonly string[]): Record<string, RowSummary> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', root, rowIds.join(',')], { encoding: 'utf8', cwd: HERE_ROOT, env: process.env });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`bench child failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as Record<string, RowSummary>;
}

const median = (xs: readonly number[]): number => quantile([...xs].sort((a, b) => a - b), 0.5);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] as string, (args[2] as string).split(','));
  const rowIds = (process.env.ROWS ?? ALL_ROWS.map((r) => r.id).join(',')).split(',').map((s) => s.trim());
  const ai = args.indexOf('--against');
  const roots: { label: string; root: string }[] = [{ label: 'this tree', root: HERE_ROOT }];
  if (ai >= 0 && args[ai + 1]) roots.push({ label: 'against', root: resolve(args[ai + 1] as string) });
  const reps = Math.max(1, Number(process.env.REPS ?? 3));
  const loadBefore = loadAverage();
  const runs = new Map<string, Record<string, RowSummary>[]>(roots.map((r) => [r.label, []]));
  for (let rep = 0; rep < reps; rep++) {
    // Alternate which checkout goes first, so a drift in load does not favour one of them.
    for (const r of rep % 2 ? [...roots].reverse() : roots) {
      runs.get(r.label)?.push(measure(r.root, rowIds));
      process.stderr.write(`  rep ${rep + 1}/${reps}: ${r.label} done\n`);
    }
  }
  const f = (v: number): string => (Number.isFinite(v) ? v.toFixed(0) : 'n/a');
  const cell = (label: string, id: string, k: keyof BatchCost): string => {
    const meds = (runs.get(label) ?? []).map((s) => s[id]?.[k].median ?? Number.NaN);
    return `${f(median(meds))} (${f(Math.min(...meds))}-${f(Math.max(...meds))})`;
  };
  const header = ['row', ...roots.flatMap((r) => (roots.length > 1 ? [`${r.label}: main thread µs`, 'process µs', 'wall µs'] : ['main thread µs/event', 'process µs/event', 'wall µs/event']))];
  const body = ALL_ROWS.filter((row) => rowIds.includes(row.id)).map((row) => [row.name, ...roots.flatMap((r) => [cell(r.label, row.id, 'main'), cell(r.label, row.id, 'process'), cell(r.label, row.id, 'wall')])]);
  const batch = process.env.BATCH ?? 64;
  process.stdout.write(
    `${markdownTable(header, body)}\n\nEach cell: median over ${reps} processes of the median over ${process.env.BATCHES ?? 60} batches of ${batch} events (range of the process medians in brackets).` +
      `${roots.length > 1 ? ` against = ${roots[1]?.root}.` : ''}\n${machineLine('')}load average before ${loadBefore}, after ${loadAverage()}\n`,
  );
  if (process.env.BENCH_JSON) process.stdout.write(`${JSON.stringify(Object.fromEntries(runs))}\n`);
}

await main();
