// GET /fetch?url=… — Tollgate fetches a page for the agent and answers JSON: the readable text
// (HTML reduced to what a person sees; hidden text is scanned but never returned), the title, the
// status and the verdict. The same discipline as the forward proxy: the URL is scanned before
// anything leaves, the host is resolved once and every address checked, the checked address is
// dialled, the body is read bounded and decoded with a cap, and redirects are not followed (a
// redirect comes back as data, its Location checked).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Finding, Verdict } from '../../core/index.ts';
import { blockRule, decisionEvent, enforcedBlock, stops, summarizeUrl, transportFinding } from '../decision.ts';
import { decodeContent, readBody } from '../http-proxy/bodies.ts';
import { resolveChecked, type ProxyContext } from '../http-proxy/context.ts';
import { egressHostFindings } from '../http-proxy/egress-hosts.ts';
import { isCertificateError } from '../http-proxy/exchange.ts';
import { chargeBudget, killVerdict } from '../http-proxy/control.ts';
import { scanResponse } from '../http-proxy/response-scan.ts';
import { endToEnd, first } from '../http-proxy/headers.ts';
import { KillWatch } from '../http-proxy/kill-watch.ts';
import { locationFindings } from '../http-proxy/location.ts';
import { transferCodingFinding } from '../http-proxy/response-head.ts';
import { readable } from './readable.ts';
import { offends, redactPassages } from './redact.ts';
import { requestUpstream } from './upstream.ts';

const ACCEPT = 'text/html,application/xhtml+xml,application/json;q=0.9,text/plain;q=0.9,*/*;q=0.5';
const MAX_WIRE_FINDINGS = 50;

interface Call {
  readonly ctx: ProxyContext;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly session: string;
  readonly started: number;
  target: string;
}

/** What the agent sees of a verdict: rules, places and our own messages; never evidence (it may quote the injection). */
function wireVerdict(v: Verdict): Record<string, unknown> {
  return {
    action: v.action,
    reason: v.reason,
    ...(v.wouldHave ? { wouldHave: v.wouldHave } : {}),
    findings: v.findings.slice(0, MAX_WIRE_FINDINGS).map((f) => ({ rule: f.rule, severity: f.severity, category: f.category, location: f.location, message: f.message })),
  };
}

function emit(c: Call, verdict: Verdict, bytes: number): void {
  const { ctx } = c;
  ctx.emit(
    decisionEvent({
      type: 'fetch',
      transport: 'fetch',
      verdict,
      requestId: c.requestId,
      at: ctx.now(),
      latencyMs: performance.now() - c.started,
      mode: ctx.config.mode,
      configHash: ctx.configHash,
      target: c.target,
      method: 'GET',
      bytes,
      session: c.session,
      ...(ctx.config.agent !== undefined ? { agent: ctx.config.agent } : {}),
    }),
  );
}

function reply(c: Call, status: number, payload: Record<string, unknown>, verdict?: Verdict): void {
  const body = JSON.stringify({ ...payload, ...(verdict ? { verdict: wireVerdict(verdict) } : {}), requestId: c.requestId });
  const blocked = verdict !== undefined && status >= 400;
  const rules = verdict ? [...new Set(verdict.findings.map((f) => f.rule))].slice(0, 8).join(',') : '';
  if (c.res.headersSent) {
    c.res.destroy();
    return;
  }
  c.res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-tollgate-request-id': c.requestId,
    ...(blocked ? { 'x-tollgate-blocked': '1', 'x-tollgate-block': blockRule(verdict), 'x-tollgate-rules': rules } : {}),
  });
  c.res.end(body);
}

/** Emits the one decision event for this fetch and answers with the verdict (no page content); the event records the block enforced. */
function refuse(c: Call, status: number, verdict: Verdict, bytes: number, extra: Record<string, unknown> = {}): void {
  // ask and redact stop here too: what is recorded is the block enforced
  const enforced: Verdict = enforcedBlock(verdict);
  emit(c, enforced, bytes);
  reply(c, status, extra, enforced);
}

function bodyFailure(reason: string, limit: number): Finding {
  if (reason === 'too-large') {
    return transportFinding('engine/input-too-large', 'response.body', `The page is larger than the scan limit (${limit} bytes); it cannot be inspected, so it is blocked.`);
  }
  return transportFinding(`engine/body-${reason}`, 'response.body', `The page did not arrive whole (${reason}); an unread page is never returned.`);
}

export async function handleFetch(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext, session: string): Promise<void> {
  // Let in while the kill switch was off: from here until the answer is written, the switch turning
  // on stops this fetch at once (http-proxy/kill-watch.ts).
  const watch = new KillWatch(ctx);
  try {
    await fetchPage(req, res, ctx, session, watch);
  } finally {
    watch.end();
  }
}

