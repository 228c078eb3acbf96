import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApprovalStore, MAX_LISTED, type ApprovalSubject } from './approvals.ts';

/** A clock and scheduler the test moves by hand. */
function fakeTime() {
  let now = 1_000;
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  return {
    now: () => now,
    schedule: (fn: () => void, ms: number) => {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return () => {
        t.live = false;
      };
    },
    advance(ms: number) {
      now += ms;
      for (const t of timers) {
        if (t.live && t.at <= now) {
          t.live = false;
          t.fn();
        }
      }
    },
    live: () => timers.filter((t) => t.live).length,
  };
}

const subject: ApprovalSubject = { transport: 'http-forward', type: 'request', method: 'POST', target: 'http://api.test/upload', rules: ['dlp/jwt'], reason: 'Held for approval: dlp/jwt at body.$.t.' };

function store(max = 4) {
  const time = fakeTime();
  let n = 0;
  const s = createApprovalStore({ maxPending: max, now: time.now, schedule: time.schedule, newId: () => `id-${++n}` });
  return { s, time };
}

describe('approval store', () => {
  it('settles a held subject as approved when the operator approves it, and forgets it', async () => {
    const { s, time } = store();
    const h = s.hold(subject, 30_000);
    assert.ok(h);
    assert.equal(s.size, 1);
    assert.deepEqual(
      s.pending().map((p) => [p.id, p.target, p.expiresAt]),
      [[h.id, 'http://api.test/upload', 31_000]],
    );
    assert.equal(s.decide(h.id, true), 'decided');
    assert.equal(await h.outcome, 'approved');
    assert.equal(s.size, 0);
    assert.equal(time.live(), 0, 'the timeout timer is cancelled');
    assert.equal(s.decide(h.id, false), 'unknown', 'a settled id cannot be decided again');
  });

  it('denies a subject the operator denies', async () => {
    const { s } = store();
    const h = s.hold(subject, 30_000);
    assert.ok(h);
    assert.equal(s.decide(h.id, false), 'decided');
    assert.equal(await h.outcome, 'denied');
  });

  it('denies by expiry when nobody answers in time, and refuses a late decision', async () => {
    const { s, time } = store();
    const h = s.hold(subject, 30_000);
    assert.ok(h);
    time.advance(29_999);
    assert.equal(s.size, 1);
    time.advance(1);
    assert.equal(await h.outcome, 'expired');
    assert.equal(s.decide(h.id, true), 'unknown');
  });

  it('treats a decision at or after the deadline as too late even before the timer fires', async () => {
    const time = fakeTime();
    const s = createApprovalStore({ maxPending: 2, now: time.now, schedule: () => () => undefined, newId: () => 'only' });
    const h = s.hold(subject, 10);
    assert.ok(h);
    time.advance(10);
    assert.equal(s.decide('only', true), 'unknown');
    assert.equal(await h.outcome, 'expired');
  });

  it('refuses to hold more than maxPending at once', () => {
    const { s } = store(2);
    assert.ok(s.hold(subject, 1000));
    assert.ok(s.hold(subject, 1000));
    assert.equal(s.hold(subject, 1000), null);
    assert.equal(s.size, 2);
  });

  it('refuses to hold when the id source repeats a pending id', () => {
    const time = fakeTime();
    const s = createApprovalStore({ maxPending: 4, now: time.now, schedule: time.schedule, newId: () => 'same' });
    assert.ok(s.hold(subject, 1000));
    assert.equal(s.hold(subject, 1000), null);
  });

  it('cancels a held subject when its client goes away, and settles only once', async () => {
    const { s } = store();
    const h = s.hold(subject, 1000);
    assert.ok(h);
    h.cancel();
    assert.equal(s.decide(h.id, true), 'unknown');
    assert.equal(await h.outcome, 'cancelled');
  });

  it('lists oldest first and never more than MAX_LISTED, whatever limit is asked', () => {
    const time = fakeTime();
    let n = 0;
    const s = createApprovalStore({ maxPending: MAX_LISTED + 20, now: time.now, schedule: time.schedule, newId: () => `id-${++n}` });
    for (let i = 0; i < MAX_LISTED + 20; i++) s.hold(subject, 1000);
    assert.equal(s.pending(10_000).length, MAX_LISTED);
    assert.deepEqual(
      s.pending(2).map((p) => p.id),
      ['id-1', 'id-2'],
    );
    assert.equal(s.pending(-5).length, 0);
  });

  it('cancels everything pending on close', async () => {
    const { s } = store();
    const a = s.hold(subject, 1000);
    const b = s.hold(subject, 1000);
    s.close();
    assert.deepEqual(await Promise.all([a?.outcome, b?.outcome]), ['cancelled', 'cancelled']);
    assert.equal(s.size, 0);
  });
});
