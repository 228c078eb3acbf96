// The core every proxied HTTP exchange goes through, whether it arrived as an absolute-URI request
// (forward.ts) or inside an intercepted TLS tunnel (intercept.ts): the request is read whole
// (bounded), decoded and scanned before anything leaves; the upstream is dialled at an address that
// was already checked; the response is read whole (bounded), decoded and scanned before the agent
// sees a byte of it; then it is relayed. Event streams are relayed event by event instead
// (sse-relay.ts), and an oversized response of a media type the operator listed passes
// unscanned (oversize.ts); in audit mode every oversized body passes unscanned, its head still
// scanned and its event `warn` with `wouldHave: block` (oversize.ts); in enforce mode every other
// oversized body is blocked. The kill switch stops an exchange at any step once it turns on, not
// only before the dial (kill-watch.ts): an answer not yet relayed is a 503, a transfer under way is cut.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { Finding, ScanInput, TransportId, Verdict } from '../../core/index.ts';
import { decisionEvent, enforcedBlock, stops, transportFinding } from '../decision.ts';
import { bodiless, decodeContent, NO_BODY, readBody, readBodyNow, readRequestBody } from './bodies.ts';
import type { Dial, ProxyContext } from './context.ts';
import type { ScanCallContext } from '../../engine/index.ts';
import { enforceRequest, enforceResponse, relayAnswer, type UpstreamAnswer } from './actions.ts';
import { deny } from './deny.ts';
import { budgetHeaders, budgetsActive, chargeBudget, egressBytes, killVerdict } from './control.ts';
import { inTurn } from './cpu-turns.ts';
import { scanResponse } from './response-scan.ts';
import { endToEndPair, first } from './headers.ts';
import { KillWatch } from './kill-watch.ts';
import { auditTooLarge, auditUnscanned, mayPassOversized, passUnscanned } from './oversize.ts';
import { responseLocationFindings, transferCodingFinding } from './response-head.ts';
import { requestTimedOut, requestTimeoutMs } from './http-limits.ts';
import { isEventStream, relayEventStream } from './sse-relay.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type RequestInput = Extract<ScanInput, { kind: 'request' }>;
type ResponseInput = Extract<ScanInput, { kind: 'response' }>;

export interface Exchange {
  readonly ctx: ProxyContext;
  readonly transport: TransportId;
  readonly requestId: string;
  readonly session: string;
  readonly started: number;
  /** Already safe to log (summarizeUrl). */
  readonly target: string;
  readonly method: string;
}

export function newExchange(ctx: ProxyContext, transport: TransportId, session: string, method: string, target: string): Exchange {
  return { ctx, transport, requestId: ctx.newRequestId(), session, started: performance.now(), target, method };
}

/** Emits the decision event for one adjudicated step and returns the verdict. */
export function decide(x: Exchange, type: 'request' | 'response', verdict: Verdict, bytes: number): Verdict {
  const { ctx } = x;
  ctx.emit(
    decisionEvent({
      type,
      transport: x.transport,
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
      agent: ctx.config.agent,
    }),
  );
  return verdict;
}

export function judged(x: Exchange, findings: readonly Finding[]): Verdict {
  return x.ctx.engine.judge(findings);
}

function scanCall(x: Exchange, secretValues?: Map<Finding, string[]>): ScanCallContext {
  const agent = x.ctx.config.agent;
  const call: { now: number; session: string; agent?: string; secretValues?: Map<Finding, string[]> } = { now: x.ctx.now(), session: x.session };
  if (agent) call.agent = agent;
  if (secretValues) call.secretValues = secretValues;
  return call;
}

function scan(x: Exchange, input: ScanInput): Verdict {
  return x.ctx.engine.scan(input, scanCall(x));
}

/** Blocks with a 4xx/5xx answer and one decision event; the event records the block that was enforced. */
export function refuse(x: Exchange, res: ServerResponse, status: number, type: 'request' | 'response', findings: readonly Finding[], bytes = 0): void {
  const v = judged(x, findings);
  const enforced: Verdict = enforcedBlock(v);
  decide(x, type, enforced, bytes);
  deny(res, status, enforced, x.requestId, undefined, type);
}

