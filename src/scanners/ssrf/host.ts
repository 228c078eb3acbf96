// Host classification from text alone (no DNS): IP literals in every spelling, internal and metadata
// names, and names that resolve to an address written inside them (DNS-rebinding helpers).
// Pure: hand-written linear loops only; never resolves, never throws.

import {
  ADDRESS_CLASS_RANK,
  INTERNAL_CLASSES,
  METADATA_V4,
  classifyIp,
  classifyV4,
  endsInNumber,
  formatIp,
  formatV4,
  ipv4Interpretations,
  parseIPv6,
  type AddressClass,
  type V4Reading,
} from './ip.ts';

export type HostClass =
  | AddressClass
  | 'metadata-name'
  | 'localhost-name'
  | 'internal-name'
  | 'rebinding-name'
  | 'redirect-service'
  | 'wildcard-dns'
  | 'public-name'
  | 'invalid';

export interface HostReading {
  /** Which parser family reads the host this way. */
  readonly how: V4Reading | 'ipv6' | 'embedded';
  readonly address: string;
  readonly class: AddressClass;
  readonly label: string;
}

export interface HostClassification {
  /** The host after normalisation: percent-decoded, NFKC, lower case, no brackets, no trailing dots. */
  readonly host: string;
  readonly kind: 'ipv4' | 'ipv6' | 'domain' | 'invalid';
  readonly class: HostClass;
  /** A sentence fragment: "loopback (127.0.0.0/8)". */
  readonly reason: string;
  /** The address the host is (or embeds) when it decides the class. */
  readonly address?: string;
  /** Every address some client would read from this host (IP literals and embedded addresses). */
  readonly readings: readonly HostReading[];
  readonly trailingDot: boolean;
  /** An IP literal written in a non-canonical spelling (hex, octal, dotless, short, padded). */
  readonly nonCanonicalIp: boolean;
}

/** Exact names of cloud metadata services. */
export const METADATA_NAMES: ReadonlyMap<string, string> = new Map([
  ['metadata.google.internal', 'the Google Cloud metadata server'],
  ['metadata.goog', 'the Google Cloud metadata server'],
  ['metadata', 'the short name of cloud metadata servers (Google Cloud and others)'],
  ['instance-data', 'the short name of the AWS instance metadata service'],
  ['instance-data.ec2.internal', 'the AWS instance metadata service'],
  ['metadata.tencentyun.com', 'the Tencent Cloud metadata service'],
  ['metadata.platformequinix.com', 'the Equinix Metal metadata service'],
  ['metadata.packet.net', 'the Equinix Metal (Packet) metadata service'],
  ['api.metadata.cloud.ibm.com', 'the IBM Cloud metadata service'],
  ['rancher-metadata', 'the Rancher metadata service'],
]);

const LOCALHOST_NAMES: ReadonlySet<string> = new Set([
  'localhost',
  'ip6-localhost',
  'ip6-loopback',
  'localhost.localdomain',
  'localhost6',
  'localhost6.localdomain6',
]);

/** Public names whose every subdomain resolves to 127.0.0.1. */
const LOOPBACK_SERVICES: readonly string[] = ['localtest.me', 'lvh.me', 'vcap.me', 'fuf.me', 'lacolhost.com', 'localhost.direct'];

/** Services built to answer DNS with changing or attacker-chosen addresses. */
const REBINDING_SERVICES: readonly string[] = ['1u.ms', 'rbndr.us', 'rebind.it', 'rebind.network'];

/** Wildcard DNS that answers with the address written in the name (`10.0.0.1.nip.io`). */
const WILDCARD_IP_SERVICES: readonly string[] = ['nip.io', 'sslip.io', 'xip.io', 'xip.name', 'traefik.me', 'backname.io'];

/** Services that redirect to a target chosen in the URL (a filter bypass for any address). */
const REDIRECT_SERVICES: readonly string[] = ['r3dir.me'];

/** Suffixes only ever resolved inside a private network (RFC 6761/6762/8375, ICANN private-use, common LAN names). */
const INTERNAL_SUFFIXES: readonly string[] = [
  'internal',
  'local',
  'localdomain',
  'home.arpa',
  'lan',
  'intranet',
  'corp',
  'home',
  'private',
  'svc',
  'consul',
];

export function hasSuffix(host: string, suffix: string): boolean {
  return host === suffix || (host.length > suffix.length && host.endsWith(suffix) && host[host.length - suffix.length - 1] === '.');
}

