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

/** The end-to-end headers of a message, for forwarding or scanning. */
export function endToEnd(headers: IncomingHttpHeaders, drop: readonly string[] = []): OutgoingHttpHeaders & Record<string, string | string[]> {
  const connection = first(headers.connection);
  // Most messages carry no Connection header (or only keep-alive/close): no set to build then.
  const named = connection
    ? new Set(
        connection
          .split(',')
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean),
      )
    : null;
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
