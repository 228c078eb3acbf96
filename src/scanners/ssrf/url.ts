// URL text helpers for the SSRF scanner: the WHATWG parse wrapper, our own reading of the raw
// authority (as curl / requests / Go would split it), URL-token discovery in text, and the CRLF and
// path-traversal detectors. Pattern matching on URL text goes through the linear-time re() only.

import { re } from '../../re/index.ts';
import { percentDecode } from './host.ts';
import { INTERNAL_CLASSES, classifyV4, endsInNumber, formatV4, type AddressClass } from './ip.ts';

export type ParsedUrl = { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly error: string };

/** WHATWG URL parsing (Node's global URL). Never throws. */
export function parseUrl(input: string, base?: string): ParsedUrl {
  try {
    const url = base === undefined ? new URL(input) : new URL(input, base);
    return { ok: true, url };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : 'invalid URL' };
  }
}

/** What the scanner reads from a WHATWG parse: the same two fields as a URL object. */
export interface UrlReading {
  /** Lower-case scheme and ':'. */
  readonly protocol: string;
  readonly hostname: string;
}

function isAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

/**
 * The WHATWG parse of a plain URL, without running the parser: http(s)/ws(s), exactly '//', then an
 * authority of ASCII letters, digits, '-' and '.' (no empty label, no `xn--` label, not ending in a
 * number) with an optional port of at most 5 digits ≤ 65535, ended by '/', '?', '#' or the end; no
 * space or control character at either end, nor tab or new line before the path. The parser accepts
 * every such text (it never fails on path, query or fragment) and reads the lower-cased scheme and
 * host; any other text returns null and is left to the parser itself.
 */
export function plainUrl(text: string): UrlReading | null {
  const n = text.length;
  if (n < 8 || text.charCodeAt(0) <= 0x20 || text.charCodeAt(n - 1) <= 0x20) return null;
  let i = 0;
  while (i < n && i < 6 && isAlnum(text.charCodeAt(i))) i++;
  if (i >= n || text.charCodeAt(i) !== 0x3a) return null;
  const protocol = plainProtocol(text, i);
  if (protocol === null) return null;
  if (text.charCodeAt(i + 1) !== 0x2f || text.charCodeAt(i + 2) !== 0x2f) return null;
  const hostStart = i + 3;
  let j = hostStart;
  let labelStart = j;
  let upper = false;
  for (; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x2e) {
      if (j === labelStart) return null; // empty label
      labelStart = j + 1;
      continue;
    }
    if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (!(isAlnum(c) || c === 0x2d)) break;
    // A label starting xn-- is Punycode, which the parser decodes and may reject.
    if (j === labelStart + 3 && c === 0x2d && text.charCodeAt(j - 1) === 0x2d && (text.charCodeAt(j - 2) | 0x20) === 0x6e && (text.charCodeAt(j - 3) | 0x20) === 0x78) return null;
  }
  const hostEnd = j;
  if (hostEnd === hostStart || hostEnd === labelStart) return null; // empty host, or a trailing dot
  if (j < n && text.charCodeAt(j) === 0x3a) {
    j++;
    const portStart = j;
    let port = 0;
    while (j < n && j - portStart < 6) {
      const c = text.charCodeAt(j);
      if (c < 0x30 || c > 0x39) break;
      port = port * 10 + (c - 0x30);
      j++;
    }
    if (j === portStart || j - portStart > 5 || port > 65535) return null;
  }
  if (j < n) {
    const c = text.charCodeAt(j);
    if (c !== 0x2f && c !== 0x3f && c !== 0x23) return null;
  }
  const host = text.slice(hostStart, hostEnd);
  const hostname = upper ? host.toLowerCase() : host;
  if (endsInNumber(hostname)) return null;
  return { protocol, hostname };
}

