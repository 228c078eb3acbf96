// IP address text → bytes → address class, by hand-written linear loops (no regex, no node:net).
// Covers every IPv4 spelling real clients accept (WHATWG / inet_aton hex, octal, short and dotless
// forms, decimal-with-leading-zeros, 32-bit truncation) and IPv6 with embedded IPv4 forms.

export type AddressClass =
  | 'public'
  | 'metadata'
  | 'loopback'
  | 'unspecified'
  | 'link-local'
  | 'private'
  | 'unique-local'
  | 'cgnat'
  | 'broadcast'
  | 'multicast'
  | 'reserved'
  | 'benchmarking'
  | 'documentation';

/** Higher is worse: when several readings of one host disagree, the worst one decides. */
export const ADDRESS_CLASS_RANK: Readonly<Record<AddressClass, number>> = {
  public: 0,
  documentation: 2,
  benchmarking: 2,
  reserved: 3,
  multicast: 3,
  broadcast: 4,
  cgnat: 5,
  'unique-local': 6,
  private: 6,
  'link-local': 7,
  unspecified: 8,
  loopback: 9,
  metadata: 10,
};

/** Classes that name something inside the caller's own network or machine (as opposed to merely unroutable). */
export const INTERNAL_CLASSES: ReadonlySet<AddressClass> = new Set<AddressClass>([
  'metadata',
  'loopback',
  'unspecified',
  'link-local',
  'private',
  'unique-local',
  'cgnat',
]);

export interface IpAddress {
  readonly version: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: readonly number[];
  readonly zone?: string;
}

export interface AddressInfo {
  readonly class: AddressClass;
  /** Short human description: "loopback (127.0.0.0/8)", "IPv4-mapped 169.254.169.254 (cloud metadata)". */
  readonly label: string;
  /** When an IPv6 address embeds an IPv4 one (mapped, NAT64, 6to4, Teredo…), that address in dotted form. */
  readonly embedded?: string;
}

