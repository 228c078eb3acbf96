import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_NORMALIZE_LIMITS } from '../types.ts';
import { decodeLayers } from './layers.ts';

// A long text pays for every whole-text decoding of it (docs/ARCHITECTURE.md, Known debts: a long
// text costs a constant factor more than its pieces). These pin that the factor stays constant:
// the decoded characters, which every scanner then reads, grow no faster than the text (slower
// where a bound applies: ROT13 and reversal read around at most 16 namings).

/** A README-like block holding each whole-text escape kind once, a naming of reversal and a non-ASCII word. */
const BLOCK = [
  'qs.parse("a%5Bb%5D=c") gives { a: { b: "c" } }; a double encoding reads a%255Bb%255D.',
  'In HTML the ampersand is written &amp; and a quote &quot; inside attributes.',
  'A JSON string escapes a letter as \\u0041 and a newline as \\n in "x\\u0042y".',
  'Arrays can be read in reverse order; ordinary prose follows, with a name like Søren.',
  'the quick brown fox jumps over the lazy dog. '.repeat(60),
].join('\n');

function decodedChars(text: string): { chars: number; layers: number; truncated: boolean } {
  const r = decodeLayers(text, [], DEFAULT_NORMALIZE_LIMITS);
  return { chars: r.layers.reduce((n, l) => n + l.text.length, 0), layers: r.layers.length, truncated: r.truncated };
}

describe('decoded layers of a long text', () => {
  it('grow no faster than its length: a text repeated k times decodes to at most k times as much', () => {
    const one = decodedChars(BLOCK.repeat(8));
    assert.ok(one.layers >= 4, `the block fans out (${one.layers} layers)`);
    for (const k of [2, 4, 8]) {
      const many = decodedChars(BLOCK.repeat(8 * k));
      assert.equal(many.truncated, false);
      assert.equal(many.layers, one.layers, `repeats add no layers (${k}x)`);
      assert.ok(many.chars <= k * one.chars * 1.05, `${k}x the text: ${many.chars} decoded characters against ${one.chars} for 1x`);
    }
  });

  it('hold at most maxLayers copies of the text, however many kinds of escape it mixes', () => {
    const text = BLOCK.repeat(16);
    const { chars, layers } = decodedChars(text);
    assert.ok(layers <= DEFAULT_NORMALIZE_LIMITS.maxLayers);
    assert.ok(chars <= DEFAULT_NORMALIZE_LIMITS.maxLayers * text.length, `${chars} decoded characters for ${text.length}`);
  });
});
