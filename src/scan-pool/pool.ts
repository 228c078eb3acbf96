/**
 * A small pool of worker threads that run engine.scan for large inputs, so the event loop that
 * relays traffic stays free while a multi-megabyte result is scanned, and so a scan past its
 * deadline can be stopped (the worker is terminated; a new one starts when next needed).
 *
 * What may go to a worker: the engine is pure except for its session state (split secrets'
 * window and entropy budget, read and written for egress text of a session; tool-policy's call
 * window, for tool calls of a session; the untrusted-content mark, written for a tool result of a
 * session). A worker has none of it. So the pool takes an input only when it has no session, or
 * is a tool result (all ingress: split secrets skip it, tool-policy ignores it, and the mark is
 * only written, so it is recorded in the worker and replayed here), or an HTTP response (all
 * ingress too, its URL is not scanned as segments, and it writes no mark). A scan that reads
 * session state anyway is reported by the worker's RecordingState and scanned inline instead.
 *
 * Workers start lazily (each holds its own engine, tens of MB), stop after idleMs unused, and are
 * rebuilt when the engine changes (a config reload): the pool follows the engine it is handed.
 * The queue is bounded: a job that finds it full is scanned inline, as before.
 *
 * A job's deadline is its scan's: it starts when a worker that has built its engine takes the
 * job (a worker says so with its first message), so a worker's start (a second or more) is never
 * charged to the first scan. Waiting for a worker, in the queue or for one to start, is bounded by
 * waitMs: past it a job with a deadline fails closed, and one without is scanned inline.
 */
import { Worker } from 'node:worker_threads';
import type { Finding, ScanInput } from '../core/index.ts';
import type { Engine, OffThreadOutcome, OffThreadScans, ScanCallContext } from '../engine/index.ts';
import type { EngineRecipe } from '../main.ts';
import type { ScanJob, ScanReply, WorkerReady, WorkerRecipe } from './protocol.ts';
import { textAtLeast } from './size.ts';

export interface ScanPoolOptions {
  /** Inputs with at least this many bytes of text go to a worker; 0 disables the pool (default: the engine's limits.workerScanBytes, so a reload changes it). */
  readonly thresholdBytes?: number;
  /** Worker threads at most (default: the engine's limits.scanWorkers). */
  readonly size?: number;
  /** Jobs waiting for a worker at most (default 32); past it, scanned inline. */
  readonly maxQueue?: number;
  /** A job waits this long at most for a worker to take it (queue and worker start), in ms (default 120,000: a hang guard; a worker started from the source tree can take tens of seconds on a loaded machine). */
  readonly waitMs?: number;
  /** A worker stops after this long unused, in ms (default 30,000). */
  readonly idleMs?: number;
  /** Old-generation heap of a worker, in MB (default 1024); a scan that needs more fails closed. */
  readonly maxHeapMb?: number;
  /** How an engine was built; an engine without a recipe is scanned inline. */
  readonly recipeOf: (engine: Engine) => EngineRecipe | undefined;
  /** A worker was started (for tests and logs). */
  readonly onStart?: () => void;
  /** The module a worker runs (tests: one that starts slowly); default the scan worker beside this one. */
  readonly workerUrl?: URL;
}

interface Job {
  readonly id: number;
  readonly msg: ScanJob;
  readonly ctx: ScanCallContext;
  readonly recipe: EngineRecipe;
  readonly started: number;
  readonly deadlineMs: number | undefined;
  readonly resolve: (out: OffThreadOutcome) => void;
  /** When a ready worker took it: the deadline counts from here. */
  scanStarted?: number;
  /** The deadline, once scanning. */
  timer?: NodeJS.Timeout;
  /** The bound on waiting for a worker, until one takes it. */
  wait?: NodeJS.Timeout;
  slot?: Slot;
  done: boolean;
}

interface Slot {
  readonly worker: Worker;
  readonly engine: Engine;
  job?: Job;
  idle?: NodeJS.Timeout;
  /** It has built its engine (its first message). */
  ready: boolean;
  gone: boolean;
}

/**
 * The worker module sits beside this one: scan-worker.js in the bundle (dist/), worker.ts in the
 * source tree, where a worker thread does not inherit tsx's loader and so starts from
 * worker-boot.mjs, which registers it first.
 */
function workerUrl(): URL {
  const fromSource = import.meta.url.endsWith('.ts');
  return new URL(fromSource ? './worker-boot.mjs' : './scan-worker.js', import.meta.url);
}