const MAX_IP_TEXT = 256;

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function isDecimalDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function v4ToNumber(b: readonly number[]): number {
  return (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0;
}

export function numberToV4(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

export function formatV4(n: number): string {
  return numberToV4(n).join('.');
}

/** Strict dotted quad: four decimal parts 0–255. Leading zeros are read as decimal only when allowed. */
export function parseDottedQuad(text: string, allowLeadingZeros = false): number[] | null {
  if (text.length > 15 + (allowLeadingZeros ? 16 : 0)) return null;
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!isDecimalDigits(p) || p.length > (allowLeadingZeros ? 8 : 3)) return null;
    if (!allowLeadingZeros && p.length > 1 && p[0] === '0') return null;
    const v = Number(p);
    if (v > 255) return null;
    out.push(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// IPv4 number forms

interface NumericPart {
  /** Exact value, or Infinity when it exceeds 2^32. */
  readonly exact: number;
  /** Value modulo 2^32 (what a parser that truncates to 32 bits keeps). */
  readonly wrapped: number;
  readonly radix: 8 | 10 | 16;
}

const TWO32 = 4294967296;

/** One dot-separated part in inet_aton/WHATWG syntax (0x hex, leading-0 octal, decimal), optionally 0o octal. */
function parseNumericPart(p: string, octalPrefixO: boolean, leadingZeroDecimal: boolean): NumericPart | null {
  if (p.length === 0 || p.length > 64) return null;
  let radix: 8 | 10 | 16 = 10;
  let digits = p;
  const c1 = p.charCodeAt(1);
  if (p.length >= 2 && p[0] === '0' && (c1 === 120 || c1 === 88)) {
    radix = 16;
    digits = p.slice(2);
  } else if (octalPrefixO && p.length >= 2 && p[0] === '0' && (c1 === 111 || c1 === 79)) {
    radix = 8;
    digits = p.slice(2);
    if (digits.length === 0) return null;
  } else if (p.length >= 2 && p[0] === '0' && !leadingZeroDecimal) {
    radix = 8;
    digits = p.slice(1);
  }
  let exact = 0;
  let wrapped = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = hexDigit(digits.charCodeAt(i));
    if (d < 0 || d >= radix) return null;
    if (exact !== Infinity) {
      exact = exact * radix + d;
      if (exact >= TWO32 * 256) exact = Infinity;
    }
    wrapped = (wrapped * radix + d) % TWO32;
  }
  return { exact, wrapped, radix };
}

export type V4Reading = 'whatwg' | 'decimal-leading-zeros' | 'lenient';

export interface V4Interpretation {
  readonly how: V4Reading;
  readonly value: number;
}

/** Splits off at most one trailing empty part (a trailing dot) like the WHATWG host parser. */
function v4Parts(host: string): string[] | null {
  if (host.length === 0 || host.length > MAX_IP_TEXT) return null;
  const parts = host.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length < 1 || parts.length > 4) return null;
  return parts;
}

/** WHATWG "ends in a number": the host must then be an IPv4 address or the URL is invalid. */
export function endsInNumber(host: string): boolean {
  // The last label, one trailing empty label (a trailing dot) ignored.
  let end = host.length;
  if (end > 0 && host.charCodeAt(end - 1) === 0x2e) end--;
  const start = end > 0 ? host.lastIndexOf('.', end - 1) + 1 : 0;
  if (start >= end) return false;
  let digits = true;
  for (let i = start; i < end && digits; i++) {
    const c = host.charCodeAt(i);
    if (c < 48 || c > 57) digits = false;
  }
  if (digits) return true;
  const c1 = host.charCodeAt(start + 1);
  if (end - start >= 2 && host.charCodeAt(start) === 48 && (c1 === 120 || c1 === 88)) {
    for (let i = start + 2; i < end; i++) if (hexDigit(host.charCodeAt(i)) < 0) return false;
    return true;
  }
  return false;
}

function composeExact(parts: readonly NumericPart[]): number | null {
  const n = parts.length;
  let value = 0;
  for (let i = 0; i < n - 1; i++) {
    const p = parts[i]!;
    if (p.exact > 255) return null;
    value = value * 256 + p.exact;
  }
  const last = parts[n - 1]!;
  const room = 256 ** (5 - n);
  if (last.exact >= room) return null;
  return (value * room + last.exact) >>> 0;
}

function composeWrapped(parts: readonly NumericPart[]): number {
  const n = parts.length;
  let value = 0;
  for (let i = 0; i < n - 1; i++) value = value * 256 + (parts[i]!.wrapped % 256);
  const room = 256 ** (5 - n);
  return (value * room + (parts[n - 1]!.wrapped % room)) >>> 0;
}

/**
 * Every IPv4 address that some plausible client would read from this host text:
 *  - whatwg: WHATWG URL / inet_aton / curl (0x hex, leading-zero octal, 1–4 parts, the last filling the rest);
 *  - decimal-leading-zeros: parsers that read 010.0.0.1 as 10.0.0.1 (older Go, Python, many hand-written checks);
 *  - lenient: parsers that accept 0o octal or silently keep the low bits of an oversized part
 *    (425.510.425.510, 0x4141…a9fea9fe).
 * Returns [] when no reading yields an address.
 */
export function ipv4Interpretations(host: string): V4Interpretation[] {
  const out: V4Interpretation[] = [];
  // Every reading accepts only digits, hex digits, the x/o of a 0x/0o prefix and dots.
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i) | 0x20;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || c === 0x78 || c === 0x6f || c === 0x2e)) return out;
  }
  const parts = v4Parts(host);
  if (!parts) return out;
  const std: NumericPart[] = [];
  for (const p of parts) {
    const r = parseNumericPart(p, false, false);
    if (!r) break;
    std.push(r);
  }
  if (std.length === parts.length) {
    const exact = composeExact(std);
    if (exact !== null) pushReading(out, 'whatwg', exact);
  }
  if (parts.length === 4) {
    const dq = parseDottedQuad(parts.join('.'), true);
    if (dq) pushReading(out, 'decimal-leading-zeros', v4ToNumber(dq));
  }
  const lenient: NumericPart[] = [];
  for (const p of parts) {
    const r = parseNumericPart(p, true, false);
    if (!r) break;
    lenient.push(r);
  }
  if (lenient.length === parts.length) {
    const exact = composeExact(lenient);
    pushReading(out, 'lenient', exact ?? composeWrapped(lenient));
  }
  return out;
}

