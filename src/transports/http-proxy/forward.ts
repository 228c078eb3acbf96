// The forward proxy for absolute-URI requests (`GET http://host/path HTTP/1.1`): the request is
// read whole (bounded), decoded and scanned before anything leaves; the host is resolved once and
// every address checked; the upstream is dialled at exactly that address; the response is read
// whole (bounded), decoded and scanned before the agent sees a byte of it.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { Finding, ScanInput, Verdict } from '../../core/index.ts';
import { decisionEvent, stops, summarizeUrl, transportFinding } from '../decision.ts';
import { decodeContent, readBody } from './bodies.ts';
import { resolveChecked, type ProxyContext } from './context.ts';
import { deny } from './deny.ts';
import { endToEnd, first } from './headers.ts';

interface Exchange {
  readonly ctx: ProxyContext;
  readonly requestId: string;
  readonly session: string;
  readonly started: number;
  readonly target: string;
  readonly method: string;
}

function decide(x: Exchange, type: 'request' | 'response', verdict: Verdict, bytes: number): Verdict {
  const { ctx } = x;
  ctx.emit(
    decisionEvent({
      type,
      transport: 'http-forward',
      verdict,
      requestId: x.requestId,
      at: ctx.now(),
      latencyMs: performance.now() - x.started,
      mode: ctx.config.mode,
      configHash: ctx.configHash,
      target: x.target,
      method: x.method,
      bytes,
      session: x.session,
      ...(ctx.config.agent !== undefined ? { agent: ctx.config.agent } : {}),
    }),
  );
  return verdict;
}

function scan(x: Exchange, input: ScanInput): Verdict {
  return x.ctx.engine.scan(input, { now: x.ctx.now(), session: x.session, ...(x.ctx.config.agent ? { agent: x.ctx.config.agent } : {}) });
}

function judged(x: Exchange, findings: Finding[]): Verdict {
  return x.ctx.engine.judge(findings);
}

function bodyFailure(where: 'request' | 'response', reason: string, limit: number): Finding {
  if (reason === 'too-large') {
    return transportFinding('engine/input-too-large', `${where}.body`, `The ${where} body is larger than the scan limit (${limit} bytes); it cannot be inspected, so it is blocked.`);
  }
  return transportFinding(`engine/body-${reason}`, `${where}.body`, `The ${where} body did not arrive whole (${reason}); an unread body is never passed on.`);
}

