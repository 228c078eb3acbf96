// DLP's detectors for text an agent sent in pieces, and for text whose letter case was lost.
//
// split-secrets joins the pieces of an input (query keys and values, host labels, headers, JSON keys
// and leaves…) end to end and asks `createJoinedDetector` which credentials appear across them: the
// same rules, checks and checksums that judge a whole value. Two things differ from a whole value:
//
// - The pieces are glued with nothing between them, so a rule's boundary assertions (`\b`, a
//   delimiter class before or after the token) would fail wherever the attacker's next piece starts
//   with a letter. The joined text is matched with those assertions removed from the ends of each
//   alternative, and each is put back wherever the match does not start or end on a piece boundary:
//   a piece boundary counts as a boundary, nothing else does.
// - Only rules that name a credential by something it carries are asked: a literal of the rule (its
//   keyword, `ghp_`, `AKIA`, `.atlasv1.`) inside the value, the literal structure around it
//   (`postgres://user:…@`, `AccountKey=`), or a checksum the shape alone does not pass. A rule that
//   judges a bare random string by the words around it (an AWS secret key, Mistral or Datadog keys,
//   40 hex digits near "twilio") would fire on any two ids glued together, and a neighbouring piece
//   could supply the word. Personal data (cards, IBANs, SSNs) is left out too: numbers glued
//   together pass a Luhn or mod-97 check one time in ten or a hundred.
//
// `createCaseFoldedDetector` asks the same rules about a DNS host label in the other letter case:
// DNS does not keep case and URL parsers lower-case host names, so an AWS key id (upper case only)
// sent as a subdomain arrives as `akia…`.
//
// Linear: one pass of the joined text; a candidate (rare: it must carry a rule's literal) costs a few
// passes over its own pieces. Bounded: matches per rule are capped by the engine (MATCH_LIMIT).
import { plausibleWithoutCase, SEVERITY_RANK, type Severity } from '../../core/index.ts';
import { re, type SafeRegex } from '../../re/index.ts';
import { DlpEngine, type Hit } from './engine.ts';
import { ALL_RULES } from './rules/index.ts';
import { maxMatchLength } from './short-sieve.ts';
import type { DlpRule } from './types.ts';

export interface JoinedMatch {
  /** The DLP rule id. */
  readonly rule: string;
  /**
   * Offset and length of the credential in the joined text: its value, and the rest of the match
   * when the rule names the credential by what is around it (a connection string's scheme and host).
   */
  readonly index: number;
  readonly length: number;
}

/**
 * Finds credentials in `text`, the pieces of one input (or a session) joined end to end; `starts` are
 * the offsets where pieces begin (ascending; 0 first). Without `starts` the text is one piece.
 * `incomplete()` says why the last call could not read all of its text (null: it did).
 */
export type JoinedDetector = ((text: string, starts?: readonly number[]) => readonly JoinedMatch[]) & {
  readonly incomplete: () => string | null;
  /** The longest match it can return (Infinity when a rule's is unbounded). */
  readonly maxMatchLength: number;
};

export interface JoinedDetectorOptions {
  /** Rule ids not to run (scanners.dlp.disabledRules). */
  readonly disabled?: readonly string[];
  /** Rules below this severity are not run (scanners.dlp.minSeverity). */
  readonly minSeverity?: Severity;
  /**
   * Only the rules whose matches (boundaries removed) can be longer than `above` and at most `atMost`
   * characters: split-secrets reads a session's history with the short rules over a little of it
   * and with the long ones over all of it (see maxMatchLength in short-sieve.ts).
   */
  readonly lengths?: { readonly above?: number; readonly atMost?: number };
}

/**
 * Rules whose literal is in the match but outside the value (a scheme and `@` around a password, a
 * `name=` before a token): the literal structure names the credential, so the value need not hold a keyword.
 */
export const LITERAL_AROUND_VALUE: ReadonlySet<string> = new Set([
  'dlp/connection-string-password',
  'dlp/url-credentials',
  'dlp/gitlab-session-cookie',
  'dlp/azure-storage-account-key',
  'dlp/azure-sas-token',
  'dlp/jwk-private-key',
  'dlp/gcp-service-account-key',
  'dlp/curl-user-credential',
  'dlp/curl-header-credential',
  'dlp/basic-auth-credentials',
  'dlp/powershell-plaintext-password',
  'dlp/ntlm-negotiate-token',
]);

