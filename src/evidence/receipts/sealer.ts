/**
 * Where the receipts writer seals its batches: on its own thread, or in a worker thread
 * (seal-worker.ts) so that signing does not hold up the thread that relays traffic. Ed25519
 * signing is ~55 µs a record on the reference VM and the canonical text and hash about as much
 * again; a proxied exchange makes two records. Node's own asynchronous crypto.sign was measured
 * as no help (its per-call cost on the main thread, ~80-100 µs, is more than the signature), so
 * the worker takes whole batches: one message each way per batch.
 *
 * The worker is for a thread that is the bottleneck: a batch (of `startAt` entries or more) goes
 * to it only while the calling thread's event loop was busy `busyAt` of the time or more over the
 * last half second. Below that the batch is sealed in place: on the 2-core reference VM, a worker
 * beside a proxy that is not saturated only competed with it for the CPU (one connection, 10 KB
 * GETs: added median +0.57-0.75 ms in place, +0.89-1.65 ms with every batch in the worker; the
 * loop was ~70% busy), while at 50 connections (loop ~100% busy) the worker raised requests/s by
 * a third. The thread stops after `idleMs` unused. If it fails, the batch is sealed in place and
 * so is every later one: the same bytes either way (sealBatch is a pure function of its arguments).
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { ChainHead } from './chain.ts';
import { reviveKey, sealBatch, unpooledKey, type SealEntry, type SealResult } from './seal-batch.ts';
import type { SealReply, SealRequest } from './seal-worker.ts';

export interface Sealer {
  /** Seals `entries` after `head` (see sealBatch; `time` is the writer's clock for the records that do not carry one). */
  seal(head: ChainHead, entries: readonly SealEntry[], every: number, time: string): Promise<SealResult>;
  /** Stops the worker, if one runs. */
  close(): Promise<void>;
}

/** Seals on the calling thread. */
export const IN_THREAD: Sealer = {
  seal: (head, entries, every, time) => Promise.resolve(sealBatch(head, entries, every, time)),
  close: () => Promise.resolve(),
};

export interface WorkerSealerOptions {
  /** Batches of fewer entries are sealed in place (default 4). */
  readonly startAt?: number;
  /**
   * Share of time the calling thread's event loop was busy over the last half second at or above
   * which a batch goes to the worker (default 0.85; 0: always).
   */
  readonly busyAt?: number;
  /** The busy share of the calling thread (default: its event-loop utilisation; for tests). */
  readonly load?: () => number;
  /** The worker stops after this long without a batch, in ms (default 10,000). */
  readonly idleMs?: number;
  /** The worker failed (it is not started again; batches are sealed in place). */
  readonly onError?: (err: Error) => void;
  /** A worker thread was started. */
  readonly onStart?: () => void;
}

/**
 * The worker module sits beside this one: seal-worker.js in the bundle (dist/), seal-worker.ts in
 * the source tree, where a worker thread does not inherit tsx's loader and so starts from
 * seal-worker-boot.mjs, which registers it first.
 */
function startWorker(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  return new Worker(new URL(fromSource ? './seal-worker-boot.mjs' : './seal-worker.js', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 64 } });
}

export function workerSealer(opts: WorkerSealerOptions = {}): Sealer {
  return new WorkerSealer(opts);
}

/** The calling thread's event-loop utilisation over the last half second or more (sampled when read). */
function loopLoad(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  let at = performance.now();
  let value = 0;
  return () => {
    const now = performance.now();
    if (now - at >= 500) {
      const cur = performance.eventLoopUtilization();
      value = performance.eventLoopUtilization(cur, last).utilization;
      last = cur;
      at = now;
    }
    return value;
  };
}

/** A batch in the worker: the worker it went to, and how to settle it. */
interface Pending {
  readonly id: number;
  readonly worker: Worker;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (r: SealResult) => void;
  readonly reject: (e: Error) => void;
}

/** A batch the worker has not answered in this long is sealed in place (and the worker given up). */
const REPLY_TIMEOUT_MS = 30_000;

