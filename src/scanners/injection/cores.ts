// Prefilter cores: for each rule pattern, a contiguous piece of its own source that every match
// of the pattern must contain ("a core"). Cores are cheap for a combined automaton (no counted
// repetition of groups) and chosen to be rare in ordinary prose, so one pass over a text tells
// where, if anywhere, a full pattern can match. Derived from the pattern text, never hand-listed,
// so a core can never miss a match of its pattern. Pure string work, run once at construction.

/** A parsed RE2 fragment, with its span in the pattern source. */
/** Whether the characters a node can match are word characters (RE2's ASCII \\w), non-word ones, or either. */
type WordKind = 'word' | 'nonword' | 'mixed';

type Node =
  | { readonly t: 'lit'; readonly ch: string; readonly start: number; readonly end: number }
  | { readonly t: 'class'; readonly set: readonly string[] | null; readonly letters: boolean; readonly space: boolean; readonly wk: WordKind; readonly ends: boolean; readonly start: number; readonly end: number }
  | { readonly t: 'assert'; readonly kind: string; readonly start: number; readonly end: number }
  | { readonly t: 'cat'; readonly items: readonly Node[]; readonly start: number; readonly end: number }
  | { readonly t: 'alt'; readonly branches: readonly Node[]; readonly start: number; readonly end: number }
  | { readonly t: 'group'; readonly inner: Node; readonly start: number; readonly end: number }
  | {
      readonly t: 'rep';
      readonly inner: Node;
      readonly min: number;
      readonly max: number | null;
      readonly start: number;
      readonly end: number;
      /** Set on the stand-in for a filler window: any run of characters inside one clause. */
      readonly wild?: boolean;
    };

function isSpaceChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}
/** The characters that end a clause for the rule windows (SEP and the filler gaps never cross them). */
const SENTENCE_ENDS = '.!?;|';

