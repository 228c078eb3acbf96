import type { SystemEvent } from '../log/audit-log.ts';

export interface DropLog {
  /** Records a drop; writes a system line now, or folds it into the next line for that sink and reason. */
  drop(sink: string, reason: string, events: number, error: string | null): void;
  /** Records a failure that lost nothing yet (a write error that will be retried), rate-limited the same way. */
  error(sink: string, error: string): void;
  /** Writes every drop not yet reported (at shutdown). */
  flush(): void;
}

export interface DropLogOptions {
  readonly log: (event: SystemEvent) => void;
  readonly now: () => number;
  /** At most one line per sink and reason per interval. */
  readonly intervalMs?: number;
  /** Runs fn after ms; returns a cancel function. Injected so tests need no real timers. */
  readonly schedule?: (fn: () => void, ms: number) => () => void;
}

interface KeyState {
  kind: 'drop' | 'error';
  lastAt: number | null;
  pending: number;
  total: number;
  lastError: string | null;
  cancel: (() => void) | null;
}

const realSchedule = (fn: () => void, ms: number): (() => void) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

/**
 * Drops are never silent: each is counted by the queue and also reported here as a
 * `sink-drop` system line. Lines are rate-limited per (sink, reason) so a dead receiver does
 * not flood the log; drops inside the interval are summed into the next line, which a timer
 * writes even if no further drop comes.
 */
export function createDropLog(opts: DropLogOptions): DropLog {
  const interval = opts.intervalMs ?? 10_000;
  const schedule = opts.schedule ?? realSchedule;
  const keys = new Map<string, KeyState & { sink: string; reason: string }>();

  const write = (k: KeyState & { sink: string; reason: string }): void => {
    if (k.pending === 0) return;
    const n = k.pending;
    k.pending = 0;
    k.lastAt = opts.now();
    const why = k.lastError ? `: ${k.lastError}` : '';
    opts.log(
      k.kind === 'drop'
        ? {
            event: 'sink-drop',
            level: 'warn',
            msg: `sink ${k.sink} dropped ${n} event${n === 1 ? '' : 's'} (${k.reason})${why}`,
            detail: { sink: k.sink, reason: k.reason, events: n, total: k.total, lastError: k.lastError },
          }
        : {
            event: 'sink-error',
            level: 'error',
            msg: `sink ${k.sink}: ${n} error${n === 1 ? '' : 's'}${why}`,
            detail: { sink: k.sink, errors: n, total: k.total, lastError: k.lastError },
          },
    );
  };

  const record = (kind: 'drop' | 'error', sink: string, reason: string, events: number, error: string | null): void => {
    const key = `${kind}\u0000${sink}\u0000${reason}`;
    let k = keys.get(key);
    if (!k) {
      k = { kind, sink, reason, lastAt: null, pending: 0, total: 0, lastError: null, cancel: null };
      keys.set(key, k);
    }
    k.pending += events;
    k.total += events;
    if (error !== null) k.lastError = error.slice(0, 200);
    const now = opts.now();
    if (k.lastAt === null || now - k.lastAt >= interval) {
      k.cancel?.();
      k.cancel = null;
      write(k);
    } else if (k.cancel === null) {
      const state = k;
      state.cancel = schedule(() => {
        state.cancel = null;
        write(state);
      }, Math.max(0, (state.lastAt ?? now) + interval - now));
    }
  };

  return {
    drop: (sink, reason, events, error) => record('drop', sink, reason, events, error),
    error: (sink, error) => record('error', sink, 'error', 1, error),
    flush() {
      for (const k of keys.values()) {
        k.cancel?.();
        k.cancel = null;
        write(k);
      }
    },
  };
}
