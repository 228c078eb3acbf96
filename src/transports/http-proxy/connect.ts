// CONNECT tunnels. Every tunnel is checked on what is visible before any content: host/port
// policy, the engine's URL scan of the host, one resolution with every address checked, and a TLS
// ClientHello whose server name equals the CONNECT host. Then either
// - interception (proxy.tlsInterception.enabled, host not in passthrough): TLS is terminated with a
//   leaf for the CONNECT host and every request inside is scanned (intercept.ts); the tunnel's
//   decision event is transport 'https-intercept', method 'CONNECT+TLS' (a CONNECT refused before
//   its 200, for its port, host or address, or one whose first bytes are not TLS, is recorded as
//   'http-connect'/'CONNECT', as without interception); or
// - a blind tunnel: bytes are relayed to the checked address and only the host was inspected (the
//   log says so once per host); its decision event is transport 'http-connect', method 'CONNECT'; or
// - plain HTTP (the tunnel's first bytes are an HTTP request, as undici's ProxyAgent sends for an
//   http:// URL): served through the forward proxy's exchange (plain-tunnel.ts), every request
//   scanned, to the checked host, port and address; its decision event is transport
//   'http-connect', method 'CONNECT+HTTP', and its requests are transport 'http-forward'. Such a
//   tunnel is inspected, not blind, so port 80 needs no proxy.connect.allowPorts entry; a
//   CONNECT to port 80 that turns out to carry anything else is refused (policy/connect-port).
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Finding, Verdict } from '../../core/index.ts';
import { blockRule, decisionEvent, enforcedBlock, stops, summarizeUrl, transportFinding } from '../decision.ts';
import { parseAuthority } from './authority.ts';
import { addressFindings, resolveChecked, type ProxyContext } from './context.ts';
import { connectFinding, connectListFindings, hostMatches, PLAIN_HTTP_PORT, portMessage } from './connect-policy.ts';
import type { Interceptor } from './intercept.ts';
import { httpUndecided, looksLikeHttp, type PlainTunnels } from './plain-tunnel.ts';
import { chargeBudget, type RelayTracker } from './control.ts';
import { MAX_HELLO, parseClientHello, type SniResult } from './sni.ts';

export { parseAuthority } from './authority.ts';
export { hostMatches } from './connect-policy.ts';

const HELLO_TIMEOUT_MS = 10_000;

function refuse(socket: Socket, status: number, verdict: Verdict, requestId: string, retryAfterSeconds?: number): void {
  const rules = [...new Set(verdict.findings.map((f) => f.rule))].slice(0, 8).join(',');
  const body = `Tollgate blocked this tunnel: ${verdict.reason}\n`;
  const retry = retryAfterSeconds !== undefined ? `retry-after: ${retryAfterSeconds}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${retry}content-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-tollgate-blocked: 1\r\nx-tollgate-block: ${blockRule(verdict)}\r\nx-tollgate-rules: ${rules}\r\nx-tollgate-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** The URL a tunnel's host is scanned as. */
function tunnelUrl(host: string, port: number): string {
  return `https://${isIP(host) === 6 ? `[${host}]` : host}:${port}/`;
}

/** What would refuse an open blind tunnel if it were opened now: the lists, the host's URL scan, its address. */
function blindTunnelChecks(live: ProxyContext, host: string, port: number, address: string): Finding[] {
  return [
    ...connectListFindings(live.config.proxy, host, port, false),
    ...live.engine.scan({ kind: 'url', url: tunnelUrl(host, port) }, { now: live.now() }).findings,
    ...addressFindings(live, [address], 'connect.host', 'the open tunnel is closed'),
  ];
}