/** Whether a rule is asked about joined pieces (see the file comment). */
export function judgesJoinedPieces(rule: DlpRule): boolean {
  return rule.category === 'secret' && rule.generic !== true && rule.field === undefined;
}

/**
 * Whether a hit names its credential by something it carries (see the file comment): keyword-free
 * rules are specific formats with checks; a rule with keywords must find one inside the value,
 * unless its literal sits around the value. This drops the bare-random-string alternatives of mixed
 * rules (Together's 64 hex digits, Cloudflare's 40 characters) and rules that need a word beside them.
 */
export function carriesLiteral(rule: DlpRule, value: string): boolean {
  if (rule.keywords.length === 0 || LITERAL_AROUND_VALUE.has(rule.id)) return true;
  const lower = value.toLowerCase();
  for (const k of rule.keywords) if (lower.includes(k)) return true;
  return false;
}

function eligibleRules(options: JoinedDetectorOptions): DlpRule[] {
  const disabled = new Set(options.disabled ?? []);
  const floor = options.minSeverity === undefined ? 0 : SEVERITY_RANK[options.minSeverity];
  return ALL_RULES.filter((r) => judgesJoinedPieces(r) && !disabled.has(r.id) && SEVERITY_RANK[r.severity] >= floor);
}

/** Whether a rule with keywords must carry one in its value (and keeps only its alternatives with a literal). */
function needsLiteral(rule: DlpRule): boolean {
  return rule.keywords.length > 0 && !LITERAL_AROUND_VALUE.has(rule.id);
}

// ------------------------------------------------------------------ boundary assertions

/** An assertion at a match edge: true when it holds at `pos` of `text`. */
type EdgeTest = (text: string, pos: number) => boolean;

function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** RE2's `\b` (ASCII word characters) between pos - 1 and pos. */
function wordBoundary(text: string, pos: number): boolean {
  const before = pos > 0 && isWordChar(text.charCodeAt(pos - 1));
  const after = pos < text.length && isWordChar(text.charCodeAt(pos));
  return before !== after;
}

/** The index after the group, class or escape that starts at `i`. */
function tokenEnd(p: string, i: number): number {
  const c = p.charAt(i);
  if (c === '\\') return i + 2;
  if (c === '[') {
    let j = i + 1;
    if (p.charAt(j) === '^') j++;
    if (p.charAt(j) === ']') j++;
    for (; j < p.length; j++) {
      if (p.charAt(j) === '\\') j++;
      else if (p.charAt(j) === ']') return j + 1;
    }
    return p.length;
  }
  if (c === '(') {
    let j = i + 1;
    while (j < p.length && p.charAt(j) !== ')') j = tokenEnd(p, j);
    return Math.min(p.length, j + 1);
  }
  return i + 1;
}

/** The alternatives of a pattern's top level (split at `|` outside groups and classes). */
export function topLevelAlternatives(p: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < p.length; ) {
    if (p.charAt(i) === '|') {
      out.push(p.slice(from, i));
      from = ++i;
    } else i = tokenEnd(p, i);
  }
  out.push(p.slice(from));
  return out;
}

/** A single character class (`[^A-Za-z0-9_-]`) spanning exactly `text`, as a one-character test. */
function classTest(text: string): ((c: string) => boolean) | null {
  if (!text.startsWith('[') || tokenEnd(text, 0) !== text.length) return null;
  const rx: SafeRegex = re(`^${text}$`);
  return (c) => rx.test(c);
}

interface Stripped {
  readonly rest: string;
  readonly test: EdgeTest | null;
}

/** Removes a leading `\b`, `(?:\b|^)` or `(?:^|[class])` from one alternative; `test` checks it at a match start. */
export function stripLead(alt: string): Stripped {
  if (alt.startsWith('\\b')) return { rest: alt.slice(2), test: wordBoundary };
  if (alt.startsWith('(?:')) {
    const end = tokenEnd(alt, 0);
    const inner = alt.slice(3, end - 1);
    if (inner === '\\b|^' || inner === '^|\\b') return { rest: alt.slice(end), test: (t, pos) => pos === 0 || wordBoundary(t, pos) };
    if (inner.startsWith('^|')) {
      const cls = classTest(inner.slice(2));
      if (cls) return { rest: alt.slice(end), test: (t, pos) => pos === 0 || cls(t.charAt(pos - 1)) };
    }
  }
  return { rest: alt, test: null };
}

