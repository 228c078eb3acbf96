// An exact answer, without a regex call, to "would the DLP prefilter find anything in this short
// text?" for most short values (ids, page numbers, path words). The prefilter is a case-insensitive
// alternation of literal keywords plus the keyword-free rules' patterns; it finds nothing in a text
// exactly when no keyword occurs in it and no keyword-free pattern matches in it. A text shorter than
// the shortest possible keyword-free match cannot hold such a match, so for it the answer is a plain
// substring search for the keywords, done here in a few character comparisons.

import type { RegexMatch } from '../../re/index.ts';

/**
 * A lower bound on the length (in characters, hence also in UTF-16 units) of any match of an RE2
 * pattern. Understands literals, escapes, classes, groups, alternation and the quantifiers; anything
 * it does not understand makes it answer 0, which is always a valid lower bound.
 */
export function minMatchLength(pattern: string): number {
  const p = new MatchLength(pattern, false);
  const n = p.alternation();
  return p.ok && p.at === pattern.length ? n : 0;
}

/**
 * An upper bound on the length, in characters, of any match of an RE2 pattern: Infinity when a
 * quantifier is unbounded or the pattern holds anything the parser below does not understand. For
 * ASCII text (split-secrets' joined fragments) characters are UTF-16 units.
 */
export function maxMatchLength(pattern: string): number {
  const p = new MatchLength(pattern, true);
  const n = p.alternation();
  return p.ok && p.at === pattern.length ? n : Infinity;
}

/** The least (or, with `max`, the most) characters a pattern's matches can hold. */
class MatchLength {
  at = 0;
  ok = true;
  constructor(
    readonly src: string,
    readonly max: boolean,
  ) {}

  alternation(): number {
    let best = this.sequence();
    while (this.ok && this.src[this.at] === '|') {
      this.at++;
      const next = this.sequence();
      best = this.max ? Math.max(best, next) : Math.min(best, next);
    }
    return best;
  }

  sequence(): number {
    let sum = 0;
    while (this.ok && this.at < this.src.length && this.src[this.at] !== '|' && this.src[this.at] !== ')') {
      const atom = this.atom();
      const count = this.quantifier();
      if (atom > 0) sum += atom * count; // 0 × Infinity (an unbounded assertion) is still 0
    }
    return sum;
  }

