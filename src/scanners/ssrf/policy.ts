// SSRF options, rule table and the one decision function shared by the URL scanner and by
// checkAddress (the transport's post-DNS check). Pure: no I/O, no DNS.

import type { Severity } from '../../core/index.ts';
import type { SegmentPart } from '../types.ts';
import { READING_NAMES, classifyHost, hasSuffix, normalizeHost, type HostClass, type HostClassification } from './host.ts';
import { cidrContains, parseCidr, parseIp, unmapV4, type Cidr, type IpAddress } from './ip.ts';

export interface SsrfOptions {
  /** URL schemes that may be fetched (lower case, no colon). */
  allowSchemes: string[];
  /** Address ranges exempt from the private/loopback/… rules (a user's internal API). Metadata addresses stay blocked unless listed exactly (/32, /128). */
  allowCidrs: string[];
  /** Hosts exempt from host rules: `api.corp.example` (exact) or `*.corp.example` (any subdomain). Metadata names are exempt only when listed exactly. */
  allowHosts: string[];
  /** Hosts always blocked: exact or `*.suffix`. */
  blockHosts: string[];
  /** Block loopback, private, link-local, CGNAT, unspecified, reserved ranges and internal / rebinding names. */
  blockPrivate: boolean;
  /** Block cloud metadata addresses and names. Not lifted by allowCidrs or wildcard allowHosts. */
  blockMetadata: boolean;
  /** Longer URLs are reported (and analysed only up to this length). */
  maxUrlLength: number;
  /** Segment parts whose absolute URLs are checked, besides the input's own URL. */
  scanParts: SegmentPart[];
}

export const DEFAULT_SSRF_OPTIONS: SsrfOptions = {
  allowSchemes: ['http', 'https', 'ws', 'wss'],
  allowCidrs: [],
  allowHosts: [],
  blockHosts: [],
  blockPrivate: true,
  blockMetadata: true,
  maxUrlLength: 8192,
  scanParts: ['url'],
};

export type SsrfRuleId =
  | 'ssrf/cloud-metadata'
  | 'ssrf/loopback'
  | 'ssrf/private-address'
  | 'ssrf/link-local'
  | 'ssrf/unspecified-address'
  | 'ssrf/reserved-address'
  | 'ssrf/internal-hostname'
  | 'ssrf/rebinding-hostname'
  | 'ssrf/redirect-service'
  | 'ssrf/blocked-host'
  | 'ssrf/scheme-not-allowed'
  | 'ssrf/unparseable-url'
  | 'ssrf/invalid-address'
  | 'ssrf/url-too-long'
  | 'ssrf/crlf-injection'
  | 'ssrf/userinfo-confusion'
  | 'ssrf/path-traversal'
  | 'ssrf/internal-address-in-url'
  | 'ssrf/obfuscated-host'
  | 'ssrf/trailing-dot-hostname'
  | 'ssrf/wildcard-dns-host'
  | 'ssrf/scan-incomplete';

export interface RuleInfo {
  readonly severity: Severity;
  readonly mitre: string;
}

export const SSRF_RULES: Readonly<Record<SsrfRuleId, RuleInfo>> = {
  'ssrf/cloud-metadata': { severity: 'critical', mitre: 'T1552.005' },
  'ssrf/loopback': { severity: 'high', mitre: 'T1190' },
  'ssrf/private-address': { severity: 'high', mitre: 'T1190' },
  'ssrf/link-local': { severity: 'high', mitre: 'T1190' },
  'ssrf/unspecified-address': { severity: 'high', mitre: 'T1190' },
  'ssrf/reserved-address': { severity: 'high', mitre: 'T1190' },
  'ssrf/internal-hostname': { severity: 'high', mitre: 'T1190' },
  'ssrf/rebinding-hostname': { severity: 'high', mitre: 'T1090' },
  'ssrf/redirect-service': { severity: 'high', mitre: 'T1090' },
  'ssrf/blocked-host': { severity: 'high', mitre: 'T1190' },
  'ssrf/scheme-not-allowed': { severity: 'high', mitre: 'T1190' },
  'ssrf/unparseable-url': { severity: 'high', mitre: 'T1190' },
  'ssrf/invalid-address': { severity: 'high', mitre: 'T1190' },
  'ssrf/url-too-long': { severity: 'medium', mitre: 'T1190' },
  'ssrf/crlf-injection': { severity: 'medium', mitre: 'T1190' },
  'ssrf/userinfo-confusion': { severity: 'medium', mitre: 'T1190' },
  'ssrf/path-traversal': { severity: 'low', mitre: 'T1190' },
  'ssrf/internal-address-in-url': { severity: 'medium', mitre: 'T1090' },
  'ssrf/obfuscated-host': { severity: 'low', mitre: 'T1190' },
  'ssrf/trailing-dot-hostname': { severity: 'low', mitre: 'T1190' },
  'ssrf/wildcard-dns-host': { severity: 'low', mitre: 'T1090' },
  /** A limit (findings, URLs judged, URL length) stopped the scan: the engine blocks (fail closed). */
  'ssrf/scan-incomplete': { severity: 'high', mitre: 'T1027' },
};