/** 'http:', 'https:', 'ws:' or 'wss:' when text[0, end) is that scheme in any case, else null. */
function plainProtocol(text: string, end: number): string | null {
  const c0 = text.charCodeAt(0) | 0x20;
  const c1 = text.charCodeAt(1) | 0x20;
  if (c0 === 0x68 && c1 === 0x74 && (text.charCodeAt(2) | 0x20) === 0x74 && (text.charCodeAt(3) | 0x20) === 0x70) {
    if (end === 4) return 'http:';
    if (end === 5 && (text.charCodeAt(4) | 0x20) === 0x73) return 'https:';
    return null;
  }
  if (c0 === 0x77 && c1 === 0x73) {
    if (end === 2) return 'ws:';
    if (end === 3 && (text.charCodeAt(2) | 0x20) === 0x73) return 'wss:';
  }
  return null;
}

export const SPECIAL_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'ws', 'wss', 'ftp', 'file']);

export interface RawUrl {
  /** Lower-case scheme, '' when the text has none. */
  readonly scheme: string;
  /** Authority as RFC 3986 parsers (curl, Python, Go) delimit it: up to the first '/', '?' or '#'. */
  readonly authorityRfc: string;
  /** Authority as the WHATWG parser delimits it for special schemes: '\' also ends it. */
  readonly authorityWhatwg: string;
  /** Authority as lax parsers see it: up to the first '/', so '?' and '#' before an '@' do not end it. */
  readonly authorityLax: string;
  /** Everything after the WHATWG authority. */
  readonly rest: string;
  readonly path: string;
  readonly query: string;
}

function isSchemeChar(c: number, first: boolean): boolean {
  const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (first) return alpha;
  return alpha || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

/** urlFacts bits: a C0 control other than tab, CR and LF, or DEL. */
export const F_CONTROL = 1;
/** urlFacts bits: a tab, CR or LF anywhere. */
export const F_TAB_NL = 2;
/** urlFacts bits: a character above U+007E. */
export const F_NON_ASCII = 4;

/**
 * One pass over a URL text noting which rare characters it holds (F_* bits), so the checks that
 * look for them can be skipped on ordinary URLs instead of each walking the text again.
 */
export function urlFacts(text: string): number {
  let f = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    if (c > 0x7e) f |= F_NON_ASCII;
    if (c === 9 || c === 10 || c === 13) f |= F_TAB_NL;
    else if (c < 0x20 || c === 0x7f) f |= F_CONTROL;
  }
  return f;
}

/**
 * Leading/trailing C0-or-space trimmed and tab/CR/LF removed, as the WHATWG parser does.
 * `facts` (urlFacts of the same text, or -1 when unknown) lets a text without tab/CR/LF skip the scan.
 */
export function whatwgPreclean(text: string, facts = -1): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  let clean = facts >= 0 && (facts & F_TAB_NL) === 0;
  if (!clean) {
    clean = true;
    for (let i = start; i < end && clean; i++) {
      const c = text.charCodeAt(i);
      if (c === 9 || c === 10 || c === 13) clean = false;
    }
  }
  if (clean) return start === 0 && end === text.length ? text : text.slice(start, end);
  let out = '';
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 9 && c !== 10 && c !== 13) out += text[i];
  }
  return out;
}

