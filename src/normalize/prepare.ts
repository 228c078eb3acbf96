import { foldConfusables } from './confusables.ts';
import { decodeLayers, mayDecode, type RawLayer } from './decode/layers.ts';
import { collapseWhitespace, foldLeet, stripCombining } from './fold.ts';
import { stripInvisible } from './invisible.ts';
import type { DecodedLayer, EvasionSignals, NormalizeLimits, Prepared } from './types.ts';
import { DEFAULT_NORMALIZE_LIMITS } from './types.ts';
import { QuietTexts } from './quiet-texts.ts';
import { isAscii } from './ascii.ts';

/**
 * Per limits object (one per engine): short texts whose decoding found no layer and hit no bound.
 * Most header values and URL parts repeat and decode to nothing; they skip the decoders next time.
 */
const NO_LAYERS = new WeakMap<NormalizeLimits, QuietTexts>();

function noLayersFor(limits: NormalizeLimits): QuietTexts {
  let memo = NO_LAYERS.get(limits);
  if (!memo) NO_LAYERS.set(limits, (memo = new QuietTexts()));
  return memo;
}

/** Invisible characters removed, then NFKC (UAX #15) so full-width and mathematical letters become ASCII. */
export function cleanText(raw: string): { clean: string; strip: ReturnType<typeof stripInvisible> } {
  const text = raw.includes('\u001b') ? stripAnsi(raw) : raw;
  // every invisible character is above U+00AC and NFKC leaves ASCII as it is
  if (isAscii(text)) return { clean: text, strip: { text, counts: { zeroWidth: 0, bidi: 0, tags: 0, variationSelectors: 0 }, tagText: '' } };
  const strip = stripInvisible(text);
  return { clean: isAscii(strip.text) ? strip.text : strip.text.normalize('NFKC'), strip };
}

/**
 * Removes ANSI/VT escape sequences (ECMA-48 CSI `ESC [ params final`, OSC `ESC ] … BEL|ESC \\`,
 * and two-byte escapes). In coloured tool output they glue onto tokens and hide them.
 */
