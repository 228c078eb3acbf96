import { hexValue } from './bytes.ts';

/**
 * JSON/JavaScript string escapes (\uXXXX with surrogate pairs, \u{…}, \xHH as in JavaScript, Python
 * and C string literals, \n \t \" \\ \/). Null if nothing changed. A single `\x41` in front of a
 * key is enough to hide it from a pattern, so one escape is decoded as readily as many.
 */
export function decodeJsonEscapes(text: string): string | null {
  if (!text.includes('\\u') && !text.includes('\\U') && !text.includes('\\x') && !text.includes('\\X')) return null;
  let out = '';
  let last = 0;
  let changed = false;
  for (let i = 0; i < text.length - 1; i++) {
    if (text.charCodeAt(i) !== 0x5c) continue;
    const next = text[i + 1];
    let value: string | undefined;
    let len = 2;
    if ((next === 'u' || next === 'U') && text[i + 2] === '{') {
      const close = text.indexOf('}', i + 3);
      const digits = close > 0 && close - i <= 10 ? text.slice(i + 3, close) : '';
      const cp = digits && [...digits].every((d) => hexValue(d.charCodeAt(0)) >= 0) ? parseInt(digits, 16) : NaN;
      if (cp <= 0x10ffff) {
        value = String.fromCodePoint(cp);
        len = close - i + 1;
      }
    } else if (next === 'u' || next === 'U') {
      let cp = 0;
      let ok = true;
      for (let k = 2; k < 6; k++) {
        const v = hexValue(text.charCodeAt(i + k));
        if (v < 0) ok = false;
        cp = cp * 16 + v;
      }
      if (ok) {
        value = String.fromCharCode(cp);
        len = 6;
      }
    } else if (next === 'x' || next === 'X') {
      const hi = hexValue(text.charCodeAt(i + 2));
      const lo = hexValue(text.charCodeAt(i + 3));
      if (hi >= 0 && lo >= 0) {
        value = String.fromCharCode((hi << 4) | lo);
        len = 4;
      }
    } else {
      value = ({ n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f' } as Record<string, string>)[next ?? ''];
    }
    if (value === undefined) continue;
    out += text.slice(last, i) + value;
    last = i + len;
    i = last - 1;
    changed = true;
  }
  if (!changed) return null;
  // Lone surrogates from broken pairs become U+FFFD so later stages see well-formed text.
  return Buffer.from(out + text.slice(last), 'utf8').toString('utf8');
}
