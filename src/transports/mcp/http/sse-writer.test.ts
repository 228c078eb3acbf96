import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseWriter } from './sse-writer.ts';

function sink(): { destroyed: boolean; writes: string[]; write(text: string): boolean } {
  return {
    destroyed: false,
    writes: [],
    write(text: string) {
      this.writes.push(text);
      return true;
    },
  };
}

describe('SseWriter', () => {
  it('writes each text at once while the upstream answer is still arriving', () => {
    const s = sink();
    const w = new SseWriter(s, () => false, 1024);
    w.send('data: 1\n\n');
    w.send('data: 2\n\n');
    assert.deepEqual(s.writes, ['data: 1\n\n', 'data: 2\n\n']);
    assert.equal(w.take(), '');
  });

  it('holds the text once the upstream answer is complete, and hands it over (once) for the end of the answer', () => {
    const s = sink();
    const w = new SseWriter(s, () => true, 1024);
    w.send('data: 1\n\n');
    w.send(':\n\n');
    assert.deepEqual(s.writes, []);
    assert.equal(w.take(), 'data: 1\n\n:\n\n');
    assert.equal(w.take(), '');
  });

  it('keeps the order when the answer completes midway, and writes what is held before going over the limit', () => {
    const s = sink();
    let complete = false;
    const w = new SseWriter(s, () => complete, 12);
    w.send('aaaa');
    complete = true;
    w.send('bbbb');
    w.send('cccc');
    assert.deepEqual(s.writes, ['aaaa']);
    // 8 held + 8 more is over 12: the held text goes first, then this one.
    w.send('dddddddd');
    assert.deepEqual(s.writes, ['aaaa', 'bbbbcccc', 'dddddddd']);
    w.send('ee');
    assert.equal(w.take(), 'ee');
  });

  it('writes nothing, and hands over nothing, once the client is gone', () => {
    const s = sink();
    const w = new SseWriter(s, () => true, 1024);
    w.send('data: 1\n\n');
    s.destroyed = true;
    w.send('data: 2\n\n');
    assert.equal(w.take(), '');
    assert.deepEqual(s.writes, []);
  });
});