/** RE2's word characters (ASCII only): what \\b looks at. */
function isRe2Word(c: number): boolean {
  return isAsciiAlnum(c) || c === 0x5f;
}
function src(text: string, node: { readonly start: number; readonly end: number }): string {
  return text.slice(node.start, node.end);
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isAsciiAlnum(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

class Parser {
  i = 0;
  constructor(readonly src: string) {}

  parseAlt(): Node {
    const start = this.i;
    const branches: Node[] = [this.parseCat()];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.parseCat());
    }
    return branches.length === 1 ? (branches[0] as Node) : { t: 'alt', branches, start, end: this.i };
  }

  parseCat(): Node {
    const start = this.i;
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const node = this.parseRepeat();
      const last = items[items.length - 1];
      // consecutive plain characters become one literal node (a quantifier binds to one character,
      // so only unquantified characters are merged)
      if (node.t === 'lit' && last?.t === 'lit') items[items.length - 1] = { t: 'lit', ch: last.ch + node.ch, start: last.start, end: node.end };
      else items.push(node);
    }
    return { t: 'cat', items, start, end: this.i };
  }

  parseRepeat(): Node {
    const start = this.i;
    let node = this.parseAtom();
    for (;;) {
      const c = this.src[this.i];
      let min: number;
      let max: number | null;
      if (c === '*' || c === '+' || c === '?') {
        this.i++;
        min = c === '+' ? 1 : 0;
        max = c === '?' ? 1 : null;
      } else if (c === '{') {
        const q = this.counted(this.i);
        if (q === null) break;
        this.i = q.end;
        min = q.min;
        max = q.max;
      } else break;
      if (this.src[this.i] === '?') this.i++; // lazy
      node = { t: 'rep', inner: node, min, max, start, end: this.i };
    }
    return node;
  }

  /** Parses `{m}`, `{m,}` or `{m,n}` at `at`; null when the brace is a literal. */
  counted(at: number): { min: number; max: number | null; end: number } | null {
    let i = at + 1;
    const digits = (): string => {
      const from = i;
      while (i < this.src.length && isDigit(this.src.charCodeAt(i))) i++;
      return this.src.slice(from, i);
    };
    const lo = digits();
    if (lo === '') return null;
    if (this.src[i] === '}') return { min: Number(lo), max: Number(lo), end: i + 1 };
    if (this.src[i] !== ',') return null;
    i++;
    const hi = digits();
    if (this.src[i] !== '}') return null;
    return { min: Number(lo), max: hi === '' ? null : Number(hi), end: i + 1 };
  }

  parseAtom(): Node {
    const start = this.i;
    const c = this.src[this.i] as string;
    if (c === '(') {
      this.i++;
      if (this.src.startsWith('?:', this.i)) this.i += 2;
      else if (this.src[this.i] === '?') throw new Error(`unsupported group syntax at ${this.i} in ${this.src}`);
      const inner = this.parseAlt();
      if (this.src[this.i] !== ')') throw new Error(`unbalanced group in ${this.src}`);
      this.i++;
      return { t: 'group', inner, start, end: this.i };
    }
    if (c === '[') return this.parseClass();
    if (c === '^' || c === '$') {
      this.i++;
      return { t: 'assert', kind: c, start, end: this.i };
    }
    if (c === '.') {
      this.i++;
      return { t: 'class', set: null, letters: true, space: true, wk: 'mixed', ends: true, start, end: this.i };
    }
    if (c === '\\') return this.parseEscape(false);
    const cp = this.src.codePointAt(this.i) as number;
    const ch = String.fromCodePoint(cp);
    this.i += ch.length;
    return { t: 'lit', ch, start, end: this.i };
  }

  /** An escape outside a class: a literal, an assertion or a class shorthand. */
  parseEscape(inClass: boolean): Node {
    const start = this.i;
    const e = this.src[this.i + 1] as string;
    this.i += 2;
    if (e === 'b' || e === 'B') {
      if (inClass) throw new Error('\\b in class');
      return { t: 'assert', kind: `\\${e}`, start, end: this.i };
    }
    // `space`: can match a character JavaScript's \\s matches (RE2's \\s and \\S are ASCII-only, so \\S can match U+2028)
    if ('wWsSdD'.includes(e)) {
      const wk: WordKind = e === 'w' || e === 'd' ? 'word' : e === 'W' || e === 's' ? 'nonword' : 'mixed';
      return { t: 'class', set: null, letters: 'wSD'.includes(e), space: 'WsSD'.includes(e), wk, ends: 'WSD'.includes(e), start, end: this.i };
    }
    if (e === 'p' || e === 'P') {
      if (this.src[this.i] === '{') this.i = this.src.indexOf('}', this.i) + 1;
      else this.i++;
      return { t: 'class', set: null, letters: true, space: e === 'P', wk: 'mixed', ends: e === 'P', start, end: this.i };
    }
    if (e === 'n') return { t: 'lit', ch: '\n', start, end: this.i };
    if (e === 't') return { t: 'lit', ch: '\t', start, end: this.i };
    if (e === 'r') return { t: 'lit', ch: '\r', start, end: this.i };
    if (e === 'x') {
      let hex: string;
      if (this.src[this.i] === '{') {
        const close = this.src.indexOf('}', this.i);
        hex = this.src.slice(this.i + 1, close);
        this.i = close + 1;
      } else {
        hex = this.src.slice(this.i, this.i + 2);
        this.i += 2;
      }
      return { t: 'lit', ch: String.fromCodePoint(parseInt(hex, 16)), start, end: this.i };
    }
    if (isAsciiAlnum(e.charCodeAt(0))) throw new Error(`unsupported escape \\${e} in ${this.src}`);
    return { t: 'lit', ch: e, start, end: this.i };
  }

  parseClass(): Node {
    const start = this.i;
    this.i++;
    let negated = false;
    if (this.src[this.i] === '^') {
      negated = true;
      this.i++;
    }
    const chars: string[] = [];
    let enumerable = true;
    let first = true;
    /** Whether the listed members include letters (a shorthand like \\w or \\p{L}, or a letter or letter range). */
    let hasLetters = false;
    /** Whether the listed members include a whitespace character. */
    let hasSpace = false;
    /** Whether the listed members include word characters, and other characters. */
    let hasWord = false;
    let hasOther = false;
    let allWord = false;
    /** Which sentence-end characters (. ! ? ; |) are listed, and whether a listed shorthand can match one. */
    const endsListed = new Set<string>();
    let shorthandEnds = false;
    const member = (ch: string): void => {
      if (isRe2Word(ch.charCodeAt(0))) hasWord = true;
      else hasOther = true;
      if (SENTENCE_ENDS.includes(ch)) endsListed.add(ch);
    };
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      let lo: string | null;
      if (this.src[this.i] === '\\') {
        const n = this.parseEscape(true);
        lo = n.t === 'lit' ? n.ch : null;
        if (n.t === 'class' && n.letters) hasLetters = true;
        if (n.t === 'class') {
          if (n.wk !== 'nonword') hasWord = true;
          if (n.wk !== 'word') hasOther = true;
          if (src(this.src, n) === '\\w') allWord = true;
          if (n.ends) shorthandEnds = true;
        } else if (n.t === 'lit') member(n.ch);
        if ((n.t === 'class' && n.space) || (n.t === 'lit' && isSpaceChar(n.ch))) hasSpace = true;
      } else {
        const cp = this.src.codePointAt(this.i) as number;
        lo = String.fromCodePoint(cp);
        this.i += lo.length;
        if (!(this.src[this.i] === '-' && this.src[this.i + 1] !== ']')) member(lo);
      }
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']') {
        this.i++;
        let hi: string | null;
        if (this.src[this.i] === '\\') {
          const n = this.parseEscape(true);
          hi = n.t === 'lit' ? n.ch : null;
        } else {
          const cp = this.src.codePointAt(this.i) as number;
          hi = String.fromCodePoint(cp);
          this.i += hi.length;
        }
        if (lo === null || hi === null) enumerable = false;
        else {
          const a = lo.codePointAt(0) as number;
          const b = hi.codePointAt(0) as number;
          for (let cp = a; cp <= b && cp < a + 256; cp++) {
            if (isWordChar(cp) && !isDigit(cp)) hasLetters = true;
            if (isRe2Word(cp)) hasWord = true;
            else hasOther = true;
            const ch = String.fromCodePoint(cp);
            if (SENTENCE_ENDS.includes(ch)) endsListed.add(ch);
          }
          if (b - a >= 256) hasOther = true;
          if (b - a > 16) enumerable = false;
          else for (let cp = a; cp <= b; cp++) chars.push(String.fromCodePoint(cp));
        }
      } else if (lo === null) enumerable = false;
      else {
        chars.push(lo);
        if (isSpaceChar(lo)) hasSpace = true;
        const cp = lo.codePointAt(0) as number;
        if (isWordChar(cp) && !isDigit(cp)) hasLetters = true;
      }
    }
    if (this.src[this.i] !== ']') throw new Error(`unterminated class in ${this.src}`);
    this.i++;
    // a negated class matches letters unless it excludes them (as [^\\w…] does)
    const letters = negated ? !hasLetters : hasLetters;
    // a negated class can match some Unicode space unless it lists every one: treat it as space-capable
    const space = negated ? true : hasSpace;
    let wk: WordKind;
    if (negated) wk = allWord ? 'nonword' : 'mixed';
    else wk = hasWord && !hasOther ? 'word' : !hasWord ? 'nonword' : 'mixed';
    const ends = negated ? endsListed.size < SENTENCE_ENDS.length : endsListed.size > 0 || shorthandEnds;
    return { t: 'class', set: negated || !enumerable ? null : chars, letters, space, wk, ends, start, end: this.i };
  }
}

