// injection: finds prompt-injection attempts in text that reaches the model (ingress and neutral
// segments, including every decoded layer), scoring combined evidence from ~30 rule families.
// It must never do I/O, read the clock, throw on any input, run unbounded loops, or use a JS
// RegExp on untrusted text (all matching goes through re()); rule families and MITRE ids: README.md.
import type { Finding, Flow, Severity } from '../../core/types.ts';
import { clip, redactPreview } from '../../core/redact.ts';
import type { EvasionSignals, Prepared } from '../../normalize/types.ts';
import { foldText, isAscii, prepare, QuietTexts } from '../../normalize/index.ts';
import { re, type RegexMatch, type SafeRegex } from '../../re/index.ts';
import type { ScanContext, ScanView, Scanner, SegmentPart } from '../types.ts';
import { CODE_CLASSES, CODE_DESTRUCTIVE, CODE_FETCH_EXEC, FAMILIES, FAMILY_BY_ID, codeWeight, type Family, type PatternSpec } from './rules.ts';
import { DEFAULT_THRESHOLDS, combine, familyWeight, severityOf, type Thresholds } from './score.ts';
import { Prefilter, type OwnerSpec, type Presence } from './prefilter.ts';
import { LEET_PAIR_SRC, chunkStep, groupsOf, leetClauses, leetFold, pushView, type TextView, type ViewName } from './views.ts';
import { MENTION_WEIGHT, isMention } from './mention.ts';
import { isSetupConditional } from './setup-condition.ts';
import { isWarnedCommand } from './warned-command.ts';
import { isDocumentedInstall, isDocumentedInstallLine, isWorkflowNote } from './install-doc.ts';
import { isDescribedAccess } from './described-access.ts';
import { isPlaceholderName, isTemplateSlot } from './template-doc.ts';
import { isNounAdjunct } from './noun-adjunct.ts';
import { releaseDerivationMemos } from './cores.ts';
import { WINDOW_UNITS, worstPlace } from './locality.ts';
import { insideOneLeaf, joinFields } from './joined.ts';

export interface InjectionOptions {
  /** Lowest combined score that produces findings (the `low` severity threshold). */
  readonly minScore: number;
  /** Scores at or above these get the named severity. */
  readonly thresholds: { readonly medium: number; readonly high: number; readonly critical: number };
  /** Rule ids (`injection/<family>`) to switch off. */
  readonly disabledRules: readonly string[];
  /** Cap on findings per scan call. */
  readonly maxFindings: number;
  /**
   * Longest text matched at once per view; longer texts are read whole, as overlapping chunks of this
   * length (at least 8 KiB), so the cost stays linear.
   */
  readonly maxScanChars: number;
  /** Most decoded layers scanned per segment; a segment with more reports injection/scan-incomplete. */
  readonly maxLayers: number;
  /**
   * Added to the weight of reader-addressing families (response manipulation, code insertion,
   * notes to the AI, tool directives) in ingress segments, where such text is third-party content.
   */
  readonly thirdPartyBoost: number;
  /**
   * Added in ingress segments to an override family (instruction override, replacement
   * instructions, role override, and their non-English forms) that reached `overrideMinWeight`:
   * text that tells the model to drop its instructions is the canonical attack when it arrives in
   * third-party content, while in the user's own text it keeps its base weight.
   */
  readonly overrideBoost: number;
  /** Lowest family weight an override family needs before `overrideBoost` applies (weak cues stay unboosted). */
  readonly overrideMinWeight: number;
}

export const DEFAULT_INJECTION_OPTIONS: InjectionOptions = {
  minScore: DEFAULT_THRESHOLDS.low,
  thresholds: { medium: DEFAULT_THRESHOLDS.medium, high: DEFAULT_THRESHOLDS.high, critical: DEFAULT_THRESHOLDS.critical },
  disabledRules: [],
  maxFindings: 100,
  maxScanChars: 1 << 20,
  maxLayers: 64,
  thirdPartyBoost: 1.5,
  overrideBoost: 2,
  overrideMinWeight: 5,
};

/**
 * Every rule family id (what disabledRules names). Besides these the scanner emits
 * injection/scan-incomplete when a limit cut a scan short.
 */
export const INJECTION_RULE_IDS: readonly string[] = FAMILIES.map((fam) => fam.id);

/** Something the prefilter can point at: a rule pattern, a suspicious-code indicator class, or a probe. */
type Owner = (
  | { readonly kind: 'pattern'; readonly family: Family; readonly spec: PatternSpec; readonly regex: SafeRegex }
  | { readonly kind: 'code'; readonly cls: number; readonly regex: SafeRegex }
  /** user/assistant labels at line starts: fake-turns is decided on all labels of the view */
  | { readonly kind: 'turns' }
  /** a word mixing letters and leet characters: the leet view is built only when one occurs */
  | { readonly kind: 'leet' }
) & {
  /** True when the owner reads the clean view. */
  readonly clean: boolean;
};

interface Compiled {
  readonly owners: readonly Owner[];
  readonly prefilter: Prefilter;
  readonly leet: number;
}

/** Characters kept around a core hit: enough for the longest windowed pattern of each view kind. */
const MARGIN = { folded: 640, clean: 1024 } as const;

let compiledCache: Compiled | null = null;
function compiled(): Compiled {
  if (compiledCache) return compiledCache;
  const { owners, specs, leet } = buildOwners();
  compiledCache = { owners, prefilter: new Prefilter(specs, { margin: MARGIN }), leet };
  // the prefilter is derived: the parse trees and literal sets it was derived from are not needed again
  releaseDerivationMemos();
  return compiledCache;
}

/** Every pattern the prefilter serves, with its view (for scripts/gen-injection-cores.ts). */
export function injectionOwnerSpecs(): readonly OwnerSpec[] {
  return buildOwners().specs;
}

function buildOwners(): { owners: Owner[]; specs: OwnerSpec[]; leet: number } {
  const owners: Owner[] = [];
  const specs: OwnerSpec[] = [];
  for (const family of FAMILIES) {
    for (const spec of family.patterns) {
      specs.push({ owner: owners.length, view: spec.view, src: spec.src });
      owners.push({ kind: 'pattern', family, spec, regex: re(spec.src, spec.view === 'clean' ? 'i' : ''), clean: spec.view === 'clean' });
    }
  }
  CODE_CLASSES.forEach((spec, cls) => {
    specs.push({ owner: owners.length, view: 'clean', src: spec.src });
    owners.push({ kind: 'code', cls, regex: re(spec.src, 'i'), clean: true });
  });
  specs.push({ owner: owners.length, view: 'clean', src: TURN_LABEL_SRC });
  owners.push({ kind: 'turns', clean: true });
  const leet = owners.length;
  specs.push({ owner: leet, view: 'folded', src: LEET_PAIR_SRC });
  owners.push({ kind: 'leet', clean: false });
  return { owners, specs, leet };
}

