import type { BackoffConfig } from '../../config/evidence-schema.ts';
import type { DecisionEvent } from '../../core/index.ts';
import { backoffDelay } from './backoff.ts';
import type { DropReason, EvidenceSink, QueueDeps, SinkReporter, SinkStats } from './types.ts';

/** What one delivery attempt of a batch came to. */
export type DeliveryResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly retry: true; readonly error: string; readonly retryAfterMs?: number }
  | { readonly ok: false; readonly retry: false; readonly error: string };

export interface DeliveryQueueOptions<T> {
  readonly name: string;
  /** Events held at most, counting the batch in flight. */
  readonly capacity: number;
  /** Bytes held at most (by sizeOf), counting the batch in flight: a bound on memory, whatever the events hold. */
  readonly maxBytes?: number;
  /** Size of a wire item in bytes (strings: their length). */
  sizeOf?(item: T): number;
  readonly batchSize: number;
  /** Longest an event waits for its batch to fill. */
  readonly maxDelayMs: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffConfig;
  /** Turns an event into the wire item at enqueue time; a throw drops it as serialize-error. */
  serialize(event: DecisionEvent): T;
  /** One attempt to deliver a batch. A throw counts as a retryable failure. */
  deliver(batch: readonly T[]): Promise<DeliveryResult>;
  /** Events below this filter are not the sink's business (not counted as drops). */
  accept?(event: DecisionEvent): boolean;
  readonly deps: QueueDeps;
  readonly reporter?: SinkReporter;
}

export type DeliveryQueue = EvidenceSink;

/** FIFO with O(1) push and batched take; storage is compacted as it drains. */
class Fifo<T> {
  #items: T[] = [];
  #head = 0;
  get size(): number {
    return this.#items.length - this.#head;
  }
  push(item: T): void {
    this.#items.push(item);
  }
  take(n: number): T[] {
    const out = this.#items.slice(this.#head, this.#head + n);
    this.#head += out.length;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return out;
  }
  clear(): number {
    const n = this.size;
    this.#items = [];
    this.#head = 0;
    return n;
  }
}

/**
 * The generic sink engine: a bounded queue, batches, retries with exponential backoff, and a
 * counter for every event's fate. Enqueue is synchronous and never throws; one worker per
 * queue delivers batches in order, so a receiver sees events in the order they happened.
 */
