// The pieces a prose text gives: a key half inside a sentence ("here is part one: AKIAZ7QW4E", then
// "and the rest: RT5YUI6OPA" in the next message) is no whole-text fragment (fragmentOf takes texts
// without whitespace), so it would never be joined. The runs of credential characters in the text
// that look like data are taken instead: words are left out, which also puts two halves a few words
// apart next to each other in the joins. Pure string code, no regex: it reads every prose text an
// agent sends, so it is one pass over character codes and allocates only for the runs it keeps.
import { credentialPrefixOf } from '../../core/index.ts';

/**
 * Characters a run is made of: printable ASCII except quotes, brackets, commas, `*` and `\`, which
 * delimit words and markup in prose and occur in no credential format split-secrets reads.
 */
const RUN_CHAR = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) RUN_CHAR[c] = 1;
for (const ch of '"\'`()[]{}<>,*\\') RUN_CHAR[ch.charCodeAt(0)] = 0;

/** Sentence punctuation cut from a run's end ("…: AKIAZ7QW4E." ends a sentence, not the key). */
function isTrailingPunctuation(c: number): boolean {
  return c === 0x2e || c === 0x3a || c === 0x3b || c === 0x21 || c === 0x3f; // . : ; ! ?
}

function isRunChar(c: number): boolean {
  return c < 128 && RUN_CHAR[c] === 1;
}

/** All capitals of at least this many letters read as data (an AWS key id's half without a digit, 12% of them at 10 characters). */
const CAPITALS_MIN = 8;

/**
 * Whether text[start, end) looks like data rather than a word: letters with digits (`RT5YUI6OPA`,
 * `x86_64`), letter case changing after the first character (`eHjKqPz`, `JavaScript`), all capitals
 * of CAPITALS_MIN letters or more, or, for the shapes words share, a credential prefix at its start
 * (`AKIA`, `glpat-ab`). Lower-case and capitalised words and plain numbers are not (an order number
 * next to another id must not become a key). The joined detectors need a credential's literal, so a
 * run kept here costs a little work, never a finding on its own.
 */
export function isDataRun(text: string, start: number, end: number): boolean {
  let digit = false;
  let lower = false;
  let upperInside = false;
  let upper = 0;
  let symbol = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digit = true;
    else if (c >= 0x61 && c <= 0x7a) lower = true;
    else if (c >= 0x41 && c <= 0x5a) {
      upper++;
      if (i > start) upperInside = true;
    } else symbol = true;
  }
  const letters = lower || upper > 0;
  if (digit) return letters;
  if (lower && upperInside) return true;
  if (!lower && upper >= CAPITALS_MIN) return true;
  // Only capitals (shorter), or letters with symbols: a word unless a credential's prefix leads it.
  if (!letters || (lower && !symbol)) return false;
  return credentialPrefixOf(text.slice(start, end)) !== '';
}

export interface ProseRunLimits {
  /** Shortest run kept. */
  readonly minLength: number;
  /** Longer runs keep their first and last half of this many characters (as fragments do). */
  readonly maxLength: number;
  /** Data-like runs kept from each end of one text; the middle of a text with more is not read. */
  readonly perEnd: number;
}

function cut(text: string, start: number, end: number, max: number): string {
  if (end - start <= max) return text.slice(start, end);
  const half = Math.floor(max / 2);
  return text.slice(start, start + half) + text.slice(end - half, end);
}

/** The run text[start, end) without its trailing sentence punctuation, if it is long enough and looks like data. */
function keep(text: string, start: number, end: number, limits: ProseRunLimits): string | null {
  while (end > start && isTrailingPunctuation(text.charCodeAt(end - 1))) end--;
  if (end - start < limits.minLength || !isDataRun(text, start, end)) return null;
  return cut(text, start, end, limits.maxLength);
}

/**
 * The data-like runs of a prose text, in order: up to `perEnd` from its start and `perEnd` from its
 * end (a credential that crosses from one message into the next ends one and starts the other, and
 * a long text full of ids or code would otherwise give thousands). A text without such runs is read
 * once, character by character.
 */
export function proseRuns(text: string, limits: ProseRunLimits): string[] {
  const head: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n && head.length < limits.perEnd) {
    while (i < n && !isRunChar(text.charCodeAt(i))) i++;
    const start = i;
    while (i < n && isRunChar(text.charCodeAt(i))) i++;
    if (i > start) {
      const run = keep(text, start, i, limits);
      if (run !== null) head.push(run);
    }
  }
  if (i >= n) return head;
  // From the end back to where the forward read stopped (a delimiter or the end of a run: the two
  // reads never share a run).
  const tail: string[] = [];
  let j = n;
  while (j > i && tail.length < limits.perEnd) {
    while (j > i && !isRunChar(text.charCodeAt(j - 1))) j--;
    const end = j;
    while (j > i && isRunChar(text.charCodeAt(j - 1))) j--;
    if (end > j) {
      const run = keep(text, j, end, limits);
      if (run !== null) tail.push(run);
    }
  }
  for (let k = tail.length - 1; k >= 0; k--) head.push(tail[k]!);
  return head;
}