export class ScanPool implements OffThreadScans {
  readonly #o: Required<Omit<ScanPoolOptions, 'onStart' | 'thresholdBytes' | 'size' | 'workerUrl'>> & Pick<ScanPoolOptions, 'onStart' | 'thresholdBytes' | 'size' | 'workerUrl'>;
  #engine: Engine | undefined;
  #slots: Slot[] = [];
  #queue: Job[] = [];
  #next = 1;
  #closed = false;
  /** Workers started so far (for tests). */
  started = 0;

  constructor(opts: ScanPoolOptions) {
    this.#o = { maxQueue: 32, waitMs: 120_000, idleMs: 30_000, maxHeapMb: 1024, ...opts };
  }

  /** Workers running now. */
  get workers(): number {
    return this.#slots.length;
  }

  /** Scans running in a worker now. */
  get running(): number {
    return this.#slots.filter((s) => s.job !== undefined).length;
  }

  takes(engine: Engine, input: ScanInput, ctx: ScanCallContext): boolean {
    const threshold = this.#o.thresholdBytes ?? engine.config.limits.workerScanBytes;
    if (this.#closed || threshold <= 0) return false;
    if (ctx.session !== undefined && input.kind !== 'tool-result' && input.kind !== 'response') return false;
    if (!this.#o.recipeOf(engine)) return false;
    return textAtLeast(input, threshold);
  }

  scan(engine: Engine, input: ScanInput, ctx: ScanCallContext, opts: { readonly deadlineMs?: number } = {}): Promise<OffThreadOutcome> {
    const recipe = this.#o.recipeOf(engine);
    if (this.#closed || !recipe) return Promise.resolve({ ok: false, why: 'unavailable' });
    this.#follow(engine);
    if (this.#queue.length >= this.#o.maxQueue) return Promise.resolve({ ok: false, why: 'unavailable' });
    return new Promise<OffThreadOutcome>((resolve) => {
      const id = this.#next++;
      const msg: ScanJob = {
        id,
        input,
        now: ctx.now ?? 0,
        ...(ctx.session !== undefined ? { session: ctx.session } : {}),
        ...(ctx.agent !== undefined ? { agent: ctx.agent } : {}),
        values: ctx.secretValues !== undefined,
      };
      const job: Job = { id, msg, ctx, recipe, started: performance.now(), deadlineMs: opts.deadlineMs, resolve, done: false };
      job.wait = setTimeout(() => this.#waited(job), this.#o.waitMs);
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** Stops every worker; jobs waiting or running are answered 'unavailable' (scanned inline). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) this.#finish(job, { ok: false, why: 'unavailable' });
    const slots = this.#slots.splice(0);
    for (const s of slots) if (s.job) this.#finish(s.job, { ok: false, why: 'unavailable' });
    await Promise.all(slots.map((s) => this.#stop(s)));
  }

  /** A new engine (a reload): workers of the old one stop once idle, and its queued jobs scan inline. */
  #follow(engine: Engine): void {
    if (this.#engine === engine) return;
    this.#engine = engine;
    for (const job of this.#queue.splice(0)) this.#finish(job, { ok: false, why: 'unavailable' });
    for (const s of [...this.#slots]) if (!s.job) void this.#stop(s);
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      let slot = this.#slots.find((s) => !s.job && !s.gone && s.engine === this.#engine);
      if (!slot) {
        const live = this.#slots.filter((s) => !s.gone).length;
        if (live >= (this.#o.size ?? this.#engine?.config.limits.scanWorkers ?? 1)) return;
        slot = this.#spawn(this.#queue[0] as Job);
        if (!slot) return;
      }
      const job = this.#queue.shift() as Job;
      if (slot.idle) clearTimeout(slot.idle);
      slot.idle = undefined;
      slot.job = job;
      job.slot = slot;
      slot.worker.ref();
      slot.worker.postMessage(job.msg);
      if (slot.ready) this.#begin(job);
    }
  }

  /** A ready worker has the job: its deadline starts now. */
  #begin(job: Job): void {
    if (job.done || job.scanStarted !== undefined) return;
    if (job.wait) clearTimeout(job.wait);
    job.wait = undefined;
    job.scanStarted = performance.now();
    const deadline = job.deadlineMs;
    if (deadline !== undefined) job.timer = setTimeout(() => this.#late(job, deadline), deadline);
  }

  /**
   * No worker took the job within waitMs: with a deadline it fails closed, without one it is
   * scanned inline. A worker still starting with it is stopped (it may never come up).
   */
  #waited(job: Job): void {
    if (job.done || job.scanStarted !== undefined) return;
    const at = this.#queue.indexOf(job);
    if (at >= 0) this.#queue.splice(at, 1);
    const slot = job.slot;
    const ms = Math.round(performance.now() - job.started);
    this.#finish(job, job.deadlineMs !== undefined ? { ok: false, why: 'waited', ms } : { ok: false, why: 'unavailable' });
    if (slot && slot.job === job) {
      slot.job = undefined;
      void this.#stop(slot);
      this.#pump();
    }
  }

  #spawn(job: Job): Slot | undefined {
    const engine = this.#engine as Engine;
    const r = job.recipe;
    const data: WorkerRecipe = { config: r.config, knownSecrets: r.knownSecrets, ...(r.evidenceKey ? { evidenceKey: r.evidenceKey } : {}) };
    let worker: Worker;
    try {
      worker = new Worker(this.#o.workerUrl ?? workerUrl(), { workerData: data, resourceLimits: { maxOldGenerationSizeMb: this.#o.maxHeapMb } });
    } catch {
      for (const j of this.#queue.splice(0)) this.#finish(j, { ok: false, why: 'unavailable' });
      return undefined;
    }
    const slot: Slot = { worker, engine, ready: false, gone: false };
    this.#slots.push(slot);
    this.started++;
    this.#o.onStart?.();
    worker.on('message', (msg: ScanReply | WorkerReady) => {
      if ('ready' in msg) {
        slot.ready = true;
        if (slot.job) this.#begin(slot.job);
      } else this.#reply(slot, msg);
    });
    worker.on('error', (err) => this.#lost(slot, err.message));
    worker.on('exit', (code) => this.#lost(slot, `the worker exited (${code})`));
    return slot;
  }

  #reply(slot: Slot, reply: ScanReply): void {
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    slot.job = undefined;
    if (reply.ok) {
      const values = job.ctx.secretValues;
      if (values) for (const [i, v] of reply.values) values.set(reply.verdict.findings[i] as Finding, [...v]);
      for (const e of reply.events) job.recipe.state.recordToolEvent(e.session, e.tags, e.now, e.windowSize);
      this.#finish(job, { ok: true, verdict: reply.verdict });
    } else if (reply.stateRead === true) this.#finish(job, { ok: false, why: 'unavailable' });
    else this.#finish(job, { ok: false, why: 'failed', message: reply.message });
    if (slot.engine !== this.#engine || this.#closed) void this.#stop(slot);
    else this.#rest(slot);
    this.#pump();
  }

  /** A worker died (crash, out of memory, terminated): its job fails closed, and it is replaced when next needed. */
  #lost(slot: Slot, message: string): void {
    if (slot.gone) return;
    slot.gone = true;
    this.#slots = this.#slots.filter((s) => s !== slot);
    if (slot.idle) clearTimeout(slot.idle);
    const job = slot.job;
    slot.job = undefined;
    if (job) this.#finish(job, { ok: false, why: 'failed', message });
    if (!this.#closed) this.#pump();
  }

  #late(job: Job, deadlineMs: number): void {
    if (job.done) return;
    const ms = Math.round(performance.now() - (job.scanStarted ?? job.started));
    const slot = job.slot;
    this.#finish(job, { ok: false, why: 'deadline', ms: Math.max(ms, deadlineMs) });
    if (slot && slot.job === job) {
      // Pre-empted: the thread is terminated mid-scan; a new one starts when next needed.
      slot.job = undefined;
      void this.#stop(slot);
      this.#pump();
    }
  }

  #rest(slot: Slot): void {
    slot.worker.unref();
    slot.idle = setTimeout(() => void this.#stop(slot), this.#o.idleMs);
    slot.idle.unref();
  }

  async #stop(slot: Slot): Promise<void> {
    if (slot.idle) clearTimeout(slot.idle);
    if (!slot.gone) {
      slot.gone = true;
      this.#slots = this.#slots.filter((s) => s !== slot);
    }
    await slot.worker.terminate().catch(() => undefined);
  }

  #finish(job: Job, out: OffThreadOutcome): void {
    if (job.done) return;
    job.done = true;
    if (job.timer) clearTimeout(job.timer);
    if (job.wait) clearTimeout(job.wait);
    job.resolve(out);
  }
}