export function createDeliveryQueue<T>(opts: DeliveryQueueOptions<T>): DeliveryQueue {
  const { deps, name } = opts;
  const fifo = new Fifo<T>();
  const dropped: Record<DropReason, number> = { 'queue-full': 0, 'max-retries': 0, 'serialize-error': 0, rejected: 0, shutdown: 0 };
  let delivered = 0;
  let retried = 0;
  let inFlight = 0;
  let bytes = 0;
  const sizeOf = (item: T): number => (opts.sizeOf ? opts.sizeOf(item) : typeof item === 'string' ? item.length : 0);
  const maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY;
  let lastError: string | null = null;
  let running = false;
  let closing = false;
  let aborted = false;
  /** Ends the current wait for a batch to fill (set only during that wait). */
  let wake: (() => void) | null = null;
  /** Ends whatever wait is current (batch or backoff); used when close gives up. */
  let interrupt: (() => void) | null = null;
  let idleWaiters: (() => void)[] = [];

  const report = (fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      // A reporter failure must not break delivery; keep the evidence in lastError.
      lastError = `reporter failed: ${(err as Error).message}`;
    }
  };
  const drop = (reason: DropReason, n: number, error: string | null = null): void => {
    if (n <= 0) return;
    dropped[reason] += n;
    report(() => opts.reporter?.drop(name, reason, n, error));
    report(() => opts.reporter?.outcome(name, 'dropped', n));
  };
  const notifyIdle = (): void => {
    if (running || fifo.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  /**
   * Sleeps ms, ending early on interrupt (and on wake when wakeable). A fresh promise per wait:
   * racing against one long-lived promise would pile up reactions for the life of the process.
   */
  function pause(ms: number, wakeable: boolean): Promise<void> {
    if (aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        if (interrupt === finish) interrupt = null;
        if (wake === finish) wake = null;
        resolve();
      };
      interrupt = finish;
      if (wakeable) wake = finish;
      void deps.sleep(ms).then(finish);
    });
  }

  async function waitForBatch(): Promise<void> {
    if (fifo.size >= opts.batchSize || closing) return;
    await pause(opts.maxDelayMs, true);
  }

  async function attempt(batch: readonly T[]): Promise<DeliveryResult> {
    try {
      return await opts.deliver(batch);
    } catch (err) {
      return { ok: false, retry: true, error: (err as Error).message ?? String(err) };
    }
  }

  async function send(batch: readonly T[]): Promise<void> {
    for (let n = 1; ; n++) {
      if (aborted) return drop('shutdown', batch.length, lastError);
      const result = await attempt(batch);
      if (result.ok) {
        delivered += batch.length;
        report(() => opts.reporter?.outcome(name, 'delivered', batch.length));
        return;
      }
      lastError = result.error;
      if (!result.retry) return drop('rejected', batch.length, result.error);
      if (n >= opts.maxAttempts) return drop('max-retries', batch.length, result.error);
      if (aborted) return drop('shutdown', batch.length, result.error);
      retried += batch.length;
      report(() => opts.reporter?.outcome(name, 'retried', batch.length));
      const computed = backoffDelay(opts.backoff, n, deps.random);
      const delay = result.retryAfterMs === undefined ? computed : Math.min(opts.backoff.maxMs, Math.max(0, result.retryAfterMs));
      await pause(delay, false);
    }
  }

  async function run(): Promise<void> {
    try {
      while (fifo.size > 0) {
        await waitForBatch();
        if (aborted) break;
        const batch = fifo.take(opts.batchSize);
        inFlight = batch.length;
        await send(batch);
        inFlight = 0;
        for (const item of batch) bytes -= sizeOf(item);
      }
    } finally {
      inFlight = 0;
      if (aborted) {
        drop('shutdown', fifo.clear(), lastError);
        bytes = 0;
      }
      running = false;
      notifyIdle();
    }
  }

  function start(): void {
    if (running) return;
    running = true;
    // Start on a later tick, so events emitted together in one synchronous burst share a batch.
    queueMicrotask(() => {
      void run();
    });
  }

  return {
    name,
    emit(event) {
      if (opts.accept && !opts.accept(event)) return;
      if (closing) return drop('shutdown', 1);
      if (fifo.size + inFlight >= opts.capacity) return drop('queue-full', 1);
      let item: T;
      let size: number;
      try {
        item = opts.serialize(event);
        size = sizeOf(item);
      } catch (err) {
        return drop('serialize-error', 1, (err as Error).message ?? 'serialize failed');
      }
      if (bytes + size > maxBytes) return drop('queue-full', 1);
      bytes += size;
      fifo.push(item);
      if (!running) start();
      else if (fifo.size >= opts.batchSize) wake?.();
    },
    stats: (): SinkStats => ({ delivered, retried, dropped: { ...dropped }, pending: fifo.size + inFlight, pendingBytes: bytes, lastError }),
    idle: () =>
      running || fifo.size > 0
        ? new Promise<void>((resolve) => {
            idleWaiters.push(resolve);
          })
        : Promise.resolve(),
    async close(timeoutMs) {
      closing = true;
      wake?.();
      if (!running && fifo.size === 0) return;
      const done = new Promise<void>((resolve) => idleWaiters.push(resolve));
      const deadline = deps.sleep(timeoutMs).then(() => 'deadline' as const);
      if ((await Promise.race([done.then(() => 'done' as const), deadline])) === 'deadline') {
        aborted = true;
        interrupt?.();
        // The in-flight attempt ends within its own request timeout; its batch is then counted.
        await done;
      }
    },
  };
}

/** What every sink config carries for its queue (see sinkBase in config/evidence-schema.ts). */
export interface SinkQueueConfig {
  readonly queueSize: number;
  readonly queueBytes: number;
  readonly batchSize: number;
  readonly maxDelayMs: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffConfig;
}

/** What every sink factory is handed besides its own config. */
export interface SinkWiring {
  readonly accept: (event: DecisionEvent) => boolean;
  readonly deps: QueueDeps;
  readonly reporter?: SinkReporter;
}

/** The queue options a sink config and its wiring fix; the sink adds serialize, deliver (and sizeOf). */
export function queueSettings(
  name: string,
  cfg: SinkQueueConfig,
  wiring: SinkWiring,
): Omit<DeliveryQueueOptions<never>, 'serialize' | 'deliver' | 'sizeOf'> {
  return {
    name,
    capacity: cfg.queueSize,
    maxBytes: cfg.queueBytes,
    batchSize: cfg.batchSize,
    maxDelayMs: cfg.maxDelayMs,
    maxAttempts: cfg.maxAttempts,
    backoff: cfg.backoff,
    accept: wiring.accept,
    deps: wiring.deps,
    ...(wiring.reporter ? { reporter: wiring.reporter } : {}),
  };
}

/** A sink that is its queue; `release` frees the wire (socket, agent) once the queue has closed. */
export function queuedSink(name: string, queue: DeliveryQueue, release?: () => void): EvidenceSink {
  return {
    name,
    emit: (event) => queue.emit(event),
    stats: () => queue.stats(),
    idle: () => queue.idle(),
    async close(timeoutMs) {
      await queue.close(timeoutMs);
      release?.();
    },
  };
}
