// The DLP matching engine: one prefilter pass (all keywords and the keyword-free patterns in a single
// linear-time regex), then each triggered rule's regex on windows around its keyword occurrences (or the
// whole text when that is cheaper or the rule's matches are unbounded), value filters, and overlap
// resolution between specific and generic rules. Windows matter because every regex pass over a new
// string pays a full UTF-16 → UTF-8 conversion in the native engine.
import { isAscii, QuietTexts } from '../../normalize/index.ts';
import { re, regexSet, type RegexSet } from '../../re/index.ts';
import type { RegexMatch, SafeRegex } from '../../re/index.ts';
import { entropy, isTokenPlaceholder, isValuePlaceholder } from './checks.ts';
import { minMatchLength, ShortTextSieve } from './short-sieve.ts';
import type { CheckContext, DlpRule } from './types.ts';

/**
 * Accepted matches of one rule in one text. Counted after the value filters, so placeholders and
 * failed checks cannot use it up; past it the rule stops (see #run and scanText for why that is safe).
 */
const MATCH_LIMIT = 200;
/** Searches again per rule and text in a join of pieces (see DlpEngine#again). */
const MAX_RESTARTS = 256;
/** Raw matches asked of the regex per call: the first batch, doubling up to the last (bounds each list). */
const FIRST_BATCH = 256;
const MAX_BATCH = 8192;
/** Matches of the prefilter pass; past this, the fallback below takes over. */
const PREFILTER_LIMIT = 256;
/** Matches of the fallback pass over the rarer keywords; past this, their rules just run. */
const RARE_LIMIT = 4096;

/**
 * Keywords frequent in ordinary code and prose. When a text has so many keyword hits that the prefilter
 * stops early, these are looked up with indexOf (they are usually present and found quickly) and
 * the rest with a second regex pass that cannot be flooded by them.
 */
const COMMON_KEYWORDS = new Set([
  'key', 'pass', 'pwd', 'pw', 'secret', 'token', 'cred', 'auth', 'priv', 'eth', 'basic', 'bearer', 'authorization',
  '://', 'eyj', 'aws', 'prv', '-u ', 'sg.', '-us', 'key-', 'sig=', 'wallet', 'signer', 'vault', 'kty', 'mysql',
  'asia', 'eaa', 'web3', 'access', 'mnemonic',
]);

/** Capture groups in an RE2 pattern: unescaped `(` outside character classes, not followed by `?`. */
export function countGroups(pattern: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern.charAt(i + 1) === '^') i++;
      if (pattern.charAt(i + 1) === ']') i++;
    } else if (c === '(' && pattern.charAt(i + 1) !== '?') n++;
  }
  return n;
}

/**
 * The same pattern with every capture group made non-capturing (`(` → `(?:`), so it matches exactly
 * the same spans. RE2 finds the bounds of a match with no groups far faster than it fills groups in.
 */
export function uncapture(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\') {
      out += pattern.slice(i, i + 2);
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (pattern.charAt(i + 1) === '^') out += pattern.charAt(++i);
      if (pattern.charAt(i + 1) === ']') out += pattern.charAt(++i);
    } else if (c === '(' && pattern.charAt(i + 1) !== '?') out += '(?:';
    else out += c;
  }
  return out;
}

function escapeLiteral(text: string): string {
  let out = '';
  for (const ch of text) out += '\\.+*?()|[]{}^$/-#&~'.includes(ch) ? `\\${ch}` : ch;
  return out;
}
export interface Hit {
  readonly rule: DlpRule;
  readonly value: string;
  /** Where the value is in the text. */
  readonly start: number;
  readonly end: number;
  /** Where the whole match is (it may reach past the value: a key name before it, a delimiter after it). */
  readonly matchStart: number;
  readonly matchEnd: number;
}

interface Span {
  readonly start: number;
  readonly end: number;
}

interface Compiled {
  readonly rule: DlpRule;
  readonly rx: SafeRegex;
}

function pickGroup(m: RegexMatch, group: number): number {
  if (group >= 0) return group;
  if (group === -1) {
    for (let i = 0; i < m.groups.length; i++) if (m.groups[i] !== undefined) return i + 1;
    return 0;
  }
  for (let i = m.groups.length - 1; i >= 0; i--) if (m.groups[i] !== undefined) return i + 1;
  return 0;
}

/** Offset of group `g`'s text inside the match: searched after the text of the groups before it. */
function groupOffset(m: RegexMatch, g: number, value: string): number {
  if (g === 0) return 0;
  let floor = 0;
  for (let i = 0; i < g - 1; i++) floor += m.groups[i]?.length ?? 0;
  const at = m.text.indexOf(value, floor);
  return at >= 0 ? at : Math.max(0, m.text.indexOf(value));
}

/** Longest text whose span pass is listed by #list's one-call path (its native list holds at most one match per character). */
const LIST_TEXTS_MAX = 16 * 1024;
const NO_GROUPS: readonly (string | undefined)[] = Object.freeze([]);

/**
 * `spans.all(text, limit)`, the same matches at the same offsets, for less: the native engine lists the
 * match texts in one call (`texts`; all() costs one call per match), and each offset is found here. A
 * keyword's text (`isKeyword` of its lower case: a literal of the pattern's case-insensitive keyword
 * alternation) is found with indexOf from the end of the match before it: an earlier copy of the same
 * characters would have matched there first (the alternation matches it wherever it stands), so the
 * first copy is the match. Any other match (a keyword-free pattern, whose \b or context character may
 * not hold at an earlier copy) is asked of the regex at that point. ASCII texts up to LIST_TEXTS_MAX
 * characters only (there a text offset is a byte offset, and the native list, which is not cut short,
 * stays small); other texts are listed by all().
 */
