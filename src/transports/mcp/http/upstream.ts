// The dialler for an upstream MCP server over HTTP(S): every request resolves the host once,
// checks every address against the SSRF policy (resolveChecked, as the proxy does), and connects
// to exactly the address it checked, keeping the name for Host and TLS. Connections are reused
// (keep-alive) per checked address. A refusal is a decision event of its own.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Finding, TransportId } from '../../../core/index.ts';
import { decisionEvent, stops, summarizeUrl, transportFinding } from '../../decision.ts';
import { resolveChecked, resolveCheckedNow, type Dial, type ProxyContext } from '../../http-proxy/context.ts';
import { isCertificateError } from '../../http-proxy/exchange.ts';
import type { Cancel } from './cancel.ts';

export interface McpUpstream {
  readonly url: URL;
  /** The URL as it may be logged (secrets in it summarised away). */
  readonly shown: string;
  request(r: UpstreamCall): Promise<UpstreamResult>;
  /** Closes idle kept-alive connections. */
  close(): void;
}

export interface UpstreamCall {
  readonly method: 'POST' | 'GET' | 'DELETE';
  /** Protocol headers for this call; the configured upstream headers are added underneath. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
  /** Ends the exchange like `signal`, for a caller that makes one per call (cancel.ts: far cheaper). */
  readonly cancel?: Cancel;
  /** For the decision event when the call is refused. */
  readonly session?: string;
}

export type UpstreamResult =
  | { readonly ok: true; readonly res: IncomingMessage }
  | {
      readonly ok: false;
      /** True when the policy refused the destination (SSRF); false when it could not be reached. */
      readonly blocked: boolean;
      /** One sentence for error messages. */
      readonly why: string;
    };

export interface UpstreamOptions {
  readonly ctx: ProxyContext;
  readonly url: URL;
  /** The configured upstream headers (lower-case names), already resolved. */
  readonly headers: Readonly<Record<string, string>>;
  readonly transport: TransportId;
}

const TRUST_HINT = 'to reach an MCP server on an internal address, trust it explicitly in scanners.ssrf.allowCidrs (or allowHosts)';

/** Why the policy would refuse every call to this upstream, or null when it would not. */
export async function upstreamProblem(ctx: ProxyContext, url: URL): Promise<string | null> {
  const shown = summarizeUrl(url.href);
  const v = ctx.engine.scan({ kind: 'url', url: url.href }, { now: ctx.now() });
  if (stops(v)) return `the upstream ${shown} is blocked by the policy (${v.findings[0]?.rule ?? 'policy'}); ${TRUST_HINT}`;
  const d = await resolveChecked(ctx, url.hostname, 'url.host');
  const ssrf = d.findings.filter((f) => f.category === 'ssrf');
  if (ssrf.length > 0 && stops(ctx.engine.judge(ssrf))) return `the upstream ${shown} resolves to an address the policy blocks (${ssrf[0]?.rule ?? 'ssrf'}); ${TRUST_HINT}`;
  if (d.findings.length > 0) ctx.note(`upstream ${shown}: ${d.findings[0]?.message ?? 'not resolvable now'}`);
  return null;
}

/** What a refused dial says: whether the policy refused it, and why (one sentence). */
export interface DialRefusal {
  readonly ok: false;
  readonly blocked: boolean;
  readonly why: string;
}

/** Records a refused upstream call as its own decision event. */
function refuseCall(ctx: ProxyContext, transport: TransportId, target: string, method: string, session: string | undefined, findings: readonly Finding[], started: number): DialRefusal {
  const verdict = ctx.engine.judge(findings);
  ctx.emit(
    decisionEvent({
      type: 'request',
      transport,
      verdict,
      requestId: ctx.newRequestId(),
      at: ctx.now(),
      latencyMs: Math.max(0, performance.now() - started),
      mode: ctx.config.mode,
      configHash: ctx.configHash,
      target,
      method,
      ...(ctx.config.agent !== undefined ? { agent: ctx.config.agent } : {}),
      ...(session !== undefined ? { session } : {}),
    }),
  );
  return { ok: false, blocked: stops(verdict), why: verdict.reason };
}

/**
 * One checked resolution of the upstream's host: the address to connect to, or the refusal
 * (recorded). `unreachable` records a failure to connect afterwards, in the same shape.
 */
