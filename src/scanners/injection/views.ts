// The texts the injection rules read for one segment: the prepared views, a plain
// lower-case view (to tell homoglyph hiding from plain text), every decoded layer, and any
// text smuggled in variation-selector characters. All loops here are linear and bounded.
import { collapseWhitespace, isAscii } from '../../normalize/index.ts';
import type { EvasionSignals, Prepared } from '../../normalize/types.ts';
import { re, type SafeRegex } from '../../re/index.ts';

export type ViewName = 'folded' | 'leet' | 'plain' | 'clean';

export interface TextView {
  /** Every view name whose text is this one (identical views are merged). */
  readonly names: ViewName[];
  /** 'clean' views are read by clean-view patterns, all others by folded-view patterns. */
  readonly kind: 'folded' | 'clean';
  readonly text: string;
  /** Decodings applied to reach this text, outermost first; empty for the segment itself. */
  readonly chain: readonly string[];
}

const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};

/** Leetspeak fold of an already folded text (same mapping as Prepared.leet). */
export function leetFold(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const m = LEET[text[i] as string];
    if (m === undefined) continue;
    out += text.slice(from, i) + m;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

function isClauseEnd(code: number): boolean {
  // . ! ? ; newline |
  return code === 0x2e || code === 0x21 || code === 0x3f || code === 0x3b || code === 0x0a || code === 0x7c;
}

/** A letter next to a leet character: the mark of a word that mixes the two. */
export const LEET_PAIR_SRC = '[a-zA-Z][013457@$]|[013457@$][a-zA-Z]';
const LEET_PAIR = (): SafeRegex => re(LEET_PAIR_SRC);

/**
 * The clauses of a folded text that hold a word mixing letters with leet characters
 * (`1gn0r3`, `pr3v10u5`), leet-folded and joined. Plain numbers ("12 percent") do not count,
 * so ordinary prose yields an empty string after one regex pass and no second view.
 */
export function leetClauses(folded: string, maxChars: number): string {
  const hits = LEET_PAIR().all(folded, 100_000);
  if (hits.length === 0) return '';
  const parts: string[] = [];
  let total = 0;
  let covered = 0;
  const n = folded.length;
  for (const h of hits) {
    if (h.index < covered) continue;
    if (total >= maxChars) break;
    let s = h.index;
    while (s > covered && !isClauseEnd(folded.charCodeAt(s - 1))) s--;
    let e = h.end;
    while (e < n && !isClauseEnd(folded.charCodeAt(e))) e++;
    if (e < n) e++;
    const clause = leetFold(folded.slice(s, e));
    parts.push(clause);
    total += clause.length;
    covered = e;
  }
  return parts.join(' ');
}

/** Lower case with every whitespace run collapsed to one space (no confusable mapping). */
export function plainFold(text: string): string {
  return collapseWhitespace(text.toLowerCase());
}

/**
 * Overlap between consecutive chunks of a long text: more than any match of a windowed pattern spans
 * (twice the largest prefilter margin, 1 KiB, plus its core), so every match lies whole in some chunk.
 */
export const CHUNK_OVERLAP = 4096;

/** Where the k-th chunk of a long text starts: k times this (see chunksOf). */
export function chunkStep(max: number): number {
  return Math.max(max, 2 * CHUNK_OVERLAP) - CHUNK_OVERLAP;
}

/**
 * Cuts a text for scanning into chunks of at most `max` characters, each overlapping the next by
 * CHUNK_OVERLAP: the whole text is read (cost linear in its length), never only its head and tail.
 */
export function chunksOf(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const size = Math.max(max, 2 * CHUNK_OVERLAP);
  const step = chunkStep(max);
  const out: string[] = [];
  for (let s = 0; s < text.length; s += step) {
    out.push(text.slice(s, s + size));
    if (s + size >= text.length) break;
  }
  return out;
}

/**
 * Decodes text hidden in variation selectors (U+FE00–FE0F = bytes 0–15, U+E0100–E01EF =
 * bytes 16–255) as UTF-8. Returns the decoded text when at least `minBytes` supplementary
 * selectors were seen; ordinary emoji use only U+FE0E/FE0F and never reach that count.
 */
export function decodeVariationSelectors(raw: string, minBytes = 8, maxBytes = 4096): string | null {
  let supplementary = 0;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length && bytes.length < maxBytes; i++) {
    const cp = raw.codePointAt(i) as number;
    if (cp > 0xffff) i++;
    if (cp >= 0xe0100 && cp <= 0xe01ef) {
      supplementary++;
      bytes.push(cp - 0xe0100 + 16);
    } else if (cp >= 0xfe00 && cp <= 0xfe0f) {
      bytes.push(cp - 0xfe00);
    }
  }
  if (supplementary < minBytes) return null;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
  return text.length > 0 ? text : null;
}

