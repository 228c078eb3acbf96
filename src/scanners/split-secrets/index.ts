// split-secrets: re-assembles the fragments an agent sends (query keys and values, subdomain labels,
// path segments, header values, cookie names and values, JSON keys and leaves) within one input and
// across a session's recent requests, and looks for credentials that only exist when the pieces are
// joined: every format DLP knows (the engine passes DLP's detector) and the operator's own secret
// values (the known-secret index); also keeps a per-session entropy budget.
// It never stores anything itself (state lives in ctx.state) and never reports a re-assembled secret.
import { getDomain } from 'tldts';
import type { Finding, Severity } from '../../core/index.ts';
import { looksLikeData, plausibleWithoutCase, redactPreview, withSecret } from '../../core/index.ts';
import { percentDecodeAscii } from '../entropy/index.ts';
import { shannonEntropy } from '../entropy/shannon.ts';
import { displayName } from '../known-secrets/index.ts';
import type { KnownSecretIndex, Scanner, Segment, SegmentPart } from '../types.ts';
import { builtinSplitDetector, type SplitDetection, type SplitDetector } from './detector.ts';
import { isTokenChar } from '../common.ts';
import { argumentPieces } from './tool-arguments.ts';
import { proseRuns } from './prose-runs.ts';

export { builtinSplitDetector, type SplitDetection, type SplitDetector } from './detector.ts';
export {
  createMemorySessionState,
  DEFAULT_MEMORY_SESSION_LIMITS,
  type MemorySessionLimits,
  type MemorySessionState,
} from './memory-state.ts';

export interface SplitSecretsOptions {
  /**
   * Finds credentials in re-assembled text (the engine passes DLP's, `dlp/split.ts`). Only rules that
   * name a credential by a literal or a checksum belong here: a generic "long random string" rule
   * fires on any two ids glued together.
   */
  readonly detect: SplitDetector;
  /**
   * Also look for the operator's own secret values (ctx.knownSecrets) across fragments, compared
   * exactly (and without case in host labels, which DNS does not keep).
   */
  readonly knownSecrets: boolean;
  /** Severity of a known secret's value re-assembled from fragments. */
  readonly knownSeverity: Severity;
  /**
   * Segment parts whose text is a candidate fragment. Names (query keys, JSON and form keys, cookie
   * names: parts `url-query-key` and `body-key`, locations ending `.<key>`) are fragments too, read
   * as described at `piecesOf`; host labels only below the registrable domain (`a.b.attacker.example`
   * gives `a` and `b`), which the agent picked, unlike the site it sends to.
   */
  readonly parts: readonly SegmentPart[];
  /**
   * Parts whose text, when it is prose (whitespace or non-ASCII in it, so no fragment), gives its
   * data-like runs as fragments instead (prose-runs.ts): a key half inside a sentence. Must be among `parts`.
   */
  readonly proseParts: readonly SegmentPart[];
  /** Data-like runs taken from each end of one prose text (the middle of a text with more is not read); 0 turns prose runs off. */
  readonly proseRunsPerEnd: number;
  /** Characters of a prose text read from each end for runs (the middle of a longer text is not read: ~6 ns a character). */
  readonly proseCharsPerEnd: number;
  /**
   * Prose runs kept per input, half from its start and half from its end (a long conversation sent
   * whole, full of ids and code). They do not count toward maxFragmentsPerInput: texts full of ids
   * are ordinary egress, and a limit reached there would block them.
   */
  readonly maxProseRunsPerInput: number;
  /** Header names (lower case) whose values are never fragments. */
  readonly ignoredHeaders: readonly string[];
  readonly minFragmentLength: number;
  /** Longer fragments keep their first and last half of this many characters. */
  readonly maxFragmentLength: number;
  /**
   * Fragments collected per input (below the engine's own segment cap, limits.maxSegments: only
   * egress token-like values count, and re-assembly costs more per fragment). An input with more
   * reports split-secrets/scan-incomplete: the rest are neither re-assembled nor remembered.
   */
  readonly maxFragmentsPerInput: number;
  /**
   * Most characters re-scanned across requests per input. Only the older fragments' last
   * maxSecretLength characters and this input's first maxSecretLength are needed (a credential that
   * crosses requests lies within them), so this binds only when set below about 2 × (maxSecretLength
   * + maxFragmentLength); it then reports split-secrets/scan-incomplete.
   */
  readonly maxWindowChars: number;
  /**
   * Detectors for the session window, each read over as much history as its maxMatchLength (capped
   * at maxSecretLength): the engine passes DLP's rules in two, the short ones and the long ones, so
   * the common short formats are not asked about a whole history's glued fragments. Default: [detect].
   */
  readonly windowDetectors?: readonly SplitDetector[];
  /** Longest credential looked for across requests: older fragments further back than this are not re-scanned. */
  readonly maxSecretLength: number;
  /** High-entropy bits a session may send within the state's window before it is flagged; 0 turns the budget off. */
  readonly entropyBudgetBits: number;
  /** A fragment counts toward the budget when at least this long … */
  readonly budgetMinLength: number;
  /** … and at least this many bits per character. */
  readonly budgetMinEntropy: number;
  /** Severity when the joined pieces are exactly whole fragments (a deliberate split). */
  readonly alignedSeverity: Severity;
  /** Severity when the match starts or ends inside a fragment (could be two unrelated values glued). */
  readonly unalignedSeverity: Severity;
  readonly budgetSeverity: Severity;
  readonly maxFindings: number;
}

