// BIP-39 seed-phrase detection: one linear pass tokenises the text into runs of consecutive English
// BIP-39 words (separated by spaces, commas, newlines, quotes or list numbering), then windows of
// 12/15/18/21/24 words are checksum-tested: a fast index-based check first, @scure/bip39 to confirm.
// Each valid window is described by the shape of its run (separators, numbering, a comma list in
// prose, words naming a phrase before it) so the scanner can tell a phrase from a list of words
// that passes the checksum by chance (1 in 16 for 12 words).
import { validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { re } from '../../re/index.ts';

export const MNEMONIC_SIZES: readonly number[] = [24, 21, 18, 15, 12];

/**
 * BIP-39 words are unique in their first four letters, so a token is looked up by those letters packed
 * 5 bits each (an integer; the three letters of a 3-letter word pack below any four) in a small
 * open-addressing table, then checked against the rest of the word. No string is made per token.
 */
const SLOTS = 8192;
const SLOT_KEY = new Int32Array(SLOTS).fill(-1);
/** The word's letters after the fourth, packed like the key, with its length in the low 4 bits. */
const SLOT_REST = new Int32Array(SLOTS);
const SLOT_WORD = new Int16Array(SLOTS);

function slotOf(key: number): number {
  return Math.imul(key, 0x9e3779b1) >>> 19; // 13 bits
}

wordlist.forEach((w, i) => {
  let key = 0;
  for (let k = 0; k < w.length && k < 4; k++) key = key * 32 + (w.charCodeAt(k) - 0x60);
  let rest = 0;
  for (let k = 4; k < w.length; k++) rest = rest * 32 + (w.charCodeAt(k) - 0x60);
  let slot = slotOf(key);
  while (SLOT_KEY[slot] !== -1) slot = (slot + 1) & (SLOTS - 1);
  SLOT_KEY[slot] = key;
  SLOT_REST[slot] = rest * 16 + w.length;
  SLOT_WORD[slot] = i;
});

/** The BIP-39 index of the letter token text[start, end) (any case), or -1. Callers pass letters only. */
function wordIndex(text: string, start: number, end: number): number {
  const len = end - start;
  if (len < 3 || len > 8) return -1;
  // (c | 0x20) - 0x60 maps both cases of a letter to 1..26.
  let key = ((text.charCodeAt(start) | 0x20) - 0x60) * 1024 + ((text.charCodeAt(start + 1) | 0x20) - 0x60) * 32 + ((text.charCodeAt(start + 2) | 0x20) - 0x60);
  if (len > 3) key = key * 32 + ((text.charCodeAt(start + 3) | 0x20) - 0x60);
  let slot = Math.imul(key, 0x9e3779b1) >>> 19; // slotOf, inline
  for (;;) {
    const k = SLOT_KEY[slot]!;
    if (k === key) break;
    if (k === -1) return -1;
    slot = (slot + 1) & (SLOTS - 1);
  }
  let rest = 0;
  for (let k = start + 4; k < end; k++) rest = rest * 32 + ((text.charCodeAt(k) | 0x20) - 0x60);
  return SLOT_REST[slot] === rest * 16 + len ? SLOT_WORD[slot]! : -1;
}

export interface SeedWord {
  readonly index: number; // position in the BIP-39 list
  readonly start: number; // UTF-16 offsets in the text
  readonly end: number;
  /** The gap before this word had a list number (`3.`, `3)`, `#3`). */
  readonly numbered: boolean;
  /** The gap before this word had a line break or a comma (a list, not a sentence). */
  readonly listGap: boolean;
  /** The separators in the gap before this word (a mask of GAP_* below; GAP_NONE for a run's first word). */
  readonly gap: number;
}

export interface SeedRun {
  readonly words: readonly SeedWord[];
}

/**
 * The separators in the gap between two words, as a mask (0 before a run's first word): the style of
 * a layout. Blanks count only when the gap holds nothing else, so `a, b` and `a,b` differ from `a b`
 * but `a. b` and `a.b` do not.
 */
export const GAP_NONE = 0;
export const GAP_DIGIT = 1; // a list number (`3.`, `3)`, `#3`)
export const GAP_NEWLINE = 2;
export const GAP_QUOTE = 4; // `", "` in a JSON array or a quoted list
export const GAP_COMMA = 8;
export const GAP_STOP = 16; // `.`, `:`, `;`, `-`, `/`, `|`, brackets, `•`…
export const GAP_BLANK = 32; // only blanks

export interface SeedHit {
  readonly start: number;
  readonly end: number;
  readonly words: number;
  /** How many words of the run lie outside the checksum-valid window. */
  readonly extra: number;
  /** Most gaps in the window were list-like (numbers, new lines, commas). */
  readonly listLike: boolean;
  /** The words are in wordlist (alphabetical) order: an excerpt of the list itself, not a phrase. */
  readonly sorted: boolean;
  /** Every word of the window but perhaps the first carries a list number. */
  readonly numbered: boolean;
  /**
   * Each end of the window is an end of its run, or a gap of another style than the window's own
   * (`safe. Abandon …`, `backup:\nabandon, …`): the phrase stands apart from the words around it.
   */
  readonly setApart: boolean;
  /**
   * The run is a comma list inside a line of prose (`Posted in: abandon, ability, …, and more`):
   * the shape of tags and keyword lists, whose 12+ words pass the checksum often by chance.
   */
  readonly inlineList: boolean;
  /** Words naming a recovery phrase (`seed`, `mnemonic`, `recovery`, `wallet`, `24 words`…) just before the window. */
  readonly named: boolean;
}

export interface SeedUnverified {
  readonly start: number;
  readonly end: number;
  readonly words: number;
  readonly listLike: boolean;
  readonly sorted: boolean;
  readonly inlineList: boolean;
}

export interface SeedScanResult {
  readonly hits: readonly SeedHit[];
  /** Runs of ≥ 12 BIP-39 words with no checksum-valid window. */
  readonly unverified: readonly SeedUnverified[];
  /**
   * True when a budget ran out before the whole text was read: the letter tokens the tokenizer may
   * examine, or the checksum tests. The caller must then treat the text as not fully inspected.
   */
  readonly truncated: boolean;
}

const LETTER = 1;
const GAP = 2;
/** Classes of the characters below U+0080: LETTER (a–z, A–Z), GAP (allowed between two words of a phrase), 0. */
const CLASS = new Uint8Array(128);
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = LETTER;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = LETTER;
for (const ch of ' \t\n\r0123456789,.;:()[]{}"\'`|-_/#*') CLASS[ch.charCodeAt(0)] = GAP;
const BULLET = 0x2022; // •, the one separator outside ASCII

/** LETTER, GAP or 0 for a UTF-16 code unit. */
function classOf(c: number): number {
  return c < 128 ? CLASS[c]! : c === BULLET ? GAP : 0;
}

function isLetter(c: number): boolean {
  return c < 128 && CLASS[c] === LETTER;
}

/** Characters allowed between two words of a phrase. */
function isGapChar(c: number): boolean {
  return classOf(c) === GAP;
}

const MAX_GAP = 12;

/** The GAP_* bit of one separator character (0 for a blank). */
function gapSeparator(g: number): number {
  if (g >= 0x30 && g <= 0x39) return GAP_DIGIT;
  if (g === 0x0a || g === 0x0d) return GAP_NEWLINE;
  if (g === 0x22 || g === 0x27 || g === 0x60) return GAP_QUOTE;
  if (g === 0x2c) return GAP_COMMA;
  return g === 0x20 || g === 0x09 ? 0 : GAP_STOP;
}

/** A letter token that can be a phrase word: a BIP-39 word not glued to a non-separator (`word@x`, `café`). */
function isPhraseWord(text: string, start: number, end: number): boolean {
  return wordIndex(text, start, end) >= 0 && (end >= text.length || isGapChar(text.charCodeAt(end)));
}

/** The run being built, in parallel arrays reused across runs. */
interface RunBuffer {
  readonly idx: number[];
  readonly starts: number[];
  readonly ends: number[];
  /** Bit 0: numbered, bit 1: listGap, bits 2-7: the gap's separators (GAP_*). */
  readonly flags: number[];
  count: number;
}

/** Keeps the buffered run when it is long enough, then empties the buffer. */
function flushRun(cur: RunBuffer, minWords: number, runs: SeedRun[]): void {
  if (cur.count >= minWords) {
    const words: SeedWord[] = new Array(cur.count);
    for (let k = 0; k < cur.count; k++) {
      const f = cur.flags[k]!;
      words[k] = { index: cur.idx[k]!, start: cur.starts[k]!, end: cur.ends[k]!, numbered: (f & 1) !== 0, listGap: (f & 2) !== 0, gap: k === 0 ? GAP_NONE : f >>> 2 };
    }
    runs.push({ words });
  }
  cur.count = 0;
}

interface Budget {
  /** Letter tokens the exact tokenizer may still examine. */
  left: number;
}

/**
 * The exact tokenizer over text[from, to), where `from` is not inside a letter token and `to` is the
 * start of a breaker (see candidateRegions) or the end of the text, so no run crosses either end.
 */
function tokenizeRegion(text: string, from: number, to: number, minWords: number, budget: Budget, runs: SeedRun[]): void {
  // The current run is kept in reused parallel arrays; SeedWord objects are made only for runs kept.
  const cur: RunBuffer = { idx: [], starts: [], ends: [], flags: [], count: 0 };
  // End of the letter token before `from`; only its distance matters when it is within MAX_GAP.
  let prevEnd = -1;
  for (let j = from - 1; j >= 0 && j >= from - MAX_GAP - 1; j--) {
    if (isLetter(text.charCodeAt(j))) {
      prevEnd = j + 1;
      break;
    }
  }
  const n = text.length;
  let i = from;
  while (i < to && budget.left > 0) {
    const c = text.charCodeAt(i);
    if (!isLetter(c)) {
      i++;
      continue;
    }
    const start = i;
    i++;
    while (i < n && isLetter(text.charCodeAt(i))) i++;
    const end = i;
    budget.left--;
    const pe = prevEnd;
    prevEnd = end;
    const w = wordIndex(text, start, end);
    // A token glued to a non-separator (`word@x`, `café`) is not a phrase word.
    if (w < 0 || (end < n && !isGapChar(text.charCodeAt(end)))) {
      flushRun(cur, minWords, runs);
      continue;
    }
    // Gap since the previous token: must be short and made of separators only.
    let f = 0;
    let gapOk = pe >= 0 && start - pe <= MAX_GAP;
    let seps = 0;
    if (gapOk) {
      for (let j = pe; j < start; j++) {
        const g = text.charCodeAt(j);
        if (!isGapChar(g)) {
          gapOk = false;
          break;
        }
        if (g >= 0x30 && g <= 0x39) f |= 1;
        else if (g === 0x0a || g === 0x0d || g === 0x2c || g === 0x7c || g === 0x3b) f |= 2;
        seps |= gapSeparator(g);
      }
    }
    f |= (seps === 0 ? GAP_BLANK : seps) << 2;
    if (!gapOk && cur.count > 0) flushRun(cur, minWords, runs);
    const k = cur.count++;
    cur.idx[k] = w;
    cur.starts[k] = start;
    cur.ends[k] = end;
    cur.flags[k] = f;
  }
  flushRun(cur, minWords, runs);
}

/**
 * Tokenizes exactly (tokenizeRegion) the stretches of text that may hold a run spanning ≥ `span` characters.
 * A run's span (first word's start to last word's end) holds only letters and separators, and each
 * letter token in it is a phrase word; anything else is a "breaker" no run crosses. For each window
 * of `span` characters the last breaker is sought from the window's end, token by token, and the
 * search resumes after it, so ordinary prose is crossed a few tokens per window without tokenising
 * all of it. A window with no breaker starts a region, which extends to the next breaker.
 */
function candidateRegions(text: string, span: number, minWords: number, budget: Budget, runs: SeedRun[]): void {
  // The character tests are written out inline: this loop crosses whole bodies, and until the JIT
  // has optimised it every helper call costs more than the test itself.
  const n = text.length;
  let lo = 0; // no run starts in [0, lo) outside the regions already reported; text[lo] is not mid-token
  while (lo + span <= n) {
    let breakEnd = -1;
    let p = lo + span - 1;
    // The end of the token through p: found by reading forward for the first one only; walking back,
    // a letter met after separators is the last letter of its token.
    let end = p + 1;
    while (end < n && ((text.charCodeAt(end) | 0x20) - 0x61) >>> 0 < 26) end++;
    while (p >= lo) {
      const c = text.charCodeAt(p);
      if (((c | 0x20) - 0x61) >>> 0 < 26) {
        let s = p;
        while (s > lo && ((text.charCodeAt(s - 1) | 0x20) - 0x61) >>> 0 < 26) s--;
        if (wordIndex(text, s, end) < 0 || (end < n && !isGapChar(text.charCodeAt(end)))) {
          breakEnd = end;
          break;
        }
        p = s - 1;
      } else if (c < 128 ? CLASS[c] === GAP : c === BULLET) p--;
      else {
        breakEnd = p + 1;
        break;
      }
      end = p + 1;
    }
    if (breakEnd >= 0) {
      lo = breakEnd;
      continue;
    }
    // No breaker in [lo, lo + span): a run may start here; the region runs to the next breaker.
    let q = lo;
    let to = n;
    let next = n;
    while (q < n) {
      const k = classOf(text.charCodeAt(q));
      if (k === LETTER) {
        let e = q + 1;
        while (e < n && isLetter(text.charCodeAt(e))) e++;
        if (!isPhraseWord(text, q, e)) {
          to = q;
          next = e;
          break;
        }
        q = e;
      } else if (k === GAP) q++;
      else {
        to = q;
        next = q + 1;
        break;
      }
    }
    tokenizeRegion(text, lo, to, minWords, budget, runs);
    if (budget.left <= 0) return;
    lo = next;
  }
}

/**
 * Splits text into runs of ≥ minWords consecutive BIP-39 words. Linear; at most maxWords letter
 * tokens are tokenised exactly (text that cannot hold a run is skipped, not counted).
 */
export function bip39Runs(text: string, minWords = 12, maxWords = 50_000): SeedRun[] {
  return seedRuns(text, minWords, maxWords).runs;
}

/** bip39Runs, and whether the token budget lasted to the end of the text. */
function seedRuns(text: string, minWords: number, maxWords: number): { runs: SeedRun[]; complete: boolean } {
  const runs: SeedRun[] = [];
  const budget: Budget = { left: maxWords };
  if (!(minWords >= 1)) {
    tokenizeRegion(text, 0, text.length, minWords, budget, runs);
    return { runs, complete: budget.left > 0 };
  }
  // Each word has ≥ 3 letters and is followed by a separator.
  const span = Math.ceil(minWords) * 4 - 1;
  if (text.length < span) return { runs, complete: true };
  candidateRegions(text, span, minWords, budget, runs);
  return { runs, complete: budget.left > 0 };
}

/** BIP-39 checksum from word indices alone (no string work): the first W/3 bits of SHA-256(entropy). */
export function checksumOk(indices: readonly number[], from: number, count: number): boolean {
  if (count % 3 !== 0 || count < 12 || count > 24 || from < 0 || from + count > indices.length) return false;
  const csBits = count / 3; // 4..8
  const entBytes = (count * 11 - csBits) / 8;
  // All 11·W bits, most significant first, fit in entBytes + 1 bytes (the last holds the checksum).
  const bytes = new Uint8Array(entBytes + 1);
  let bit = 0;
  for (let k = 0; k < count; k++) {
    const v = indices[from + k]!;
    for (let b = 10; b >= 0; b--, bit++) {
      if ((v >>> b) & 1) bytes[bit >>> 3]! |= 0x80 >>> (bit & 7);
    }
  }
  const checksum = bytes[entBytes]! >>> (8 - csBits);
  const hash = sha256(bytes.subarray(0, entBytes));
  return hash[0]! >>> (8 - csBits) === checksum;
}

/** True when indices[from, from+count) strictly increase (a random phrase does with odds 1 in count!). */
function ascending(indices: readonly number[], from: number, count: number): boolean {
  for (let k = from + 1; k < from + count; k++) if (indices[k - 1]! >= indices[k]!) return false;
  return count > 1;
}

/** The most common gap (separator mask) among words[from+1, to), the gaps inside that stretch. */
function ownStyle(words: readonly SeedWord[], from: number, to: number): number {
  const counts = new Uint8Array(64);
  let best = GAP_BLANK;
  for (let k = from + 1; k < to; k++) {
    const g = words[k]!.gap;
    counts[g]!++;
    if (counts[g]! > counts[best]!) best = g;
  }
  return best;
}

/** How far (characters) prose on the same line is looked for around a comma list. */
const LINE_REACH = 200;

/** Whether a letter stands on the same line as text[from, to), within LINE_REACH characters of it. */
function proseOnLine(text: string, from: number, to: number): boolean {
  for (let j = from - 1; j >= 0 && j >= from - LINE_REACH; j--) {
    const c = text.charCodeAt(j);
    if (c === 0x0a || c === 0x0d) break;
    if (((c | 0x20) - 0x61) >>> 0 < 26) return true;
  }
  for (let j = to; j < text.length && j < to + LINE_REACH; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x0a || c === 0x0d) break;
    if (((c | 0x20) - 0x61) >>> 0 < 26) return true;
  }
  return false;
}