/** Removes a trailing `\b` or `(?:[class]|$)` from one alternative; `test` checks it at a match end. */
export function stripTrail(alt: string): Stripped {
  // The last top-level token: walk the alternative token by token.
  let last = -1;
  for (let i = 0; i < alt.length; ) {
    last = i;
    i = tokenEnd(alt, i);
  }
  if (last < 0) return { rest: alt, test: null };
  const token = alt.slice(last);
  if (token === '\\b') return { rest: alt.slice(0, last), test: wordBoundary };
  if (token.startsWith('(?:') && token.endsWith('|$)')) {
    const cls = classTest(token.slice(3, -3));
    if (cls) return { rest: alt.slice(0, last), test: (t, pos) => pos >= t.length || cls(t.charAt(pos)) };
  }
  return { rest: alt, test: null };
}

/**
 * Whether an alternative holds two literal characters in a row (outside classes, class escapes such
 * as `\d`, optional characters and group syntax): `ghp_`, `.atlasv1.`, `://`, but not `[A-Za-z0-9]{40}`.
 * Read from the rule table, never from attacker text.
 */
export function hasLiteral(alt: string): boolean {
  let run = 0;
  for (let i = 0; i < alt.length; ) {
    const c = alt.charAt(i);
    let literal = false;
    let next = i + 1;
    if (c === '[') next = tokenEnd(alt, i);
    else if (c === '\\') {
      next = i + 2;
      const e = alt.charCodeAt(i + 1);
      // `\.` `\|` `\$` are characters; `\d` `\s` `\w` `\b` are not.
      literal = !((e >= 0x30 && e <= 0x39) || (e >= 0x41 && e <= 0x5a) || (e >= 0x61 && e <= 0x7a));
    } else if (c === '(') {
      // Group syntax (`(?:`, `(?i:`): the characters inside are read on.
      if (alt.charAt(i + 1) === '?') {
        next = i + 2;
        while (next < alt.length && alt.charAt(next) !== ':' && alt.charAt(next) !== ')') next++;
        next++;
      }
    } else literal = !'|)^$.'.includes(c);
    // The quantifier after the token: how many times it must occur (`A{20,24}` is twenty literals).
    let min = 1;
    const q = alt.charAt(next);
    if (q === '?' || q === '*') {
      min = 0;
      next++;
    } else if (q === '+') next++;
    else if (q === '{') {
      let n = 0;
      for (next++; next < alt.length && alt.charCodeAt(next) >= 0x30 && alt.charCodeAt(next) <= 0x39; next++) n = n * 10 + alt.charCodeAt(next) - 0x30;
      while (next < alt.length && alt.charAt(next) !== '}') next++;
      next++;
      min = n;
    }
    if (alt.charAt(next) === '?') next++; // lazy
    run = literal && min > 0 ? run + min : 0;
    if (run >= 2) return true;
    i = next;
  }
  return false;
}

/**
 * An alternative with only its literal-carrying branches left matchable, or null when none carries
 * a literal. A group spanning the whole alternative (`(vcp_[A-Za-z0-9]{24}|[A-Za-z0-9]{24})`, the
 * way most rules wrap their value) is looked into: its bare-random branches are made ones that never
 * match, keeping their groups' numbers. Read from the rule table, never from attacker text.
 */
export function literalAlternatives(alt: string, depth = 0): string | null {
  if (depth < 4 && alt.startsWith('(') && tokenEnd(alt, 0) === alt.length) {
    // The group's opening: `(`, `(?:`, `(?i:`, `(?P<name>`.
    let open = 1;
    if (alt.charAt(1) === '?') {
      open = 2;
      while (open < alt.length && alt.charAt(open) !== ':' && alt.charAt(open) !== '>' && alt.charAt(open) !== ')') open++;
      if (alt.charAt(open) === ')') return hasLiteral(alt) ? alt : null; // a flag group, not one with branches
      open++;
    }
    const branches = topLevelAlternatives(alt.slice(open, -1));
    if (branches.length > 1 || branches[0] !== alt.slice(open, -1) || alt.charAt(open) === '(') {
      let any = false;
      const inner = branches.map((b) => {
        const kept = literalAlternatives(b, depth + 1);
        if (kept === null) return NEVER + b;
        any = true;
        return kept;
      });
      return any ? `${alt.slice(0, open)}${inner.join('|')})` : null;
    }
  }
  return hasLiteral(alt) ? alt : null;
}

