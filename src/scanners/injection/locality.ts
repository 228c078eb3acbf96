// Locality for long texts: evidence only combines when it is close together. A text longer than one
// window is cut into overlapping windows, each window is scored as a text of its own, and the text
// scores as its worst window (never more than the whole text scored at once). Linear: every
// character is in at most two windows, and each window is analysed once. README.md explains where
// decoded layers and document-level signals go.
import { classifyInvisible, collapseWhitespace, foldText, forEachInvisible, isAscii, prepare } from '../../normalize/index.ts';
import { stripAnsi } from '../../normalize/prepare.ts';
import type { DecodedLayer, EvasionSignals, Prepared } from '../../normalize/types.ts';
import { DEFAULT_NORMALIZE_LIMITS } from '../../normalize/types.ts';
import type { Analysis } from './index.ts';

/**
 * Window length, in counted units (see `isCounted`). A text with at most this many is scored whole,
 * exactly as before locality existed. Measured (README.md, "Long texts"): with the rules of the
 * start of session 7, the BIPIA contexts joined into one text were still blocked with windows of 8 K
 * and more (two weak cues 7.2 K characters apart in neighbouring documents), allowed with 6 K and
 * less; at 6 K no long attack item of the evaluation drops below block level.
 */
export const WINDOW_UNITS = 6_144;
/**
 * Overlap of consecutive windows, in counted units: any stretch of at most this many units lies
 * whole in some window. Most matches are far shorter, but the separators between a pattern's words
 * are unbounded, so one match can be longer than this; a family whose best hit is longer than
 * LONG_MATCH view characters therefore stays document-level (see worstPlace).
 */
export const OVERLAP_UNITS = 3_072;
/** How far a window edge moves to reach a line start (or, failing that, a space). */
const SNAP_LINE = 512;
const SNAP_SPACE = 64;

/** Whitespace as normalize/fold.ts counts it (kept here: this runs once per character of a long text). */
function isSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** The nonspacing marks that folding strips (same blocks as normalize/fold.ts). */
function isStrippedMark(c: number): boolean {
  return (c >= 0x300 && c <= 0x36f) || (c >= 0x1ab0 && c <= 0x1aff) || (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe20 && c <= 0xfe2f);
}

/**
 * A code unit that survives folding as at least one character: not whitespace (runs collapse to one
 * space), not a stripped mark, not the second half of a surrogate pair, not an invisible character,
 * not a conjoining Hangul jamo (three may compose into one syllable). Counting these instead of
 * characters means padding an attack with spaces, marks or invisible characters cannot stretch it
 * across a window edge. (Not counting a character only makes windows longer.)
 */
function isCounted(c: number): boolean {
  if (c < 0x80) return c > 0x20;
  if (isSpace(c) || isStrippedMark(c)) return false;
  if (c >= 0xdc00 && c <= 0xdfff) return false;
  if ((c >= 0x1100 && c <= 0x11ff) || (c >= 0xa960 && c <= 0xa97f) || (c >= 0xd7b0 && c <= 0xd7ff)) return false; // conjoining jamo
  if (c === 0xdb40) return false; // high surrogate of the tag and variation-selector planes
  return classifyInvisible(c) === null;
}

/**
 * Cuts a text into windows of WINDOW_UNITS counted units that overlap by OVERLAP_UNITS, as [start, end)
 * character offsets in text order. Edges move outwards to a line start (or a space) when one is
 * near, so anchored patterns see real line starts; moving outwards only widens the overlap.
 */
export function windowsOf(text: string, window = WINDOW_UNITS, overlap = OVERLAP_UNITS): [number, number][] {
  const step = window - overlap;
  // offsets of every step-th counted unit: window k runs from mark k to mark k + window/step
  const marks: number[] = [0];
  const n = text.length;
  let units = 0;
  let next = step;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 ? c <= 0x20 : !isCounted(c)) continue;
    if (units === next) {
      marks.push(i);
      next += step;
    }
    units++;
  }
  const per = Math.ceil(window / step);
  const out: [number, number][] = [];
  for (let k = 0; k < marks.length; k++) {
    const s = snapStart(text, marks[k] as number);
    const endMark = marks[k + per];
    const e = endMark === undefined ? text.length : snapEnd(text, endMark);
    out.push([s, e]);
    if (endMark === undefined) break;
  }
  return out;
}

function snapStart(text: string, at: number): number {
  if (at === 0) return 0;
  for (let i = at; i > 0 && at - i <= SNAP_LINE; i--) if (text.charCodeAt(i - 1) === 0x0a) return i;
  for (let i = at; i > 0 && at - i <= SNAP_SPACE; i--) if (isSpace(text.charCodeAt(i - 1))) return i;
  return at;
}