/** A run that is a comma list (most gaps a comma on one line) with prose on its line. */
function isInlineList(text: string, words: readonly SeedWord[]): boolean {
  let commas = 0;
  for (let k = 1; k < words.length; k++) if (words[k]!.gap === GAP_COMMA) commas++;
  return commas * 2 > words.length - 1 && proseOnLine(text, words[0]!.start, words[words.length - 1]!.end);
}

/** How far (characters) before a window words naming a phrase are looked for. */
const NAME_REACH = 120;
/** Words that name what a list of BIP-39 words is: a phrase's own vocabulary, not a topic list. */
const PHRASE_NAME = re(
  String.raw`\b(?:seed|mnemonic|recovery|pass ?phrase|(?:secret|backup|wallet) (?:phrase|words)|wallet|bip-?39|(?:12|15|18|21|24|twelve|fifteen|eighteen|twenty[- ]one|twenty[- ]four)[- ]words?)\b`,
  'i',
);

function namedBefore(text: string, start: number): boolean {
  return start > 0 && PHRASE_NAME.test(text.slice(Math.max(0, start - NAME_REACH), start));
}

/** The hit for the checksum-valid window words[i, i+size) of its run. */
function windowHit(text: string, words: readonly SeedWord[], indices: readonly number[], i: number, size: number, inlineList: boolean): SeedHit {
  const end = i + size;
  let listGaps = 0;
  let numberedWords = 0;
  for (let k = i + 1; k < end; k++) {
    if (words[k]!.numbered || words[k]!.listGap) listGaps++;
    if (words[k]!.numbered) numberedWords++;
  }
  const own = ownStyle(words, i, end);
  return {
    start: words[i]!.start,
    end: words[end - 1]!.end,
    words: size,
    extra: words.length - size,
    listLike: listGaps * 2 >= size - 1,
    sorted: ascending(indices, i, size),
    numbered: numberedWords >= size - 1,
    setApart: (i === 0 || words[i]!.gap !== own) && (end === words.length || words[end]!.gap !== own),
    inlineList,
    named: namedBefore(text, words[i]!.start),
  };
}

