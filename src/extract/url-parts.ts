import type { Flow } from '../core/index.ts';
import { looksLikeData, redactedName } from '../core/names.ts';
import type { SegmentCollector } from './collector.ts';

export interface UrlParts {
  readonly scheme: string;
  readonly userinfo: string;
  readonly host: string;
  readonly path: string;
  readonly query: string;
  readonly fragment: string;
}

/**
 * A lenient split of a URL into its RFC 3986 components, working on the raw text so that a
 * URL no WHATWG parser accepts is still inspected part by part (the SSRF scanner judges
 * parseability; DLP must see every byte either way).
 */
export function splitUrl(url: string): UrlParts {
  let rest = url;
  let scheme = '';
  const colon = rest.indexOf(':');
  const firstDelim = firstIndexOfAny(rest, '/?#');
  if (colon > 0 && (firstDelim < 0 || colon < firstDelim)) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let userinfo = '';
  let host = '';
  // Browsers treat backslashes as slashes in special schemes; so do we when finding the authority.
  const slashes = rest.includes('\\') ? rest.replace(/\\/g, '/') : rest;
  if (slashes.startsWith('//')) {
    const end = firstIndexOfAny(slashes, '/', 2);
    const authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      userinfo = authority.slice(0, at);
      host = authority.slice(at + 1);
    } else host = authority;
  }
  return { scheme, userinfo, host, path: rest, query, fragment };
}

function firstIndexOfAny(text: string, chars: string, from = 0): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    for (let k = 0; k < chars.length; k++) if (chars.charCodeAt(k) === c) return i;
  }
  return -1;
}

/** Strips a port and IPv6 brackets from an authority host. */
export function hostName(host: string): string {
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close > 0 ? host.slice(1, close) : host.slice(1);
  }
  const colon = host.lastIndexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}

/** Adds the full URL and every part of it as segments: host labels, userinfo, path segments, query keys and values, fragment. */
export function addUrlSegments(url: string, base: string, flow: Flow, out: SegmentCollector): void {
  out.add(base, 'url', flow, url);
  const parts = splitUrl(url);
  if (parts.userinfo) out.add(`${base}.userinfo`, 'url-userinfo', flow, parts.userinfo);
  const name = hostName(parts.host);
  if (name && !name.includes(':')) {
    const labels = name.split('.');
    for (let i = 0; i < labels.length; i++) out.add(`${base}.host[${i}]`, 'url-host-label', flow, labels[i]!);
  }
  const segs = parts.path.split('/');
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (seg) out.add(`${base}.path[${i}]`, 'url-path-segment', flow, seg);
  }
  if (parts.query) addQuerySegments(parts.query, `${base}.query`, 'url-query-key', 'url-query-value', flow, out);
  if (parts.fragment) out.add(`${base}.fragment`, 'text', flow, parts.fragment);
}

/** Splits `a=1&b=2` (also `;`-separated) into key and value segments; keys name the location. */
export function addQuerySegments(
  query: string,
  base: string,
  keyPart: 'url-query-key' | 'body-key',
  valuePart: 'url-query-value' | 'body-leaf',
  flow: Flow,
  out: SegmentCollector,
): void {
  let index = 0;
  for (let from = 0; from <= query.length; ) {
    // The next pair, up to '&' or ';' (a plain scan: split(/[&;]/) compiles nothing but still allocates every pair).
    let to = from;
    while (to < query.length && query.charCodeAt(to) !== 0x26 && query.charCodeAt(to) !== 0x3b) to++;
    const pair = query.slice(from, to);
    from = to + 1;
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = eq >= 0 ? pair.slice(0, eq) : pair;
    const value = eq >= 0 ? pair.slice(eq + 1) : '';
    const label = safeLabel(key) || `[${index}]`;
    out.add(`${base}-key[${index}]`, keyPart, flow, key);
    if (value) out.add(`${base}.${label}`, valuePart, flow, value);
    index++;
  }
}

/**
 * Whether a name (JSON key, query key, header or cookie name) looks like data rather than a name
 * (core/names.ts): such names are never written into a location whole, because an agent can carry a
 * secret, or a piece of one, in a key as well as in a value.
 */
export { looksLikeData, redactedName } from '../core/names.ts';

/** A location label from an attacker-chosen name: printable ASCII only, bounded, data-like names redacted. */
export function safeLabel(name: string): string {
  if (looksLikeData(name)) return redactedName(name);
  return safeChars(name);
}

function safeChars(name: string): string {
  // Most names are already safe: returned as they are, without building a copy.
  let clean = name.length <= 48;
  for (let i = 0; clean && i < name.length; i++) {
    const c = name.charCodeAt(i);
    clean = c > 0x20 && c < 0x7f && c !== 0x2e;
  }
  if (clean) return name;
  let out = '';
  for (let i = 0; i < name.length && out.length < 48; i++) {
    const c = name.charCodeAt(i);
    out += c > 0x20 && c < 0x7f && c !== 0x2e ? name[i] : '_';
  }
  return out;
}
