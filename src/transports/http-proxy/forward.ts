// The forward proxy for absolute-URI requests (`GET http://host/path HTTP/1.1`): the URL is
// checked here, the host is resolved once per request with every address checked, and the
// exchange itself (scan, dial the checked address, scan, relay) is exchange.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { summarizeParsedUrl, transportFinding } from '../decision.ts';
import { resolveChecked, resolveCheckedNow, type Dial, type ProxyContext } from './context.ts';
import { newExchange, refuse, relayExchange, type Exchange } from './exchange.ts';

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
    dial: () => dialChecked(x, url.hostname),
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
 * One resolution, every address checked; the checked address is the one dialled (exchange.ts
 * records the check in the request's decision event and refuses what it stops). Synchronous when
 * the resolver knows the answer at once (an address literal, an override, a cached answer).
 */
function dialChecked(x: Exchange, hostname: string): Promise<Dial> | Dial {
  return resolveCheckedNow(x.ctx, hostname, 'url.host') ?? resolveChecked(x.ctx, hostname, 'url.host');
}