const CLASS_RULES: Readonly<Record<HostClass, SsrfRuleId | undefined>> = {
  metadata: 'ssrf/cloud-metadata',
  'metadata-name': 'ssrf/cloud-metadata',
  loopback: 'ssrf/loopback',
  'localhost-name': 'ssrf/loopback',
  private: 'ssrf/private-address',
  'unique-local': 'ssrf/private-address',
  cgnat: 'ssrf/private-address',
  'link-local': 'ssrf/link-local',
  unspecified: 'ssrf/unspecified-address',
  broadcast: 'ssrf/reserved-address',
  multicast: 'ssrf/reserved-address',
  reserved: 'ssrf/reserved-address',
  benchmarking: 'ssrf/reserved-address',
  documentation: 'ssrf/reserved-address',
  'internal-name': 'ssrf/internal-hostname',
  'rebinding-name': 'ssrf/rebinding-hostname',
  'redirect-service': 'ssrf/redirect-service',
  'wildcard-dns': 'ssrf/wildcard-dns-host',
  public: undefined,
  'public-name': undefined,
  invalid: undefined,
};

interface HostPattern {
  readonly exact: boolean;
  /** Normalised host (domain lower case, or canonical address text). */
  readonly host: string;
}

export interface SsrfPolicy {
  readonly options: SsrfOptions;
  readonly allowSchemes: ReadonlySet<string>;
  readonly allowCidrs: readonly Cidr[];
  readonly allowHosts: readonly HostPattern[];
  readonly blockHosts: readonly HostPattern[];
  readonly scanParts: ReadonlySet<SegmentPart>;
}

/** Canonical text of a host for comparisons: the address for IP literals, else the WHATWG/IDNA domain. */
export function canonicalHost(hostname: string): string {
  return canonicalOf(classifyHost(hostname));
}

/** canonicalHost of the host a classification was made from. */
export function canonicalOf(c: HostClassification): string {
  if ((c.kind === 'ipv4' || c.kind === 'ipv6') && c.readings.length > 0) return c.readings[0]!.address;
  return toAsciiDomain(c.host);
}

function toAsciiDomain(host: string): string {
  let plain = true;
  for (let i = 0; i < host.length; i++) {
    const ch = host.charCodeAt(i);
    if (ch > 127 || ch === 47 || ch === 63 || ch === 35 || ch === 64 || ch === 92 || ch === 58 || ch <= 32) plain = false;
  }
  if (plain) return host;
  let ok = true;
  for (let i = 0; i < host.length; i++) {
    const ch = host.charCodeAt(i);
    if (ch === 47 || ch === 63 || ch === 35 || ch === 64 || ch === 92 || ch === 58 || ch <= 32 || ch === 37) ok = false;
  }
  if (!ok) return host;
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return host;
  }
}

function hostPattern(p: string): HostPattern | null {
  let t = p.trim().toLowerCase();
  let exact = true;
  if (t.startsWith('*.')) {
    exact = false;
    t = t.slice(2);
  } else if (t.startsWith('.')) {
    exact = false;
    t = t.slice(1);
  }
  if (t.length === 0) return null;
  return { exact, host: canonicalHost(normalizeHost(t).host) };
}

function matchesPattern(host: string, p: HostPattern): boolean {
  return p.exact ? host === p.host : host !== p.host && hasSuffix(host, p.host);
}

