// The pieces a prose text gives: a key half inside a sentence ("here is part one: AKIAZ7QW4E", then
// "and the rest: RT5YUI6OPA" in the next message) is no whole-text fragment (fragmentOf takes texts
// without whitespace), so it would never be joined. The runs of credential characters in the text
// that look like data are taken instead: words are left out, which also puts two halves a few words
// apart next to each other in the joins. Pure string code, no regex: it reads every prose text an
// agent sends, so it is one pass over character codes and allocates only for the runs it keeps.
import { credentialPrefixOf } from '../../core/index.ts';

/**
 * What each ASCII character is in a run (0: a delimiter). Runs are printable ASCII except quotes,
 * brackets, commas, `*` and `\\`, which delimit words and markup in prose and occur in no credential
 * format split-secrets reads. Sentence punctuation (`.:;!?`) is in runs but says nothing about them.
 */
const DIGIT = 1;
const LOWER = 2;
const UPPER = 4;
const SYMBOL = 8;
const PUNCT = 16;
const CLASS = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) CLASS[c] = SYMBOL;
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = DIGIT;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = LOWER;
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = UPPER;
for (const ch of '.:;!?') CLASS[ch.charCodeAt(0)] = PUNCT;
for (const ch of '"\'`()[]{}<>,*\\') CLASS[ch.charCodeAt(0)] = 0;

/** Classes of which a run needs one to look like data (a run of lower-case letters and punctuation is a word). */
const MARKS = DIGIT | UPPER | SYMBOL;

function classOf(c: number): number {
  return c < 128 ? CLASS[c]! : 0;
}

/** All capitals of at least this many letters read as data (an AWS key id's half without a digit, 12% of them at 10 characters). */
const CAPITALS_MIN = 8;

/** Yes, no, or ask whether a credential prefix leads the run. */
const NO = 0;
const YES = 1;
const PREFIX = 2;

/** The verdict for a run by the classes it holds, its capitals and whether its first character is one. */
function judge(flags: number, upper: number, firstUpper: boolean): number {
  const lower = (flags & LOWER) !== 0;
  const letters = lower || upper > 0;
  if ((flags & DIGIT) !== 0) return letters ? YES : NO;
  if (lower && upper > (firstUpper ? 1 : 0)) return YES;
  if (!lower && upper >= CAPITALS_MIN) return YES;
  // Only capitals (shorter), or letters with symbols: a word unless a credential's prefix leads it.
  if (!letters || (lower && (flags & SYMBOL) === 0)) return NO;
  return PREFIX;
}

/**
 * Whether text[start, end) looks like data rather than a word: letters with digits (`RT5YUI6OPA`,
 * `x86_64`), letter case changing after the first character (`eHjKqPz`, `JavaScript`), all capitals
 * of CAPITALS_MIN letters or more, or, for the shapes words share, a credential prefix at its start
 * (`AKIA`, `glpat-ab`). Lower-case and capitalised words and plain numbers are not (an order number
 * next to another id must not become a key). The joined detectors need a credential's literal, so a
 * run kept here costs a little work, never a finding on its own.
 */
export function isDataRun(text: string, start: number, end: number): boolean {
  let flags = 0;
  let upper = 0;
  for (let i = start; i < end; i++) {
    const k = classOf(text.charCodeAt(i));
    flags |= k;
    if (k === UPPER) upper++;
  }
  return verdict(text, start, end, flags, upper);
}

function verdict(text: string, start: number, end: number, flags: number, upper: number): boolean {
  const v = judge(flags, upper, classOf(text.charCodeAt(start)) === UPPER);
  return v === YES || (v === PREFIX && credentialPrefixOf(text.slice(start, end)) !== '');
}

export interface ProseRunLimits {
  /** Shortest run kept. */
  readonly minLength: number;
  /** Longer runs keep their first and last half of this many characters (as fragments do). */
  readonly maxLength: number;
  /** Data-like runs kept from each end of one text; the middle of a text with more is not read. */
  readonly perEnd: number;
  /** Characters read from each end of one text (a run that crosses the mark is read whole); the middle of a longer text is not read. */
  readonly charsPerEnd: number;
}

function cut(text: string, start: number, end: number, max: number): string {
  if (end - start <= max) return text.slice(start, end);
  const half = Math.floor(max / 2);
  return text.slice(start, start + half) + text.slice(end - half, end);
}

/**
 * The run text[start, end) (classes `flags`, `upper` capitals) without its trailing sentence
 * punctuation, if it is long enough and looks like data; null otherwise.
 */
function keep(text: string, start: number, end: number, flags: number, upper: number, limits: ProseRunLimits): string | null {
  while (end > start && classOf(text.charCodeAt(end - 1)) === PUNCT) end--;
  if (end - start < limits.minLength || !verdict(text, start, end, flags, upper)) return null;
  return cut(text, start, end, limits.maxLength);
}

/**
 * The data-like runs of a prose text, in order: up to `perEnd` from its start and `perEnd` from its
 * end, within `charsPerEnd` characters of either end (a credential that crosses from one message into
 * the next ends one and starts the other; a long text full of ids or code would otherwise give
 * thousands, and reading a long text whole costs ~6 ns a character). Read once, character by
 * character, classes gathered as it goes.
 */
export function proseRuns(text: string, limits: ProseRunLimits): string[] {
  const head: string[] = [];
  const n = text.length;
  const min = limits.minLength;
  // One loop over the characters (a loop per run was several times slower on short texts).
  let start = -1;
  let flags = 0;
  let upper = 0;
  let i = 0;
  const headChars = limits.charsPerEnd;
  for (; i < n && head.length < limits.perEnd && (i < headChars || start >= 0); i++) {
    const c = text.charCodeAt(i);
    const k = c < 128 ? CLASS[c]! : 0;
    if (k !== 0) {
      if (start < 0) {
        start = i;
        flags = 0;
        upper = 0;
      }
      flags |= k;
      if (k === UPPER) upper++;
    } else if (start >= 0) {
      if (i - start >= min && (flags & MARKS) !== 0) {
        const run = keep(text, start, i, flags, upper, limits);
        if (run !== null) head.push(run);
      }
      start = -1;
    }
  }
  // The loop stops early only just after a delimiter, so a run still open reaches the end.
  if (start >= 0 && n - start >= min && (flags & MARKS) !== 0) {
    const run = keep(text, start, n, flags, upper, limits);
    if (run !== null) head.push(run);
  }
  if (i >= n) return head;
  // From the end back to where the forward read stopped (just after a delimiter: the two reads
  // never share a run).
  const tail: string[] = [];
  let end = -1;
  let j = n;
  const tailFrom = n - limits.charsPerEnd;
  for (; j > i && tail.length < limits.perEnd && (j > tailFrom || end >= 0); j--) {
    const c = text.charCodeAt(j - 1);
    const k = c < 128 ? CLASS[c]! : 0;
    if (k !== 0) {
      if (end < 0) {
        end = j;
        flags = 0;
        upper = 0;
      }
      flags |= k;
      if (k === UPPER) upper++;
    } else if (end >= 0) {
      if (end - j >= min && (flags & MARKS) !== 0) {
        const run = keep(text, j, end, flags, upper, limits);
        if (run !== null) tail.push(run);
      }
      end = -1;
    }
  }
  if (end >= 0 && end - j >= min && (flags & MARKS) !== 0) {
    const run = keep(text, j, end, flags, upper, limits);
    if (run !== null) tail.push(run);
  }
  for (let k = tail.length - 1; k >= 0; k--) head.push(tail[k]!);
  return head;
}
