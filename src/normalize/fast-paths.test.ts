import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_NORMALIZE_LIMITS, prepare, QuietTexts } from './index.ts';

describe('QuietTexts', () => {
  it('keeps short texts only and empties itself when full', () => {
    const q = new QuietTexts(8, 3);
    q.add('x'.repeat(9));
    assert.equal(q.has('x'.repeat(9)), false);
    for (const t of ['a', 'b', 'c']) q.add(t);
    assert.equal(q.size, 3);
    assert.ok(q.has('a') && q.has('c'));
    q.add('d');
    assert.equal(q.size, 1);
    assert.equal(q.has('a'), false);
    assert.equal(q.has('d'), true);
  });
});

describe('decoded layers of repeated short texts', () => {
  it('are the same whether a text is seen the first time or again', () => {
    const limits = { ...DEFAULT_NORMALIZE_LIMITS };
    for (const text of ['text/plain; charset=utf-8', 'aGVsbG8gd29ybGQgZnJvbSBiYXNlNjQ=', 'a%20b', 'Sat, 21 Nov 2026 10:11:53 GMT']) {
      const first = prepare(text, limits);
      const firstLayers = first.layers.map((l) => [l.chain.join('|'), l.text]);
      const firstTruncated = first.decodeTruncated;
      const again = prepare(text, limits);
      assert.deepEqual(
        again.layers.map((l) => [l.chain.join('|'), l.text]),
        firstLayers,
      );
      assert.equal(again.decodeTruncated, firstTruncated);
    }
    assert.equal(prepare('aGVsbG8gd29ybGQgZnJvbSBiYXNlNjQ=', limits).layers.length > 0, true);
  });

  it('do not carry over between different limits', () => {
    const text = 'aGVsbG8gd29ybGQgZnJvbSBiYXNlNjQ=';
    // With a minimum run longer than the text, nothing decodes; the memo of those limits must not speak for others.
    assert.equal(prepare(text, { ...DEFAULT_NORMALIZE_LIMITS, minEncodedRun: 64 }).layers.length, 0);
    assert.equal(prepare(text, { ...DEFAULT_NORMALIZE_LIMITS, minEncodedRun: 64 }).layers.length, 0);
    assert.ok(prepare(text, { ...DEFAULT_NORMALIZE_LIMITS }).layers.some((l) => l.text === 'hello world from base64'));
  });
});
