import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stripCombining } from './fold.ts';

const MARK = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

/** The reading stripCombining must give: decompose the whole text, drop the marks, recompose. */
function reference(text: string): { text: string; count: number } {
  const d = text.normalize('NFD');
  const count = d.match(MARK)?.length ?? 0;
  return count === 0 ? { text, count: 0 } : { text: d.replace(MARK, '').normalize('NFC'), count };
}

describe('stripCombining', () => {
  it('agrees with decomposing the whole text for every BMP character, alone and after a letter', () => {
    // the per-block table decides which texts skip the whole-text decomposition: checked for all of them
    const wrong: string[] = [];
    for (let c = 0xa0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCharCode(c);
      for (const t of [ch, `e${ch}`]) {
        const got = stripCombining(t);
        const want = reference(t);
        if (got.text !== want.text || got.count !== want.count) wrong.push(`U+${c.toString(16)}`);
      }
    }
    assert.deepEqual(wrong.slice(0, 20), []);
  });

  it('strips marks in mixed text and leaves text with only mark-free non-ASCII as it is', () => {
    assert.deepEqual(stripCombining('It’s “fine” — 東京 ok'), { text: 'It’s “fine” — 東京 ok', count: 0 });
    assert.deepEqual(stripCombining('It’s cafe\u0301 and Z\u0351\u0352algo, Øst ≠ 😀'), { text: 'It’s cafe and Zalgo, Øst = 😀', count: 4 });
    assert.deepEqual(stripCombining('naïve'), { text: 'naive', count: 1 });
  });
});