/** Splits URL text by hand, without the WHATWG normalisations, so other parsers' views can be derived. */
export function readRawUrl(text: string, facts = -1): RawUrl {
  const s = whatwgPreclean(text, facts);
  const n = s.length;
  let i = 0;
  while (i < n && i < 64 && isSchemeChar(s.charCodeAt(i), i === 0)) i++;
  let scheme = '';
  let a = 0; // where the text after the scheme starts
  if (i > 0 && s.charCodeAt(i) === 0x3a) {
    scheme = s.slice(0, i).toLowerCase();
    a = i + 1;
  }
  let b = a; // where the authority starts, after the slashes
  while (b < n) {
    const c = s.charCodeAt(b);
    if (c !== 0x2f && c !== 0x5c) break;
    b++;
  }
  const k = b - a;
  const hasAuthority = scheme === '' ? k >= 2 : k >= 2 || (SPECIAL_SCHEMES.has(scheme) && scheme !== 'file');
  if (!hasAuthority) {
    const after = a === 0 ? s : s.slice(a);
    const q = after.indexOf('?');
    const h = after.indexOf('#');
    const pathEnd = q >= 0 ? q : h >= 0 ? h : after.length;
    const query = q >= 0 ? after.slice(q + 1, h > q ? h : after.length) : '';
    return { scheme, authorityRfc: '', authorityWhatwg: '', authorityLax: '', rest: after, path: after.slice(0, pathEnd), query };
  }
  // RFC 3986 parsers end the authority at '/', '?' or '#'; WHATWG also at '\' for special schemes.
  const backslashEnds = SPECIAL_SCHEMES.has(scheme) || scheme === '';
  let endRfc = n;
  let endWhatwg = n;
  for (let j = b; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x2f || c === 0x3f || c === 0x23) {
      endRfc = j;
      if (endWhatwg === n) endWhatwg = j;
      break;
    }
    if (c === 0x5c && backslashEnds && endWhatwg === n) endWhatwg = j;
  }
  const authorityRfc = s.slice(b, endRfc);
  const authorityWhatwg = endWhatwg === endRfc ? authorityRfc : s.slice(b, endWhatwg);
  const endLax = s.indexOf('/', b);
  const authorityLax = endLax < 0 ? s.slice(b) : endLax === endRfc ? authorityRfc : s.slice(b, endLax);
  const rest = s.slice(endWhatwg);
  const q = rest.indexOf('?');
  const h = rest.indexOf('#');
  const pathEnd = q >= 0 && (h < 0 || q < h) ? q : h >= 0 ? h : rest.length;
  const query = q >= 0 && (h < 0 || q < h) ? rest.slice(q + 1, h > q ? h : rest.length) : '';
  return { scheme, authorityRfc, authorityWhatwg, authorityLax, rest, path: rest.slice(0, pathEnd), query };
}

export interface HostCandidate {
  readonly host: string;
  /** Which family of parsers reads the authority this way. */
  readonly how: 'whatwg' | 'rfc3986' | 'first-at' | 'lax';
}

function hostOf(hostport: string): string {
  let h = hostport;
  while (h.startsWith('@')) h = h.slice(1);
  const at = h.indexOf('@');
  if (at >= 0) h = h.slice(0, at);
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    return close >= 0 ? h.slice(0, close + 1) : h;
  }
  const colon = h.indexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/**
 * The hosts different clients would connect to: WHATWG (last '@', '\' ends the authority), RFC 3986
 * parsers such as curl, requests and Go (last '@', '\' is an ordinary character), naive parsers
 * that split at the first '@', and lax ones that look for '@' up to the first '/' (past '?' and '#').
 */
export function hostCandidates(raw: RawUrl): HostCandidate[] {
  const out: HostCandidate[] = [];
  splitAuthority(out, raw.authorityWhatwg, 'whatwg');
  // The same text splits the same way: every host it gives is already there.
  if (raw.authorityRfc !== raw.authorityWhatwg) splitAuthority(out, raw.authorityRfc, 'rfc3986');
  const laxAt = raw.authorityLax.lastIndexOf('@');
  if (laxAt >= 0) addCandidate(out, hostOf(raw.authorityLax.slice(laxAt + 1)), 'lax');
  return out;
}

function addCandidate(out: HostCandidate[], host: string, how: HostCandidate['how']): void {
  if (host.length === 0) return;
  for (const c of out) if (c.host === host) return;
  out.push({ host, how });
}

function splitAuthority(out: HostCandidate[], auth: string, how: 'whatwg' | 'rfc3986'): void {
  const last = auth.lastIndexOf('@');
  addCandidate(out, hostOf(last >= 0 ? auth.slice(last + 1) : auth), how);
  const first = auth.indexOf('@');
  if (first >= 0 && first !== last) addCandidate(out, hostOf(auth.slice(first + 1)), 'first-at');
}

