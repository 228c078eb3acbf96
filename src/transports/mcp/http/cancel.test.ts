import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cancel } from './cancel.ts';

describe('Cancel (one exchange’s abort handle)', () => {
  it('runs the hook once on abort and reports aborted', () => {
    const c = new Cancel();
    let runs = 0;
    c.onAbort(() => runs++);
    assert.equal(c.aborted, false);
    c.abort();
    c.abort();
    assert.equal(runs, 1);
    assert.equal(c.aborted, true);
  });

  it('runs a hook set after the abort at once', () => {
    const c = new Cancel();
    c.abort();
    let runs = 0;
    c.onAbort(() => runs++);
    assert.equal(runs, 1);
  });

  it('runs only the latest hook, and none once it is cleared', () => {
    const c = new Cancel();
    const ran: string[] = [];
    c.onAbort(() => ran.push('first'));
    c.onAbort(() => ran.push('second'));
    c.abort();
    assert.deepEqual(ran, ['second']);
    const d = new Cancel();
    d.onAbort(() => ran.push('cleared'));
    d.onAbort(undefined);
    d.abort();
    assert.deepEqual(ran, ['second']);
  });
});
