import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAgentNames } from './agent-names.ts';
import { createBudgets, type BudgetScope } from './budgets.ts';
import { registrableDomain } from './domain.ts';
import { createKillSwitch, type KillSwitchState } from './kill-switch.ts';

const T0 = 1_700_000_000_000;
const scope = (key: string, requestsPerMinute: number, egressBytesPerHour: number, name = 'agent'): BudgetScope => ({ key, name, limits: { requestsPerMinute, egressBytesPerHour } });

describe('budgets', () => {
  it('allows exactly requestsPerMinute requests at one instant, then refuses with the time to wait', () => {
    const b = createBudgets({ maxKeys: 10 });
    const s = [scope('a|example.com', 3, 1_000_000)];
    for (let i = 0; i < 3; i++) assert.deepEqual(b.charge(s, { requests: 1, bytes: 10 }, T0), { ok: true });
    const r = b.charge(s, { requests: 1, bytes: 10 }, T0);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.kind === 'requests' && r.limit === 3 && r.scope === 'agent');
    assert.ok(!r.ok && r.retryAfterMs === 20_000, 'one request refills in 60 s / 3');
    assert.equal(b.charge(s, { requests: 1, bytes: 10 }, T0 + 19_999).ok, false);
    assert.equal(b.charge(s, { requests: 1, bytes: 10 }, T0 + 20_000).ok, true);
  });

  it('refuses the bytes that would pass the hourly budget and takes nothing from a refused charge', () => {
    const b = createBudgets({ maxKeys: 10 });
    const s = [scope('a|example.com', 100, 1000)];
    assert.equal(b.charge(s, { requests: 1, bytes: 600 }, T0).ok, true);
    const r = b.charge(s, { requests: 1, bytes: 500 }, T0);
    assert.ok(!r.ok && r.kind === 'bytes' && r.limit === 1000);
    assert.ok(!r.ok && r.retryAfterMs === 360_000, '100 missing bytes refill in 100/1000 of an hour');
    // The refused charge took no request token and no bytes: 400 still fit.
    assert.equal(b.charge(s, { requests: 1, bytes: 400 }, T0).ok, true);
    const never = b.charge(s, { requests: 1, bytes: 5000 }, T0 + 3_600_000);
    assert.ok(!never.ok && never.retryAfterMs === Infinity, 'a charge larger than the whole budget can never pass');
  });

  it('charges every scope or none: a full session bucket leaves the agent bucket untouched', () => {
    const b = createBudgets({ maxKeys: 10 });
    const agent = scope('agent|x|example.com', 10, 1e9);
    const session = scope('session|x|1.1.1.1|example.com', 2, 1e9, 'session');
    assert.equal(b.charge([agent, session], { requests: 1, bytes: 0 }, T0).ok, true);
    assert.equal(b.charge([agent, session], { requests: 1, bytes: 0 }, T0).ok, true);
    const r = b.charge([agent, session], { requests: 1, bytes: 0 }, T0);
    assert.ok(!r.ok && r.scope === 'session');
    const other = scope('session|x|2.2.2.2|example.com', 2, 1e9, 'session');
    for (let i = 0; i < 2; i++) assert.equal(b.charge([agent, other], { requests: 1, bytes: 0 }, T0).ok, true);
    // 2 + 2 taken from the agent bucket of 10; the refused charge took none.
    for (let i = 0; i < 6; i++) assert.equal(b.charge([agent], { requests: 1, bytes: 0 }, T0).ok, true);
    assert.equal(b.charge([agent], { requests: 1, bytes: 0 }, T0).ok, false);
  });

  it('keeps at most maxKeys buckets, evicting the least recently used', () => {
    const b = createBudgets({ maxKeys: 2 });
    b.charge([scope('k1', 1, 1e9)], { requests: 1, bytes: 0 }, T0);
    b.charge([scope('k2', 1, 1e9)], { requests: 1, bytes: 0 }, T0);
    assert.equal(b.charge([scope('k1', 1, 1e9)], { requests: 1, bytes: 0 }, T0).ok, false, 'k1 is empty and now most recent');
    b.charge([scope('k3', 1, 1e9)], { requests: 1, bytes: 0 }, T0);
    assert.equal(b.size, 2);
    assert.equal(b.charge([scope('k2', 1, 1e9)], { requests: 1, bytes: 0 }, T0).ok, true, 'k2 was evicted and starts full');
  });

  it('does not refill when the clock steps back', () => {
    const b = createBudgets({ maxKeys: 2 });
    const s = [scope('k', 1, 1e9)];
    assert.equal(b.charge(s, { requests: 1, bytes: 0 }, T0).ok, true);
    assert.equal(b.charge(s, { requests: 1, bytes: 0 }, T0 - 3_600_000).ok, false);
    assert.equal(b.charge(s, { requests: 1, bytes: 0 }, T0 + 30_000).ok, false, 'the step back did not move the bucket time');
    assert.equal(b.charge(s, { requests: 1, bytes: 0 }, T0 + 60_000).ok, true);
  });
});