const parseCache = new Map<string, Node>();

export function parsePattern(src: string): Node {
  const hit = parseCache.get(src);
  if (hit) return hit;
  const node = parseUncached(src);
  parseCache.set(src, node);
  return node;
}

function parseUncached(src: string): Node {
  const p = new Parser(src);
  const node = p.parseAlt();
  if (p.i !== src.length) throw new Error(`unexpected ')' at ${p.i} in ${src}`);
  return node;
}

// ── rarity model ─────────────────────────────────────────────────────────────────────────
// Estimated chance that a given text position starts an occurrence. Only the ranking matters:
// it steers the choice of core (and so the speed on ordinary prose), never correctness.

const VERY_COMMON = new Set(
  (
    'the of and to a in is it you that he was for on are as with his they i at be this have from or one had by but not what all were we ' +
    'when your can said there use an each which she do how their if will up other about out many then them these so some her would make ' +
    'like him into time has look two more go see no way could people my than first been call who its now find long down day did get come made may part'
  ).split(' '),
);
const COMMON = new Set(
  (
    'new any only also after before back just over such our me even most through much where well should because those very still own here ' +
    'between both under never same another know while last might us great old year off since against right used take three request response ' +
    'server client config deploy build release function return value object array string number error message data file path user account ' +
    'project repository branch text content system task tasks rules rule order orders prompt input output note notes code answer answers reply ' +
    'replies summary above below following next previous prior earlier original default given told send share show print list keep add include ' +
    'put place start end stop run call open read delete remove update change set help please always never must should would need want ask tell ' +
    'give provide using without within onto upon via per every more less free real true full mode test important information details email ' +
    'emails link links page site web url then'
  ).split(' '),
);

function isWordChar(c: number): boolean {
  return isAsciiAlnum(c) || c === 0x5f || (c >= 0xc0 && c < 0x2e80 && c !== 0xd7 && c !== 0xf7);
}

/** A word's chance per text position; an unbounded word may also occur inside longer words. */
function wordFreq(word: string, bounded: boolean): number {
  if (VERY_COMMON.has(word)) return 1e-2;
  if (COMMON.has(word)) return 3e-3;
  const L = word.length;
  const f = L <= 2 ? 3e-3 : L === 3 ? 3e-4 : L === 4 ? 8e-5 : L === 5 ? 3e-5 : L === 6 ? 1.5e-5 : 8e-6;
  if (bounded) return f;
  return f * (L <= 3 ? 10 : L === 4 ? 5 : L === 5 ? 3 : 1.5);
}

function charFreq(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c === 0x20) return 0.18;
  if (isAsciiAlnum(c)) return isDigit(c) ? 0.01 : 0.05;
  if (ch === '.' || ch === ',') return 0.02;
  if (ch === '\n') return 0.01;
  if (c < 0x80) return 3e-3;
  return 3e-3;
}

/** Common words after the first in a sequence are correlated with it ("you are", "in the"). */
function follower(f: number): number {
  return f >= 1e-3 ? Math.min(1, 5 * f) : f;
}

/**
 * Frequency of a literal string: words (Latin, Cyrillic…) by the word model, everything else by
 * character. `startBounded` / `endBounded`: a non-word character or a word boundary is known to
 * stand just before / after the string.
 */
const literalFreqCache = new Map<string, number>();

export function literalFreq(s: string, startBounded = false, endBounded = false): number {
  const key = `${startBounded ? 1 : 0}${endBounded ? 1 : 0}${s}`;
  const cached = literalFreqCache.get(key);
  if (cached !== undefined) return cached;
  const f = literalFreqUncached(s, startBounded, endBounded);
  literalFreqCache.set(key, f);
  return f;
}

function literalFreqUncached(s: string, startBounded: boolean, endBounded: boolean): number {
  let f = 1;
  let word = '';
  let words = 0;
  let wordStart = startBounded;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (isWordChar(c)) {
      word += ch;
      continue;
    }
    if (word) {
      const w = wordFreq(word.toLowerCase(), wordStart);
      f *= words === 0 ? w : follower(w);
      words++;
      word = '';
    }
    wordStart = true;
    if (c !== 0x20) f *= charFreq(ch);
  }
  if (word) {
    const w = wordFreq(word.toLowerCase(), wordStart && endBounded);
    f *= words === 0 ? w : follower(w);
  }
  return Math.max(f, 1e-12);
}

function classFreq(node: Extract<Node, { t: 'class' }>, src: string): number {
  if (node.set !== null) return Math.min(1, node.set.reduce((s, ch) => s + charFreq(ch), 0));
  const text = src.slice(node.start, node.end);
  if (text === '\\d') return 0.01;
  if (text === '\\s') return 0.2;
  if (text === '\\W') return 0.25;
  if (text.startsWith('[^') || text === '.' || text === '\\S' || text === '\\D') return 1;
  return 0.8;
}

/** A sequence item: one node, or a run of consecutive literal characters. */
interface Item {
  readonly nodes: readonly Node[];
  readonly start: number;
  readonly end: number;
}

function itemsOf(node: Node): Item[] {
  const n = unwrap(node);
  const list = n.t === 'cat' ? n.items : [n];
  const out: Item[] = [];
  let run: Node[] = [];
  const flush = (): void => {
    if (run.length > 0) out.push({ nodes: run, start: (run[0] as Node).start, end: (run[run.length - 1] as Node).end });
    run = [];
  };
  for (const it of list) {
    if (it.t === 'lit') run.push(it);
    else {
      flush();
      out.push({ nodes: [it], start: it.start, end: it.end });
    }
  }
  flush();
  return out;
}

function unwrap(node: Node): Node {
  let n = node;
  while (n.t === 'group') n = n.inner;
  return n;
}

