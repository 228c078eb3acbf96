// Prefilter for the injection rules. Every rule pattern ("owner") contributes its cores (see
// cores.ts): RE2 fragments that any match of the pattern must contain. Four RE2.Sets of the cores
// (one per kind of core, so that their automata stay small: see coreFamily), run over a view in large
// chunks, tell which owners can match and roughly where; clean prose typically has none and costs
// those passes. Only the chunks an owner's cores occur in (with a margin) are handed to its full
// pattern. For an ASCII text one pass over the folded view stands for every view (clean-view
// cores are relaxed to match there). Matching goes through re() and the
// native RE2.Set; without the native binding each owner's cores are tested one by one.
import { re, regexSet, type RegexFlags, type RegexSet, type SafeRegex } from '../../re/index.ts';
import { isAscii } from '../../normalize/ascii.ts';
import { coresFor, needsNonAsciiFor, relaxedFor, wildCoresFor } from './core-table.ts';



/** Which view an owner's pattern reads. */
export type OwnerView = 'folded' | 'plain' | 'clean';

export interface OwnerSpec {
  readonly owner: number;
  readonly view: OwnerView;
  /** The owner's full pattern source (its cores are derived from it). */
  readonly src: string;
}

/** Which set of owners a view is tested against. */
export type Mode =
  /** the folded view or a leet view: folded-view owners */
  | 'folded'
  /** a plain view that differs from the folded one: folded- and plain-view owners */
  | 'plain'
  /** the clean view: clean-view owners */
  | 'clean';

/** A slice of a view to run a full pattern on. */
export interface Window {
  /** Offset of `text` in the view text, counting the leading sentinel when there is one. */
  readonly offset: number;
  /** The slice, with a NUL sentinel at a cut edge so that `^`, `$` and line starts cannot match there. */
  readonly text: string;
}

/** Where in a view each present owner's cores occur: chunk spans per owner, in text order. */
export type Presence = ReadonlyMap<number, readonly (readonly [number, number])[]>;

/** Chunk length for the set pass, and the overlap that keeps a short core from falling between chunks. */
const CHUNK = 4096;
const OVERLAP = 256;
const HIT_CAP = 10_000;
/** Owners per union in the path without a native set. */
const GROUP = 8;
/** Longest piece of text searched for one owner's cores at a time. */
const PIECE = 16_384;
/** Above this share of the text, windows give way to one pass over the whole text. */
const WHOLE_SHARE = 0.5;
const SNAP = 64;
/**
 * Longest view text whose plain, clean or leet pass goes through the merged set (see
 * #presenceMerged). A longer text warms a per-view set's automaton by itself, and a warm smaller
 * set reads a byte for less than the merged one (2.5 MB of generated prose, read in chunks with a
 * clean pass each: 100 ms per scan through the clean set, 141 ms through the merged set).
 */
const MERGED_MAX = 64 * 1024;
/** Above this length a folded ASCII text is converted to bytes once for all its chunk passes (shorter ones use the set's scratch buffer). */
const BYTES_ONCE_MIN = 1024;

