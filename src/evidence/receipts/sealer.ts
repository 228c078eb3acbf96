/**
 * Where the receipts writer seals its batches: on its own thread, or in a worker thread
 * (seal-worker.ts) so that signing does not hold up the thread that relays traffic. Ed25519
 * signing is ~55 µs a record on the reference VM and the canonical text and hash about as much
 * again; a proxied exchange makes two records. Node's own asynchronous crypto.sign was measured
 * as no help (its per-call cost on the main thread, ~80-100 µs, is more than the signature), so
 * the worker takes whole batches: one message each way per batch.
 *
 * The worker starts when a batch of `startAt` entries or more comes (a trickle is sealed in
 * place: a thread costs ~9 MB and its start-up far more than a few signatures), and stops after
 * `idleMs` without a batch. If it fails, the batch is sealed in place and so is every later one:
 * the same bytes either way (sealBatch is a pure function of its arguments).
 */
import { Worker } from 'node:worker_threads';
import type { ChainHead } from './chain.ts';
import { reviveKey, sealBatch, type SealEntry, type SealResult } from './seal-batch.ts';
import type { SealReply, SealRequest } from './seal-worker.ts';

export interface Sealer {
  seal(head: ChainHead, entries: readonly SealEntry[], every: number): Promise<SealResult>;
  /** Stops the worker, if one runs. */
  close(): Promise<void>;
}

/** Seals on the calling thread. */
export const IN_THREAD: Sealer = {
  seal: (head, entries, every) => Promise.resolve(sealBatch(head, entries, every)),
  close: () => Promise.resolve(),
};

export interface WorkerSealerOptions {
  /** A batch of this many entries or more starts the worker (default 4); 1 starts it at the first batch. */
  readonly startAt?: number;
  /** The worker stops after this long without a batch, in ms (default 10,000). */
  readonly idleMs?: number;
  /** The worker failed (it is not started again; batches are sealed in place). */
  readonly onError?: (err: Error) => void;
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

class WorkerSealer implements Sealer {
  readonly #startAt: number;
  readonly #idleMs: number;
  readonly #onError: (err: Error) => void;
  #worker: Worker | null = null;
  #broken = false;
  #nextId = 1;
  #pending: { readonly id: number; readonly resolve: (r: SealResult) => void; readonly reject: (e: Error) => void } | null = null;
  #idle: NodeJS.Timeout | null = null;

  constructor(opts: WorkerSealerOptions) {
    this.#startAt = Math.max(1, opts.startAt ?? 4);
    this.#idleMs = Math.max(1, opts.idleMs ?? 10_000);
    this.#onError = opts.onError ?? (() => undefined);
  }

  /** True while a worker thread runs (for tests). */
  get running(): boolean {
    return this.#worker !== null;
  }

  async seal(head: ChainHead, entries: readonly SealEntry[], every: number): Promise<SealResult> {
    if (this.#broken || (this.#worker === null && entries.length < this.#startAt)) return sealBatch(head, entries, every);
    try {
      const r = await this.#remote({ id: this.#nextId++, head, entries, every });
      const bytes = Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
      return { ...r, bytes, head: { ...r.head, key: reviveKey(r.head.key) } };
    } catch (err) {
      // Nothing was written for this batch: seal it here, and every later one.
      this.#broken = true;
      void this.#stop();
      this.#onError(new Error(`receipts seal worker failed (${err instanceof Error ? err.message : String(err)}); sealing on the main thread from now on`));
      return sealBatch(head, entries, every);
    }
  }

  #remote(req: SealRequest): Promise<SealResult> {
    const worker = this.#start();
    if (this.#idle) {
      clearTimeout(this.#idle);
      this.#idle = null;
    }
    return new Promise<SealResult>((resolve, reject) => {
      this.#pending = { id: req.id, resolve, reject };
      worker.ref();
      worker.postMessage(req);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startWorker();
    worker.on('message', (m: SealReply) => {
      const p = this.#pending;
      if (!p || p.id !== m.id) return;
      this.#pending = null;
      worker.unref();
      this.#armIdle();
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.message));
    });
    const fail = (err: Error): void => {
      if (this.#worker === worker) this.#worker = null;
      const p = this.#pending;
      this.#pending = null;
      p?.reject(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the worker exited (code ${code})`)));
    worker.unref();
    this.#worker = worker;
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