function pushReading(out: V4Interpretation[], how: V4Reading, value: number): void {
  for (const o of out) if (o.value === value) return;
  out.push({ how, value });
}

// ---------------------------------------------------------------------------------------------
// IPv6

function parseV6Groups(part: string, allowV4Tail: boolean): number[] | null {
  if (part === '') return [];
  const items = part.split(':');
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if (allowV4Tail && i === items.length - 1 && it.includes('.')) {
      const q = parseDottedQuad(it, true);
      if (!q) return null;
      out.push(((q[0] ?? 0) << 8) | (q[1] ?? 0), ((q[2] ?? 0) << 8) | (q[3] ?? 0));
      continue;
    }
    if (it.length < 1 || it.length > 4) return null;
    let v = 0;
    for (let k = 0; k < it.length; k++) {
      const d = hexDigit(it.charCodeAt(k));
      if (d < 0) return null;
      v = v * 16 + d;
    }
    out.push(v);
  }
  return out;
}

/** Parses IPv6 text, with or without brackets, with an optional zone id (`%eth0`) and dotted IPv4 tail. */
export function parseIPv6(input: string): IpAddress | null {
  let s = input;
  if (s.length > MAX_IP_TEXT) return null;
  if (s.length >= 2 && s[0] === '[' && s[s.length - 1] === ']') s = s.slice(1, -1);
  let zone: string | undefined;
  const pct = s.indexOf('%');
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone.length === 0) return null;
  }
  if (s.length < 2 || !s.includes(':')) return null;
  const dbl = s.indexOf('::');
  let groups: number[];
  if (dbl < 0) {
    const g = parseV6Groups(s, true);
    if (!g || g.length !== 8) return null;
    groups = g;
  } else {
    if (s.indexOf('::', dbl + 1) >= 0) return null;
    const head = parseV6Groups(s.slice(0, dbl), false);
    const tail = parseV6Groups(s.slice(dbl + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push((g >>> 8) & 255, g & 255);
  return zone === undefined ? { version: 6, bytes } : { version: 6, bytes, zone };
}

/** RFC 5952 text (lower case, longest zero run compressed), without zone or brackets. */
export function formatV6(bytes: readonly number[]): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return hexGroups(g, 0, 8);
  return `${hexGroups(g, 0, bestStart)}::${hexGroups(g, bestStart + bestLen, 8)}`;
}

function hexGroups(g: readonly number[], from: number, to: number): string {
  return g
    .slice(from, to)
    .map((x) => x.toString(16))
    .join(':');
}

export function formatIp(a: IpAddress): string {
  return a.version === 4 ? formatV4(v4ToNumber(a.bytes)) : formatV6(a.bytes);
}

/**
 * Parses an address as a transport would report it: a dotted quad (leading zeros tolerated), any
 * IPv6 form (bracketed, zoned, IPv4-mapped…). Returns null for anything else.
 */
export function parseIp(text: string): IpAddress | null {
  const t = text.trim();
  if (t.includes(':')) return parseIPv6(t);
  const q = parseDottedQuad(t, true);
  return q ? { version: 4, bytes: q } : null;
}

// ---------------------------------------------------------------------------------------------
// Classification tables

interface V4Range {
  readonly base: number;
  readonly len: number;
  readonly class: AddressClass;
  readonly label: string;
}

function v4r(cidr: string, cls: AddressClass, label: string): V4Range {
  const [a, l] = cidr.split('/');
  const q = parseDottedQuad(a ?? '');
  if (!q) throw new Error(`bad built-in range ${cidr}`);
  return { base: v4ToNumber(q), len: Number(l), class: cls, label };
}

/** Cloud instance-metadata and platform-agent addresses (checked before any range). */
export const METADATA_V4: ReadonlyMap<string, string> = new Map([
  ['169.254.169.254', 'cloud instance metadata (AWS, GCP, Azure, OCI, DigitalOcean, OpenStack, Hetzner…)'],
  ['169.254.170.2', 'AWS ECS task metadata and credentials endpoint'],
  ['169.254.170.23', 'AWS EKS Pod Identity agent'],
  ['169.254.0.23', 'Tencent Cloud metadata'],
  ['169.254.42.42', 'Scaleway metadata'],
  ['100.100.100.200', 'Alibaba Cloud metadata'],
  ['192.0.0.192', 'Oracle Cloud legacy metadata'],
  ['168.63.129.16', 'Azure WireServer / host platform endpoint'],
]);

export const METADATA_V6: ReadonlyMap<string, string> = new Map([
  ['fd00:ec2::254', 'AWS instance metadata (IPv6)'],
  ['fd00:ec2::23', 'AWS EKS Pod Identity agent (IPv6)'],
  ['fd20:ce::254', 'Google Cloud metadata (IPv6)'],
]);

const V4_RANGES: readonly V4Range[] = [
  v4r('255.255.255.255/32', 'broadcast', 'limited broadcast'),
  v4r('0.0.0.0/8', 'unspecified', 'unspecified / "this network" (0.0.0.0/8)'),
  v4r('10.0.0.0/8', 'private', 'private (10.0.0.0/8)'),
  v4r('100.64.0.0/10', 'cgnat', 'carrier-grade NAT shared space (100.64.0.0/10)'),
  v4r('127.0.0.0/8', 'loopback', 'loopback (127.0.0.0/8)'),
  v4r('169.254.0.0/16', 'link-local', 'link-local (169.254.0.0/16)'),
  v4r('172.16.0.0/12', 'private', 'private (172.16.0.0/12)'),
  v4r('192.0.0.0/24', 'reserved', 'IETF protocol assignments (192.0.0.0/24)'),
  v4r('192.0.2.0/24', 'documentation', 'documentation TEST-NET-1 (192.0.2.0/24)'),
  v4r('192.88.99.0/24', 'reserved', 'deprecated 6to4 relay anycast (192.88.99.0/24)'),
  v4r('192.168.0.0/16', 'private', 'private (192.168.0.0/16)'),
  v4r('198.18.0.0/15', 'benchmarking', 'benchmarking (198.18.0.0/15)'),
  v4r('198.51.100.0/24', 'documentation', 'documentation TEST-NET-2 (198.51.100.0/24)'),
  v4r('203.0.113.0/24', 'documentation', 'documentation TEST-NET-3 (203.0.113.0/24)'),
  v4r('224.0.0.0/4', 'multicast', 'multicast (224.0.0.0/4)'),
  v4r('240.0.0.0/4', 'reserved', 'reserved (240.0.0.0/4)'),
];

function inV4(addr: number, base: number, len: number): boolean {
  if (len === 0) return true;
  const mask = (0xffffffff << (32 - len)) >>> 0;
  return ((addr & mask) >>> 0) === ((base & mask) >>> 0);
}

export function classifyV4(addr: number): AddressInfo {
  const text = formatV4(addr);
  const meta = METADATA_V4.get(text);
  if (meta) return { class: 'metadata', label: meta };
  for (const r of V4_RANGES) if (inV4(addr, r.base, r.len)) return { class: r.class, label: r.label };
  return { class: 'public', label: 'public address' };
}

interface V6Range {
  readonly prefix: readonly number[];
  readonly len: number;
  readonly class: AddressClass;
  readonly label: string;
}

function v6r(cidr: string, cls: AddressClass, label: string): V6Range {
  const [a, l] = cidr.split('/');
  const p = parseIPv6(a ?? '');
  if (!p) throw new Error(`bad built-in range ${cidr}`);
  return { prefix: p.bytes, len: Number(l), class: cls, label };
}

export function inPrefix(bytes: readonly number[], prefix: readonly number[], len: number): boolean {
  let bits = len;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 255 : (0xff << (8 - bits)) & 255;
    if (((bytes[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

const V6_RANGES: readonly V6Range[] = [
  v6r('::1/128', 'loopback', 'IPv6 loopback (::1)'),
  v6r('::/128', 'unspecified', 'IPv6 unspecified (::)'),
  v6r('100::/64', 'reserved', 'IPv6 discard-only (100::/64)'),
  v6r('64:ff9b:1::/48', 'private', 'local-use NAT64 (64:ff9b:1::/48)'),
  v6r('2001:2::/48', 'benchmarking', 'IPv6 benchmarking (2001:2::/48)'),
  v6r('2001:10::/28', 'reserved', 'ORCHID (2001:10::/28)'),
  v6r('2001:20::/28', 'reserved', 'ORCHIDv2 (2001:20::/28)'),
  v6r('2001:db8::/32', 'documentation', 'IPv6 documentation (2001:db8::/32)'),
  v6r('3fff::/20', 'documentation', 'IPv6 documentation (3fff::/20)'),
  v6r('5f00::/16', 'reserved', 'SRv6 SIDs (5f00::/16)'),
  v6r('fc00::/7', 'unique-local', 'IPv6 unique local (fc00::/7)'),
  v6r('fe80::/10', 'link-local', 'IPv6 link-local (fe80::/10)'),
  v6r('fec0::/10', 'private', 'deprecated IPv6 site-local (fec0::/10)'),
  v6r('ff00::/8', 'multicast', 'IPv6 multicast (ff00::/8)'),
];

const P_MAPPED = v6r('::ffff:0:0/96', 'public', '');
const P_COMPAT = v6r('::/96', 'public', '');
const P_SIIT = v6r('::ffff:0:0:0/96', 'public', '');
const P_NAT64 = v6r('64:ff9b::/96', 'public', '');
const P_NAT64_LOCAL = v6r('64:ff9b:1::/48', 'public', '');
const P_6TO4 = v6r('2002::/16', 'public', '');
const P_TEREDO = v6r('2001::/32', 'public', '');
const P_GLOBAL = v6r('2000::/3', 'public', '');

function v4At(bytes: readonly number[], at: number, xor = 0): number {
  return (v4ToNumber([bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0]) ^ xor) >>> 0;
}

function worse(a: AddressInfo, b: AddressInfo): AddressInfo {
  return ADDRESS_CLASS_RANK[b.class] > ADDRESS_CLASS_RANK[a.class] ? b : a;
}

function embeddedInfo(v4: number, how: string): AddressInfo {
  const inner = classifyV4(v4);
  const dotted = formatV4(v4);
  return { class: inner.class, label: `${how} ${dotted}: ${inner.label}`, embedded: dotted };
}

export function classifyV6(bytes: readonly number[]): AddressInfo {
  const text = formatV6(bytes);
  const meta = METADATA_V6.get(text);
  if (meta) return { class: 'metadata', label: meta };
  if (inPrefix(bytes, P_MAPPED.prefix, 96)) return embeddedInfo(v4At(bytes, 12), 'IPv4-mapped');
  if (inPrefix(bytes, P_SIIT.prefix, 96)) return embeddedInfo(v4At(bytes, 12), 'IPv4-translated');
  if (inPrefix(bytes, P_COMPAT.prefix, 96) && text !== '::' && text !== '::1') {
    const e = embeddedInfo(v4At(bytes, 12), 'IPv4-compatible (deprecated)');
    return e.class === 'public' ? { class: 'reserved', label: e.label, embedded: e.embedded ?? '' } : e;
  }
  if (inPrefix(bytes, P_NAT64.prefix, 96)) return embeddedInfo(v4At(bytes, 12), 'NAT64 (64:ff9b::/96)');
  if (inPrefix(bytes, P_NAT64_LOCAL.prefix, 48)) {
    // RFC 6052: with a /48 prefix the IPv4 bits sit at 48–63 and 72–87; operators also use a /96 layout.
    // An all-zero field at one position just means the address is not laid out that way.
    const at48 = v4ToNumber([bytes[6] ?? 0, bytes[7] ?? 0, bytes[9] ?? 0, bytes[10] ?? 0]);
    let info: AddressInfo = { class: 'private', label: 'local-use NAT64 (64:ff9b:1::/48)' };
    for (const v4 of [v4At(bytes, 12), at48]) if (v4 >>> 24 !== 0) info = worse(info, embeddedInfo(v4, 'local-use NAT64'));
    return info;
  }
  // 6to4 and Teredo route to the embedded IPv4 host; only an internal embedded address is a concern.
  if (inPrefix(bytes, P_6TO4.prefix, 16)) {
    const e = embeddedInfo(v4At(bytes, 2), '6to4');
    return INTERNAL_CLASSES.has(e.class) ? e : { class: 'public', label: '6to4 address of a public IPv4 host', embedded: e.embedded ?? '' };
  }
  if (inPrefix(bytes, P_TEREDO.prefix, 32)) {
    const client = embeddedInfo(v4At(bytes, 12, 0xffffffff), 'Teredo client');
    const server = embeddedInfo(v4At(bytes, 4), 'Teredo server');
    const w = worse(client, server);
    return INTERNAL_CLASSES.has(w.class) ? w : { class: 'public', label: 'Teredo address', embedded: client.embedded ?? '' };
  }
  for (const r of V6_RANGES) if (inPrefix(bytes, r.prefix, r.len)) return { class: r.class, label: r.label };
  if (!inPrefix(bytes, P_GLOBAL.prefix, 3)) return { class: 'reserved', label: 'outside IPv6 global unicast (2000::/3)' };
  return { class: 'public', label: 'public address' };
}

export function classifyIp(a: IpAddress): AddressInfo {
  return a.version === 4 ? classifyV4(v4ToNumber(a.bytes)) : classifyV6(a.bytes);
}

// ---------------------------------------------------------------------------------------------
// CIDR allowances

export interface Cidr {
  readonly version: 4 | 6;
  readonly bytes: readonly number[];
  readonly len: number;
  readonly text: string;
}

/** Parses `10.0.0.0/8`, `fd12::/16`, or a bare address (a /32 or /128). Returns null when invalid. */
export function parseCidr(text: string): Cidr | null {
  const t = text.trim();
  const slash = t.indexOf('/');
  const addrText = slash >= 0 ? t.slice(0, slash) : t;
  const a = parseIp(addrText);
  if (!a) return null;
  const max = a.version === 4 ? 32 : 128;
  let len = max;
  if (slash >= 0) {
    const l = t.slice(slash + 1);
    if (!isDecimalDigits(l) || l.length > 3) return null;
    len = Number(l);
    if (len > max) return null;
  }
  return { version: a.version, bytes: a.bytes, len, text: t };
}

export function cidrContains(c: Cidr, a: IpAddress): boolean {
  if (c.version !== a.version) return false;
  return inPrefix(a.bytes, c.bytes, c.len);
}

/** The IPv4 address carried by an IPv4-mapped / translated IPv6 address, else null. */
export function unmapV4(a: IpAddress): IpAddress | null {
  if (a.version !== 6) return null;
  if (inPrefix(a.bytes, P_MAPPED.prefix, 96) || inPrefix(a.bytes, P_SIIT.prefix, 96)) {
    return { version: 4, bytes: a.bytes.slice(12, 16) };
  }
  return null;
}