/** A suffix list grouped by last label, in list order: a host can only match the suffixes of its own TLD. */
type SuffixIndex = ReadonlyMap<string, readonly string[]>;

function suffixIndex(list: readonly string[]): SuffixIndex {
  const index = new Map<string, string[]>();
  for (const s of list) {
    const tld = s.slice(s.lastIndexOf('.') + 1);
    const group = index.get(tld);
    if (group) group.push(s);
    else index.set(tld, [s]);
  }
  return index;
}

/** The first suffix of the list (in list order) that `host` is or ends with; `tld` is the host's last label. */
function matchSuffix(host: string, tld: string, index: SuffixIndex): string | undefined {
  const group = index.get(tld);
  if (group) for (const s of group) if (hasSuffix(host, s)) return s;
  return undefined;
}

const LOOPBACK_INDEX = suffixIndex(LOOPBACK_SERVICES);
const REBINDING_INDEX = suffixIndex(REBINDING_SERVICES);
const REDIRECT_INDEX = suffixIndex(REDIRECT_SERVICES);
const WILDCARD_INDEX = suffixIndex(WILDCARD_IP_SERVICES);
const INTERNAL_INDEX = suffixIndex(INTERNAL_SUFFIXES);

// ---------------------------------------------------------------------------------------------
// Normalisation

const UTF8 = new TextDecoder('utf-8', { fatal: false });

/** Decodes %XX escapes (once) as UTF-8; malformed escapes stay as they are. Linear. */
export function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 && i + 2 < s.length) {
      const h = hexVal(s.charCodeAt(i + 1));
      const l = hexVal(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        bytes.push(h * 16 + l);
        i += 2;
        continue;
      }
    }
    if (bytes.length) out += decodeBytes(bytes);
    out += s[i];
  }
  if (bytes.length) out += decodeBytes(bytes);
  return out;
}