export const DEFAULT_SPLIT_SECRETS_OPTIONS: SplitSecretsOptions = {
  detect: builtinSplitDetector,
  knownSecrets: true,
  knownSeverity: 'critical',
  // Whole bodies, texts and WebSocket messages count too: an agent can send a key half per message
  // as a plain body or a socket frame as easily as half per JSON field.
  parts: ['url-host-label', 'url-query-key', 'url-query-value', 'url-path-segment', 'header', 'body-key', 'body-leaf', 'tool-argument', 'body', 'text', 'ws-message'],
  // The texts a message is written in; never keys, names or URL parts (no prose there).
  proseParts: ['header', 'body-leaf', 'tool-argument', 'body', 'text', 'ws-message'],
  proseRunsPerEnd: 64,
  proseCharsPerEnd: 16_384,
  maxProseRunsPerInput: 2048,
  ignoredHeaders: [
    'accept',
    'accept-encoding',
    'accept-language',
    'cache-control',
    'connection',
    'content-length',
    'content-type',
    'host',
    'origin',
    'pragma',
    'referer',
    'te',
    'user-agent',
    'date',
    'if-modified-since',
    'if-none-match',
    'sec-fetch-dest',
    'sec-fetch-mode',
    'sec-fetch-site',
    'upgrade-insecure-requests',
  ],
  minFragmentLength: 4,
  maxFragmentLength: 512,
  maxFragmentsPerInput: 20_000,
  maxWindowChars: 16_384,
  maxSecretLength: 1024,
  entropyBudgetBits: 4096,
  budgetMinLength: 16,
  budgetMinEntropy: 3.5,
  alignedSeverity: 'high',
  unalignedSeverity: 'medium',
  budgetSeverity: 'medium',
  maxFindings: 100,
};

const SCANNER = 'split-secrets' as const;

/**
 * The parts whose token-like fragments count toward the entropy budget (the fragments read before
 * names and host labels were): a name repeated in every request is not new data.
 */
const BUDGET_PARTS: ReadonlySet<SegmentPart> = new Set<SegmentPart>(['url-query-value', 'url-path-segment', 'header', 'body-leaf', 'tool-argument', 'body', 'text', 'ws-message']);