function snapEnd(text: string, at: number): number {
  const n = text.length;
  for (let i = at; i < n && i - at <= SNAP_LINE; i++) if (text.charCodeAt(i) === 0x0a) return i;
  for (let i = at; i < n && i - at <= SNAP_SPACE; i++) if (isSpace(text.charCodeAt(i))) return i;
  return Math.min(n, at);
}

/**
 * The text windows are cut from: the clean view, or, when the raw text has zero-width or bidi
 * characters, the raw text with those kept (as U+200B, counted by the window's own preparation)
 * and everything else cleaned the same way (ANSI escapes, tag and variation-selector characters
 * removed, NFKC). Invisible characters are then located: they boost only the window they are in.
 */
export function windowSource(prepared: Prepared, signals: EvasionSignals): string {
  if (signals.zeroWidth + signals.bidi === 0) return prepared.clean;
  const raw = prepared.raw.includes('\u001b') ? stripAnsi(prepared.raw) : prepared.raw;
  const parts: string[] = [];
  let last = 0;
  forEachInvisible(raw, (cls, _cp, at, width) => {
    parts.push(raw.slice(last, at));
    if (cls === 'zeroWidth' || cls === 'bidi') parts.push('\u200b');
    last = at + width;
  });
  parts.push(raw.slice(last));
  return parts.join('').normalize('NFKC');
}

const NO_LAYERS: readonly DecodedLayer[] = Object.freeze([]);

/**
 * A prepared text without decoding: for a window of a decoded layer, whose nested layers are
 * places of their own (every layer of the whole text is in Prepared.layers).
 */
export function undecoded(text: string): Prepared {
  const p = prepare(text);
  return {
    raw: p.raw,
    get clean() {
      return p.clean;
    },
    get folded() {
      return p.folded;
    },
    get leet() {
      return p.leet;
    },
    layers: NO_LAYERS,
    get signals() {
      return p.signals;
    },
    decodeTruncated: false,
  };
}

/** Encodings that decode spans of a text (joined into one layer), not the text as a whole. */
const SPAN_ENCODINGS: ReadonlySet<string> = new Set(['base64', 'base64url', 'hex', 'base32', 'letter-spacing', 'rot13', 'reversed']);

/** Text smuggled in invisible characters stays document-level (see README.md). */
export function isSmuggledLayer(layer: DecodedLayer): boolean {
  return layer.chain.includes('unicode-tags');
}

/**
 * Layers that windows of the text may not hold whole: anything decoded from a span (a base64 run can
 * be longer than a window's overlap and be cut in every window). Whole-text decodings (URL, entities,
 * JSON escapes) are local rewrites, so each window decodes its own part of them.
 */
export function isSpanLayer(layer: DecodedLayer): boolean {
  return !isSmuggledLayer(layer) && layer.chain.some((e) => SPAN_ENCODINGS.has(e));
}

/** What the orchestration needs from index.ts (passed in: index.ts imports this module). */
export interface LocalityDeps {
  /** Scores one prepared text as a whole, every hit's chain prefixed with `chain`. */
  readonly run: (prepared: Prepared, chain: readonly string[]) => Analysis;
  /** Joins a place's result with the document-level one. */
  readonly join: (place: Analysis, doc: Analysis) => Analysis;
  /**
   * Where in each view of the text a rule that matched somewhere can match at all (the prefilter's
   * chunks from the whole-text pass, per view in that view's coordinates; null: that view has no
   * pass of its own), or null when unknown or when a decoded layer held evidence (layers are not
   * located in the text). A window that meets none of them can hold no evidence the whole text
   * analysis saw, and is not analysed again.
   */
  readonly present: PresentChunks | null;
}

type Chunks = readonly (readonly [number, number])[];

export interface PresentChunks {
  readonly folded: Chunks;
  readonly plain: Chunks | null;
  readonly clean: Chunks | null;
}

/**
 * The score of a long text by locality: the worst of its places, where a place is a window of the
 * text (with the layers decoded from that window) or a window of a layer decoded from a span; the
 * document-level evidence (smuggled text, its tag count) joins every place. Places are read in
 * order; the search ends at the first place that scores as high as the whole text (then the result
 * is `whole`: locality never raises a score) or that is critical (no place can raise the severity;
 * the score reported is then that place's, possibly below the worst critical one).
 */
