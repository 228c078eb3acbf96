import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { REDACTED, redactTarget } from './redact-target.ts';

describe('redactTarget remembers only the last target', () => {
  it('a target right after another gets its own redaction, and a repeat the same one', () => {
    assert.equal(redactTarget('https://h.test/p?token=abc'), `https://h.test/p?token=${REDACTED}`);
    assert.equal(redactTarget('https://h.test/p?token=abc'), `https://h.test/p?token=${REDACTED}`);
    assert.equal(redactTarget('https://h.test/p?page=abc'), 'https://h.test/p?page=abc');
    assert.equal(redactTarget('https://u:pw@h.test/'), `https://${REDACTED}@h.test/`);
    assert.equal(redactTarget('https://h.test/p?token=abc'), `https://h.test/p?token=${REDACTED}`);
  });

  it('any sequence of targets gives what each gives when it follows a different one', () => {
    const pool = ['http://a.test/?key=1', 'http://a.test/?kex=1', 'http://u@a.test/', 'http://a.test/#code=9', 'x'];
    const alone = (t: string): string => {
      redactTarget(`${t}\u0000other`); // a different target first, so this one is redacted afresh
      return redactTarget(t);
    };
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...pool), fc.string()), { maxLength: 30 }), (targets) => {
        const expected = targets.map(alone);
        targets.forEach((t, i) => assert.equal(redactTarget(t), expected[i], JSON.stringify(t)));
      }),
    );
  });
});
