import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import type { DecisionEvent } from '../core/index.ts';
import { deferEmit } from './deferred-emit.ts';

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
