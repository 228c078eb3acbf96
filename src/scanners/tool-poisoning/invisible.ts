// Invisible characters that have no business in a tool's name, description or schema. The
// engine's normalize layer already removes and counts them (signals); this tells apart the
// ordinary ones (an emoji's variation selector or zero-width joiner, a joiner inside Arabic or
// Indic words, direction marks beside right-to-left text, a leading byte-order mark) from the
// rest, which only serve to hide text from a person reading it.
import { classifyInvisible } from '../../normalize/index.ts';

type InvisibleClass = NonNullable<ReturnType<typeof classifyInvisible>>;

export interface InvisibleCount {
  readonly zeroWidth: number;
  readonly bidi: number;
  readonly tags: number;
  readonly variationSelectors: number;
  /** Soft hyphens (counted in zeroWidth): invisible, but common in text pasted from a web page. */
  readonly softHyphens: number;
  readonly total: number;
}

/** A code point that takes an emoji presentation or joins emoji (pictographs, dingbats, keycaps). */
function isPictographic(cp: number): boolean {
  return (
    (cp >= 0x1f000 && cp <= 0x1faff) ||
    (cp >= 0x2600 && cp <= 0x27bf) ||
    (cp >= 0x2190 && cp <= 0x21ff) ||
    (cp >= 0x2300 && cp <= 0x23ff) ||
    (cp >= 0x2b00 && cp <= 0x2bff) ||
    (cp >= 0x25a0 && cp <= 0x25ff) ||
    (cp >= 0x1f3fb && cp <= 0x1f3ff) ||
    cp === 0x20e3 ||
    cp === 0x00a9 ||
    cp === 0x00ae ||
    cp === 0x203c ||
    cp === 0x2049 ||
    cp === 0x2122 ||
    cp === 0x2139 ||
    cp === 0x3030 ||
    cp === 0x303d ||
    cp === 0x3297 ||
    cp === 0x3299 ||
    cp === 0x24c2 ||
    cp === 0x23 ||
    cp === 0x2a ||
    (cp >= 0x30 && cp <= 0x39)
  );
}

/** Scripts whose words legitimately use ZWJ/ZWNJ (Arabic, Syriac, Indic, Sinhala, Myanmar …). */
function joinsWords(cp: number): boolean {
  return (cp >= 0x0600 && cp <= 0x08ff) || (cp >= 0x0900 && cp <= 0x0dff) || (cp >= 0x1000 && cp <= 0x109f) || (cp >= 0xa8e0 && cp <= 0xa8ff);
}

const isRtl = (cp: number): boolean => (cp >= 0x0590 && cp <= 0x08ff) || (cp >= 0xfb1d && cp <= 0xfdff) || (cp >= 0xfe70 && cp <= 0xfeff);

/** Counts the invisible characters in a text that are not explained by ordinary typography. */
export function suspiciousInvisible(text: string): InvisibleCount {
  const counts: Record<InvisibleClass, number> = { zeroWidth: 0, bidi: 0, tags: 0, variationSelectors: 0 };
  let softHyphens = 0;
  const cps: number[] = [];
  for (const ch of text) cps.push(ch.codePointAt(0) as number);
  // The nearest visible code point before / after i, looking at most 8 places away (bounded work).
  const visibleBefore = (i: number): number => {
    for (let j = i - 1; j >= 0 && j >= i - 8; j--) if (!classifyInvisible(cps[j] as number)) return cps[j] as number;
    return -1;
  };
  const visibleAfter = (i: number): number => {
    for (let j = i + 1; j < cps.length && j <= i + 8; j++) if (!classifyInvisible(cps[j] as number)) return cps[j] as number;
    return -1;
  };
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i] as number;
    const cls = classifyInvisible(cp);
    if (!cls) continue;
    if (cls === 'variationSelectors' && (cp === 0xfe0f || cp === 0xfe0e) && isPictographic(visibleBefore(i))) continue;
    if (cp === 0x200d && isPictographic(visibleBefore(i)) && isPictographic(visibleAfter(i))) continue;
    if ((cp === 0x200c || cp === 0x200d) && joinsWords(visibleBefore(i))) continue;
    if ((cp === 0x200e || cp === 0x200f || cp === 0x61c) && (isRtl(visibleBefore(i)) || isRtl(visibleAfter(i)))) continue;
    if (cp === 0xfeff && i === 0) continue;
    if (cp === 0xad) softHyphens++;
    counts[cls]++;
  }
  return { ...counts, softHyphens, total: counts.zeroWidth + counts.bidi + counts.tags + counts.variationSelectors };
}
