// One-pass prefilter for the injection rules. Every rule pattern ("owner") contributes its cores
// (see cores.ts): RE2 fragments that any match of the pattern must contain. One RE2.Set pass over
// a view tells which owners can possibly match there; clean prose typically has none and costs
// that one pass. For an owner that is present, its own small core union locates the places, and
// only windows around them are handed to the full pattern. Matching goes through re() and the
// native RE2.Set when it is available (without it, a per-owner test on the whole text).
import { createRequire } from 'node:module';
import { REGEX_ENGINE, re, type RegexFlags, type SafeRegex } from '../../re/index.ts';
import { coresOf, literalAnchor, needsNonAscii, relaxForFolded } from './cores.ts';

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

/** Which view an owner's pattern reads. `probe` owners are matched on the folded view like folded ones. */
export type OwnerView = 'folded' | 'plain' | 'clean';

export interface OwnerSpec {
  readonly owner: number;
  readonly view: OwnerView;
  /** The owner's full pattern source (its cores are derived from it). */
  readonly src: string;
}

/** Which set of owners a text is tested against. */
export type Mode =
  /** the folded view or a leet view: folded-view owners */
  | 'folded'
  /** a view that is the plain text: folded- and plain-view owners */
  | 'plain'
  /** the clean view: clean-view owners */
  | 'clean';

/** A slice of a view to run one owner's full pattern on. */
export interface Window {
  /** Offset of `text` in the view text, counting the leading sentinel when there is one. */
  readonly offset: number;
  /** The slice, with a NUL sentinel at a cut edge so that `^`, `$` and line starts cannot match there. */
  readonly text: string;
}

const HIT_CAP = 10_000;
/** Texts up to this length are first tested against the literal anchors alone. */
const QUICK_MAX = 4096;
/** Above this share of the text, windows give way to one pass over the whole text. */
const WHOLE_SHARE = 0.5;
const SNAP = 64;