function isBreak(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

/** Whether an owner of the given view is one the set of `mode` holds. */
function reads(view: OwnerView | undefined, mode: Mode): boolean {
  return mode === 'clean' ? view === 'clean' : view === 'folded' || (mode === 'plain' && view === 'plain');
}

/**
 * Whether a clean-view core's relaxed form (relaxedFor) matches a clean text wherever the core
 * does: relaxation lets each whitespace-capable part also match a space or nothing, which only
 * widens it, except where a literal tab, newline or other non-space whitespace character becomes
 * "a space or nothing". A core that names one is left to a set of its own.
 */
export function widensOnClean(core: string): boolean {
  return !/\\[ntrvf]|[\t\n\r\v\f]/.test(core);
}

/**
 * True when a core (matched in the merged set case-insensitively, in its own set case-sensitively)
 * names, outside escapes, no upper-case letter and no non-ASCII character but general punctuation.
 * On a text without upper-case ASCII letters, U+017F (long s) and U+212A (Kelvin sign), the only
 * characters whose case folding meets an ASCII letter (checked against the engine), it then
 * matches the same either way: a class, negated or not, only gains or loses those characters.
 */
export function isCaseFree(core: string): boolean {
  for (let i = 0; i < core.length; i++) {
    const c = core.charCodeAt(i);
    if (c === 0x5c) {
      // an escape: its letter names a class or an assertion; \p{..}, \x{..}, octal codes and \Q are left out
      const next = core.charCodeAt(i + 1);
      if (next === 0x70 || next === 0x50 || next === 0x78 || next === 0x51 || (next >= 0x30 && next <= 0x39)) return false;
      i++;
      continue;
    }
    // general punctuation (curly quotes, dashes) has no case
    if ((c >= 0x41 && c <= 0x5a) || (c > 0x7f && !(c >= 0x2000 && c <= 0x206f))) return false;
  }
  return true;
}

/** A character case-insensitive matching treats differently from case-sensitive matching for a case-free core. */
const CASED = (): SafeRegex => re('[A-Z\\x{17f}\\x{212a}]');

function union(srcs: readonly string[], flags: RegexFlags): SafeRegex {
  return re(srcs.length === 1 ? (srcs[0] as string) : srcs.map((s) => `(?:${s})`).join('|'), flags);
}

interface OwnerGroup {
  readonly regex: SafeRegex;
  readonly members: readonly { readonly owner: number; readonly regex: SafeRegex }[];
}

/**
 * Whether a core keeps a partial match alive across an arbitrary word (`[\w'’-]{1,}`, `\w{1,}`,
 * `[^.!?;|]`...). Such cores are kept apart from the others in the native sets (see coreFamily).
 */
export function isWordGapCore(core: string): boolean {
  return /\\w\{|\\w[*+]|\[\\w[^\]]*\](?:\{1,|[*+])|\[\^\.|\\S/.test(core);
}

/** The native sets the cores are spread over (see coreFamily). */
export const CORE_FAMILIES = ['bounded', 'bounded-gap', 'infix', 'punct'] as const;
export type CoreFamily = (typeof CORE_FAMILIES)[number];

/**
 * Which native set a core goes to, by how a match of it can start and whether it runs on through an
 * arbitrary word. RE2 builds each set's DFA lazily, one state per combination of partial matches in
 * flight, and on text it has not seen it builds states at nearly every byte; cores of different
 * kinds in one automaton multiply each other's states. Measured on 400 pieces of 1 KB of real text
 * never seen before (BIPIA email, table and Stack Overflow contexts, after the WildGuard prompts),
 * the ~430 ASCII cores cost ~310 µs/KB in two sets (word-gap and the rest) and ~75 µs/KB in these
 * four: `bounded` (starts at a word boundary: `\bword...`), `bounded-gap` (the same, with a word
 * gap), `infix` (starts with a word character anywhere, even inside a word: `token`, `(?:end|stop)\b`)
 * and `punct` (starts with markup or punctuation: `<|im_start|>`, `\.ssh`, `(?:^|[.!?])...`). Each
 * further set costs one more pass (~3 µs/KB on warm text). Speed only: any split finds the same owners.
 */
export function coreFamily(core: string): CoreFamily {
  const gap = isWordGapCore(core);
  if (core.startsWith('\\b')) return gap ? 'bounded-gap' : 'bounded';
  const head = core.replace(/^(?:\(\?:)+/, '');
  return /^[A-Za-z0-9_]|^\\b/.test(head) ? 'infix' : 'punct';
}

/** One native set and, per pattern of it, the owners that pattern is a core of (a core shared by several owners is in the set once). */
interface NativePart {
  readonly set: RegexSet;
  readonly owners: readonly (readonly number[])[];
}

class OwnerSet {
  /**
   * The native sets: undefined until first used (see `eager`), null without the native binding.
   * The cores are spread over one set per family (see coreFamily).
   */
  #parts: readonly NativePart[] | null | undefined;
  /** The cores in set order, kept until the sets are built. */
  #srcs: readonly string[] | null;
  readonly #index: readonly number[];
  readonly #entries: readonly { readonly owner: number; readonly cores: readonly string[] }[];
  readonly #flags: RegexFlags;
  /**
   * The path without a native set (or when the set gives up on a text): owners in small groups,
   * each group's cores in one union tested first, then each owner of a group that matched.
   */
  #groups: readonly OwnerGroup[] | null = null;

  /**
   * `eager`: compile now (a set every scan uses; a bad core then fails at start-up). Otherwise the
   * set is compiled on first use: sets that only some texts need (non-ASCII text, decoded layers,
   * texts past the scan limit) cost neither start-up time nor memory in a process that never sees one.
   */
  constructor(entries: readonly { readonly owner: number; readonly cores: readonly string[] }[], flags: RegexFlags, eager = false) {
    const srcs: string[] = [];
    const index: number[] = [];
    for (const e of entries) {
      for (const c of e.cores) {
        srcs.push(c);
        index.push(e.owner);
      }
    }
    this.#index = index;
    this.#entries = entries;
    this.#flags = flags;
    this.#srcs = srcs;
    if (eager) this.#native();
  }

  #native(): readonly NativePart[] | null {
    if (this.#parts === undefined) {
      const srcs = this.#srcs ?? [];
      const flags = this.#flags === 'i' ? 'i' : '';
      const parts: NativePart[] = [];
      for (const family of CORE_FAMILIES) {
        const byCore = new Map<string, number[]>();
        srcs.forEach((c, i) => {
          if (coreFamily(c) !== family) return;
          const owner = this.#index[i] as number;
          const list = byCore.get(c);
          if (!list) byCore.set(c, [owner]);
          else if (!list.includes(owner)) list.push(owner);
        });
        if (byCore.size === 0) continue;
        const own = [...byCore.keys()];
        const owners = [...byCore.values()];
        const set = regexSet(own, flags);
        if (!set) break;
        parts.push({ set, owners });
      }
      this.#parts = parts.length > 0 ? parts : srcs.length === 0 ? [] : null;
      this.#srcs = null;
    }
    return this.#parts;
  }

  #perOwner(): readonly OwnerGroup[] {
    if (this.#groups) return this.#groups;
    const groups: { regex: SafeRegex; members: { owner: number; regex: SafeRegex }[] }[] = [];
    for (let i = 0; i < this.#entries.length; i += GROUP) {
      const part = this.#entries.slice(i, i + GROUP);
      groups.push({
        regex: union(part.flatMap((e) => e.cores), this.#flags),
        members: part.map((e) => ({ owner: e.owner, regex: union(e.cores, this.#flags) })),
      });
    }
    this.#groups = groups;
    return groups;
  }

  /**
   * Owners with a core in `text[from, to)` (unordered, may repeat). `bytes`, when given, is the
   * same ASCII text as one byte per character: the native set then reads it without conversion.
   */
  present(text: string, from: number, to: number, bytes: Buffer | null): readonly number[] {
    const whole = from === 0 && to === text.length;
    const parts = this.#native();
    if (parts) {
      const subject = bytes ? (whole ? bytes : bytes.subarray(from, to)) : whole ? text : text.slice(from, to);
      const out: number[] = [];
      try {
        for (const { set, owners } of parts) for (const i of set.match(subject)) for (const o of owners[i] as readonly number[]) out.push(o);
        return out;
      } catch {
        // a set's automaton ran out of memory on this text: test owner by owner instead
      }
    }
    const slice = whole ? text : text.slice(from, to);
    const out: number[] = [];
    for (const g of this.#perOwner()) {
      if (!g.regex.test(slice)) continue;
      for (const { owner, regex } of g.members) if (regex.test(slice)) out.push(owner);
    }
    return out;
  }

  /** True when the native sets are available (compiling them now if they are not yet). */
  native(): boolean {
    return this.#native() !== null;
  }

  /**
   * Per present owner, the chunks of `text` its cores occur in. With `keep`, an owner this set
   * reports in a chunk counts only when `keep(owner, chunk)` says so (asked once per owner and chunk).
   */
  presence(text: string, bytes: Buffer | null = null, keep?: (owner: number, chunk: string) => boolean): Map<number, [number, number][]> {
    const out = new Map<number, [number, number][]>();
    const n = text.length;
    for (let s = 0; s < n; s += CHUNK) {
      const e = Math.min(n, s + CHUNK + OVERLAP);
      const owners = this.present(text, s, e, bytes);
      let chunk: string | null = null;
      let asked: Set<number> | null = null;
      for (const o of owners) {
        const spans = out.get(o);
        const last = spans?.[spans.length - 1];
        if (last && last[0] === s) continue;
        if (keep) {
          asked ??= new Set();
          if (asked.has(o)) continue;
          asked.add(o);
          chunk ??= s === 0 && e === n ? text : text.slice(s, e);
          if (!keep(o, chunk)) continue;
        }
        if (!spans) out.set(o, [[s, e]]);
        else spans.push([s, e]);
      }
      if (e === n) break;
    }
    return out;
  }
}

export interface PrefilterOptions {
  /** Characters kept on each side of a core hit, per view kind. */
  readonly margin: { readonly folded: number; readonly clean: number };
}

export class Prefilter {
  readonly #sets: Readonly<Record<Mode, OwnerSet>>;
  /**
   * Every owner in one set, for the folded view of an ASCII text whose folded view is its clean
   * view lower-cased with whitespace collapsed: clean-view cores are relaxed to match there too.
   */
  readonly #merged: OwnerSet;
  /** Owners that need a non-ASCII character (foreign-script patterns), for a folded view that has one. */
  readonly #nonAscii: OwnerSet;
  /** Per owner: its pattern source, and (built on first use) its locating core union. */
  readonly #src = new Map<number, string>();
  readonly #locate = new Map<number, SafeRegex>();
  readonly #view = new Map<number, OwnerView>();
  readonly #margin: PrefilterOptions['margin'];
  /** Per owner, its cores (unrelaxed), and (built on first use) their union that confirms a merged-set report. */
  readonly #strict: ReadonlyMap<number, readonly string[]>;
  readonly #confirm = new Map<number, SafeRegex>();
  /** Owners the merged set stands in for on any view text of their kind (see #presenceMerged). */
  readonly #gated: ReadonlySet<number>;
  /** Clean-view owners it does not stand in for there, case-insensitive like the clean set. */
  readonly #cleanRest: OwnerSet;
  /**
   * Owners the merged set reports exactly as their own set would: clean-view owners whose cores
   * were not relaxed (same cores, same flags), and other owners whose cores are case-free (see
   * isCaseFree) when the text has no character case-insensitivity could matter for.
   */
  readonly #asIs: ReadonlySet<number>;

  constructor(owners: readonly OwnerSpec[], options: PrefilterOptions) {
    this.#margin = options.margin;
    const strict = new Map<number, string[]>();
    for (const o of owners) {
      // no usable core: the whole pattern is its own core (always correct, only slower)
      const cores = [...(coresFor(o.src) ?? [o.src])];
      strict.set(o.owner, cores);
      this.#view.set(o.owner, o.view);
      this.#src.set(o.owner, o.src);
    }
    const pick = (views: readonly OwnerView[]): { owner: number; cores: string[] }[] =>
      owners.filter((o) => views.includes(o.view)).map((o) => ({ owner: o.owner, cores: strict.get(o.owner) as string[] }));
    this.#sets = {
      folded: new OwnerSet(pick(['folded']), ''),
      plain: new OwnerSet(pick(['folded', 'plain']), ''),
      clean: new OwnerSet(pick(['clean']), 'i'),
    };
    // owners that cannot match ASCII text stay out of the merged set (they would only slow it down)
    const ascii = owners.filter((o) => !needsNonAsciiFor(o.src));
    const merged = ascii.map((o) => {
      const cores = strict.get(o.owner) as string[];
      return { owner: o.owner, cores: o.view === 'clean' ? cores.map(relaxedFor) : cores };
    });
    this.#merged = new OwnerSet(merged, 'i', true);
    this.#nonAscii = new OwnerSet(
      owners.filter((o) => needsNonAsciiFor(o.src)).map((o) => ({ owner: o.owner, cores: strict.get(o.owner) as string[] })),
      '',
    );
    this.#strict = strict;
    // clean-view owners the merged set cannot stand in for on a clean text (see #presenceMerged)
    this.#cleanRest = new OwnerSet(
      owners
        .filter((o) => o.view === 'clean' && (needsNonAsciiFor(o.src) || !(strict.get(o.owner) as string[]).every(widensOnClean)))
        .map((o) => ({ owner: o.owner, cores: strict.get(o.owner) as string[] })),
      'i',
    );
    this.#gated = new Set(owners.filter((o) => !needsNonAsciiFor(o.src) && (o.view !== 'clean' || (strict.get(o.owner) as string[]).every(widensOnClean))).map((o) => o.owner));
    // owners whose report by the merged set needs no confirmation (see #presenceMerged)
    this.#asIs = new Set(
      owners
        .filter((o) => {
          const cores = strict.get(o.owner) as string[];
          return o.view === 'clean' ? cores.every((c) => relaxedFor(c) === c) : cores.every(isCaseFree);
        })
        .map((o) => o.owner),
    );
  }

  /** Where each owner of `mode` may match in a view text. */
  presence(text: string, mode: Mode): Presence {
    if (text.length === 0) return new Map();
    // U+017F and U+212A: RE2's case-insensitive negated classes (\W, [^\w.!?;|]) lose them, so the
    // merged set is no superset on a text holding one (NFKC views never do: this keeps the API exact)
    const mergedFits = text.length <= MERGED_MAX && text.indexOf('\u017f') < 0 && text.indexOf('\u212a') < 0;
    return mergedFits && this.#merged.native() ? this.#presenceMerged(text, mode) : this.#sets[mode].presence(text);
  }

  /** presence() by the mode's own set: the reference the merged path must agree with (for tests). */
  presenceBySet(text: string, mode: Mode): Presence {
    return text.length === 0 ? new Map() : this.#sets[mode].presence(text);
  }

  /**
   * presence() by the merged set, which every scan keeps warm: a set of its own for each mode would
   * see only the few texts that need that mode and build its automaton afresh for nearly every one
   * (real text at first sight costs several times what the merged set costs on the same bytes).
   * The merged set reports a superset of the mode's owners: it holds the same cores case-
   * insensitively, and a clean-view owner's cores relaxed (wider); each owner it reports in a chunk
   * is confirmed there by its own cores with the mode's flags, so the result is the mode set's.
   * No confirmation is needed where the two cannot differ (#asIs). Owners the merged set does not
   * hold (those needing a non-ASCII character, and clean-view owners whose relaxed cores might not
   * be wider on a clean text) get passes of their own.
   */
  #presenceMerged(text: string, mode: Mode): Presence {
    // no upper-case ASCII letter, long s or Kelvin sign: a case-free core matches as it would case-sensitively
    const caseSafe = mode !== 'clean' && !CASED().test(text);
    const found = this.#merged.presence(text, null, (o, chunk) => {
      const view = this.#view.get(o);
      if (!this.#gated.has(o) || !reads(view, mode)) return false;
      if (this.#asIs.has(o) && (view === 'clean' || caseSafe)) return true;
      return this.#confirmer(o).test(chunk);
    });
    if (mode === 'clean') {
      for (const [o, spans] of this.#cleanRest.presence(text)) found.set(o, spans);
    } else if (!isAscii(text)) {
      for (const [o, spans] of this.#nonAscii.presence(text, null, (o) => reads(this.#view.get(o), mode))) found.set(o, spans);
    }
    return found;
  }

  /** An owner's own cores in one regex, with the flags of its view's set. */
  #confirmer(owner: number): SafeRegex {
    let regex = this.#confirm.get(owner);
    if (!regex) {
      regex = union(this.#strict.get(owner) ?? [], this.#view.get(owner) === 'clean' ? 'i' : '');
      this.#confirm.set(owner, regex);
    }
    return regex;
  }

  /**
   * Where each owner may match, from one pass over a folded view. The spans are exact for the
   * folded-view owners; they also hold for the plain-view owners when the plain view is this
   * folded view, and for clean-view owners (as "somewhere": they are in folded coordinates) when
   * the folded view is the clean view lower-cased with whitespace collapsed. Owners that need a
   * non-ASCII character are reported only when the text has one (a second, small pass).
   */
  presenceFolded(folded: string): Presence {
    const n = folded.length;
    if (n === 0) return new Map();
    // ASCII exactly when UTF-8 needs one byte per UTF-16 unit
    const ascii = Buffer.byteLength(folded, 'utf8') === n;
    // For ASCII text the Latin-1 bytes are the UTF-8 bytes: the native set reads them unconverted.
    // (A first test of each owner's literal anchors alone, for short texts, was removed: one regex of
    // every anchor builds DFA states as fast as real text brings new words, and it cost more than
    // the set passes it was meant to spare; bench "real text" rows.)
    const found = this.#merged.presence(folded, ascii && n > BYTES_ONCE_MIN ? Buffer.from(folded, 'latin1') : null);
    if (!ascii) for (const [o, spans] of this.#nonAscii.presence(folded)) found.set(o, spans);
    return found;
  }

  /**
   * Windows of a view text in which `owner`'s pattern can match, in text order: around the hits of
   * the owner's own cores, looked for stretch by stretch in the given chunks (or in the whole
   * text), so that a caller that stops at the first match stops the search too.
   */
  *windows(owner: number, text: string, spans?: readonly (readonly [number, number])[]): Generator<Window> {
    const n = text.length;
    const M = this.#view.get(owner) === 'clean' ? this.#margin.clean : this.#margin.folded;
    if (n <= 2 * M) {
      yield { offset: 0, text };
      return;
    }
    const locate = this.#locator(owner);
    if (!locate) {
      yield { offset: 0, text };
      return;
    }
    // adjacent chunks overlap: each stretch of consecutive chunks is searched once, in pieces of
    // bounded length so that a first match early in a long stretch ends the search early
    const merged: [number, number][] = [];
    for (const [s, e] of spans ?? [[0, n] as const]) {
      const last = merged[merged.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    const stretches: [number, number][] = [];
    for (const [s, e] of merged) {
      for (let a = s; a < e; a += PIECE) {
        const b = Math.min(e, a + PIECE + OVERLAP);
        stretches.push([a, b]);
        if (b === e) break;
      }
    }
    let budget = HIT_CAP;
    for (const [from, to] of stretches) {
      const slice = from === 0 && to === n ? text : text.slice(from, to);
      const hits = locate.all(slice, budget);
      budget -= hits.length;
      // windows of neighbouring stretches may overlap a little: a match across their seam is
      // still inside one of them
      const spansOut: [number, number][] = [];
      for (const h of hits) {
        const s = Math.max(0, from + h.index - M);
        const e = Math.min(n, from + h.end + M);
        const last = spansOut[spansOut.length - 1];
        if (last && s <= last[1] + SNAP) last[1] = Math.max(last[1], e);
        else spansOut.push([s, e]);
      }
      if (budget <= 0 && spansOut.length > 0) (spansOut[spansOut.length - 1] as [number, number])[1] = n;
      const windows = this.#cut(text, spansOut);
      for (const w of windows) yield w;
      // the whole text was handed over, or the hit budget is spent (the last window runs to the end)
      if (budget <= 0 || (windows.length === 1 && windows[0]?.offset === 0 && windows[0].text === text)) return;
    }
  }

  /** The owner's core union for locating hits; it runs one owner at a time, so its cores may bridge filler windows. */
  #locator(owner: number): SafeRegex | null {
    const known = this.#locate.get(owner);
    if (known) return known;
    const src = this.#src.get(owner);
    if (src === undefined) return null;
    const cores = [...(wildCoresFor(src) ?? [src])];
    const regex = union(cores, this.#view.get(owner) === 'clean' ? 'i' : '');
    this.#locate.set(owner, regex);
    return regex;
  }

  #cut(text: string, spans: readonly [number, number][]): Window[] {
    const n = text.length;
    let covered = 0;
    for (const [s, e] of spans) covered += e - s;
    if (covered > n * WHOLE_SHARE) return [{ offset: 0, text }];
    return spans.map(([s0, e0]) => {
      let s = s0;
      let e = e0;
      // cut at whitespace where one is near, so a word is not split
      for (let k = 0; k < SNAP && s > 0 && !isBreak(text.charCodeAt(s)); k++) s--;
      for (let k = 0; k < SNAP && e < n && !isBreak(text.charCodeAt(e - 1)); k++) e++;
      const head = s > 0 ? '\u0000' : '';
      return { offset: s - head.length, text: `${head}${text.slice(s, e)}${e < n ? '\u0000' : ''}` };
    });
  }
}
