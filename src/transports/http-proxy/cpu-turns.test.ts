import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { inTurn, TURN_BUDGET_MS } from './cpu-turns.ts';

/** Keeps the thread busy for `ms` (a scan that long). */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Waits until no turn is under way (two immediates: past this turn's check phase and the next). */
const settle = (): Promise<void> => new Promise((r) => setImmediate(() => setImmediate(r)));

describe('http proxy: scans in turns of the event loop', () => {
  it('runs work at once while the turn has budget, and gives back its result', async () => {
    await settle();
    let ran = false;
    const p = inTurn(() => {
      ran = true;
      return 42;
    });
    assert.equal(ran, true, 'work with budget left did not run at once');
    assert.equal(await p, 42);
  });

  it('leaves work past the turn\'s budget to a later turn, after the loop has polled, in arrival order', async () => {
    await settle();
    const order: string[] = [];
    const first = inTurn(() => {
      busy(TURN_BUDGET_MS + 2);
      order.push('a');
    });
    const later = [inTurn(() => order.push('b')), inTurn(() => order.push('c'))];
    // scheduled now: runs in this turn's check phase, before the loop polls again
    setImmediate(() => order.push('check phase'));
    assert.deepEqual(order, ['a']);
    await Promise.all([first, ...later]);
    assert.deepEqual(order, ['a', 'check phase', 'b', 'c']);
  });

  it('queues behind waiting work even when the new turn has budget (no overtaking)', async () => {
    await settle();
    const order: string[] = [];
    const jobs = [inTurn(() => busy(TURN_BUDGET_MS + 1)), inTurn(() => order.push('queued'))];
    await new Promise((r) => setImmediate(r));
    // the queued job has not run yet (it waits for the turn after the next poll); a newcomer goes behind it
    jobs.push(inTurn(() => order.push('newcomer')));
    await Promise.all(jobs);
    assert.deepEqual(order, ['queued', 'newcomer']);
  });

  it('rejects with the work\'s error, at once or queued, and runs the rest', async () => {
    await settle();
    await assert.rejects(
      inTurn(() => {
        throw new Error('scan failed');
      }),
      /scan failed/,
    );
    const spend = inTurn(() => busy(TURN_BUDGET_MS + 1));
    const failing = inTurn(() => {
      throw new Error('queued scan failed');
    });
    const after = inTurn(() => 'ok');
    await spend;
    await assert.rejects(failing, /queued scan failed/);
    assert.equal(await after, 'ok');
  });
});

describe('http proxy: scans in turns, a job that queues another', () => {
  it('runs both, in order, without a second drain finding nothing to run', async () => {
    await settle();
    const order: string[] = [];
    let inner: Promise<unknown> | null = null;
    const spend = inTurn(() => busy(TURN_BUDGET_MS + 1));
    const outer = inTurn(() => {
      busy(TURN_BUDGET_MS + 1);
      order.push('outer');
      inner = inTurn(() => order.push('inner'));
    });
    await Promise.all([spend, outer]);
    await inner;
    await settle();
    assert.deepEqual(order, ['outer', 'inner']);
  });
});