const TURN_LABEL_SRC = '(?:^|\\n)[ \\t>*_#]*(human|user|assistant|ai|gpt|chatgpt|claude|bot|model)[ \\t*_]*:';
const TURN_LABEL = (): SafeRegex => re(TURN_LABEL_SRC, 'i');
const URGENCY = (): SafeRegex =>
  re('\\b(?:urgent(?:ly)?|immediately|asap|right now|right away|time-sensitive|emergency|without delay|as soon as possible|top priority|highest priority|within \\d+ (?:minutes|hours))\\b');
const AUTHORITY = (): SafeRegex =>
  re('\\b(?:admin(?:istrator)?|sysadmin|security team|it department|it team|ceo|cto|cfo|management|compliance (?:team|officer)|developers?|openai|anthropic|the system|root user|operator|supervisor|your (?:boss|manager|owner))\\b');
const NON_ASCII_LETTER = (): SafeRegex => re('[^\\x00-\\x7f]');

/** One pattern match. */
export interface Hit {
  readonly family: string;
  readonly label: string;
  readonly weight: number;
  readonly names: readonly ViewName[];
  readonly chain: readonly string[];
  readonly text: string;
  /** Index of the view matched (-1 for signal hits) and the span in it. */
  readonly view: number;
  readonly start: number;
  readonly end: number;
  /** The pattern owner that matched (pattern hits only). */
  readonly owner?: number;
}

export interface FamilyResult {
  readonly family: Family;
  readonly weight: number;
  /** The hit shown as evidence (strongest, preferring the undecoded text). */
  readonly best: Hit;
  readonly labels: readonly string[];
}

export interface Analysis {
  readonly score: number;
  readonly severity: Severity | null;
  readonly families: readonly FamilyResult[];
}

/** Hits kept per family; past it a new hit replaces the weakest kept one, so the strongest always count. */
const HITS_PER_FAMILY = 64;

function addHit(map: Map<string, Hit[]>, hit: Hit): void {
  const list = map.get(hit.family);
  if (!list) {
    map.set(hit.family, [hit]);
    return;
  }
  if (list.length < HITS_PER_FAMILY) {
    list.push(hit);
    return;
  }
  let weakest = 0;
  for (let i = 1; i < list.length; i++) if ((list[i] as Hit).weight < (list[weakest] as Hit).weight) weakest = i;
  if ((list[weakest] as Hit).weight < hit.weight) list[weakest] = hit;
}

function hasName(hit: Hit, ...names: ViewName[]): boolean {
  return hit.names.some((n) => names.includes(n));
}