function isSingleChar(node: Node): boolean {
  const n = unwrap(node);
  return (n.t === 'lit' && [...n.ch].length === 1) || n.t === 'class';
}

/** Only characters, classes and single-character loops: bounded work for an automaton. */
function simple(node: Node): boolean {
  switch (node.t) {
    case 'lit':
    case 'class':
    case 'assert':
      return true;
    case 'group':
      return simple(node.inner);
    case 'cat':
      return node.items.every(simple);
    case 'alt':
      return false;
    case 'rep':
      return isSingleChar(node.inner);
  }
}

/**
 * Cheap for a combined automaton: literals, classes, alternations of cheap parts, loops of one
 * character (long counted loops are relaxed to open ones when emitted), open loops of simple
 * groups, and optional groups of cheap parts. Counted repetitions of word groups (the filler
 * windows of two or more words) are not cheap.
 */
const cheapCache = new WeakMap<Node, boolean>();
function cheap(node: Node): boolean {
  const hit = cheapCache.get(node);
  if (hit !== undefined) return hit;
  const v = cheapUncached(node);
  cheapCache.set(node, v);
  return v;
}

function cheapUncached(node: Node): boolean {
  switch (node.t) {
    case 'lit':
    case 'class':
    case 'assert':
      return true;
    case 'group':
      return cheap(node.inner);
    case 'alt':
      return node.branches.every(cheap);
    case 'cat':
      return node.items.every(cheap);
    case 'rep':
      // a long loop over a class that takes letters and spaces alike ([^\\n]*) runs on across
      // words; in one automaton with many others it multiplies states, so it is not cheap
      if (isSingleChar(node.inner)) return !(spanning(node.inner) && (node.max === null || node.max > 8));
      if (node.max === null) return simple(node.inner);
      return node.max <= 1 && cheap(node.inner);
  }
}

/** A one-character node that matches both letters and spaces. */
function spanning(node: Node): boolean {
  const n = unwrap(node);
  return n.t === 'class' && n.letters && n.space;
}

/** Word wildcards in a node: loops over a letter-matching character (each keeps an automaton thread alive for a word). */
const wildcardsCache = new WeakMap<Node, number>();
function wildcards(node: Node): number {
  const hit = wildcardsCache.get(node);
  if (hit !== undefined) return hit;
  const v = wildcardsUncached(node);
  wildcardsCache.set(node, v);
  return v;
}

function wildcardsUncached(node: Node): number {
  switch (node.t) {
    case 'lit':
    case 'class':
    case 'assert':
      return 0;
    case 'group':
      return wildcards(node.inner);
    case 'alt':
    case 'cat': {
      let n = 0;
      for (const b of node.t === 'alt' ? node.branches : node.items) n += wildcards(b);
      return n;
    }
    case 'rep':
      if (isSingleChar(node.inner)) return wordy(node.inner) && (node.max === null || node.max > 8) ? 1 : 0;
      return wildcards(node.inner);
  }
}

/**
 * A cheap node matching a prefix of every match of `node` (null when that prefix may be empty).
 * Used for the last item of a core, where cutting the tail keeps the core a necessary condition.
 */
function relaxPrefix(node: Node): Node | null {
  if (cheap(node)) return node;
  switch (node.t) {
    case 'group': {
      const inner = relaxPrefix(node.inner);
      return inner === null ? null : { ...node, inner };
    }
    case 'alt': {
      const branches: Node[] = [];
      for (const b of node.branches) {
        const r = relaxPrefix(b);
        if (r === null) return null;
        branches.push(r);
      }
      return { ...node, branches };
    }
    case 'cat': {
      const items: Node[] = [];
      for (const it of node.items) {
        if (cheap(it)) {
          items.push(it);
          continue;
        }
        const r = relaxPrefix(it);
        if (r !== null) items.push(r);
        break;
      }
      return items.length === 0 ? null : { ...node, items };
    }
    case 'rep':
      return node.min >= 1 ? relaxPrefix(node.inner) : null;
    default:
      return node;
  }
}

/** The mirror of relaxPrefix: a cheap node matching a suffix of every match (for the first item of a core). */
function relaxSuffix(node: Node): Node | null {
  if (cheap(node)) return node;
  switch (node.t) {
    case 'group': {
      const inner = relaxSuffix(node.inner);
      return inner === null ? null : { ...node, inner };
    }
    case 'alt': {
      const branches: Node[] = [];
      for (const b of node.branches) {
        const r = relaxSuffix(b);
        if (r === null) return null;
        branches.push(r);
      }
      return { ...node, branches };
    }
    case 'cat': {
      const items: Node[] = [];
      for (let k = node.items.length - 1; k >= 0; k--) {
        const it = node.items[k] as Node;
        if (cheap(it)) {
          items.unshift(it);
          continue;
        }
        const r = relaxSuffix(it);
        if (r !== null) items.unshift(r);
        break;
      }
      return items.length === 0 ? null : { ...node, items };
    }
    case 'rep':
      return node.min >= 1 ? relaxSuffix(node.inner) : null;
    default:
      return node;
  }
}

/** The stand-in for a filler window in a core: any characters up to the end of the clause. */
const CLAUSE_RUN = '[^.!?;|]*';
const WILD: Node = { t: 'rep', inner: { t: 'class', set: null, letters: true, space: true, wk: 'mixed', ends: false, start: 0, end: 0 }, min: 0, max: null, start: 0, end: 0, wild: true };

/** True when no match of the node contains a clause end (. ! ? ; |): a filler window can stand in for it. */
const clauseBoundCache = new WeakMap<Node, boolean>();
function clauseBound(node: Node): boolean {
  const hit = clauseBoundCache.get(node);
  if (hit !== undefined) return hit;
  const v = clauseBoundUncached(node);
  clauseBoundCache.set(node, v);
  return v;
}