class WorkerSealer implements Sealer {
  readonly #startAt: number;
  readonly #busyAt: number;
  readonly #load: () => number;
  readonly #idleMs: number;
  readonly #onError: (err: Error) => void;
  readonly #onStart: () => void;
  #worker: Worker | null = null;
  #broken = false;
  #nextId = 1;
  #pending: Pending | null = null;
  #idle: NodeJS.Timeout | null = null;

  constructor(opts: WorkerSealerOptions) {
    this.#startAt = Math.max(1, opts.startAt ?? 4);
    this.#busyAt = opts.busyAt ?? 0.85;
    this.#load = opts.load ?? loopLoad();
    this.#idleMs = Math.max(1, opts.idleMs ?? 10_000);
    const guard =
      <A extends unknown[]>(f: ((...a: A) => void) | undefined) =>
      (...a: A): void => {
        try {
          f?.(...a);
        } catch {
          // a failing callback must not lose the batch it was called about
        }
      };
    this.#onError = guard(opts.onError);
    this.#onStart = guard(opts.onStart);
  }

  /** True while a worker thread runs (for tests). */
  get running(): boolean {
    return this.#worker !== null;
  }

  async seal(head: ChainHead, entries: readonly SealEntry[], every: number, time: string): Promise<SealResult> {
    if (this.#broken || entries.length < this.#startAt || (this.#busyAt > 0 && this.#load() < this.#busyAt)) return sealBatch(head, entries, every, time);
    try {
      const sent = entries.map((e) => (e.op === 'rotate' ? { ...e, key: unpooledKey(e.key) } : e));
      const r = await this.#remote({ id: this.#nextId++, head: { ...head, key: unpooledKey(head.key) }, entries: sent, every, time });
      const bytes = Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
      return { ...r, bytes, head: { ...r.head, key: reviveKey(r.head.key) } };
    } catch (err) {
      // Nothing was written for this batch: seal it here, and every later one.
      this.#broken = true;
      void this.#stop();
      this.#onError(new Error(`receipts seal worker failed (${err instanceof Error ? err.message : String(err)}); sealing on the main thread from now on`));
      return sealBatch(head, entries, every, time);
    }
  }

  #remote(req: SealRequest): Promise<SealResult> {
    const worker = this.#start();
    if (this.#idle) {
      clearTimeout(this.#idle);
      this.#idle = null;
    }
    return new Promise<SealResult>((resolve, reject) => {
      const timer = setTimeout(() => this.#settle(worker, new Error(`no answer in ${REPLY_TIMEOUT_MS / 1000} s`)), REPLY_TIMEOUT_MS);
      this.#pending = { id: req.id, worker, timer, resolve, reject };
      worker.ref();
      try {
        worker.postMessage(req);
      } catch (err) {
        this.#settle(worker, err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Settles the batch pending in `worker` (a reply, or the worker's failure); a worker already replaced settles nothing. */
  #settle(worker: Worker, outcome: SealReply | Error): void {
    const p = this.#pending;
    if (!p || p.worker !== worker || (!(outcome instanceof Error) && outcome.id !== p.id)) return;
    this.#pending = null;
    clearTimeout(p.timer);
    if (outcome instanceof Error) {
      p.reject(outcome);
      return;
    }
    worker.unref();
    this.#armIdle();
    if (outcome.ok) p.resolve(outcome.result);
    else p.reject(new Error(outcome.message));
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startWorker();
    worker.on('message', (m: SealReply) => this.#settle(worker, m));
    const fail = (err: Error): void => {
      if (this.#worker === worker) this.#worker = null;
      this.#settle(worker, err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the worker exited (code ${code})`)));
    worker.unref();
    this.#worker = worker;
    this.#onStart();
    return worker;
  }

  #armIdle(): void {
    this.#idle = setTimeout(() => {
      this.#idle = null;
      if (!this.#pending) void this.#stop();
    }, this.#idleMs);
    this.#idle.unref();
  }

  async #stop(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    if (this.#idle) {
      clearTimeout(this.#idle);
      this.#idle = null;
    }
    if (worker) await worker.terminate().catch(() => undefined);
  }

  close(): Promise<void> {
    return this.#stop();
  }
}
