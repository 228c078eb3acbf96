// Header handling for a proxy hop (RFC 9110 §7.6.1): hop-by-hop fields are never forwarded, and
// neither is anything the Connection header names.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

type HeaderRecord = OutgoingHttpHeaders & Record<string, string | string[]>;

/** The names of the fields a Connection header lists, or null when it lists none worth a set. */
function connectionNamed(headers: IncomingHttpHeaders): Set<string> | null {
  const connection = first(headers.connection);
  // Most messages carry no Connection header (or only keep-alive/close): no set to build then.
  // `Connection: keep-alive` names only a field that is hop-by-hop anyway.
  if (!connection || connection === 'keep-alive' || connection === 'Keep-Alive') return null;
  const named = new Set<string>();
  for (const part of connection.split(',')) {
    const name = part.trim().toLowerCase();
    if (name !== '') named.add(name);
  }
  return named;
}

/** The end-to-end headers of a message, for forwarding or scanning. */
export function endToEnd(headers: IncomingHttpHeaders, drop: readonly string[] = []): HeaderRecord {
  const named = connectionNamed(headers);
  const out: Record<string, string | string[]> = {};
  for (const k of Object.keys(headers)) {
    const v = headers[k];
    if (v === undefined) continue;
    const key = k.toLowerCase();
    if (HOP_BY_HOP.has(key) || named?.has(key) || (drop.length > 0 && drop.includes(key))) continue;
    out[key] = v;
  }
  return out;
}

/** Fields that describe how a body is framed and coded, not what it says: left out of what is scanned. */
const REPRESENTATION = new Set(['content-encoding', 'content-length']);

/**
 * One pass over a message's headers for an exchange: `forward`, the end-to-end headers (what
 * endToEnd returns), and `scanned`, the same without Content-Encoding and Content-Length (the
 * engine gets the body already decoded, so those two no longer describe it).
 */
export function endToEndPair(headers: IncomingHttpHeaders): { forward: HeaderRecord; scanned: HeaderRecord } {
  const named = connectionNamed(headers);
  const forward: Record<string, string | string[]> = {};
  const scanned: Record<string, string | string[]> = {};
  for (const k of Object.keys(headers)) {
    const v = headers[k];
    if (v === undefined) continue;
    const key = k.toLowerCase();
    if (HOP_BY_HOP.has(key) || named?.has(key)) continue;
    forward[key] = v;
    if (!REPRESENTATION.has(key)) scanned[key] = v;
  }
  return { forward, scanned };
}

/**
 * Whether a Transfer-Encoding value is `chunked` alone (any case, whitespace around it). Node's
 * parser accepts any list that ends in chunked (`gzip, chunked`, and two lines are joined into one
 * such list) and takes off only the chunking: the body a handler reads is still coded, and the
 * field naming that coding is hop-by-hop, never forwarded nor scanned. So a message with any other
 * transfer coding is refused (a request) or blocked (a response), never read as if plain.
 */
export function onlyChunked(v: string | readonly string[] | undefined): boolean {
  return typeof v === 'string' && v.trim().toLowerCase() === 'chunked';
}
