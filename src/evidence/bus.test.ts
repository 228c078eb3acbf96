import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecisionEvent } from '../core/index.ts';
import { createEventBus } from './bus.ts';

const event = { requestId: 'r1' } as DecisionEvent;

describe('event bus', () => {
  it('hands every event to every sink, in subscription order', () => {
    const bus = createEventBus();
    const seen: string[] = [];
    bus.subscribe({ emit: (e) => seen.push(`a:${e.requestId}`) });
    bus.subscribe({ emit: (e) => seen.push(`b:${e.requestId}`) });
    bus.emit(event);
    assert.deepEqual(seen, ['a:r1', 'b:r1']);
  });

  it('isolates a sink that throws: the caller and the other sinks go on, and the failure is counted and reported', () => {
    const reported: string[] = [];
    const bus = createEventBus({ onSinkError: (name, err) => reported.push(`${name}: ${(err as Error).message}`) });
    const seen: string[] = [];
    bus.subscribe({ emit: () => { throw new Error('disk on fire'); } }, 'broken');
    bus.subscribe({ emit: (e) => seen.push(e.requestId) }, 'good');
    assert.doesNotThrow(() => bus.emit(event));
    assert.doesNotThrow(() => bus.emit(event));
    assert.deepEqual(seen, ['r1', 'r1']);
    assert.deepEqual(bus.failures(), { broken: 2 });
    assert.deepEqual(reported, ['broken: disk on fire', 'broken: disk on fire']);
  });

  it('survives an error reporter that throws too, and counts that as well', () => {
    const bus = createEventBus({ onSinkError: () => { throw new Error('reporter down'); } });
    bus.subscribe({ emit: () => { throw new Error('x'); } }, 'broken');
    assert.doesNotThrow(() => bus.emit(event));
    assert.deepEqual(bus.failures(), { broken: 1, 'bus:on-sink-error': 1 });
  });

  it('stops delivering to a sink once it unsubscribes', () => {
    const bus = createEventBus();
    let n = 0;
    const off = bus.subscribe({ emit: () => n++ });
    bus.emit(event);
    off();
    bus.emit(event);
    assert.equal(n, 1);
  });
});