export function listSpans(spans: SafeRegex, text: string, limit: number, isKeyword: (lower: string) => boolean): RegexMatch[] {
  if (text.length > LIST_TEXTS_MAX || !isAscii(text)) return spans.all(text, limit);
  const texts = spans.texts(text, limit);
  const out: RegexMatch[] = new Array<RegexMatch>(texts.length);
  let from = 0;
  for (let k = 0; k < texts.length; k++) {
    const t = texts[k] as string;
    let at = -1;
    if (isKeyword(t.toLowerCase())) at = text.indexOf(t, from);
    else {
      const m = spans.first(text, from);
      if (m && m.text === t) at = m.index;
    }
    // Cannot happen (the list is the same regex's); if it did, the exact listing decides.
    if (at < 0) return spans.all(text, limit);
    out[k] = { index: at, end: at + t.length, text: t, groups: NO_GROUPS };
    from = at + t.length;
  }
  return out;
}

/** Default reach of a rule: how far from a keyword occurrence its matches may extend. */
const DEFAULT_REACH = 512;
/** Past this many windows, or this share of the text, a rule simply runs over the whole text. */
const MAX_WINDOWS = 48;
const MAX_WINDOW_SHARE = 0.5;

/** What the prefilter learned about one text. */
interface Survey {
  /** Per keyword id: seen at all. */
  readonly seen: Uint8Array;
  /** The ids set in `seen`, in the order they were seen. */
  readonly seenIds: readonly number[];
  /** Per keyword id: where (complete only when `complete`, or for rare keywords when `rareComplete`). */
  readonly keywordSpans: Map<number, Span[]>;
  /** Per rule index (keyword-free rules only): trigger matches. */
  readonly triggerSpans: Map<number, Span[]>;
  /** The first pass saw every keyword occurrence and trigger. */
  readonly complete: boolean;
  /** The fallback pass saw every rare keyword occurrence and trigger. */
  readonly rareComplete: boolean;
}

/**
 * Texts up to this long may be asked first whether the prefilter matches at all (see scanText's
 * `likelyQuiet`). Longer ones (bodies) usually match somewhere, and then the yes/no pass is extra work.
 */
const TEST_FIRST_MAX = 1024;

/** What surveying a text in which the prefilter matches nothing records. */
const EMPTY_SURVEY: Survey = {
  seen: new Uint8Array(0),
  seenIds: [],
  keywordSpans: new Map(),
  triggerSpans: new Map(),
  complete: true,
  rareComplete: true,
};

export class DlpEngine {
  readonly rules: readonly DlpRule[];
  readonly #compiled: readonly Compiled[];
  /** Per rule: the fewest characters a match of its pattern can have (0 when unknown). */
  readonly #minLength: readonly number[];
  /** Lower-case keyword → id; `#keywordRules[id]` are the rules it enables; `#implied[id]` the keywords inside it. */
  readonly #keywordIds: ReadonlyMap<string, number>;
  readonly #keywordList: readonly string[];
  readonly #keywordRules: readonly (readonly number[])[];
  readonly #ruleKeywords: readonly (readonly number[])[];
  readonly #implied: readonly (readonly number[])[];
  readonly #isCommon: Uint8Array;
  readonly #free: readonly number[];
  /** For each keyword-free rule (same order as #free): the prefilter capture group that wraps its pattern. */
  readonly #freeGroups: readonly number[];
  /** One pass: every keyword (longest first, case-insensitive) and every keyword-free rule's pattern. */
  readonly #prefilter: SafeRegex | null;
  /** Fallback pass when the first is flooded: the keywords not in COMMON_KEYWORDS, and the keyword-free patterns. */
  readonly #rare: SafeRegex | null;
  /**
   * The two passes above without capture groups: they list the same matches, much faster. The
   * capturing ones are asked only about a match that is not a keyword, to learn which rule it is.
   */
  readonly #prefilterSpans: SafeRegex | null;
  readonly #rareSpans: SafeRegex | null;
  /**
   * True when the two span passes hold the keywords only, and the keyword-free patterns are asked of
   * #freeSet instead (a native set is at hand and the span passes are in use). One automaton for the
   * keywords and the keyword-free patterns together builds a state for nearly every byte of text it
   * has not seen (the patterns' counted runs, `[0-9]{9,12}`, `[A-Z0-9]{11,30}`, multiply the keyword
   * states), and agent traffic is mostly text never seen before: on 1,200 pieces of 1 KB of real text
   * (BIPIA contexts), the joint pass cost 33–40 µs a piece, the keywords alone 8–12 and the set of
   * the 13 keyword-free patterns 3–4. A keyword-free rule the set names then runs over the whole text.
   */
  readonly #freeApart: boolean;
  /**
   * The yes/no pass for a text expected to be quiet (scanText's `likelyQuiet`): every keyword and
   * keyword-free pattern in one regex, one call. Such texts are short (URL parts), where a call costs
   * more than the bytes, so the joint automaton stays the cheaper question there.
   */
  readonly #quietTest: SafeRegex | null;
  readonly #common: readonly number[];
  readonly #freeSet: RegexSet | null;
  /** The keywords alone: looked for inside a keyword-free rule's match, which the span pass lists instead. */
  readonly #keywordsOnly: SafeRegex | null;
  readonly #longestKeyword: number;
  readonly #overlaps: readonly (readonly [number, number])[][];
  readonly #fieldRules: readonly number[];
  readonly #windows: boolean;
  readonly #allIndexes: readonly number[];
  /** Short texts whose complete prefilter pass found no keyword and no trigger: no pattern rule can match them. */
  readonly #quiet = new QuietTexts();
  /** Answers the prefilter for short texts (ids, numbers, path words) without a regex call; null in reference mode. */
  readonly #sieve: ShortTextSieve | null;
  /** Longest text asked the yes/no question first (TEST_FIRST_MAX; -1 in reference mode). */
  readonly #testFirstMax: number;