async function fetchPage(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext, session: string, watch: KillWatch): Promise<void> {
  const c: Call = { ctx, res, requestId: ctx.newRequestId(), session, started: performance.now(), target: '[fetch]' };
  req.resume(); // a GET carries no body worth reading; never let one stall the socket
  if ((req.method ?? 'GET').toUpperCase() !== 'GET') {
    reply(c, 405, { error: 'GET /fetch?url=<http(s) URL>' });
    return;
  }
  const asked = new URL(req.url ?? '/', 'http://tollgate.invalid').searchParams.getAll('url');
  if (asked.length !== 1) {
    reply(c, 400, { error: 'exactly one url parameter is required: GET /fetch?url=<http(s) URL>' });
    return;
  }
  let url: URL;
  try {
    url = new URL(asked[0] as string);
  } catch {
    c.target = '[unparseable URL]';
    refuse(c, 400, ctx.engine.judge([transportFinding('engine/invalid-input', 'url', 'The url parameter is not a URL; nothing was fetched.')]), 0);
    return;
  }
  url.hash = '';
  c.target = summarizeUrl(url.href);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    refuse(c, 400, ctx.engine.judge([transportFinding('engine/unsupported-scheme', 'url', `The fetch proxy fetches http and https only, not ${url.protocol.slice(0, 16)}.`)]), 0, { url: url.href });
    return;
  }
  const pcfg = ctx.config.proxy;
  const limits = ctx.config.limits;
  const scanCtx = { now: ctx.now(), session, ...(ctx.config.agent ? { agent: ctx.config.agent } : {}) };
  const headers = { 'user-agent': ctx.config.fetch.userAgent, accept: ACCEPT, 'accept-encoding': 'gzip, deflate, br' };

  // 1. The request Tollgate is about to make, scanned before anything leaves.
  let reqVerdict = ctx.engine.scan({ kind: 'request', method: 'GET', url: url.href, headers }, scanCtx);
  // The egress host lists (proxy.allowHosts/denyHosts) apply to what /fetch reaches too.
  const listed = egressHostFindings(pcfg, url.hostname);
  if (listed.length > 0) reqVerdict = ctx.engine.judge([...listed, ...reqVerdict.findings]);
  // Per-domain budgets count a fetch like a proxied request (its URL is what it sends).
  const over = stops(reqVerdict) ? null : chargeBudget(ctx, url.hostname, { requests: 1, bytes: url.href.length }, 'url.host');
  if (over) reqVerdict = ctx.engine.judge([...reqVerdict.findings, over.finding]);
  if (stops(reqVerdict)) {
    refuse(c, over ? 429 : 403, reqVerdict, 0, { url: url.href });
    return;
  }
  // 2. One resolution, every address checked, the checked address dialled.
  const dial = await resolveChecked(ctx, url.hostname, 'url.host');
  const before: Finding[] = [...reqVerdict.findings, ...dial.findings];
  if (dial.findings.length > 0) {
    const v = ctx.engine.judge(before);
    if (stops(v) || dial.address === undefined) {
      refuse(c, stops(v) ? 403 : 502, v, 0, { url: url.href });
      return;
    }
    ctx.note(`audit mode: fetching ${url.hostname} although its address check failed (${v.findings[0]?.rule ?? 'unknown rule'})`);
  }
  // The kill switch may have turned on while the name was looked up: nothing leaves once it is on.
  if (watch.stopped) {
    refuse(c, 503, killVerdict(), 0, { url: url.href });
    return;
  }
  // 3. The exchange, bounded in time and size.
  let upstream: IncomingMessage;
  try {
    upstream = await requestUpstream({
      url,
      address: dial.address as string,
      method: 'GET',
      headers,
      timeoutMs: pcfg.connectTimeoutMs,
      timeoutSetting: 'proxy.connectTimeoutMs',
      ...(ctx.tls?.upstream ? { secureContext: ctx.tls.upstream } : {}),
      // The kill switch stops the request wherever it is: connecting, or waiting for the answer.
      sent: (r) => watch.set(() => void r.destroy(new Error('the kill switch turned on'))),
    });
  } catch (err) {
    if (watch.stopped) {
      refuse(c, 503, killVerdict(), 0, { url: url.href });
      return;
    }
    const message = (err as Error).message.slice(0, 120);
    const f = isCertificateError(err)
      ? transportFinding('engine/upstream-cert-invalid', 'upstream.certificate', `The site's TLS certificate did not verify (${message}); nothing was fetched.`, { category: 'engine', severity: 'high', mitre: 'T1557' })
      : transportFinding('engine/upstream-error', 'upstream', `The page could not be fetched (${message}).`, { category: 'engine', severity: 'medium' });
    refuse(c, 502, ctx.engine.judge([...before, f]), 0, { url: url.href });
    return;
  }
  if (watch.stopped) {
    upstream.destroy();
    refuse(c, 503, killVerdict(), 0, { url: url.href });
    return;
  }
  const status = upstream.statusCode ?? 0;
  // A transfer coding Node does not undo: the page cannot be scanned as sent (response-head.ts).
  const coded = transferCodingFinding(upstream);
  if (coded !== null) {
    upstream.destroy();
    refuse(c, 502, ctx.engine.judge([...before, coded]), 0, { url: url.href, status });
    return;
  }
  watch.set(() => upstream.destroy());
  const contentType = first(upstream.headers['content-type']) ?? '';
  const read = await readBody(upstream, limits.maxInputBytes, pcfg.responseTimeoutMs);
  watch.set(undefined);
  if (watch.stopped) {
    refuse(c, 503, killVerdict(), read.ok ? read.body.length : read.received, { url: url.href });
    return;
  }
  if (!read.ok) {
    upstream.destroy();
    refuse(c, 502, ctx.engine.judge([...before, bodyFailure(read.reason, limits.maxInputBytes)]), read.received, { url: url.href, status, contentType });
    return;
  }
  const decoded = decodeContent(read.body, first(upstream.headers['content-encoding']), pcfg.maxDecompressedBytes);
  if (!decoded.ok) {
    const f = transportFinding(decoded.rule, 'response.body', `The page could not be decoded for inspection: ${decoded.reason}.`);
    refuse(c, 403, ctx.engine.judge([...before, f]), read.body.length, { url: url.href, status, contentType });
    return;
  }
  const body = new Uint8Array(decoded.body.buffer, decoded.body.byteOffset, decoded.body.length);

  // 4. A redirect is data: its Location is checked and handed back, never followed.
  const after: Finding[] = [];
  let location: string | undefined;
  const rawLocation = first(upstream.headers.location);
  if (rawLocation !== undefined && status >= 300 && status < 400) {
    // Read, resolved and checked as the proxy checks one (location.ts); a Location that cannot be read is refused there.
    after.push(...(await locationFindings(ctx, rawLocation, url, { now: ctx.now() })));
    try {
      location = new URL(rawLocation, url).href;
    } catch {
      location = undefined;
    }
  }

  // 5. The page, scanned as a response (hidden HTML text included), then judged with what came before.
  // In the scan pool when the page is large and there is one, else in a turn of its own when the
  // loop is busy (the forward proxy's listener: cpu-turns.ts, response-scan.ts).
  const respVerdict = await scanResponse(
    ctx,
    {
      kind: 'response',
      url: url.href,
      status,
      headers: endToEnd(upstream.headers, ['content-encoding', 'content-length']),
      ...(contentType ? { contentType } : {}),
      body,
    },
    scanCtx,
  );
  // The switch may have turned on while the scan waited for its turn or its worker.
  if (watch.stopped) {
    refuse(c, 503, killVerdict(), read.body.length, { url: url.href });
    return;
  }
  const all = [...before, ...after, ...respVerdict.findings];
  const verdict = before.length + after.length > 0 ? ctx.engine.judge(all) : respVerdict;
  const meta = { url: url.href, status, contentType, ...(location !== undefined ? { location } : {}) };
  const page = readable(body, contentType);

  const redactable = verdict.action === 'redact' || (stops(verdict) && ctx.config.fetch.onInjection === 'redact' && !stops(ctx.engine.judge(all.filter((f) => f.category !== 'injection'))));
  if (!offends(verdict)) {
    emit(c, verdict, read.body.length);
    reply(c, 200, { ...meta, title: page.title, text: page.text }, verdict);
    return;
  }
  if (!redactable) {
    refuse(c, 403, verdict, read.body.length, { url: url.href, status, contentType });
    return;
  }
  // 6. Redact: the returned text is scanned again as page text, passage by passage.
  const scanPiece = (piece: string): Verdict => ctx.engine.scan({ kind: 'response', contentType: 'text/plain; charset=utf-8', body: piece }, { now: ctx.now() });
  const title = page.title && offends(scanPiece(page.title)) ? '' : page.title;
  const r = redactPassages(page.text, scanPiece);
  const rules = [...new Set(verdict.findings.filter((f) => f.category === 'injection').map((f) => f.rule))];
  const what = r.withheld
    ? 'the readable text could not be cleaned, so it was withheld'
    : r.removed.length > 0
      ? `${r.removed.length} passage${r.removed.length === 1 ? ' was' : 's were'} removed from the readable text`
      : 'the offending text was hidden in the page and is not part of the readable text';
  const redacted: Verdict = {
    action: 'redact',
    findings: verdict.findings,
    reason: `Redacted: ${rules.length > 0 ? `prompt injection (${rules.slice(0, 4).join(', ')})` : 'content the policy redacts'} found in the page; ${what}.`,
  };
  emit(c, redacted, read.body.length);
  reply(c, 200, { ...meta, title, text: r.text }, redacted);
}
