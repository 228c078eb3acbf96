// entropy: flags random-looking data in outgoing URLs (path segments, query values) and
// DNS-exfiltration-shaped host labels, judged from the text alone before any resolution.
// It owns the randomness measure (shannon.ts); it must never resolve names, read the clock,
// or report the random text itself (evidence is a redacted preview).
import type { Finding, Severity } from '../../core/index.ts';
import { redactPreview, withSecret } from '../../core/index.ts';
import type { Scanner, Segment } from '../types.ts';
import { profileRun, type RunProfile } from './shannon.ts';
import { FindingSink, isTokenChar } from '../common.ts';

export { shannonEntropy, expectedRandomEntropy, profileRun, type RunProfile, type RunAlphabet } from './shannon.ts';

export interface EntropyOptions {
  /** Shortest token run (path segment / query value piece) judged at all. */
  readonly minLength: number;
  /** Random runs at least this long are `medium`; shorter ones (≥ minLength) are `low`. */
  readonly mediumMinLength: number;
  /**
   * Length-aware randomness threshold: measured entropy ÷ the expected entropy of a uniformly random
   * string of the same length over the same alphabet (1.0 = as random as random). Needed because
   * short strings cannot reach a fixed bits-per-char bar: 20 chars carry at most log2(20) = 4.32
   * bits/char, hex at most 4. A run is random when it meets this ratio OR the part's bits threshold.
   */
  readonly randomness: number;
  /** The same ratio for host labels. */
  readonly hostLabelRandomness: number;
  /** Bits per character at or above which a path segment's data core counts as random regardless of length. */
  readonly pathThreshold: number;
  /** Bits per character at or above which a query value's data core counts as random regardless of length. */
  readonly queryThreshold: number;
  /** Bits per character at or above which a host label counts as random regardless of length. */
  readonly hostLabelThreshold: number;
  /** Shortest host label judged (DNS labels are at most 63 characters). */
  readonly hostLabelMinLength: number;
  /** Host labels at least this long (or two random labels in one host) are `high`. */
  readonly hostLabelHighMinLength: number;
  /** Hex runs up to this length (git SHA-1, MD5, content hashes) are not reported. */
  readonly hexExemptMaxLength: number;
  /** Hex runs longer than hexExemptMaxLength but shorter than this (SHA-256 digests, signatures) are `low`. */
  readonly hexMediumMinLength: number;
  /** UUIDs (8-4-4-4-12 hex) are ubiquitous in benign URLs and carry no payload of the agent's: not reported. */
  readonly exemptUuids: boolean;
  /**
   * Host suffixes whose DNS zone no attacker controls (cloud providers): a random label under them cannot
   * exfiltrate through DNS, so such labels are `low` rather than exempt.
   */
  readonly lowSeverityHostSuffixes: readonly string[];
  /** Hosts whose URL paths carry random document ids by design: path findings there are `low`. */
  readonly lowSeverityPathHosts: readonly string[];
  /** Query keys that carry protocol randomness by design (signatures, PKCE, click ids): findings there are `low`. */
  readonly lowSeverityQueryKeys: readonly string[];
  /** Mixed-case runs at least this much covered by camelCase words are identifiers, not data. */
  readonly maxCamelWordShare: number;
  /**
   * Longest segment text examined; a longer one is examined up to this many characters and the scan
   * reports entropy/scan-incomplete (fail closed). URL parts are far shorter than the default.
   */
  readonly maxSegmentChars: number;
  readonly maxFindings: number;
}