  /** The least (with `max`, the most) count the quantifier after an atom allows (1 when there is none). */
  quantifier(): number {
    const c = this.src[this.at];
    let min = 1;
    let most = 1;
    if (c === '*' || c === '?') {
      min = 0;
      most = c === '*' ? Infinity : 1;
      this.at++;
    } else if (c === '+') {
      most = Infinity;
      this.at++;
    } else if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.at));
      if (!m) return this.fail();
      min = Number(m[1]);
      most = m[2] === undefined ? min : m[3] === '' || m[3] === undefined ? Infinity : Number(m[3]);
      this.at += m[0].length;
    } else return 1;
    if (this.src[this.at] === '?') this.at++; // lazy
    const next = this.src[this.at];
    if (next === '*' || next === '+' || next === '?' || next === '{') return this.fail();
    return this.max ? most : min;
  }

  atom(): number {
    const c = this.src[this.at];
    if (c === '(') {
      this.at++;
      if (this.src[this.at] === '?') {
        // (?:…), (?i:…), (?P<name>…), (?<name>…); a bare flag group (?i) matches nothing.
        const m = /^\?(?:P?<[A-Za-z_][A-Za-z0-9_]*>|[imsU-]*:|[imsU-]*\))/.exec(this.src.slice(this.at));
        if (!m) return this.fail();
        this.at += m[0].length;
        if (m[0].endsWith(')')) return 0;
      }
      const inner = this.alternation();
      if (this.src[this.at] !== ')') return this.fail();
      this.at++;
      return inner;
    }
    if (c === '[') return this.charClass();
    if (c === '^' || c === '$') {
      this.at++;
      return 0;
    }
    if (c === '\\') return this.escape();
    if (c === undefined || c === ')' || c === '|' || c === '*' || c === '+' || c === '?' || c === '{') return this.fail();
    // One literal character (a surrogate pair is one character too; counting it as one is a lower bound).
    this.at++;
    return 1;
  }

  escape(): number {
    const c = this.src[this.at + 1];
    if (c === undefined) return this.fail();
    // Assertions: \b \B \A \z match no characters.
    if (c === 'b' || c === 'B' || c === 'A' || c === 'z') {
      this.at += 2;
      return 0;
    }
    if (c === 'p' || c === 'P') {
      const m = /^\\[pP](?:\{[A-Za-z_]+\}|[A-Za-z])/.exec(this.src.slice(this.at));
      if (!m) return this.fail();
      this.at += m[0].length;
      return 1;
    }
    if (c === 'x') {
      const m = /^\\x(?:\{[0-9A-Fa-f]+\}|[0-9A-Fa-f]{2})/.exec(this.src.slice(this.at));
      if (!m) return this.fail();
      this.at += m[0].length;
      return 1;
    }
    // Character classes, control escapes and escaped punctuation: one character each.
    if (/[dDwWsSnrtfv]/.test(c) || /[!-/:-@[-`{-~]/.test(c)) {
      this.at += 2;
      return 1;
    }
    return this.fail(); // \Q…\E, octal, back-references, anything unusual
  }

  charClass(): number {
    let i = this.at + 1;
    if (this.src[i] === '^') i++;
    if (this.src[i] === ']') i++;
    for (; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === '\\') i++;
      else if (c === '[' && this.src[i + 1] === ':') {
        const close = this.src.indexOf(':]', i + 2);
        if (close < 0) return this.fail();
        i = close + 1;
      } else if (c === ']') {
        this.at = i + 1;
        return 1;
      }
    }
    return this.fail();
  }

  fail(): number {
    this.ok = false;
    this.at = this.src.length;
    return this.max ? Infinity : 0;
  }
}

const NO_GROUPS: readonly (string | undefined)[] = [];

function isAsciiText(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** ASCII lower case of one UTF-16 unit (other units unchanged). */
function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/**
 * Built from the prefilter's keywords and keyword-free patterns. `quiet(text)` is true only when the
 * prefilter would find nothing in `text`; false means "run the prefilter" (it may or may not find).
 */
export class ShortTextSieve {
  /** Texts shorter than this are answered; 0 when the sieve cannot answer anything. */
  readonly maxLength: number;
  /** Keywords (ASCII lower case) by their first character's code (128 slots, null when none). */
  readonly #byFirst: (readonly string[] | null)[];

  constructor(keywords: readonly string[], freePatterns: readonly string[]) {
    let shortest = Infinity;
    for (const p of freePatterns) shortest = Math.min(shortest, minMatchLength(p));
    // Non-ASCII keywords fold in ways a byte compare does not follow (K → U+212A): then do not answer.
    const usable = keywords.every((k) => k.length > 0 && isAsciiText(k) && k === k.toLowerCase());
    this.maxLength = usable && shortest > 0 ? Math.min(shortest, 64) : 0;
    // A dense array: a sparse one (filled at scattered indexes) falls back to slow dictionary elements.
    const byFirst: (string[] | null)[] = new Array<string[] | null>(128).fill(null);
    for (const k of keywords) {
      const c = k.charCodeAt(0);
      if (c < 128) (byFirst[c] ??= []).push(k);
    }
    this.#byFirst = byFirst;
  }

  quiet(text: string): boolean {
    const n = text.length;
    if (n >= this.maxLength || !isAsciiText(text)) return false;
    for (let i = 0; i < n; i++) {
      const list = this.#byFirst[lower(text.charCodeAt(i))];
      if (list === null || list === undefined) continue;
      for (const k of list) if (k.length <= n - i && occursAt(text, i, k)) return false;
    }
    return true;
  }

  /**
   * For a text the sieve answers (short, ASCII), exactly what the prefilter's match list would be:
   * with no keyword-free match possible, it lists keyword occurrences leftmost first, the longest
   * keyword at each position (the alternation is ordered longest first), resuming after each. Null
   * for a text the sieve does not answer.
   */
  keywordMatches(text: string): RegexMatch[] | null {
    const n = text.length;
    if (n >= this.maxLength || !isAsciiText(text)) return null;
    const out: RegexMatch[] = [];
    for (let i = 0; i < n; ) {
      const list = this.#byFirst[lower(text.charCodeAt(i))];
      let best = 0;
      if (list !== null && list !== undefined) {
        for (const k of list) if (k.length > best && k.length <= n - i && occursAt(text, i, k)) best = k.length;
      }
      if (best === 0) {
        i++;
        continue;
      }
      out.push({ index: i, end: i + best, text: text.slice(i, i + best), groups: NO_GROUPS });
      i += best;
    }
    return out;
  }
}

/** Whether lower-case ASCII `keyword` occurs in ASCII `text` at `at`, ignoring ASCII case. */
function occursAt(text: string, at: number, keyword: string): boolean {
  for (let j = 1; j < keyword.length; j++) if (lower(text.charCodeAt(at + j)) !== keyword.charCodeAt(j)) return false;
  return true;
}
