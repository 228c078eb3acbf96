// The forward proxy for absolute-URI requests (`GET http://host/path HTTP/1.1`): the URL is
// checked here, the host is resolved once per request with every address checked, and the
// exchange itself (scan, dial the checked address, scan, relay) is exchange.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stops, summarizeParsedUrl, transportFinding } from '../decision.ts';
import { resolveChecked, resolveCheckedNow, type Dial, type ProxyContext } from './context.ts';
import { deny } from './deny.ts';
import { decide, judged, newExchange, refuse, relayExchange, type Exchange } from './exchange.ts';

export async function handleForward(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext, session: string): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  let url: URL;
  try {
    url = new URL(req.url ?? '');
  } catch {
    refuse(newExchange(ctx, 'http-forward', session, method, '[unparseable URL]'), res, 400, 'request', [transportFinding('engine/invalid-input', 'url', 'The request URL could not be parsed; it is blocked.')]);
    return;
  }
  const x = newExchange(ctx, 'http-forward', session, method, summarizeParsedUrl(url));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    refuse(x, res, 400, 'request', [transportFinding('engine/unsupported-scheme', 'url', `The forward proxy carries http and https only, not ${url.protocol.slice(0, 16)}.`)]);
    return;
  }
  // RFC 9112 §3.2: more than one Host line is a 400. A single Host that names another site does
  // not matter: for an absolute-form target the proxy ignores Host and sends the target's own
  // (§3.2.2), so the URL that was scanned is the one dialled and named upstream.
  if (headerLines(req.rawHeaders, 'host') > 1) {
    refuse(x, res, 400, 'request', [transportFinding('engine/malformed-request', 'header.host', 'The request carries more than one Host header (RFC 9112 §3.2); it is refused.', { category: 'policy', mitre: 'T1190' })]);
    return;
  }
  await relayExchange(req, res, x, {
    url,
    ...(url.protocol === 'https:' ? { servername: url.hostname.replace(/^\[|\]$/g, '') } : {}),
    dial: () => dialChecked(x, res, url.hostname),
  });
}

/** How many header lines carry `name` (lower case); names of another length are not lower-cased. */
function headerLines(raw: readonly string[], name: string): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i] as string;
    if (k.length === name.length && k.toLowerCase() === name) n++;
  }
  return n;
}

/**
 * One resolution, every address checked; the checked address is the one dialled. Synchronous
 * when the resolver knows the answer at once (an address literal, an override, a cached answer).
 */
function dialChecked(x: Exchange, res: ServerResponse, hostname: string): Promise<string | null> | string | null {
  const known = resolveCheckedNow(x.ctx, hostname, 'url.host');
  if (known !== undefined) return dialFrom(x, res, hostname, known);
  return resolveChecked(x.ctx, hostname, 'url.host').then((dial) => dialFrom(x, res, hostname, dial));
}

function dialFrom(x: Exchange, res: ServerResponse, hostname: string, dial: Dial): string | null {
  const { ctx } = x;
  if (dial.findings.length > 0) {
    const v = decide(x, 'request', judged(x, [...dial.findings]), 0);
    if (stops(v) || dial.address === undefined) {
      deny(res, stops(v) ? 403 : 502, stops(v) ? v : { ...v, action: 'block', reason: `${v.reason} (no address to connect to)` }, x.requestId, undefined, 'request');
      return null;
    }
    ctx.note(`audit mode: connecting to ${hostname} although its address check failed (${v.findings[0]?.rule ?? 'unknown rule'})`);
  }
  if (dial.address === undefined) {
    refuse(x, res, 502, 'request', [transportFinding('engine/unresolvable-host', 'url.host', 'The host resolved to no address; nothing was sent.', { category: 'engine', mitre: 'T1071' })]);
    return null;
  }
  return dial.address;
}