function bodyFailure(where: 'request' | 'response', reason: string, limit: number, timeout: { readonly ms: number; readonly setting: string }): Finding {
  if (reason === 'too-large') {
    return transportFinding('engine/input-too-large', `${where}.body`, `The ${where} body is larger than the scan limit (${limit} bytes); it cannot be inspected, so it is blocked.`);
  }
  if (reason === 'timeout') {
    return transportFinding('engine/body-timeout', `${where}.body`, `The ${where} body did not arrive whole within ${timeout.ms} ms (${timeout.setting}); an unread body is never passed on.`);
  }
  return transportFinding(`engine/body-${reason}`, `${where}.body`, `The ${where} body did not arrive whole (${reason}); an unread body is never passed on.`);
}

/** Node's TLS verification failures (OpenSSL X509 verify codes and the identity check). */
const CERT_ERRORS = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function isCertificateError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && CERT_ERRORS.has(code);
}

/** Where the scanned request goes: the URL it was scanned as, and the checked address to dial. */
export interface Route {
  readonly url: URL;
  /**
   * The address to dial: a string when it was checked before (the tunnel's address), or the
   * resolution with its address check (a promise of it when a lookup is needed). It is asked only
   * for a request that may pass, and the request's one decision event records its outcome.
   */
  readonly dial: () => Promise<Dial> | Dial | string;
  /** The TLS server name for an https upstream (the name the certificate must carry). */
  readonly servername?: string;
  /**
   * Headers this hop adds (the reverse proxy's X-Forwarded-*): set on what is forwarded only,
   * after the client's headers were taken for the scan, so they are never read as the client's content.
   */
  readonly addHeaders?: Readonly<Record<string, string>>;
}

export async function relayExchange(req: IncomingMessage, res: ServerResponse, x: Exchange, route: Route): Promise<void> {
  // Let in while the kill switch was off (the listener checked it just now): from here until the
  // answer is written, the switch turning on stops this exchange at once (kill-watch.ts).
  const watch = new KillWatch(x.ctx);
  try {
    await exchange(req, res, x, route, watch);
  } finally {
    watch.end();
  }
}

