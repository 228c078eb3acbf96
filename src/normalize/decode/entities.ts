/** HTML character references (numeric and the common named ones). Returns null if nothing changed. */
const NAMED: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', sol: '/', colon: ':', period: '.',
  comma: ',', excl: '!', quest: '?', lpar: '(', rpar: ')', lsqb: '[', rsqb: ']', lbrack: '[', rbrack: ']',
  lcub: '{', rcub: '}', lbrace: '{', rbrace: '}', equals: '=', plus: '+', num: '#', dollar: '$',
  percnt: '%', ast: '*', commat: '@', bsol: '\\', grave: '`', hat: '^', lowbar: '_', verbar: '|',
  vert: '|', semi: ';', tab: '\t', newline: '\n', hyphen: '-', dash: '-', ndash: '–', mdash: '—',
  zwj: '\u200d', zwnj: '\u200c', shy: '\u00ad', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”',
};

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/**
 * A numeric reference at `at` (the '&'): its code point and where it ends, or null. As in an HTML
 * parser, the digits end at the first character that is not one and the ';' is optional (`&#65K`
 * reads as `AK`: a missing ';' is only a parse error), so leaving it out hides nothing. At most 7
 * decimal or 6 hex digits are read, which bounds the look-ahead.
 */
function numericReference(text: string, at: number): { value: string; end: number } | null {
  let i = at + 2;
  const hex = text.charCodeAt(i) === 0x78 || text.charCodeAt(i) === 0x58;
  if (hex) i++;
  const start = i;
  const max = hex ? 6 : 7;
  while (i < text.length && i - start < max && (hex ? isHexDigit(text.charCodeAt(i)) : isDigit(text.charCodeAt(i)))) i++;
  if (i === start) return null;
  const cp = parseInt(text.slice(start, i), hex ? 16 : 10);
  if (cp > 0x10ffff) return null;
  return { value: String.fromCodePoint(cp), end: text.charCodeAt(i) === 0x3b ? i + 1 : i };
}

export function decodeEntities(text: string): string | null {
  if (!text.includes('&')) return null;
  let out = '';
  let last = 0;
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 0x26) continue;
    let value: string | undefined;
    let end = i;
    if (text.charCodeAt(i + 1) === 0x23) {
      const ref = numericReference(text, i);
      if (ref === null) continue;
      value = ref.value;
      end = ref.end;
    } else {
      // A named reference needs its ';' (bounded look-ahead: the names are short): a plain '&' (a
      // query separator) is passed over without cutting the text after it.
      let j = i + 1;
      const limit = Math.min(text.length, i + 12);
      while (j < limit && text.charCodeAt(j) !== 0x3b && text.charCodeAt(j) !== 0x26) j++;
      if (j >= text.length || text.charCodeAt(j) !== 0x3b) continue;
      value = NAMED[text.slice(i + 1, j).toLowerCase()];
      end = j + 1;
    }
    if (value === undefined) continue;
    out += text.slice(last, i) + value;
    last = end;
    i = last - 1;
    changed = true;
  }
  if (!changed) return null;
  return out + text.slice(last);
}