function clauseBoundUncached(node: Node): boolean {
  switch (node.t) {
    case 'lit':
      return [...node.ch].every((ch) => !SENTENCE_ENDS.includes(ch));
    case 'class':
      return !node.ends;
    case 'assert':
      return true;
    case 'group':
      return clauseBound(node.inner);
    case 'rep':
      return clauseBound(node.inner);
    case 'alt':
      return node.branches.every(clauseBound);
    case 'cat':
      return node.items.every(clauseBound);
  }
}

/** A one-character node that can match a letter: looping over it would make a word wildcard. */
function wordy(node: Node): boolean {
  const n = unwrap(node);
  if (n.t === 'lit') return isWordChar(n.ch.codePointAt(0) as number) && !isDigit(n.ch.charCodeAt(0));
  return n.t === 'class' && n.letters;
}

type Edge = WordKind | 'none';

/** The kind of the first (or last) character a node matches, and whether it can match nothing. */
const edgeCache = new WeakMap<Node, [EdgeInfo | null, EdgeInfo | null]>();
type EdgeInfo = { readonly kind: Edge; readonly nullable: boolean };

function edge(node: Node, first: boolean): EdgeInfo {
  let pair = edgeCache.get(node);
  if (!pair) {
    pair = [null, null];
    edgeCache.set(node, pair);
  }
  const i = first ? 0 : 1;
  const hit = pair[i];
  if (hit) return hit;
  const e = edgeUncached(node, first);
  pair[i] = e;
  return e;
}

function edgeUncached(node: Node, first: boolean): EdgeInfo {
  switch (node.t) {
    case 'lit':
      return { kind: isRe2Word(node.ch.charCodeAt(first ? 0 : node.ch.length - 1)) ? 'word' : 'nonword', nullable: false };
    case 'class':
      return { kind: node.wk, nullable: false };
    case 'assert':
      return { kind: 'none', nullable: true };
    case 'group':
      return edge(node.inner, first);
    case 'rep': {
      const e = edge(node.inner, first);
      return { kind: e.kind, nullable: e.nullable || node.min === 0 };
    }
    case 'alt': {
      let kind: Edge | null = null;
      let nullable = false;
      for (const b of node.branches) {
        const e = edge(b, first);
        nullable ||= e.nullable;
        if (e.kind === 'none') continue;
        kind = kind === null || kind === e.kind ? e.kind : 'mixed';
      }
      return { kind: kind ?? 'none', nullable };
    }
    case 'cat': {
      const items = first ? node.items : [...node.items].reverse();
      let kind: Edge = 'none';
      for (const it of items) {
        const e = edge(it, first);
        if (e.kind !== 'none') kind = kind === 'none' || kind === e.kind ? e.kind : 'mixed';
        if (!e.nullable) return { kind, nullable: false };
      }
      return { kind, nullable: true };
    }
  }
}

/**
 * Whether a non-word character (or the edge of a word boundary) certainly stands just before
 * item `i` of a sequence (`dir` -1) or just after it (`dir` +1), judging from the items around it.
 */
function nonWordBeside(nodes: readonly Node[], i: number, dir: -1 | 1): boolean {
  for (let k = i + dir; k >= 0 && k < nodes.length; k += dir) {
    const n = nodes[k] as Node;
    if (n.t === 'assert') {
      if (n.kind === '\\b') return true;
      continue;
    }
    const e = edge(n, dir === 1);
    if (e.kind !== 'nonword' && e.kind !== 'none') return false;
    if (!e.nullable) return e.kind === 'nonword';
  }
  return false;
}

const freqCache = new WeakMap<Node, number[]>();

function freq(node: Node, src: string, startB = false, endB = false): number {
  let slots = freqCache.get(node);
  if (!slots) {
    slots = [NaN, NaN, NaN, NaN];
    freqCache.set(node, slots);
  }
  const slot = (startB ? 2 : 0) + (endB ? 1 : 0);
  const hit = slots[slot] as number;
  if (!Number.isNaN(hit)) return hit;
  const f = freqUncached(node, src, startB, endB);
  slots[slot] = f;
  return f;
}

function freqUncached(node: Node, src: string, startB: boolean, endB: boolean): number {
  switch (node.t) {
    case 'lit':
      return literalFreq(node.ch, startB, endB);
    case 'class':
      return classFreq(node, src);
    case 'assert':
      return node.kind === '^' ? 1e-3 : 1;
    case 'group':
      return freq(node.inner, src, startB, endB);
    case 'rep':
      return node.min === 0 ? 1 : freq(node.inner, src, startB, endB);
    case 'alt':
    {
      let sum = 0;
      for (const b of node.branches) sum += freq(b, src, startB, endB);
      return Math.min(1, sum);
    }
    case 'cat':
      return seqFreq(node.items, src, startB, endB);
  }
}

/**
 * Frequency of a sequence: literal runs are scored as whole strings, each part knowing whether a
 * non-word character surrounds it; parts after the first are damped for correlation.
 */
function seqFreq(nodes: readonly Node[], src: string, startB = false, endB = false): number {
  let f = 1;
  let parts = 0;
  let k = 0;
  /** The part follows a filler window: it may stand anywhere in the rest of the clause. */
  let widen = false;
  while (k < nodes.length) {
    const n = nodes[k] as Node;
    let j = k;
    let part: number;
    const before = k === 0 ? startB : nonWordBeside(nodes, k, -1);
    if (n.t === 'lit') {
      let text = '';
      while (j < nodes.length && (nodes[j] as Node).t === 'lit') text += (nodes[j++] as Extract<Node, { t: 'lit' }>).ch;
      const after = j === nodes.length ? endB : nonWordBeside(nodes, j - 1, 1);
      part = literalFreq(text, before, after);
    } else {
      j = k + 1;
      const after = j === nodes.length ? endB : nonWordBeside(nodes, k, 1);
      part = freq(n, src, before, after);
    }
    if (n.t === 'rep' && n.wild) {
      widen = true;
      k = j;
      continue;
    }
    if (part < 1) {
      // after a filler window a part may stand anywhere in the rest of the clause; right after the
      // previous part it is correlated with it
      f *= parts === 0 ? part : widen ? Math.min(1, 10 * part) : follower(part);
      parts++;
    }
    widen = false;
    k = j;
  }
  return Math.max(f, 1e-12);
}