interface Loosened {
  /** The pattern without the boundary assertions at the ends of its alternatives (null: no alternative is kept). */
  readonly pattern: string | null;
  /** Whether a match may start (end) at a position: some alternative's removed assertion holds there, or one had none. */
  readonly leadOk: EdgeTest;
  readonly trailOk: EdgeTest;
}

const ALWAYS: EdgeTest = () => true;
/** Put before an alternative, it can never match (a boundary and no boundary at once) and keeps its groups' numbers. */
const NEVER = '\\b\\B';

/**
 * The pattern with the boundary assertions at the ends of its top-level alternatives removed. With
 * `literalsOnly`, an alternative that holds no literal (a bare random string, see the file comment)
 * is made one that never matches, so it costs nothing and hides nothing.
 */
export function loosen(pattern: string, literalsOnly = false): Loosened {
  const leads: (EdgeTest | null)[] = [];
  const trails: (EdgeTest | null)[] = [];
  let kept = 0;
  const alts = topLevelAlternatives(pattern).map((alt) => {
    const lead = stripLead(alt);
    const trail = stripTrail(lead.rest);
    const rest = literalsOnly ? literalAlternatives(trail.rest) : trail.rest;
    if (rest === null) return NEVER + trail.rest;
    kept++;
    leads.push(lead.test);
    trails.push(trail.test);
    return rest;
  });
  const any = (tests: (EdgeTest | null)[]): EdgeTest => {
    if (tests.some((t) => t === null)) return ALWAYS;
    const list = tests as EdgeTest[];
    return (t, pos) => list.some((f) => f(t, pos));
  };
  return { pattern: kept === 0 ? null : alts.join('|'), leadOk: any(leads), trailOk: any(trails) };
}

// ------------------------------------------------------------------ the joined-text detector

interface RuleSet {
  readonly rule: DlpRule;
  readonly loose: Loosened;
  /** This rule alone, boundaries removed / as written: asked about a candidate's own pieces. */
  looseEngine?: DlpEngine;
  anchoredEngine?: DlpEngine;
}

