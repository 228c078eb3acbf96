import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionTable } from './sessions.ts';

interface S {
  name: string;
  busy: number;
}

describe('SessionTable', () => {
  it('issues unguessable visible-ASCII ids and finds sessions by them', () => {
    const t = new SessionTable<S>({ max: 4, ttlMs: 1000 });
    const a = t.add({ name: 'a', busy: 0 });
    const b = t.add({ name: 'b', busy: 0 });
    assert.notEqual(a.id, b.id);
    assert.match(a.id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(t.get(a.id)?.name, 'a');
    assert.equal(t.get('nope'), undefined);
  });

  it('evicts the least recently used idle session at the cap, and a busy one only when all are busy', () => {
    const t = new SessionTable<S>({ max: 2, ttlMs: 60_000 });
    const a = t.add({ name: 'a', busy: 0 });
    const b = t.add({ name: 'b', busy: 0 });
    t.get(a.id); // a is now the most recent
    const c = t.add({ name: 'c', busy: 0 });
    assert.deepEqual(c.evicted.map((s) => s.name), ['b']);
    assert.equal(t.get(b.id), undefined);
    const busyA = t.get(a.id) as S;
    busyA.busy = 1;
    const d = t.add({ name: 'd', busy: 0 });
    assert.deepEqual(d.evicted.map((s) => s.name), ['c'], 'the idle one goes before the busy one even though it is more recent');
    (t.get(d.id) as S).busy = 1;
    const e = t.add({ name: 'e', busy: 0 });
    assert.deepEqual(e.evicted.map((s) => s.name), ['a'], 'all busy: the oldest goes');
    assert.equal(t.size, 2);
  });

  it('sweeps sessions idle past the TTL, never a busy one', () => {
    let now = 0;
    const t = new SessionTable<S>({ max: 10, ttlMs: 100, now: () => now });
    const a = t.add({ name: 'a', busy: 0 });
    t.add({ name: 'b', busy: 1 });
    now = 50;
    const c = t.add({ name: 'c', busy: 0 });
    now = 120;
    assert.deepEqual(t.sweep().map((s) => s.name), ['a']);
    t.touch(c.id);
    now = 200;
    assert.deepEqual(t.sweep().map((s) => s.name), []);
    now = 221;
    assert.deepEqual(t.sweep().map((s) => s.name), ['c']);
    assert.equal(t.get(a.id), undefined);
    assert.equal(t.size, 1);
  });
});
