// URL text helpers for the SSRF scanner: the WHATWG parse wrapper, our own reading of the raw
// authority (as curl / requests / Go would split it), URL-token discovery in text, and the CRLF and
// path-traversal detectors. Pattern matching on URL text goes through the linear-time re() only.

import { re } from '../../re/index.ts';
import { percentDecode } from './host.ts';
import { INTERNAL_CLASSES, classifyV4, formatV4, type AddressClass } from './ip.ts';

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

/** Leading/trailing C0-or-space trimmed and tab/CR/LF removed, as the WHATWG parser does. */
export function whatwgPreclean(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  let out = '';
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 9 && c !== 10 && c !== 13) out += text[i];
  }
  return out;
}

function indexOfAny(s: string, chars: string, from = 0): number {
  for (let i = from; i < s.length; i++) if (chars.includes(s[i]!)) return i;
  return -1;
}

/** Splits URL text by hand, without the WHATWG normalisations, so other parsers' views can be derived. */
export function readRawUrl(text: string): RawUrl {
  const s = whatwgPreclean(text);
  let i = 0;
  while (i < s.length && i < 64 && isSchemeChar(s.charCodeAt(i), i === 0)) i++;
  let scheme = '';
  let after = s;
  if (i > 0 && s[i] === ':') {
    scheme = s.slice(0, i).toLowerCase();
    after = s.slice(i + 1);
  }
  let k = 0;
  while (k < after.length && (after[k] === '/' || after[k] === '\\')) k++;
  const hasAuthority = scheme === '' ? k >= 2 : k >= 2 || (SPECIAL_SCHEMES.has(scheme) && scheme !== 'file');
  if (!hasAuthority) {
    const q = after.indexOf('?');
    const h = after.indexOf('#');
    const pathEnd = q >= 0 ? q : h >= 0 ? h : after.length;
    const query = q >= 0 ? after.slice(q + 1, h > q ? h : after.length) : '';
    return { scheme, authorityRfc: '', authorityWhatwg: '', authorityLax: '', rest: after, path: after.slice(0, pathEnd), query };
  }
  const body = after.slice(k);
  const endRfc = indexOfAny(body, '/?#');
  const endWhatwg = indexOfAny(body, SPECIAL_SCHEMES.has(scheme) || scheme === '' ? '/\\?#' : '/?#');
  const authorityRfc = endRfc < 0 ? body : body.slice(0, endRfc);
  const authorityWhatwg = endWhatwg < 0 ? body : body.slice(0, endWhatwg);
  const endLax = body.indexOf('/');
  const authorityLax = endLax < 0 ? body : body.slice(0, endLax);
  const rest = endWhatwg < 0 ? '' : body.slice(endWhatwg);
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
  const add = (host: string, how: HostCandidate['how']): void => {
    if (host.length > 0 && !out.some((c) => c.host === host)) out.push({ host, how });
  };
  const split = (auth: string, how: 'whatwg' | 'rfc3986'): void => {
    const last = auth.lastIndexOf('@');
    add(hostOf(last >= 0 ? auth.slice(last + 1) : auth), how);
    const first = auth.indexOf('@');
    if (first >= 0 && first !== last) add(hostOf(auth.slice(first + 1)), 'first-at');
  };
  split(raw.authorityWhatwg, 'whatwg');
  split(raw.authorityRfc, 'rfc3986');
  const laxAt = raw.authorityLax.lastIndexOf('@');
  if (laxAt >= 0) add(hostOf(raw.authorityLax.slice(laxAt + 1)), 'lax');
  return out;
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
  const starts = new Set<number>();
  for (const m of SLASH_SCHEME.all(text, limit)) starts.add(m.index);
  for (const m of BARE_SCHEME.all(text, limit)) starts.add(m.index);
  return [...starts]
    .sort((a, b) => a - b)
    .slice(0, limit)
    .map((index) => ({ index, text: text.slice(index, tokenEnd(text, index)) }));
}

// ---------------------------------------------------------------------------------------------
// CRLF / control characters and path traversal

const PCT_CONTROL = re('%(?:25){0,3}0[da0]', 'i');
const PCT_CRLF_PAIR = re('%(?:25){0,2}0d%(?:25){0,2}0a', 'i');
const UNICODE_CRLF = re('%e5%98%8[ad]', 'i');

/** Describes a CR/LF/NUL smuggling attempt in the URL, or returns null. */
export function findCrlf(original: string, raw: RawUrl): string | null {
  for (let i = 0; i < original.length; i++) {
    const c = original.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f) return `raw control character U+${c.toString(16).padStart(4, '0')}`;
  }
  const trimmed = original.trim();
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13) return `raw ${c === 9 ? 'tab' : c === 10 ? 'line feed' : 'carriage return'} inside the URL`;
  }
  const authority = raw.authorityRfc.length > raw.authorityWhatwg.length ? raw.authorityRfc : raw.authorityWhatwg;
  const inAuthority = PCT_CONTROL.first(authority);
  if (inAuthority) return `percent-encoded control character ${inAuthority.text} in the host`;
  const inPath = PCT_CONTROL.first(raw.path);
  if (inPath) return `percent-encoded control character ${inPath.text} in the path`;
  const unicode = UNICODE_CRLF.first(raw.path) ?? UNICODE_CRLF.first(raw.query);
  if (unicode) return `UTF-8 sequence ${unicode.text} that some HTTP clients truncate to CR/LF`;
  const pair = PCT_CRLF_PAIR.first(raw.query);
  if (pair) return `percent-encoded CRLF ${pair.text} in the query`;
  return null;
}

const DOT_DOT = re('(?:^|[/\\\\=?&;])\\.\\.(?:[/\\\\;?#&]|$)');
const ODD_DOTS = re('%c0%ae|%c0%af|%c1%9c|%e0%80%ae|%u002e|%u2215|%u2216', 'i');

/** Describes a `../` traversal (plain, percent-encoded, double-encoded or overlong) in path or query, or null. */
export function findTraversal(raw: RawUrl): string | null {
  let text = raw.path + (raw.query ? `?${raw.query}` : '');
  if (text.length > 8192) text = text.slice(0, 8192);
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

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * The first internal IPv4 address written as a plain dotted quad (exactly four numbers, so version
 * strings such as 1.2.3.4.5 do not count) in the percent-decoded path or query, or null.
 */
export function findInternalAddressInPath(raw: RawUrl): { address: string; class: AddressClass; label: string } | null {
  let text = raw.path + (raw.query ? `?${raw.query}` : '');
  if (text.length > 8192) text = text.slice(0, 8192);
  text = percentDecode(text);
  let i = 0;
  let scanned = 0;
  while (i < text.length && scanned < 256) {
    if (!isDigitCode(text.charCodeAt(i)) || (i > 0 && (isDigitCode(text.charCodeAt(i - 1)) || text[i - 1] === '.'))) {
      i++;
      continue;
    }
    scanned++;
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
