/** HTML character references (numeric and the common named ones). Returns null if nothing changed. */
const NAMED: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', sol: '/', colon: ':', period: '.',
  comma: ',', excl: '!', quest: '?', lpar: '(', rpar: ')', lsqb: '[', rsqb: ']', lbrack: '[', rbrack: ']',
  lcub: '{', rcub: '}', lbrace: '{', rbrace: '}', equals: '=', plus: '+', num: '#', dollar: '$',
  percnt: '%', ast: '*', commat: '@', bsol: '\\', grave: '`', hat: '^', lowbar: '_', verbar: '|',
  vert: '|', semi: ';', tab: '\t', newline: '\n', hyphen: '-', dash: '-', ndash: '–', mdash: '—',
  zwj: '\u200d', zwnj: '\u200c', shy: '\u00ad', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”',
};

export function decodeEntities(text: string): string | null {
  if (!text.includes('&')) return null;
  let out = '';
  let last = 0;
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 0x26) continue;
    // Bounded look-ahead: the longest reference we accept is &#x10FFFF; (10 chars) or a short name.
    let j = i + 1;
    const limit = Math.min(text.length, i + 12);
    while (j < limit && text.charCodeAt(j) !== 0x3b && text.charCodeAt(j) !== 0x26) j++;
    const terminated = j < text.length && text.charCodeAt(j) === 0x3b;
    // A named reference needs its ';' and a numeric one starts with '#': a plain '&' (a query
    // separator) is passed over without cutting the text after it.
    if (!terminated && text.charCodeAt(i + 1) !== 0x23) continue;
    const body = text.slice(i + 1, j);
    let value: string | undefined;
    if (body.startsWith('#x') || body.startsWith('#X')) {
      const cp = parseInt(body.slice(2), 16);
      if (/^[0-9a-fA-F]{1,6}$/.test(body.slice(2)) && cp <= 0x10ffff) value = String.fromCodePoint(cp);
    } else if (body.startsWith('#')) {
      const cp = parseInt(body.slice(1), 10);
      if (/^[0-9]{1,7}$/.test(body.slice(1)) && cp <= 0x10ffff) value = String.fromCodePoint(cp);
    } else if (terminated) {
      value = NAMED[body.toLowerCase()];
    }
    if (value === undefined) continue;
    out += text.slice(last, i) + value;
    last = terminated ? j + 1 : j;
    i = last - 1;
    changed = true;
  }
  if (!changed) return null;
  return out + text.slice(last);
}