async function exchange(req: IncomingMessage, res: ServerResponse, x: Exchange, route: Route, watch: KillWatch): Promise<void> {
  const { ctx } = x;
  const { url } = route;
  const limits = ctx.config.limits;
  const pcfg = ctx.config.proxy;

  // 1. The request, read whole and scanned before anything leaves. A request with no body by its
  // framing (most GETs) has nothing to wait for.
  // Audit mode keeps what it read of an oversized body, to pass it on unscanned with the rest.
  const audit = ctx.config.mode === 'audit';
  // The body is the client's to send: bounded by proxy.requestTimeoutMs, as Node bounds the whole
  // request. When Node's own check cuts it first, the read sees an abort, recorded as that timeout.
  const bodyTimeout = requestTimeoutMs(pcfg);
  const read = bodiless(req.headers) ? NO_BODY : await readRequestBody(req, limits.maxInputBytes, bodyTimeout, audit);
  if (!read.ok && read.kept === undefined) {
    // A body that was not kept (a timeout, an abort, or over the limit in enforce mode) cannot be forwarded.
    const reason = read.reason === 'aborted' && requestTimedOut(req.socket) ? 'timeout' : read.reason;
    refuse(x, res, reason === 'too-large' ? 413 : 408, 'request', [bodyFailure('request', reason, limits.maxInputBytes, { ms: bodyTimeout, setting: 'proxy.requestTimeoutMs' })], read.received);
    return;
  }
  const outBody: UpstreamBody = read.ok ? read.body : { kept: read.kept ?? [], rest: req };
  const bodyBytes = read.ok ? read.body.length : read.received;
  const headers = endToEndPair(req.headers);
  const forwardHeaders = headers.forward;
  if (route.addHeaders !== undefined) Object.assign(forwardHeaders, route.addHeaders);
  const scanned = read.ok ? decodeContent(read.body, first(req.headers['content-encoding']), pcfg.maxDecompressedBytes) : null;
  let verdict: Verdict;
  if (scanned === null) {
    // Audit mode, over the limit: the URL and headers are scanned, the body goes on unscanned.
    const input: Mutable<RequestInput> = { kind: 'request', method: x.method, url: url.href, headers: headers.scanned };
    const contentType = first(req.headers['content-type']);
    if (contentType) input.contentType = contentType;
    const v = await inTurn(() => scan(x, input));
    verdict = auditUnscanned(x, 'request', [auditTooLarge('request', limits.maxInputBytes), ...v.findings], limits.maxInputBytes, `${bodyBytes} bytes read, the rest streamed`);
  } else if (!scanned.ok) verdict = judged(x, [transportFinding(scanned.rule, 'request.body', `The request body could not be decoded for inspection: ${scanned.reason}.`)]);
  else {
    const body = scanned.body;
    const contentType = first(req.headers['content-type']);
    const input: Mutable<RequestInput> = { kind: 'request', method: x.method, url: url.href, headers: headers.scanned };
    if (body.length > 0) input.body = new Uint8Array(body.buffer, body.byteOffset, body.length);
    if (contentType) input.contentType = contentType;
    verdict = await inTurn(() => scan(x, input));
  }
  // Per-domain budgets (control.ts), charged only for a request that may pass: over budget is a 429.
  const over =
    (verdict.action === 'allow' || verdict.action === 'warn') && budgetsActive(ctx)
      ? chargeBudget(ctx, url.hostname, { requests: 1, bytes: egressBytes(url, forwardHeaders, bodyBytes) }, 'url.host')
      : null;
  if (over) {
    verdict = judged(x, [...verdict.findings, over.finding]);
    if (stops(verdict)) {
      decide(x, 'request', verdict, bodyBytes);
      deny(res, 429, verdict, x.requestId, budgetHeaders(over));
      return;
    }
  }
  // allow/warn pass, block and redact stop (a request is never rewritten), ask waits for an operator
  // (or for the kill switch, which withdraws the hold and answers 503).
  const passed = verdict.action === 'allow' || verdict.action === 'warn' ? verdict : await enforceRequest(x, res, verdict, bodyBytes, watch);
  if (passed === null) return;

  // 2. The checked address (known at once for an address literal, an override or a cached answer).
  // The request's one decision event is emitted here, with the address check in it: a request the
  // check refuses (an internal address, a name that does not resolve) is recorded as that block only.
  const dialled = route.dial();
  const address = admitted(x, res, url.hostname, passed, bodyBytes, dialled instanceof Promise ? await dialled : dialled);
  if (address === null) return;
  // The kill switch may have turned on while this request waited (for its body, its scan's turn or
  // its address): nothing leaves once it is on.
  if (watch.stopped) {
    killedResponse(x, res, 0);
    return;
  }
  await respond(res, x, route, address, forwardHeaders, outBody, watch);
}

/**
 * While the kill switch is on: the response's one decision event, and a 503 (the client gets
 * nothing of the upstream's answer). `upstream`, when there is one, is destroyed.
 */
export function killedResponse(x: Exchange, res: ServerResponse, bytes: number, upstream?: IncomingMessage): void {
  upstream?.destroy();
  const killed = killVerdict();
  decide(x, 'response', killed, bytes);
  deny(res, 503, killed, x.requestId, { 'retry-after': '60' });
}