/** Reads the ClientHello from a tunnel (bounded in size and time); leaves the client paused. */
function readHello(client: Socket, head: Buffer): Promise<{ hello: SniResult; buffered: Buffer }> {
  let buffered = head;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: SniResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.off('data', onData);
      client.pause();
      resolve({ hello: r, buffered });
    };
    // Not TLS, but maybe the start of an HTTP request line that came in pieces: read on.
    const settledBy = (r: SniResult): boolean => r.state !== 'need-more' && !(r.state === 'not-tls' && httpUndecided(buffered));
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const r = parseClientHello(buffered);
      if (settledBy(r) || buffered.length > MAX_HELLO + 1024) done(r.state === 'need-more' ? { state: 'malformed', why: 'ClientHello too large' } : r);
    };
    const timer = setTimeout(() => done({ state: 'malformed', why: 'no ClientHello within 10 s' }), HELLO_TIMEOUT_MS);
    client.once('close', () => done({ state: 'malformed', why: 'the client closed the tunnel' }));
    const first = parseClientHello(buffered);
    if (settledBy(first)) done(first);
    else client.on('data', onData);
  });
}

/** What the ClientHello says about the tunnel: not TLS, unreadable, or naming another host. */
function helloFindings(hello: SniResult, host: string, intercepting: boolean): Finding[] {
  if (hello.state === 'not-tls') {
    const why = intercepting ? 'the proxy intercepts TLS only, so it is refused' : 'without interception its content cannot be inspected, so it is refused';
    return [transportFinding('policy/connect-not-tls', 'connect.stream', `The tunnel does not carry TLS; ${why}.`, { category: 'policy', mitre: 'T1572' })];
  }
  if (hello.state === 'malformed' || hello.state === 'need-more') {
    return [transportFinding('policy/connect-bad-hello', 'connect.stream', `The TLS ClientHello could not be read (${hello.state === 'malformed' ? hello.why : 'incomplete'}).`, { category: 'policy', mitre: 'T1572' })];
  }
  if (hello.serverName !== null && !isIP(host) && hello.serverName !== host.replace(/\.$/, '')) {
    return [transportFinding('policy/sni-mismatch', 'connect.sni', `The TLS server name differs from the CONNECT host (domain fronting or a tunnel to another site).`, { category: 'policy', mitre: 'T1090.004' })];
  }
  return [];
}

