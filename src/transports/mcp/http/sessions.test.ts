import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionTable } from './sessions.ts';

interface S {
  name: string;
  busy: number;
}

describe('SessionTable', () => {
  it('issues unguessable visible-ASCII ids and finds sessions by them', () => {
    // The real clock: a TTL no pause between two lines of this test can use up.
    const t = new SessionTable<S>({ max: 4, ttlMs: 60_000 });
    const a = t.add({ name: 'a', busy: 0 }).id as string;
    const b = t.add({ name: 'b', busy: 0 }).id as string;
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(t.get(a)?.name, 'a');
    assert.equal(t.get('nope'), undefined);
  });

  it('evicts the least recently used idle session at the cap, never a busy one', () => {
    const t = new SessionTable<S>({ max: 2, ttlMs: 60_000 });
    const a = t.add({ name: 'a', busy: 0 }).id as string;
    const b = t.add({ name: 'b', busy: 0 }).id as string;
    t.get(a); // a is now the most recent
    const c = t.add({ name: 'c', busy: 0 });
    assert.deepEqual(c.evicted.map((s) => s.name), ['b']);
    assert.equal(t.get(b), undefined);
    const busyA = t.get(a) as S;
    busyA.busy = 1;
    const d = t.add({ name: 'd', busy: 0 });
    assert.deepEqual(d.evicted.map((s) => s.name), ['c'], 'the idle one goes, although the busy one is older');
    assert.equal(t.size, 2);
  });

  it('refuses a new session when every session is busy, and changes nothing', () => {
    const t = new SessionTable<S>({ max: 2, ttlMs: 60_000 });
    const a = t.add({ name: 'a', busy: 1 }).id as string;
    const b = t.add({ name: 'b', busy: 2 }).id as string;
    assert.equal(t.hasRoom(), false);
    const c = t.add({ name: 'c', busy: 0 });
    assert.equal(c.id, undefined);
    assert.deepEqual([...c.evicted, ...c.expired], []);
    assert.equal(t.size, 2);
    assert.equal(t.get(a)?.name, 'a');
    assert.equal(t.get(b)?.name, 'b');
    // One of them becomes idle: it may now make room.
    (t.get(b) as S).busy = 0;
    assert.equal(t.hasRoom(), true);
    const d = t.add({ name: 'd', busy: 0 });
    assert.deepEqual(d.evicted.map((s) => s.name), ['b']);
    assert.equal(typeof d.id, 'string');
  });

  it('sweeps sessions idle past the TTL, never a busy one; an add sweeps first and reports them apart from evictions', () => {
    let now = 0;
    const t = new SessionTable<S>({ max: 10, ttlMs: 100, now: () => now });
    const a = t.add({ name: 'a', busy: 0 }).id as string;
    t.add({ name: 'b', busy: 1 });
    now = 50;
    const c = t.add({ name: 'c', busy: 0 }).id as string;
    now = 120;
    assert.deepEqual(t.sweep().map((s) => s.name), ['a']);
    t.touch(c);
    now = 200;
    assert.deepEqual(t.sweep().map((s) => s.name), []);
    now = 221;
    const d = t.add({ name: 'd', busy: 0 });
    assert.deepEqual(d.expired.map((s) => s.name), ['c']);
    assert.deepEqual(d.evicted, []);
    assert.equal(t.get(a), undefined);
    assert.equal(t.size, 2);
  });
});