export async function dialChecked(ctx: ProxyContext, url: URL, transport: TransportId, method: string, session?: string): Promise<{ ok: true; address: string } | DialRefusal> {
  const started = performance.now();
  return judgeDial(ctx, url, transport, method, session, await resolveChecked(ctx, url.hostname, 'url.host'), started);
}

/**
 * dialChecked when the resolver knows the answer without waiting (an IP literal, an override, a
 * fresh cached answer: resolveCheckedNow), so the call goes out in the same turn; undefined when
 * the name must be looked up (then dialChecked). The same checks, the same refusal.
 */
export function dialCheckedNow(ctx: ProxyContext, url: URL, transport: TransportId, method: string, session?: string): { ok: true; address: string } | DialRefusal | undefined {
  const started = performance.now();
  const dial = resolveCheckedNow(ctx, url.hostname, 'url.host');
  return dial === undefined ? undefined : judgeDial(ctx, url, transport, method, session, dial, started);
}

function judgeDial(ctx: ProxyContext, url: URL, transport: TransportId, method: string, session: string | undefined, dial: Dial, started: number): { ok: true; address: string } | DialRefusal {
  if (dial.findings.length > 0) {
    const v = ctx.engine.judge(dial.findings);
    if (stops(v) || dial.address === undefined) return refuseCall(ctx, transport, summarizeUrl(url.href), method, session, dial.findings, started);
    ctx.note(`audit mode: connecting to ${url.hostname} although its address check failed (${v.findings[0]?.rule ?? 'unknown rule'})`);
  }
  return { ok: true, address: dial.address as string };
}

/** Records that the upstream could not be reached (or its certificate did not verify). */
export function unreachable(ctx: ProxyContext, url: URL, transport: TransportId, method: string, session: string | undefined, err: Error, started: number): DialRefusal {
  const message = err.message.slice(0, 160);
  const finding = isCertificateError(err)
    ? transportFinding('engine/upstream-cert-invalid', 'upstream.certificate', `The MCP server's TLS certificate did not verify (${message}); nothing was sent.`, { category: 'engine', severity: 'high', mitre: 'T1557' })
    : transportFinding('engine/upstream-error', 'upstream', `The MCP server could not be reached (${message}).`, { category: 'engine', severity: 'medium' });
  return refuseCall(ctx, transport, summarizeUrl(url.href), method, session, [finding], started);
}

/**
 * How long an idle kept-alive connection to the upstream is kept. Node's agent keeps one for at
 * most this long, and shorter when the server's `Keep-Alive: timeout=N` hint says so (N s less
 * 1 s; Node only applies the hint below its own `timeout`, so without one the hint was ignored and
 * a call could go out on a connection the server was closing). Below 5 s, the idle timeout of
 * Node (which sends the hint), uvicorn (the Python MCP SDK's server, which does not) and Apache,
 * so an idle connection is dropped here before the server drops it there.
 */
export const UPSTREAM_IDLE_MS = 4000;

/**
 * Whether a failed call may be sent again, once, on a new connection: only a GET or DELETE
 * (idempotent, RFC 9110 §9.2.2: sending one twice does what sending it once does) that failed on
 * a kept-alive connection before a byte of any answer came back, with the error a connection the
 * server had closed gives (a reset, a broken pipe, or a close before the answer). A POST is never
 * sent again: from here a server that closed an idle connection as the call arrived cannot be
 * told apart from one that read the call, ran it, and died before answering, and a tools/call
 * must not run twice.
 */
export function mayResend(method: UpstreamCall['method'], reusedSocket: boolean, bytesAnswered: number, err: NodeJS.ErrnoException): boolean {
  return (method === 'GET' || method === 'DELETE') && reusedSocket && bytesAnswered === 0 && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
}