/** Re-emits a node as RE2 source, relaxing long counted loops of one character to open loops. */
function emit(node: Node, src: string): string {
  switch (node.t) {
    case 'lit':
    case 'class':
    case 'assert':
      return src.slice(node.start, node.end);
    case 'group':
      return `(?:${emit(node.inner, src)})`;
    case 'alt':
      return node.branches.map((b) => emit(b, src)).join('|');
    case 'cat':
      return node.items.map((n) => emit(n, src)).join('');
    case 'rep': {
      if (node.wild) return CLAUSE_RUN;
      const inner = emit(node.inner, src);
      if (node.max === null) return `${inner}{${node.min},}`;
      if (node.max > 8 && isSingleChar(node.inner)) return `${inner}{${node.min},}`;
      return `${inner}{${node.min},${node.max}}`;
    }
  }
}

export interface Core {
  /** RE2 source that every match of the pattern contains a match of. */
  readonly src: string;
  /** Estimated frequency in prose (lower is rarer). */
  readonly freq: number;
}

/** Below this estimate a core is rare enough; longer slices only add automaton states. */
const ENOUGH = 1e-8;
/** Longest run of items considered for one core. */
const MAX_ITEMS = 12;

function costOf(cores: readonly Core[]): number {
  let f = 0;
  for (const c of cores) f += Math.max(c.freq, ENOUGH);
  return f * (1 + 0.02 * (cores.length - 1));
}

/**
 * Necessary conditions for a node: a list of cores such that every match of the node contains a
 * match of at least one of them. Null when the node requires nothing (it can match the empty string
 * or any character).
 */
/** Cores by fragment text: the lexicon's word classes recur in many patterns. */
const nodeCoresCache = new Map<string, Core[] | null>();

const nodeCoresById = new WeakMap<Node, [Core[] | null | undefined, Core[] | null | undefined]>();

function coresOfNode(node: Node, src: string, wild: boolean): Core[] | null {
  let slot = nodeCoresById.get(node);
  if (!slot) {
    slot = [undefined, undefined];
    nodeCoresById.set(node, slot);
  }
  const i = wild ? 1 : 0;
  const known = slot[i];
  if (known !== undefined) return known;
  // an alternation (a word class of the lexicon) recurs in many patterns: share it by its text
  let out: Core[] | null;
  if (node.t === 'alt' || node.t === 'group') {
    const key = `${i}${src.slice(node.start, node.end)}`;
    const shared = nodeCoresCache.get(key);
    if (shared !== undefined) out = shared;
    else {
      out = coresOfNodeUncached(node, src, wild);
      nodeCoresCache.set(key, out);
    }
  } else out = coresOfNodeUncached(node, src, wild);
  slot[i] = out;
  return out;
}

function coresOfNodeUncached(node: Node, src: string, wild: boolean): Core[] | null {
  switch (node.t) {
    case 'assert':
      return null;
    case 'lit':
      return [{ src: src.slice(node.start, node.end), freq: literalFreq(node.ch) }];
    case 'class': {
      const f = classFreq(node, src);
      return f < 0.5 ? [{ src: src.slice(node.start, node.end), freq: f }] : null;
    }
    case 'group':
      return coresOfNode(node.inner, src, wild);
    case 'rep':
      return node.min >= 1 ? coresOfNode(node.inner, src, wild) : null;
    case 'alt': {
      const out: Core[] = [];
      for (const b of node.branches) {
        const cs = coresOfNode(b, src, wild);
        if (cs === null) return null;
        out.push(...cs);
      }
      return out;
    }
    case 'cat':
      return coresOfSequence(itemsOf(node), src, wild);
  }
}

