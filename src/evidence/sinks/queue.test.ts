import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecisionEvent } from '../../core/index.ts';
import { backoffDelay } from './backoff.ts';
import { createDropLog } from './drop-log.ts';
import { createDeliveryQueue, type DeliveryResult } from './queue.ts';
import { fakeTime, until } from './testing.ts';
import type { SinkReporter } from './types.ts';
import type { SystemEvent } from '../log/index.ts';

const event = (i: number, action: DecisionEvent['action'] = 'block'): DecisionEvent => ({
  time: '2026-01-05T10:00:00.000Z',
  type: 'request',
  transport: 'http-forward',
  requestId: `r${i}`,
  action,
  mode: 'enforce',
  reason: 'x',
  findings: [],
  latencyMs: 1,
  configHash: 'h',
});

const backoff = { initialMs: 100, maxMs: 300, multiplier: 2, jitter: 0 };

function recorder(): SinkReporter & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    outcome: (sink, outcome, n) => log.push(`${sink} ${outcome} ${n}`),
    drop: (sink, reason, n) => log.push(`${sink} drop ${reason} ${n}`),
  };
}

describe('delivery queue', () => {
  it('follows the exponential schedule, capped at maxMs, and drops after maxAttempts with max-retries', async () => {
    const time = fakeTime({ auto: true });
    const attempts: string[][] = [];
    const reporter = recorder();
    const q = createDeliveryQueue<string>({
      name: 'q',
      capacity: 10,
      batchSize: 2,
      maxDelayMs: 7,
      maxAttempts: 5,
      backoff,
      serialize: (e) => e.requestId,
      deliver: async (batch) => {
        attempts.push([...batch]);
        return { ok: false, retry: true, error: 'ECONNREFUSED' };
      },
      deps: time.deps,
      reporter,
    });
    q.emit(event(1));
    q.emit(event(2));
    await q.idle();
    assert.equal(attempts.length, 5);
    assert.deepEqual(time.slept, [100, 200, 300, 300], 'no batch wait (the batch was full), then 100·2^n capped at 300');
    const s = q.stats();
    assert.equal(s.delivered, 0);
    assert.equal(s.retried, 8, 'two events, four retries each');
    assert.equal(s.dropped['max-retries'], 2);
    assert.equal(s.lastError, 'ECONNREFUSED');
    assert.deepEqual(reporter.log.slice(-2), ['q drop max-retries 2', 'q dropped 2']);
  });

  it('spreads delays by the injected random source and never past maxMs', () => {
    const p = { initialMs: 1000, maxMs: 5000, multiplier: 2, jitter: 0.2 };
    assert.equal(backoffDelay(p, 1, () => 0.5), 1000);
    assert.equal(backoffDelay(p, 1, () => 0), 800);
    assert.equal(backoffDelay(p, 2, () => 0.999999), 2400);
    assert.equal(backoffDelay(p, 10, () => 0.999999), 5000);
  });

  it('honours a Retry-After from the receiver instead of its own delay', async () => {
    const time = fakeTime({ auto: true });
    let calls = 0;
    const q = createDeliveryQueue<string>({
      name: 'q', capacity: 10, batchSize: 1, maxDelayMs: 7, maxAttempts: 5, backoff,
      serialize: (e) => e.requestId,
      deliver: async (): Promise<DeliveryResult> => (++calls === 1 ? { ok: false, retry: true, error: 'HTTP 429', retryAfterMs: 250 } : { ok: true }),
      deps: time.deps,
    });
    q.emit(event(1));
    await q.idle();
    assert.deepEqual(time.slept, [250]);
    assert.equal(q.stats().delivered, 1);
  });

  it('counts every event past the bound as queue-full, counting the batch in flight, and delivers the rest in order', async () => {
    const time = fakeTime();
    const delivered: string[] = [];
    let release: (() => void) | null = null;
    const q = createDeliveryQueue<string>({
      name: 'q', capacity: 3, batchSize: 2, maxDelayMs: 5, maxAttempts: 3, backoff,
      serialize: (e) => e.requestId,
      deliver: (batch) =>
        new Promise((resolve) => {
          release = () => {
            delivered.push(...batch);
            resolve({ ok: true });
          };
        }),
      deps: time.deps,
    });
    for (let i = 1; i <= 5; i++) q.emit(event(i));
    assert.equal(q.stats().dropped['queue-full'], 2);
    await until(() => release !== null, 'first batch in flight');
    q.emit(event(6)); // 2 in flight + 1 queued = the bound
    assert.equal(q.stats().dropped['queue-full'], 3);
    assert.equal(q.stats().pending, 3);
    (release as unknown as () => void)();
    release = null;
    await until(() => time.pending() === 1 || release !== null, 'the last event waits for its batch');
    await time.advance(5);
    await until(() => release !== null, 'second batch in flight');
    (release as unknown as () => void)();
    await q.idle();
    assert.deepEqual(delivered, ['r1', 'r2', 'r3']);
    assert.equal(q.stats().delivered, 3);
  });

  it('bounds the bytes it holds as well as the count, and frees them as batches finish', async () => {
    const time = fakeTime({ auto: true });
    let release: (() => void) | null = null;
    const q = createDeliveryQueue<string>({
      name: 'q', capacity: 100, maxBytes: 10, batchSize: 100, maxDelayMs: 1, maxAttempts: 1, backoff,
      serialize: (e) => e.requestId,
      deliver: () => new Promise((resolve) => (release = () => resolve({ ok: true }))),
      deps: time.deps,
    });
    for (let i = 1; i <= 7; i++) q.emit(event(i)); // 'r1'…'r7', two bytes each
    assert.equal(q.stats().dropped['queue-full'], 2);
    assert.equal(q.stats().pendingBytes, 10);
    await until(() => release !== null, 'batch in flight');
    (release as unknown as () => void)();
    await q.idle();
    assert.deepEqual([q.stats().delivered, q.stats().pendingBytes], [5, 0]);
  });

  it('drops an event it cannot serialize, and a batch the receiver rejects, each under its own reason', async () => {
    const time = fakeTime({ auto: true });
    const q = createDeliveryQueue<string>({
      name: 'q', capacity: 10, batchSize: 10, maxDelayMs: 1, maxAttempts: 3, backoff,
      serialize: (e) => {
        if (e.requestId === 'r2') throw new Error('cycle');
        return e.requestId;
      },
      deliver: async () => ({ ok: false, retry: false, error: 'HTTP 400' }),
      deps: time.deps,
    });
    q.emit(event(1));
    q.emit(event(2));
    q.emit(event(3));
    await q.idle();
    const s = q.stats();
    assert.equal(s.dropped['serialize-error'], 1);
    assert.equal(s.dropped.rejected, 2);
    assert.equal(s.retried, 0, 'a rejection is not retried');
  });

  it('treats a deliver that throws as a retryable failure', async () => {
    const time = fakeTime({ auto: true });
    let calls = 0;
    const q = createDeliveryQueue<string>({
      name: 'q', capacity: 10, batchSize: 1, maxDelayMs: 1, maxAttempts: 3, backoff,
      serialize: (e) => e.requestId,
      deliver: async () => {
        if (++calls < 3) throw new Error('boom');
        return { ok: true };
      },
      deps: time.deps,
    });
    q.emit(event(1));
    await q.idle();
    assert.deepEqual([q.stats().retried, q.stats().delivered], [2, 1]);
  });

  it('on close, delivers what it can before the deadline and counts the rest as shutdown', async () => {
    const time = fakeTime();
    const q = createDeliveryQueue<string>({
      name: 'q', capacity: 100, batchSize: 2, maxDelayMs: 5, maxAttempts: 100, backoff,
      serialize: (e) => e.requestId,
      deliver: async () => ({ ok: false, retry: true, error: 'ECONNREFUSED' }),
      deps: time.deps,
    });
    for (let i = 1; i <= 5; i++) q.emit(event(i));
    await until(() => time.pending() === 1, 'first retry sleeping');
    const closed = q.close(1000);
    await time.advance(1000);
    await closed;
    const s = q.stats();
    assert.equal(s.dropped.shutdown, 5);
    assert.equal(s.pending, 0);
    q.emit(event(6));
    assert.equal(q.stats().dropped.shutdown, 6, 'an event after close is counted, not lost');
  });

  it('only takes the events its filter accepts, without counting the others as drops', async () => {
    const time = fakeTime({ auto: true });
    const got: string[] = [];
    const q = createDeliveryQueue<string>({
      name: 'q', capacity: 10, batchSize: 10, maxDelayMs: 1, maxAttempts: 1, backoff,
      accept: (e) => e.action !== 'allow',
      serialize: (e) => e.requestId,
      deliver: async (b) => {
        got.push(...b);
        return { ok: true };
      },
      deps: time.deps,
    });
    q.emit(event(1, 'allow'));
    q.emit(event(2, 'block'));
    await q.idle();
    assert.deepEqual(got, ['r2']);
    assert.equal(Object.values(q.stats().dropped).reduce((a, b) => a + b, 0), 0);
  });
});