function strength(h: SeedHit): number {
  return h.named || h.numbered ? 2 : h.setApart ? 1 : 0;
}

/**
 * Finds checksum-valid BIP-39 phrases and long unverified word runs. At most `maxWindows` checksum
 * tests; windows whose words are in word-list order (an excerpt of the list itself, which the scanner
 * never reports) are not tested, so pasting the word list costs nothing and uses no budget.
 */
export function findSeedPhrases(text: string, maxWindows = 4096): SeedScanResult {
  const hits: SeedHit[] = [];
  const unverified: SeedUnverified[] = [];
  let budget = maxWindows;
  const { runs, complete } = seedRuns(text, 12, 50_000);
  let spent = false; // the checksum budget ran out
  for (const run of runs) {
    const words = run.words;
    const indices = words.map((w) => w.index);
    const inlineList = isInlineList(text, words);
    // ascendingFrom[k]: how many words from k on are in strictly increasing list order.
    const ascendingFrom = new Int32Array(words.length);
    for (let k = words.length - 1; k >= 0; k--) ascendingFrom[k] = k + 1 < words.length && indices[k]! < indices[k + 1]! ? ascendingFrom[k + 1]! + 1 : 1;
    // Every checksum-valid window is a candidate; overlapping ones are settled below, so a window that
    // passes by chance across the edge of a real phrase (1 in 16 do) does not hide it.
    const candidates: SeedHit[] = [];
    for (let i = 0; i + 12 <= words.length && !spent; i++) {
      for (const size of MNEMONIC_SIZES) {
        if (i + size > words.length) continue;
        if (ascendingFrom[i]! >= size) continue; // a word-list excerpt: never reported, so not tested
        if (budget <= 0) {
          spent = true;
          break;
        }
        budget--;
        if (!checksumOk(indices, i, size)) continue;
        const phrase = words
          .slice(i, i + size)
          .map((w) => wordlist[w.index]!)
          .join(' ');
        if (validateMnemonic(phrase, wordlist)) candidates.push(windowHit(text, words, indices, i, size, inlineList));
      }
    }
    const found = candidates.length > 0;
    // The best-evidenced windows first (named or numbered, then set apart), then the longest, then the first.
    candidates.sort((x, y) => strength(y) - strength(x) || y.words - x.words || x.start - y.start);
    const kept: SeedHit[] = [];
    for (const c of candidates) if (!kept.some((k) => k.start < c.end && c.start < k.end)) kept.push(c);
    kept.sort((x, y) => x.start - y.start);
    hits.push(...kept);
    if (!found) {
      let listGaps = 0;
      for (let k = 1; k < words.length; k++) if (words[k]!.numbered || words[k]!.listGap) listGaps++;
      unverified.push({
        start: words[0]!.start,
        end: words[words.length - 1]!.end,
        words: words.length,
        listLike: listGaps * 2 >= words.length - 1,
        sorted: ascending(indices, 0, words.length),
        inlineList,
      });
    }
    if (spent) break;
  }
  return { hits, unverified, truncated: spent || !complete };
}