/** The userinfo part (before the last '@') of the WHATWG authority, or ''. */
export function userinfoOf(raw: RawUrl): string {
  const last = raw.authorityWhatwg.lastIndexOf('@');
  return last >= 0 ? raw.authorityWhatwg.slice(0, last) : '';
}

// ---------------------------------------------------------------------------------------------
// URL tokens in text

const SLASH_SCHEME = re('[A-Za-z][A-Za-z0-9+.\\-]{0,31}://');
const BARE_SCHEME = re(
  '\\b(?:jar|netdoc|gopher|dict|file|ldaps?|tftp|sftp|ftp|php|phar|expect|zip|glob|data|ssh2\\.[a-z0-9]+|ogg|rar|smb|telnet|https?|wss?):[^\\s"\'<>`]',
  'i',
);

export interface UrlToken {
  readonly index: number;
  readonly text: string;
}

function tokenEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 34 || c === 39 || c === 60 || c === 62 || c === 96) break;
    i++;
  }
  return i;
}

/** Absolute URLs (`scheme://…`, and `scheme:…` for schemes abused in SSRF) appearing in text, bounded. */
export function findUrlTokens(text: string, limit = 32): UrlToken[] {
  return scanUrlTokens(text, limit).tokens;
}

/**
 * findUrlTokens, and whether the list is complete: false when either search stopped at `limit`, so
 * the text may hold tokens that are not in the list. Linear: tokens in one run of non-separator
 * characters share that run's end, which is found once.
 */
export function scanUrlTokens(text: string, limit: number): { tokens: UrlToken[]; complete: boolean } {
  const starts = new Set<number>();
  const slash = SLASH_SCHEME.all(text, limit);
  const bare = BARE_SCHEME.all(text, limit);
  for (const m of slash) starts.add(m.index);
  for (const m of bare) starts.add(m.index);
  const sorted = [...starts].sort((a, b) => a - b).slice(0, limit);
  const tokens: UrlToken[] = [];
  let runEnd = -1;
  for (const index of sorted) {
    if (index >= runEnd) runEnd = tokenEnd(text, index);
    tokens.push({ index, text: text.slice(index, runEnd) });
  }
  return { tokens, complete: slash.length < limit && bare.length < limit };
}

/** The fixed names BARE_SCHEME accepts (ssh2.x is handled apart). */
const BARE_NAMES: readonly string[] = [
  'jar', 'netdoc', 'gopher', 'dict', 'file', 'ldap', 'ldaps', 'tftp', 'sftp', 'ftp', 'php', 'phar', 'expect', 'zip', 'glob', 'data', 'ogg', 'rar', 'smb', 'telnet', 'http', 'https', 'ws', 'wss',
];

/** Characters a scheme-like word before ':' can hold (a superset of what BARE_SCHEME reads there). */
const BARE_NAME_SET: ReadonlySet<string> = new Set(BARE_NAMES);

function isSchemeWordChar(c: number): boolean {
  return isAlnum(c) || c === 0x5f || c === 0x2e || c === 0x2b || c === 0x2d;
}

/** The lower-cased word of scheme-like characters ending just before `colon`. */
function wordBefore(text: string, colon: number, from: number): string {
  let s = colon;
  while (s > from && isSchemeWordChar(text.charCodeAt(s - 1))) s--;
  return text.slice(s, colon).toLowerCase();
}

function mayEndBareScheme(word: string): boolean {
  if (word.includes('ssh2.')) return true;
  for (const name of BARE_NAMES) if (word.endsWith(name)) return true;
  return false;
}

/**
 * False only when findUrlTokens(text) can find no token other than one starting at `skipIndex`
 * (the URL's own scheme): a cheap check that spares the two pattern searches for a plain URL.
 * Conservative: true for any non-ASCII text, any other '://', and any ':' that a scheme name
 * could precede.
 */