describe('registrable domain', () => {
  it('counts subdomains under their registrable domain and addresses as themselves', () => {
    assert.equal(registrableDomain('a.example.com'), 'example.com');
    assert.equal(registrableDomain('B.Example.COM.'), 'example.com');
    assert.equal(registrableDomain('x.y.example.co.uk'), 'example.co.uk');
    assert.equal(registrableDomain('alice.github.io'), 'github.io', 'shared-hosting suffixes share one budget');
    assert.equal(registrableDomain('127.0.0.1'), '127.0.0.1');
    assert.equal(registrableDomain('[::ffff:127.0.0.1]'), '127.0.0.1');
    assert.equal(registrableDomain('::1'), '0:0:0:0:0:0:0:1');
    assert.equal(registrableDomain('localhost'), 'localhost');
    assert.ok(registrableDomain('a'.repeat(5000)).length <= 253);
  });
});

describe('kill switch state', () => {
  it('stays on while either the manual hold or the sentinel file holds it', () => {
    const k = createKillSwitch();
    const seen: KillSwitchState[] = [];
    k.subscribe((s) => seen.push(s));
    assert.equal(k.on, false);
    k.setManual(true, 'api', T0);
    k.setFile(true, T0 + 1);
    k.setManual(false, 'api', T0 + 2);
    assert.equal(k.on, true, 'the file still holds it');
    assert.equal(k.state().since, T0, 'since is when it first turned on');
    k.setFile(false, T0 + 3);
    assert.equal(k.on, false);
    assert.deepEqual(
      seen.map((s) => [s.on, s.manual, s.file, s.by]),
      [
        [true, true, false, 'api'],
        [true, true, true, 'file'],
        [true, false, true, 'api'],
        [false, false, false, 'file'],
      ],
    );
  });

  it('toggles the manual hold and tells listeners nothing when nothing changed', () => {
    const k = createKillSwitch();
    let calls = 0;
    const off = k.subscribe(() => calls++);
    k.toggleManual('signal', T0);
    assert.equal(k.on, true);
    k.setManual(true, 'api', T0);
    assert.equal(calls, 1);
    k.toggleManual('signal', T0);
    assert.equal(k.on, false);
    off();
    k.toggleManual('signal', T0);
    assert.equal(calls, 2);
  });
});

describe('agent names per client', () => {
  it('admits a bounded number of distinct names per client', () => {
    const a = createAgentNames({ maxNamesPerClient: 2, maxClients: 2 });
    assert.equal(a.admit('c1', 'one'), 'new');
    assert.equal(a.admit('c1', 'two'), 'new');
    assert.equal(a.admit('c1', 'one'), 'known');
    assert.equal(a.admit('c1', 'three'), 'over-limit');
    assert.equal(a.admit('c2', 'three'), 'new');
    a.admit('c3', 'x');
    assert.equal(a.clients, 2);
    assert.equal(a.firstProblem('c1'), true);
    assert.equal(a.firstProblem('c1'), false);
  });
});