export const DEFAULT_ENTROPY_OPTIONS: EntropyOptions = {
  minLength: 20,
  mediumMinLength: 32,
  randomness: 0.9,
  hostLabelRandomness: 0.88,
  pathThreshold: 4.5,
  queryThreshold: 4.5,
  hostLabelThreshold: 3.8,
  hostLabelMinLength: 16,
  hostLabelHighMinLength: 32,
  hexExemptMaxLength: 40,
  hexMediumMinLength: 65,
  exemptUuids: true,
  lowSeverityHostSuffixes: [
    'amazonaws.com',
    'on.aws',
    'cloudfront.net',
    'windows.net',
    'azurewebsites.net',
    'azureedge.net',
    'azurefd.net',
    'googleusercontent.com',
    'googleapis.com',
    'appspot.com',
    'run.app',
    'cloudfunctions.net',
    'firebaseapp.com',
    'web.app',
    'vercel.app',
    'netlify.app',
    'pages.dev',
    'workers.dev',
    'github.dev',
    'githubusercontent.com',
    'herokuapp.com',
    'supabase.co',
    'fly.dev',
    'onrender.com',
  ],
  lowSeverityPathHosts: ['gstatic.com', 'googleusercontent.com', 'docs.google.com', 'drive.google.com', 'www.figma.com', 'figma.com', 'www.notion.so', 'notion.so'],
  lowSeverityQueryKeys: [
    'x-amz-signature',
    'x-amz-credential',
    'x-amz-security-token',
    'x-goog-signature',
    'x-goog-credential',
    'signature',
    'sig',
    'client_id',
    'code_challenge',
    'state',
    'nonce',
    'gclid',
    'fbclid',
    'msclkid',
    'dclid',
    'gbraid',
    'wbraid',
    'ved',
    'ei',
    'sca_esv',
    '_ga',
  ],
  maxCamelWordShare: 0.7,
  maxSegmentChars: 65_536,
  maxFindings: 100,
};

const SCANNER = 'entropy' as const;
const MITRE_HTTP = 'T1048';
const MITRE_DNS = 'T1071.004';