const policyCache = new WeakMap<object, SsrfPolicy>();

export function compilePolicy(options?: Partial<SsrfOptions>): SsrfPolicy {
  if (options && policyCache.has(options)) return policyCache.get(options)!;
  const o: SsrfOptions = { ...DEFAULT_SSRF_OPTIONS, ...(options ?? {}) };
  const policy: SsrfPolicy = {
    options: o,
    allowSchemes: new Set(o.allowSchemes.map((s) => (s.endsWith(':') ? s.slice(0, -1) : s).toLowerCase())),
    allowCidrs: o.allowCidrs.map(parseCidr).filter((c): c is Cidr => c !== null),
    allowHosts: o.allowHosts.map(hostPattern).filter((p): p is HostPattern => p !== null),
    blockHosts: o.blockHosts.map(hostPattern).filter((p): p is HostPattern => p !== null),
    scanParts: new Set(o.scanParts),
  };
  if (options) policyCache.set(options, policy);
  return policy;
}

export interface HostDecision {
  readonly blocked: boolean;
  readonly rule?: SsrfRuleId;
  readonly class: HostClass;
  readonly reason: string;
  /** The address that decided, if any. */
  readonly address?: string;
  /**
   * Not blocked only because the user trusts it: the entry that lifted an internal-destination
   * rule, e.g. `allowCidrs 127.0.0.1/32` or `allowHosts *.corp.example` (transports log its use).
   */
  readonly trusted?: string;
}

function isMetadataClass(c: HostClass): boolean {
  return c === 'metadata' || c === 'metadata-name';
}

/** The allowCidrs entry that exempts the address (its text), if any. */
function addressExempt(address: string, metadata: boolean, policy: SsrfPolicy): string | undefined {
  const a = parseIp(address);
  if (!a) return undefined;
  const forms: IpAddress[] = [a];
  const inner = unmapV4(a);
  if (inner) forms.push(inner);
  for (const c of policy.allowCidrs) {
    for (const f of forms) {
      if (!cidrContains(c, f)) continue;
      if (!metadata || c.len === (c.version === 4 ? 32 : 128)) return c.text;
    }
  }
  return undefined;
}

function patternText(p: HostPattern): string {
  return p.exact ? p.host : `*.${p.host}`;
}

/**
 * Applies the options to one host classification. allowHosts (exact) lifts everything; a wildcard
 * allowHosts entry or an allowCidrs range lifts everything except cloud metadata, which needs an
 * exact host entry, a single-address CIDR, or blockMetadata: false.
 */