/** 3. The upstream exchange, bounded in time and size (an https upstream must verify), then the answer scanned and relayed. */
async function respond(res: ServerResponse, x: Exchange, route: Route, address: string, forwardHeaders: Record<string, string | string[]>, outBody: UpstreamBody, watch: KillWatch): Promise<void> {
  const { ctx } = x;
  const { url } = route;
  const limits = ctx.config.limits;
  const pcfg = ctx.config.proxy;
  let upstream: IncomingMessage;
  try {
    upstream = await requestUpstream(x, url, route, address, forwardHeaders, outBody, watch);
  } catch (err) {
    // Destroyed because the kill switch turned on while the upstream was still answering.
    if (watch.stopped) {
      killedResponse(x, res, 0);
      return;
    }
    const message = (err as Error).message.slice(0, 160);
    if (isCertificateError(err)) {
      refuse(x, res, 502, 'response', [
        transportFinding('engine/upstream-cert-invalid', 'upstream.certificate', `The upstream's TLS certificate did not verify (${message}); nothing was relayed.`, { category: 'engine', severity: 'high', mitre: 'T1557' }),
      ]);
    } else {
      refuse(x, res, 502, 'response', [transportFinding('engine/upstream-error', 'upstream', upstreamFailure(err, message), { category: 'engine', severity: 'medium' })]);
    }
    return;
  }
  if (watch.stopped) {
    killedResponse(x, res, 0, upstream);
    return;
  }
  // A transfer coding Node does not undo: the body cannot be scanned as sent (response-head.ts).
  const coded = transferCodingFinding(upstream);
  if (coded !== null) {
    upstream.destroy();
    refuse(x, res, 502, 'response', [coded]);
    return;
  }
  watch.set(() => upstream.destroy());
  // An event stream does not end: it is relayed event by event, each scanned first (sse-relay.ts).
  if (isEventStream(x.method, upstream)) {
    await relayEventStream(x, res, upstream, url, watch);
    return;
  }
  // A small answer is usually whole by now (it came in the read that brought its head).
  const body = readBodyNow(upstream, limits.maxInputBytes) ?? (await readBody(upstream, limits.maxInputBytes, pcfg.responseTimeoutMs, mayPassOversized(x, upstream)));
  if (watch.stopped) {
    killedResponse(x, res, body.ok ? body.body.length : body.received, upstream);
    return;
  }
  if (!body.ok && body.kept !== undefined) {
    // Over the scan limit, and the operator lets this media type pass unscanned (oversize.ts).
    await passUnscanned(x, res, upstream, url, body.kept, watch);
    return;
  }
  watch.set(undefined);
  if (!body.ok) {
    upstream.destroy();
    refuse(x, res, 502, 'response', [bodyFailure('response', body.reason, limits.maxInputBytes, { ms: pcfg.responseTimeoutMs, setting: 'proxy.responseTimeoutMs' })], body.received);
    return;
  }
  const respHeaders = endToEndPair(upstream.headers);
  const decoded = decodeContent(body.body, first(upstream.headers['content-encoding']), pcfg.maxDecompressedBytes);
  const contentType = first(upstream.headers['content-type']);
  const rfind: Finding[] = [];
  if (!decoded.ok) rfind.push(transportFinding(decoded.rule, 'response.body', `The response body could not be decoded for inspection: ${decoded.reason}.`));
  // Tollgate does not follow redirects; a redirect to an internal address is refused here.
  // Its host is resolved as a request there would be (location.ts).
  if (upstream.headers.location !== undefined) rfind.push(...(await responseLocationFindings(x, upstream, url)));
  let rverdict: Verdict;
  const values = new Map<Finding, string[]>();
  if (!decoded.ok) rverdict = judged(x, rfind);
  else {
    const input: Mutable<ResponseInput> = {
      kind: 'response',
      url: url.href,
      status: upstream.statusCode ?? 0,
      headers: respHeaders.scanned,
      body: new Uint8Array(decoded.body.buffer, decoded.body.byteOffset, decoded.body.length),
    };
    if (contentType) input.contentType = contentType;
    // A large body is scanned in the scan pool when there is one (response-scan.ts), else in a turn.
    const v = await scanResponse(ctx, input, scanCall(x, values));
    rverdict = rfind.length > 0 ? judged(x, [...rfind, ...v.findings]) : v;
    // The switch may have turned on while the scan waited for its turn or its worker.
    if (watch.stopped) {
      killedResponse(x, res, body.body.length);
      return;
    }
  }
  // allow/warn relay, block stops, redact rewrites the body (or blocks), ask waits for an operator.
  const answer: Mutable<UpstreamAnswer> = { url, status: upstream.statusCode ?? 502, headers: respHeaders.forward, raw: body.body, values };
  if (upstream.statusMessage !== undefined) answer.statusMessage = upstream.statusMessage;
  if (contentType !== undefined) answer.contentType = contentType;
  if (decoded.ok) answer.decoded = decoded.body;
  // allow and warn (nearly every answer) are relayed here without enforceResponse's await.
  if (rverdict.action === 'allow' || rverdict.action === 'warn') {
    decide(x, 'response', rverdict, answer.raw.length);
    relayAnswer(res, answer, x.method);
  } else await enforceResponse(x, res, rverdict, answer, watch);
}