export function worstPlace(prepared: Prepared, signals: EvasionSignals, whole: Analysis, maxLayers: number, deps: LocalityDeps): Analysis {
  const source = windowSource(prepared, signals);
  const windows = windowsOf(source);
  // at most one window's worth of counted units: the text is short, whatever its length in characters
  if (windows.length <= 1) return whole;
  let doc: Analysis | null = null;
  if (signals.tags > 0 || signals.variationSelectors >= 8) {
    const smuggled = prepared.layers.slice(0, maxLayers).filter(isSmuggledLayer);
    const docPrepared: Prepared = {
      raw: prepared.raw,
      clean: '',
      folded: '',
      leet: '',
      layers: smuggled,
      signals: { zeroWidth: 0, bidi: 0, tags: signals.tags, variationSelectors: signals.variationSelectors, confusables: 0, combining: 0 },
      decodeTruncated: false,
    };
    doc = deps.run(docPrepared, []);
  }
  // a match longer than half the overlap in view characters may span more than the overlap in counted
  // units (a folded character can come from two): no window may hold it, so it stays document-level
  const long = whole.families.filter((f) => f.best.text.length > LONG_MATCH);
  if (long.length > 0) {
    const l: Analysis = { score: 0, severity: null, families: long };
    const longDoc = deps.join(l, l);
    doc = doc === null ? longDoc : deps.join(doc, longDoc);
  }
  let worst: Analysis | null = doc;
  /** True when the search is over: a place scored as high as the whole text, or reached critical. */
  const consider = (a: Analysis): boolean => {
    const joined = doc === null ? a : deps.join(a, doc);
    if (worst === null || joined.score > worst.score) worst = joined;
    return worst.score >= whole.score || worst.severity === 'critical';
  };
  const done = (): Analysis => (worst === null || worst.score >= whole.score ? whole : worst);
  const skip = deps.present !== null ? emptyWindows(source, windows, deps.present, source !== prepared.clean) : null;
  // a window decodes no deeper than the whole text could (no more layers, its share of the decoded
  // characters): every layer of the whole text is also a place of its own below
  const layerCap = Math.max(1, Math.min(maxLayers, prepared.layers.length));
  for (const [k, [s, e]] of windows.entries()) {
    if (skip?.[k] === true) continue;
    const share = Math.ceil((DEFAULT_NORMALIZE_LIMITS.maxDecodedChars * (e - s)) / source.length) + 65_536;
    const p = prepare(source.slice(s, e), { ...DEFAULT_NORMALIZE_LIMITS, maxLayers: layerCap, maxDecodedChars: share });
    if (consider(deps.run(p, []))) return done();
  }
  // a fenced code block longer than the overlap is one place, with the lines that introduce it: its
  // capabilities combine across the whole block, and with a directive to insert it
  for (const [s, e] of longCodeBlocks(source)) {
    if (consider(deps.run(prepare(source.slice(s, e), { ...DEFAULT_NORMALIZE_LIMITS, maxLayers: layerCap }), []))) return done();
  }
  for (const layer of prepared.layers.slice(0, maxLayers)) {
    if (!isSpanLayer(layer)) continue;
    const text = layer.clean;
    const cuts: [number, number][] = text.length <= WINDOW_UNITS ? [[0, text.length]] : windowsOf(text);
    for (const [s, e] of cuts) {
      if (consider(deps.run(undecoded(text.slice(s, e)), layer.chain))) return done();
    }
  }
  return done();
}

/** Slack, in view characters, around a window's range in a view when testing it against the chunks. */
const SLACK = 16;
/** Further slack per window edge when a view's offsets are summed from pieces folded one by one. */
const SLACK_PER_EDGE = 4;

/** Most zero-width markers in a window source for which windows are still skipped (each may shift offsets by one). */
const MAX_MARKERS = 2048;

/**
 * Per window of `text`: true when its range in each view meets none of that view's chunks, so no
 * rule that matched in the whole text can match in it. `text` is the clean view, or (`marked`) the
 * clean view with U+200B where zero-width and bidi characters were (see windowSource). For an ASCII
 * clean text the folded view is the text lower-cased with each whitespace run collapsed to one
 * space and the ends trimmed, counted exactly in one pass; otherwise each stretch between window
 * edges is folded on its own and the lengths summed, which may be off by a couple of characters per
 * edge (a whitespace run or a composition across the cut: SLACK_PER_EDGE), and by one per marker
 * (a composition the marker prevented). Past MAX_MARKERS nothing is skipped. Linear: one pass, or
 * one fold, over the text.
 */