export async function handleConnect(
  req: IncomingMessage,
  client: Socket,
  head: Buffer,
  ctx: ProxyContext,
  session: string,
  noted: Set<string>,
  interceptor?: Interceptor,
  plain?: PlainTunnels,
  relays?: RelayTracker,
): Promise<void> {
  const started = performance.now();
  const requestId = ctx.newRequestId();
  client.on('error', () => client.destroy());
  const auth = parseAuthority(req.url ?? '');
  const tlsCfg = ctx.config.proxy.tlsInterception;
  const intercepting = interceptor !== undefined && ctx.tls !== undefined && auth !== null && !hostMatches(auth.host, tlsCfg.passthrough);
  // `as`: what the tunnel was seen to be. A refusal before the 200 (no byte of the tunnel read) is a
  // CONNECT refusal whether or not interception is on; only a tunnel whose TLS ClientHello was read
  // for interception is recorded as intercepted.
  // A verdict that stops a tunnel (block, and ask or redact, which a tunnel cannot hold or rewrite)
  // is recorded as the block enforced.
  const emit = (judged: Verdict, target: string, as: 'tunnel' | 'http' | 'intercepted' = 'tunnel'): Verdict => {
    const verdict = stops(judged) ? enforcedBlock(judged) : judged;
    ctx.emit(
      decisionEvent({
        type: 'tunnel',
        transport: as === 'intercepted' ? 'https-intercept' : 'http-connect',
        verdict,
        requestId,
        at: ctx.now(),
        latencyMs: performance.now() - started,
        mode: ctx.config.mode,
        configHash: ctx.configHash,
        target,
        method: as === 'http' ? 'CONNECT+HTTP' : as === 'intercepted' ? 'CONNECT+TLS' : 'CONNECT',
        session,
        ...(ctx.config.agent !== undefined ? { agent: ctx.config.agent } : {}),
      }),
    );
    return verdict;
  };
  if (!auth) {
    const v = emit(enforcedBlock(ctx.engine.judge([transportFinding('engine/invalid-input', 'connect.authority', 'The CONNECT target is not host:port.')])), '[malformed authority]');
    refuse(client, 400, v, requestId);
    return;
  }
  const { host, port } = auth;
  const shown = summarizeUrl(`https://${isIP(host) === 6 ? `[${host}]` : host}:${port}/`).replace(/\/$/, '');
  const c = ctx.config.proxy.connect;
  // Port 80 off the list: allowed only for plain HTTP, which is inspected; known once the first bytes arrive.
  const plainOnly = !c.allowPorts.includes(port) && port === PLAIN_HTTP_PORT && plain !== undefined;
  const findings: Finding[] = connectListFindings(ctx.config.proxy, host, port, plain !== undefined);
  const scanned = ctx.engine.scan({ kind: 'url', url: tunnelUrl(host, port) }, { now: ctx.now(), session });
  findings.push(...scanned.findings);
  let verdict = ctx.engine.judge(findings);
  if (stops(verdict)) {
    refuse(client, 403, emit(verdict, shown), requestId);
    return;
  }
  // Per-domain budgets (control.ts): a blind tunnel counts as one request; an intercepted or plain-HTTP one's requests are counted inside it.
  const over = intercepting || plainOnly ? null : chargeBudget(ctx, host, { requests: 1, bytes: 0 }, 'connect.host');
  if (over) {
    findings.push(over.finding);
    verdict = ctx.engine.judge(findings);
    if (stops(verdict)) {
      refuse(client, 429, emit(verdict, shown), requestId, over.retryAfterSeconds);
      return;
    }
  }
  const dial = await resolveChecked(ctx, host, 'connect.host');
  if (dial.findings.length > 0) {
    verdict = ctx.engine.judge([...findings, ...dial.findings]);
    if (stops(verdict) || dial.address === undefined) {
      refuse(client, stops(verdict) ? 403 : 502, emit(enforcedBlock(verdict), shown), requestId);
      return;
    }
  }
  const tunnel = { host, port, address: dial.address as string, session, carrier: client, ...(ctx.requester ? { requester: ctx.requester } : {}) };
  /** Serves the tunnel as plain HTTP when its first bytes are an HTTP request; false otherwise. */
  const servedPlain = (buffered: Buffer): boolean => {
    if (plain === undefined || !looksLikeHttp(buffered)) return false;
    const v = emit(ctx.engine.judge([...findings, ...dial.findings]), shown.replace(/^https:/, 'http:'), 'http');
    if (stops(v)) {
      client.destroy();
      return true;
    }
    plain.accept(client, buffered, tunnel);
    return true;
  };
  if (plainOnly || (intercepting && interceptor && ctx.tls)) {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    const { hello, buffered } = await readHello(client, head);
    if (hello.state === 'not-tls' && servedPlain(buffered)) return;
    if (plainOnly) {
      // Not plain HTTP: a tunnel to a port that is not on allowPorts is refused.
      findings.push(connectFinding('policy/connect-port', `${portMessage(c, port)} Only plain HTTP, which Tollgate inspects, may use port ${PLAIN_HTTP_PORT} without it.`));
      // Refused in every mode (nothing was relayed): the event records that block.
      emit(enforcedBlock(ctx.engine.judge([...findings, ...dial.findings])), shown);
      client.destroy();
      return;
    }
    await intercept(client, hello, buffered, host);
    return;
  }
  const upstream = netConnect({ host: dial.address as string, port, timeout: ctx.config.proxy.connectTimeoutMs });
  // Until the upstream is connected the client is still waiting for an answer (a 502 below); after
  // that an upstream failure ends the tunnel.
  let connected = false;
  upstream.on('error', () => {
    upstream.destroy();
    if (connected) client.destroy();
  });
  connected = await new Promise<boolean>((resolve) => {
    upstream.once('connect', () => resolve(true));
    upstream.once('error', () => resolve(false));
    upstream.once('timeout', () => {
      upstream.destroy(new Error('connect timeout'));
      resolve(false);
    });
  });
  if (!connected || upstream.destroyed || !upstream.writable) {
    connected = false;
    upstream.destroy();
    // Nothing can be relayed, whatever the mode: the event records the block that is enforced.
    const v = emit(enforcedBlock(ctx.engine.judge([...findings, transportFinding('engine/upstream-error', 'connect.host', 'The upstream could not be reached.', { category: 'engine', severity: 'medium' })])), shown);
    refuse(client, 502, v, requestId);
    return;
  }
  connected = true;
  upstream.setTimeout(0);
  client.write('HTTP/1.1 200 Connection Established\r\n\r\n');

  // The first bytes must be a TLS ClientHello naming the host that was checked, or plain HTTP,
  // which is served inspected instead of relayed.
  const { hello, buffered } = await readHello(client, head);
  if (hello.state === 'not-tls' && servedPlain(buffered)) {
    upstream.destroy();
    return;
  }
  verdict = ctx.engine.judge([...findings, ...dial.findings, ...helloFindings(hello, host, false)]);
  emit(verdict, shown);
  if (stops(verdict)) {
    upstream.destroy();
    client.destroy();
    return;
  }
  if (!noted.has(host) && noted.size < 10_000) {
    noted.add(host);
    ctx.note(`CONNECT ${shown}: tunnelled without TLS interception; only the host and server name were inspected`);
  }
  upstream.write(buffered);
  client.pipe(upstream);
  upstream.pipe(client);
  client.resume();
  // Judged again after each reload: closed once the running lists or policy would refuse it (control.ts).
  const address = dial.address as string;
  const recordReload = (v: Verdict, live: ProxyContext): void => {
    live.emit(
      decisionEvent({
        type: 'tunnel',
        transport: 'http-connect',
        verdict: v,
        requestId: live.newRequestId(),
        at: live.now(),
        latencyMs: performance.now() - started,
        mode: live.config.mode,
        configHash: live.configHash,
        target: shown,
        method: 'CONNECT',
        session,
        ...(ctx.config.agent !== undefined ? { agent: ctx.config.agent } : {}),
      }),
    );
  };
  const forget = relays?.watch({
    recheck: (live) => blindTunnelChecks(live, host, port, address),
    // Audit mode: one event says enforce mode would have closed it; it stays open.
    spared: (v, live) => recordReload({ ...v, reason: `${v.reason} The open tunnel would have been closed after a config reload; it stays open.` }, live),
    end: (v, live) => {
      recordReload({ ...v, reason: `${v.reason} The open tunnel was closed after a config reload.` }, live);
      client.destroy();
      upstream.destroy();
    },
  });
  client.on('close', () => {
    forget?.();
    upstream.destroy();
  });
  upstream.on('close', () => client.destroy());

  /** Terminates TLS with a leaf for the CONNECT host; the upstream is dialled per request. */
  async function intercept(client: Socket, hello: SniResult, buffered: Buffer, host: string): Promise<void> {
    const tlsCtx = ctx.tls as NonNullable<ProxyContext['tls']>;
    const checks = [...findings, ...dial.findings, ...helloFindings(hello, host, true)];
    let secureContext: SecureContext | null = null;
    if (!stops(ctx.engine.judge(checks))) {
      try {
        // The leaf names the CONNECT host that was checked, not the server name the client sent.
        secureContext = await tlsCtx.leaves.contextFor(host);
      } catch (err) {
        checks.push(transportFinding('engine/intercept-failed', 'connect.host', `No certificate could be made for this host (${(err as Error).message.slice(0, 120)}); the tunnel is refused.`, { category: 'engine', mitre: 'T1572' }));
      }
    }
    const judgedTunnel = ctx.engine.judge(checks);
    // Without a leaf the tunnel cannot be served, whatever the mode: record the block that happens.
    // A tunnel that turned out not to carry TLS was never intercepted: it is a refused CONNECT.
    const v = emit(secureContext === null ? enforcedBlock(judgedTunnel) : judgedTunnel, shown, hello.state === 'not-tls' ? 'tunnel' : 'intercepted');
    if (stops(v) || secureContext === null) {
      client.destroy();
      return;
    }
    (interceptor as Interceptor).accept(client, buffered, secureContext, tunnel);
  }
}