/**
 * The request's one decision event, once its address is known: the verdict that let it pass, with
 * what the address check found. Returns the address to dial, or null after refusing the request.
 */
function admitted(x: Exchange, res: ServerResponse, hostname: string, passed: Verdict, bytes: number, dial: Dial | string): string | null {
  if (typeof dial === 'string') {
    decide(x, 'request', passed, bytes);
    return dial;
  }
  if (dial.findings.length === 0 && dial.address !== undefined) {
    decide(x, 'request', passed, bytes);
    return dial.address;
  }
  const found =
    dial.findings.length > 0 ? dial.findings : [transportFinding('engine/unresolvable-host', 'url.host', 'The host resolved to no address; nothing was sent.', { category: 'engine', mitre: 'T1071' })];
  const all = judged(x, [...passed.findings, ...found]);
  // Whether the address check alone stops it (an approved ask is not asked again).
  const check = judged(x, found);
  if (stops(check) || dial.address === undefined) {
    const enforced: Verdict = stops(all) ? enforcedBlock(all) : { ...all, action: 'block', reason: `${all.reason} (no address to connect to)` };
    decide(x, 'request', enforced, bytes);
    deny(res, stops(check) ? 403 : 502, enforced, x.requestId, undefined, 'request');
    return null;
  }
  // Audit mode: the check would have stopped it; it is recorded and the request goes on.
  decide(x, 'request', stops(all) ? { ...passed, findings: all.findings } : all, bytes);
  x.ctx.note(`audit mode: connecting to ${x.transport === 'reverse' ? 'the reverse upstream ' : ''}${hostname} although its address check failed (${found[0]?.rule ?? 'unknown rule'})`);
  return dial.address;
}

/** A request body: read whole, or (audit mode, over the scan limit) what was read and the paused rest. */
type UpstreamBody = Buffer | { readonly kept: readonly Buffer[]; readonly rest: IncomingMessage };

/**
 * Sends the scanned request to the checked address and resolves with the response head. The
 * connect is bounded by proxy.connectTimeoutMs; once connected (or on a kept-alive connection),
 * the upstream has proxy.responseTimeoutMs of silence to answer in (a model API can think for
 * longer than a connect may take).
 */