export function emptyWindows(text: string, windows: readonly (readonly [number, number])[], present: PresentChunks, marked = false): boolean[] {
  const edges = [...new Set(windows.flatMap(([s, e]) => [s, e]))].sort((a, b) => a - b);
  const ascii = !marked && isAscii(text);
  const pieces = ascii ? null : piecesOf(text, edges, marked);
  if (pieces !== null && pieces.markers > MAX_MARKERS) return windows.map(() => false);
  const clean = pieces === null ? null : offsets(edges, pieces.clean.map((p) => p.length));
  const folded = pieces === null ? collapsedOffsets(text, edges) : offsets(edges, pieces.clean.map((p) => foldText(p).folded.length));
  const plain = present.plain === null ? null : pieces === null ? folded : offsets(edges, pieces.clean.map((p) => collapseWhitespace(p.toLowerCase()).length));
  const index = new Map(edges.map((e, k) => [e, k]));
  return windows.map(([s, e]) => {
    const drift = pieces === null ? 0 : (pieces.markersBefore.get(e) ?? pieces.markers);
    const slack = SLACK + drift + (pieces === null ? 0 : SLACK_PER_EDGE * ((index.get(e) ?? edges.length) + 1));
    const meets = (chunks: Chunks, at: ReadonlyMap<number, number> | null, pad: number): boolean =>
      meetsAny(chunks, (at === null ? s : (at.get(s) ?? 0)) - pad, (at === null ? e : (at.get(e) ?? Number.MAX_SAFE_INTEGER)) + pad);
    if (meets(present.folded, folded, slack)) return false;
    if (present.plain !== null && meets(present.plain, plain, slack)) return false;
    if (present.clean !== null && meets(present.clean, clean, SLACK + drift)) return false;
    return true;
  });
}

/** The stretches of `text` between consecutive edges, without markers, and the markers counted up to each edge. */
function piecesOf(text: string, edges: readonly number[], marked: boolean): { clean: string[]; markers: number; markersBefore: Map<number, number> } {
  const clean: string[] = [];
  const markersBefore = new Map<number, number>();
  let markers = 0;
  let prev = 0;
  for (const edge of edges) {
    let piece = text.slice(prev, edge);
    if (marked && piece.includes('\u200b')) {
      const parts = piece.split('\u200b');
      markers += parts.length - 1;
      piece = parts.join('');
    }
    clean.push(piece);
    markersBefore.set(edge, markers);
    prev = edge;
  }
  return { clean, markers, markersBefore };
}

/** Offsets of each edge given the view length of each stretch before it. */
function offsets(edges: readonly number[], lengths: readonly number[]): Map<number, number> {
  const at = new Map<number, number>();
  let f = 0;
  edges.forEach((edge, k) => {
    f += lengths[k] ?? 0;
    at.set(edge, f);
  });
  return at;
}

/** True when some chunk (sorted, disjoint) overlaps [from, to). */
function meetsAny(chunks: Chunks, from: number, to: number): boolean {
  let lo = 0;
  let hi = chunks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((chunks[mid] as readonly [number, number])[1] <= from) lo = mid + 1;
    else hi = mid;
  }
  const chunk = chunks[lo];
  return chunk !== undefined && chunk[0] < to;
}

/** Offsets in the collapsed view of an ASCII text (each whitespace run one space, leading run trimmed) of each edge. */
function collapsedOffsets(text: string, edges: readonly number[]): Map<number, number> {
  const at = new Map<number, number>();
  let f = 0;
  let i = 0;
  let prevSpace = true;
  for (const edge of edges) {
    for (; i < edge; i++) {
      const c = text.charCodeAt(i);
      const space = c === 0x20 || (c >= 0x09 && c <= 0x0d);
      if (!space || !prevSpace) f++;
      prevSpace = space;
    }
    at.set(edge, f);
  }
  return at;
}

/** Most characters of one code-block place; a longer block is read as windows only. */
const MAX_BLOCK = 256 * 1024;
/** How far before an opening fence its introduction is looked for. */
const INTRO = 512;

/** [start, end) of each fenced code block (``` or ~~~ lines) longer than the window overlap (it may lie in no window), with up to INTRO characters before it. Linear. */
export function longCodeBlocks(text: string): [number, number][] {
  const out: [number, number][] = [];
  let open = -1;
  for (let i = 0; i < text.length; ) {
    const nl = text.indexOf('\n', i);
    const end = nl < 0 ? text.length : nl + 1;
    let j = i;
    while (j < end && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09)) j++;
    if (text.startsWith('```', j) || text.startsWith('~~~', j)) {
      if (open < 0) open = i;
      else {
        if (end - open > OVERLAP_UNITS && end - open <= MAX_BLOCK) out.push([Math.max(0, open - INTRO), end]);
        open = -1;
      }
    }
    i = end;
  }
  return out;
}

/**
 * A match longer than this, in view characters, is document-level evidence: it may span more than
 * the overlap in counted units (half of it: a folded character can come from two units), and
 * inside a window its core may cross the prefilter's 4 KiB chunk edge (chunks overlap by 256).
 */
const LONG_MATCH = 256;