/** A token run is a run of isTokenChar ([A-Za-z0-9+/=_-]); dots, '~', '%' and the rest separate runs. */
const isRunChar = isTokenChar;

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Percent-decodes ASCII escapes only (bytes ≥ 0x80 stay encoded): total, linear, never throws. */
export function percentDecodeAscii(text: string): string {
  if (text.indexOf('%') < 0) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && i + 2 < text.length) {
      const hi = hexVal(text.charCodeAt(i + 1));
      const lo = hexVal(text.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0 && hi < 8) {
        out += String.fromCharCode(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

/** True for 8-4-4-4-12 hex. */
export function isUuid(text: string, start: number, end: number): boolean {
  if (end - start !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(start + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else if (hexVal(c) < 0) return false;
  }
  return true;
}

interface RunVerdict {
  readonly severity: Severity;
  readonly profile: RunProfile;
  readonly text: string;
}

function isSeparator(c: number): boolean {
  return c === 0x2d || c === 0x5f || c === 0x2b || c === 0x2f || c === 0x3d;
}

/** A word of a slug: letters only, in one case or Capitalised (`vendor`, `REC`, `Parkway`). */
function isWordPiece(text: string, start: number, end: number): boolean {
  if (end - start < 2) return false;
  let upper = 0;
  let lower = 0;
  let lowerAfterUpper = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) lower++;
    else if (c >= 0x41 && c <= 0x5a) {
      upper++;
      if (i > start) lowerAfterUpper = true;
    } else return false;
  }
  if (upper === 0 || lower === 0) return true;
  return upper === 1 && !lowerAfterUpper;
}

function isDigitPiece(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return end > start;
}

/**
 * The data-bearing core of a token run: the run split at `-_+/=`, slug words (`vendor`, `Parkway`)
 * and plain numbers dropped, the remaining pieces joined. Random tokens survive almost whole;
 * slugs (`getting-started-with-x`), hashed file names (`vendor-<hex>`) and ids with dates shrink.
 */
export function dataCore(text: string, start = 0, end = text.length): string {
  let core = '';
  let i = start;
  while (i < end) {
    while (i < end && isSeparator(text.charCodeAt(i))) i++;
    const s = i;
    while (i < end && !isSeparator(text.charCodeAt(i))) i++;
    if (i > s && !isWordPiece(text, s, i) && !isDigitPiece(text, s, i)) core += text.slice(s, i);
  }
  return core;
}

function isVowel(c: number): boolean {
  const l = c | 0x20;
  return l === 0x61 || l === 0x65 || l === 0x69 || l === 0x6f || l === 0x75 || l === 0x79;
}

function isLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

function isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

/**
 * The share of a mixed-case run covered by camelCase words (`get`, `User`, `Profile`: an optional
 * capital, then ≥ 2 lower-case letters, with a vowel). Code identifiers score ≥ 0.75; random
 * alphanumerics of 32+ characters score under 0.63 in 99% of cases.
 */
export function camelWordShare(text: string): number {
  if (text.length === 0) return 0;
  let covered = 0;
  let i = 0;
  while (i < text.length) {
    const start = i;
    const c = text.charCodeAt(i);
    if (!isUpper(c) && !isLower(c)) {
      i++;
      continue;
    }
    if (isUpper(c)) i++;
    const lowStart = i;
    while (i < text.length && isLower(text.charCodeAt(i))) i++;
    if (i === lowStart) {
      while (i < text.length && isUpper(text.charCodeAt(i))) i++;
      continue;
    }
    if (i - start >= 3 && i - lowStart >= 2) {
      let vowel = false;
      for (let j = start; j < i && !vowel; j++) vowel = isVowel(text.charCodeAt(j));
      if (vowel) covered += i - start;
    }
  }
  return covered / text.length;
}

/** True when an even-length hex string decodes to bytes that are (≥ 90%) printable ASCII. */
export function hexDecodesToText(hex: string): boolean {
  if (hex.length < 2 || hex.length % 2 !== 0) return false;
  let printable = 0;
  const bytes = hex.length / 2;
  for (let i = 0; i < hex.length; i += 2) {
    const b = hexVal(hex.charCodeAt(i)) * 16 + hexVal(hex.charCodeAt(i + 1));
    if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d) printable++;
  }
  return printable >= bytes * 0.9;
}

/** Judges one token run of a path segment or query value; null when it does not look like random data. */
function judgeRun(text: string, start: number, end: number, bitsThreshold: number, o: EntropyOptions): RunVerdict | null {
  if (end - start < o.minLength) return null;
  if (o.exemptUuids && isUuid(text, start, end)) return null;
  const core = dataCore(text, start, end);
  if (core.length < o.minLength) return null;
  const profile = profileRun(core);
  if (profile.alphabet === 'digits' || profile.alphabet === 'other') return null;
  const random = profile.randomness >= o.randomness || profile.entropy >= bitsThreshold;
  if (profile.alphabet !== 'hex' && !random) return null;
  const run = text.slice(start, end);
  if (profile.alphabet === 'hex') {
    // Hex that decodes to text is encoded text, never a hash: a digest's bytes are printable ~37% of the time.
    if (hexDecodesToText(core)) return { severity: profile.length >= o.mediumMinLength ? 'medium' : 'low', profile, text: run };
    if (!random) return null;
    if (profile.length <= o.hexExemptMaxLength) return null;
    return { severity: profile.length < o.hexMediumMinLength ? 'low' : 'medium', profile, text: run };
  }
  // Random data over a 32+ symbol alphabet almost always has digits; words and slugs mostly do not.
  if (profile.digits === 0) return null;
  // camelCase identifiers (getUserProfileById2) are words, not data.
  if (profile.upper > 0 && profile.lower > 0 && camelWordShare(core) >= o.maxCamelWordShare) return null;
  if (profile.length >= o.mediumMinLength) return { severity: 'medium', profile, text: run };
  return { severity: 'low', profile, text: run };
}

/** Judges every token run inside a URL path segment or query value; keeps the most severe. */
function judgeValue(raw: string, bitsThreshold: number, o: EntropyOptions): RunVerdict | null {
  // (a value longer than maxSegmentChars is reported by the scanner as not fully inspected)
  const text = percentDecodeAscii(raw.length > o.maxSegmentChars ? raw.slice(0, o.maxSegmentChars) : raw);
  let best: RunVerdict | null = null;
  let i = 0;
  while (i < text.length) {
    while (i < text.length && !isRunChar(text.charCodeAt(i))) i++;
    const start = i;
    while (i < text.length && isRunChar(text.charCodeAt(i))) i++;
    if (i - start >= o.minLength) {
      const v = judgeRun(text, start, i, bitsThreshold, o);
      if (v && (!best || rank(v.severity) > rank(best.severity) || (v.severity === best.severity && v.profile.length > best.profile.length))) best = v;
    }
  }
  return best;
}

const SEV_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
function rank(s: Severity): number {
  return SEV_RANK[s];
}

/** Judges a DNS label (case-insensitive) for the shape of encoded data: hex, base32 or random alphanumerics. */
export function judgeHostLabel(label: string, o: EntropyOptions = DEFAULT_ENTROPY_OPTIONS): RunProfile | null {
  if (label.length < o.hostLabelMinLength || label.length > 253) return null;
  const lower = label.toLowerCase();
  if (lower.startsWith('xn--')) return null; // punycode: an internationalised name, not data
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f)) return null;
  }
  // Hyphens split words (slugs such as `my-company-assets-prod`); data encoders rarely emit them.
  const core = dataCore(lower);
  if (core.length < o.hostLabelMinLength) return null;
  const profile = profileRun(core);
  if (profile.alphabet === 'digits') return null;
  if (profile.digits === 0 || profile.lower === 0) return null;
  if (profile.alphabet === 'hex' && hexDecodesToText(core)) return profile;
  if (profile.randomness < o.hostLabelRandomness && profile.entropy < o.hostLabelThreshold) return null;
  return profile;
}

