// The forward proxy for absolute-URI requests (`GET http://host/path HTTP/1.1`): the URL is
// checked here (the egress host lists first, before a body is read), the host is resolved once per
// request with every address checked, and the exchange itself (scan, dial the checked address,
// scan, relay) is exchange.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Finding } from '../../core/index.ts';
import { stops, summarizeParsedUrl, transportFinding } from '../decision.ts';
import { resolveChecked, resolveCheckedNow, type Dial, type ProxyContext } from './context.ts';
import { egressHostFindings } from './egress-hosts.ts';
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
  // proxy.allowHosts/denyHosts: a host they stop is refused before its body is read; when they do
  // not stop it (audit mode, a rule turned down) the request's event records them with its address check.
  const listed = egressHostFindings(ctx.config.proxy, url.hostname);
  if (listed.length > 0 && stops(ctx.engine.judge(listed))) {
    refuse(x, res, 403, 'request', listed);
    return;
  }
  await relayExchange(req, res, x, {
    url,
    ...(url.protocol === 'https:' ? { servername: url.hostname.replace(/^\[|\]$/g, '') } : {}),
    dial: () => withListed(dialChecked(x, url.hostname), listed),
  });
}

/** The dial with the host-list findings in front of its address check (they reach the request's event). */
function withListed(dial: Promise<Dial> | Dial, listed: readonly Finding[]): Promise<Dial> | Dial {
  if (listed.length === 0) return dial;
  const add = (d: Dial): Dial => ({ ...d, findings: [...listed, ...d.findings] });
  return dial instanceof Promise ? dial.then(add) : add(dial);
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
