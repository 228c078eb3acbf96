import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import type { DecisionEvent } from '../core/index.ts';
import { DEFER_WINDOW_MS, deferEmit } from './deferred-emit.ts';

const event = (requestId: string): DecisionEvent => ({
  time: '2026-11-21T00:00:00.000Z',
  type: 'tool-call',
  transport: 'mcp-stdio',
  requestId,
  action: 'allow',
  mode: 'enforce',
  reason: 'No findings.',
  findings: [],
  latencyMs: 0,
  configHash: 'test',
});

/** Resolves after a timer of ms: timers fire in order of expiry, so every shorter window has closed by then. */
const after = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('deferEmit', () => {
  it('hands events on after the code that emitted them and the I/O of that turn, in the order they were emitted, once the window closes', async () => {
    const seen: string[] = [];
    const d = deferEmit((e) => seen.push(e.requestId), { windowMs: 5 });
    d.emit(event('a'));
    d.emit(event('b'));
    seen.push('written');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, ['written']);
    await after(10);
    assert.deepEqual(seen, ['written', 'a', 'b']);
  });

  it('hands a full batch on at once, without waiting for the window', () => {
    const seen: string[] = [];
    const d = deferEmit((e) => seen.push(e.requestId), { windowMs: 60_000, maxBatch: 3 });
    d.emit(event('a'));
    d.emit(event('b'));
    assert.deepEqual(seen, []);
    d.emit(event('c'));
    assert.deepEqual(seen, ['a', 'b', 'c']);
  });

  it('flush hands on every waiting event at once, and nothing is handed on twice', async () => {
    const seen: string[] = [];
    const d = deferEmit((e) => seen.push(e.requestId), { windowMs: 5 });
    d.emit(event('a'));
    d.flush();
    assert.deepEqual(seen, ['a']);
    d.emit(event('b'));
    await after(10);
    await after(10);
    assert.deepEqual(seen, ['a', 'b']);
  });

  it('a target that throws loses only that event', () => {
    const seen: string[] = [];
    const d = deferEmit((e) => {
      if (e.requestId === 'bad') throw new Error('sink failed');
      seen.push(e.requestId);
    });
    for (const id of ['a', 'bad', 'c']) d.emit(event(id));
    d.flush();
    assert.deepEqual(seen, ['a', 'c']);
  });

  it('keeps emission order when a target emits and flushes while a batch is being handed on', () => {
    const seen: string[] = [];
    const d = deferEmit((e) => {
      seen.push(e.requestId);
      if (e.requestId === 'a') {
        d.emit(event('nested'));
        d.flush();
      }
    });
    for (const id of ['a', 'b', 'c']) d.emit(event(id));
    d.flush();
    assert.deepEqual(seen, ['a', 'b', 'c', 'nested']);
  });

  it('by default a batch waits DEFER_WINDOW_MS (20 ms) from its first event, then goes on whole', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const seen: string[] = [];
      const d = deferEmit((e) => seen.push(e.requestId));
      d.emit(event('a'));
      mock.timers.tick(DEFER_WINDOW_MS - 1);
      d.emit(event('b'));
      assert.deepEqual(seen, []);
      mock.timers.tick(1);
      assert.deepEqual(seen, ['a', 'b']);
      assert.equal(DEFER_WINDOW_MS, 20);
    } finally {
      mock.timers.reset();
    }
  });
});

describe('deferEmit emitNow', () => {
  it('hands the event on at once, after the events still waiting, in order', () => {
    const seen: string[] = [];
    const d = deferEmit((e) => seen.push(e.requestId), { windowMs: 60_000 });
    d.emit(event('a'));
    d.emit(event('b'));
    d.emitNow(event('c'));
    assert.deepEqual(seen, ['a', 'b', 'c']);
  });

  it('arms no timer, and disarms the one the waiting events armed', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const seen: string[] = [];
      const d = deferEmit((e) => seen.push(e.requestId), { windowMs: 5 });
      d.emitNow(event('a'));
      d.emit(event('b'));
      d.emitNow(event('c'));
      assert.deepEqual(seen, ['a', 'b', 'c']);
      mock.timers.tick(10);
      assert.deepEqual(seen, ['a', 'b', 'c'], 'nothing is handed on twice or late');
      d.emit(event('d'));
      mock.timers.tick(5);
      assert.deepEqual(seen, ['a', 'b', 'c', 'd'], 'a later deferred event still waits for its window');
    } finally {
      mock.timers.reset();
    }
  });

  it('inside a flush, leaves the event to the running flush, after the batch under way', () => {
    const seen: string[] = [];
    const d = deferEmit((e) => {
      seen.push(e.requestId);
      if (e.requestId === 'a') d.emitNow(event('nested'));
    });
    for (const id of ['a', 'b', 'c']) d.emit(event(id));
    d.flush();
    assert.deepEqual(seen, ['a', 'b', 'c', 'nested']);
  });
});
