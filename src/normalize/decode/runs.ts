// Where base64/base32 and hex encodings can be in a text. A long text gets one native set pass that
// tells whether it has a long run of the base64 alphabet or a hex byte sequence at all (prose has
// neither); only then is the run regex asked for the runs, so the exact decoders look at those places
// alone. A short text (a URL, a header value) is read by one character loop instead: there the fixed
// cost of each native call (copying the text, making match objects) outweighs the matching.
import { re, regexSet, type RegexSet, type SafeRegex } from '../../re/index.ts';

/** Eight or more byte pairs, optionally delimited or prefixed. */
const HEX_SRC = '(?:\\\\x|0x)?[0-9a-fA-F]{2}(?:[:, -]?(?:\\\\x|0x)?[0-9a-fA-F]{2}){7,}';
const HEX_RUN = re(HEX_SRC);

interface Finders {
  /** `[A-Za-z0-9+/_-]{minRun,}={0,2}`, leftmost first. */
  readonly run: SafeRegex;
  /** Both patterns in one pass (null without the native set: then each is asked in turn). */
  readonly either: RegexSet | null;
}

const FINDERS = new Map<number, Finders>();

function findersFor(minRun: number): Finders {
  let f = FINDERS.get(minRun);
  if (!f) {
    const runSrc = `[A-Za-z0-9+/_-]{${minRun},}={0,2}`;
    f = { run: re(runSrc), either: regexSet([runSrc, HEX_SRC]) };
    // one entry per configured minimum (an engine has one); bounded all the same
    if (FINDERS.size >= 8) FINDERS.clear();
    FINDERS.set(minRun, f);
  }
  return f;
}

export interface Shape {
  /** Base64-alphabet runs of at least minRun characters (with up to two `=`), at most cap + 1 of them. */
  readonly runs: readonly string[];
  /** The hex byte sequences (HEX_RUN matches), at most cap + 1 of them. */
  readonly hex: readonly string[];
}

const NONE: Shape = { runs: [], hex: [] };

/** Texts up to this long are read by one character loop (below) instead of the native set pass. */
const SHORT_TEXT = 256;

const B64 = 1; // the run alphabet [A-Za-z0-9+/_-]
const HEX = 2; // a hex digit
const GLUE = 4; // the other characters a HEX_RUN match may hold: separators [:, -] and the x and backslash of prefixes
const ESCAPE = 8; // a character an escape decoder starts from: percent, plus, ampersand, backslash
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  CLASS[c] = (/[A-Za-z0-9+/_-]/.test(ch) ? B64 : 0) | (/[0-9a-fA-F]/.test(ch) ? HEX : 0) | (/[:, \\x-]/.test(ch) ? GLUE : 0) | (/[%+&\\]/.test(ch) ? ESCAPE : 0);
}

/**
 * Whether a short text (at most SHORT_TEXT characters) is one no decoder can read anything from: no
 * character an escape decoder starts from (percent, plus, ampersand, backslash), no base64-alphabet run of `minRun` or more,
 * no stretch of hex digits and glue holding 16 digits (which every HEX_RUN match needs). One loop, no
 * allocation: cheaper than asking the decoders, or a memo, for most header values and URL parts.
 * False for longer texts (they are not looked at here).
 */
export function isQuietShortText(text: string, minRun: number): boolean {
  const n = text.length;
  if (n > SHORT_TEXT) return false;
  const min = Math.max(1, Math.floor(minRun));
  let digits = 0;
  let run = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const k = c < 128 ? CLASS[c]! : 0;
    if ((k & ESCAPE) !== 0) return false;
    if ((k & B64) === 0) run = 0;
    else if (++run >= min) return false;
    if ((k & HEX) !== 0) {
      if (++digits >= 16) return false;
    } else if ((k & GLUE) === 0) digits = 0;
  }
  return true;
}

/**
 * The shape of a short text in one pass, without the regex engine for what a loop decides exactly:
 * - runs: the matches of `[A-Za-z0-9+/_-]{min,}={0,2}` are the maximal alphabet runs of at least
 *   `min` characters, each with up to two `=` after it (the class is greedy and `=` is outside it).
 * - hex: every HEX_RUN match is a stretch of hex digits and glue characters holding 16 or more hex
 *   digits; only a text with such a stretch is handed to HEX_RUN, which finds the exact matches.
 */
function shortShape(text: string, min: number, cap: number): Shape {
  const n = text.length;
  let runs: string[] | undefined;
  let maybeHex = false;
  let digits = 0; // hex digits in the current stretch of hex digits and glue
  let start = 0; // where the current alphabet run began (when i > start)
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const k = c < 128 ? CLASS[c]! : 0;
    if (k === 0) digits = 0;
    else if ((k & HEX) !== 0) {
      if (++digits >= 16) maybeHex = true;
    } else if ((k & GLUE) === 0) digits = 0;
    if ((k & B64) !== 0) continue;
    if (i - start >= min) runs = addRun(text, start, i, runs, cap);
    start = i + 1;
  }
  if (n - start >= min) runs = addRun(text, start, n, runs, cap);
  const hex = maybeHex ? HEX_RUN.all(text, cap + 1).map((m) => m.text) : [];
  return runs === undefined && hex.length === 0 ? NONE : { runs: runs ?? [], hex };
}