export function decideHost(c: HostClassification, policy: SsrfPolicy): HostDecision {
  // A name of a class no rule covers (a public name), with no host lists to consult: nothing to decide.
  if (c.kind === 'domain' && c.readings.length === 0 && CLASS_RULES[c.class] === undefined && policy.blockHosts.length === 0 && policy.allowHosts.length === 0) {
    return { blocked: false, class: c.class, reason: c.reason };
  }
  const canonical = c.kind === 'ipv4' || c.kind === 'ipv6' ? (c.readings[0]?.address ?? c.host) : toAsciiDomain(c.host);
  if (policy.blockHosts.some((p) => matchesPattern(canonical, p) || matchesPattern(c.host, p))) {
    return { blocked: true, rule: 'ssrf/blocked-host', class: c.class, reason: `${c.host} is on the blockHosts list` };
  }
  const exactAllow = policy.allowHosts.find((p) => p.exact && (p.host === canonical || p.host === c.host));
  if (exactAllow) {
    // Trusted only where a rule would have applied (an internal name or address), not for a public host.
    const lifted = CLASS_RULES[c.class] !== undefined || c.readings.some((r) => CLASS_RULES[r.class] !== undefined);
    const d = { blocked: false, class: c.class, reason: `${c.host} is on the allowHosts list` };
    return lifted ? { ...d, trusted: `allowHosts ${patternText(exactAllow)}` } : d;
  }
  const wildAllow = policy.allowHosts.find((p) => !p.exact && (matchesPattern(canonical, p) || matchesPattern(c.host, p)));

  // Every reading (IP spellings, embedded addresses) is judged; the worst one that is not exempt decides.
  type Cand = { cls: HostClass; address?: string; reason: string };
  const cands: Cand[] = [];
  if (c.kind === 'ipv4' || c.kind === 'ipv6') {
    for (const r of c.readings) {
      const alt = c.readings.length > 1 && r.how !== 'whatwg' && r.how !== 'ipv6' && r.how !== 'embedded';
      const reason = alt ? `${r.address} as read by ${READING_NAMES[r.how as keyof typeof READING_NAMES]}: ${r.label}` : r.address === c.host ? r.label : `${r.address}: ${r.label}`;
      cands.push({ cls: r.class, address: r.address, reason });
    }
  } else if (c.class === 'rebinding-name' && c.readings.length > 0) {
    for (const r of c.readings) {
      const cls: HostClass = r.class === 'metadata' ? 'metadata' : 'rebinding-name';
      cands.push({ cls, address: r.address, reason: r.address === c.address ? c.reason : `a name embedding ${r.address}: ${r.label}` });
    }
  } else {
    cands.push({ cls: c.class, reason: c.reason });
  }
  let decided: HostDecision | undefined;
  let trusted: string | undefined;
  for (const cand of cands) {
    const rule = CLASS_RULES[cand.cls];
    if (!rule) continue;
    const metadata = isMetadataClass(cand.cls);
    if (metadata ? !policy.options.blockMetadata : !policy.options.blockPrivate) continue;
    if (wildAllow && !metadata) {
      trusted ??= `allowHosts ${patternText(wildAllow)}`;
      continue;
    }
    const exempt = cand.address !== undefined ? addressExempt(cand.address, metadata, policy) : undefined;
    if (exempt !== undefined) {
      trusted ??= `allowCidrs ${exempt}`;
      continue;
    }
    const d: HostDecision = cand.address === undefined
      ? { blocked: rule !== 'ssrf/wildcard-dns-host', rule, class: cand.cls, reason: cand.reason }
      : { blocked: rule !== 'ssrf/wildcard-dns-host', rule, class: cand.cls, reason: cand.reason, address: cand.address };
    if (!decided || rank(d) > rank(decided)) decided = d;
  }
  if (decided) return decided;
  return trusted === undefined ? { blocked: false, class: c.class, reason: c.reason } : { blocked: false, class: c.class, reason: c.reason, trusted };
}

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

function rank(d: HostDecision): number {
  return d.rule ? SEVERITY_ORDER[SSRF_RULES[d.rule].severity] : -1;
}

export interface AddressCheck {
  readonly allowed: boolean;
  readonly rule?: string;
  /** For a refused address: the rule's severity and ATT&CK technique. */
  readonly severity?: Severity;
  readonly mitre?: string;
  readonly reason: string;
  readonly class: string;
  /** Allowed only because the user trusts it: the scanners.ssrf entry used (`allowCidrs 127.0.0.1/32`). */
  readonly trusted?: string;
}

/**
 * Checks an address a transport actually dialled (the DNS-rebinding defence): IPv4 or IPv6 text,
 * bracketed, zoned or IPv4-mapped. Same classes and allowances as the URL scanner. Fails closed.
 */
export function checkAddress(ip: string, options?: Partial<SsrfOptions>): AddressCheck {
  const policy = compilePolicy(options);
  const parsed = typeof ip === 'string' ? parseIp(ip) : null;
  if (!parsed) {
    return { allowed: false, rule: 'ssrf/invalid-address', reason: 'not an IPv4 or IPv6 address; refusing to connect', class: 'invalid' };
  }
  const c = classifyHost(typeof ip === 'string' ? ip.trim() : '');
  const d = decideHost(c, policy);
  if (d.blocked && d.rule) {
    const meta: RuleInfo | undefined = SSRF_RULES[d.rule as SsrfRuleId];
    return { allowed: false, rule: d.rule, reason: `${c.host} is ${d.reason}`, class: d.class, ...(meta ? { severity: meta.severity, mitre: meta.mitre } : {}) };
  }
  return d.trusted === undefined ? { allowed: true, reason: `${c.host} is ${d.reason}`, class: d.class } : { allowed: true, reason: `${c.host} is ${d.reason}`, class: d.class, trusted: d.trusted };
}