/** UTF-8 decodes the pending bytes and empties the list. */
function decodeBytes(bytes: number[]): string {
  const text = UTF8.decode(Uint8Array.from(bytes));
  bytes.length = 0;
  return text;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const MAX_HOST = 1024;

export interface NormalizedHost {
  readonly host: string;
  readonly trailingDot: boolean;
}

/** Lower case, brackets and trailing dots removed, %XX decoded once, NFKC, ideographic full stops to '.'. */
export function normalizeHost(raw: string): NormalizedHost {
  let h = raw.length > MAX_HOST ? raw.slice(0, MAX_HOST) : raw;
  h = h.trim();
  if (h.length >= 2 && h[0] === '[' && h[h.length - 1] === ']') h = h.slice(1, -1);
  h = percentDecode(h);
  let ascii = true;
  for (let i = 0; i < h.length; i++) if (h.charCodeAt(i) > 127) ascii = false;
  if (!ascii) {
    h = h.normalize('NFKC');
    let mapped = '';
    for (const ch of h) mapped += ch === '\u3002' || ch === '\uff0e' || ch === '\uff61' ? '.' : ch;
    h = mapped;
  }
  h = h.toLowerCase();
  let trailingDot = false;
  let end = h.length;
  while (end > 0 && h[end - 1] === '.') end--;
  if (end < h.length && end > 0) {
    trailingDot = true;
    h = h.slice(0, end);
  }
  return { host: h, trailingDot };
}

// ---------------------------------------------------------------------------------------------
// Addresses embedded in names

const MAX_RUNS = 128;

interface Embedded {
  readonly address: string;
  readonly class: AddressClass;
  readonly label: string;
  readonly form: 'dotted' | 'dashed' | 'hex' | 'ipv6-dashed';
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Two digit runs separated by exactly one '.' or '-'. */
function joinedRuns(host: string, a: { end: number }, b: { start: number }): boolean {
  return b.start === a.end + 1 && (host[a.end] === '.' || host[a.end] === '-');
}

/**
 * Internal addresses written inside a name: four numbers 0–255 joined by '.' or '-' (127.0.0.1.nip.io,
 * ip-10-0-0-1.example, 169.254-169.254), an 8-hex-digit label (7f000001.rbndr.us) or a dashed IPv6 label
 * (--1.sslip.io). Only internal classes are reported, so version-like names stay quiet.
 */
export function embeddedAddresses(host: string): Embedded[] {
  const out: Embedded[] = [];
  let digits = 0;
  for (let i = 0; i < host.length && digits < 4; i++) if (isDigit(host.charCodeAt(i))) digits++;
  // Four numbers need at least four digits.
  if (digits >= 4) embeddedQuads(host, out);
  const dashes = host.includes('--');
  let start = 0;
  for (let li = 0; li < 64 && start <= host.length; li++) {
    let end = host.indexOf('.', start);
    if (end < 0) end = host.length;
    if (end - start === 8) {
      let v = 0;
      let ok = true;
      for (let i = start; i < end; i++) {
        const d = hexVal(host.charCodeAt(i));
        if (d < 0) {
          ok = false;
          break;
        }
        v = v * 16 + d;
      }
      if (ok) {
        const info = classifyV4(v >>> 0);
        if (INTERNAL_CLASSES.has(info.class)) out.push({ address: formatV4(v >>> 0), class: info.class, label: info.label, form: 'hex' });
      }
    }
    if (dashes && end - start <= 64) {
      const label = host.slice(start, end);
      if (label.includes('--') && !label.startsWith('xn--')) {
        let allHex = true;
        for (let i = 0; i < label.length; i++) if (label[i] !== '-' && hexVal(label.charCodeAt(i)) < 0) allHex = false;
        if (allHex) {
          const v6 = parseIPv6(label.split('-').join(':'));
          if (v6) {
            const info = classifyIp(v6);
            if (INTERNAL_CLASSES.has(info.class)) out.push({ address: formatIp(v6), class: info.class, label: info.label, form: 'ipv6-dashed' });
          }
        }
      }
    }
    start = end + 1;
  }
  return out;
}

/** Four numbers 0–255 joined by single '.' or '-' that make an internal address (dotted or dashed form). */
function embeddedQuads(host: string, out: Embedded[]): void {
  const runs: { start: number; end: number; value: number; ok: boolean }[] = [];
  for (let i = 0; i < host.length && runs.length < MAX_RUNS; ) {
    if (!isDigit(host.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i;
    while (j < host.length && isDigit(host.charCodeAt(j))) j++;
    const len = j - i;
    const value = len <= 3 ? Number(host.slice(i, j)) : 999;
    runs.push({ start: i, end: j, value, ok: len <= 3 && value <= 255 });
    i = j;
  }
  for (let k = 0; k + 3 < runs.length; k++) {
    const w = [runs[k]!, runs[k + 1]!, runs[k + 2]!, runs[k + 3]!];
    if (!w.every((r) => r.ok)) continue;
    if (!joinedRuns(host, w[0]!, w[1]!) || !joinedRuns(host, w[1]!, w[2]!) || !joinedRuns(host, w[2]!, w[3]!)) continue;
    const value = ((w[0]!.value << 24) | (w[1]!.value << 16) | (w[2]!.value << 8) | w[3]!.value) >>> 0;
    const info = classifyV4(value);
    if (!INTERNAL_CLASSES.has(info.class)) continue;
    let dashed = false;
    for (let x = w[0]!.start; x < w[3]!.end; x++) if (host[x] === '-') dashed = true;
    out.push({ address: formatV4(value), class: info.class, label: info.label, form: dashed ? 'dashed' : 'dotted' });
  }
}

// ---------------------------------------------------------------------------------------------
// Classification

export const READING_NAMES: Readonly<Record<V4Reading, string>> = {
  whatwg: 'browsers, curl and inet_aton',
  'decimal-leading-zeros': 'parsers that read leading zeros as decimal',
  lenient: 'lenient parsers (0o octal, or oversized parts truncated to 32 bits)',
};

function worstReading(readings: readonly HostReading[]): HostReading | undefined {
  let best: HostReading | undefined;
  for (const r of readings) if (!best || ADDRESS_CLASS_RANK[r.class] > ADDRESS_CLASS_RANK[best.class]) best = r;
  return best;
}

function fromAddress(
  host: string,
  kind: 'ipv4' | 'ipv6',
  readings: HostReading[],
  trailingDot: boolean,
  nonCanonicalIp: boolean,
): HostClassification {
  const w = worstReading(readings)!;
  const via = w.how === 'whatwg' || w.how === 'ipv6' || readings.length === 1 ? '' : ` as read by ${READING_NAMES[w.how as V4Reading] ?? w.how}`;
  const reason = w.address === host ? w.label : `${w.address}${via}: ${w.label}`;
  return { host, kind, class: w.class, reason, address: w.address, readings, trailingDot, nonCanonicalIp };
}

/** A classification without a deciding address (object spread is slow in hot code, so built whole). */
function named(host: string, trailingDot: boolean, kind: HostClassification['kind'], cls: HostClass, reason: string, readings: readonly HostReading[]): HostClassification {
  return { host, trailingDot, nonCanonicalIp: false, kind, class: cls, reason, readings };
}

/**
 * Classifies a host from its text alone. Accepts a WHATWG hostname or raw authority text
 * (percent-escapes, Unicode, brackets and trailing dots are normalised first). Never resolves names.
 */
export function classifyHost(hostname: string): HostClassification {
  const { host, trailingDot } = normalizeHost(hostname);
  if (host.length === 0) return named(host, trailingDot, 'invalid', 'invalid', 'empty host', []);

  if (host.includes(':')) {
    const v6 = parseIPv6(host);
    if (!v6) return named(host, trailingDot, 'invalid', 'invalid', 'malformed IPv6 address', []);
    const info = classifyIp(v6);
    const address = formatIp(v6);
    const readings: HostReading[] = [{ how: 'ipv6', address, class: info.class, label: info.label }];
    // IPv6 has no numeric tricks beyond its standard forms, so none counts as obfuscation.
    return fromAddress(host, 'ipv6', readings, trailingDot, false);
  }

  const v4 = ipv4Interpretations(host);
  if (v4.length > 0) {
    const readings: HostReading[] = v4.map((r) => {
      const info = classifyV4(r.value);
      return { how: r.how, address: formatV4(r.value), class: info.class, label: info.label };
    });
    const canonical = readings.find((r) => r.how === 'whatwg');
    return fromAddress(host, 'ipv4', readings, trailingDot, !canonical || canonical.address !== host);
  }
  if (endsInNumber(host)) {
    return named(host, trailingDot, 'invalid', 'invalid', 'ends in a number but is not a valid IPv4 address', []);
  }

  const metadata = METADATA_NAMES.get(host);
  if (metadata) return named(host, trailingDot, 'domain', 'metadata-name', metadata, []);
  if (LOCALHOST_NAMES.has(host) || hasSuffix(host, 'localhost')) {
    return named(host, trailingDot, 'domain', 'localhost-name', 'a loopback name', []);
  }

  const embedded = embeddedAddresses(host);
  const readings: HostReading[] = embedded.map((e) => ({ how: 'embedded', address: e.address, class: e.class, label: e.label }));
  const worst = worstReading(readings);
  if (worst) {
    const form = embedded.find((e) => e.address === worst.address)?.form ?? 'dotted';
    const meta = METADATA_V4.has(worst.address) ? ' (cloud metadata)' : '';
    return {
      host,
      trailingDot,
      nonCanonicalIp: false,
      kind: 'domain',
      class: 'rebinding-name',
      reason: `a name embedding the ${form} address ${worst.address}${meta}, which wildcard or rebinding DNS resolves to ${worst.label}`,
      address: worst.address,
      readings,
    };
  }
  const tld = host.slice(host.lastIndexOf('.') + 1);
  const loop = matchSuffix(host, tld, LOOPBACK_INDEX);
  if (loop) return named(host, trailingDot, 'domain', 'rebinding-name', `under ${loop}, which resolves every name to 127.0.0.1`, readings);
  const rebind = matchSuffix(host, tld, REBINDING_INDEX);
  if (rebind) return named(host, trailingDot, 'domain', 'rebinding-name', `under ${rebind}, a DNS-rebinding service`, readings);
  const redirect = matchSuffix(host, tld, REDIRECT_INDEX);
  if (redirect) {
    return named(host, trailingDot, 'domain', 'redirect-service', `under ${redirect}, a service that redirects to any address named in the URL`, readings);
  }
  const wildcard = matchSuffix(host, tld, WILDCARD_INDEX);
  if (wildcard) {
    return named(host, trailingDot, 'domain', 'wildcard-dns', `under ${wildcard}, wildcard DNS that answers with any address written in the name`, readings);
  }
  if (!host.includes('.')) {
    return named(host, trailingDot, 'domain', 'internal-name', 'a single-label name, resolved only through local search domains or hosts files', readings);
  }
  const internal = matchSuffix(host, tld, INTERNAL_INDEX);
  if (internal) return named(host, trailingDot, 'domain', 'internal-name', `under .${internal}, a private-use suffix`, readings);
  return named(host, trailingDot, 'domain', 'public-name', 'a public name', readings);
}