export function createUpstream(opts: UpstreamOptions & { readonly idleMs?: number }): McpUpstream {
  const { ctx, url } = opts;
  const secure = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (secure ? 443 : 80));
  const shown = summarizeUrl(url.href);
  const path = `${url.pathname}${url.search}`;
  // `timeout` bounds how long a connection waits idle in the pool (and lets the server's
  // Keep-Alive hint shorten it); on a connection in use it only emits 'timeout', which nothing
  // here listens to, so a long answer or event stream is not cut.
  const keep = { keepAlive: true, timeout: opts.idleMs ?? UPSTREAM_IDLE_MS };
  const agent = secure ? new https.Agent(keep) : new http.Agent(keep);

  return {
    url,
    shown,
    close: () => agent.destroy(),
    request(call) {
      const started = performance.now();
      // The dial is checked per call; when the answer is known now (an IP literal, a cached
      // name), the call goes out in this turn, with no promise hops before it. Whatever throws
      // rejects the call, as it did when the whole call was one async function.
      try {
        const now = dialCheckedNow(ctx, url, opts.transport, call.method, call.session);
        if (now !== undefined) return now.ok ? send(call, now.address, started) : Promise.resolve(now);
      } catch (err) {
        return Promise.reject(err as Error);
      }
      return dialChecked(ctx, url, opts.transport, call.method, call.session).then((dial) => (dial.ok ? send(call, dial.address, started) : dial));
    },
  };

  function send(call: UpstreamCall, address: string, started: number): Promise<UpstreamResult> {
    return new Promise<UpstreamResult>((resolve) => {
      let settled = false;
      let connectTimer: NodeJS.Timeout | undefined;
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        if (call.signal?.aborted === true || call.cancel?.aborted === true) {
          resolve({ ok: false, blocked: false, why: 'the call was abandoned by its client' });
          return;
        }
        resolve(unreachable(ctx, url, opts.transport, call.method, call.session, err, started));
      };
      /** One try: on a pooled connection first, and (mayResend) once more on a new one. */
      const attempt = (fresh: boolean): void => {
        const req = (secure ? https : http).request(
          {
            host: address,
            port,
            method: call.method,
            path,
            // Configured headers first: the protocol headers of the call always win.
            headers: { ...opts.headers, ...call.headers, host: url.host, 'accept-encoding': 'identity', ...(call.body !== undefined ? { 'content-length': String(Buffer.byteLength(call.body)) } : {}) },
            // A resend takes a connection of its own, never another pooled one that may be as stale.
            agent: fresh ? false : agent,
            ...(secure ? { rejectUnauthorized: true, ...(isIP(host) ? {} : { servername: host }), ...(ctx.tls?.upstream ? { secureContext: ctx.tls.upstream } : {}) } : {}),
          },
          (res) => {
            settled = true;
            clearTimeout(connectTimer);
            resolve({ ok: true, res });
          },
        );
        // The call's signal ends the exchange, answer and all (what the `signal` option of
        // http.request does, without its per-request stream bookkeeping).
        const signal = call.signal;
        const cancel = call.cancel;
        if (signal !== undefined || cancel !== undefined) {
          const abort = (): void => {
            req.destroy(new Error('the call was abandoned by its client'));
          };
          if (signal !== undefined) {
            if (signal.aborted) abort();
            else {
              signal.addEventListener('abort', abort, { once: true });
              req.once('close', () => signal.removeEventListener('abort', abort));
            }
          }
          if (cancel !== undefined) {
            cancel.onAbort(abort);
            // Only while this try holds the handle: a resend has taken it over by the time this one closes.
            req.once('close', () => {
              if (current === req) cancel.onAbort(undefined);
            });
          }
        }
        current = req;
        // What the connection had read before this call: anything more is (part of) an answer.
        let readBefore = 0;
        // Only connecting is timed: a tools/call may rightly take minutes to answer, and an
        // event stream stays open. The client's own timeout (and its cancellation) ends those.
        // A kept-alive connection is already connected: no timer then.
        req.on('socket', (s) => {
          readBefore = s.bytesRead;
          if (!s.connecting || settled) return;
          connectTimer = setTimeout(() => req.destroy(new Error(`no connection within ${ctx.config.proxy.connectTimeoutMs} ms`)), ctx.config.proxy.connectTimeoutMs);
          s.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
        });
        req.on('error', (err: NodeJS.ErrnoException) => {
          if (settled) return;
          const aborted = call.signal?.aborted === true || call.cancel?.aborted === true;
          if (!fresh && !aborted && mayResend(call.method, req.reusedSocket, (req.socket?.bytesRead ?? readBefore) - readBefore, err)) {
            attempt(true);
            return;
          }
          fail(err);
        });
        req.end(call.body);
      };
      let current: http.ClientRequest | undefined;
      attempt(false);
    });
  }
}