/** The run text[start, end) with up to two `=` after it, added while the list holds at most cap runs. */
function addRun(text: string, start: number, end: number, runs: string[] | undefined, cap: number): string[] {
  const list = runs ?? [];
  if (list.length > cap) return list;
  let stop = end;
  while (stop < text.length && stop - end < 2 && text.charCodeAt(stop) === 0x3d) stop++;
  list.push(text.slice(start, stop));
  return list;
}

let lastText = '';
let lastMin = -1;
let lastCap = -1;
let last: Shape = NONE;

/** The shape of `text`, memoised for the last text: the base64, base32 and hex decoders ask in turn. */
export function shapeOf(text: string, minRun: number, cap: number): Shape {
  if (text === lastText && minRun === lastMin && cap === lastCap) return last;
  const min = Math.max(1, Math.floor(minRun));
  let shape = NONE;
  if (text.length < Math.min(min, 16)) {
    // nothing to find
  } else if (text.length <= SHORT_TEXT) {
    shape = shortShape(text, min, cap);
  } else {
    const f = findersFor(min);
    let hits: readonly number[] | null = null;
    try {
      hits = f.either?.match(text) ?? null;
    } catch {
      // the set's automaton gave up on this text: ask each pattern in turn
    }
    const runs = hits === null || hits.includes(0) ? f.run.all(text, cap + 1).map((m) => m.text) : [];
    const hex = hits === null || hits.includes(1) ? HEX_RUN.all(text, cap + 1).map((m) => m.text) : [];
    if (runs.length > 0 || hex.length > 0) shape = { runs, hex };
  }
  lastText = text;
  lastMin = minRun;
  lastCap = cap;
  last = shape;
  return shape;
}

/** Shortest and longest line of a wrapped base64 block (MIME writes 76, PEM and GitHub's contents API 60 or 64). */
const WRAP_MIN = 40;
const WRAP_MAX = 120;

function isBase64Char(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2b || c === 0x2f || c === 0x3d || c === 0x2d || c === 0x5f;
}

let lastWrapIn: string | null = null;
let lastWrapOut = '';

/**
 * `text` with each line-wrapped base64 block joined back into one run: two or more consecutive lines
 * of base64 characters only, all but the last of one length between WRAP_MIN and WRAP_MAX, the last
 * no longer. Read line by line, a wrapped blob is thousands of runs (over the decoders' candidate cap:
 * a 200 KB file from GitHub's contents API was blocked as undecodable) and a secret wrapped across
 * two lines decodes misaligned; joined, it is what the sender encoded. Other text is left as it is.
 */
export function unwrapBase64Lines(text: string): string {
  if (text === lastWrapIn) return lastWrapOut;
  let out = text;
  if (text.includes('\n')) {
    const parts: string[] = [];
    let last = 0; // text before this offset is in parts
    let i = 0;
    const n = text.length;
    while (i < n) {
      // one line: [i, end), then its break (\n or \r\n)
      let end = i;
      while (end < n && text.charCodeAt(end) !== 0x0a) end++;
      const len = end > i && text.charCodeAt(end - 1) === 0x0d ? end - 1 - i : end - i;
      let block = len >= WRAP_MIN && len <= WRAP_MAX && end < n;
      for (let k = i; block && k < i + len; k++) block = isBase64Char(text.charCodeAt(k));
      if (!block) {
        i = end + 1;
        continue;
      }
      // a block starts at i with width len: take the following lines of the same width, then one no longer
      const pieces = [text.slice(i, i + len)];
      let j = end + 1;
      for (;;) {
        let e = j;
        while (e < n && text.charCodeAt(e) !== 0x0a) e++;
        const l = e > j && text.charCodeAt(e - 1) === 0x0d ? e - 1 - j : e - j;
        let ok = l > 0 && l <= len;
        for (let k = j; ok && k < j + l; k++) ok = isBase64Char(text.charCodeAt(k));
        if (!ok) break;
        pieces.push(text.slice(j, j + l));
        j = e + 1;
        if (l < len || e >= n) break;
      }
      if (pieces.length >= 2) {
        parts.push(text.slice(last, i), pieces.join(''));
        last = Math.min(n, j - 1); // keep the break after the block
        i = j;
      } else i = end + 1;
    }
    if (parts.length > 0) {
      parts.push(text.slice(last));
      out = parts.join('');
    }
  }
  lastWrapIn = text;
  lastWrapOut = out;
  return out;
}
