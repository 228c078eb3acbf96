import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isMostlyText } from './bytes.ts';
import { percentDecode } from './url.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: false });

/**
 * The reference reading, character by character: every character's UTF-8 bytes, every `%XX` its
 * byte and every `%uXXXX` (a surrogate pair as two) its code point's UTF-8, decoded as one byte
 * string. Only the first, whole-text answer is compared (percentDecode's fallback for a result
 * that is not text is unchanged and tested through normalize).
 */
function reference(text: string): { changed: boolean; decoded: string } {
  const hex = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);
  const hex4 = (at: number): number => {
    let v = 0;
    for (let k = at; k < at + 4; k++) {
      const d = hex(text.charCodeAt(k));
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  };
  const bytes: number[] = [];
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && (text.charCodeAt(i + 1) | 0x20) === 0x75) {
      const unit = hex4(i + 2);
      if (unit >= 0) {
        let cp = unit;
        let len = 6;
        const low = unit >= 0xd800 && unit <= 0xdbff && text.charCodeAt(i + 6) === 0x25 && (text.charCodeAt(i + 7) | 0x20) === 0x75 ? hex4(i + 8) : -1;
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
          len = 12;
        }
        for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
        i += len - 1;
        changed = true;
        continue;
      }
    }
    if (c === 0x25 && i + 2 < text.length) {
      const hi = hex(text.charCodeAt(i + 1));
      const lo = hex(text.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        bytes.push((hi << 4) | lo);
        i += 2;
        changed = true;
        continue;
      }
    }
    const cp = text.codePointAt(i) ?? c;
    for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
    if (cp > 0xffff) i++;
  }
  return { changed, decoded: UTF8.decode(Uint8Array.from(bytes)) };
}

/** Text made of the pieces percent-decoding cares about: escapes good and broken, stray percents, non-ASCII, lone surrogates. */
const pieces = fc.constantFrom('%', '%2', '%41', '%e2%80%99', '%C3', '%A9', '%u00e9', '%U20AC', '%uD83D%uDE00', '%uD83D', '%uDE00', '%u12', '%zz', 'é', '’', '😀', '\uD800', '\uDC00', 'a', ' ', '50% of', '%%41', '\n', '%0a', '%00');
const texts = fc.array(pieces, { maxLength: 24 }).map((p) => p.join(''));

describe('percentDecode', () => {
  it('reads escapes and the text around them as one byte string, as the character-by-character reading does', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const ref = reference(text);
        const got = percentDecode(text);
        if (!ref.changed) assert.equal(got, null);
        // when the whole reading is text it is the answer; otherwise the escape-run fallback answers
        else if (isMostlyText(ref.decoded)) assert.equal(got, ref.decoded);
        else assert.notEqual(got, ref.decoded);
      }),
      { numRuns: 3000, seed: 20261123 },
    );
  });

  it('answers a text whose percent signs are not escapes with null, and decodes a mixed one', () => {
    assert.equal(percentDecode('Growth was 50% of the 2023 figure, and 12.5%: the rest.'), null);
    assert.equal(percentDecode('100%'), null);
    assert.equal(percentDecode('caf%C3%A9 – na%C3%AFve 😀 %u00e9 %uD83D%uDE00'), 'café – naïve 😀 é 😀');
    assert.equal(percentDecode('%E2%80%99 and ’'), '’ and ’');
  });
});