function sameChain(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface ViewLimits {
  readonly maxScanChars: number;
  readonly maxLayers: number;
}

/** One text to scan (the segment itself, a decoded layer, or text hidden in variation selectors), bounded. */
export interface TextGroup {
  readonly chain: readonly string[];
  readonly clean: string;
  readonly folded: string;
  /** The plain view when it differs from the folded one (confusables or marks were folded). */
  readonly plain: string | null;
  /**
   * True when folded = collapseWhitespace(clean lower-cased), so one case-insensitive pass over the
   * clean text can stand for the folded and plain views too.
   */
  readonly merged: boolean;
  /** True when the text was longer than the scan limit and this group is one of its overlapping chunks. */
  readonly bounded: boolean;
  /** Which text the group reads (0: the segment, then its layers…): the chunks of one text share it. */
  readonly source: number;
}

/** Adds the group(s) of one text read as source number `source` (a module function: no closure per call). */
function addGroup(groups: TextGroup[], max: number, source: number, clean: string, folded: string, chain: readonly string[], plainIsFolded: boolean, merged: boolean): void {
  if (clean.length <= max && folded.length <= max) {
    const plain = plainIsFolded ? null : plainFold(clean);
    groups.push({ chain, clean, folded, plain: plain === folded ? null : plain, merged: merged && plainIsFolded, bounded: false, source });
    return;
  }
  // A long text is read whole, as overlapping chunks of each view (the clean and folded views have
  // different lengths, so chunk k of one is not chunk k of the other: each is read in its own right).
  const cleanChunks = chunksOf(clean, max);
  const foldedChunks = chunksOf(folded, max);
  for (let k = 0; k < cleanChunks.length || k < foldedChunks.length; k++) {
    const c = cleanChunks[k] ?? '';
    const f = foldedChunks[k] ?? '';
    const plain = plainIsFolded || c.length === 0 ? null : plainFold(c);
    groups.push({ chain, clean: c, folded: f, plain: plain === f ? null : plain, merged: false, bounded: true, source });
  }
}

/** The texts to scan for one prepared segment: the segment, each decoded layer, and smuggled text. */
export function groupsOf(prepared: Prepared, limits: ViewLimits, signals: EvasionSignals = prepared.signals): TextGroup[] {
  const max = limits.maxScanChars;
  const groups: TextGroup[] = [];
  let sources = 0;
  // The plain view differs from the folded one only where the confusable skeleton or mark
  // stripping changed something; otherwise it is the same string and is not rebuilt.
  const untouched = signals.confusables === 0 && signals.combining === 0;
  addGroup(groups, max, sources++, prepared.clean, prepared.folded, [], untouched, untouched);
  const layers = prepared.layers;
  for (let i = 0; i < layers.length && i < limits.maxLayers; i++) {
    const layer = layers[i];
    if (layer === undefined) continue;
    const ascii = isAscii(layer.clean);
    addGroup(groups, max, sources++, layer.clean, layer.folded, layer.chain, ascii, ascii);
  }
  // At least eight supplementary selectors are needed to carry a hidden text (see decodeVariationSelectors).
  if (signals.variationSelectors >= 8) {
    const smuggled = decodeVariationSelectors(prepared.raw);
    if (smuggled !== null) {
      const clean = smuggled.normalize('NFKC');
      addGroup(groups, max, sources++, clean, plainFold(clean), ['variation-selectors'], true, true);
    }
  }
  return groups;
}

/** Builds the deduplicated list of views for one prepared text (all views, for diagnostics). */
export function viewsOf(prepared: Prepared, limits: ViewLimits): TextView[] {
  const views: TextView[] = [];
  for (const g of groupsOf(prepared, limits)) {
    pushView(views, 'folded', g.folded, g.chain);
    pushView(views, 'plain', g.plain ?? g.folded, g.chain);
    pushView(views, 'leet', leetClauses(g.folded, limits.maxScanChars), g.chain);
    pushView(views, 'clean', g.clean, g.chain);
  }
  return views;
}

/**
 * Adds a view, merging it into an earlier one with the same text and chain (the same text is
 * matched once; its names are merged). Returns the view's index, or -1 for an empty text.
 */
export function pushView(views: TextView[], name: ViewName, text: string, chain: readonly string[]): number {
  if (text.length === 0) return -1;
  const kind = name === 'clean' ? 'clean' : 'folded';
  for (let i = 0; i < views.length; i++) {
    const prior = views[i] as TextView;
    if (prior.kind === kind && prior.text.length === text.length && prior.text === text && sameChain(prior.chain, chain)) {
      if (!prior.names.includes(name)) prior.names.push(name);
      return i;
    }
  }
  views.push({ names: [name], kind, text, chain });
  return views.length - 1;
}