export function mayHoldUrlToken(text: string, skipIndex: number, facts = -1): boolean {
  // Case folding (ſ, K) widens the names beyond ASCII: leave such text to the patterns.
  if (facts >= 0) {
    if ((facts & F_NON_ASCII) !== 0) return true;
  } else for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7e) return true;
  // The token at skipIndex: `scheme:` with a scheme of plain characters starting there.
  let schemeEnd = skipIndex;
  if (skipIndex >= 0) {
    while (schemeEnd < text.length && schemeEnd - skipIndex < 32 && isSchemeChar(text.charCodeAt(schemeEnd), schemeEnd === skipIndex)) schemeEnd++;
    if (schemeEnd === skipIndex || text.charCodeAt(schemeEnd) !== 0x3a) schemeEnd = -1;
  } else schemeEnd = -1;
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) if (at !== schemeEnd) return true;
  for (let colon = text.indexOf(':'); colon >= 0; colon = text.indexOf(':', colon + 1)) {
    if (colon === 0 || !isAlnum(text.charCodeAt(colon - 1))) continue; // every name ends in a letter or digit
    if (colon === schemeEnd) {
      // Its own scheme matches at skipIndex (skipped); only a longer word could match later.
      if (skipIndex === 0 && plainProtocol(text, colon) !== null) continue; // http, https, ws, wss
      const word = text.slice(skipIndex, colon).toLowerCase();
      if (!BARE_NAME_SET.has(word) && mayEndBareScheme(word)) return true;
      if (skipIndex > 0 && isSchemeWordChar(text.charCodeAt(skipIndex - 1))) return true;
      continue;
    }
    if (mayEndBareScheme(wordBefore(text, colon, 0))) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// CRLF / control characters and path traversal

const PCT_CONTROL = re('%(?:25){0,3}0[da0]', 'i');
const PCT_CRLF_PAIR = re('%(?:25){0,2}0d%(?:25){0,2}0a', 'i');
const UNICODE_CRLF = re('%e5%98%8[ad]', 'i');

/** Describes a CR/LF/NUL smuggling attempt in the URL, or returns null. */
export function findCrlf(original: string, raw: RawUrl, facts = -1): string | null {
  if (facts >= 0 && (facts & (F_CONTROL | F_TAB_NL)) === 0) return findPercentCrlf(raw);
  for (let i = 0; i < original.length; i++) {
    const c = original.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f) return `raw control character U+${c.toString(16).padStart(4, '0')}`;
  }
  // Tab, CR and LF count inside the URL, not in the whitespace trimmed from its ends.
  let start = 0;
  let end = original.length;
  while (start < end && isTrimmed(original.charCodeAt(start))) start++;
  while (end > start && isTrimmed(original.charCodeAt(end - 1))) end--;
  for (let i = start; i < end; i++) {
    const c = original.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13) return `raw ${c === 9 ? 'tab' : c === 10 ? 'line feed' : 'carriage return'} inside the URL`;
  }
  return findPercentCrlf(raw);
}

/** The percent-encoded forms; every pattern starts with '%'. */
function findPercentCrlf(raw: RawUrl): string | null {
  const authority = raw.authorityRfc.length > raw.authorityWhatwg.length ? raw.authorityRfc : raw.authorityWhatwg;
  const inAuthority = authority.includes('%') ? PCT_CONTROL.first(authority) : null;
  if (inAuthority) return `percent-encoded control character ${inAuthority.text} in the host`;
  const pathPct = raw.path.includes('%');
  const inPath = pathPct ? PCT_CONTROL.first(raw.path) : null;
  if (inPath) return `percent-encoded control character ${inPath.text} in the path`;
  const queryPct = raw.query.includes('%');
  const unicode = (pathPct ? UNICODE_CRLF.first(raw.path) : null) ?? (queryPct ? UNICODE_CRLF.first(raw.query) : null);
  if (unicode) return `UTF-8 sequence ${unicode.text} that some HTTP clients truncate to CR/LF`;
  const pair = queryPct ? PCT_CRLF_PAIR.first(raw.query) : null;
  if (pair) return `percent-encoded CRLF ${pair.text} in the query`;
  return null;
}