function isTokenish(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

/**
 * Printable ASCII without whitespace. Credentials hold more than token characters (a SendGrid or
 * Vault token's dots, a JWT, `user:pass@` in a connection string, a Salesforce `!`), but none holds a
 * space: prose is not a fragment (its data-like runs are, prose-runs.ts).
 */
function isPrintable(text: string, min: number): boolean {
  if (text.length < min) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

const AUTH_SCHEMES = new Set(['bearer', 'basic', 'token', 'bot', 'apikey', 'digest']);

export interface Fragment {
  readonly text: string;
  /** Token characters only ([A-Za-z0-9+/=_-]): what the entropy budget counts. */
  readonly tokenish: boolean;
}

/** The fragment a segment's text gives, or null (too short, whitespace, non-ASCII, an ignored header). */
export function fragmentOf(seg: Segment, o: SplitSecretsOptions): Fragment | null {
  let text = seg.prepared.clean.trim();
  if (seg.part === 'url-query-value' || seg.part === 'url-query-key' || seg.part === 'url-path-segment') text = percentDecodeAscii(text);
  if (seg.part === 'header') {
    const name = seg.location.startsWith('header.') ? seg.location.slice(7).toLowerCase() : '';
    if (o.ignoredHeaders.includes(name)) return null;
    const space = text.indexOf(' ');
    if (space > 0 && AUTH_SCHEMES.has(text.slice(0, space).toLowerCase())) text = text.slice(space + 1).trim();
  }
  if (text.length > o.maxFragmentLength) {
    const half = Math.floor(o.maxFragmentLength / 2);
    text = text.slice(0, half) + text.slice(text.length - half);
  }
  return isPrintable(text, o.minFragmentLength) ? { text, tokenish: isTokenish(text) } : null;
}

/**
 * The text whose data-like runs are fragments (prose-runs.ts), for a segment of a prose part that
 * gave no fragment: null for an ignored header or a text too short to hold a run.
 */
function proseTextOf(seg: Segment, o: SplitSecretsOptions): string | null {
  if (seg.part === 'header') {
    const name = seg.location.startsWith('header.') ? seg.location.slice(7).toLowerCase() : '';
    if (o.ignoredHeaders.includes(name)) return null;
  }
  const text = seg.prepared.clean;
  return text.length >= o.minFragmentLength ? text : null;
}

/** What a fragment is, for the joins below. */
const VALUE = 0;
/** A name that looks like data (core/names.ts: `AKIAZ7QW4E`, `ghp_oEOLj3`): read with the values. */
const DATA_NAME = 1;
/** A name that reads as a name (`page`, `messages`): read with the values in one join only. */
const WORD_NAME = 2;

interface Piece {
  readonly text: string;
  /** null for a fragment of an earlier request. */
  readonly location: string | null;
  readonly kind: 0 | 1 | 2;
  /** A host label: DNS keeps no letter case, so it is also read in the other case. */
  readonly folded: boolean;
}

function isName(seg: Segment): boolean {
  return seg.part === 'url-query-key' || seg.part === 'body-key' || seg.location.endsWith('.<key>');
}

/** A whole form body or Cookie header followed by its fields: the fields are the fragments, not it too. */
function isContainer(seg: Segment, next: Segment | undefined): boolean {
  if (!next || (seg.part !== 'body' && seg.part !== 'header')) return false;
  return next.location.startsWith(`${seg.location}.`) || next.location.startsWith(`${seg.location}-key[`);
}

/** How many of a host's labels lie below its registrable domain (all of them for an address or a bare name). */
/**
 * Hosts recently asked about, and their answer: an agent sends to a few hosts over and over, and the
 * public-suffix lookup costs microseconds. A pure function's answers, bounded (cleared when full).
 */
const HOST_MEMO = new Map<string, number>();
const HOST_MEMO_MAX = 256;

/** How many of a host's labels lie below its registrable domain (all of them for an address or a bare name). */
function subdomainLabels(labels: readonly string[]): number {
  const host = labels.join('.');
  const known = HOST_MEMO.get(host);
  if (known !== undefined) return known;
  const n = subdomainLabelsOf(labels);
  if (HOST_MEMO.size >= HOST_MEMO_MAX) HOST_MEMO.clear();
  HOST_MEMO.set(host, n);
  return n;
}

function subdomainLabelsOf(labels: readonly string[]): number {
  let domain: string | null = null;
  try {
    domain = getDomain(labels.join('.'), { allowPrivateDomains: false });
  } catch {
    domain = null;
  }
  if (!domain) return labels.length;
  let registrable = 1;
  for (let i = 0; i < domain.length; i++) if (domain.charCodeAt(i) === 0x2e) registrable++;
  return Math.max(0, labels.length - registrable);
}

interface Collected {
  readonly pieces: Piece[];
  /** The token-like fragments the entropy budget counts, with their locations. */
  readonly budget: { text: string; location: string }[];
}

/**
 * The fragments of one input, in segment order (a JSON key just before its value). Values, subdomain
 * labels and data-like names are read together; names that read as names are left out of that
 * join (a key `part` between two halves would break them apart) and joined in a second one (where a
 * key and its value, or two keys, may be the halves). A prose text gives its data-like runs
 * (prose-runs.ts), at most maxProseRunsPerInput of them, half from the input's start and half from
 * its end.
 */
function piecesOf(segments: readonly Segment[], o: SplitSecretsOptions, parts: Partial<Record<string, true>>, prose: Partial<Record<string, true>>, out: FindingSink): Collected {
  const pieces: Piece[] = [];
  const budget: { text: string; location: string }[] = [];
  let hostKeep = 0;
  let hostSeen = 0;
  let fragments = 0;
  // Prose runs past the first half of the cap wait in a ring (the last ones win), each with the
  // place in `pieces` it goes to.
  const headRuns = Math.ceil(o.maxProseRunsPerInput / 2);
  const tailRuns = o.maxProseRunsPerInput - headRuns;
  let runs = 0;
  let ring: { piece: Piece; at: number }[] | null = null;
  const runLimits = { minLength: o.minFragmentLength, maxLength: o.maxFragmentLength, perEnd: o.proseRunsPerEnd, charsPerEnd: o.proseCharsPerEnd };
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.flow === 'ingress' || parts[seg.part] !== true) continue;
    if (isContainer(seg, segments[i + 1])) continue;
    if (seg.part === 'url-host-label') {
      if (seg.location.endsWith('.host[0]')) {
        const base = seg.location.slice(0, -'[0]'.length);
        const labels: string[] = [];
        for (let j = i; j < segments.length && segments[j]!.part === 'url-host-label' && segments[j]!.location.startsWith(`${base}[`); j++) labels.push(segments[j]!.prepared.clean);
        hostKeep = subdomainLabels(labels);
        hostSeen = 0;
      }
      if (hostSeen++ >= hostKeep) continue;
    }
    const f = fragmentOf(seg, o);
    if (f === null) {
      const text = prose[seg.part] === true && o.proseRunsPerEnd > 0 && o.maxProseRunsPerInput > 0 ? proseTextOf(seg, o) : null;
      if (text === null) continue;
      for (const run of proseRuns(text, runLimits)) {
        const piece: Piece = { text: run, location: seg.location, kind: VALUE, folded: false };
        if (runs++ < headRuns) pieces.push(piece);
        else if (tailRuns > 0) {
          ring ??= [];
          const slot = (runs - headRuns - 1) % tailRuns;
          ring[slot] = { piece, at: pieces.length };
        }
      }
      continue;
    }
    if (fragments >= o.maxFragmentsPerInput) {
      out.stop(seg.location, `The input has more than ${o.maxFragmentsPerInput} token-like values; the split-secrets check did not re-assemble those from ${seg.location} on.`);
      break;
    }
    fragments++;
    const kind = isName(seg) ? (looksLikeData(f.text) ? DATA_NAME : WORD_NAME) : VALUE;
    pieces.push({ text: f.text, location: seg.location, kind, folded: seg.part === 'url-host-label' });
    if (f.tokenish && BUDGET_PARTS.has(seg.part)) budget.push({ text: f.text, location: seg.location });
  }
  if (ring === null) return { pieces, budget };
  // The ring's runs in the order they came (the oldest is after the last one written), merged in.
  const next = (runs - headRuns) % tailRuns;
  const late = ring.length < tailRuns ? ring : [...ring.slice(next), ...ring.slice(0, next)];
  const merged: Piece[] = [];
  let k = 0;
  for (let p = 0; p <= pieces.length; p++) {
    while (k < late.length && late[k]!.at === p) merged.push(late[k++]!.piece);
    if (p < pieces.length) merged.push(pieces[p]!);
  }
  return { pieces: merged, budget };
}

/** The joins of one input's pieces (see piecesOf): values alone, with data-like names, with every name. */
function joinsOf(pieces: readonly Piece[]): Piece[][] {
  let data = false;
  let word = false;
  for (const p of pieces) {
    if (p.kind === DATA_NAME) data = true;
    else if (p.kind === WORD_NAME) word = true;
  }
  if (!data && !word) return [pieces as Piece[]];
  const out = [pieces.filter((p) => p.kind === VALUE)];
  if (data) out.push(word ? pieces.filter((p) => p.kind !== WORD_NAME) : (pieces as Piece[]));
  if (word) out.push(pieces as Piece[]);
  return out;
}