function sameChain(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function syntheticHit(family: string, weight: number, text: string, chain: readonly string[] = []): Hit {
  return { family, label: 'signal', weight, names: ['clean'], chain, text, view: -1, start: 0, end: 0 };
}

function overlaps(a: Hit, b: Hit): boolean {
  return a.view >= 0 && a.view === b.view && a.start < b.end && b.start < a.end;
}

/**
 * Families whose evidence shows the text casting or instructing its reader ("pretend to be", "never
 * refuse", "from now on"): a stacking family's cues stack only near such a hit (ADDRESS_MIN weight or
 * more, within ADDRESS_NEAR characters in the same view), so that a report describing jailbreak
 * personas is not scored as one being installed, and a weak "can act as a proxy" pages away opens nothing.
 */
const ADDRESSING: ReadonlySet<string> = new Set([
  'injection/role-override',
  'injection/refusal-suppression',
  'injection/response-hijack',
  'injection/instruction-override',
  'injection/new-instructions',
  'injection/addressed-to-ai',
  'injection/answer-tampering',
]);
const ADDRESS_MIN = 1.5;
const ADDRESS_NEAR = 400;

/** Whether a hit lies within ADDRESS_NEAR view characters of one of the addressing hits, in the same view. */
function nearAddress(h: Hit, address: readonly Hit[]): boolean {
  return address.some((a) => a.view >= 0 && a.view === h.view && a.start - h.end <= ADDRESS_NEAR && h.start - a.end <= ADDRESS_NEAR);
}

/** A stacking family's weight (Family.stack): its best hit plus a share per further distinct label; 0 for other families. */
function stackedWeight(family: Family | undefined, best: Hit, list: readonly Hit[], address: readonly Hit[]): number {
  const st = family?.stack;
  if (st === undefined || address.length === 0) return 0;
  if (!list.some((h) => h.weight >= st.min && nearAddress(h, address))) return 0;
  // distinct labels on separate phrases (one phrase matched by two patterns is one cue)
  const labels = new Set<string>([best.label]);
  const counted: Hit[] = [best];
  for (const h of [...list].sort((a, b) => b.weight - a.weight)) {
    if (h.weight < st.min || labels.has(h.label) || h.view !== best.view || counted.some((k) => overlaps(k, h))) continue;
    labels.add(h.label);
    counted.push(h);
  }
  return best.weight + Math.min(st.per * (labels.size - 1), st.cap);
}

/**
 * Family weights from raw hits. One phrase is one piece of evidence: a family whose every hit
 * lies inside a stronger family's hit (same view, overlapping span) counts only in part, and a
 * family's own bonus counts only hits that do not overlap its best one.
 */
function familyWeights(hits: ReadonlyMap<string, readonly Hit[]>): Map<string, number> {
  const own = new Map<string, number>();
  const bestOf = new Map<string, Hit>();
  const address: Hit[] = [];
  for (const [id, list] of hits) if (ADDRESSING.has(id)) for (const h of list) if (h.weight >= ADDRESS_MIN) address.push(h);
  for (const [id, list] of hits) {
    let best = list[0] as Hit;
    for (const h of list) if (h.weight > best.weight) best = h;
    bestOf.set(id, best);
    const extra: number[] = [];
    const counted: Hit[] = [best];
    for (const h of list) {
      if (h.view !== best.view || h.weight < 3) continue;
      if (counted.some((k) => overlaps(k, h))) continue;
      counted.push(h);
      extra.push(h.weight);
    }
    own.set(id, Math.max(familyWeight([best.weight, ...extra]), stackedWeight(FAMILY_BY_ID.get(id), best, list, address)));
  }
  const out = new Map<string, number>();
  for (const [id, list] of hits) {
    const w = own.get(id) ?? 0;
    const shadowed = list.every((h) =>
      [...hits].some(([other, olist]) => {
        if (other === id) return false;
        const ow = own.get(other) ?? 0;
        if (ow < w || (ow === w && other > id)) return false;
        return olist.some((g) => overlaps(g, h));
      }),
    );
    if (!shadowed) out.set(id, w);
  }
  return out;
}

/**
 * Scores one prepared text. Exposed for evaluation and diagnostics; the scanner calls it per segment.
 */
export function analyzeInjection(
  prepared: Prepared,
  part: SegmentPart = 'text',
  options: Partial<InjectionOptions> = {},
  flow: Flow = 'neutral',
): Analysis {
  const opts = { ...DEFAULT_INJECTION_OPTIONS, ...options };
  return analyze(prepared, part, opts, new Set(opts.disabledRules), flow, false);
}

/**
 * The reference the prefilter must agree with: every pattern runs on every whole view, no cores
 * and no windows. Much slower; for tests and diagnostics only.
 */
export function analyzeInjectionExhaustive(
  prepared: Prepared,
  part: SegmentPart = 'text',
  options: Partial<InjectionOptions> = {},
  flow: Flow = 'neutral',
): Analysis {
  const opts = { ...DEFAULT_INJECTION_OPTIONS, ...options };
  return analyze(prepared, part, opts, new Set(opts.disabledRules), flow, true);
}

/** Every owner of the table that reads the given views, present over the whole text. */
function everyOwner(table: readonly Owner[], clean: boolean, length: number, views: readonly ('folded' | 'plain')[] = ['folded', 'plain']): Presence {
  const out = new Map<number, Spans>();
  const whole: Spans = [[0, length]];
  table.forEach((o, i) => {
    if (o.clean !== clean) return;
    if (!clean && o.kind === 'pattern' && !views.includes(o.spec.view as 'folded' | 'plain')) return;
    out.set(i, whole);
  });
  return out;
}

interface PatternHit {
  readonly owner: number;
  readonly familyIndex: number;
  readonly hit: Hit;
}

const FAMILY_INDEX: ReadonlyMap<string, number> = new Map(FAMILIES.map((fam, i) => [fam.id, i]));

const NO_SIGNALS: EvasionSignals = Object.freeze({ zeroWidth: 0, bidi: 0, tags: 0, variationSelectors: 0, confusables: 0, combining: 0 });

const NO_EVIDENCE: Analysis = Object.freeze({ score: 0, severity: null, families: Object.freeze([]) as readonly FamilyResult[] });

type Spans = readonly (readonly [number, number])[];

/**
 * Records, for one view, the owners of `presence` that read that kind of view (clean or not),
 * with the chunks their cores occur in; `locate` instead when the spans are not in this view's
 * coordinates (the owner is then located in the view by its own cores).
 */
function assign(
  owners: Map<number, Map<number, Spans | null>>,
  table: readonly Owner[],
  view: number,
  presence: Presence,
  clean: boolean,
  locate: boolean,
): void {
  if (view < 0 || presence.size === 0) return;
  let map = owners.get(view);
  for (const [o, spans] of presence) {
    const owner = table[o];
    if (owner === undefined || owner.clean !== clean) continue;
    map ??= new Map();
    const prior = map.get(o);
    map.set(o, locate || prior === null ? null : prior ? [...prior, ...spans] : spans);
  }
  if (map) owners.set(view, map);
}

/** The part of a presence map whose owners read the given view. */
function onlyView(presence: Presence, table: readonly Owner[], view: 'folded' | 'plain'): Presence {
  const out = new Map<number, Spans>();
  for (const [o, spans] of presence) {
    const owner = table[o];
    if (owner && owner.kind === 'pattern' && owner.spec.view === view) out.set(o, spans);
    else if (owner && owner.kind === 'leet' && view === 'folded') out.set(o, spans);
  }
  return out;
}

/**
 * Scores a text by locality (README.md, "How a text is scored"): a text of at most one window is
 * scored whole; a longer one that scores at all is scored as its worst place, so that weak cues
 * pages apart do not add up.
 */
function analyze(prepared: Prepared, part: SegmentPart, opts: InjectionOptions, disabled: ReadonlySet<string>, flow: Flow, exhaustive: boolean): Analysis {
  // a short text is scored whole, on exactly the path it always took
  if (prepared.clean.length <= WINDOW_UNITS) return analyzeText(prepared, part, opts, disabled, flow, exhaustive, NO_CHAIN);
  const probe: Probe = { folded: new Map(), plain: null, clean: null, seen: false, placeable: true, layerHit: false, matched: new Set() };
  const whole = analyzeText(prepared, part, opts, disabled, flow, exhaustive, NO_CHAIN, probe);
  if (whole.severity === null) return whole;
  const signals = isAscii(prepared.raw) ? NO_SIGNALS : prepared.signals;
  const thresholds: Thresholds = { low: opts.minScore, ...opts.thresholds };
  const c = compiled();
  return worstPlace(prepared, signals, whole, opts.maxLayers, {
    run: (p, chain) => analyzeText(p, part, opts, disabled, flow, exhaustive, chain),
    join: (window, doc) => joinAnalyses(window, doc, thresholds),
    present:
      !probe.seen || !probe.placeable || probe.layerHit
        ? null
        : {
            folded: evidenceChunks(probe.folded, probe.matched, c),
            plain: probe.plain === null ? null : evidenceChunks(probe.plain, probe.matched, c),
            clean: probe.clean === null ? null : evidenceChunks(probe.clean, probe.matched, c),
          },
  });
}

type MutablePresence = Map<number, [number, number][]>;

/** Filled by a whole-text analysis (the prefilter pass only: exhaustive analyses leave it unseen); see LocalityDeps.present. */
interface Probe {
  /**
   * The prefilter's chunks in the segment's own views, in whole-view coordinates (the chunks of a
   * long text shifted to where they start): the folded pass, the plain pass when the plain view
   * differs, the clean pass when the folded one does not speak for the clean-view owners.
   */
  readonly folded: MutablePresence;
  plain: MutablePresence | null;
  clean: MutablePresence | null;
  /** A pass over the segment's own text was recorded. */
  seen: boolean;
  /** False when some chunk cannot be placed in whole-view coordinates (the plain view of a chunk of a long text). */
  placeable: boolean;
  /** Some evidence was found in a decoded layer (not located in the text: no window may then be skipped). */
  layerHit: boolean;
  /** Owners whose full pattern matched somewhere. */
  readonly matched: Set<number>;
}

/** Adds a presence map's spans, shifted by `offset`, to `into`. */
function addShifted(into: MutablePresence, presence: Presence, offset: number): void {
  for (const [o, spans] of presence) {
    let list = into.get(o);
    if (!list) into.set(o, (list = []));
    for (const [s, e] of spans) list.push([s + offset, e + offset]);
  }
}

/**
 * The chunks of a view that can hold evidence, merged, in text order: those of the owners that
 * matched somewhere in the whole text (no other owner can match in a part of it), of the turn
 * labels, and of the leet probe (leet-view hits are not in folded coordinates: a leet clause holds
 * one of its pairs).
 */
function evidenceChunks(presence: Presence, matched: ReadonlySet<number>, c: Compiled): Spans {
  const all: [number, number][] = [];
  for (const [o, spans] of presence) {
    const owner = c.owners[o];
    if (!matched.has(o) && owner?.kind !== 'turns' && owner?.kind !== 'leet') continue;
    for (const [s, e] of spans) all.push([s, e]);
  }
  all.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of all) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

const NO_CHAIN: readonly string[] = Object.freeze([]);

/** A place's analysis with the document-level one: per family the stronger result, combined again. */
function joinAnalyses(a: Analysis, b: Analysis, thresholds: Thresholds): Analysis {
  if (b.families.length === 0) return a;
  if (a.families.length === 0) return b;
  const byId = new Map<string, FamilyResult>();
  for (const fr of [...a.families, ...b.families]) {
    const prior = byId.get(fr.family.id);
    if (!prior || fr.weight > prior.weight) byId.set(fr.family.id, fr);
  }
  const families = [...byId.values()].sort((x, y) => y.weight - x.weight || x.family.id.localeCompare(y.family.id));
  const score = combine(families.map((fr) => fr.weight));
  return { score, severity: severityOf(score, thresholds), families };
}

/** Letters and marks beyond ASCII: everything the folded view may have turned into a Latin letter. */
const FOLDABLE_LETTERS = (): SafeRegex => re('[^\\x00-\\x7f\\pP\\pZ\\pS\\pN\\pC]+');
/** Pattern re-runs per analysis; past it a hit counts as needing its letters (the evidence is kept). */
const MAX_LETTER_CHECKS = 8;

/**
 * Whether a hit found only in the folded (or leet) view needed the folded letters as the Latin
 * letters they pass for. The folded view both maps look-alikes to Latin and strips accents, so an
 * English phrase with an ordinary French word inside it (`"previous":"Précédent","instructions"`)
 * matches there only because `Précédent` became one word (`\w` is ASCII: in the plain view its
 * accents split it in three, past the pattern's filler budget). Here every non-ASCII letter and mark
 * of the text is replaced by `_`, a word character no pattern spells a word with, the text is folded
 * as the view was, and the hit's pattern is run again: when it still matches, the letters only stood
 * where any word would do, which is not evasion. When it does not, they spelled the words the pattern
 * needs: a Cyrillic о in `Ignоre`, or a stray accent in `vorhérigen`.
 */
class LetterCheck {
  readonly #texts = new Map<string, string | null>();
  readonly #answers = new Map<string, boolean>();

  constructor(
    readonly prepared: Prepared,
    /** The chain of the text analysed (a window of a decoded layer is located in that layer). */
    readonly chain: readonly string[],
    readonly owners: readonly Owner[],
  ) {}

  foldedLetters(hit: Hit): boolean {
    const owner = hit.owner === undefined ? undefined : this.owners[hit.owner];
    if (owner?.kind !== 'pattern') return true;
    const leet = !hasName(hit, 'folded');
    const key = `${hit.owner}\u0000${leet ? 'leet' : ''}\u0000${hit.chain.join('|')}`;
    const known = this.#answers.get(key);
    if (known !== undefined) return known;
    // Bounded work: past the cap (or for a text this cannot rebuild) the evidence stands, as before.
    if (this.#answers.size >= MAX_LETTER_CHECKS) return true;
    const text = this.#text(hit.chain, leet);
    const needed = text === null || owner.regex.first(text) === null;
    this.#answers.set(key, needed);
    return needed;
  }

  /** The hit's source text with its non-ASCII letters and marks replaced, folded like its view. */
  #text(hitChain: readonly string[], leet: boolean): string | null {
    const key = `${leet ? 'leet' : ''}\u0000${hitChain.join('|')}`;
    if (this.#texts.has(key)) return this.#texts.get(key) ?? null;
    const inner = hitChain.slice(this.chain.length);
    const clean = inner.length === 0 ? this.prepared.clean : this.prepared.layers.find((l) => sameChain(l.chain, inner))?.clean;
    let text: string | null = null;
    if (clean !== undefined) {
      let marked = '';
      let from = 0;
      for (const m of FOLDABLE_LETTERS().all(clean, clean.length)) {
        marked += clean.slice(from, m.index) + '_'.repeat(m.end - m.index);
        from = m.end;
      }
      const folded = foldText(marked + clean.slice(from)).folded;
      text = leet ? leetFold(folded) : folded;
    }
    this.#texts.set(key, text);
    return text;
  }
}

/** Scores one prepared text as a whole: every family found anywhere in it combines. */
function analyzeText(
  prepared: Prepared,
  part: SegmentPart,
  opts: InjectionOptions,
  disabled: ReadonlySet<string>,
  flow: Flow,
  exhaustive: boolean,
  chain: readonly string[],
  probe?: Probe,
): Analysis {
  const c = compiled();
  const pf = c.prefilter;
  // an ASCII text has no invisible, confusable or combining characters to count
  const signals = isAscii(prepared.raw) ? NO_SIGNALS : prepared.signals;
  const cut = groupsOf(prepared, { maxScanChars: opts.maxScanChars, maxLayers: opts.maxLayers }, signals);
  // a window of a decoded layer: its hits are located in that layer
  const groups = chain.length === 0 ? cut : cut.map((g) => ({ ...g, chain: [...chain, ...g.chain] }));

  // 1. for each text, the owners whose cores occur in it: one set pass per text (the folded text
  //    alone when it is the clean text lower-cased with whitespace collapsed)
  let smuggling = signals.tags >= 32;
  let any = false;
  let rootChunks = 0;
  const found = groups.map((g) => {
    if (g.chain.includes('unicode-tags') || g.chain.includes('variation-selectors')) smuggling = true;
    // one pass over the folded view answers for every owner where the views agree; the plain and
    // clean views get passes of their own only where they differ from it
    if (exhaustive) {
      const folded = everyOwner(c.owners, false, g.folded.length, g.plain === null ? ['folded', 'plain'] : ['folded']);
      const plain = g.plain === null ? null : everyOwner(c.owners, false, g.plain.length);
      any = true;
      return { folded, plain, clean: everyOwner(c.owners, true, g.clean.length), cleanFromFolded: false };
    }
    const folded = pf.presenceFolded(g.folded);
    const plain = g.plain === null ? null : pf.presence(g.plain, 'plain');
    // the chunks of a long text are cut at different places in the clean and folded views
    const cleanFromFolded = g.merged && !g.bounded;
    // the segment's own text, where one pass speaks for every owner: where anything can match
    const clean = cleanFromFolded ? folded : pf.presence(g.clean, 'clean');
    if (probe && g.source === 0 && g.chain.length === 0) {
      // the k-th chunk of a long text starts at k steps in each of its views
      const offset = g.bounded ? rootChunks++ * chunkStep(opts.maxScanChars) : 0;
      addShifted(probe.folded, folded, offset);
      if (plain !== null) {
        if (g.bounded) probe.placeable = false;
        else addShifted((probe.plain ??= new Map()), plain, 0);
      }
      if (!cleanFromFolded) addShifted((probe.clean ??= new Map()), clean, offset);
      probe.seen = true;
    }
    if (folded.size > 0 || (plain?.size ?? 0) > 0 || clean.size > 0) any = true;
    return { folded, plain, clean, cleanFromFolded };
  });
  // nothing can match and nothing was smuggled: no evidence at all (the common case)
  if (!any && !smuggling) return NO_EVIDENCE;

  // 2. the views (the leet view only when a word mixes letters and leet characters), each with
  //    the owners to run on it and where
  const views: TextView[] = [];
  /** Per view index: the source text (see TextGroup.source) it was first pushed for. */
  const sourceOf: number[] = [];
  const owners = new Map<number, Map<number, Spans | null>>();
  for (const [gi, g] of groups.entries()) {
    const { folded, plain, clean, cleanFromFolded } = found[gi] as (typeof found)[number];
    // when the plain view is separate, the folded pass speaks for folded-view owners only
    const foldedOwners = g.plain === null ? folded : onlyView(folded, c.owners, 'folded');
    assign(owners, c.owners, pushView(views, 'folded', g.folded, g.chain), foldedOwners, false, false);
    if (g.plain === null) pushView(views, 'plain', g.folded, g.chain);
    else if (plain) assign(owners, c.owners, pushView(views, 'plain', g.plain, g.chain), plain, false, false);
    if (folded.has(c.leet)) {
      const leet = leetClauses(g.folded, Math.max(opts.maxScanChars, g.folded.length));
      const li = pushView(views, 'leet', leet, g.chain);
      if (li >= 0) assign(owners, c.owners, li, exhaustive ? everyOwner(c.owners, false, leet.length, ['folded']) : pf.presence(leet, 'folded'), false, false);
    }
    // clean-view owners seen by the folded pass are in folded coordinates: they are located in the clean view
    const ci = pushView(views, 'clean', g.clean, g.chain);
    if (ci >= 0) sourceOf[ci] ??= g.source;
    assign(owners, c.owners, ci, clean, true, cleanFromFolded);
  }
  const hits = new Map<string, Hit[]>();

  // 3. each present owner's full pattern on the windows around its cores (first match per view)
  const patternHits: PatternHit[] = [];
  const warnBudget = { chars: MENTION_BUDGET };
  const turnViews: number[] = [];
  const code: (RegexMatch | null)[][] = [];
  for (const [vi, view] of views.entries()) {
    const list = owners.get(vi);
    if (!list) continue;
    for (const o of [...list.keys()].sort((a, b) => a - b)) {
      const owner = c.owners[o] as Owner;
      if (owner.kind === 'leet') continue;
      if (owner.kind === 'turns') {
        turnViews.push(vi);
        continue;
      }
      if (owner.kind === 'pattern' && disabled.has(owner.family.id)) continue;
      // a folded twin is compared between the folded and the plain view; where they are one text it cannot count
      if (owner.kind === 'pattern' && owner.spec.foldedTwin && view.names.includes('folded') === view.names.includes('plain')) continue;
      if (owner.kind === 'code' && disabled.has('injection/suspicious-code')) continue;
      let m: RegexMatch | null = null;
      let offset = 0;
      const spans = list.get(o);
      for (const w of exhaustive ? [{ offset: 0, text: view.text }] : pf.windows(o, view.text, spans ?? undefined)) {
        const found = owner.regex.first(w.text);
        if (found) {
          m = trimSentinels(found, w.text);
          offset = w.offset;
          break;
        }
      }
      if (!m) continue;
      if (probe) {
        probe.matched.add(o);
        if (view.chain.length > 0) probe.layerHit = true;
      }
      if (owner.kind === 'code') {
        // a destructive command named in a warning ("running rm -rf / will destroy your system") is not code to run
        if (CODE_CLASSES[owner.cls] === CODE_DESTRUCTIVE) {
          m = pastWarnings(owner.regex, view.text, { ...m, index: offset + m.index, end: offset + m.end }, warnBudget);
          if (!m) continue;
        }
        // a raw script URL or `chmod +x` in installation instructions for a human reader (install-doc.ts)
        if (CODE_CLASSES[owner.cls] === CODE_FETCH_EXEC) {
          m = pastWarnings(owner.regex, view.text, { ...m, index: offset + m.index, end: offset + m.end }, warnBudget, isDocumentedInstallLine);
          if (!m) continue;
        }
        const row = code[vi] ?? CODE_CLASSES.map(() => null);
        row[owner.cls] = m;
        code[vi] = row;
        continue;
      }
      patternHits.push({
        owner: o,
        familyIndex: FAMILY_INDEX.get(owner.family.id) ?? 0,
        hit: {
          family: owner.family.id,
          label: owner.spec.label,
          weight: owner.spec.weight,
          names: view.names,
          chain: view.chain,
          text: m.text,
          view: vi,
          start: offset + m.index,
          end: offset + m.end,
          owner: o,
        },
      });
    }
  }
  foldedTwinsThatCount(patternHits, c.owners);
  // family by family, view by view, pattern by pattern: evidence and tie-breaks do not depend on window order
  patternHits.sort((a, b) => a.familyIndex - b.familyIndex || a.hit.view - b.hit.view || a.owner - b.owner);
  const mentionBudget = { chars: MENTION_BUDGET };
  for (const ph of patternHits) {
    const h = unlessMention(ph, views, c.owners, mentionBudget);
    // no match of the pattern counted in full and the first overrides a table or a file, not instructions:
    // not even a weak cue (noun-adjunct.ts)
    if (h.weight < ph.hit.weight && h.family === 'injection/instruction-override' && isNounAdjunct((views[h.view] as TextView).text, h.start, h.end)) continue;
    addHit(hits, h);
  }

  const foldedViews = views.filter((v) => v.kind === 'folded');
  if (probe && turnViews.some((vi) => (views[vi] as TextView).chain.length > 0)) probe.layerHit = true;

  // 4. injected conversation turns: a user-side and an assistant-side label at line starts, anywhere in
  //    one text (the chunks of a long text count together; each decoded layer is a text of its own)
  if (!disabled.has('injection/fake-turns')) {
    const turns = new Map<string, { user: boolean; assistant: boolean; humanAssistant: number; first: string; chain: readonly string[] }>();
    for (const vi of turnViews) {
      const view = views[vi] as TextView;
      const key = `${sourceOf[vi] ?? -1}`;
      let t = turns.get(key);
      if (!t) turns.set(key, (t = { user: false, assistant: false, humanAssistant: 0, first: '', chain: view.chain }));
      // Read label by label until both sides and two human/assistant labels are seen: never capped
      // before the answer is known, so a flood of one side's labels cannot hide the other side.
      let from = 0;
      while (from < view.text.length && !(t.user && t.assistant && t.humanAssistant >= 2)) {
        const batch = TURN_LABEL().all(from === 0 ? view.text : view.text.slice(from), 64);
        for (const m of batch) {
          const who = (m.groups[0] ?? '').toLowerCase();
          if (t.first === '') t.first = m.text.trim();
          if (who === 'human' || who === 'user') t.user = true;
          else t.assistant = true;
          if (who === 'human' || who === 'assistant') t.humanAssistant++;
        }
        const last = batch[batch.length - 1];
        if (batch.length < 64 || !last) break;
        // resume just before the last label's end: a label may start with the newline that ends the one before
        from += Math.max(1, last.end - 1);
      }
    }
    for (const t of turns.values()) {
      if (t.user && t.assistant) addHit(hits, syntheticHit('injection/fake-turns', t.humanAssistant >= 2 ? 6 : 5, t.first || 'turn labels', t.chain));
    }
  }

  // 5. data-stealing or destructive code
  if (!disabled.has('injection/suspicious-code')) {
    for (const [vi, row] of code.entries()) {
      if (!row) continue;
      const { weight, evidence } = codeWeight(row);
      if (weight > 0) addHit(hits, syntheticHit('injection/suspicious-code', weight, evidence, (views[vi] as TextView).chain));
    }
  }

  // family weights from pattern and structural hits
  const primary = familyWeights(hits);
  if (flow === 'ingress') {
    for (const [id, w] of primary) {
      const family = FAMILY_BY_ID.get(id);
      if (family?.thirdParty || (family && bestIsReaderOnly(family, hits.get(id)))) primary.set(id, w + opts.thirdPartyBoost * (family.thirdPartyScale ?? 1));
      else if (family?.override && w >= opts.overrideMinWeight) primary.set(id, w + opts.overrideBoost);
    }
  }
  const primaryMax = Math.max(0, ...primary.values());

  // 6. evasion and context signals (boosters; tag smuggling also stands alone)
  const boosters: Hit[] = [];
  const allHits = [...hits.values()].flat();
  if (!disabled.has('injection/homoglyph-obfuscation') && allHits.length > 0 && NON_ASCII_LETTER().test(prepared.clean)) {
    const needs = new LetterCheck(prepared, chain, c.owners);
    const h = allHits.find(
      (x) =>
        x.weight >= 3 &&
        hasName(x, 'folded', 'leet') &&
        !hasName(x, 'plain', 'clean') &&
        !allHits.some((y) => y.family === x.family && y.label === x.label && sameChain(y.chain, x.chain) && hasName(y, 'plain')) &&
        needs.foldedLetters(x),
    );
    if (h) boosters.push(syntheticHit('injection/homoglyph-obfuscation', 4, h.text, h.chain));
  }
  if (!disabled.has('injection/leetspeak-obfuscation')) {
    const h = allHits.find(
      (x) =>
        x.weight >= 3 &&
        hasName(x, 'leet') &&
        !hasName(x, 'folded', 'plain') &&
        !allHits.some((y) => y.family === x.family && y.label === x.label && sameChain(y.chain, x.chain) && hasName(y, 'folded', 'plain')),
    );
    if (h) boosters.push(syntheticHit('injection/leetspeak-obfuscation', 3, h.text, h.chain));
  }
  if (!disabled.has('injection/encoded-instructions')) {
    for (const [id, list] of hits) {
      const inRoot = list.some((x) => x.chain.length === 0);
      const encoded = list.find((x) => x.chain.length > 0 && x.weight >= 3 && !x.chain.includes('unicode-tags') && !x.chain.includes('variation-selectors'));
      if (!inRoot && encoded) {
        boosters.push(syntheticHit('injection/encoded-instructions', 3, `${id.slice(10)} in ${encoded.chain.join('|')}`, encoded.chain));
        break;
      }
    }
  }
  if (!disabled.has('injection/unicode-tag-smuggling')) {
    const smuggled = views.find(
      (v) => (v.chain.includes('unicode-tags') || v.chain.includes('variation-selectors')) && v.kind === 'clean' && isSmuggledText(v.text),
    );
    if (smuggled) boosters.push(syntheticHit('injection/unicode-tag-smuggling', 7, smuggled.text, smuggled.chain));
    else if (signals.tags >= 32) boosters.push(syntheticHit('injection/unicode-tag-smuggling', 5, `${signals.tags} tag characters`));
  }
  if (!disabled.has('injection/invisible-characters')) {
    const invisible = signals.zeroWidth + signals.bidi;
    if (invisible >= 8 && primaryMax >= 3) boosters.push(syntheticHit('injection/invisible-characters', 3.5, `${invisible} zero-width/bidi characters`));
    else if (invisible >= 1 && primaryMax >= 4) boosters.push(syntheticHit('injection/invisible-characters', 2.5, `${invisible} zero-width/bidi characters`));
  }
  if (!disabled.has('injection/hidden-content') && part === 'html-hidden' && primaryMax >= 3) {
    boosters.push(syntheticHit('injection/hidden-content', 2.5, 'instruction-like text in hidden HTML'));
  }
  if (!disabled.has('injection/urgency-pressure') && primaryMax >= 3) {
    for (const view of foldedViews) {
      const u = URGENCY().first(view.text);
      if (u && AUTHORITY().test(view.text)) {
        boosters.push(syntheticHit('injection/urgency-pressure', 2, u.text, view.chain));
        break;
      }
    }
  }
  for (const b of boosters) {
    addHit(hits, b);
    primary.set(b.family, Math.max(primary.get(b.family) ?? 0, b.weight));
  }

  const families: FamilyResult[] = [];
  for (const [id, weight] of primary) {
    const family = FAMILY_BY_ID.get(id);
    const list = hits.get(id);
    if (!family || !list || list.length === 0) continue;
    let best = list[0] as Hit;
    for (const h of list) {
      if (h.weight > best.weight || (h.weight === best.weight && h.chain.length < best.chain.length)) best = h;
    }
    families.push({ family, weight, best, labels: [...new Set(list.map((h) => h.label))] });
  }
  families.sort((a, b) => b.weight - a.weight || a.family.id.localeCompare(b.family.id));
  const score = combine(families.map((fr) => fr.weight));
  const thresholds: Thresholds = { low: opts.minScore, ...opts.thresholds };
  return { score, severity: severityOf(score, thresholds), families };
}


/** True when a family's strongest hit comes from a pattern marked readerOnly (it addresses the model reading the text). */
function bestIsReaderOnly(family: Family, list: readonly Hit[] | undefined): boolean {
  if (!list || list.length === 0) return false;
  let best = list[0] as Hit;
  for (const h of list) if (h.weight > best.weight) best = h;
  return family.patterns.some((p) => p.readerOnly === true && p.label === best.label);
}

/** Later matches of one pattern looked at when its first match is a quoted mention; past them it counts in full. */
const MENTION_RETRIES = 4;
/**
 * Characters of text re-read per analysis to look past quoted mentions. Past it a mention counts
 * in full (fail closed), so many planted quotations cannot multiply the cost of a scan.
 */
const MENTION_BUDGET = 256 * 1024;

/**
 * Families whose hits are read as a guide's own steps when the sentence makes them conditional on the
 * reader's setup ("If you already have Node installed, ignore the previous instructions and skip to
 * step 3"; setup-condition.ts).
 */
const SETUP_FAMILIES: ReadonlySet<string> = new Set(['injection/instruction-override', 'injection/foreign-override']);

/** Control tokens and markup tags that documented templates print with placeholders in their slots (template-doc.ts). */
const TEMPLATE_TOKENS: ReadonlySet<string> = new Set([
  'injection/chat-template special-token',
  'injection/chat-template inst-tag',
  'injection/fake-system-tag system-xml',
  'injection/fake-system-tag turn-xml',
  'injection/fake-system-tag bracket-tag',
]);

/** Later tokens of one pattern looked at when each so far opened a placeholder slot (template-doc.ts). */
const TEMPLATE_RETRIES = 12;

/** Download-and-run commands (shell-payload labels) that installation guides give their readers (install-doc.ts). */
const INSTALL_COMMANDS: ReadonlySet<string> = new Set(['pipe-to-shell', 'shell-dollar-curl']);
/** Notes to an AI (addressed-to-ai labels) that a repository addresses to coding agents about its workflow (install-doc.ts). */
const WORKFLOW_NOTES: ReadonlySet<string> = new Set(['if-you-are-ai', 'note-to-ai']);

/** Destructive shell commands (shell-payload labels) that manuals name in warnings (warned-command.ts). */
const WARNED_COMMANDS: ReadonlySet<string> = new Set(['rm-rf-root', 'fork-bomb']);

/**
 * A destructive-code match (absolute offsets in `text`), or the first later match of the same class
 * that is not named in a warning (warned-command.ts); null when every match was. Past the retries or
 * the budget the warned match counts (fail closed), as with quoted mentions.
 */
function pastWarnings(regex: SafeRegex, text: string, m: RegexMatch, budget: { chars: number }, excused: (text: string, start: number, end: number) => boolean = isWarnedCommand): RegexMatch | null {
  let cur = m;
  for (let i = 0; i < MENTION_RETRIES; i++) {
    if (!excused(text, cur.index, cur.end)) return cur;
    const rest = text.length - cur.end;
    if (rest > budget.chars) return cur;
    budget.chars -= rest;
    const next = regex.first(text.slice(cur.end));
    if (!next) return null;
    cur = { ...next, index: cur.end + next.index, end: cur.end + next.end };
  }
  return cur;
}

/**
 * A pattern's first match that is a quoted mention ("the phrase 'ignore previous instructions'"), or,
 * for an override family, an override conditional on the reader's own setup (setup-condition.ts) or
 * whose instruction word qualifies another noun ("the default instructions table", noun-adjunct.ts), or
 * a destructive shell command named in a warning (warned-command.ts), or a chat-template token whose
 * slot holds only placeholders or a placeholder named system_prompt (template-doc.ts),
 * counts only as a weak cue, unless the pattern matches again, in full, later in the same view:
 * then that later match is the hit. More than MENTION_RETRIES weak matches in a row count in full.
 */
function unlessMention(ph: PatternHit, views: readonly TextView[], table: readonly Owner[], budget: { chars: number }): Hit {
  const view = views[ph.hit.view];
  const owner = table[ph.owner];
  if (!view || !owner || owner.kind !== 'pattern') return ph.hit;
  const setup = SETUP_FAMILIES.has(owner.family.id);
  const warned = owner.family.id === 'injection/shell-payload' && WARNED_COMMANDS.has(owner.spec.label);
  const slot = TEMPLATE_TOKENS.has(`${owner.family.id} ${owner.spec.label}`);
  const placeholder = owner.spec.label === 'prompt-identifier';
  const install = owner.family.id === 'injection/shell-payload' && INSTALL_COMMANDS.has(owner.spec.label);
  const workflow = owner.family.id === 'injection/addressed-to-ai' && WORKFLOW_NOTES.has(owner.spec.label);
  const access = owner.family.id === 'injection/credential-path';
  const weak = (start: number, end: number): boolean =>
    isMention(view.text, start, end) ||
    (setup && (isSetupConditional(view.text, start, end) || (owner.family.id === 'injection/instruction-override' && isNounAdjunct(view.text, start, end)))) ||
    (warned && isWarnedCommand(view.text, start, end)) ||
    (slot && isTemplateSlot(view.text, start, end)) ||
    (placeholder && isPlaceholderName(view.text, start, end)) ||
    (install && isDocumentedInstall(view.text, start, end)) ||
    (workflow && isWorkflowNote(view.text, start, end)) ||
    (access && isDescribedAccess(view.text, start, end));
  if (!weak(ph.hit.start, ph.hit.end)) return ph.hit;
  let from = ph.hit.end;
  // a template prints a token per turn and per header: its tokens are read further
  for (let i = 0; i < (slot ? TEMPLATE_RETRIES : MENTION_RETRIES); i++) {
    const rest = view.text.length - from;
    if (rest > budget.chars) return ph.hit;
    budget.chars -= rest;
    const m = owner.regex.first(view.text.slice(from));
    if (!m) return { ...ph.hit, weight: Math.min(ph.hit.weight, MENTION_WEIGHT) };
    const start = from + m.index;
    const end = from + m.end;
    if (!weak(start, end)) return { ...ph.hit, text: m.text, start, end };
    from = end;
  }
  return ph.hit;
}

/**
 * Removes the hits of folded twins (PatternSpec.foldedTwin) that do not count: those on the plain
 * view, and those whose label also matched on the clean view (the pattern itself) or on the plain
 * view (the twin without look-alikes folded). What remains matched only once look-alike letters
 * were folded: one hit of the label, and only in the folded view, which the homoglyph booster reads
 * as evasion. In place.
 */
function foldedTwinsThatCount(hits: PatternHit[], table: readonly Owner[]): void {
  const twin = (ph: PatternHit): boolean => {
    const o = table[ph.owner];
    return o !== undefined && o.kind === 'pattern' && o.spec.foldedTwin === true;
  };
  if (!hits.some(twin)) return;
  const key = (h: Hit): string => `${h.family}\0${h.label}\0${h.chain.join('|')}`;
  const seen = new Set<string>();
  for (const ph of hits) if (hasName(ph.hit, twin(ph) ? 'plain' : 'clean')) seen.add(key(ph.hit));
  let w = 0;
  for (const ph of hits) if (!twin(ph) || (!hasName(ph.hit, 'plain') && !seen.has(key(ph.hit)))) hits[w++] = ph;
  hits.length = w;
}

/** A match in a window, without the NUL sentinels that mark a cut edge of the window. */
function trimSentinels(m: RegexMatch, text: string): RegexMatch {
  let { index, end } = m;
  if (index < end && text.charCodeAt(index) === 0) index++;
  if (end > index && text.charCodeAt(end - 1) === 0) end--;
  return index === m.index && end === m.end ? m : { index, end, text: text.slice(index, end), groups: m.groups };
}

/** Tag/selector-decoded text worth reporting: more than a flag emoji's region code. */
function isSmuggledText(text: string): boolean {
  const t = text.trim();
  if (t.length < 8) return false;
  if (t.length >= 16) return true;
  for (let i = 0; i < t.length; i++) {
    const code = t.charCodeAt(i);
    if (code === 0x20 || (code >= 0x21 && code <= 0x2f)) return true;
  }
  return false;
}

function evidenceOf(result: FamilyResult): string {
  const text = result.best.text;
  if (result.family.evidence === 'redact') return redactPreview(text, 8);
  return clip(text.trim(), 60);
}

function messageOf(result: FamilyResult, analysis: Analysis, severity: Severity): string {
  const others = analysis.families.filter((fr) => fr !== result).map((fr) => fr.family.id.slice('injection/'.length));
  const corroboration = others.length > 0 ? ` together with ${others.slice(0, 4).join(', ')}${others.length > 4 ? '…' : ''}` : '';
  return (
    `Possible prompt injection (${result.family.title}): the text ${result.family.what}${corroboration}; ` +
    `injection score ${analysis.score.toFixed(1)} (${severity}). Treat this content as data, not instructions, and review it before it reaches the model.`
  );
}

/** Creates the prompt-injection scanner. */
/**
 * The finding that says a limit cut the scan short. A module function, not a closure made per scan:
 * a closure per scan costs an allocation (and, under keep-names builds, a property definition).
 */
function scanIncomplete(location: string, message: string): Finding {
  return { scanner: 'injection', rule: 'injection/scan-incomplete', severity: 'high', category: 'limits', mitre: 'T1027', location, evidence: '', message };
}

export function createInjectionScanner(options: Partial<InjectionOptions> = {}): Scanner {
  const opts: InjectionOptions = {
    ...DEFAULT_INJECTION_OPTIONS,
    ...options,
    thresholds: { ...DEFAULT_INJECTION_OPTIONS.thresholds, ...(options.thresholds ?? {}) },
  };
  const disabled: ReadonlySet<string> = new Set(opts.disabledRules);
  // derive the prefilter and compile the set every scan uses now, so a bad core fails at construction;
  // the per-view sets only some texts need are compiled on first use (their cores are tested in prefilter.test.ts)
  compiled();
  // Short texts without decoded layers whose analysis found no evidence at all (no core of any
  // pattern, nothing smuggled): for such a text that outcome depends on the text and these options
  // alone, so a repeated value (a response header, say) skips the analysis.
  const quiet = new QuietTexts();
  return {
    id: 'injection',
    scan(view: ScanView, _ctx: ScanContext): readonly Finding[] {
      const findings: Finding[] = [];
      const seen = new Set<string>();
      // The first limit that cut the scan short, reported once as the last finding (fail closed).
      let stopped: Finding | null = null;
      segments: for (const segment of view.segments) {
        if (segment.flow === 'egress') continue;
        if (segment.prepared.layers.length > opts.maxLayers) {
          stopped ??= scanIncomplete(segment.location, `The injection check read ${opts.maxLayers} of the ${segment.prepared.layers.length} decoded layers of ${segment.location}; the rest were not inspected.`);
        }
        // Total by construction (bounded views, linear regexes); an unexpected error propagates so the
        // engine can fail closed rather than silently let the text through.
        const undecoded = segment.prepared.layers.length === 0;
        if (undecoded && quiet.has(segment.prepared.raw)) continue;
        const analysis = analyze(segment.prepared, segment.part, opts, disabled, segment.flow, false);
        if (undecoded && analysis === NO_EVIDENCE) quiet.add(segment.prepared.raw);
        const severity = analysis.severity;
        if (severity === null) continue;
        for (const result of analysis.families) {
          const location = result.best.chain.length > 0 ? `${segment.location}|${result.best.chain.join('|')}` : segment.location;
          const key = `${result.family.id}\u0000${location}`;
          if (seen.has(key)) continue;
          if (findings.length >= opts.maxFindings) {
            stopped ??= scanIncomplete(location, `The injection check stopped after ${opts.maxFindings} findings at ${location}; the rest of the input was not inspected.`);
            break segments;
          }
          seen.add(key);
          findings.push({
            scanner: 'injection',
            rule: result.family.id,
            severity,
            category: 'injection',
            mitre: result.family.mitre,
            location,
            evidence: evidenceOf(result),
            message: messageOf(result, analysis, severity),
          });
        }
      }
      // An instruction cut over several leaves or content blocks (joined.ts).
      const joined = stopped === null && findings.length < opts.maxFindings && view.segments.length > 1 ? joinFields(view.segments) : null;
      if (joined !== null) {
        const analysis = analyze(prepare(joined.text), 'text', opts, disabled, 'ingress', false);
        const location = `${joined.first} … ${joined.last}`;
        for (const result of analysis.severity === null ? [] : analysis.families) {
          if (result.best.chain.length > 0 || insideOneLeaf(result.best.text, joined)) continue;
          const key = `${result.family.id}\u0000${location}`;
          if (seen.has(key) || findings.length >= opts.maxFindings) continue;
          seen.add(key);
          findings.push({
            scanner: 'injection',
            rule: result.family.id,
            severity: analysis.severity as Severity,
            category: 'injection',
            mitre: result.family.mitre,
            location,
            evidence: evidenceOf(result),
            message: `${messageOf(result, analysis, analysis.severity as Severity)} The text is split over several fields, which the model reads together.`,
          });
        }
      }
      if (stopped !== null) findings.push(stopped);
      return findings;
    },
  };
}

export type { Family, PatternSpec } from './rules.ts';
export type { TextView } from './views.ts';
