import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findBase64 } from './base64.ts';
import { bytesToText } from './bytes.ts';
import { prng } from '../../../bench/corpus-gen.ts';

/**
 * The reference reading of one run: the first alignment whose bytes are text (valid UTF-8, few
 * control characters), decoded by Node's own base64 decoder. findBase64 stops decoding an
 * alignment as soon as its bytes cannot be UTF-8; it must still find exactly what this finds.
 */
function reference(run: string, minRun: number): string[] {
  for (let shift = 0; shift < 4 && run.length - shift >= minRun; shift++) {
    const bytes = Buffer.from(run.slice(shift), 'base64');
    let control = 0;
    for (const b of bytes) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) control++;
    if (control * 32 > Math.floor((run.slice(shift).replace(/=+$/, '').length * 3) / 4)) continue;
    const text = bytesToText(new Uint8Array(bytes));
    if (text !== null) return [text];
  }
  // A run with '/' in it is also read piece by piece between the slashes.
  const out: string[] = [];
  if (run.includes('/')) for (const piece of run.split('/')) if (piece.length >= minRun && piece.length < run.length) out.push(...reference(piece, minRun));
  return out;
}

/** Any non-ASCII code point that is not a surrogate (every lead and continuation byte value occurs). */
function randomCodePoint(rnd: () => number): number {
  const k = rnd();
  if (k < 0.4) return 0x80 + Math.floor(rnd() * (0x800 - 0x80));
  if (k < 0.8) {
    const cp = 0x800 + Math.floor(rnd() * (0x10000 - 0x800));
    return cp >= 0xd800 && cp <= 0xdfff ? cp - 0x800 : cp;
  }
  return 0x10000 + Math.floor(rnd() * (0x110000 - 0x10000));
}

/** Bytes mixing ASCII, valid 2/3/4-byte UTF-8 sequences and stray or truncated ones. */
function bytesFrom(rnd: () => number): Uint8Array {
  const out: number[] = [];
  const n = 12 + Math.floor(rnd() * 40);
  while (out.length < n) {
    const k = rnd();
    if (k < 0.45) out.push(0x20 + Math.floor(rnd() * 95));
    else if (k < 0.55) out.push(...Buffer.from(String.fromCodePoint(randomCodePoint(rnd))));
    else if (k < 0.65) out.push(...Buffer.from('é'));
    else if (k < 0.72) out.push(...Buffer.from('✓'));
    else if (k < 0.77) out.push(...Buffer.from('😀'));
    else if (k < 0.85) out.push(0x80 + Math.floor(rnd() * 0x80)); // any high byte, valid or not where it lands
    else if (k < 0.9) out.push(0xe2, 0x9c); // a truncated three-byte sequence
    else if (k < 0.95) out.push(Math.floor(rnd() * 0x20));
    else out.push(0xc0 + Math.floor(rnd() * 2), 0x80 + Math.floor(rnd() * 0x40)); // overlong lead bytes
  }
  return Uint8Array.from(out);
}

describe('base64 runs that cannot be UTF-8', () => {
  it('are rejected early without changing what is found: same texts as a full decode of every alignment', () => {
    const rnd = prng(20261121);
    let found = 0;
    for (let i = 0; i < 4000; i++) {
      const encoded = Buffer.from(bytesFrom(rnd)).toString('base64');
      // Glue a few alphabet characters in front now and then, so later alignments are exercised.
      const run = rnd() < 0.3 ? `${'QxZ'.slice(0, 1 + Math.floor(rnd() * 3))}${encoded}` : encoded;
      const want = reference(run, 16);
      const got = findBase64(run, 16, 8).map((h) => h.text);
      assert.deepEqual(got, want, JSON.stringify(run));
      if (want.length > 0) found++;
    }
    // Both outcomes were exercised.
    assert.ok(found > 50 && found < 3950, `found ${found}`);
  });

  it('still decodes text with multi-byte characters and rejects bytes with a stray continuation byte', () => {
    const text = 'naïve café ✓ 😀 résumé déjà vu';
    assert.deepEqual(findBase64(Buffer.from(text).toString('base64'), 16, 8).map((h) => h.text), [text]);
    const broken = Buffer.concat([Buffer.from('plain ascii here '), Buffer.from([0x80]), Buffer.from(' and more ascii text')]);
    assert.deepEqual(findBase64(broken.toString('base64'), 16, 8), []);
  });
});
