/**
 * Confusable folding from the Unicode UTS#39 confusables table (shipped by the `unhomoglyph`
 * package, the same 6,311 mappings as confusables.txt v15). Only non-ASCII characters are
 * mapped, and only to ASCII targets: the goal is to turn look-alike letters (Cyrillic а,
 * Greek ο, Cherokee Ꭺ…) back into the Latin text a pattern expects, not to compute full
 * skeletons (which also rewrite plain ASCII, e.g. `m` → `rn`).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const DATA = require('unhomoglyph/data.json') as Record<string, string>;

function buildMap(): Map<number, string> {
  const map = new Map<number, string>();
  for (const [source, target] of Object.entries(DATA)) {
    const cp = source.codePointAt(0);
    if (cp === undefined || cp < 0x80 || source.length !== String.fromCodePoint(cp).length) continue;
    let ascii = true;
    for (let i = 0; i < target.length; i++) if (target.charCodeAt(i) > 0x7e || target.charCodeAt(i) < 0x20) ascii = false;
    if (ascii && target.length > 0) map.set(cp, target.toLowerCase());
  }
  for (const [cp, ascii] of LOWERCASE_LOOKALIKES) if (!map.has(cp)) map.set(cp, ascii);
  return map;
}

/**
 * Lower-case Cyrillic and Greek letters whose UTS#39 prototype is a small capital or an IPA letter
 * (м → ʍ, т → ᴛ, к → ĸ…), so the table alone leaves them unfolded although in ordinary fonts they
 * pass for the Latin letter (`coммand`, `тoken`, `кey`). Mapped like the rest: to ASCII, non-ASCII
 * sources only.
 */
const LOWERCASE_LOOKALIKES: readonly (readonly [number, string])[] = [
  [0x043c, 'm'], // Cyrillic м
  [0x0442, 't'], // Cyrillic т
  [0x043a, 'k'], // Cyrillic к
  [0x043d, 'h'], // Cyrillic н
  [0x0432, 'b'], // Cyrillic в
  [0x043f, 'n'], // Cyrillic п
  [0x03c4, 't'], // Greek τ
  [0x03ba, 'k'], // Greek κ
];

export const CONFUSABLE_TO_ASCII: ReadonlyMap<number, string> = buildMap();

/** The full table as shipped, for conformance tests against the UTS#39 source file. */
export const CONFUSABLES_RAW: Readonly<Record<string, string>> = DATA;

/** Replaces non-ASCII confusables with their ASCII look-alike; returns the count of replacements. */
export function foldConfusables(text: string): { text: string; count: number } {
  let count = 0;
  let out: string[] | null = null;
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    const cp = text.codePointAt(i) ?? c;
    const width = cp > 0xffff ? 2 : 1;
    const target = CONFUSABLE_TO_ASCII.get(cp);
    if (target !== undefined) {
      count++;
      out ??= [];
      out.push(text.slice(last, i), target);
      last = i + width;
    }
    i += width - 1;
  }
  if (!out) return { text, count };
  out.push(text.slice(last));
  return { text: out.join(''), count };
}