function coresOfSequence(items: readonly Item[], src: string, wild: boolean): Core[] | null {
  let best: Core[] | null = null;
  let bestCost = Infinity;
  /** The best slice so far, emitted only at the end. */
  let bestSlice: { nodes: Node[]; before: boolean; after: boolean; freq: number } | null = null;
  const consider = (cores: Core[] | null): void => {
    if (cores === null || cores.length === 0) return;
    const cost = costOf(cores);
    if (cost < bestCost) {
      best = cores;
      bestSlice = null;
      bestCost = cost;
    }
  };
  const ok = items.map((it) => it.nodes.every(cheap));
  const all = items.flatMap((it) => it.nodes);
  const offsets: number[] = [];
  let at = 0;
  for (const it of items) {
    offsets.push(at);
    at += it.nodes.length;
  }
  // (a) a contiguous run of cheap items, emitted as one core; the first and last item may be
  //     relaxed to a suffix / prefix of themselves
  const heads = items.map((it, k) => (ok[k] ? it.nodes : single(relaxSuffix(sole(it)))));
  const tails = items.map((it, k) => (ok[k] ? it.nodes : single(relaxPrefix(sole(it)))));
  const bound = items.map((it) => it.nodes.every(clauseBound));
  for (let i = 0; i < items.length; i++) {
    const head = heads[i] as Node[] | null;
    if (head === null) continue;
    const before = nonWordBeside(all, offsets[i] as number, -1);
    /** The items strictly between i and j; a filler window among them stands as "anything up to the end of the clause". */
    const middle: Node[] = [];
    let wildMiddle = 0;
    // a core of more than a dozen items is rarely rarer than its best part: the search stops there
    for (let j = i; j < items.length && j - i < MAX_ITEMS; j++) {
      if (j > i + 1) {
        if (ok[j - 1]) {
          for (const n of (items[j - 1] as Item).nodes) {
            middle.push(n);
            wildMiddle += wildcards(n);
          }
        } else middle.push(WILD);
      }
      let nodes: Node[];
      if (j === i) nodes = [...head];
      else {
        const tail = tails[j] as Node[] | null;
        if (tail === null) {
          // a filler window cannot end a core, but the core may go on past it
          if (wild && bound[j]) continue;
          break;
        }
        nodes = [...head, ...middle, ...tail];
      }
      // what stands around the slice in the pattern: a non-word character there bounds its words
      const after = nonWordBeside(all, (offsets[j] as number) + (items[j] as Item).nodes.length - 1, 1);
      const f = seqFreq(nodes, src, before, after);
      if (f < 0.5) {
        let wildCount = wildMiddle;
        for (const x of head) wildCount += wildcards(x);
        if (j > i) for (const x of tails[j] as Node[]) wildCount += wildcards(x);
        const freq = f * (1 + 0.01 * (j - i)) * (1 + 3 * wildCount);
        const cost = Math.max(freq, ENOUGH);
        if (cost < bestCost) {
          best = null;
          bestSlice = { nodes, before, after, freq };
          bestCost = cost;
        }
      }
      // a non-cheap item can be crossed only as a filler window (it never spans a clause end)
      if (!ok[j] && j > i && !(wild && bound[j])) break;
    }
  }
  // (b) the necessary conditions of one item on its own (e.g. each branch of an alternation)
  for (const it of items) {
    if (it.nodes.length === 1) consider(coresOfNode(it.nodes[0] as Node, src, wild));
  }
  const slice = bestSlice as { nodes: Node[]; before: boolean; after: boolean; freq: number } | null;
  if (slice) {
    const body = slice.nodes.map((n) => emit(n, src)).join('');
    const cat: Node = { t: 'cat', items: slice.nodes, start: 0, end: 0 };
    // the inferred boundaries make the core rarer without changing what it must match
    const pre = slice.before && edge(cat, true).kind === 'word' && !body.startsWith('\\b') ? '\\b' : '';
    const post = slice.after && edge(cat, false).kind === 'word' && !body.endsWith('\\b') ? '\\b' : '';
    return [{ src: `${pre}${body}${post}`, freq: slice.freq }];
  }
  return best;
}

function sole(item: Item): Node {
  return item.nodes.length === 1 ? (item.nodes[0] as Node) : { t: 'cat', items: item.nodes, start: item.start, end: item.end };
}

function single(node: Node | null): readonly Node[] | null {
  return node === null ? null : [node];
}

/**
 * The cores of one pattern: RE2 sources such that every match of the pattern contains a match of
 * at least one of them, chosen to be rare in prose. Without `wild` they stay cheap for one
 * combined set automaton (no filler windows); with `wild` a filler window between two parts may
 * become "anything up to the end of the clause", which makes a core far rarer but is only fit
 * for a regex of its own. Returns null when the pattern has no usable necessary condition (then
 * the whole pattern must be its own core).
 */
export function coresOf(src: string, wild = false): Core[] | null {
  const cores = coresOfNode(parsePattern(src), src, wild);
  if (cores === null) return null;
  return [...new Map(cores.map((c) => [c.src, c])).values()];
}

/** A one-character node that can match a space in the folded view: in the clean view it may face a whitespace run. */
function spaceCapable(node: Node): boolean {
  const n = unwrap(node);
  return (n.t === 'lit' && n.ch.length === 1 && isSpaceChar(n.ch)) || (n.t === 'class' && n.space);
}

// ── literal anchors ──────────────────────────────────────────────────────────────────────
// A literal set for a pattern: strings such that every match of the pattern contains at least
// one of them (a word-boundary marker B may stand before or after a string). Exact sets are
// crossed through concatenation while they stay small; otherwise each part's own set is a
// candidate and the rarest candidate wins.

/** Marks a word boundary inside a literal. */
export const BOUNDARY = '\u0001';
const MAX_EXACT = 256;
const MAX_LEN = 48;

interface LitInfo {
  /** Every string the node can match exactly, or null when unknown or too many. */
  readonly exact: readonly string[] | null;
  /** Necessary literal sets (each an OR-set); all of them hold for every match. */
  readonly sets: readonly (readonly string[])[];
}

function setFreq(set: readonly string[]): number {
  let f = 0;
  for (const s of set) {
    const bare = s.split(BOUNDARY).join('');
    if (bare.length === 0) return Infinity;
    const bounded = s.startsWith(BOUNDARY) || s.endsWith(BOUNDARY);
    f += literalFreq(bare) * (bare.length <= 4 && !bounded ? 4 : 1);
  }
  return f;
}

function usable(set: readonly string[]): boolean {
  return set.length > 0 && set.every((s) => s.split(BOUNDARY).join('').length > 0);
}

function bestSet(info: LitInfo): readonly string[] | null {
  const candidates = [...info.sets];
  if (info.exact && usable(info.exact)) candidates.push(info.exact);
  let best: readonly string[] | null = null;
  let bestF = Infinity;
  for (const c of candidates) {
    const f = setFreq(c);
    if (f < bestF) {
      best = c;
      bestF = f;
    }
  }
  return best;
}

function cross(a: readonly string[], b: readonly string[]): string[] | null {
  if (a.length * b.length > MAX_EXACT) return null;
  const out = new Set<string>();
  for (const x of a) for (const y of b) {
    const s = x + y;
    if (s.length > MAX_LEN) return null;
    out.add(s);
  }
  return [...out];
}

