// Prefilter cores: for each rule pattern, a contiguous piece of its own source that every match
// of the pattern must contain ("a core"). Cores are cheap for a combined automaton (no counted
// repetition of groups) and chosen to be rare in ordinary prose, so one pass over a text tells
// where, if anywhere, a full pattern can match. Derived from the pattern text, never hand-listed,
// so a core can never miss a match of its pattern. Pure string work, run once at construction.

/** A parsed RE2 fragment, with its span in the pattern source. */
type Node =
  | { readonly t: 'lit'; readonly ch: string; readonly start: number; readonly end: number }
  | { readonly t: 'class'; readonly set: readonly string[] | null; readonly start: number; readonly end: number }
  | { readonly t: 'assert'; readonly kind: string; readonly start: number; readonly end: number }
  | { readonly t: 'cat'; readonly items: readonly Node[]; readonly start: number; readonly end: number }
  | { readonly t: 'alt'; readonly branches: readonly Node[]; readonly start: number; readonly end: number }
  | { readonly t: 'group'; readonly inner: Node; readonly start: number; readonly end: number }
  | { readonly t: 'rep'; readonly inner: Node; readonly min: number; readonly max: number | null; readonly start: number; readonly end: number };

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
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') items.push(this.parseRepeat());
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
      return { t: 'class', set: null, start, end: this.i };
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
    if ('wWsSdD'.includes(e)) return { t: 'class', set: null, start, end: this.i };
    if (e === 'p' || e === 'P') {
      if (this.src[this.i] === '{') this.i = this.src.indexOf('}', this.i) + 1;
      else this.i++;
      return { t: 'class', set: null, start, end: this.i };
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
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      let lo: string | null;
      if (this.src[this.i] === '\\') {
        const n = this.parseEscape(true);
        lo = n.t === 'lit' ? n.ch : null;
      } else {
        const cp = this.src.codePointAt(this.i) as number;
        lo = String.fromCodePoint(cp);
        this.i += lo.length;
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
          if (b - a > 16) enumerable = false;
          else for (let cp = a; cp <= b; cp++) chars.push(String.fromCodePoint(cp));
        }
      } else if (lo === null) enumerable = false;
      else chars.push(lo);
    }
    if (this.src[this.i] !== ']') throw new Error(`unterminated class in ${this.src}`);
    this.i++;
    return { t: 'class', set: negated || !enumerable ? null : chars, start, end: this.i };
  }
}

export function parsePattern(src: string): Node {
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

function wordFreq(word: string): number {
  if (VERY_COMMON.has(word)) return 2e-2;
  if (COMMON.has(word)) return 4e-3;
  const L = word.length;
  if (L <= 1) return 5e-2;
  if (L === 2) return 1e-2;
  if (L === 3) return 2e-3;
  if (L === 4) return 6e-4;
  if (L === 5) return 2e-4;
  if (L === 6) return 8e-5;
  if (L === 7) return 3e-5;
  return 1e-5;
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

/** Frequency of a literal string: words (Latin, Cyrillic…) by the word model, everything else by character. */
export function literalFreq(s: string): number {
  let f = 1;
  let word = '';
  const flush = (): void => {
    if (word) f *= wordFreq(word.toLowerCase());
    word = '';
  };
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (isWordChar(c)) word += ch;
    else {
      flush();
      if (c !== 0x20) f *= charFreq(ch);
    }
  }
  flush();
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
  return n.t === 'lit' || n.t === 'class';
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
 * character (counted loops are relaxed to open ones when emitted), open loops of simple groups,
 * and optional groups. Counted repetitions of word groups (the filler windows) are not cheap.
 */
function cheap(node: Node): boolean {
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
      if (isSingleChar(node.inner)) return true;
      if (node.max === null) return simple(node.inner);
      return node.max <= 1 && cheap(node.inner);
  }
}

function freq(node: Node, src: string): number {
  switch (node.t) {
    case 'lit':
      return literalFreq(node.ch);
    case 'class':
      return classFreq(node, src);
    case 'assert':
      return node.kind === '^' ? 1e-3 : node.kind === '\\b' ? 0.3 : 1;
    case 'group':
      return freq(node.inner, src);
    case 'rep':
      return node.min === 0 ? 1 : freq(node.inner, src);
    case 'alt':
      return Math.min(1, node.branches.reduce((s, b) => s + freq(b, src), 0));
    case 'cat':
      return seqFreq(itemsOf(node), src);
  }
}

function itemFreq(item: Item, src: string): number {
  if (item.nodes.length === 1 && (item.nodes[0] as Node).t !== 'lit') return freq(item.nodes[0] as Node, src);
  return literalFreq(item.nodes.map((n) => (n.t === 'lit' ? n.ch : '')).join(''));
}

function seqFreq(items: readonly Item[], src: string): number {
  let f = 1;
  for (const it of items) f *= itemFreq(it, src);
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

/**
 * The cores of one pattern: one per top-level alternative, each the rarest contiguous run of
 * cheap items of that alternative. Returns null when an alternative has no usable core.
 */
export function coresOf(src: string): Core[] | null {
  const root = unwrap(parsePattern(src));
  const branches = root.t === 'alt' ? root.branches : [root];
  const out: Core[] = [];
  for (const branch of branches) {
    const items = itemsOf(branch);
    const ok = items.map((it) => it.nodes.every(cheap));
    let best: { i: number; j: number; cost: number; f: number } | null = null;
    for (let i = 0; i < items.length; i++) {
      if (!ok[i]) continue;
      for (let j = i; j < items.length && ok[j]; j++) {
        const f = seqFreq(items.slice(i, j + 1), src);
        const cost = Math.max(f, ENOUGH) * (1 + 0.05 * (j - i));
        if (best === null || cost < best.cost) best = { i, j, cost, f };
      }
    }
    if (best === null || best.f >= 0.5) return null;
    const slice = items.slice(best.i, best.j + 1).flatMap((it) => it.nodes);
    out.push({ src: slice.map((n) => emit(n, src)).join(''), freq: best.f });
  }
  return out;
}
