// The WebSocket handshake through Tollgate: the upgrade request (URL and headers) is scanned
// first; the host is resolved once and every address checked; the upstream handshake is made to
// exactly the checked address; only when the upstream has switched protocols is the agent's
// handshake completed (with the subprotocol the upstream chose). Every refusal is an HTTP answer
// on the raw socket with the block markers, never a half-open relay.
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import { connect as netConnect, isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import WebSocket, { WebSocketServer, type PerMessageDeflateOptions } from 'ws';
import type { Finding, Verdict } from '../../core/index.ts';
import { blockRule, decisionEvent, enforcedBlock, stops, summarizeUrl, transportFinding } from '../decision.ts';
import { addressFindings, resolveChecked, type Dial, type ProxyContext } from '../http-proxy/context.ts';
import { connectListFindings } from '../http-proxy/connect-policy.ts';
import { egressHostFindings } from '../http-proxy/egress-hosts.ts';
import { isCertificateError } from '../http-proxy/exchange.ts';
import { chargeBudget, egressBytes, type RelayTracker } from '../http-proxy/control.ts';
import { endToEnd } from '../http-proxy/headers.ts';
import { relay } from './relay.ts';
import { handshakeProblem, upgradeTarget, type TargetOptions } from './target.ts';

export interface WebSocketUpgradeOptions extends TargetOptions {
  /** Session key for the engine's per-session state; defaults to the client address. */
  readonly session?: string;
  /**
   * The address already resolved and checked for this host (an intercepted tunnel's, checked when
   * the CONNECT was accepted). When given, the upstream is dialled there and no new lookup is made.
   */
  readonly address?: string;
  /**
   * Where the relay is judged again after each reload and ended by the kill switch with a close
   * code and reason (the listener's trackRelays); absent: neither.
   */
  readonly relays?: RelayTracker;
  /** The tracked socket the WebSocket rides on (a tunnel's CONNECT socket); defaults to the upgrade socket. */
  readonly carrier?: Duplex;
}

/** Fields of the agent's handshake that belong to its hop only; Tollgate makes its own upstream. */
const HANDSHAKE_ONLY = ['host', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol', 'sec-websocket-accept'];

/**
 * Both hops negotiate compression with Tollgate separately. `ws` applies maxPayload to the
 * inflated message, so a small compressed frame cannot expand past the limit.
 */
const DEFLATE: PerMessageDeflateOptions = { serverNoContextTakeover: true, clientNoContextTakeover: true, concurrencyLimit: 4, threshold: 1024 };

function refuseUpgrade(socket: Duplex, status: number, text: string, requestId: string, verdict?: Verdict, extra = ''): void {
  const rules = verdict ? [...new Set(verdict.findings.map((f) => f.rule))].slice(0, 8).join(',') : '';
  const body = `Tollgate refused this WebSocket upgrade: ${text}\n${rules ? `rules: ${rules}\n` : ''}request id: ${requestId}\n`;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `x-tollgate-blocked: 1\r\n${verdict ? `x-tollgate-block: ${blockRule(verdict)}\r\n` : ''}${rules ? `x-tollgate-rules: ${rules}\r\n` : ''}x-tollgate-request-id: ${requestId}\r\n${extra}connection: close\r\n\r\n${body}`,
  );
}

function protocolsOf(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  if (typeof raw !== 'string') return [];
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .slice(0, 32);
}

/**
 * The host lists for an upgrade to `url`: inside a tunnel the CONNECT host and port lists with the
 * egress lists (connect-policy.ts), outside one (absolute-form, `/ws?url=`) the egress lists
 * (proxy.allowHosts/denyHosts) for the URL's host.
 */
function destinationListFindings(ctx: ProxyContext, url: URL, opts: WebSocketUpgradeOptions): Finding[] {
  // A plain-HTTP tunnel (not secure) is inspected, so it may use port 80 off allowPorts.
  if (opts.authority !== undefined) return connectListFindings(ctx.config.proxy, opts.authority.host, opts.authority.port, !opts.secure);
  return egressHostFindings(ctx.config.proxy, url.hostname);
}

/**
 * What would refuse an open WebSocket if it were opened now, read from `live` (after a reload):
 * WebSockets turned off, the host lists (egress, and the tunnel's CONNECT lists in one), the URL
 * scan, the address it was dialled at.
 */
function openChecks(live: ProxyContext, url: URL, address: string, opts: WebSocketUpgradeOptions): Finding[] {
  const out: Finding[] = [];
  if (!live.config.websocket.enabled) out.push(transportFinding('policy/websocket-disabled', 'upgrade', 'WebSocket relaying is turned off (websocket.enabled: false).', { category: 'policy', mitre: 'T1071.001' }));
  out.push(...destinationListFindings(live, url, opts));
  out.push(...live.engine.scan({ kind: 'url', url: url.href }, { now: live.now() }).findings);
  out.push(...addressFindings(live, [address], 'url.host', 'the open WebSocket is closed'));
  return out;
}

/**
 * Handles one WebSocket upgrade: `{ secure: false }` on the proxy listener (absolute-form
 * `ws://` or `/ws?url=`), `{ secure: true, authority }` on the inner server of an intercepted
 * CONNECT (origin-form, meaning `wss://authority/path`), `{ secure: false, authority }` on the
 * inner server of a plain-HTTP CONNECT (`ws://authority/path`); in a tunnel the Host header must
 * name the authority (policy/host-mismatch). Resolves once the relay is wired or the
 * upgrade refused; never rejects for a client's mistake.
 */
export async function handleWebSocketUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: ProxyContext, opts: WebSocketUpgradeOptions): Promise<void> {
  const started = performance.now();
  const requestId = ctx.newRequestId();
  const session = opts.session ?? `proxy:${req.socket.remoteAddress ?? 'unknown'}`;
  socket.on('error', () => socket.destroy());
  const wcfg = ctx.config.websocket;
  let target = '[websocket upgrade]';
  const emit = (verdict: Verdict): Verdict => {
    ctx.emit(
      decisionEvent({
        type: 'request',
        transport: 'websocket',
        verdict,
        requestId,
        at: ctx.now(),
        latencyMs: performance.now() - started,
        mode: ctx.config.mode,
        configHash: ctx.configHash,
        target,
        method: 'GET',
        session,
        ...(ctx.config.agent !== undefined ? { agent: ctx.config.agent } : {}),
      }),
    );
    return verdict;
  };
  /** Refuses with an HTTP answer; the event records the block that was enforced (nothing was relayed). */
  const refuse = (status: number, verdict: Verdict, extra = ''): void => {
    // ask and redact stop an upgrade too: what is recorded is the block enforced
    const enforced: Verdict = enforcedBlock(verdict);
    emit(enforced);
    refuseUpgrade(socket, status, enforced.reason, requestId, enforced, extra);
  };

  if (!wcfg.enabled) {
    refuse(403, ctx.engine.judge([transportFinding('policy/websocket-disabled', 'upgrade', 'WebSocket relaying is turned off (websocket.enabled: false).', { category: 'policy', mitre: 'T1071.001' })]));
    return;
  }
  // A handshake has no body. With a Transfer-Encoding, Node hands the chunked (perhaps further
  // coded) bytes after the head over as the start of the upgraded stream: what is body and what is
  // frames is ambiguous, so it is refused as a request with such framing is (http-limits.ts wellFramed).
  // A Content-Length other than 0 is the same ambiguity: Node does not read a body for an upgrade,
  // so the declared bytes would arrive as the first "frames".
  if (req.headers['transfer-encoding'] !== undefined) {
    refuse(400, ctx.engine.judge([transportFinding('engine/malformed-request', 'header.transfer-encoding', 'The WebSocket handshake carries a Transfer-Encoding (a handshake has no body); it is refused.', { category: 'policy', mitre: 'T1190' })]));
    return;
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && declared.trim() !== '0') {
    refuse(400, ctx.engine.judge([transportFinding('engine/malformed-request', 'header.content-length', 'The WebSocket handshake declares a body (a handshake has none); it is refused.', { category: 'policy', mitre: 'T1190' })]));
    return;
  }
  const where = upgradeTarget(req, opts);
  if (!where.ok) {
    if (where.status === 404) {
      refuseUpgrade(socket, 404, where.why, requestId);
      return;
    }
    if (where.hostMismatch) {
      refuse(where.status, ctx.engine.judge([transportFinding('policy/host-mismatch', 'header.host', 'The Host header differs from the CONNECT host (domain fronting or a request for another site).', { category: 'policy', severity: 'high', mitre: 'T1090.004' })]));
      return;
    }
    refuse(where.status, ctx.engine.judge([transportFinding('engine/invalid-input', 'upgrade', `The upgrade cannot be relayed: ${where.why}.`)]));
    return;
  }
  const url = where.target.url;
  target = summarizeUrl(url.href);
  const problem = handshakeProblem(req);
  if (problem) {
    refuse(400, ctx.engine.judge([transportFinding('engine/invalid-input', 'upgrade', `The WebSocket handshake is malformed: ${problem}.`)]));
    return;
  }

  // 1. The upgrade request, scanned before anything leaves, with the host lists running now (the
  // egress lists for every form; inside a tunnel the CONNECT lists too, since a reload may have
  // denied the tunnel's host since it opened).
  const headers = endToEnd(req.headers, HANDSHAKE_ONLY);
  let scanned = ctx.engine.scan({ kind: 'request', method: 'GET', url: url.href, headers }, { now: ctx.now(), session, ...(ctx.config.agent ? { agent: ctx.config.agent } : {}) });
  const listed = destinationListFindings(ctx, url, opts);
  if (listed.length > 0) scanned = ctx.engine.judge([...listed, ...scanned.findings]);
  if (stops(scanned)) {
    refuse(403, scanned);
    return;
  }
  // The upgrade is one request against the per-domain budgets (its messages count their bytes, relay.ts).
  const over = chargeBudget(ctx, url.hostname, { requests: 1, bytes: egressBytes(url, headers, 0) }, 'url.host');
  if (over) {
    scanned = ctx.engine.judge([...scanned.findings, over.finding]);
    if (stops(scanned)) {
      refuse(429, scanned, `retry-after: ${over.retryAfterSeconds}\r\n`);
      return;
    }
  }
  // 2. One resolution, every address checked (or the address the tunnel already checked).
  // The tunnel's address is judged again by the engine running now.
  const dial: Dial = opts.address !== undefined ? { address: opts.address, all: [opts.address], findings: addressFindings(ctx, [opts.address], 'url.host', 'blocked before connecting (SSRF defence)') } : await resolveChecked(ctx, url.hostname, 'url.host');
  const findings: Finding[] = [...scanned.findings, ...dial.findings];
  if (dial.findings.length > 0) {
    const v = ctx.engine.judge(findings);
    if (stops(v) || dial.address === undefined) {
      refuse(stops(v) ? 403 : 502, v);
      return;
    }
    ctx.note(`audit mode: opening a WebSocket to ${url.hostname} although its address check failed (${v.findings[0]?.rule ?? 'unknown rule'})`);
  }
  const address = dial.address as string;
  const secure = url.protocol === 'wss:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (secure ? 443 : 80));
  const protocols = protocolsOf(req);

  // 3. The upstream handshake, to the checked address (no second lookup).
  let upstream: WebSocket;
  try {
    upstream = new WebSocket(url.href, protocols, {
      createConnection: () =>
        secure
          ? tlsConnect({
              host: address,
              port,
              ALPNProtocols: ['http/1.1'],
              rejectUnauthorized: true,
              ...(isIP(host) ? {} : { servername: host }),
              ...(ctx.tls?.upstream ? { secureContext: ctx.tls.upstream } : {}),
            })
          : netConnect({ host: address, port }),
      headers: headers as Record<string, string>,
      maxPayload: wcfg.maxMessageBytes,
      perMessageDeflate: wcfg.perMessageDeflate ? DEFLATE : false,
      handshakeTimeout: ctx.config.proxy.connectTimeoutMs,
      followRedirects: false,
    });
  } catch (err) {
    refuse(400, ctx.engine.judge([...findings, transportFinding('engine/invalid-input', 'upgrade', `The upgrade cannot be relayed: ${(err as Error).message.slice(0, 120)}.`)]));
    return;
  }
  const opened = await new Promise<{ ok: true } | { ok: false; why: string; cert?: boolean }>((resolve) => {
    const clientGone = (): void => {
      upstream.terminate();
      resolve({ ok: false, why: 'the client went away during the handshake' });
    };
    socket.once('close', clientGone);
    upstream.once('open', () => {
      socket.off('close', clientGone);
      // Hold upstream messages until the relay listens (a message may share the 101's packet).
      upstream.pause();
      resolve({ ok: true });
    });
    upstream.once('unexpected-response', (r, res) => {
      socket.off('close', clientGone);
      res.resume();
      r.destroy();
      resolve({ ok: false, why: `the upstream answered ${res.statusCode ?? 0} instead of switching protocols` });
    });
    upstream.on('error', (err: Error) => {
      socket.off('close', clientGone);
      resolve({ ok: false, why: `the upstream could not be reached (${err.message.slice(0, 120)})`, cert: isCertificateError(err) });
    });
  });
  if (!opened.ok) {
    if (upstream.readyState !== upstream.CLOSED) upstream.terminate();
    const f = opened.cert
      ? transportFinding('engine/upstream-cert-invalid', 'upstream.certificate', `The WebSocket upstream's TLS certificate did not verify: ${opened.why}; nothing was relayed.`, { category: 'engine', severity: 'high', mitre: 'T1557' })
      : transportFinding('engine/upstream-error', 'upstream', `The WebSocket upstream refused or failed: ${opened.why}.`, { category: 'engine', severity: 'medium' });
    refuse(502, ctx.engine.judge([...findings, f]));
    return;
  }
  emit(findings.length > 0 ? ctx.engine.judge(findings) : scanned);

  // 4. The agent's handshake, completed with the subprotocol the upstream chose.
  const chosen = upstream.protocol;
  const server = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: wcfg.maxMessageBytes,
    perMessageDeflate: wcfg.perMessageDeflate ? DEFLATE : false,
    handleProtocols: (offered: Set<string>) => (chosen && offered.has(chosen) ? chosen : false),
  });
  let wired = false;
  socket.once('close', () => {
    if (!wired) upstream.terminate();
  });
  server.handleUpgrade(req, socket, head, (client) => {
    wired = true;
    relay(client, upstream, {
      ctx,
      session,
      url: url.href,
      target,
      maxMessageBytes: wcfg.maxMessageBytes,
      ...(opts.relays !== undefined ? { relays: opts.relays, carrier: opts.carrier ?? socket, recheck: (live: ProxyContext) => openChecks(live, url, address, opts) } : {}),
    });
    upstream.resume();
  });
}