function litInfo(node: Node): LitInfo {
  switch (node.t) {
    case 'lit':
      return { exact: [node.ch.toLowerCase()], sets: [] };
    case 'class':
      return { exact: node.set !== null && node.set.length <= 8 ? [...new Set(node.set.map((c) => c.toLowerCase()))] : null, sets: [] };
    case 'assert':
      return { exact: [node.kind === '\\b' ? BOUNDARY : ''], sets: [] };
    case 'group':
      return litInfo(node.inner);
    case 'alt': {
      const infos = node.branches.map(litInfo);
      let exact: string[] | null = [];
      for (const i of infos) {
        if (exact === null || i.exact === null) exact = null;
        else exact.push(...i.exact);
      }
      if (exact !== null) exact = [...new Set(exact)];
      if (exact !== null && exact.length > MAX_EXACT) exact = null;
      // the alternation's requirement: the union of one requirement per branch
      const union: string[] = [];
      for (const i of infos) {
        const b = bestSet(i);
        if (b === null) return { exact, sets: [] };
        union.push(...b);
      }
      return { exact, sets: [[...new Set(union)]] };
    }
    case 'rep': {
      const inner = litInfo(node.inner);
      if (node.min === 0) {
        if (node.max !== null && node.max <= 1 && inner.exact !== null) return { exact: [...new Set(['', ...inner.exact])], sets: [] };
        return { exact: null, sets: [] };
      }
      const b = bestSet(inner);
      if (node.min === 1 && node.max === 1) return inner;
      return { exact: null, sets: b ? [b] : [] };
    }
    case 'cat': {
      // `run`: the exact strings of the items crossed since the last break in adjacency
      let run: readonly string[] | null = [''];
      let broken = false;
      const sets: (readonly string[])[] = [];
      for (const it of node.items) {
        const info = litInfo(it);
        sets.push(...info.sets);
        if (run !== null && info.exact !== null) {
          const x = cross(run, info.exact);
          if (x !== null) {
            run = x;
            continue;
          }
        }
        // adjacency is lost here: what was crossed so far becomes a candidate of its own
        broken = true;
        if (run !== null && usable(run)) sets.push(run);
        run = info.exact;
      }
      if (!broken) return { exact: run, sets };
      if (run !== null && usable(run)) sets.push(run);
      return { exact: null, sets };
    }
  }
}

/** The rarest literal set that every match of the pattern must contain, or null. */
const literalsCache = new Map<string, { readonly lits: readonly string[]; readonly freq: number } | null>();

export function literalsOf(src: string): { readonly lits: readonly string[]; readonly freq: number } | null {
  if (literalsCache.has(src)) return literalsCache.get(src) ?? null;
  const out = literalsOfUncached(src);
  literalsCache.set(src, out);
  return out;
}

function literalsOfUncached(src: string): { readonly lits: readonly string[]; readonly freq: number } | null {
  const best = bestSet(litInfo(parsePattern(src)));
  if (best === null) return null;
  // a string that contains another string of the set adds nothing
  const sorted = [...new Set(best)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const s of sorted) if (!kept.some((k) => s.includes(k))) kept.push(s);
  return { lits: kept, freq: setFreq(kept) };
}

// ── relaxation of clean-view cores for the folded view ──────────────────────────────────────
// For an ASCII text without confusables, the folded view is the clean view lower-cased with
// every whitespace run collapsed to one space. A clean-view core whose every whitespace-capable
// character may also be a space or nothing, matched case-insensitively, then matches the folded
// view wherever the core matches the clean view: one pass over the folded text answers for both.

function emitForFolded(node: Node, src: string): string {
  switch (node.t) {
    case 'lit':
      if (![...node.ch].some(isSpaceChar)) return src.slice(node.start, node.end);
      return [...node.ch].map((ch) => (isSpaceChar(ch) ? ' ?' : escapeLiteral(ch))).join('');
    case 'class':
      return node.space ? `(?:${src.slice(node.start, node.end)}| )?` : src.slice(node.start, node.end);
    case 'assert':
      return src.slice(node.start, node.end);
    case 'group':
      return `(?:${emitForFolded(node.inner, src)})`;
    case 'alt':
      return node.branches.map((b) => emitForFolded(b, src)).join('|');
    case 'cat':
      return node.items.map((n) => emitForFolded(n, src)).join('');
    case 'rep': {
      if (spaceCapable(node.inner)) {
        const inner = unwrap(node.inner);
        const cls = inner.t === 'lit' ? ' ' : `(?:${src.slice(inner.start, inner.end)}| )`;
        return node.max === null ? `${cls}*` : `${cls}{0,${node.max}}`;
      }
      const inner = `(?:${emitForFolded(node.inner, src)})`;
      if (node.max === null) return `${inner}{${node.min},}`;
      return `${inner}{${node.min},${node.max}}`;
    }
  }
}

/** A clean-view core relaxed to run case-insensitively on the folded view of an ASCII text. */
export function relaxForFolded(core: string): string {
  return emitForFolded(parsePattern(core), core);
}

/** True when every match of the pattern must contain a non-ASCII character (so it cannot match ASCII text). */
export function needsNonAscii(src: string): boolean {
  const l = literalsOf(src);
  if (l === null) return false;
  return l.lits.every((s) => {
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
    return false;
  });
}

function escapeLiteral(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === BOUNDARY) out += '\\b';
    else if ('\\^$.|?*+()[]{}/-'.includes(ch)) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else out += ch;
  }
  return out;
}

/**
 * Empties the derivation memos (parse trees, literal sets, frequencies). They serve start-up, when
 * every pattern is analysed once; afterwards they only hold memory (several MB of parse trees).
 * Anything asked later is derived again, so this costs time, never correctness.
 */
export function releaseDerivationMemos(): void {
  parseCache.clear();
  literalFreqCache.clear();
  literalsCache.clear();
}
