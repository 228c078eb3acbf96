// Test helpers for sinks: a fake clock whose sleeps either resolve on their own (auto) or
// wait until the test advances time. Used only by *.test.ts files.
import type { QueueDeps } from './types.ts';

export interface FakeTime {
  readonly deps: QueueDeps;
  /** Every sleep asked for, in order (ms). */
  readonly slept: number[];
  /** Moves the clock and wakes every sleeper that is due. */
  advance(ms: number): Promise<void>;
  /** Sleepers not yet woken. */
  pending(): number;
}

/** Lets queued promise callbacks and I/O callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Waits (bounded by turns of the event loop, not by time) until cond() holds. */
export async function until(cond: () => boolean, what = 'condition', turns = 20_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await settle();
  }
  throw new Error(`gave up waiting for ${what}`);
}

export function fakeTime(opts: { auto?: boolean; random?: number; onSleep?: (ms: number, index: number) => Promise<void> | void } = {}): FakeTime {
  let now = 1_000_000;
  const slept: number[] = [];
  let sleepers: { at: number; resolve: () => void }[] = [];
  const deps: QueueDeps = {
    now: () => now,
    random: () => opts.random ?? 0.5,
    sleep: (ms) => {
      slept.push(ms);
      const index = slept.length - 1;
      if (opts.auto) {
        return (async () => {
          await opts.onSleep?.(ms, index);
          now += ms;
          await settle();
        })();
      }
      return new Promise<void>((resolve) => sleepers.push({ at: now + ms, resolve }));
    },
  };
  return {
    deps,
    slept,
    pending: () => sleepers.length,
    async advance(ms) {
      now += ms;
      const due = sleepers.filter((s) => s.at <= now);
      sleepers = sleepers.filter((s) => s.at > now);
      for (const s of due) s.resolve();
      await settle();
    },
  };
}