describe('drop log', () => {
  it('writes the first drop at once, sums later ones into one line per interval, and writes the rest on flush', () => {
    let now = 0;
    const lines: SystemEvent[] = [];
    const timers: { fn: () => void; ms: number }[] = [];
    const log = createDropLog({ log: (e) => lines.push(e), now: () => now, intervalMs: 10_000, schedule: (fn, ms) => (timers.push({ fn, ms }), () => undefined) });
    log.drop('webhook', 'queue-full', 1, null);
    log.drop('webhook', 'queue-full', 1, null);
    log.drop('webhook', 'queue-full', 3, null);
    log.drop('syslog', 'max-retries', 2, 'ECONNREFUSED');
    assert.deepEqual(
      lines.map((l) => l.msg),
      ['sink webhook dropped 1 event (queue-full)', 'sink syslog dropped 2 events (max-retries): ECONNREFUSED'],
    );
    assert.equal(timers.length, 1, 'one timer for the suppressed webhook drops');
    assert.equal(timers[0]?.ms, 10_000);
    now = 10_000;
    timers[0]?.fn();
    assert.equal(lines[2]?.msg, 'sink webhook dropped 4 events (queue-full)');
    assert.deepEqual(lines[2]?.detail, { sink: 'webhook', reason: 'queue-full', events: 4, total: 5, lastError: null });
    now = 12_000;
    log.drop('webhook', 'queue-full', 7, null);
    assert.equal(lines.length, 3, 'inside the interval: held');
    log.flush();
    assert.equal(lines[3]?.msg, 'sink webhook dropped 7 events (queue-full)');
    const total = lines.filter((l) => l.detail?.sink === 'webhook').reduce((a, l) => a + Number(l.detail?.events), 0);
    assert.equal(total, 12, 'every drop is reported exactly once');
  });
});
