// The parts of an upstream response that are judged before its body: a Location that points at an
// internal address (Tollgate does not follow redirects, but the agent might; location.ts), and, for responses
// whose body is not read whole (event streams, oversized bodies passed unscanned), the status and
// headers on their own; and a transfer coding the body cannot be read through.
import type { IncomingMessage } from 'node:http';
import type { Finding, Verdict } from '../../core/index.ts';
import { transportFinding } from '../decision.ts';
import type { Exchange } from './exchange.ts';
import { endToEnd, first, onlyChunked } from './headers.ts';
import { locationFindings } from './location.ts';

export function scanOpts(x: Exchange): { now: number; session: string; agent?: string } {
  return { now: x.ctx.now(), session: x.session, ...(x.ctx.config.agent ? { agent: x.ctx.config.agent } : {}) };
}

/**
 * An upstream answer with a Transfer-Encoding other than chunked (`gzip, chunked`): Node takes off
 * only the chunking, so its body would be read still coded, with the field that says so dropped
 * as hop-by-hop; scanned so, nothing in it would be seen. It is blocked before any byte is read
 * or relayed (also in audit mode, and for a type passed unscanned: framing is not a finding to
 * audit). Null for chunked alone and for no Transfer-Encoding.
 */
export function transferCodingFinding(upstream: IncomingMessage): Finding | null {
  const te = upstream.headers['transfer-encoding'];
  if (te === undefined || onlyChunked(te)) return null;
  return transportFinding('engine/unsupported-encoding', 'response.header.transfer-encoding', 'The upstream answered with a Transfer-Encoding other than chunked alone, which Tollgate cannot undo before scanning; nothing of the body was relayed.');
}

/** SSRF findings for the response's Location header, at response.header.location (location.ts). */
export function responseLocationFindings(x: Exchange, upstream: IncomingMessage, url: URL): Promise<Finding[]> | readonly Finding[] {
  const location = first(upstream.headers.location);
  if (!location) return NONE;
  return locationFindings(x.ctx, location, url, scanOpts(x));
}

const NONE: readonly Finding[] = [];

/** The response's status and headers scanned without its body (which is judged separately), its Location checked. */
export async function scanResponseHead(x: Exchange, upstream: IncomingMessage, url: URL): Promise<Verdict> {
  const contentType = first(upstream.headers['content-type']);
  const v = x.ctx.engine.scan(
    {
      kind: 'response',
      url: url.href,
      status: upstream.statusCode ?? 0,
      headers: endToEnd(upstream.headers, ['content-encoding', 'content-length']),
      ...(contentType !== undefined ? { contentType } : {}),
      body: new Uint8Array(0),
    },
    scanOpts(x),
  );
  const loc = await responseLocationFindings(x, upstream, url);
  return loc.length > 0 ? x.ctx.engine.judge([...loc, ...v.findings]) : v;
}

/** The media type of a Content-Type value, lower case, without parameters. */
export function mediaTypeOf(value: string | undefined): string {
  if (value === undefined) return '';
  const semi = value.indexOf(';');
  return (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
}

/** Whether a media type matches one of `patterns` (type/subtype, type/* or * / *). */
export function mediaTypeMatches(patterns: readonly string[], type: string): boolean {
  if (patterns.length === 0 || type === '') return patterns.includes('*/*');
  const major = type.split('/')[0] ?? '';
  for (const p of patterns) if (p === '*/*' || p === type || p === `${major}/*`) return true;
  return false;
}
