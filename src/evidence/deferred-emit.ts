import type { DecisionEvent } from '../core/index.ts';

/**
 * Decision events handed on after the messages they describe have been written, in small
 * batches. A session emits its event while it judges a message, before the relay writes the
 * message on; the evidence (audit log line, signed receipt, metrics, stderr note) costs CPU on
 * the same thread, plus file writes and an fdatasync handed to libuv's thread pool, and a relay
 * must never wait on it. So events wait, in order, for a short window (`windowMs`, or until
 * `maxBatch` are waiting) and then go on together: the relay's writes of that window go out
 * first, and the audit log and the receipts chain get one batch (one write, one fdatasync) for
 * several messages instead of one each (group commit), so fewer thread-pool hand-offs and
 * wake-ups compete with the relay for the CPU (bench/mcp.bench.ts).
 *
 * The batch is handed on in whatever exchange is under way when the window closes, so the window
 * decides how many exchanges carry it: 20 ms, where a Streamable HTTP tools/call round trip takes
 * about 3 ms, is about one call in seven (a 5 ms window was every other call, which moved the
 * median), and one call in twenty over stdio. Nothing is dropped: `flush()` hands on whatever
 * still waits (call it before closing the evidence); a crash loses at most one window of events,
 * as it would lose a receipts batch not yet written.
 */
export interface DeferredEmit {
  readonly emit: (event: DecisionEvent) => void;
  /**
   * Queues the event behind whatever waits and hands them all on now (as emit then flush, without
   * arming the window's timer only to clear it again). Inside a flush, the running flush takes it.
   */
  readonly emitNow: (event: DecisionEvent) => void;
  /** Hands every waiting event on now, in order. */
  flush(): void;
}

export interface DeferOptions {
  /** How long the first waiting event waits for others (default DEFER_WINDOW_MS). */
  readonly windowMs?: number;
  /** Hands the batch on at once when this many events wait (default 256). */
  readonly maxBatch?: number;
}

/** The default window, in milliseconds (see above). */
export const DEFER_WINDOW_MS = 20;

export function deferEmit(target: (event: DecisionEvent) => void, opts: DeferOptions = {}): DeferredEmit {
  const windowMs = opts.windowMs ?? DEFER_WINDOW_MS;
  const maxBatch = Math.max(1, opts.maxBatch ?? 256);
  let waiting: DecisionEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  /** A flush is handing events on: one asked for inside it (a target that emits) is left to it, so order holds. */
  let flushing = false;
  const flush = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (flushing) return;
    flushing = true;
    try {
      while (waiting.length > 0) {
        const batch = waiting;
        waiting = [];
        for (const e of batch) {
          try {
            target(e);
          } catch {
            // The target must not throw (the event bus isolates its sinks); one that does loses only its own event.
          }
        }
      }
    } finally {
      flushing = false;
    }
  };
  return {
    emit: (event) => {
      waiting.push(event);
      if (waiting.length >= maxBatch) flush();
      else timer ??= setTimeout(flush, windowMs);
    },
    emitNow: (event) => {
      waiting.push(event);
      flush();
    },
    flush,
  };
}