/** Index of the piece holding character `pos` (starts ascending, starts[0] = 0). */
function pieceAt(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((starts[mid] as number) <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function isBoundary(starts: readonly number[], length: number, pos: number): boolean {
  if (pos <= 0 || pos >= length) return true;
  return starts[pieceAt(starts, pos)] === pos;
}

/** Shorter ends tried when a match runs over several pieces (greedy matching may have run on past the credential). */
const MAX_END_TRIES = 32;
const NO_STARTS: readonly number[] = [0];

export function createJoinedDetector(options: JoinedDetectorOptions = {}): JoinedDetector {
  const sets = new Map<string, RuleSet>();
  const looseRules: DlpRule[] = [];
  const above = options.lengths?.above ?? -1;
  const atMost = options.lengths?.atMost ?? Infinity;
  let longest = 0;
  for (const rule of eligibleRules(options)) {
    // A rule with keywords keeps only its alternatives that carry a literal (see carriesLiteral).
    const loose = loosen(rule.pattern, needsLiteral(rule));
    if (loose.pattern === null) continue;
    const most = maxMatchLength(loose.pattern);
    if (most <= above || most > atMost) continue;
    longest = Math.max(longest, most);
    sets.set(rule.id, { rule, loose });
    looseRules.push({ ...rule, pattern: loose.pattern });
  }
  const engine = new DlpEngine(looseRules);
  let lastIncomplete: string | null = null;

  const looseOf = (s: RuleSet): DlpEngine => (s.looseEngine ??= new DlpEngine([{ ...s.rule, pattern: s.loose.pattern as string }]));
  const anchoredOf = (s: RuleSet): DlpEngine => (s.anchoredEngine ??= new DlpEngine([s.rule]));

  /** Whether the rule, as written, finds a value overlapping [from, to) inside piece k alone: DLP's finding there. */
  const wholeIn = (s: RuleSet, text: string, starts: readonly number[], k: number, from: number, to: number): boolean => {
    const at = starts[k] as number;
    const end = k + 1 < starts.length ? (starts[k + 1] as number) : text.length;
    for (const h of anchoredOf(s).scanText(text.slice(at, end))) if (h.start + at < to && h.end + at > from) return true;
    return false;
  };

  const detect = (text: string, given?: readonly number[]): JoinedMatch[] => {
    lastIncomplete = null;
    const out: JoinedMatch[] = [];
    if (text.length === 0) return out;
    const starts = given && given.length > 0 ? given : NO_STARTS;
    // Not `likelyQuiet`: its yes/no pass (every keyword and keyword-free pattern in one regex) is
    // slow on joined text, whose glued fragments make long runs of letters and digits that the
    // loosened patterns' counted repetitions keep matching into (hundreds of µs on 300 characters).
    const hits = engine.scanText(text, undefined, false, Infinity, false, starts);
    lastIncomplete = engine.lastTextIncomplete;
    for (const hit of hits) {
      const s = sets.get(hit.rule.id);
      if (!s || !carriesLiteral(s.rule, hit.value)) continue;
      const m = refine(s, hit, text, starts);
      if (m) out.push(m);
    }
    return out;
  };

  /**
   * Judges one hit against the pieces. Its region is the match and the value together (a connection
   * string's scheme and host are part of what crosses from piece to piece, not only its password).
   */
  function refine(s: RuleSet, hit: Hit, text: string, starts: readonly number[]): JoinedMatch | null {
    const from = Math.min(hit.matchStart, hit.start);
    let to = Math.max(hit.matchEnd, hit.end);
    const first = pieceAt(starts, from);
    const last = pieceAt(starts, to - 1);
    if (first !== last) {
      // A value that the rule finds inside its first or last piece alone is DLP's finding in that
      // piece, whatever the pattern ran on into (a key whose next piece happens to be letters too).
      if (wholeIn(s, text, starts, first, hit.start, hit.end) || wholeIn(s, text, starts, last, hit.start, hit.end)) return null;
      // Greedy matching may have run on past the credential into the pieces after it (a variable-
      // length token followed by another value): the shortest match that ends on a later piece
      // boundary is taken when there is one, the match as found otherwise.
      for (let k = first + 2, tries = 0; k <= last && tries < MAX_END_TRIES; k++, tries++) {
        const b = starts[k] as number;
        if (b <= hit.start) continue;
        const found = looseOf(s)
          .scanText(text.slice(from, b))
          .some((h) => h.start + from === hit.start && Math.max(h.end, h.matchEnd) + from === b);
        if (found) {
          to = b;
          break;
        }
      }
    }
    // The removed assertions hold at any piece boundary, and must hold as written anywhere else.
    if (!isBoundary(starts, text.length, hit.matchStart) && !s.loose.leadOk(text, hit.matchStart)) return null;
    const matchEnd = to < hit.matchEnd ? to : hit.matchEnd;
    if (!isBoundary(starts, text.length, matchEnd) && !s.loose.trailOk(text, matchEnd)) return null;
    return { rule: s.rule.id, index: from, length: to - from };
  }

  return Object.assign(detect, { incomplete: () => lastIncomplete, maxMatchLength: longest });
}

// ------------------------------------------------------------------ host labels

export interface CaseFoldedHit {
  readonly rule: DlpRule;
  readonly start: number;
  readonly end: number;
}

/**
 * Finds credentials in an ASCII host label read in the other letter case (upper case when it holds a
 * lower-case letter, lower case when it holds a capital), with the rules above: offsets are the
 * label's own (the case change keeps every character where it is).
 */
export function createCaseFoldedDetector(options: JoinedDetectorOptions = {}): (label: string) => CaseFoldedHit[] {
  let engine: DlpEngine | undefined;
  return (label) => {
    const out: CaseFoldedHit[] = [];
    let lower = false;
    let upper = false;
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      if (c >= 0x80) return out;
      lower ||= c >= 0x61 && c <= 0x7a;
      upper ||= c >= 0x41 && c <= 0x5a;
    }
    engine ??= new DlpEngine(eligibleRules(options).filter((r) => loosen(r.pattern, needsLiteral(r)).pattern !== null));
    const variants = [...(lower ? [label.toUpperCase()] : []), ...(upper ? [label.toLowerCase()] : [])];
    for (const v of variants) {
      for (const h of engine.scanText(v, undefined, false, Infinity, true)) if (carriesLiteral(h.rule, h.value) && plausibleWithoutCase(h.value)) out.push({ rule: h.rule, start: h.start, end: h.end });
    }
    return out;
  };
}

