// The SSRF scanner proper: judges the input's URL (and absolute URLs inside URL segments) from the
// text alone. Every host reading a plausible client could make is classified; the worst decides.
// Pure and total: no DNS, no I/O, bounded loops and output; never throws. Each scanner keeps a bounded
// memo of what it found for recent URL texts (a function of the text alone), replayed on a repeat.

import type { Finding, Severity } from '../../core/index.ts';
import { clip, redactPreview } from '../../core/index.ts';
import type { Scanner, ScanView, Segment } from '../types.ts';
import { re } from '../../re/index.ts';
import { classifyHost, percentDecode, type HostClassification } from './host.ts';
import {
  SSRF_RULES,
  canonicalOf,
  compilePolicy,
  decideHost,
  type SsrfOptions,
  type SsrfPolicy,
  type SsrfRuleId,
} from './policy.ts';
import {
  findCrlf,
  findInternalAddressInPath,
  findTraversal,
  findUrlTokens,
  scanUrlTokens,
  F_NON_ASCII,
  hostCandidates,
  mayHoldUrlToken,
  urlFacts,
  parseUrl,
  plainUrl,
  readRawUrl,
  userinfoOf,
  type HostCandidate,
  type UrlReading,
} from './url.ts';

const MAX_FINDINGS = 100;
/**
 * URL texts judged per scan (request targets, URLs in segments and layers, nested URLs). Every segment
 * and decoded layer is read; past this many URLs the scan stops and reports ssrf/scan-incomplete.
 */
const MAX_URLS = 4096;
/** Absolute cap on text handed to any parser, whatever maxUrlLength says. */
const HARD_MAX_URL = 1 << 20;

export interface UrlHit {
  readonly rule: SsrfRuleId;
  /** What matched (host, scheme…): the dedupe key within a location, and the evidence. */
  readonly value: string;
  readonly message: string;
}

export interface AnalyzeMode {
  /** The URL is a request target: fail closed when it cannot be parsed. */
  readonly strict: boolean;
}

const HOW_TEXT: Readonly<Record<HostCandidate['how'], string>> = {
  whatwg: '',
  rfc3986: " as curl, Python requests and Go read it (they do not treat '\\' as a separator)",
  'first-at': " as parsers that split the authority at the first '@' read it",
  lax: " as lax parsers read it ('@' after '?' or '#' still starts the host)",
};

function adviceFor(rule: SsrfRuleId): string {
  switch (rule) {
    case 'ssrf/cloud-metadata':
      return 'Instance metadata hands out cloud credentials; an agent should never call it (allow only by naming the exact host or /32 address).';
    case 'ssrf/rebinding-hostname':
    case 'ssrf/redirect-service':
      return 'Such names exist to smuggle requests to internal addresses past filters; use the real public host instead.';
    case 'ssrf/blocked-host':
      return 'Remove the host from ssrf.blockHosts if this is wrong.';
    case 'ssrf/wildcard-dns-host':
      return 'Use the real host name if this service is not intended.';
    default:
      return 'If this internal service is intended, add its range to ssrf.allowCidrs or its name to ssrf.allowHosts.';
  }
}

function display(raw: string, canonical: string): string {
  const r = clip(raw, 80);
  return raw.toLowerCase() === canonical ? r : `${r} (= ${clip(canonical, 60)})`;
}

function pushHit(hits: UrlHit[], rule: SsrfRuleId, value: string, message: string): void {
  for (const h of hits) if (h.rule === rule && h.value === value) return;
  hits.push({ rule, value, message });
}

/**
 * Recent host classifications across scans: classifyHost is a pure function of the host text and the
 * same few hosts (an API's name) come back in every URL. Bounded in entries and key length, emptied
 * when full; results are read-only and shared.
 */
const RECENT_HOSTS = new Map<string, HostClassification>();
const MAX_RECENT_HOSTS = 512;
const MAX_RECENT_HOST = 255;

function classifyRecent(host: string): HostClassification {
  const known = RECENT_HOSTS.get(host);
  if (known) return known;
  const c = classifyHost(host);
  if (host.length <= MAX_RECENT_HOST) {
    if (RECENT_HOSTS.size >= MAX_RECENT_HOSTS) RECENT_HOSTS.clear();
    RECENT_HOSTS.set(` ${host}`.slice(1), c); // a copy: the host may be a slice of a long URL
  }
  return c;
}

