/**
 * Invisible and format characters that change nothing a person sees but everything a
 * pattern matcher sees. Removed before any matching; counted, because their presence is
 * itself a signal (ASCII smuggling, Trojan-source bidi tricks).
 */

export type InvisibleClass = 'zeroWidth' | 'bidi' | 'tags' | 'variationSelectors';

export function classifyInvisible(cp: number): InvisibleClass | null {
  if (cp < 0xad) return null;
  if (cp === 0xad || cp === 0x34f || cp === 0x180e || cp === 0x115f || cp === 0x1160 || cp === 0x3164 || cp === 0xffa0) {
    return 'zeroWidth';
  }
  if (cp >= 0x200b && cp <= 0x200d) return 'zeroWidth';
  if (cp === 0x200e || cp === 0x200f || cp === 0x61c) return 'bidi';
  if (cp >= 0x202a && cp <= 0x202e) return 'bidi';
  if (cp >= 0x2060 && cp <= 0x2064) return 'zeroWidth';
  if (cp >= 0x2066 && cp <= 0x2069) return 'bidi';
  if (cp === 0xfeff) return 'zeroWidth';
  if (cp >= 0xfe00 && cp <= 0xfe0f) return 'variationSelectors';
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'tags';
  if (cp >= 0xe0100 && cp <= 0xe01ef) return 'variationSelectors';
  return null;
}

export interface StripResult {
  readonly text: string;
  readonly counts: Record<InvisibleClass, number>;
  /** ASCII text carried by Unicode tag characters (U+E0020–U+E007E), the "ASCII smuggling" channel. */
  readonly tagText: string;
}

/**
 * A single-character-class pre-check (trivially linear): every invisible character above is in
 * one of these code units; \udb40 is the high surrogate of the tag and variation-selector planes.
 */
const MAY_HAVE_INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufe00-\ufe0f\ufeff\uffa0\udb40]/;

/**
 * Calls `visit` for every invisible character of `text`, in order, with its class, code point,
 * offset and UTF-16 width (2 for the tag and variation-selector planes).
 */
export function forEachInvisible(text: string, visit: (cls: InvisibleClass, cp: number, at: number, width: number) => void): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xad) continue;
    let cp = c;
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = (c - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
        width = 2;
      }
    }
    const cls = classifyInvisible(cp);
    if (cls) visit(cls, cp, i, width);
    i += width - 1;
  }
}

/** Removes invisible characters in one pass; returns the text unchanged (same string) when there are none. */
export function stripInvisible(text: string): StripResult {
  if (!MAY_HAVE_INVISIBLE.test(text)) return { text, counts: { zeroWidth: 0, bidi: 0, tags: 0, variationSelectors: 0 }, tagText: '' };
  const counts: Record<InvisibleClass, number> = { zeroWidth: 0, bidi: 0, tags: 0, variationSelectors: 0 };
  const out: string[] = [];
  let tagText = '';
  let last = 0;
  forEachInvisible(text, (cls, cp, at, width) => {
    counts[cls]++;
    if (cls === 'tags' && cp >= 0xe0020 && cp <= 0xe007e) tagText += String.fromCharCode(cp - 0xe0000);
    out.push(text.slice(last, at));
    last = at + width;
  });
  if (out.length === 0) return { text, counts, tagText };
  out.push(text.slice(last));
  return { text: out.join(''), counts, tagText };
}