function requestUpstream(x: Exchange, url: URL, route: Route, address: string, forwardHeaders: Record<string, string | string[]>, body: UpstreamBody, watch: KillWatch): Promise<IncomingMessage> {
  const { ctx } = x;
  const pcfg = ctx.config.proxy;
  const secure = url.protocol === 'https:';
  const agents = ctx.upstreamAgents;
  // The forwarded headers are this exchange's own copy: the target's Host replaces the client's.
  forwardHeaders.host = url.host;
  // secureContext reaches tls.connect through the agent (Node's https types leave it out).
  const opts: https.RequestOptions & { secureContext?: SecureContext } = {
    host: address,
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
    method: x.method,
    path: url.search === '' ? url.pathname : `${url.pathname}${url.search}`,
    headers: forwardHeaders,
    agent: agents ? (secure ? agents.https : agents.http) : false,
    // The upstream's framing is read strictly (no lenient parser) and its head is bounded.
    insecureHTTPParser: false,
    maxHeaderSize: ctx.config.limits.maxHeaderBytes,
  };
  // Without a pool the connection is new: its connect is bounded from the start. A pool's socket
  // gets its bound once it is handed over (see onUpstreamSocket): a kept-alive one needs no
  // connect bound, and setting one first would only be replaced at once.
  if (!agents) opts.timeout = pcfg.connectTimeoutMs;
  if (secure) {
    opts.rejectUnauthorized = true;
    if (route.servername !== undefined) opts.servername = route.servername;
    if (ctx.tls?.upstream) opts.secureContext = ctx.tls.upstream;
  }
  return new Promise<IncomingMessage>((resolve, reject) => {
    const r = (secure ? https : http).request(opts, resolve) as UpstreamRequest;
    r.tollgateTimeouts = pcfg;
    r.on('timeout', onUpstreamTimeout);
    r.once('socket', onUpstreamSocket);
    r.on('error', reject);
    // The kill switch stops the request wherever it is: connecting, sending, or waiting for the answer.
    watch.set(() => void r.destroy(new Error('the kill switch turned on')));
    if (Buffer.isBuffer(body)) {
      if (body.length > 0) r.end(body);
      else r.end();
      return;
    }
    // Passed on unscanned (audit mode): what was read, then the rest with backpressure. A client
    // that breaks off mid-body must not leave a clean end upstream.
    for (const c of body.kept) r.write(c);
    const broken = (): void => void r.destroy(new Error('the client broke off the request body'));
    body.rest.once('aborted', broken);
    body.rest.once('error', broken);
    body.rest.pipe(r);
  });
}

/** An upstream request and the two bounds its socket gets (proxy.connectTimeoutMs, proxy.responseTimeoutMs). */
type UpstreamRequest = http.ClientRequest & {
  tollgateTimeouts?: { readonly connectTimeoutMs: number; readonly responseTimeoutMs: number };
  /** Set once the connection is up (the TLS handshake included): which bound a timeout is. */
  tollgateConnected?: boolean;
};

// Shared by every upstream request (no closures per exchange). The reason names the bound that ran
// out, so a user can tell an unreachable host from a slow answer, and which setting to change.
function onUpstreamTimeout(this: UpstreamRequest): void {
  const t = this.tollgateTimeouts;
  let why = 'upstream timed out';
  if (t !== undefined) {
    why = this.tollgateConnected
      ? `upstream timed out: no answer within ${t.responseTimeoutMs} ms, proxy.responseTimeoutMs`
      : `upstream timed out: not connected within ${t.connectTimeoutMs} ms, proxy.connectTimeoutMs`;
  }
  this.destroy(new Error(why));
}

function onUpstreamSocket(this: UpstreamRequest, s: Socket): void {
  const t = this.tollgateTimeouts;
  if (t === undefined) return;
  if (s.connecting) {
    // A new connection: bounded by connectTimeoutMs until it is up (the TLS handshake included).
    // The request's own setTimeout makes sure the socket's timeout is delivered to it as 'timeout'.
    s.setTimeout(t.connectTimeoutMs);
    this.setTimeout(t.connectTimeoutMs);
    s.once(s instanceof TLSSocket ? 'secureConnect' : 'connect', () => {
      this.tollgateConnected = true;
      this.setTimeout(t.responseTimeoutMs);
    });
  } else {
    this.tollgateConnected = true;
    this.setTimeout(t.responseTimeoutMs);
  }
}

/**
 * What went wrong with the upstream: its answer was not well-formed HTTP (node's parser refused
 * it: CL with TE, two Content-Lengths, a CR in a header, HTTP/0.9 …), or it could not be reached.
 */
export function upstreamFailure(err: unknown, message: string): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('HPE_')) {
    return `The upstream answered, but not with well-formed HTTP (${message}); nothing of it was relayed.`;
  }
  return `The upstream could not be reached (${message}).`;
}