/** Host classifications made while judging one URL, so each distinct host text is classified once. */
class HostMemo {
  // Most URLs have one host text: it is kept in fields, further ones in lists made when needed.
  #host0: string | undefined;
  #class0: HostClassification | undefined;
  #hosts: string[] | undefined;
  #classes: HostClassification[] | undefined;
  classify(host: string): HostClassification {
    if (host === this.#host0) return this.#class0!;
    const at = this.#hosts ? this.#hosts.indexOf(host) : -1;
    if (at >= 0) return this.#classes![at]!;
    const c = classifyRecent(host);
    if (this.#host0 === undefined) {
      this.#host0 = host;
      this.#class0 = c;
    } else if ((this.#hosts ??= []).length < 16) {
      this.#hosts.push(host);
      (this.#classes ??= []).push(c);
    }
    return c;
  }
}

/** What judging the host readings of one URL accumulates. */
class HostJudgement {
  readonly memo = new HostMemo();
  readonly judged: string[] = [];
  readonly keys: string[] = [];
  whatwgKey: string | undefined;
  anyHostBlocked = false;
}

/** Judges one host reading (see analyze), adding its hit. */
function judgeCandidate(j: HostJudgement, hits: UrlHit[], policy: SsrfPolicy, host: string, how: HostCandidate['how']): void {
  const cls = j.memo.classify(host);
  if (cls.kind === 'invalid') return;
  // Naive first-'@' and lax readings count only when they produce an IP literal: as names they are
  // mostly fragments of credentials or query text, which must not be reported (or echoed).
  const fringe = how === 'first-at' || how === 'lax';
  if (fringe && cls.kind === 'domain') return;
  const key = canonicalOf(cls);
  if (how === 'whatwg' && j.whatwgKey === undefined) j.whatwgKey = key;
  if (!fringe && !j.keys.includes(key)) j.keys.push(key);
  // Judge each distinct spelling: 010.0.0.1 and 8.0.0.1 share a WHATWG reading but not every reading.
  if (j.judged.includes(cls.host)) return;
  j.judged.push(cls.host);
  const d = decideHost(cls, policy);
  if (!d.rule) return;
  if (d.blocked) j.anyHostBlocked = true;
  const shown = d.address !== undefined && d.reason.startsWith(d.address) ? clip(cls.host, 80) : display(cls.host, key);
  const via = how === 'whatwg' || key === j.whatwgKey ? '' : HOW_TEXT[how];
  pushHit(hits, d.rule, d.address ?? key, `The URL's host ${shown}${via} is ${d.reason}. ${adviceFor(d.rule)}`);
}

/** The scheme of a WHATWG protocol (`https:` → `https`), without making a string for the usual ones. */
function schemeOf(protocol: string): string {
  switch (protocol) {
    case 'https:':
      return 'https';
    case 'http:':
      return 'http';
    case 'wss:':
      return 'wss';
    case 'ws:':
      return 'ws';
    default:
      return protocol.slice(0, -1).toLowerCase();
  }
}

/** Judges one URL text. Exported for tests and evaluation; the scanner adds locations and severities. */
export function analyzeUrl(text: string, policy: SsrfPolicy, mode: AnalyzeMode): UrlHit[] {
  return analyze(text, policy, mode, urlFacts(text));
}

/** analyzeUrl with the urlFacts of `text` (or of a text it is a prefix of: extra bits only cost time). */
function analyze(text: string, policy: SsrfPolicy, mode: AnalyzeMode, facts: number): UrlHit[] {
  const hits: UrlHit[] = [];
  let t = text;
  const max = Math.min(Math.max(1, policy.options.maxUrlLength), HARD_MAX_URL);
  if (t.length > max) {
    pushHit(hits, 'ssrf/url-too-long', `${t.length} chars`, `The URL is ${t.length} characters long, over the ${max}-character limit; only its start was checked. Shorten it or raise ssrf.maxUrlLength.`);
    t = t.slice(0, max);
  }
  const raw = readRawUrl(t, facts);
  // A plain URL's WHATWG reading is known without running the parser (see plainUrl).
  let url: UrlReading | undefined = plainUrl(t) ?? undefined;
  let parseError = '';
  if (!url) {
    const parsed = parseUrl(t);
    if (parsed.ok) url = parsed.url;
    else parseError = parsed.error;
  }
  const scheme = url ? schemeOf(url.protocol) : raw.scheme;

  if (scheme === '') {
    if (mode.strict) pushHit(hits, 'ssrf/unparseable-url', 'no scheme', 'The URL has no scheme, so its destination cannot be judged; it is blocked. Send an absolute http(s) URL.');
  } else if (!policy.allowSchemes.has(scheme)) {
    pushHit(
      hits,
      'ssrf/scheme-not-allowed',
      `${scheme}:`,
      `The URL uses the ${scheme}: scheme, which is not in ssrf.allowSchemes (${[...policy.allowSchemes].join(', ')}); schemes like gopher, dict, file and jar reach local files and raw TCP services.`,
    );
  }
  if (!url && mode.strict && scheme !== '') {
    pushHit(hits, 'ssrf/unparseable-url', `${scheme}: [${t.length} chars]`, `The URL cannot be parsed (${clip(parseError, 60)}), and other clients may read it differently; it is blocked rather than guessed at.`);
  }

  // Host readings: WHATWG's own, then each split other parsers would make of the raw authority.
  const j = new HostJudgement();
  const others = hostCandidates(raw);
  if (url && url.hostname) judgeCandidate(j, hits, policy, url.hostname, 'whatwg');
  for (const c of others) judgeCandidate(j, hits, policy, c.host, c.how);
  const { memo, keys, whatwgKey, anyHostBlocked } = j;

  // Parser differentials and userinfo that poses as the host.
  if (whatwgKey !== undefined && keys.length > 1) {
    const others = keys.filter((k) => k !== whatwgKey).slice(0, 3);
    pushHit(hits, 'ssrf/userinfo-confusion', `${whatwgKey} vs ${others.join(', ')}`, `Parsers disagree on this URL's host: browsers read ${clip(whatwgKey, 60)}, other clients read ${others.map((o) => clip(o, 60)).join(', ')}. Rewrite the URL without '@', '\\' or credentials in the authority.`);
  }
  const userinfo = userinfoOf(raw);
  if (userinfo.length > 0) {
    const user = userinfo.split(':')[0] ?? '';
    const looksLikeHost = user.includes('.') && !user.toLowerCase().includes('%40') && memo.classify(user).kind !== 'invalid';
    if (userinfo.includes('@') || looksLikeHost) {
      const host = whatwgKey ?? '(unknown)';
      // The user part may be a credential (a token used as user name): only a redacted preview is shown.
      const shown = redactPreview(user);
      pushHit(hits, 'ssrf/userinfo-confusion', `userinfo ${shown}`, `The URL's credentials section (${shown}) looks like a host name, but the request goes to ${clip(host, 60)}; this is a classic filter bypass. Remove the userinfo.`);
    }
  }

  if (url && url.hostname.endsWith('.') && !anyHostBlocked) {
    const cls = memo.classify(url.hostname);
    if (cls.kind === 'domain') pushHit(hits, 'ssrf/trailing-dot-hostname', url.hostname, `The host ${clip(url.hostname, 60)} ends with a dot, a spelling that slips past host allowlists and blocklists; drop the trailing dot.`);
  }
  if (url && url.hostname && !anyHostBlocked) {
    // The host as written: WHATWG's reading when the authority is exactly it, else the raw split's.
    let rawHost = url.hostname === raw.authorityWhatwg ? url.hostname : '';
    for (let i = 0; rawHost === '' && i < others.length; i++) if (others[i]!.how === 'whatwg') rawHost = others[i]!.host;
    const obfuscation = obfuscationOf(rawHost, memo, (facts & F_NON_ASCII) !== 0);
    if (obfuscation) pushHit(hits, 'ssrf/obfuscated-host', clip(rawHost, 60), `The host is written as ${clip(rawHost, 60)} (${obfuscation}) instead of ${clip(url.hostname, 60)}; such spellings are used to slip past filters. Use the plain form.`);
  }

  const crlf = findCrlf(t, raw, facts);
  if (crlf) pushHit(hits, 'ssrf/crlf-injection', crlf, `The URL carries a ${crlf}, which can split the request and inject headers or protocol commands; remove it.`);
  const traversal = findTraversal(raw);
  if (traversal) pushHit(hits, 'ssrf/path-traversal', traversal, `The URL's path or query contains a ${traversal}, which can escape the intended directory on the server; remove it.`);
  if (policy.options.blockPrivate || policy.options.blockMetadata) {
    const inPath = findInternalAddressInPath(raw);
    if (inPath && (inPath.class === 'metadata' ? policy.options.blockMetadata : policy.options.blockPrivate)) {
      pushHit(hits, 'ssrf/internal-address-in-url', inPath.address, `The URL's path or query names ${inPath.address} (${inPath.label}); redirect and proxy services take their target this way. Check where this request really leads.`);
    }
  }
  return hits;
}

/** `urlNonAscii`: whether the URL text holds any character above U+007E (if not, neither does its host). */
function obfuscationOf(rawHost: string, memo: HostMemo, urlNonAscii: boolean): string | null {
  if (rawHost.length === 0) return null;
  if (rawHost.includes('%')) return 'percent-encoded';
  const cls = memo.classify(rawHost);
  if ((cls.kind === 'ipv4' || cls.kind === 'ipv6') && cls.nonCanonicalIp) return 'a non-canonical IP spelling';
  if (!urlNonAscii) return null;
  let nonAscii = false;
  for (let i = 0; i < rawHost.length; i++) if (rawHost.charCodeAt(i) > 127) nonAscii = true;
  if (nonAscii) {
    let asciiAfter = true;
    for (let i = 0; i < cls.host.length; i++) if (cls.host.charCodeAt(i) > 127) asciiAfter = false;
    if (asciiAfter) return 'look-alike Unicode characters that fold to ASCII';
  }
  return null;
}

// ---------------------------------------------------------------------------------------------

const DOWNGRADE: Readonly<Record<Severity, Severity>> = { critical: 'high', high: 'medium', medium: 'low', low: 'low', info: 'info' };
const NESTED_PREFIX = 'A URL carried inside this one (e.g. a redirect or fetch parameter) is a problem: ';

class Collector {
  readonly findings: Finding[] = [];
  #seen: Set<string> | undefined;
  /** URL texts still to be judged in this scan (see MAX_URLS). */
  urlsLeft = MAX_URLS;
  /** The limit that cut the scan short, if one did: reported once, as the last finding. */
  #stopped: Finding | undefined;
  add(hit: UrlHit, location: string, nested: boolean): void {
    const key = `${hit.rule}\u0000${location}\u0000${hit.value}`;
    this.#seen ??= new Set();
    if (this.#seen.has(key)) return;
    if (this.findings.length >= MAX_FINDINGS) {
      this.stop(location, `The SSRF check stopped after ${MAX_FINDINGS} findings at ${location}; the rest of the input was not inspected.`);
      return;
    }
    this.#seen.add(key);
    const info = SSRF_RULES[hit.rule];
    this.findings.push({
      scanner: 'ssrf',
      rule: hit.rule,
      severity: nested ? DOWNGRADE[info.severity] : info.severity,
      category: 'ssrf',
      mitre: info.mitre,
      location,
      evidence: clip(hit.value, 100),
      message: nested ? NESTED_PREFIX + hit.message : hit.message,
    });
  }
  /** True once a limit stopped the scan: nothing more is inspected. */
  get full(): boolean {
    return this.#stopped !== undefined;
  }
  /** Records that a limit cut the scan short (the first such limit is the one reported). */
  stop(location: string, message: string): void {
    this.#stopped ??= {
      scanner: 'ssrf',
      rule: 'ssrf/scan-incomplete',
      severity: 'high',
      category: 'limits',
      mitre: 'T1027',
      location,
      evidence: '',
      message,
    };
  }
  /**
   * Takes up to `want` URLs from the scan's budget; when fewer are left, the scan is marked incomplete
   * at `location`. Returns how many may be judged.
   */
  take(want: number, location: string): number {
    const n = Math.min(want, this.urlsLeft);
    this.urlsLeft -= n;
    if (n < want) this.stop(location, `The SSRF check judged ${MAX_URLS} URLs and stopped at ${location}; the rest of the input was not inspected.`);
    return n;
  }
  /** The findings, with the scan-incomplete finding last when a limit was reached. */
  result(): Finding[] {
    if (this.#stopped) this.findings.push(this.#stopped);
    return this.findings;
  }
}

/** URL texts whose target() findings are kept for replay, and the longest text kept. */
const MAX_CACHED_URLS = 256;
const MAX_CACHED_URL = 2048;

const NO_ENTRIES: readonly TargetEntry[] = [];

/** One finding target() reported, replayable at another location. */
interface TargetEntry {
  readonly hit: UrlHit;
  readonly nested: boolean;
  /** Found in the percent-decoded text: reported at `<location>|url`. */
  readonly decoded: boolean;
}

/** Passes target()'s findings to the collector and records them for replay. */
class TargetRecord {
  readonly entries: TargetEntry[] = [];
  /** False once the collector filled up and the search stopped early. */
  complete = true;
  #tokensSeen: Set<string> | undefined;
  constructor(
    readonly out: Collector,
    readonly location: string,
  ) {}
  add(hit: UrlHit, nested: boolean, decoded: boolean): void {
    this.entries.push({ hit, nested, decoded });
    this.out.add(hit, decoded ? `${this.location}|url` : this.location, nested);
  }
  /** Nested URL texts already judged (made when the first nested URL is looked for). */
  get tokensSeen(): Set<string> {
    this.#tokensSeen ??= new Set();
    return this.#tokensSeen;
  }
  get full(): boolean {
    if (!this.out.full) return false;
    this.complete = false;
    return true;
  }
}

/**
 * The URL tokens of a text, at most as many as the scan's URL budget allows, and what to report when
 * the text holds more than that (the caller judges the tokens it got, then stops the scan).
 */
function tokensWithin(text: string, out: Collector, location: string): { tokens: readonly { index: number; text: string }[]; cut: string | null } {
  const limit = Math.max(1, out.urlsLeft);
  const { tokens, complete } = scanUrlTokens(text, limit);
  const n = Math.min(tokens.length, out.urlsLeft);
  out.urlsLeft -= n;
  const cut = complete && n === tokens.length ? null : `The SSRF check judged ${MAX_URLS} URLs and stopped at ${location}, which holds more; the rest of the input was not inspected.`;
  return { tokens: n < tokens.length ? tokens.slice(0, n) : tokens, cut };
}

function firstNonSpace(text: string): number {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) <= 0x20) i++;
  return i;
}

/** Findings that count for a URL merely written in a tool argument's text (see segment()). */
const ANYWHERE: Partial<Record<string, true>> = {
  'ssrf/cloud-metadata': true,
  'ssrf/link-local': true,
  'ssrf/blocked-host': true,
  'ssrf/obfuscated-host': true,
  'ssrf/userinfo-confusion': true,
  'ssrf/crlf-injection': true,
  'ssrf/rebinding-hostname': true,
};

/** A network client's name as a command word: its arguments are what it fetches. */
const NETWORK_CLIENT = re('(?:^|[\\s;|&(`$])(?:curl|wget|http|https|xh|httpie|aria2c|lwp-request|lynx|links|w3m|nc|ncat|netcat|socat|telnet|fetch|invoke-webrequest|invoke-restmethod|iwr|irm)(?:\\.exe)?\\s');

/** Whether a network client is named earlier on the line of `text` where the token at `index` starts. */
function fetchedOnItsLine(text: string, index: number): boolean {
  const start = text.lastIndexOf('\n', index - 1) + 1;
  const line = text.slice(Math.max(start, index - 512), index);
  return NETWORK_CLIENT.test(line);
}

export function createSsrfScanner(options?: Partial<SsrfOptions>): Scanner {
  const policy = compilePolicy(options);
  // A plain-object lookup: cheaper than Set.has for the one check every segment goes through.
  const scanPart: Partial<Record<string, true>> = Object.create(null) as Partial<Record<string, true>>;
  for (const part of policy.scanParts) scanPart[part] = true;

  const nestedIn = (text: string, rec: TargetRecord, skipIndex: number, facts: number, decoded: boolean): void => {
    if (!mayHoldUrlToken(text, skipIndex, facts) || rec.full) return;
    const done = rec.tokensSeen;
    const { tokens, cut } = tokensWithin(text, rec.out, rec.location);
    for (const tok of tokens) {
      if (rec.full) return;
      if (tok.index === skipIndex || done.has(tok.text)) continue;
      done.add(tok.text);
      for (const h of analyzeUrl(tok.text, policy, { strict: false })) rec.add(h, true, decoded);
    }
    if (cut !== null) {
      rec.complete = false; // cut short by the URL budget: not replayable
      rec.out.stop(rec.location, cut);
    }
  };

  // What target() found for recent URL texts (a pure function of the text under this policy), so a
  // URL seen again, as agents call the same endpoints, is replayed instead of judged again.
  const recent = new Map<string, readonly TargetEntry[]>();

  /** A URL that is itself a request target, then URLs nested in it (raw and percent-decoded). */
  const target = (text: string, location: string, out: Collector): void => {
    const cacheable = text.length <= MAX_CACHED_URL;
    const known = cacheable ? recent.get(text) : undefined;
    if (known) {
      recent.delete(text); // most recently used last
      recent.set(text, known);
      for (const e of known) out.add(e.hit, e.decoded ? `${location}|url` : location, e.nested);
      return;
    }
    const rec = new TargetRecord(out, location);
    const bounded = text.length > HARD_MAX_URL ? text.slice(0, HARD_MAX_URL) : text;
    const facts = urlFacts(bounded);
    // analyze reads at most the first maxUrlLength (≤ HARD_MAX_URL) characters: these facts cover them.
    for (const h of analyze(text, policy, { strict: true }, facts)) rec.add(h, false, false);
    nestedIn(bounded, rec, firstNonSpace(bounded), facts, false);
    let decoded = bounded;
    for (let round = 0; round < 2 && decoded.includes('%'); round++) {
      const next = percentDecode(decoded);
      if (next === decoded) break;
      decoded = next;
      nestedIn(decoded, rec, firstNonSpace(decoded), -1, true);
    }
    if (text.length > HARD_MAX_URL) {
      // Its first HARD_MAX_URL characters were judged above; the rest was not read at all.
      out.stop(location, `The URL at ${location} is ${text.length} characters long; the SSRF check read only its first ${HARD_MAX_URL}, so it is blocked.`);
      rec.complete = false;
    }
    // Only a full record replays exactly (one cut short by the findings cap is not kept).
    if (cacheable && rec.complete) {
      recent.set(text, rec.entries.length === 0 ? NO_ENTRIES : rec.entries);
      if (recent.size > MAX_CACHED_URLS) recent.delete(recent.keys().next().value as string);
    }
  };

  const segment = (seg: Segment, view: ScanView, out: Collector): void => {
    const raw = seg.prepared.raw;
    const sameAsInput = view.url !== undefined && (raw === view.url || raw.trim() === view.url.trim());
    if (!sameAsInput) {
      const trimmed = raw.trim();
      const first = findUrlTokens(trimmed, 2);
      const whole = first.length >= 1 && first[0]!.index === 0 && first[0]!.text === trimmed;
      if (seg.part === 'url' || whole) {
        if (out.take(1, seg.location) === 1) target(raw, seg.location, out);
      } else if (first.length > 0) {
        const { tokens, cut } = tokensWithin(raw, out, seg.location);
        const prose = seg.part === 'tool-argument';
        for (const tok of tokens) {
          if (out.full) return;
          // A URL written inside a tool argument's text (a README, an issue body, a commit message,
          // an .env.example) is not fetched: only what is dangerous wherever it is written counts
          // there (cloud metadata, link-local, blocked hosts, disguises), unless a network client
          // on its line is given it (`curl -s http://127.0.0.1:8080/`).
          const fetched = !prose || fetchedOnItsLine(raw, tok.index);
          for (const h of analyzeUrl(tok.text, policy, { strict: false })) if (fetched || ANYWHERE[h.rule] === true) out.add(h, seg.location, false);
        }
        if (cut !== null) out.stop(seg.location, cut);
      }
    }
    const layers = seg.prepared.layers;
    for (let i = 0; i < layers.length && !out.full; i++) {
      const layer = layers[i]!;
      if (layer.chain.length === 1 && layer.chain[0] === 'url') continue; // percent-decoding is done above
      nestedIn(layer.text, new TargetRecord(out, `${seg.location}|${layer.chain.join('|')}`), -1, -1, false);
    }
  };

  return {
    id: 'ssrf',
    scan(view: ScanView): readonly Finding[] {
      const out = new Collector();
      try {
        if (typeof view.url === 'string' && out.take(1, 'url') === 1) target(view.url, 'url', out);
        for (const seg of view.segments) {
          if (out.full) break;
          if (scanPart[seg.part] !== true) continue;
          segment(seg, view, out);
        }
      } catch {
        // Fail closed: an internal error must never let a request through unjudged.
        out.add({ rule: 'ssrf/unparseable-url', value: 'internal error', message: 'The SSRF check could not finish on this input, so it is blocked; please report the URL that caused it.' }, 'url', false);
      }
      return out.result();
    },
  };
}
