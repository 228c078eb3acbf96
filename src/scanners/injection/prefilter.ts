// One-pass prefilter for the injection rules. Every rule pattern contributes its cores (see
// cores.ts); one combined automaton finds where any core occurs, and only the windows around
// those places are handed on, each with the list of patterns whose cores it holds. Clean prose
// costs one linear pass per view. Matching goes through re() and, for the per-window "which
// patterns" question, the native RE2.Set when it is available (a per-pattern test otherwise).
import { createRequire } from 'node:module';
import { REGEX_ENGINE, re, type RegexFlags, type SafeRegex } from '../../re/index.ts';
import { coresOf } from './cores.ts';

interface NativeSet {
  match(subject: string): number[];
}
type NativeSetCtor = new (patterns: readonly string[], flags?: string) => NativeSet;

function loadSetCtor(): NativeSetCtor | null {
  if (REGEX_ENGINE !== 're2') return null;
  try {
    const ctor = (createRequire(import.meta.url)('re2') as { Set?: NativeSetCtor }).Set;
    return typeof ctor === 'function' ? ctor : null;
  } catch {
    return null;
  }
}
const SetCtor = loadSetCtor();

/** A text slice to run full patterns on, with the owners whose cores occur in it. */
export interface Window {
  /** Offset of `text` in the view text, counting the leading sentinel when there is one. */
  readonly offset: number;
  /** The slice, with a NUL sentinel at a cut edge so that `^`, `$` and line starts cannot match there. */
  readonly text: string;
  readonly owners: readonly number[];
}

export interface PrefilterLimits {
  /** Characters kept on each side of a core hit. */
  readonly margin: number;
}

const HIT_CAP = 20_000;
/** Above this share of the text, windows are dropped in favour of one pass over the whole text. */
const WHOLE_SHARE = 0.5;
const SNAP = 64;

function isBreak(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

/** Patterns grouped for one kind of view: their cores, one combined regex, and a set. */
export class CoreIndex {
  readonly #combined: SafeRegex;
  readonly #set: NativeSet | null;
  /** Fallback without a native set: one union of cores per owner. */
  readonly #perOwner: readonly { readonly owner: number; readonly regex: SafeRegex }[];
  readonly #coreOwner: readonly number[];
  readonly #margin: number;
  readonly #all: readonly number[];

  constructor(entries: readonly { readonly owner: number; readonly src: string }[], flags: RegexFlags, limits: PrefilterLimits) {
    const cores: string[] = [];
    const coreOwner: number[] = [];
    const byOwner = new Map<number, string[]>();
    for (const { owner, src } of entries) {
      const list = coresOf(src);
      // no usable core: the whole pattern is its own core (correct, only slower)
      const srcs = list === null ? [src] : list.map((c) => c.src);
      for (const s of srcs) {
        cores.push(s);
        coreOwner.push(owner);
        const own = byOwner.get(owner) ?? [];
        own.push(s);
        byOwner.set(owner, own);
      }
    }
    this.#coreOwner = coreOwner;
    this.#combined = re(cores.map((s) => `(?:${s})`).join('|'), flags);
    this.#set = SetCtor ? new SetCtor(cores, `${flags}u`) : null;
    this.#perOwner = this.#set ? [] : [...byOwner].map(([owner, srcs]) => ({ owner, regex: re(srcs.map((s) => `(?:${s})`).join('|'), flags) }));
    this.#margin = limits.margin;
    this.#all = [...byOwner.keys()];
  }

  /** Every owner of this index (for callers that must run everything). */
  get owners(): readonly number[] {
    return this.#all;
  }

  #ownersIn(text: string): number[] {
    if (this.#set) {
      const idx = this.#set.match(text);
      if (idx.length === 0) return idx;
      const out = new Set<number>();
      for (const i of idx) out.add(this.#coreOwner[i] as number);
      return [...out];
    }
    const out: number[] = [];
    for (const { owner, regex } of this.#perOwner) if (regex.test(text)) out.push(owner);
    return out;
  }

  /** The windows of `text` that may hold a match of some owner's pattern, in text order. */
  windows(text: string): Window[] {
    const n = text.length;
    if (n === 0) return [];
    const M = this.#margin;
    if (n <= 2 * M) {
      if (!this.#combined.test(text)) return [];
      const owners = this.#ownersIn(text);
      return owners.length > 0 ? [{ offset: 0, text, owners }] : [];
    }
    const hits = this.#combined.all(text, HIT_CAP);
    if (hits.length === 0) return [];
    const spans: [number, number][] = [];
    for (const h of hits) {
      let s = Math.max(0, h.index - M);
      let e = Math.min(n, h.end + M);
      for (let k = 0; k < SNAP && s > 0 && !isBreak(text.charCodeAt(s)); k++) s--;
      for (let k = 0; k < SNAP && e < n && !isBreak(text.charCodeAt(e - 1)); k++) e++;
      const last = spans[spans.length - 1];
      if (last && s <= last[1] + SNAP) last[1] = Math.max(last[1], e);
      else spans.push([s, e]);
    }
    if (hits.length >= HIT_CAP) {
      const last = spans[spans.length - 1] as [number, number];
      last[1] = n;
    }
    let covered = 0;
    for (const [s, e] of spans) covered += e - s;
    if (covered > n * WHOLE_SHARE) {
      const owners = this.#ownersIn(text);
      return owners.length > 0 ? [{ offset: 0, text, owners }] : [];
    }
    const out: Window[] = [];
    for (const [s, e] of spans) {
      const head = s > 0 ? '\u0000' : '';
      const slice = `${head}${text.slice(s, e)}${e < n ? '\u0000' : ''}`;
      const owners = this.#ownersIn(slice);
      if (owners.length > 0) out.push({ offset: s - head.length, text: slice, owners });
    }
    return out;
  }
}