// A session keeps fragments as strings: a data-like name or a host label is kept with a mark before
// it (no fragment holds a control character), so the joins can be made again from the window.
const NAME_MARK = '\u0001';
const HOST_MARK = '\u0002';

function encode(p: Piece): string {
  return p.kind === DATA_NAME ? NAME_MARK + p.text : p.folded ? HOST_MARK + p.text : p.text;
}

/** Index of the fragment containing character `pos` of the joined text (starts ascending). */
function fragmentAt(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

interface Span {
  readonly first: number;
  readonly last: number;
  readonly aligned: boolean;
}

function spanOf(index: number, length: number, starts: readonly number[], lengths: readonly number[]): Span | null {
  if (!Number.isInteger(index) || !Number.isInteger(length) || index < 0 || length <= 0 || starts.length === 0) return null;
  const first = fragmentAt(starts, index);
  const last = fragmentAt(starts, index + length - 1);
  const aligned = index === starts[first] && index + length === starts[last]! + lengths[last]!;
  return { first, last, aligned };
}

/**
 * Whether pieces `from`…`to - 1` of `pieces`, joined, could hold a match of `detect`: false only when
 * the detector promises a character every match contains and no piece holds one.
 */
function mayMatch(detect: SplitDetector, pieces: readonly string[], from: number, to: number): boolean {
  const marks = marksOf(detect);
  if (marks === null) return true;
  for (let i = from; i < to; i++) {
    const p = pieces[i]!;
    for (let k = 0; k < p.length; k++) {
      const c = p.charCodeAt(k);
      if (c >= 128 || marks[c] === 1) return true;
    }
  }
  return false;
}

/** A detector's anyOfChars as a table of ASCII codes (a non-ASCII character counts as a mark); null when it names none. */
const MARKS = new WeakMap<SplitDetector, Uint8Array | null>();
function marksOf(detect: SplitDetector): Uint8Array | null {
  let marks = MARKS.get(detect);
  if (marks === undefined) {
    const chars = detect.anyOfChars;
    marks = chars === undefined ? null : new Uint8Array(128);
    for (let k = 0; marks && chars !== undefined && k < chars.length; k++) {
      const c = chars.charCodeAt(k);
      if (c >= 128) marks = null; // not representable here: always ask the detector
      else marks[c] = 1;
    }
    MARKS.set(detect, marks);
  }
  return marks;
}

/** Detections read per joined text; a detector that returns this many may have stopped early. */
const MAX_DETECTIONS = 100;

/**
 * Indexes of the fragments that lie (at least partly) within `reach` characters of either end of
 * their concatenation, in order: all of them when the input is short.
 */
function endFragments(frags: readonly string[], reach: number): number[] {
  let head = 0;
  for (let chars = 0; head < frags.length && chars < reach; head++) chars += frags[head]!.length;
  let tail = frags.length;
  for (let chars = 0; tail > head && chars < reach; ) chars += frags[--tail]!.length;
  const out: number[] = [];
  for (let k = 0; k < head; k++) out.push(k);
  for (let k = tail; k < frags.length; k++) out.push(k);
  return out;
}

/** One join: the pieces' texts end to end, where each starts, and its length. */
interface Joined {
  readonly texts: readonly string[];
  readonly text: string;
  readonly starts: readonly number[];
  readonly lengths: readonly number[];
  /** The same text with host labels in upper case (null when it holds none). */
  readonly upper: string | null;
}

function joinOf(pieces: readonly Piece[]): Joined {
  const texts: string[] = [];
  const starts: number[] = [];
  const lengths: number[] = [];
  let at = 0;
  let folded = false;
  for (const p of pieces) {
    texts.push(p.text);
    starts.push(at);
    lengths.push(p.text.length);
    at += p.text.length;
    folded ||= p.folded;
  }
  // Pieces are ASCII: upper-casing keeps every character where it is.
  const upper = folded ? pieces.map((p) => (p.folded ? p.text.toUpperCase() : p.text)).join('') : null;
  return { texts, text: texts.join(''), starts, lengths, upper };
}

/** A join of the session window: older fragments (no location) then this input's first ones. */
interface WindowJoin {
  readonly j: Joined;
  /** Per piece: this input's location, or null for a fragment of an earlier request. */
  readonly locations: readonly (string | null)[];
  /** How many pieces come from earlier requests. */
  readonly earlier: number;
  /** The window holds a data-like name (so the values-only join differs from this one). */
  readonly names: boolean;
}

/**
 * Joins the window's encoded fragments (see encode) directly, without a Piece per fragment: this runs
 * on every request of a session over up to maxSecretLength characters of history. With `valuesOnly`,
 * data-like names are left out (the second join of piecesOf).
 */
function windowJoin(older: readonly string[], current: readonly string[], to: number, locate: (k: number) => string, valuesOnly: boolean, skip?: ReadonlySet<string>): WindowJoin {
  const texts: string[] = [];
  const starts: number[] = [];
  const lengths: number[] = [];
  const locations: (string | null)[] = [];
  let folded: boolean[] | null = null;
  let names = false;
  let at = 0;
  let earlier = 0;
  const total = older.length + to;
  for (let k = 0; k < total; k++) {
    const here = k >= older.length;
    let t = here ? current[k - older.length]! : older[k]!;
    if (skip?.has(t)) continue;
    const mark = t.charCodeAt(0);
    let host = false;
    if (mark === 1) {
      names = true;
      if (valuesOnly) continue;
      t = t.slice(1);
    } else if (mark === 2) {
      host = true;
      t = t.slice(1);
    }
    if (host) (folded ??= new Array<boolean>(texts.length).fill(false)).push(true);
    else folded?.push(false);
    texts.push(t);
    starts.push(at);
    lengths.push(t.length);
    locations.push(here ? locate(k - older.length) : null);
    if (!here) earlier++;
    at += t.length;
  }
  let upper: string | null = null;
  if (folded) {
    const f = folded;
    upper = texts.map((t, k) => (f[k] ? t.toUpperCase() : t)).join('');
  }
  return { j: { texts, text: texts.join(''), starts, lengths, upper }, locations, earlier, names };
}

const NO_FLAGS: readonly boolean[] = [];

/**
 * The fragments this input's head repeats from the window (the endpoint's path segments, an API
 * key header, a model name: what every request to one service carries), or null when none. They
 * sit between the pieces of a credential sent a piece per request, so the window is also joined
 * without them.
 */
function sharedFragments(older: readonly string[], current: readonly string[], to: number): Set<string> | null {
  let shared: Set<string> | null = null;
  let seen: Set<string> | null = null;
  for (let k = 0; k < to; k++) {
    const t = current[k]!;
    seen ??= new Set(older);
    if (seen.has(t)) (shared ??= new Set()).add(t);
  }
  return shared;
}

/**
 * Findings of one scan, deduplicated and capped. A limit that cuts the scan short (this cap, the
 * fragment cap, the detector's) is recorded and reported once, last, as split-secrets/scan-incomplete.
 */
class FindingSink {
  readonly findings: Finding[] = [];
  #seen: Set<string> | undefined;
  #stopped: Finding | undefined;
  constructor(readonly max: number) {}
  push(f: Finding, key: string): void {
    this.#seen ??= new Set();
    if (this.#seen.has(key)) return;
    if (this.findings.length >= this.max) {
      this.stop(f.location, `The split-secrets check stopped after ${this.max} findings at ${f.location}; the rest of the input was not inspected.`);
      return;
    }
    this.#seen.add(key);
    this.findings.push(f);
  }
  /** A limit cut the scan short. */
  get stopped(): boolean {
    return this.#stopped !== undefined;
  }
  stop(location: string, message: string): void {
    this.#stopped ??= { scanner: SCANNER, rule: 'split-secrets/scan-incomplete', severity: 'high', category: 'limits', mitre: 'T1027', location, evidence: '', message };
  }
  result(): Finding[] {
    if (this.#stopped) this.findings.push(this.#stopped);
    return this.findings;
  }
}

/** A match in a join, DLP's or a known secret's, before it is judged against the pieces. */
interface Candidate {
  readonly index: number;
  readonly length: number;
  /** The DLP rule, or null for a known secret. */
  readonly rule: string | null;
  /** The known secret's name and the encoding that matched. */
  readonly name?: string;
  readonly encoding?: string;
}

/**
 * Everything the detector and the known-secret index find in a join (and, when it holds host labels,
 * in the join read without case). A detector that throws, or says it stopped early, is a limit.
 */
function candidatesIn(j: Joined, detect: SplitDetector | null, index: KnownSecretIndex | null, out: FindingSink, location: string): Candidate[] {
  const found: Candidate[] = [];
  if (detect) {
    for (const text of j.upper === null ? [j.text] : [j.text, j.upper]) {
      let detections: readonly SplitDetection[];
      try {
        const got = detect(text, j.starts);
        detections = Array.isArray(got) ? got : [];
        const why = detect.incomplete?.() ?? null;
        if (why !== null) out.stop(location, `The credential detector could not read all of the re-assembled values of this input (${why}); the rest was not inspected.`);
      } catch (err) {
        out.stop(location, `The credential detector failed on the re-assembled values of this input (${err instanceof Error ? err.message.slice(0, 120) : 'error'}); they were not inspected.`);
        detections = [];
      }
      if (detections.length >= MAX_DETECTIONS) {
        out.stop(location, `The credential detector returned ${MAX_DETECTIONS} matches in the re-assembled values of this input and may have stopped early; the rest was not inspected.`);
      }
      for (const d of detections.slice(0, MAX_DETECTIONS)) {
        // Found only with host labels in upper case: words must not read as a key (core/names.ts).
        if (text !== j.text && !plausibleWithoutCase(text.slice(d.index, d.index + d.length))) continue;
        found.push({ index: d.index, length: d.length, rule: d.rule });
      }
    }
  }
  if (index) {
    for (const m of index.find(j.text)) found.push({ index: m.index, length: m.length, rule: null, name: m.name, encoding: m.encoding });
    if (j.upper !== null && index.findIgnoringCase) {
      for (const m of index.findIgnoringCase(j.text)) found.push({ index: m.index, length: m.length, rule: null, name: m.name, encoding: `${m.encoding}, without case` });
    }
  }
  return found;
}

/** Session windows remembered as read and quiet, per scanner (cleared when full), and the longest key kept. */
const QUIET_MAX = 128;
const QUIET_KEY_MAX = 4096;

/**
 * The window's fragments as one string after the pass's tag (older, then this input's first `to`,
 * `chars` characters in all), or null when too long to keep. Fragments hold no whitespace
 * (fragmentOf), so a newline separates them unambiguously and a blank line separates the older ones
 * from this input's.
 */
function quietKey(tag: string, older: readonly string[], current: readonly string[], to: number, chars: number): string | null {
  if (chars + older.length + to + 1 > QUIET_KEY_MAX) return null;
  return `${tag}\n${older.join('\n')}\n\n${(to === current.length ? current : current.slice(0, to)).join('\n')}`;
}

/** Per-session quiet windows remembered (pass × session slots; cleared when full). */
const QUIET_SLOTS_MAX = 1024;

/** A window a pass read and found nothing in: the older fragments and this input's first ones. */
interface QuietWindow {
  readonly older: readonly string[];
  readonly current: readonly string[];
}

/** Whether `b`'s first `n` fragments are exactly `a`. */
function sameFragments(a: readonly string[], b: readonly string[], n: number): boolean {
  if (a.length !== n) return false;
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** One read of the session window (see readWindow). */
interface WindowPass {
  readonly detect: SplitDetector | null;
  /** The known-secret index's read. */
  readonly known: boolean;
  /** Characters of history (and of this input) it needs on either side of the boundary. */
  readonly reach: number;
  /** Names the pass in quiet-window keys. */
  readonly tag: string;
}

export function createSplitSecretScanner(options: Partial<SplitSecretsOptions> = {}): Scanner {
  const o: SplitSecretsOptions = { ...DEFAULT_SPLIT_SECRETS_OPTIONS, ...options };
  // The detector is a pure function of its text, so what it found nothing in stays quiet (bounded; see quietKey).
  const quiet = new Set<string>();
  // Per pass and session, the window last read and found quiet (see readWindow).
  const lastQuiet = new Map<string, QuietWindow>();
  // Per session, the whole window (every pass) last read and found quiet, with the known-secret index it was read with.
  const lastQuietWindow = new Map<string, QuietWindow & { readonly index: KnownSecretIndex | null }>();
  // A plain-object lookup: cheaper than Set.has for the one check every segment goes through.
  const parts: Partial<Record<string, true>> = Object.create(null) as Partial<Record<string, true>>;
  for (const part of o.parts) parts[part] = true;
  const prose: Partial<Record<string, true>> = Object.create(null) as Partial<Record<string, true>>;
  for (const part of o.proseParts) prose[part] = true;

  /**
   * The finding for a credential (c.rule) or a known secret (c.rule null) re-assembled from pieces:
   * `rule` says whether within this input or across requests, `where` which pieces, `how` the rest of
   * the message after "… appears"; the evidence never holds the value.
   */
  const joinedFinding = (rule: 'split-secrets/cross-parameter' | 'split-secrets/cross-request', c: Candidate, text: string, location: string, aligned: boolean, where: string, how: string, key: string, out: FindingSink): void => {
    const known = c.rule === null;
    const who = known ? displayName(c.name ?? '') : '';
    out.push(
      withSecret({
        scanner: SCANNER,
        rule,
        severity: known ? o.knownSeverity : aligned ? o.alignedSeverity : o.unalignedSeverity,
        category: 'secret',
        mitre: 'T1030',
        location,
        evidence: known ? `value of ${who} (${c.encoding}, ${c.length} chars) joined from ${where}` : `${redactPreview(text)} (${c.rule}) joined from ${where}`,
        message: `${known ? `The value of ${who}` : `A credential (${c.rule})`} appears ${how}`,
      }, text),
      key,
    );
  };

  /** The finding for a credential or known secret found across pieces of this input. */
  const withinInput = (c: Candidate, j: Joined, locs: readonly string[], span: Span, out: FindingSink): void => {
    const pieces = locs.slice(span.first, span.last + 1);
    const text = j.text.slice(c.index, c.index + c.length);
    const how = `when ${pieces.length} parts of this request are joined, a way to slip it past per-field checks; ${c.rule === null ? 'block the request and rotate the secret if it already left' : 'block the request and check what the agent is sending'}.`;
    const key = c.rule === null ? `k|${locs[span.first]}|${locs[span.last]}|${c.name}` : `p|${locs[span.first]}|${locs[span.last]}|${text}`;
    joinedFinding('split-secrets/cross-parameter', c, text, locs[span.last]!, span.aligned, `${pieces.length} parts: ${pieces.join(', ')}`, how, key, out);
  };

  // The session-window reads: each detector over as much history as its matches can span, and the
  // known secrets (when there are any) over maxSecretLength.
  const detectors = o.windowDetectors ?? [o.detect];
  const windowPasses: WindowPass[] = [
    ...detectors.map((detect, n) => ({ detect, known: false, reach: Math.min(o.maxSecretLength, detect.maxMatchLength ?? o.maxSecretLength), tag: `${n}` })),
    { detect: null, known: true, reach: o.maxSecretLength, tag: 'k' },
  ];
  const detectorReach = Math.max(0, ...windowPasses.filter((p) => !p.known).map((p) => p.reach));

  /**
   * One read of the session window: its joins (with the data-like names, and the values alone; and
   * again without the fragments this input repeats from the window, see sharedFragments)
   * asked of the pass's detector or of the known-secret index; credentials that cross from an earlier
   * request into this one are reported. A window a detector has already read and found nothing in
   * (an agent polling one endpoint sends the same fragments each time) is not read again.
   */
  const readWindow = (pass: WindowPass, session: string, older: readonly string[], current: readonly string[], to: number, locate: (k: number) => string, first: string, out: FindingSink, index: KnownSecretIndex | null): void => {
    // The window this session's last quiet read of this pass saw, compared fragment by fragment: an
    // agent polling one endpoint sends the same fragments each time, and building the content key
    // (below) costs more than comparing ~50 short strings.
    const slotKey = pass.known ? null : `${pass.tag}\u0000${session}`;
    const slot = slotKey === null ? undefined : lastQuiet.get(slotKey);
    if (slot !== undefined && sameFragments(slot.older, older, older.length) && sameFragments(slot.current, current, to)) return;
    let chars = 0;
    for (const t of older) chars += t.length;
    for (let k = 0; k < to; k++) chars += current[k]!.length;
    const key = pass.known ? null : quietKey(pass.tag, older, current, to, chars);
    const remember = (): void => {
      if (slotKey === null) return;
      if (lastQuiet.size >= QUIET_SLOTS_MAX) lastQuiet.clear();
      lastQuiet.set(slotKey, { older: older.slice(), current: current.slice(0, to) });
    };
    if (key !== null && quiet.has(key)) {
      remember();
      return;
    }
    const all = windowJoin(older, current, to, locate, false);
    const joins = all.names ? [all, windowJoin(older, current, to, locate, true)] : [all];
    const shared = sharedFragments(older, current, to);
    if (shared !== null) {
      const apart = windowJoin(older, current, to, locate, false, shared);
      joins.push(apart);
      if (apart.names) joins.push(windowJoin(older, current, to, locate, true, shared));
    }
    let found = out.stopped;
    for (const { j, locations, earlier } of joins) {
      if (earlier === 0 || earlier === locations.length) continue;
      const detect = pass.detect && mayMatch(pass.detect, j.texts, 0, j.texts.length) ? pass.detect : null;
      for (const c of candidatesIn(j, detect, pass.known ? index : null, out, first)) {
        found = true;
        const span = spanOf(c.index, c.length, j.starts, j.lengths);
        // Report once, when the last piece arrives, and only when an earlier request holds a piece.
        if (!span || !(span.first < earlier && span.last >= earlier)) continue;
        acrossRequests(c, j, locations[span.last] ?? first, span, earlier - span.first, out);
      }
    }
    if (!found && !out.stopped) {
      remember();
      if (key !== null) {
        if (quiet.size >= QUIET_MAX) quiet.clear();
        quiet.add(key);
      }
    }
  };

  /** The finding for a credential or known secret that crosses from earlier requests into this one. */
  const acrossRequests = (c: Candidate, j: Joined, here: string, span: Span, earlier: number, out: FindingSink): void => {
    const text = j.text.slice(c.index, c.index + c.length);
    const where = `${span.last - span.first + 1} fragments, ${earlier} of them sent earlier in this session`;
    const how = `when this request's data is joined with fragments the session sent before: it is being sent piece by piece. Block the request and rotate the ${c.rule === null ? 'secret' : 'credential'}.`;
    const key = c.rule === null ? `rk|${here}|${c.name}` : `r|${here}|${text}`;
    joinedFinding('split-secrets/cross-request', c, text, here, span.aligned, where, how, key, out);
  };

  return {
    id: SCANNER,
    scan(view, ctx) {
      const out = new FindingSink(o.maxFindings);
      const index = o.knownSecrets && ctx.knownSecrets && ctx.knownSecrets.size > 0 ? ctx.knownSecrets : null;
      const { pieces, budget } = piecesOf(view.segments, o, parts, prose, out);
      if (pieces.length === 0) return out.result();

      // (a) One input: a credential cut across parameters, labels, headers, keys or body fields.
      for (const join of joinsOf(pieces)) {
        if (join.length < 2) continue;
        const j = joinOf(join);
        const detect = mayMatch(o.detect, j.texts, 0, j.texts.length) ? o.detect : null;
        if (!detect && !index) continue;
        const locs = join.map((p) => p.location!);
        for (const c of candidatesIn(j, detect, index, out, locs[locs.length - 1]!)) {
          const span = spanOf(c.index, c.length, j.starts, j.lengths);
          if (!span || span.first === span.last) continue; // whole in one fragment: DLP's or known-secrets' finding
          withinInput(c, j, locs, span, out);
        }
      }

      // (a') One tool call: its argument values as they are, whitespace kept (tool-arguments.ts), for
      // the formats that hold whitespace; what the joins above found is not reported again (same key).
      const args = argumentPieces(view.segments, o.minFragmentLength, o.maxFragmentLength, o.maxFragmentsPerInput);
      if (args.length > 0) {
        const j = joinOf(args.map((a) => ({ text: a.text, location: a.location, kind: VALUE, folded: false })));
        const detect = mayMatch(o.detect, j.texts, 0, j.texts.length) ? o.detect : null;
        const locs = args.map((a) => a.location);
        for (const c of detect || index ? candidatesIn(j, detect, index, out, locs[locs.length - 1]!) : []) {
          const span = spanOf(c.index, c.length, j.starts, j.lengths);
          if (!span || span.first === span.last) continue;
          // whitespace around the match inside its first and last argument (a PEM block's last line
          // break) does not make it two unrelated values glued
          const head = j.text.slice(j.starts[span.first], c.index).trim();
          const tail = j.text.slice(c.index + c.length, j.starts[span.last]! + j.lengths[span.last]!).trim();
          withinInput(c, j, locs, { ...span, aligned: head === '' && tail === '' }, out);
        }
      }

      const state = ctx.state;
      const session = ctx.session;
      if (!state || session === undefined) return out.result();

      // (b) The session window: a credential sent a piece per request. Only this input's fragments
      // within maxSecretLength characters of either end can belong to a credential that crosses into an
      // earlier or a later request: the session keeps those, so a long input cannot push the earlier
      // pieces out of the bounded window. It keeps the values, subdomain labels and data-like names
      // (the first join of piecesOf), marked so that both of their joins can be made again.
      // The detector may promise a shorter longest match than maxSecretLength: less history to re-join
      // (a known secret may be as long as maxSecretLength).
      const reach = index ? o.maxSecretLength : detectorReach;
      const kept = pieces.filter((p) => p.kind !== WORD_NAME);
      const encoded = kept.map(encode);
      const ends = endFragments(encoded, reach);
      const remembered = ends.length === encoded.length ? encoded : ends.map((k) => encoded[k]!);
      // Fragments that count toward the entropy budget are looked up in the window as it was.
      let longest = 0;
      for (const f of budget) if (f.text.length > longest) longest = f.text.length;
      const counts = o.entropyBudgetBits > 0 && longest >= o.budgetMinLength;
      const probe = counts ? budget.filter((f) => f.text.length >= o.budgetMinLength).map((f) => f.text) : [];
      let older: readonly string[] = [];
      let current: readonly string[] = remembered;
      let present: readonly boolean[] = counts ? probe.map(() => false) : NO_FLAGS;
      try {
        const w = state.appendFragments(session, remembered, ctx.now, { tailChars: reach, probe });
        older = w.older;
        current = w.current;
        present = w.present;
      } catch {
        // state failures degrade to per-input checks
      }
      const first = pieces[0]!.location!;
      if (current.length < remembered.length) {
        out.stop(first, 'The session window is too small to hold this input\'s fragments; the split-secrets check could not compare them with earlier requests.');
      }
      // A credential that crosses from earlier requests into this one is at most maxSecretLength long:
      // it starts within the older fragments' last maxSecretLength characters and ends within this
      // input's first maxSecretLength. Only those fragments are joined and re-scanned, so neither a
      // long input nor a long history pushes the older pieces out of reach.
      // Fragments this input repeats from the window (sharedFragments) do not count toward the
      // reach: a long header every request carries would otherwise push the piece after it out.
      // The same window as this session's last read that found nothing (an agent polling one
      // endpoint): the reads below are a pure function of it, so they would find nothing again.
      const lastRead = lastQuietWindow.get(session);
      const sameWindow = lastRead !== undefined && lastRead.index === index && sameFragments(lastRead.older, older, older.length) && sameFragments(lastRead.current, current, current.length);
      const shared = older.length > 0 && !sameWindow ? sharedFragments(older, current, current.length) : null;
      const reachOf = (t: string): number => (shared?.has(t) === true ? 0 : t.length);
      let olderChars = 0;
      for (const f of older) olderChars += f.length;
      let to = 0;
      let headChars = 0;
      let headAll = 0;
      while (to < current.length && headChars < reach) {
        headAll += current[to]!.length;
        headChars += reachOf(current[to++]!);
      }
      if (older.length > 0 && olderChars + headAll > o.maxWindowChars) {
        out.stop(first, `The split-secrets check could re-scan only ${o.maxWindowChars} characters across this session's requests; raise maxWindowChars.`);
      } else if (older.length > 0 && !sameWindow) {
        const before = out.findings.length;
        const locate = (k: number): string => kept[ends[k] ?? 0]?.location ?? first;
        // Each detector reads only as much of the window as its longest match can reach across the
        // boundary (the short rules a little, the long ones all); the known secrets all of it.
        for (const pass of windowPasses) {
          const d = pass.detect;
          if (d === null ? index === null : !(mayMatch(d, current, 0, to) || mayMatch(d, older, 0, older.length))) continue;
          const r = pass.known ? o.maxSecretLength : pass.reach;
          let from = older.length;
          for (let chars = 0; from > 0 && chars < r; ) chars += reachOf(older[--from]!);
          let upTo = 0;
          for (let chars = 0; upTo < to && chars < r; ) chars += reachOf(current[upTo++]!);
          readWindow(pass, session, from === 0 ? older : older.slice(from), current, upTo, locate, first, out, index);
        }
        if (out.findings.length === before && !out.stopped) {
          if (lastQuietWindow.size >= QUIET_SLOTS_MAX) lastQuietWindow.clear();
          lastQuietWindow.set(session, { older, current, index });
        } else lastQuietWindow.delete(session);
      }

      // Entropy budget: high-entropy data the session has sent that it had not sent before.
      if (counts) {
        let bits = 0;
        let biggest = -1;
        let biggestBits = 0;
        // Fragments of budgetMinLength or more count, unless the session window already held them.
        const counted = new Set<string>();
        let p = 0;
        for (let i = 0; i < budget.length; i++) {
          const f = budget[i]!.text;
          if (f.length < o.budgetMinLength) continue;
          const before = present[p++] === true;
          if (before || counted.has(f)) continue;
          counted.add(f); // a value repeated within this input counts once
          const h = shannonEntropy(f);
          if (h < o.budgetMinEntropy) continue;
          const b = h * f.length;
          bits += b;
          if (b > biggestBits) {
            biggestBits = b;
            biggest = i;
          }
        }
        if (bits > 0) {
          let total = 0;
          try {
            total = state.spendEntropy(session, bits, ctx.now);
          } catch {
            total = 0;
          }
          if (total > o.entropyBudgetBits && biggest >= 0) {
            out.push(
              {
                scanner: SCANNER,
                rule: 'split-secrets/entropy-budget',
                severity: o.budgetSeverity,
                category: 'exfiltration',
                mitre: 'T1041',
                location: budget[biggest]!.location,
                evidence: `${Math.round(total)} bits of new high-entropy data in the session window (budget ${o.entropyBudgetBits}); this input added ${Math.round(bits)}`,
                message: `This session has sent more new random-looking data than its budget allows (${Math.round(total)} of ${o.entropyBudgetBits} bits), the pattern of a file or key being sent out in small pieces; review what the agent is sending.`,
              },
              'budget',
            );
          }
        }
      }
      return out.result();
    },
  };
}