  /**
   * `windows: false` makes every triggered rule run over the whole text, `shortcuts: false` sends
   * every text through the prefilter's full survey, and `spans: false` lists its matches with the
   * capturing pass itself (reference modes for tests).
   */
  constructor(rules: readonly DlpRule[], options: { windows?: boolean; shortcuts?: boolean; spans?: boolean } = {}) {
    this.rules = rules;
    this.#windows = options.windows ?? true;
    this.#compiled = rules.map((rule) => ({ rule, rx: re(rule.pattern) }));
    this.#minLength = rules.map((rule) => (options.shortcuts === false ? 0 : minMatchLength(rule.pattern)));
    this.#allIndexes = rules.map((_, i) => i);
    const ids = new Map<string, number>();
    const keywordRules: number[][] = [];
    const ruleKeywords: number[][] = [];
    const free: number[] = [];
    const fieldRules: number[] = [];
    rules.forEach((rule, index) => {
      ruleKeywords.push([]);
      if (rule.field) fieldRules.push(index);
      if (rule.keywords.length === 0) {
        free.push(index);
        return;
      }
      for (const raw of rule.keywords) {
        const kw = raw.toLowerCase();
        let id = ids.get(kw);
        if (id === undefined) {
          id = ids.size;
          ids.set(kw, id);
          keywordRules.push([]);
        }
        const list = keywordRules[id] as number[];
        if (!list.includes(index)) list.push(index);
        (ruleKeywords[index] as number[]).push(id);
      }
    });
    const keywords = [...ids.keys()];
    this.#keywordIds = ids;
    this.#keywordList = keywords;
    this.#keywordRules = keywordRules;
    this.#ruleKeywords = ruleKeywords;
    this.#implied = keywords.map((k) => keywords.flatMap((other, id) => (other !== k && k.includes(other) ? [id] : [])));
    this.#isCommon = Uint8Array.from(keywords, (k) => (COMMON_KEYWORDS.has(k) ? 1 : 0));
    this.#free = free;
    this.#fieldRules = fieldRules;
    this.#common = keywords.flatMap((k, id) => (COMMON_KEYWORDS.has(k) ? [id] : []));
    const byLength = (list: string[]): string[] => [...list].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    // Each keyword-free pattern gets a capture group of its own, so a trigger match names its rule.
    const freeGroups: number[] = [];
    let group = 1;
    for (const i of free) {
      freeGroups.push(group);
      group += 1 + countGroups((rules[i] as DlpRule).pattern);
    }
    this.#freeGroups = freeGroups;
    // Which keyword-free rules match anywhere, whatever the span pass's non-overlapping list hid (#survey).
    this.#freeSet = free.length > 0 ? regexSet(free.map((i) => (rules[i] as DlpRule).pattern)) : null;
    // Keywords that can start inside another keyword's match (a suffix of one is a prefix of the other):
    // the span pass reports only the first, so #collect looks for the second at that offset.
    this.#overlaps = keywords.map((a) => {
      const out: [number, number][] = [];
      keywords.forEach((b, idB) => {
        if (a === b || a.includes(b) || b.includes(a)) return;
        for (let n = Math.min(a.length, b.length) - 1; n >= 1; n--) if (a.endsWith(b.slice(0, n))) out.push([a.length - n, idB]);
      });
      return out;
    });
    const freePatterns = free.map((i) => `(${(rules[i] as DlpRule).pattern})`);
    const freeSpans = free.map((i) => `(?:${uncapture((rules[i] as DlpRule).pattern)})`);
    const alternation = (list: string[]): string[] => (list.length > 0 ? [`(?i:${byLength(list).map(escapeLiteral).join('|')})`] : []);
    const prefilter = [...alternation(keywords), ...freePatterns];
    const rare = [...alternation(keywords.filter((k) => !COMMON_KEYWORDS.has(k))), ...freePatterns];
    this.#prefilter = prefilter.length > 0 ? re(prefilter.join('|')) : null;
    const spans = options.spans !== false;
    this.#freeApart = spans && this.#freeSet !== null;
    const spanFree = this.#freeApart ? [] : freeSpans;
    const spanPass = (list: string[]): SafeRegex | null => {
      const parts = [...alternation(list), ...spanFree];
      return parts.length > 0 ? re(parts.join('|')) : null;
    };
    this.#prefilterSpans = !spans ? this.#prefilter : spanPass(keywords);
    this.#quietTest = !spans ? this.#prefilter : prefilter.length > 0 ? re([...alternation(keywords), ...freeSpans].join('|')) : null;
    this.#rareSpans = !spans ? (rare.length > 0 ? re(rare.join('|')) : null) : spanPass(keywords.filter((k) => !COMMON_KEYWORDS.has(k)));
    this.#testFirstMax = options.shortcuts === false ? -1 : TEST_FIRST_MAX;
    this.#sieve = options.shortcuts === false ? null : new ShortTextSieve(keywords, free.map((i) => (rules[i] as DlpRule).pattern));
    this.#rare = rare.length > 0 ? re(rare.join('|')) : null;
    this.#keywordsOnly = keywords.length > 0 ? re(alternation(keywords).join('|')) : null;
    this.#longestKeyword = keywords.reduce((n, k) => Math.max(n, k.length), 0);
  }

  /**
   * Accepted hits in one text, after overlap resolution. `fieldKey` (the last key of a structured
   * location) lets field-aware rules judge the whole text as that key's value. `likelyQuiet` (a URL,
   * say) asks the prefilter a yes/no question before surveying: cheaper when the answer is no, a
   * second pass when it is yes. The hits are the same either way. `pieceStarts` (split-secrets'
   * joined fragments, matched by rules whose boundary assertions were taken out: dlp/split.ts) are
   * where pieces begin; see #again.
   */
  scanText(text: string, fieldKey?: string, skipPatterns = false, enough = Infinity, likelyQuiet = false, pieceStarts?: readonly number[]): Hit[] {
    this.lastTextQuiet = true;
    this.lastTextIncomplete = null;
    this.#pieceStarts = pieceStarts !== undefined && pieceStarts.length > 1 ? pieceStarts : null;
    const patterns = text.length > 0 && this.#prefilter !== null && !skipPatterns;
    const fields = fieldKey !== undefined && fieldKey.length > 0;
    // Most parts of a clean URL end here: nothing to match and no field rule to ask.
    if (!patterns && !fields) return [];
    const hits: Hit[] = [];
    const vetoes: Span[] = [];
    const capped: DlpRule[] = [];
    this.#sure = null; // made at the first sure hit (most texts have none)
    this.#counting = enough < Infinity && patterns;
    this.#enough = enough;
    // A short text's prefilter matches (keywords only: it is too short for a keyword-free match) are
    // listed without a regex call (see ShortTextSieve); null for a text the sieve does not answer.
    const listed = patterns ? (this.#sieve?.keywordMatches(text) ?? null) : null;
    // A repeated longer text the prefilter already found quiet: the same pass would find nothing again.
    if (patterns && this.#prefilter && (listed !== null || !this.#quiet.has(text))) {
      // For a text expected to be quiet, a yes/no pass first: in the native engine it costs a third
      // of listing the matches, and "no match" is exactly what a survey of nothing says.
      const none =
        (listed !== null && listed.length === 0) ||
        (listed === null && likelyQuiet && text.length <= this.#testFirstMax && !(this.#quietTest?.test(text) ?? false));
      const survey = none ? EMPTY_SURVEY : this.#survey(text, this.#prefilter, this.#prefilterSpans, listed);
      this.lastTextQuiet = survey.complete && survey.keywordSpans.size === 0 && survey.triggerSpans.size === 0;
      if (this.lastTextQuiet && listed === null) this.#quiet.add(text);
      const candidates = this.lastTextQuiet ? [] : this.#candidates(survey);
      for (let k = 0; k < candidates.length && !this.#overflow(); k++) {
        const i = candidates[k] as number;
        // A text shorter than any match of the rule cannot hold one (minMatchLength is a lower bound).
        if (text.length < (this.#minLength[i] as number)) continue;
        const plan = this.#plan(i, survey, text.length);
        if (plan !== 'skip' && this.#run(this.#compiled[i] as Compiled, text, plan, hits, vetoes, this.#minLength[i] as number)) capped.push((this.#compiled[i] as Compiled).rule);
      }
    }
    if (fields) this.#fields(fieldKey, text, hits);
    const out = resolve(hits, vetoes);
    // A rule stopped at MATCH_LIMIT only changes the verdict when none of its hits survived overlap
    // resolution (a generic rule whose first hits all yielded): later matches might have. Only then is
    // the text reported as not fully inspected. A rule with a surviving hit is already in the verdict.
    for (const rule of capped) {
      if (out.some((h) => h.rule === rule)) continue;
      this.lastTextIncomplete = `rule ${rule.id} stopped after ${MATCH_LIMIT} matches`;
      break;
    }
    return out;
  }

  /**
   * True when the last scanText's one-pass prefilter found no keyword and no trigger at all: no
   * pattern rule can match that text, nor any substring of it.
   */
  lastTextQuiet = false;

  /** Why the last scanText could not inspect all of its text (null: it did). */
  lastTextIncomplete: string | null = null;

  /**
   * Distinct (rule, value) hits of rules that always survive overlap resolution (neither generic nor
   * yielding), when scanText was given `enough`: past that many, the caller's findings cap will be
   * exceeded whatever else the text holds, so the remaining rules are not run.
   */
  #sure: Set<string> | null = null;
  /** The pieces of the text being scanned, when it is a join of pieces (scanText's pieceStarts). */
  #pieceStarts: readonly number[] | null = null;
  #counting = false;
  #enough = Infinity;
  #overflow(): boolean {
    return this.#sure !== null && this.#sure.size > this.#enough;
  }

  #survey(text: string, prefilter: SafeRegex, spans: SafeRegex | null, listed: readonly RegexMatch[] | null): Survey {
    const seen = new Uint8Array(this.#keywordList.length);
    const seenIds: number[] = [];
    let keywordSpans = new Map<number, Span[]>();
    let triggerSpans = new Map<number, Span[]>();
    const first = listed ?? (spans ? this.#list(spans, prefilter, text, PREFILTER_LIMIT) : []);
    this.#collect(first, text, prefilter, seen, seenIds, keywordSpans, triggerSpans);
    // With #freeApart the span pass holds keywords only, and the set names the keyword-free rules that
    // match anywhere (not asked of a text the sieve listed: too short for any keyword-free match).
    // Otherwise the pass lists them too, but only non-overlapping matches, so a match just before a
    // keyword-free rule's match (a decoy keyword ending in punctuation, another free pattern) can hide
    // it: when the pass found anything at all, the set names every free rule that matches anywhere.
    // Either way those rules run over the whole text.
    const askSet = this.#freeApart ? listed === null : first.length > 0;
    const freeHits = askSet && this.#freeSet ? this.#freeSet.match(text) : [];
    const addFree = (into: Map<number, Span[]>): void => {
      for (const k of freeHits) into.set(this.#free[k] as number, [{ start: 0, end: text.length }]);
    };
    addFree(triggerSpans);
    if (first.length < PREFILTER_LIMIT) return { seen, seenIds, keywordSpans, triggerSpans, complete: true, rareComplete: true };
    // Flooded (usually by common words in code): rescan for the rarer keywords and the triggers only,
    // and look the common words up directly (they are usually present, so the lookup stops early).
    let rareComplete = false;
    if (this.#rare && this.#rareSpans) {
      const rare = this.#list(this.#rareSpans, this.#rare, text, RARE_LIMIT);
      rareComplete = rare.length < RARE_LIMIT;
      keywordSpans = new Map();
      triggerSpans = new Map();
      this.#collect(rare, text, this.#rare, seen, seenIds, keywordSpans, triggerSpans);
      addFree(triggerSpans);
    }
    let lower: string | undefined;
    for (const id of this.#common) {
      if (seen[id] === 1) continue;
      lower ??= text.toLowerCase();
      if (lower.includes(this.#keywordList[id] as string)) this.#see(id, seen, seenIds);
    }
    return { seen, seenIds, keywordSpans, triggerSpans, complete: false, rareComplete };
  }

  /** `spans.all(text, limit)` through listSpans, except in the reference mode (capturing spans: all() itself). */
  #list(spans: SafeRegex, capturing: SafeRegex, text: string, limit: number): RegexMatch[] {
    return spans === capturing ? spans.all(text, limit) : listSpans(spans, text, limit, this.#isKeyword);
  }

  readonly #isKeyword = (lower: string): boolean => this.#keywordIds.has(lower);

  /** The group-free prefilter pass and the keyword test listSpans is given (for tests that compare listings). */
  get spanPass(): { readonly spans: SafeRegex | null; readonly isKeyword: (lower: string) => boolean } {
    return { spans: this.#prefilterSpans, isKeyword: this.#isKeyword };
  }

  /**
   * Records the matches of a span pass (`spans.all`). A match that is no keyword is a keyword-free
   * rule's: the capturing pass `groupsOf` names which, asked at that match only (see groupsAt).
   */
  #collect(matches: readonly RegexMatch[], text: string, groupsOf: SafeRegex, seen: Uint8Array, seenIds: number[], keywordSpans: Map<number, Span[]>, triggerSpans: Map<number, Span[]>): void {
    for (const m of matches) {
      const span = { start: m.index, end: m.end };
      const id = this.#keywordIds.get(m.text.toLowerCase());
      if (id !== undefined) {
        this.#see(id, seen, seenIds);
        // A keyword hidden inside this one's match, and one hidden inside that (bounded: each
        // step starts further right, within the text).
        const pending: [number, number][] = [[id, m.index]];
        for (let step = 0; step < pending.length && step < 16; step++) {
          const [a, from] = pending[step] as [number, number];
          for (const [off, b] of this.#overlaps[a] as [number, number][]) {
            const kb = this.#keywordList[b] as string;
            const at = from + off;
            if (text.slice(at, at + kb.length).toLowerCase() !== kb) continue;
            this.#see(b, seen, seenIds);
            pending.push([b, at]);
            for (const k of [b, ...(this.#implied[b] as number[])]) {
              const list = keywordSpans.get(k);
              if (list) list.push({ start: at, end: at + kb.length });
              else keywordSpans.set(k, [{ start: at, end: at + kb.length }]);
            }
          }
        }
        for (const k of [id, ...(this.#implied[id] as number[])]) {
          const list = keywordSpans.get(k);
          if (list) list.push(span);
          else keywordSpans.set(k, [span]);
        }
        continue;
      }
      // A keyword that starts inside this match (a decoy such as `|` + a token, matched as the
      // Facebook app token's `|<secret>`) is not listed by the span pass: look for keywords there.
      if (this.#keywordsOnly && m.end - m.index > 1) {
        const from = m.index + 1;
        const inner = text.slice(from, Math.min(text.length, m.end + this.#longestKeyword - 1));
        for (const k of this.#keywordsOnly.all(inner, PREFILTER_LIMIT)) {
          const kid = this.#keywordIds.get(k.text.toLowerCase());
          if (kid === undefined) continue;
          this.#see(kid, seen, seenIds);
          const at = { start: from + k.index, end: from + k.end };
          for (const kk of [kid, ...(this.#implied[kid] as number[])]) {
            const list = keywordSpans.get(kk);
            if (list) list.push(at);
            else keywordSpans.set(kk, [at]);
          }
        }
      }
      // The reference mode lists matches with the capturing pass: its groups are at hand.
      const groups = m.groups.length > 0 ? m.groups : groupsAt(groupsOf, text, m);
      for (let k = 0; k < this.#free.length; k++) {
        if (groups[(this.#freeGroups[k] as number) - 1] === undefined) continue;
        const r = this.#free[k] as number;
        const list = triggerSpans.get(r);
        if (list) list.push(span);
        else triggerSpans.set(r, [span]);
        break;
      }
    }
  }

  #see(id: number, seen: Uint8Array, seenIds: number[]): void {
    if (seen[id] === 1) return;
    seen[id] = 1;
    seenIds.push(id);
    for (const inner of this.#implied[id] as number[]) this.#see(inner, seen, seenIds);
  }

  /**
   * The rules that can run on a surveyed text, in rule order. When the survey saw every keyword
   * and trigger, only the rules of the keywords seen and the triggered keyword-free rules can;
   * otherwise every rule is asked (#plan decides).
   */
  #candidates(survey: Survey): readonly number[] {
    if (!survey.complete) return this.#allIndexes;
    const picked = new Uint8Array(this.#compiled.length);
    let n = 0;
    for (const id of survey.seenIds) {
      for (const r of this.#keywordRules[id] as number[]) if (picked[r] === 0) (picked[r] = 1), n++;
    }
    for (const r of survey.triggerSpans.keys()) if (picked[r] === 0) (picked[r] = 1), n++;
    const out: number[] = new Array<number>(n);
    let k = 0;
    for (let i = 0; i < picked.length; i++) if (picked[i] === 1) out[k++] = i;
    return out;
  }

  /** Whether rule `i` runs on this text, and where: nowhere, the whole text, or windows around its anchors. */
  #plan(i: number, survey: Survey, length: number): 'skip' | 'full' | Span[] {
    const rule = (this.#compiled[i] as Compiled).rule;
    const reach = rule.reach ?? DEFAULT_REACH;
    let anchors: Span[] = [];
    const keywords = this.#ruleKeywords[i] as number[];
    if (keywords.length === 0) {
      if (!survey.complete && !survey.rareComplete) return 'full';
      anchors = survey.triggerSpans.get(i) ?? [];
      if (anchors.length === 0) return 'skip';
    } else {
      let any = false;
      for (const id of keywords) {
        if (survey.seen[id] !== 1 && (survey.complete || survey.rareComplete || this.#isCommon[id] === 1)) continue;
        any = true;
        // Positions are known for every keyword when the first pass was complete, and for rare ones after the fallback.
        const known = survey.complete || (this.#isCommon[id] === 0 && survey.rareComplete);
        if (!known) return 'full';
        for (const s of survey.keywordSpans.get(id) ?? []) anchors.push(s);
      }
      if (!any) return 'skip';
      if (anchors.length === 0) return 'full';
    }
    if (!this.#windows || !Number.isFinite(reach) || anchors.length > MAX_WINDOWS * 4) return 'full';
    return windowsAround(anchors, reach, length) ?? 'full';
  }

  /**
   * Runs one rule over its windows. Raw matches are fetched in growing batches, resuming after the
   * last match, so any number of rejected candidates (placeholders, failed checks) costs time linear
   * in the text but never hides a later match. Returns true when the rule stopped at MATCH_LIMIT
   * accepted hits with text left unread.
   */
  #run(c: Compiled, text: string, plan: 'full' | Span[], hits: Hit[], vetoes: Span[], min: number): boolean {
    const rule = c.rule;
    let accepted = 0;
    const sources = plan === 'full' ? [{ start: 0, end: text.length }] : plan;
    const again: RegexMatch[] | null = this.#pieceStarts ? [] : null;
    for (const w of sources) {
      if (w.end - w.start < min) continue; // no match fits in it
      let pos = w.start;
      let batch = FIRST_BATCH;
      for (;;) {
        const whole = pos === 0 && w.end === text.length;
        const sub = whole ? text : text.slice(pos, w.end);
        const found = c.rx.all(sub, batch);
        for (const local of found) {
          // A match touching an inner window edge may owe its existence to the cut (\b, ^, $): the window is
          // wide enough for every real match around its anchor, so such a match is dropped. A resumed batch
          // starts where the previous match ended, as a global search would, so its start is not such an edge.
          if ((local.index === 0 && pos === w.start && w.start > 0) || (local.end === sub.length && w.end < text.length)) continue;
          const m: RegexMatch = whole ? local : { index: local.index + pos, end: local.end + pos, text: local.text, groups: local.groups };
          const hit = this.#take(rule, text, m, hits, vetoes);
          if (again && (hit === null || !this.#startsPiece(m.index))) again.push(m);
          if (hit) {
            if (this.#counting && !rule.generic && !rule.yieldsTo) {
              (this.#sure ??= new Set()).add(`${rule.id}\u0000${hit.value}`);
              if (this.#overflow()) return false;
            }
            if (++accepted >= MATCH_LIMIT) return m.end < text.length;
          }
        }
        if (found.length < batch) break;
        const last = found[found.length - 1] as RegexMatch;
        const next = pos + (last.end > last.index ? last.end : last.index + 1);
        if (next >= w.end) break;
        pos = next;
        batch = Math.min(batch * 2, MAX_BATCH);
      }
    }
    if (again && again.length > 0) return this.#again(c, text, hits, vetoes, again, accepted);
    return false;
  }

  /** Judges one raw match: an accepted one is added to `hits` (and returned), a vetoed span to `vetoes`. */
  #take(rule: DlpRule, text: string, m: RegexMatch, hits: Hit[], vetoes: Span[]): Hit | null {
    const g = pickGroup(m, rule.group ?? 0);
    const value = g === 0 ? m.text : m.groups[g - 1];
    if (value === undefined || value.length === 0) return null;
    const start = m.index + groupOffset(m, g, value);
    const end = start + value.length;
    const verdict = this.#judge(rule, value, text, m, start, end);
    if (verdict === 'accept') {
      const hit: Hit = { rule, value, start, end, matchStart: m.index, matchEnd: m.end };
      hits.push(hit);
      return hit;
    }
    if (verdict === 'veto') vetoes.push({ start, end });
    return null;
  }

  #startsPiece(pos: number): boolean {
    const starts = this.#pieceStarts as readonly number[];
    return starts[firstAtOrAfter(starts, pos)] === pos;
  }

  /**
   * In a join of pieces, matched by rules whose boundary assertions were taken out (dlp/split.ts), a
   * match can hide the credential it overlaps, since a regex search resumes only after the match it
   * found: one that starts inside a piece (where the assertion would have failed, `\b` after a
   * letter) can hide one that begins at the next piece start, and one rejected because its greedy
   * run took in the next piece too (a checksum then fails) can hide the shorter one that ends at that
   * piece's start. For each such match (rejected, or not starting a piece) the rule is asked again
   * from every piece start inside it, and a rejected one also up to every piece start inside it,
   * longest first. At most MAX_RESTARTS searches per rule and text. Returns true when the rule
   * stopped at MATCH_LIMIT.
   */
  #again(c: Compiled, text: string, hits: Hit[], vetoes: Span[], queue: RegexMatch[], accepted: number): boolean {
    const starts = this.#pieceStarts as readonly number[];
    const tried = new Set<number>();
    let work = 0;
    const known = (m: RegexMatch): boolean => hits.some((h) => h.rule === c.rule && h.matchStart === m.index && h.matchEnd === m.end);
    for (let q = 0; q < queue.length && work < MAX_RESTARTS; q++) {
      const m = queue[q] as RegexMatch;
      const first = firstAtOrAfter(starts, m.index + 1);
      const last = firstAtOrAfter(starts, m.end) - 1;
      const rejected = !known(m);
      // Shorter ends: the same start, the subject cut at a piece start inside the match.
      for (let k = last; rejected && k >= first && work < MAX_RESTARTS; k--) {
        const b = starts[k] as number;
        work++;
        const cut = c.rx.first(text.slice(m.index, b));
        if (!cut || cut.index !== 0) continue;
        const mm: RegexMatch = { index: m.index, end: m.index + cut.end, text: cut.text, groups: cut.groups };
        if (this.#take(c.rule, text, mm, hits, vetoes)) {
          if (++accepted >= MATCH_LIMIT) return true;
          break;
        }
      }
      // Later starts: from each piece start inside the match.
      for (let k = first; k < starts.length && (starts[k] as number) < m.end && work < MAX_RESTARTS; k++) {
        const b = starts[k] as number;
        if (tried.has(b)) continue;
        tried.add(b);
        work++;
        const mm = c.rx.first(text, b);
        if (!mm || mm.end <= mm.index || known(mm)) continue;
        const hit = this.#take(c.rule, text, mm, hits, vetoes);
        if (hit && ++accepted >= MATCH_LIMIT) return mm.end < text.length;
        if (hit === null || !this.#startsPiece(mm.index)) queue.push(mm);
      }
    }
    return false;
  }

  #judge(rule: DlpRule, value: string, text: string, m: RegexMatch, start: number, end: number): 'accept' | 'reject' | 'veto' {
    if (rule.minEntropy !== undefined && entropy(value) < rule.minEntropy) return 'reject';
    const screen = rule.placeholders ?? 'token';
    if (screen === 'token' && isTokenPlaceholder(value)) return 'reject';
    if (screen === 'value' && isValuePlaceholder(value)) return 'reject';
    const ctx: CheckContext = new Candidate(text, m.text, m.groups, start, end, this.#pieceStarts);
    if (rule.context) {
      const window = ctx.around(rule.context.before, rule.context.after ?? 0);
      if (!rule.context.words.some((w) => window.includes(w))) return 'reject';
    }
    if (rule.check) {
      let ok = false;
      try {
        ok = rule.check(value, ctx);
      } catch {
        ok = false; // a check that throws rejects its candidate; the scanner itself never throws
      }
      if (!ok) return rule.vetoOnFailedCheck ? 'veto' : 'reject';
    }
    return 'accept';
  }

  #fields(key: string, text: string, hits: Hit[]): void {
    for (const i of this.#fieldRules) {
      const rule = (this.#compiled[i] as Compiled).rule;
      let value: string | null = null;
      try {
        value = rule.field ? rule.field(key, text) : null;
      } catch {
        value = null;
      }
      if (value === null || value.length === 0) continue;
      if (hits.some((h) => h.rule === rule && h.value === value)) continue;
      const at = Math.max(0, text.indexOf(value));
      hits.push({ rule, value, start: at, end: at + value.length, matchStart: at, matchEnd: at + value.length });
    }
  }
}

/** What a rule's checks see of one candidate (a class: no closure made per candidate). */
class Candidate implements CheckContext {
  constructor(
    readonly text: string,
    readonly match: string,
    readonly groups: readonly (string | undefined)[],
    readonly start: number,
    readonly end: number,
    readonly pieces: readonly number[] | null,
  ) {}
  pieceStart(pos: number): boolean {
    const starts = this.pieces;
    return starts !== null && starts[firstAtOrAfter(starts, pos)] === pos;
  }
  around(before: number, after: number): string {
    const { text, start, end } = this;
    return `${text.slice(Math.max(0, start - before), start)}\u0000${text.slice(end, Math.min(text.length, end + after))}`.toLowerCase();
  }
}

/**
 * The capture groups `capturing` fills for match `m` of its group-free twin in `text` (the same spans).
 * Asked on a slice holding the match and one character either side, which is all that its `\b`, `^`
 * and `$` can see of the context, so a long text is not handed over per match; a slice whose answer
 * is not that exact span (possible only through its artificial end) is answered from the whole text.
 */
function groupsAt(capturing: SafeRegex, text: string, m: RegexMatch): readonly (string | undefined)[] {
  const from = Math.max(0, m.index - 1);
  const to = Math.min(text.length, m.end + 1);
  const local = capturing.first(text.slice(from, to), m.index - from);
  if (local && local.index === m.index - from && local.end === m.end - from) return local.groups;
  const whole = capturing.first(text, m.index);
  return whole && whole.index === m.index ? whole.groups : [];
}

/** Index of the first of the ascending `starts` that is at least `pos` (starts.length when none is). */
function firstAtOrAfter(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((starts[mid] as number) < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Merged windows of `reach` characters around each anchor, or null when windows would not save work. */
function windowsAround(anchors: readonly Span[], reach: number, length: number): Span[] | null {
  const sorted = [...anchors].sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  let covered = 0;
  for (const a of sorted) {
    const start = Math.max(0, a.start - reach);
    const end = Math.min(length, a.end + reach);
    const last = out[out.length - 1];
    if (last && start <= last.end) {
      covered += Math.max(0, end - last.end);
      last.end = Math.max(last.end, end);
    } else {
      out.push({ start, end });
      covered += end - start;
    }
    if (out.length > MAX_WINDOWS || covered > length * MAX_WINDOW_SHARE) return null;
  }
  return out;
}

/** Sorted spans with running maximum ends, answering "does anything overlap [start, end)?" in log time. */
class SpanIndex {
  readonly #starts: number[];
  readonly #maxEnd: number[];
  constructor(spans: readonly Span[]) {
    const sorted = [...spans].sort((x, y) => x.start - y.start);
    this.#starts = sorted.map((x) => x.start);
    let max = -1;
    this.#maxEnd = sorted.map((x) => (max = Math.max(max, x.end)));
  }
  overlaps(span: Span): boolean {
    // Last index with start < span.end.
    let lo = 0;
    let hi = this.#starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#starts[mid] as number) < span.end) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at >= 0 && (this.#maxEnd[at] as number) > span.start;
  }
}

/** Generic hits yield to overlapping specific hits and (unless outranksVetoes) to vetoed spans; `yieldsTo` rules yield to the named ones. */
function resolve(hits: Hit[], vetoes: readonly Span[]): Hit[] {
  if (hits.length <= 1 && vetoes.length === 0) return hits;
  const specific = new SpanIndex(hits.filter((h) => !h.rule.generic));
  const vetoed = new SpanIndex(vetoes);
  const byRule = new Map<string, Hit[]>();
  for (const h of hits) {
    const list = byRule.get(h.rule.id);
    if (list) list.push(h);
    else byRule.set(h.rule.id, [h]);
  }
  const indexes = new Map<string, SpanIndex>();
  const indexOf = (id: string): SpanIndex | undefined => {
    const list = byRule.get(id);
    if (!list) return undefined;
    let idx = indexes.get(id);
    if (!idx) indexes.set(id, (idx = new SpanIndex(list)));
    return idx;
  };
  return hits.filter((h) => {
    if (h.rule.generic && (specific.overlaps(h) || (!h.rule.outranksVetoes && vetoed.overlaps(h)))) return false;
    for (const id of h.rule.yieldsTo ?? []) if (indexOf(id)?.overlaps(h)) return false;
    return true;
  });
}

/** The last key of a finding location: `body.$.db.password` → `password`, `header.x-api-key` → `x-api-key`. */
export function lastKey(location: string): string {
  let s = location;
  for (let guard = 0; guard < 32 && s.endsWith(']'); guard++) {
    const open = s.lastIndexOf('[');
    if (open < 0) break;
    const inner = s.slice(open + 1, -1);
    const q = inner.charAt(0);
    if (inner.length >= 2 && (q === '"' || q === "'") && inner.endsWith(q)) return inner.slice(1, -1);
    let digits = inner.length > 0;
    for (let i = 0; i < inner.length; i++) {
      const c = inner.charCodeAt(i);
      if (c < 48 || c > 57) digits = false;
    }
    if (!digits) return inner;
    s = s.slice(0, open);
  }
  const dot = s.lastIndexOf('.');
  return dot >= 0 ? s.slice(dot + 1) : s;
}