export async function handleForward(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext, session: string): Promise<void> {
  const started = performance.now();
  const requestId = ctx.newRequestId();
  const method = (req.method ?? 'GET').toUpperCase();
  let url: URL;
  try {
    url = new URL(req.url ?? '');
  } catch {
    const x: Exchange = { ctx, requestId, session, started, target: '[unparseable URL]', method };
    const v = decide(x, 'request', judged(x, [transportFinding('engine/invalid-input', 'url', 'The request URL could not be parsed; it is blocked.')]), 0);
    deny(res, 400, v, requestId);
    return;
  }
  const x: Exchange = { ctx, requestId, session, started, target: summarizeUrl(url.href), method };
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const v = decide(x, 'request', judged(x, [transportFinding('engine/unsupported-scheme', 'url', `The forward proxy carries http and https only, not ${url.protocol.slice(0, 16)}.`)]), 0);
    deny(res, 400, v, requestId);
    return;
  }
  const limits = ctx.config.limits;
  const pcfg = ctx.config.proxy;

  // 1. The request, read whole and scanned before anything leaves.
  const read = await readBody(req, limits.maxInputBytes, pcfg.responseTimeoutMs);
  if (!read.ok) {
    const v = decide(x, 'request', judged(x, [bodyFailure('request', read.reason, limits.maxInputBytes)]), read.received);
    if (stops(v)) {
      deny(res, read.reason === 'too-large' ? 413 : 408, v, requestId);
      return;
    }
    // Audit mode lets a request through, but its body was not kept: it cannot be forwarded.
    deny(res, 413, { ...v, action: 'block' }, requestId);
    return;
  }
  const forwardHeaders = endToEnd(req.headers);
  const scanned = decodeContent(read.body, first(req.headers['content-encoding']), pcfg.maxDecompressedBytes);
  const findings: Finding[] = [];
  if (!scanned.ok) findings.push(transportFinding('engine/unsupported-encoding', 'request.body', `The request body could not be decoded for inspection: ${scanned.reason}.`));
  let verdict: Verdict;
  if (findings.length > 0) verdict = judged(x, findings);
  else {
    const scanHeaders = endToEnd(req.headers, ['content-encoding', 'content-length']);
    const body = scanned.ok ? scanned.body : read.body;
    verdict = scan(x, {
      kind: 'request',
      method,
      url: url.href,
      headers: scanHeaders,
      ...(body.length > 0 ? { body: new Uint8Array(body.buffer, body.byteOffset, body.length) } : {}),
      ...(first(req.headers['content-type']) ? { contentType: first(req.headers['content-type']) as string } : {}),
    });
  }
  decide(x, 'request', verdict, read.body.length);
  if (stops(verdict)) {
    deny(res, 403, verdict, requestId);
    return;
  }

  // 2. One resolution, every address checked, the checked address dialled.
  const dial = await resolveChecked(ctx, url.hostname, 'url.host');
  if (dial.findings.length > 0) {
    const v = decide(x, 'request', judged(x, [...dial.findings]), 0);
    if (stops(v) || dial.address === undefined) {
      deny(res, stops(v) ? 403 : 502, stops(v) ? v : { ...v, action: 'block', reason: `${v.reason} (no address to connect to)` }, requestId);
      return;
    }
    ctx.note(`audit mode: connecting to ${url.hostname} although its address check failed (${v.findings[0]?.rule ?? 'unknown rule'})`);
  }
  const address = dial.address as string;
  const secure = url.protocol === 'https:';
  const port = Number(url.port || (secure ? 443 : 80));
  const upstreamHeaders = { ...forwardHeaders, host: url.host };

  // 3. The upstream exchange, bounded in time and size.
  let upstream: IncomingMessage;
  try {
    upstream = await new Promise<IncomingMessage>((resolve, reject) => {
      const opts: https.RequestOptions = {
        host: address,
        port,
        method,
        path: `${url.pathname}${url.search}`,
        headers: upstreamHeaders,
        agent: false,
        timeout: pcfg.connectTimeoutMs,
        ...(secure ? { servername: url.hostname.replace(/^\[|\]$/g, '') } : {}),
      };
      const r = (secure ? https : http).request(opts, resolve);
      r.on('timeout', () => r.destroy(new Error('upstream timed out')));
      r.on('error', reject);
      r.end(read.body);
    });
  } catch (err) {
    const v: Verdict = { action: 'block', findings: [], reason: `The upstream could not be reached (${(err as Error).message.slice(0, 120)}).` };
    decide(x, 'response', judged(x, [transportFinding('engine/upstream-error', 'upstream', v.reason, { category: 'engine', severity: 'medium' })]), 0);
    deny(res, 502, v, requestId);
    return;
  }
  const body = await readBody(upstream, limits.maxInputBytes, pcfg.responseTimeoutMs);
  if (!body.ok) {
    const v = decide(x, 'response', judged(x, [bodyFailure('response', body.reason, limits.maxInputBytes)]), body.received);
    upstream.destroy();
    deny(res, 502, stops(v) ? v : { ...v, action: 'block' }, requestId);
    return;
  }
  const respHeaders = endToEnd(upstream.headers);
  const decoded = decodeContent(body.body, first(upstream.headers['content-encoding']), pcfg.maxDecompressedBytes);
  const rfind: Finding[] = [];
  if (!decoded.ok) rfind.push(transportFinding('engine/unsupported-encoding', 'response.body', `The response body could not be decoded for inspection: ${decoded.reason}.`));
  // Tollgate does not follow redirects; a redirect to an internal address is refused here.
  const location = first(upstream.headers.location);
  if (location) {
    let next: URL | null = null;
    try {
      next = new URL(location, url);
    } catch {
      next = null;
    }
    if (next) {
      const lv = scan(x, { kind: 'url', url: next.href });
      for (const f of lv.findings) if (f.category === 'ssrf') rfind.push({ ...f, location: `response.header.location${f.location === 'url' ? '' : `.${f.location}`}` });
    }
  }
  let rverdict: Verdict;
  if (!decoded.ok) rverdict = judged(x, rfind);
  else {
    const v = scan(x, {
      kind: 'response',
      url: url.href,
      status: upstream.statusCode ?? 0,
      headers: endToEnd(upstream.headers, ['content-encoding', 'content-length']),
      ...(first(upstream.headers['content-type']) ? { contentType: first(upstream.headers['content-type']) as string } : {}),
      body: new Uint8Array(decoded.body.buffer, decoded.body.byteOffset, decoded.body.length),
    });
    rverdict = rfind.length > 0 ? judged(x, [...rfind, ...v.findings]) : v;
  }
  decide(x, 'response', rverdict, body.body.length);
  if (stops(rverdict)) {
    deny(res, 403, rverdict, requestId);
    return;
  }
  delete respHeaders['content-length'];
  res.writeHead(upstream.statusCode ?? 502, upstream.statusMessage, { ...respHeaders, 'content-length': String(body.body.length) });
  res.end(body.body);
}
