// The Location an upstream answers with, judged before the answer is relayed. Tollgate does not
// follow redirects, but the agent's client may, and not always through Tollgate (NO_PROXY often
// lists internal names and ranges): a Location is refused when it points where a request would be
// refused. Three things are checked:
//  - the text, read as the agent's clients could read it: as the bytes arrived (Node reads header
//    bytes as latin1) and, when they are not ASCII, as UTF-8 (a UTF-8 client reads
//    `http://10。0。0。5/` as 10.0.0.5). Each reading goes through the SSRF scanner on its own, which
//    reads the host as WHATWG, curl and lax parsers would;
//  - a reading Tollgate cannot parse is refused (fail closed: another client may parse it), except
//    that an IPv6 literal with a zone id (`[fe80::1%25eth0]`, which curl accepts) is read without
//    its zone and its address checked;
//  - the host is resolved with the proxy's own resolver (dns.overrides, dns.servers, its cache)
//    and every address judged by the engine's checkAddress, as a request to it would be: a name
//    that resolves internally is refused like an internal literal.
// A host that does not resolve is not refused for that alone: the redirect cannot take a client
// anywhere through Tollgate (a request there is refused as unresolvable), a client resolving with
// the same system resolver gets no answer either, and refusing would turn every redirect to a host
// that is down or slow to resolve into a block. A relative Location is a path on the host the
// request went to, whose address was checked before it was dialled: it is scanned, not resolved again.
import type { Finding } from '../../core/index.ts';
import { transportFinding } from '../decision.ts';
import { addressFindings, type ProxyContext } from './context.ts';

export const LOCATION = 'response.header.location';

/** What a URL scan needs (the exchange's clock reading, session and agent). */
export interface LocationScan {
  readonly now: number;
  readonly session?: string;
  readonly agent?: string;
}

/** SSRF findings for a Location value (as Node read it: one latin1 character per byte), relative to `base`. */
export async function locationFindings(ctx: ProxyContext, raw: string, base: URL, scan: LocationScan): Promise<Finding[]> {
  // The SSRF scanner off means no destination checks (checkAddress allows everything then too).
  if (raw === '' || !ctx.config.scanners.ssrf.enabled) return [];
  const out = new Map<string, Finding>();
  const add = (f: Finding): void => {
    const key = `${f.rule}|${f.location}|${f.message}`;
    if (!out.has(key)) out.set(key, f);
  };
  for (const reading of readings(raw)) {
    const target = absoluteText(reading, base);
    // A relative path stays on the checked host: scanned as the URL it makes, not resolved again.
    const text = target ?? resolvedHref(reading, base);
    if (text === null) {
      add(unparseable('The redirect Location is not a URL Tollgate can read; it is not relayed unchecked.'));
      continue;
    }
    for (const f of scanUrl(ctx, text, scan)) add(f);
    if (target === null) continue;
    const host = hostOf(target);
    if (host === null) {
      add(unparseable('The redirect Location is not a URL Tollgate can read; it is not relayed unchecked.'));
      continue;
    }
    if (host === '' || sameHost(host, base.hostname)) continue;
    for (const f of await resolvedFindings(ctx, host)) add(f);
  }
  return [...out.values()];
}

/** The texts a client could read from the header: as received and, when not ASCII, as UTF-8. */
function readings(raw: string): string[] {
  let ascii = true;
  let bytes = true;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c > 0x7f) ascii = false;
    if (c > 0xff) bytes = false;
  }
  if (ascii || !bytes) return [raw];
  const utf8 = Buffer.from(raw, 'latin1').toString('utf8');
  return utf8 === raw ? [raw] : [raw, utf8];
}

function isC0OrSpace(c: number): boolean {
  return c <= 0x20;
}

/** The text as the WHATWG parser starts from it: C0 controls and spaces off both ends, tabs and new lines removed. */
function cleaned(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isC0OrSpace(text.charCodeAt(start))) start++;
  while (end > start && isC0OrSpace(text.charCodeAt(end - 1))) end--;
  let out = '';
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x09 && c !== 0x0a && c !== 0x0d) out += text[i];
  }
  return out;
}

function isAlpha(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/** Whether the text starts with a scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`). */
function hasScheme(text: string): boolean {
  if (text.length === 0 || !isAlpha(text.charCodeAt(0))) return false;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) return true;
    if (!(isAlpha(c) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e)) return false;
  }
  return false;
}

function isSlash(c: number): boolean {
  return c === 0x2f || c === 0x5c;
}

/**
 * The Location as an absolute URL text when it names a host of its own: as it is when it has a
 * scheme (read on its own, as a client without our base would), with the request's scheme in
 * front when it starts with two slashes (`//host`, `\\host`: the base is http or https, for which
 * WHATWG reads a backslash as a slash). Null for a relative path.
 */
function absoluteText(reading: string, base: URL): string | null {
  const text = cleaned(reading);
  if (hasScheme(text)) return text;
  if (text.length >= 2 && isSlash(text.charCodeAt(0)) && isSlash(text.charCodeAt(1))) return `${base.protocol}${text}`;
  return null;
}

function resolvedHref(reading: string, base: URL): string | null {
  try {
    return new URL(reading, base).href;
  } catch {
    return null;
  }
}

/**
 * The host WHATWG reads from an absolute URL text ('' when it has none, as for file:///…), or null
 * when it cannot be parsed. An IPv6 literal with a zone id (`[fe80::1%25eth0]`), which WHATWG
 * refuses and curl accepts, is read without the zone.
 */
function hostOf(text: string): string | null {
  const parsed = hostnameOf(text);
  if (parsed !== null) return parsed;
  const open = text.indexOf('[');
  const close = open < 0 ? -1 : text.indexOf(']', open);
  const zone = close < 0 ? -1 : text.indexOf('%', open);
  if (zone < 0 || zone > close) return null;
  return hostnameOf(`${text.slice(0, zone)}${text.slice(close)}`);
}

function hostnameOf(text: string): string | null {
  try {
    return new URL(text).hostname;
  } catch {
    return null;
  }
}

function bare(host: string): string {
  const h = host.toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

function sameHost(a: string, b: string): boolean {
  return bare(a) === bare(b);
}

/** The SSRF scanner's findings for one absolute URL text, placed at the Location header. */
function scanUrl(ctx: ProxyContext, text: string, scan: LocationScan): Finding[] {
  const v = ctx.engine.scan({ kind: 'url', url: text }, scan);
  const out: Finding[] = [];
  for (const f of v.findings) if (f.category === 'ssrf') out.push({ ...f, location: `${LOCATION}${f.location === 'url' ? '' : `.${f.location}`}` });
  return out;
}

/** The host resolved as a request to it would be, every address checked; nothing when it does not resolve (see above). */
async function resolvedFindings(ctx: ProxyContext, host: string): Promise<Finding[]> {
  let addresses: string[] | undefined;
  try {
    addresses = ctx.resolver.resolveNow?.(host) ?? (await ctx.resolver.resolve(host));
  } catch {
    return [];
  }
  return addressFindings(ctx, addresses, LOCATION, 'a redirect there is not relayed (SSRF defence)');
}

function unparseable(message: string): Finding {
  return transportFinding('ssrf/unparseable-url', LOCATION, message, { scanner: 'ssrf', severity: 'high', category: 'ssrf', mitre: 'T1190' });
}
