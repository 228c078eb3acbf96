// CONNECT tunnels without interception: only the host, the port and the TLS server name are
// visible, so those are what is checked (host/port policy, the engine's URL scan of the host, one
// resolution with every address checked, SNI equal to the CONNECT host). The content is not
// inspected; the log says so once per host. Interception is a separate handler.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Finding, Verdict } from '../../core/index.ts';
import { decisionEvent, stops, summarizeUrl, transportFinding } from '../decision.ts';
import { resolveChecked, type ProxyContext } from './context.ts';
import { MAX_HELLO, parseClientHello } from './sni.ts';

/** Splits `host:port` / `[v6]:port`; null when malformed. */
export function parseAuthority(authority: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s/@]+)):(\d{1,5})$/.exec(authority);
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: (m[1] ?? m[2] ?? '').toLowerCase(), port };
}

export function hostMatches(host: string, patterns: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((p) => {
    const q = p.toLowerCase();
    return q.startsWith('*.') ? h.endsWith(q.slice(1)) : h === q;
  });
}

const HELLO_TIMEOUT_MS = 10_000;

function refuse(socket: Socket, status: number, verdict: Verdict, requestId: string): void {
  const rules = [...new Set(verdict.findings.map((f) => f.rule))].slice(0, 8).join(',');
  const body = `Tollgate blocked this tunnel: ${verdict.reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Bad Gateway'}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-tollgate-blocked: 1\r\nx-tollgate-rules: ${rules}\r\nx-tollgate-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export async function handleConnect(req: IncomingMessage, client: Socket, head: Buffer, ctx: ProxyContext, session: string, noted: Set<string>): Promise<void> {
  const started = performance.now();
  const requestId = ctx.newRequestId();
  client.on('error', () => client.destroy());
  const auth = parseAuthority(req.url ?? '');
  const emit = (verdict: Verdict, target: string): Verdict => {
    ctx.emit(
      decisionEvent({
        type: 'tunnel',
        transport: 'http-connect',
        verdict,
        requestId,
        at: ctx.now(),
        latencyMs: performance.now() - started,
        mode: ctx.config.mode,
        configHash: ctx.configHash,
        target,
        method: 'CONNECT',
        session,
        ...(ctx.config.agent !== undefined ? { agent: ctx.config.agent } : {}),
      }),
    );
    return verdict;
  };
  if (!auth) {
    const v = emit(ctx.engine.judge([transportFinding('engine/invalid-input', 'connect.authority', 'The CONNECT target is not host:port.')]), '[malformed authority]');
    refuse(client, 400, { ...v, action: 'block' }, requestId);
    return;
  }
  const { host, port } = auth;
  const shown = summarizeUrl(`https://${isIP(host) === 6 ? `[${host}]` : host}:${port}/`).replace(/\/$/, '');
  const c = ctx.config.proxy.connect;
  const findings: Finding[] = [];
  const policy = (rule: string, message: string): void => {
    findings.push(transportFinding(rule, 'connect.authority', message, { scanner: 'engine', category: 'policy', severity: 'high', mitre: 'T1571' }));
  };
  if (!c.allowPorts.includes(port)) policy('policy/connect-port', `CONNECT to port ${port} is not allowed (allowed: ${c.allowPorts.join(', ')}).`);
  if (hostMatches(host, c.denyHosts)) policy('policy/connect-host-denied', 'The host is on proxy.connect.denyHosts.');
  if (c.allowHosts.length > 0 && !hostMatches(host, c.allowHosts)) policy('policy/connect-host-not-allowed', 'The host is not on proxy.connect.allowHosts.');
  const scanned = ctx.engine.scan({ kind: 'url', url: `https://${isIP(host) === 6 ? `[${host}]` : host}:${port}/` }, { now: ctx.now(), session });
  findings.push(...scanned.findings);
  let verdict = ctx.engine.judge(findings);
  if (stops(verdict)) {
    refuse(client, 403, emit(verdict, shown), requestId);
    return;
  }
  const dial = await resolveChecked(ctx, host, 'connect.host');
  if (dial.findings.length > 0) {
    verdict = ctx.engine.judge([...findings, ...dial.findings]);
    if (stops(verdict) || dial.address === undefined) {
      refuse(client, stops(verdict) ? 403 : 502, emit(stops(verdict) ? verdict : { ...verdict, action: 'block' }, shown), requestId);
      return;
    }
  }
  const upstream = netConnect({ host: dial.address as string, port, timeout: ctx.config.proxy.connectTimeoutMs });
  upstream.on('error', () => {
    upstream.destroy();
    client.destroy();
  });
  await new Promise<void>((resolve) => {
    upstream.once('connect', () => resolve());
    upstream.once('error', () => resolve());
    upstream.once('timeout', () => {
      upstream.destroy(new Error('connect timeout'));
      resolve();
    });
  });
  if (upstream.destroyed || !upstream.writable) {
    const v = emit(ctx.engine.judge([...findings, transportFinding('engine/upstream-error', 'connect.host', 'The upstream could not be reached.', { category: 'engine', severity: 'medium' })]), shown);
    refuse(client, 502, { ...v, action: 'block' }, requestId);
    return;
  }
  upstream.setTimeout(0);
  client.write('HTTP/1.1 200 Connection Established\r\n\r\n');

  // The first bytes must be a TLS ClientHello naming the host that was checked.
  let buffered = head;
  const hello = await new Promise<ReturnType<typeof parseClientHello>>((resolve) => {
    let settled = false;
    const done = (r: ReturnType<typeof parseClientHello>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.off('data', onData);
      client.pause();
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const r = parseClientHello(buffered);
      if (r.state !== 'need-more' || buffered.length > MAX_HELLO + 1024) done(r.state === 'need-more' ? { state: 'malformed', why: 'ClientHello too large' } : r);
    };
    const timer = setTimeout(() => done({ state: 'malformed', why: 'no ClientHello within 10 s' }), HELLO_TIMEOUT_MS);
    client.once('close', () => done({ state: 'malformed', why: 'the client closed the tunnel' }));
    const first = parseClientHello(buffered);
    if (first.state !== 'need-more') done(first);
    else client.on('data', onData);
  });
  const sniFindings: Finding[] = [];
  if (hello.state === 'not-tls') {
    sniFindings.push(transportFinding('policy/connect-not-tls', 'connect.stream', 'The tunnel does not carry TLS; without interception its content cannot be inspected, so it is refused.', { category: 'policy', mitre: 'T1572' }));
  } else if (hello.state === 'malformed' || hello.state === 'need-more') {
    sniFindings.push(transportFinding('policy/connect-bad-hello', 'connect.stream', `The TLS ClientHello could not be read (${hello.state === 'malformed' ? hello.why : 'incomplete'}).`, { category: 'policy', mitre: 'T1572' }));
  } else if (hello.serverName !== null && !isIP(host) && hello.serverName !== host.replace(/\.$/, '')) {
    sniFindings.push(transportFinding('policy/sni-mismatch', 'connect.sni', `The TLS server name differs from the CONNECT host (domain fronting or a tunnel to another site).`, { category: 'policy', mitre: 'T1090.004' }));
  }
  verdict = ctx.engine.judge([...findings, ...dial.findings, ...sniFindings]);
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
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
}
