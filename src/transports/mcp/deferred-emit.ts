import type { DecisionEvent } from '../../core/index.ts';

/**
 * Decision events handed on after the messages they describe have been written, in small
 * batches. A session emits its event while it judges a message, before the relay writes the
 * message on; the evidence (audit log line, signed receipt, metrics, stderr note) costs CPU on
 * the same thread, plus file writes and an fdatasync handed to libuv's thread pool, and a relay
 * must never wait on it. So events wait, in order, for a short window (`windowMs`, or until
 * `maxBatch` are waiting) and then go on together: the relay's writes of that window go out
 * first, and the audit log and the receipts chain get one batch (one write, one fdatasync) for
 * several messages instead of one each (group commit), so fewer thread-pool hand-offs and
 * wake-ups compete with the relay for the CPU (bench/mcp.bench.ts). Nothing is dropped: `flush()`
 * hands on whatever still waits (call it before closing the evidence); a crash loses at most
 * one window of events, as it would lose a receipts batch not yet written.
 */
export interface DeferredEmit {
  readonly emit: (event: DecisionEvent) => void;
  /** Hands every waiting event on now, in order. */
  flush(): void;
}

export interface DeferOptions {
  /** How long the first waiting event waits for others (default 5 ms). */
  readonly windowMs?: number;
  /** Hands the batch on at once when this many events wait (default 256). */
  readonly maxBatch?: number;
}

export function deferEmit(target: (event: DecisionEvent) => void, opts: DeferOptions = {}): DeferredEmit {
  const windowMs = opts.windowMs ?? 5;
  const maxBatch = Math.max(1, opts.maxBatch ?? 256);
  let waiting: DecisionEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const batch = waiting;
    waiting = [];
    for (const e of batch) {
      try {
        target(e);
      } catch {
        // The target must not throw (the event bus isolates its sinks); one that does loses only its own event.
      }
    }
  };
  return {
    emit: (event) => {
      waiting.push(event);
      if (waiting.length >= maxBatch) flush();
      else timer ??= setTimeout(flush, windowMs);
    },
    flush,
  };
}
