// One request to the reverse listener: its origin-form path is joined to the single configured
// upstream, and the exchange goes through the same core as the forward proxy (exchange.ts): the
// request read whole, decoded and scanned before anything leaves; the upstream's name resolved
// once with every address checked; the response read whole, decoded and scanned before the
// client sees a byte of it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { summarizeUrl, transportFinding } from '../decision.ts';
import { resolveChecked, type Dial, type ProxyContext } from '../http-proxy/context.ts';
import { newExchange, refuse, relayExchange, type Exchange } from '../http-proxy/exchange.ts';
import { joinPath } from '../websocket/target.ts';

/**
 * The headers this hop adds: the client hop appended to X-Forwarded-For, and how and to what host
 * the request came. They go upstream only; the scan reads the headers as the client sent them
 * (a value Tollgate wrote is not the client's content, and must not feed split-secrets' session window).
 */
function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const prior = req.headers['x-forwarded-for'];
  const client = req.socket.remoteAddress ?? 'unknown';
  const out: Record<string, string> = {
    'x-forwarded-for': typeof prior === 'string' && prior.length > 0 && prior.length < 1024 ? `${prior}, ${client}` : client,
    'x-forwarded-proto': 'http',
  };
  if (typeof req.headers.host === 'string') out['x-forwarded-host'] = req.headers.host;
  return out;
}

export async function handleReverse(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext, upstream: URL, session: string): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = joinPath(upstream, req.url ?? '');
  if (url === null) {
    refuse(newExchange(ctx, 'reverse', session, method, '[bad request target]'), res, 400, 'request', [
      transportFinding('engine/invalid-input', 'url', 'The reverse proxy takes origin-form paths under its upstream only; this request target is not one.'),
    ]);
    return;
  }
  const x = newExchange(ctx, 'reverse', session, method, summarizeUrl(url.href));
  await relayExchange(req, res, x, {
    url,
    addHeaders: forwardedHeaders(req),
    ...(url.protocol === 'https:' ? { servername: url.hostname.replace(/^\[|\]$/g, '') } : {}),
    dial: () => dial(x, url.hostname),
  });
}

/**
 * One resolution per request, every address checked; the checked address is the one dialled
 * (exchange.ts records the check in the request's one decision event and refuses what it stops).
 */
function dial(x: Exchange, hostname: string): Promise<Dial> {
  return resolveChecked(x.ctx, hostname, 'url.host');
}