/** Host labels of one URL, in label order. */
interface HostLabel {
  readonly index: number;
  readonly text: string;
  readonly seg: Segment;
}

/** Labels kept per host: a DNS name has at most 127; a host with more reports entropy/scan-incomplete. */
const MAX_HOST_LABELS = 128;

/** Egress host labels grouped by the URL they belong to (`url`, `body.$.link`…), each group in label order. */
function groupHostLabels(segments: readonly Segment[], onOverflow?: (seg: Segment) => void): Map<string, HostLabel[]> {
  const groups = new Map<string, HostLabel[]>();
  for (const seg of segments) {
    if (seg.part !== 'url-host-label' || seg.flow === 'ingress') continue;
    const base = baseOf(seg.location, '.host[');
    let list = groups.get(base);
    if (!list) groups.set(base, (list = []));
    if (list.length < MAX_HOST_LABELS) list.push({ index: labelIndex(seg.location), text: seg.prepared.raw, seg });
    else onOverflow?.(seg);
  }
  for (const list of groups.values()) list.sort((a, b) => a.index - b.index);
  return groups;
}

/** The lower-case host rebuilt from its labels, or '' when the URL has none. */
function hostOf(base: string, groups: ReadonlyMap<string, readonly HostLabel[]>): string {
  const list = groups.get(base);
  if (!list) return '';
  let host = '';
  for (let i = 0; i < list.length; i++) host += i === 0 ? list[i]!.text : `.${list[i]!.text}`;
  return host.toLowerCase();
}

/** `suffixes` already lower case. */
function hasSuffix(host: string, suffixes: readonly string[]): boolean {
  for (const suffix of suffixes) {
    if (host === suffix || (host.length > suffix.length && host.endsWith(suffix) && host.charCodeAt(host.length - suffix.length - 1) === 0x2e)) return true;
  }
  return false;
}

/** `url.query.X-Amz-Signature` → `x-amz-signature`. */
function queryKeyOf(location: string): string {
  const at = location.lastIndexOf('.query.');
  return at < 0 ? '' : location.slice(at + 7).toLowerCase();
}

