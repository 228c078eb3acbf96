// BIP-39 seed-phrase detection: one linear pass tokenises the text into runs of consecutive English
// BIP-39 words (separated by spaces, commas, newlines, quotes or list numbering), then windows of
// 12/15/18/21/24 words are checksum-tested: a fast index-based check first, @scure/bip39 to confirm.
import { validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { sha256 } from '@noble/hashes/sha2.js';

export const MNEMONIC_SIZES: readonly number[] = [24, 21, 18, 15, 12];

/** Words keyed by their letters packed 5 bits each (≤ 8 letters → < 2^40, exact in a double): no string allocation per token. */
const WORD_INDEX = new Map<number, number>();
wordlist.forEach((w, i) => WORD_INDEX.set(packWord(w, 0, w.length), i));

function packWord(text: string, start: number, end: number): number {
  let key = 0;
  for (let i = start; i < end; i++) key = key * 32 + ((text.charCodeAt(i) | 0x20) - 0x60);
  return key;
}

export interface SeedWord {
  readonly index: number; // position in the BIP-39 list
  readonly start: number; // UTF-16 offsets in the text
  readonly end: number;
  /** The gap before this word had a list number (`3.`, `3)`, `#3`). */
  readonly numbered: boolean;
  /** The gap before this word had a line break or a comma (a list, not a sentence). */
  readonly listGap: boolean;
}

export interface SeedRun {
  readonly words: readonly SeedWord[];
}

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
}

export interface SeedScanResult {
  readonly hits: readonly SeedHit[];
  /** Runs of ≥ 12 BIP-39 words with no checksum-valid window. */
  readonly unverified: readonly { start: number; end: number; words: number; listLike: boolean; sorted: boolean }[];
  /** True when the window budget ran out before every run was tested. */
  readonly truncated: boolean;
}

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/** Characters allowed between two words of a phrase. */
function isGapChar(c: number): boolean {
  return (
    c === 0x20 ||
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0d ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2c || // ,
    c === 0x2e || // .
    c === 0x3b || // ;
    c === 0x3a || // :
    c === 0x28 ||
    c === 0x29 ||
    c === 0x5b ||
    c === 0x5d ||
    c === 0x7b ||
    c === 0x7d ||
    c === 0x22 ||
    c === 0x27 ||
    c === 0x60 ||
    c === 0x7c ||
    c === 0x2d ||
    c === 0x5f ||
    c === 0x2f ||
    c === 0x23 ||
    c === 0x2a ||
    c === 0x2022 // •
  );
}

const MAX_GAP = 12;

/** Splits text into runs of consecutive BIP-39 words; linear, bounded by maxWords. */
export function bip39Runs(text: string, minWords = 12, maxWords = 50_000): SeedRun[] {
  const runs: SeedRun[] = [];
  let run: SeedWord[] = [];
  let seen = 0;
  let prevEnd = -1; // end of the previous letter token (any word), -1 at start
  const flush = (): void => {
    if (run.length >= minWords) runs.push({ words: run });
    run = [];
  };
  let i = 0;
  const n = text.length;
  while (i < n && seen < maxWords) {
    const c = text.charCodeAt(i);
    if (!isLetter(c)) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isLetter(text.charCodeAt(i))) i++;
    const end = i;
    seen++;
    // Gap since the previous token: must be short and made of separators only.
    let numbered = false;
    let listGap = false;
    let gapOk = prevEnd >= 0 && start - prevEnd <= MAX_GAP;
    if (gapOk) {
      for (let j = prevEnd; j < start; j++) {
        const g = text.charCodeAt(j);
        if (!isGapChar(g)) {
          gapOk = false;
          break;
        }
        if (g >= 0x30 && g <= 0x39) numbered = true;
        else if (g === 0x0a || g === 0x0d || g === 0x2c || g === 0x7c || g === 0x3b) listGap = true;
      }
    }
    prevEnd = end;
    const len = end - start;
    const idx = len >= 3 && len <= 8 ? WORD_INDEX.get(packWord(text, start, end)) : undefined;
    // A token glued to a non-separator (`word@x`, `café`) is not a phrase word.
    const next = end < n ? text.charCodeAt(end) : 0x20;
    const cleanEnd = end >= n || isGapChar(next) || next === 0x20;
    if (idx === undefined || !cleanEnd) {
      flush();
      continue;
    }
    if (!gapOk && run.length > 0) flush();
    run.push({ index: idx, start, end, numbered, listGap });
  }
  flush();
  return runs;
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

/** Finds checksum-valid BIP-39 phrases and long unverified word runs. At most `maxWindows` checksum tests. */
export function findSeedPhrases(text: string, maxWindows = 4096): SeedScanResult {
  const hits: SeedHit[] = [];
  const unverified: { start: number; end: number; words: number; listLike: boolean; sorted: boolean }[] = [];
  let budget = maxWindows;
  let truncated = false;
  for (const run of bip39Runs(text)) {
    const words = run.words;
    const indices = words.map((w) => w.index);
    let found = false;
    let i = 0;
    while (i + 12 <= words.length) {
      let matched = 0;
      for (const size of MNEMONIC_SIZES) {
        if (i + size > words.length) continue;
        if (budget <= 0) {
          truncated = true;
          break;
        }
        budget--;
        if (!checksumOk(indices, i, size)) continue;
        const phrase = words
          .slice(i, i + size)
          .map((w) => wordlist[w.index]!)
          .join(' ');
        if (!validateMnemonic(phrase, wordlist)) continue;
        matched = size;
        break;
      }
      if (truncated) break;
      if (matched > 0) {
        const win = words.slice(i, i + matched);
        let listGaps = 0;
        for (let k = 1; k < win.length; k++) if (win[k]!.numbered || win[k]!.listGap) listGaps++;
        hits.push({
          start: win[0]!.start,
          end: win[win.length - 1]!.end,
          words: matched,
          extra: words.length - matched,
          listLike: listGaps * 2 >= matched - 1,
          sorted: ascending(indices, i, matched),
        });
        found = true;
        i += matched;
      } else i++;
    }
    if (!found) {
      let listGaps = 0;
      for (let k = 1; k < words.length; k++) if (words[k]!.numbered || words[k]!.listGap) listGaps++;
      unverified.push({
        start: words[0]!.start,
        end: words[words.length - 1]!.end,
        words: words.length,
        listLike: listGaps * 2 >= words.length - 1,
        sorted: ascending(indices, 0, words.length),
      });
    }
    if (truncated) break;
  }
  return { hits, unverified, truncated };
}
