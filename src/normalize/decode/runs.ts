// Where base64/base32 and hex encodings can be in a text. One native set pass tells whether the
// text has a long run of the base64 alphabet or a hex byte sequence at all (prose has neither);
// only then is the run regex asked for the runs, so the exact decoders look at those places alone.
// Native passes: on long and short texts alike they are cheaper here than a character loop.
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
let lastText = '';
let lastMin = -1;
let lastCap = -1;
let last: Shape = NONE;

/** The shape of `text`, memoised for the last text: the base64, base32 and hex decoders ask in turn. */
export function shapeOf(text: string, minRun: number, cap: number): Shape {
  if (text === lastText && minRun === lastMin && cap === lastCap) return last;
  const min = Math.max(1, Math.floor(minRun));
  let shape = NONE;
  if (text.length >= Math.min(min, 16)) {
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