/** `url.path[3]` / `url.host[0]` / `url.query.k` → `url`. */
function baseOf(location: string, marker: string): string {
  const at = location.lastIndexOf(marker);
  return at < 0 ? '' : location.slice(0, at);
}

function labelIndex(location: string): number {
  const open = location.lastIndexOf('[');
  const close = location.lastIndexOf(']');
  if (open < 0 || close < open) return 0;
  const n = Number(location.slice(open + 1, close));
  return Number.isFinite(n) ? n : 0;
}


/** One scan's findings and limits (a class rather than closures made per scan). */
class EntropyRun {
  readonly out: FindingSink;
  /** The first limit that cut the scan short, reported once as the last finding (fail closed). */
  stopped: Finding | undefined;
  /** Set once a finding found no room: the rest of the input is not inspected. */
  overflowed = false;
  constructor(readonly maxFindings: number) {
    this.out = new FindingSink(maxFindings);
  }
  stop(location: string, message: string): void {
    this.stopped ??= { scanner: SCANNER, rule: 'entropy/scan-incomplete', severity: 'high', category: 'limits', mitre: 'T1027', location, evidence: '', message };
  }
  /** Adds a finding; when the sink is full, the scan stops and says so instead. */
  push(f: Finding, key: string): boolean {
    if (this.out.full) {
      if (this.out.has(key)) return true; // a repeat of a kept finding needs no room
      this.overflowed = true;
      this.stop(f.location, `The entropy check stopped after ${this.maxFindings} findings at ${f.location}; the rest of the input was not inspected.`);
      return false;
    }
    this.out.push(f, key);
    return true;
  }
  overflowLabels(seg: Segment): void {
    this.stop(seg.location, `The host at ${baseOf(seg.location, '.host[') || seg.location} has more than ${MAX_HOST_LABELS} labels; the entropy check did not read them all.`);
  }
}