export function stripAnsi(text: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 0x1b) continue;
    const next = text.charCodeAt(i + 1);
    let j = i + 2;
    if (next === 0x5b) {
      while (j < text.length && j - i < 64 && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x3f) j++;
      while (j < text.length && j - i < 64 && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
      if (j < text.length && text.charCodeAt(j) >= 0x40 && text.charCodeAt(j) <= 0x7e) j++;
    } else if (next === 0x5d) {
      while (j < text.length && j - i < 512 && text.charCodeAt(j) !== 0x07 && !(text.charCodeAt(j) === 0x1b && text.charCodeAt(j + 1) === 0x5c)) j++;
      j += text.charCodeAt(j) === 0x07 ? 1 : 2;
    } else if (next >= 0x40 && next <= 0x5f) {
      j = i + 2;
    } else continue;
    out += text.slice(last, i);
    last = Math.min(j, text.length);
    i = last - 1;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** The matching view for injection rules: marks removed, confusables folded to ASCII, lower case, one space. */
export function foldText(clean: string): { folded: string; confusables: number; combining: number } {
  if (isAscii(clean)) return { folded: collapseWhitespace(clean.toLowerCase()), confusables: 0, combining: 0 };
  const marks = stripCombining(clean);
  // Lower-case before and after the confusable map: upper-case look-alikes (Cyrillic І) map to
  // ambiguous targets (l), their lower-case forms (і) map to the letter the attacker meant (i).
  const lowered = marks.text.toLowerCase();
  const conf = foldConfusables(lowered);
  const folded = collapseWhitespace(conf.count > 0 ? conf.text.toLowerCase() : conf.text);
  return { folded, confusables: conf.count, combining: marks.count };
}

/** Invisible-character counts of a text with none (shared: only ever read). */
const NO_INVISIBLE: ReturnType<typeof stripInvisible>['counts'] = Object.freeze({ zeroWidth: 0, bidi: 0, tags: 0, variationSelectors: 0 });

/** The layers of a text that decodes to nothing: shared, so it is never modified. */
const NO_DECODED: readonly DecodedLayer[] = Object.freeze([]);

class LazyLayer implements DecodedLayer {
  #clean?: string;
  #folded?: string;
  constructor(
    readonly chain: DecodedLayer['chain'],
    readonly text: string,
  ) {}
  get clean(): string {
    this.#clean ??= cleanText(this.text).clean;
    return this.#clean;
  }
  get folded(): string {
    this.#folded ??= foldText(this.clean).folded;
    return this.#folded;
  }
}

class PreparedText implements Prepared {
  readonly #limits: NormalizeLimits;
  #clean?: string;
  #tagText = '';
  #invisible?: ReturnType<typeof stripInvisible>['counts'];
  #fold?: ReturnType<typeof foldText>;
  #leet?: string;
  #layers?: readonly DecodedLayer[];
  #truncated = false;

  constructor(
    readonly raw: string,
    limits: NormalizeLimits,
  ) {
    this.#limits = limits;
  }

  get clean(): string {
    if (this.#clean === undefined) {
      const raw = this.raw;
      // The common case, without the objects cleanText returns: ASCII without escape sequences is its own clean view.
      if (!raw.includes('\u001b') && isAscii(raw)) {
        this.#clean = raw;
        this.#invisible = NO_INVISIBLE;
        return raw;
      }
      const { clean, strip } = cleanText(raw);
      this.#clean = clean;
      this.#tagText = strip.tagText;
      this.#invisible = strip.counts;
    }
    return this.#clean;
  }

  get folded(): string {
    this.#fold ??= foldText(this.clean);
    return this.#fold.folded;
  }

  get leet(): string {
    this.#leet ??= foldLeet(this.folded);
    return this.#leet;
  }

  get layers(): readonly DecodedLayer[] {
    if (this.#layers === undefined) {
      const clean = this.clean;
      // A short text with nothing any decoder starts from is answered in one pass, before any
      // lookup: cheaper than the memo below, which then holds only texts that took decoding.
      if (!this.#tagText && !mayDecode(clean, this.#limits)) {
        this.#layers = NO_DECODED;
        return this.#layers;
      }
      // decodeLayers is a pure function of the text, the seed and the limits: a text known to
      // yield nothing (with no tag seed) yields nothing again. Texts shorter than an encoded run
      // are left out: decodeLayers answers most of them without decoding, faster than a lookup.
      const memo = this.#tagText || clean.length < this.#limits.minEncodedRun ? null : noLayersFor(this.#limits);
      if (memo?.has(clean)) {
        this.#layers = NO_DECODED;
        return this.#layers;
      }
      const seed: RawLayer[] = this.#tagText ? [{ chain: ['unicode-tags'], text: this.#tagText }] : [];
      const result = decodeLayers(clean, seed, this.#limits);
      this.#truncated = result.truncated;
      this.#layers = result.layers.length === 0 ? NO_DECODED : result.layers.map((l) => new LazyLayer(l.chain, l.text));
      if (memo && result.layers.length === 0 && !result.truncated) memo.add(clean);
    }
    return this.#layers;
  }

  get decodeTruncated(): boolean {
    void this.layers;
    return this.#truncated;
  }

  get signals(): EvasionSignals {
    void this.clean;
    void this.folded;
    const inv = this.#invisible ?? { zeroWidth: 0, bidi: 0, tags: 0, variationSelectors: 0 };
    const fold = this.#fold ?? { confusables: 0, combining: 0 };
    return { ...inv, confusables: fold.confusables, combining: fold.combining };
  }
}

/** Prepares a text for every scanner; each view is computed on first use and then shared. */
export function prepare(raw: string, limits: NormalizeLimits = DEFAULT_NORMALIZE_LIMITS): Prepared {
  return new PreparedText(raw, limits);
}

/** The canonical single-string normalisation (clean → folded), for callers that need one string. */
export function normalizeText(raw: string): string {
  return foldText(cleanText(raw).clean).folded;
}
