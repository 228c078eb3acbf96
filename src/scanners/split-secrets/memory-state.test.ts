import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMemorySessionState } from './memory-state.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('memory session state', () => {
  it('keeps a copy of each fragment, not the large text it was cut from', () => {
    const state = createMemorySessionState({});
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 20; i++) {
      // a form body of 2 MB whose last field is a token-like value: the value is a slice of the body
      const body = `a=${String(i).padStart(8, '0')}${'y'.repeat(2_000_000)}&t=tok${i}abcdefghijklmnop`;
      const fragment = body.slice(body.indexOf('&t=') + 3);
      state.appendFragments(`s${i}`, [fragment], i, { tailChars: 100 });
    }
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // 20 bodies kept alive would be 40 MB (80 MB as two-byte strings); the copies are a few hundred bytes.
    assert.ok(grown < 10_000_000, `heap grew by ${grown} bytes`);
    const w = state.appendFragments('s3', [], 30, { tailChars: 100 });
    assert.deepEqual(w.older, ['tok3abcdefghijklmnop']);
  });
});