export function createEntropyScanner(options: Partial<EntropyOptions> = {}): Scanner {
  const o: EntropyOptions = { ...DEFAULT_ENTROPY_OPTIONS, ...options };
  const lowQueryKeys = new Set(o.lowSeverityQueryKeys.map((k) => k.toLowerCase()));
  const lowPathHosts = o.lowSeverityPathHosts.map((h) => h.toLowerCase());
  const providerSuffixes = o.lowSeverityHostSuffixes.map((h) => h.toLowerCase());

  return {
    id: SCANNER,
    scan(view, _ctx) {
      const run = new EntropyRun(o.maxFindings);
      const out = run.out;
      // Labels shorter than hostLabelMinLength are never judged: without a long one there is no DNS stage.
      let longLabel = false;
      for (const seg of view.segments) {
        if (seg.part === 'url-host-label' && seg.flow !== 'ingress' && seg.prepared.raw.length >= o.hostLabelMinLength) {
          longLabel = true;
          break;
        }
      }
      // Hosts, rebuilt from their labels (grouped by the URL they belong to), for suffix decisions.
      let groups = longLabel ? groupHostLabels(view.segments, (seg) => run.overflowLabels(seg)) : undefined;

      // DNS-exfiltration labels.
      if (groups) {
        hosts: for (const [base, list] of groups) {
          const flagged: { seg: Segment; profile: RunProfile; text: string }[] = [];
          // The registrable domain (last two labels) is never encoded data.
          for (let i = 0; i < list.length - 2; i++) {
            const l = list[i]!;
            const profile = judgeHostLabel(l.text, o);
            if (profile) flagged.push({ seg: l.seg, profile, text: l.text });
          }
          if (flagged.length === 0) continue;
          const host = hostOf(base, groups);
          const provider = hasSuffix(host, providerSuffixes);
          for (const f of flagged) {
            const long = f.profile.length >= o.hostLabelHighMinLength || flagged.length >= 2;
            const severity: Severity = provider ? 'low' : long ? 'high' : 'medium';
            const added = run.push(
              withSecret({
                scanner: SCANNER,
                rule: 'entropy/dns-exfil-label',
                severity,
                category: 'exfiltration',
                mitre: MITRE_DNS,
                location: f.seg.location,
                evidence: `${redactPreview(f.text)} (${f.profile.alphabet}, ${f.profile.entropy.toFixed(2)} bits/char, randomness ${f.profile.randomness.toFixed(2)}) in host ${redactHost(host, o)}`,
                message: provider
                  ? `A host label looks like encoded data (${f.profile.length} ${f.profile.alphabet} characters), under a cloud provider's domain; check that the agent meant to contact this host.`
                  : `A host label looks like encoded data (${f.profile.length} ${f.profile.alphabet} characters): the name lookup alone can carry it to whoever runs the domain (DNS exfiltration). Block the request unless this host is expected.`,
              }, f.text),
              `dns|${f.seg.location}|${f.text}`,
            );
            if (!added) break hosts;
          }
        }
      }

      // Path segments and query values.
      for (const seg of view.segments) {
        if (run.overflowed) break;
        if (seg.flow === 'ingress') continue;
        const isPath = seg.part === 'url-path-segment';
        const isQuery = seg.part === 'url-query-value';
        if (!isPath && !isQuery) continue;
        // Percent-decoding only shortens text: a shorter value holds no run long enough to judge.
        if (seg.prepared.raw.length < o.minLength) continue;
        if (seg.prepared.raw.length > o.maxSegmentChars) {
          run.stop(seg.location, `The URL part at ${seg.location} is ${seg.prepared.raw.length} characters long; the entropy check read only its first ${o.maxSegmentChars}.`);
        }
        const verdict = judgeValue(seg.prepared.raw, isPath ? o.pathThreshold : o.queryThreshold, o);
        if (!verdict) continue;
        let severity = verdict.severity;
        let why = '';
        if (isQuery && lowQueryKeys.has(queryKeyOf(seg.location))) {
          severity = 'low';
          why = ' The parameter name is one that carries random values by design (a signature, PKCE challenge or click id).';
        } else if (isPath) {
          groups ??= groupHostLabels(view.segments, (seg) => run.overflowLabels(seg));
          const host = hostOf(baseOf(seg.location, '.path['), groups);
          if (host && hasSuffix(host, lowPathHosts)) {
            severity = 'low';
            why = ' The site uses random document ids in its paths.';
          }
        }
        const p = verdict.profile;
        run.push(
          withSecret({
            scanner: SCANNER,
            rule: isPath ? 'entropy/path-segment' : 'entropy/query-value',
            severity,
            category: 'exfiltration',
            mitre: MITRE_HTTP,
            location: seg.location,
            evidence: `${redactPreview(verdict.text)} (${p.alphabet}, ${p.entropy.toFixed(2)} bits/char, randomness ${p.randomness.toFixed(2)})`,
            message: `The URL ${isPath ? 'path' : 'query'} carries ${p.length} characters of random-looking ${p.alphabet} data, which is how a secret or encoded file is smuggled out in a URL; check what the agent is sending.${why}`,
          }, verdict.text),
          `${seg.location}|${verdict.text}`,
        );
      }
      if (run.stopped) out.findings.push(run.stopped);
      return out.findings;
    },
  };
}

/**
 * A host for messages: the labels before the registrable part are counted, not shown (they may carry
 * the data), and a label of the registrable part that looks random or is long is shown redacted too.
 */
function redactHost(host: string, o: EntropyOptions): string {
  const labels = host.split('.');
  const tail = labels
    .slice(-2)
    .map((l) => (l.length >= o.hostLabelMinLength || judgeHostLabel(l, o) !== null ? redactPreview(l) : l))
    .join('.');
  return labels.length <= 2 ? tail : `…${labels.length - 2} label(s)….${tail}`;
}
