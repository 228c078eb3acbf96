import type { DecisionSink } from '../../core/index.ts';

/** Why events were dropped. Every drop is counted under one of these, never lost silently. */
export type DropReason =
  /** The queue was at its bound when the event arrived. */
  | 'queue-full'
  /** Delivery failed maxAttempts times. */
  | 'max-retries'
  /** The event could not be turned into the sink's wire format. */
  | 'serialize-error'
  /** The receiver refused it for good (a 4xx other than 429, a non-retryable OTLP status). */
  | 'rejected'
  /** Still queued when the sink was closed and the close deadline passed, or emitted after close. */
  | 'shutdown';

export const DROP_REASONS: readonly DropReason[] = ['queue-full', 'max-retries', 'serialize-error', 'rejected', 'shutdown'];

export type SinkOutcome = 'delivered' | 'retried' | 'dropped';

export interface SinkStats {
  /** Events delivered. */
  readonly delivered: number;
  /** Event-retries: an event in a batch that is retried counts once per retry. */
  readonly retried: number;
  readonly dropped: Readonly<Record<DropReason, number>>;
  /** Events queued or in flight now. */
  readonly pending: number;
  /** Their size in bytes (as the sink measures its wire items). */
  readonly pendingBytes: number;
  /** The last delivery error, if any (no secrets: status codes and error codes). */
  readonly lastError: string | null;
}

/** Where a queue reports what happened to its events (metrics, rate-limited log lines). */
export interface SinkReporter {
  outcome(sink: string, outcome: SinkOutcome, events: number): void;
  drop(sink: string, reason: DropReason, events: number, error: string | null): void;
}

/** A configured sink: takes decision events without blocking, reports what became of them. */
export interface EvidenceSink extends DecisionSink {
  readonly name: string;
  stats(): SinkStats;
  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void>;
  /** Delivers what it can until the deadline, then drops (and counts) the rest. */
  close(timeoutMs: number): Promise<void>;
}

/** Injected so tests control time and randomness (no real waiting, no jitter surprises). */
export interface QueueDeps {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export const realQueueDeps: QueueDeps = {
  now: () => Date.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      // unref: a sink waiting to retry must not keep the process alive on its own.
      setTimeout(resolve, ms).unref();
    }),
  random: () => Math.random(),
};