/** What String.prototype.trim removes (ASCII and Unicode white space, line terminators, BOM). */
function isTrimmed(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

const DOT_DOT = re('(?:^|[/\\\\=?&;])\\.\\.(?:[/\\\\;?#&]|$)');
const ODD_DOTS = re('%c0%ae|%c0%af|%c1%9c|%e0%80%ae|%u002e|%u2215|%u2216', 'i');

/** Describes a `../` traversal (plain, percent-encoded, double-encoded or overlong) in path or query, or null. */
export function findTraversal(raw: RawUrl): string | null {
  // Without '%' nothing decodes and the overlong forms cannot appear: only a literal '..' can match.
  if (!raw.path.includes('..') && !raw.query.includes('..') && !raw.path.includes('%') && !raw.query.includes('%')) return null;
  // The whole path and query (the URL is already bounded by maxUrlLength): linear passes only.
  let text = raw.path + (raw.query ? `?${raw.query}` : '');
  const odd = ODD_DOTS.first(text);
  if (odd) return `overlong or non-standard encoding ${odd.text} of a dot or slash`;
  for (let round = 0; round < 4; round++) {
    if (DOT_DOT.test(text)) return round === 0 ? "'../' segment" : round === 1 ? 'percent-encoded ../ segment' : 'multiply-encoded ../ segment';
    const next = percentDecode(text);
    if (next === text) break;
    text = next;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Internal addresses written in the path or query (redirectors that take the target in the path)

/** Dots in s, counting no further than 3. */
function dotCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf('.'); i >= 0 && n < 3; i = s.indexOf('.', i + 1)) n++;
  return n;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * The first internal IPv4 address written as a plain dotted quad (exactly four numbers, so version
 * strings such as 1.2.3.4.5 do not count) in the percent-decoded path or query, or null.
 */
export function findInternalAddressInPath(raw: RawUrl): { address: string; class: AddressClass; label: string } | null {
  // A dotted quad needs three dots, unless '%' escapes could decode into some.
  if (dotCount(raw.path) + dotCount(raw.query) < 3 && !raw.path.includes('%') && !raw.query.includes('%')) return null;
  // The whole path and query (the URL is already bounded by maxUrlLength), read once: each number
  // run is read once, so no count of candidates needs capping.
  const text = percentDecode(raw.path + (raw.query ? `?${raw.query}` : ''));
  let i = 0;
  while (i < text.length) {
    if (!isDigitCode(text.charCodeAt(i)) || (i > 0 && (isDigitCode(text.charCodeAt(i - 1)) || text[i - 1] === '.'))) {
      i++;
      continue;
    }
    const nums: number[] = [];
    let j = i;
    for (;;) {
      const start = j;
      while (j < text.length && isDigitCode(text.charCodeAt(j)) && j - start < 4) j++;
      if (j === start || j - start > 3 || (j < text.length && isDigitCode(text.charCodeAt(j)))) break;
      nums.push(Number(text.slice(start, j)));
      if (j < text.length && text[j] === '.' && j + 1 < text.length && isDigitCode(text.charCodeAt(j + 1)) && nums.length < 5) {
        j++;
        continue;
      }
      break;
    }
    // A quad that is the host of a nested URL is judged as that URL, not here.
    const nestedHost = text.slice(Math.max(0, i - 3), i) === '://' || text[i - 1] === '@' || text[i - 1] === '[';
    if (!nestedHost && nums.length === 4 && nums.every((n) => n <= 255)) {
      const value = (((nums[0]! << 24) | (nums[1]! << 16) | (nums[2]! << 8) | nums[3]!) >>> 0);
      const info = classifyV4(value);
      if (INTERNAL_CLASSES.has(info.class)) return { address: formatV4(value), class: info.class, label: info.label };
    }
    i = Math.max(j, i + 1);
  }
  return null;
}
