/** Case, mark, whitespace and leetspeak folding for the `folded` and `leet` views. */

/**
 * Removes nonspacing combining marks (Zalgo text, accents used to break words: `Ígnore`, `prévious`)
 * and recomposes. The text usually arrives NFKC-composed, so a mark typed as U+0301 after a letter is
 * already part of a precomposed letter (Í is U+00CD): every text with a character from U+00C0 up (the
 * first letter with a canonical decomposition) is decomposed, not only those holding a free mark.
 */
export function stripCombining(text: string): { text: string; count: number } {
  let decomposable = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xc0 && bearsMark(c)) {
      decomposable = true;
      break;
    }
  }
  if (!decomposable) return { text, count: 0 };
  const decomposed = text.normalize('NFD');
  let count = 0;
  let out = '';
  let last = 0;
  for (let i = 0; i < decomposed.length; i++) {
    const c = decomposed.charCodeAt(i);
    if (isNonspacingMark(c)) {
      count++;
      out += decomposed.slice(last, i);
      last = i + 1;
    }
  }
  if (count === 0) return { text, count: 0 };
  out += decomposed.slice(last);
  return { text: out.normalize('NFC'), count };
}

/**
 * Per block of 256 BMP code points (filled when a character of the block is first met): whether each
 * is a mark stripCombining removes or has one in its canonical decomposition. A text none of whose
 * characters does has no mark in its NFD (a text's NFD is its characters' decompositions, reordered),
 * so it skips the whole-text NFD: real text is full of characters above U+00BF that decompose to no
 * mark (curly quotes, dashes, CJK). Surrogates always count (the supplementary planes are not tabled).
 */
const MARK_BLOCKS: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(256);

function bearsMark(c: number): boolean {
  if (c >= 0xd800 && c <= 0xdfff) return true;
  const hi = c >>> 8;
  let block = MARK_BLOCKS[hi];
  if (block === undefined) {
    block = new Uint8Array(256);
    for (let k = 0; k < 256; k++) {
      const d = String.fromCharCode((hi << 8) | k).normalize('NFD');
      for (let j = 0; j < d.length; j++) if (isNonspacingMark(d.charCodeAt(j))) block[k] = 1;
    }
    MARK_BLOCKS[hi] = block;
  }
  return block[c & 0xff] === 1;
}

/** BMP nonspacing combining-mark blocks (the ranges abused for Zalgo text and word breaking). */
function isNonspacingMark(c: number): boolean {
  return (
    (c >= 0x300 && c <= 0x36f) ||
    (c >= 0x1ab0 && c <= 0x1aff) ||
    (c >= 0x1dc0 && c <= 0x1dff) ||
    (c >= 0x20d0 && c <= 0x20ff) ||
    (c >= 0xfe20 && c <= 0xfe2f)
  );
}

export function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/**
 * Collapses every run of whitespace to one space and trims the ends. Only runs of two or more,
 * or single non-space whitespace, are replaced, so prose with single spaces is barely touched.
 * (A single-class pattern: linear in V8.)
 */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s{2,}|[^\S ]/g, ' ').trim();
}

const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'i',
};

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/**
 * Folds leetspeak inside words that mix letters with leet digits/symbols ("1gn0r3" → "ignore").
 * Pure numbers ("2024") are left alone; `@ $ ! |` fold only inside a word, so "hello!" stays.
 */
export function foldLeet(text: string): string {
  const parts: string[] = [];
  let last = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (!isLetter(c) && LEET[text[i] as string] === undefined) {
      i++;
      continue;
    }
    let j = i;
    let letters = 0;
    let leet = 0;
    while (j < text.length) {
      const cj = text.charCodeAt(j);
      if (isLetter(cj)) letters++;
      else if (LEET[text[j] as string] !== undefined) leet++;
      else break;
      j++;
    }
    if (letters > 0 && leet > 0) {
      let word = '';
      for (let k = i; k < j; k++) {
        const ch = text[k] as string;
        const mapped = LEET[ch];
        const isDigit = ch >= '0' && ch <= '9';
        const inside = k > i && k < j - 1;
        word += mapped !== undefined && (isDigit || inside) ? mapped : ch;
      }
      parts.push(text.slice(last, i), word);
      last = j;
    }
    i = j;
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(last));
  return parts.join('');
}
