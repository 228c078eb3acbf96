// split-secrets: re-assembles token-like fragments an agent sends (query values, path segments,
// header values, body leaves) within one input and across a session's recent requests, and looks
// for credentials that only exist when the pieces are joined; also keeps a per-session entropy budget.
// It never stores anything itself (state lives in ctx.state) and never reports a re-assembled secret.
import type { Finding, Severity } from '../../core/index.ts';
import { redactPreview, withSecret } from '../../core/index.ts';
import { percentDecodeAscii } from '../entropy/index.ts';
import { shannonEntropy } from '../entropy/shannon.ts';
import type { Scanner, Segment, SegmentPart } from '../types.ts';
import { builtinSplitDetector, type SplitDetection, type SplitDetector } from './detector.ts';
import { isTokenChar } from '../common.ts';

export { builtinSplitDetector, type SplitDetection, type SplitDetector } from './detector.ts';
export {
  createMemorySessionState,
  DEFAULT_MEMORY_SESSION_LIMITS,
  type MemorySessionLimits,
  type MemorySessionState,
} from './memory-state.ts';

export interface SplitSecretsOptions {
  /**
   * Finds credentials in re-assembled text (the engine passes DLP's matcher). Only prefix-anchored or
   * checksummed rules belong here: a generic "long random string" rule fires on any two ids glued together.
   */
  readonly detect: SplitDetector;
  /** Segment parts whose text is a candidate fragment. */
  readonly parts: readonly SegmentPart[];
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
  // Whole bodies, texts and WebSocket messages count too: an agent can send a key half per message
  // as a plain body or a socket frame as easily as half per JSON field.
  parts: ['url-query-value', 'url-path-segment', 'header', 'body-leaf', 'tool-argument', 'body', 'text', 'ws-message'],
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


function isTokenish(text: string, min: number): boolean {
  if (text.length < min) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

const AUTH_SCHEMES = new Set(['bearer', 'basic', 'token', 'bot', 'apikey', 'digest']);

/** The token-like fragment of a segment's text, or null. */
export function fragmentOf(seg: Segment, o: SplitSecretsOptions): string | null {
  let text = seg.prepared.clean.trim();
  if (seg.part === 'url-query-value' || seg.part === 'url-path-segment') text = percentDecodeAscii(text);
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
  return isTokenish(text, o.minFragmentLength) ? text : null;
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

function spanOf(m: SplitDetection, starts: readonly number[], lengths: readonly number[]): Span | null {
  if (m.length <= 0 || starts.length === 0) return null;
  const first = fragmentAt(starts, m.index);
  const last = fragmentAt(starts, m.index + m.length - 1);
  const aligned = m.index === starts[first] && m.index + m.length === starts[last]! + lengths[last]!;
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

function safeDetect(detect: SplitDetector, text: string): readonly SplitDetection[] {
  try {
    const out = detect(text);
    return Array.isArray(out) ? out.slice(0, MAX_DETECTIONS) : [];
  } catch {
    // A detector supplied from outside must not make this scanner throw.
    return [];
  }
}

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

/** Where each text starts in texts.join(''), and its length: needed only once a detection is found. */
function startsOf(texts: readonly string[]): { starts: number[]; lengths: number[] } {
  const starts: number[] = [];
  const lengths: number[] = [];
  let at = 0;
  for (const t of texts) {
    starts.push(at);
    lengths.push(t.length);
    at += t.length;
  }
  return { starts, lengths };
}

const NO_STARTS: { starts: number[]; lengths: number[] } = { starts: [], lengths: [] };
const NO_TEXTS: readonly string[] = [];
const NO_FLAGS: readonly boolean[] = [];

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
  stop(location: string, message: string): void {
    this.#stopped ??= { scanner: SCANNER, rule: 'split-secrets/scan-incomplete', severity: 'high', category: 'limits', mitre: 'T1027', location, evidence: '', message };
  }
  result(): Finding[] {
    if (this.#stopped) this.findings.push(this.#stopped);
    return this.findings;
  }
}

/** Records that the detector may have stopped early (a module function: no closure per scan). */
function tooMany(out: FindingSink, location: string): void {
  out.stop(location, `The credential detector returned ${MAX_DETECTIONS} matches in the re-assembled values of this input and may have stopped early; the rest was not inspected.`);
}

export function createSplitSecretScanner(options: Partial<SplitSecretsOptions> = {}): Scanner {
  const o: SplitSecretsOptions = { ...DEFAULT_SPLIT_SECRETS_OPTIONS, ...options };
  // A plain-object lookup: cheaper than Set.has for the one check every segment goes through.
  const parts: Partial<Record<string, true>> = Object.create(null) as Partial<Record<string, true>>;
  for (const part of o.parts) parts[part] = true;

  return {
    id: SCANNER,
    scan(view, ctx) {
      const out = new FindingSink(o.maxFindings);

      const frags: string[] = [];
      const locs: string[] = [];
      const segments = view.segments;
      for (let i = 0; i < segments.length; i++) {
        const seg = segments[i]!;
        if (seg.flow === 'ingress' || parts[seg.part] !== true) continue;
        // A form body is also split into its fields (which follow it): the fields are the fragments.
        if (seg.part === 'body' && segments[i + 1]?.location.startsWith(`${seg.location}.`) === true) continue;
        const f = fragmentOf(seg, o);
        if (f === null) continue;
        if (frags.length >= o.maxFragmentsPerInput) {
          out.stop(seg.location, `The input has more than ${o.maxFragmentsPerInput} token-like values; the split-secrets check did not re-assemble those from ${seg.location} on.`);
          break;
        }
        frags.push(f);
        locs.push(seg.location);
      }
      if (frags.length === 0) return out.result();

      // (a) One input: a credential cut across parameters, headers or body fields.
      if (frags.length >= 2 && mayMatch(o.detect, frags, 0, frags.length)) {
        const joined = frags.join('');
        const detections = safeDetect(o.detect, joined);
        if (detections.length >= MAX_DETECTIONS) tooMany(out, locs[locs.length - 1]!);
        const { starts, lengths } = detections.length > 0 ? startsOf(frags) : NO_STARTS;
        for (const m of detections) {
          const span = spanOf(m, starts, lengths);
          if (!span || span.first === span.last) continue; // whole in one fragment: DLP's finding
          const pieces = locs.slice(span.first, span.last + 1);
          const text = joined.slice(m.index, m.index + m.length);
          out.push(
            withSecret({
              scanner: SCANNER,
              rule: 'split-secrets/cross-parameter',
              severity: span.aligned ? o.alignedSeverity : o.unalignedSeverity,
              category: 'secret',
              mitre: 'T1030',
              location: locs[span.last]!,
              evidence: `${redactPreview(text)} (${m.rule}) joined from ${pieces.length} parts: ${pieces.join(', ')}`,
              message: `A credential (${m.rule}) appears when ${pieces.length} parts of this request are joined, a way to slip it past per-field checks; block the request and check what the agent is sending.`,
            }, text),
            `p|${span.first}|${span.last}|${text}`,
          );
        }
      }

      const state = ctx.state;
      const session = ctx.session;
      if (!state || session === undefined) return out.result();

      // (b) The session window: a credential sent a piece per request. Only this input's fragments
      // within maxSecretLength characters of either end can belong to a credential that crosses into an
      // earlier or a later request: the session keeps those, so a long input cannot push the earlier
      // pieces out of the bounded window.
      // The detector may promise a shorter longest match than maxSecretLength: less history to re-join.
      const reach = Math.min(o.maxSecretLength, o.detect.maxMatchLength ?? o.maxSecretLength);
      const kept = endFragments(frags, reach);
      const remembered = kept.length === frags.length ? frags : kept.map((k) => frags[k]!);
      // Fragments that count toward the entropy budget are looked up in the window as it was.
      let longest = 0;
      for (const f of frags) if (f.length > longest) longest = f.length;
      const counts = o.entropyBudgetBits > 0 && longest >= o.budgetMinLength;
      const probe = counts ? frags.filter((f) => f.length >= o.budgetMinLength) : NO_TEXTS;
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
      if (current.length < remembered.length) {
        out.stop(locs[0]!, 'The session window is too small to hold this input\'s fragments; the split-secrets check could not compare them with earlier requests.');
      }
      // A credential that crosses from earlier requests into this one is at most maxSecretLength long:
      // it starts within the older fragments' last maxSecretLength characters and ends within this
      // input's first maxSecretLength. Only those fragments are joined and re-scanned, so neither a
      // long input nor a long history pushes the older pieces out of reach.
      let olderChars = 0;
      for (const f of older) olderChars += f.length;
      let to = 0;
      let headChars = 0;
      while (to < current.length && headChars < reach) headChars += current[to++]!.length;
      if (older.length > 0 && olderChars + headChars > o.maxWindowChars) {
        out.stop(locs[0]!, `The split-secrets check could re-scan only ${o.maxWindowChars} characters across this session's requests; raise maxWindowChars.`);
      } else if (older.length > 0 && (mayMatch(o.detect, current, 0, to) || mayMatch(o.detect, older, 0, older.length))) {
        const localCur = older.length;
        const pieces = [...older, ...current.slice(0, to)];
        const joined = pieces.join('');
        const detections = safeDetect(o.detect, joined);
        if (detections.length >= MAX_DETECTIONS) tooMany(out, locs[0]!);
        const { starts, lengths } = detections.length > 0 ? startsOf(pieces) : NO_STARTS;
        for (const m of detections) {
          const span = spanOf(m, starts, lengths);
          if (!span) continue;
          // Report once, when the last piece arrives, and only when an earlier request holds a piece.
          if (!(span.first < localCur && span.last >= localCur)) continue;
          const text = joined.slice(m.index, m.index + m.length);
          const count = span.last - span.first + 1;
          const here = locs[kept[span.last - localCur] ?? 0] ?? locs[0]!;
          out.push(
            withSecret({
              scanner: SCANNER,
              rule: 'split-secrets/cross-request',
              severity: span.aligned ? o.alignedSeverity : o.unalignedSeverity,
              category: 'secret',
              mitre: 'T1030',
              location: here,
              evidence: `${redactPreview(text)} (${m.rule}) joined from ${count} fragments, ${localCur - span.first} of them sent earlier in this session`,
              message: `A credential (${m.rule}) appears when this request's data is joined with fragments the session sent before: it is being sent piece by piece. Block the request and rotate the credential.`,
            }, text),
            `r|${here}|${text}`,
          );
        }
      }

      // Entropy budget: high-entropy data the session has sent that it had not sent before.
      if (counts) {
        let bits = 0;
        let biggest = -1;
        let biggestBits = 0;
        // Fragments of budgetMinLength or more count, unless the session window already held them.
        const counted = new Set<string>();
        let p = 0;
        for (let i = 0; i < frags.length; i++) {
          const f = frags[i]!;
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
                location: locs[biggest]!,
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