function isBreak(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

function union(srcs: readonly string[], flags: RegexFlags): SafeRegex {
  return re(srcs.length === 1 ? (srcs[0] as string) : srcs.map((s) => `(?:${s})`).join('|'), flags);
}

class OwnerSet {
  readonly #set: NativeSet | null;
  readonly #index: readonly number[];
  /** Fallback without a native set: each owner's core union. */
  readonly #each: readonly { readonly owner: number; readonly regex: SafeRegex }[];

  constructor(entries: readonly { readonly owner: number; readonly cores: readonly string[] }[], flags: RegexFlags) {
    const srcs: string[] = [];
    const index: number[] = [];
    for (const e of entries) {
      for (const c of e.cores) {
        srcs.push(c);
        index.push(e.owner);
      }
    }
    this.#index = index;
    this.#set = SetCtor && srcs.length > 0 ? new SetCtor(srcs, `${flags}u`) : null;
    this.#each = this.#set ? [] : entries.map((e) => ({ owner: e.owner, regex: union(e.cores, flags) }));
  }

  present(text: string): number[] {
    if (this.#set) {
      const hit = this.#set.match(text);
      if (hit.length === 0) return hit;
      const out = new Set<number>();
      for (const i of hit) out.add(this.#index[i] as number);
      return [...out].sort((a, b) => a - b);
    }
    const out: number[] = [];
    for (const { owner, regex } of this.#each) if (regex.test(text)) out.push(owner);
    return out;
  }
}

export interface PrefilterOptions {
  /** Characters kept on each side of a core hit, per view kind. */
  readonly margin: { readonly folded: number; readonly clean: number };
}

/** Owner id of the internal probe for a non-ASCII character. */
const NON_ASCII_PROBE = -1;

export class Prefilter {
  readonly #sets: Readonly<Record<Mode, OwnerSet>>;
  /**
   * Every owner in one set, for the folded view of an ASCII text whose folded view is its clean
   * view lower-cased with whitespace collapsed: clean-view cores are relaxed to match there too.
   */
  readonly #merged: OwnerSet;
  /** Literals one of which every merged-set owner needs: most short texts stop at this cheap test. */
  readonly #quick: SafeRegex | null;
  /** Per owner: its core union, compiled like its pattern, for locating hits. */
  readonly #locate = new Map<number, SafeRegex>();
  readonly #view = new Map<number, OwnerView>();
  readonly #margin: PrefilterOptions['margin'];

  constructor(owners: readonly OwnerSpec[], options: PrefilterOptions) {
    this.#margin = options.margin;
    const strict = new Map<number, string[]>();
    for (const o of owners) {
      // no usable core: the whole pattern is its own core (always correct, only slower)
      const cores = coresOf(o.src)?.map((c) => c.src) ?? [o.src];
      strict.set(o.owner, cores);
      this.#view.set(o.owner, o.view);
      this.#locate.set(o.owner, union(cores, o.view === 'clean' ? 'i' : ''));
    }
    const pick = (views: readonly OwnerView[]): { owner: number; cores: string[] }[] =>
      owners.filter((o) => views.includes(o.view)).map((o) => ({ owner: o.owner, cores: strict.get(o.owner) as string[] }));
    this.#sets = {
      folded: new OwnerSet(pick(['folded']), ''),
      plain: new OwnerSet(pick(['folded', 'plain']), ''),
      clean: new OwnerSet(pick(['clean']), 'i'),
    };
    // owners that cannot match ASCII text stay out of the merged set (they would only slow it down)
    const merged = owners
      .filter((o) => !needsNonAscii(o.src))
      .map((o) => {
        const cores = strict.get(o.owner) as string[];
        return { owner: o.owner, cores: o.view === 'clean' ? cores.map(relaxForFolded) : cores };
      });
    merged.push({ owner: NON_ASCII_PROBE, cores: ['[^\\x00-\\x7f]'] });
    this.#merged = new OwnerSet(merged, 'i');
    const anchors: string[] = ['[^\\x00-\\x7f]'];
    let complete = true;
    for (const o of owners) {
      if (needsNonAscii(o.src)) continue;
      const a = literalAnchor(o.src, o.view);
      if (a === null) complete = false;
      else anchors.push(a);
    }
    this.#quick = complete ? re([...new Set(anchors.join('|').split('|'))].join('|'), 'i') : null;
  }

  /** Owners whose cores occur in `text`, ascending. */
  present(text: string, mode: Mode): number[] {
    return text.length === 0 ? [] : this.#sets[mode].present(text);
  }

  /**
   * Owners of every view kind that may match, from one pass over the folded text of a text whose
   * folded view is its clean view lower-cased with whitespace collapsed. Null when the text is
   * not ASCII: the caller then tests each view on its own.
   */
  presentMerged(folded: string): number[] | null {
    if (folded.length === 0) return [];
    if (folded.length <= QUICK_MAX && this.#quick && !this.#quick.test(folded)) return [];
    const found = this.#merged.present(folded);
    if (found.length > 0 && found[0] === NON_ASCII_PROBE) return null;
    return found;
  }

  /** The windows of a view text in which `owner`'s pattern can match, in text order. */
  windows(owner: number, text: string): Window[] {
    const n = text.length;
    const M = this.#view.get(owner) === 'clean' ? this.#margin.clean : this.#margin.folded;
    if (n <= 2 * M) return [{ offset: 0, text }];
    const locate = this.#locate.get(owner);
    if (!locate) return [{ offset: 0, text }];
    const hits = locate.all(text, HIT_CAP);
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
    if (hits.length >= HIT_CAP) (spans[spans.length - 1] as [number, number])[1] = n;
    let covered = 0;
    for (const [s, e] of spans) covered += e - s;
    if (covered > n * WHOLE_SHARE) return [{ offset: 0, text }];
    return spans.map(([s, e]) => {
      const head = s > 0 ? '\u0000' : '';
      return { offset: s - head.length, text: `${head}${text.slice(s, e)}${e < n ? '\u0000' : ''}` };
    });
  }
}
