import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import type { DecisionEvent } from '../../core/index.ts';
import { parseConfig } from '../../config/index.ts';
import { createEngine } from '../../engine/index.ts';
import { createAgentNames, createBudgets, createKillSwitch, type KillSwitch } from '../../state/index.ts';
import type { ProxyContext } from './context.ts';
import { createResolver } from './resolver.ts';
import { startProxy, type ProxyServer } from './server.ts';
import { curl, startHttpsUpstream, startUpstream, type Upstream } from './testing.ts';
import { loadProxyTls, mintLeaf } from './tls/index.ts';
import { createTestCa } from './tls/testing.ts';

const T0 = 1_700_000_000_000;

interface Controlled {
  readonly server: ProxyServer;
  readonly events: DecisionEvent[];
  readonly notes: string[];
  readonly killSwitch: KillSwitch;
  close(): Promise<void>;
}

/** A proxy with the control plane's state, a frozen clock (budgets never refill) and loopback upstreams reachable by name. */
async function startControlled(upstreamPort: number, yaml = '', opts: { proxyLines?: string[]; tlsDir?: string } = {}): Promise<Controlled> {
  const loaded = parseConfig(
    [
      'preset: balanced',
      'scanners:',
      '  ssrf:',
      '    allowCidrs: ["127.0.0.1/32"]',
      'dns:',
      '  overrides:',
      '    a.example.com: 127.0.0.1',
      '    b.example.com: 127.0.0.1',
      '    other.test: 127.0.0.1',
      'proxy:',
      '  connect:',
      `    allowPorts: [${upstreamPort}]`,
      ...(opts.proxyLines ?? []),
      yaml,
    ].join('\n'),
  );
  const config = loaded.config;
  const tls = opts.tlsDir !== undefined ? (await loadProxyTls(config.proxy.tlsInterception, opts.tlsDir)).tls : undefined;
  const events: DecisionEvent[] = [];
  const notes: string[] = [];
  const killSwitch = createKillSwitch();
  let n = 0;
  const ctx: ProxyContext = {
    engine: createEngine(config),
    config,
    configHash: loaded.hash,
    resolver: createResolver(config.dns),
    emit: (e) => events.push(e),
    now: () => T0,
    newRequestId: () => `req-${++n}`,
    note: (m) => notes.push(m),
    control: { killSwitch, budgets: createBudgets({ maxKeys: 1000 }), agentNames: createAgentNames({ maxNamesPerClient: config.identity.maxAgentsPerClient }) },
    ...(tls ? { tls } : {}),
  };
  const server = await startProxy(ctx, { listen: { host: '127.0.0.1', port: 0 } });
  return { server, events, notes, killSwitch, close: () => server.close() };
}

const rulesOf = (e: DecisionEvent | undefined): string[] => (e?.findings ?? []).map((f) => f.rule);

describe('kill switch on the proxy listener', () => {
  let up: Upstream;
  let p: Controlled;
  before(async () => {
    up = await startUpstream((_req, res) => res.end('upstream ok'));
    p = await startControlled(up.port);
  });
  after(async () => {
    await p.close();
    await up.close();
  });

  it('answers 503 with the block markers to forward, CONNECT and /fetch while on, and relays again once off', async () => {
    const url = `http://a.example.com:${up.port}/x`;
    assert.equal((await curl(p.server.url, [url])).status, 200);
    const seen = up.seen.length;
    p.killSwitch.setManual(true, 'api', T0);
    const forward = await curl(p.server.url, [url]);
    assert.equal(forward.status, 503);
    assert.equal(forward.headers['x-tollgate-blocked'], '1');
    assert.equal(forward.headers['x-tollgate-block'], 'policy/kill-switch');
    assert.match(forward.body, /kill switch is on/);
    const tunnel = await curl(p.server.url, ['--proxytunnel', `http://a.example.com:${up.port}/`]);
    assert.equal(tunnel.status, 503);
    assert.equal(tunnel.headers['x-tollgate-block'], 'policy/kill-switch');
    const fetched = await fetch(`${p.server.url}/fetch?url=${encodeURIComponent(url)}`);
    assert.equal(fetched.status, 503);
    assert.equal(fetched.headers.get('x-tollgate-blocked'), '1');
    assert.equal(up.seen.length, seen, 'nothing reached the upstream while the switch was on');
    const killed = p.events.slice(-3);
    assert.deepEqual(
      killed.map((e) => [e.type, e.transport, e.action, rulesOf(e).join()]),
      [
        ['request', 'http-forward', 'block', 'policy/kill-switch'],
        ['tunnel', 'http-connect', 'block', 'policy/kill-switch'],
        ['fetch', 'fetch', 'block', 'policy/kill-switch'],
      ],
    );
    p.killSwitch.setManual(false, 'api', T0);
    const again = await curl(p.server.url, [url]);
    assert.equal(again.status, 200);
    assert.equal(again.body, 'upstream ok');
  });

  it('closes an open WebSocket relay when the switch turns on', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (s) => s.on('message', (m, binary) => s.send(m, { binary })));
    try {
      await new Promise<void>((r) => wss.once('listening', () => r()));
      const wsPort = (wss.address() as AddressInfo).port;
      const target = `ws://other.test:${wsPort}/`;
      const ws = new WebSocket(`${p.server.url.replace(/^http/, 'ws')}/ws?url=${encodeURIComponent(target)}`);
      await new Promise<void>((res, rej) => {
        ws.once('open', () => res());
        ws.once('error', rej);
      });
      const echoed = new Promise<string>((res) => ws.once('message', (m) => res(String(m))));
      ws.send('hello');
      assert.equal(await echoed, 'hello');
      const closed = new Promise<void>((res) => ws.once('close', () => res()));
      p.killSwitch.setManual(true, 'signal', T0);
      await closed;
      assert.equal(ws.readyState, WebSocket.CLOSED);
      const refused = await new Promise<number>((res) => {
        const again = new WebSocket(`${p.server.url.replace(/^http/, 'ws')}/ws?url=${encodeURIComponent(target)}`);
        again.once('unexpected-response', (_req, r) => res(r.statusCode ?? 0));
        again.once('open', () => res(101));
        again.once('error', () => undefined);
      });
      assert.equal(refused, 503);
    } finally {
      p.killSwitch.setManual(false, 'signal', T0);
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    }
  });
});

describe('agent identity', () => {
  let up: Upstream;
  let p: Controlled;
  before(async () => {
    up = await startUpstream((_req, res) => res.end('ok'));
    p = await startControlled(up.port, 'identity:\n  maxAgentsPerClient: 2\n  listeners:\n    proxy: default-bot\n');
  });
  after(async () => {
    await p.close();
    await up.close();
  });

  it('names the agent from X-Tollgate-Agent, strips the header before forwarding, and keys the session by agent and client', async () => {
    const r = await curl(p.server.url, ['-H', 'X-Tollgate-Agent: claude-1', `http://a.example.com:${up.port}/who`]);
    assert.equal(r.status, 200);
    const seen = up.seen.at(-1);
    assert.equal(seen?.url, '/who');
    assert.equal(seen?.headers['x-tollgate-agent'], undefined, 'the upstream never sees the header');
    const e = p.events.filter((x) => x.type === 'request').at(-1);
    assert.equal(e?.agent, 'claude-1');
    assert.equal(e?.session, 'proxy:claude-1@127.0.0.1');
    const resp = p.events.filter((x) => x.type === 'response').at(-1);
    assert.equal(resp?.agent, 'claude-1');
  });

  it('ignores an invalid header (and says so once), falling back to the listener name; the header is still stripped', async () => {
    const r = await curl(p.server.url, ['-H', 'X-Tollgate-Agent: bad name <script>', `http://a.example.com:${up.port}/bad`]);
    assert.equal(r.status, 200);
    assert.equal(up.seen.at(-1)?.headers['x-tollgate-agent'], undefined);
    assert.equal(p.events.filter((x) => x.type === 'request').at(-1)?.agent, 'default-bot');
    assert.ok(p.notes.some((n) => /X-Tollgate-Agent from 127\.0\.0\.1 ignored: not a valid agent name/.test(n)));
    await curl(p.server.url, ['-H', `X-Tollgate-Agent: ${'x'.repeat(80)}`, `http://a.example.com:${up.port}/long`]);
    assert.equal(p.events.filter((x) => x.type === 'request').at(-1)?.agent, 'default-bot');
    assert.equal(p.notes.filter((n) => n.includes('ignored')).length, 1, 'logged once per client');
  });

  it('caps the distinct names one client may use', async () => {
    await curl(p.server.url, ['-H', 'X-Tollgate-Agent: second', `http://a.example.com:${up.port}/2`]);
    assert.equal(p.events.filter((x) => x.type === 'request').at(-1)?.agent, 'second');
    await curl(p.server.url, ['-H', 'X-Tollgate-Agent: third', `http://a.example.com:${up.port}/3`]);
    assert.equal(p.events.filter((x) => x.type === 'request').at(-1)?.agent, 'default-bot', 'a third name from one client is ignored');
    await curl(p.server.url, ['-H', 'X-Tollgate-Agent: claude-1', `http://a.example.com:${up.port}/1`]);
    assert.equal(p.events.filter((x) => x.type === 'request').at(-1)?.agent, 'claude-1', 'names already used still work');
  });
});

describe('per-domain budgets', () => {
  let up: Upstream;
  before(async () => {
    up = await startUpstream((_req, res) => res.end('ok'));
  });
  after(async () => {
    await up.close();
  });

  it('refuses the request past requestsPerMinute with 429 and policy/rate-limit; a.example.com and b.example.com share example.com', async () => {
    const p = await startControlled(up.port, 'budgets:\n  requestsPerMinute: 3\n');
    try {
      const statuses: number[] = [];
      for (const host of ['a.example.com', 'b.example.com', 'a.example.com', 'b.example.com']) {
        statuses.push((await curl(p.server.url, [`http://${host}:${up.port}/r`])).status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      const last = await curl(p.server.url, [`http://a.example.com:${up.port}/r`]);
      assert.equal(last.status, 429);
      assert.equal(last.headers['x-tollgate-blocked'], '1');
      assert.equal(last.headers['x-tollgate-block'], 'policy/rate-limit');
      assert.equal(last.headers['retry-after'], '20');
      assert.equal((await curl(p.server.url, [`http://other.test:${up.port}/r`])).status, 200, 'another registrable domain has its own budget');
      assert.equal((await curl(p.server.url, ['-H', 'X-Tollgate-Agent: another', `http://a.example.com:${up.port}/r`])).status, 200, 'another agent has its own budget');
      const e = p.events.filter((x) => rulesOf(x).includes('policy/rate-limit')).at(-1);
      const f = e?.findings.find((x) => x.rule === 'policy/rate-limit');
      assert.equal(f?.category, 'policy');
      assert.equal(f?.mitre, 'T1030');
      // A CONNECT counts against the same budget.
      const tunnel = await curl(p.server.url, ['--proxytunnel', `http://b.example.com:${up.port}/`]);
      assert.equal(tunnel.status, 429);
      assert.match(tunnel.headers['x-tollgate-rules'] ?? '', /policy\/rate-limit/);
    } finally {
      await p.close();
    }
  });

  it('refuses the request that would pass egressBytesPerHour with 429 and policy/data-budget (exfiltration)', async () => {
    // 1000-byte bodies plus URL and headers (well under 400 bytes): two fit in 2800 bytes, a third does not.
    const p = await startControlled(up.port, 'budgets:\n  egressBytesPerHour: 2800\n');
    try {
      const body = 'a'.repeat(1000);
      const statuses: number[] = [];
      for (const host of ['a.example.com', 'b.example.com', 'a.example.com']) {
        statuses.push((await curl(p.server.url, ['--data-binary', body, `http://${host}:${up.port}/upload`])).status);
      }
      assert.deepEqual(statuses, [200, 200, 429]);
      const e = p.events.filter((x) => x.type === 'request').at(-1);
      const f = e?.findings.find((x) => x.rule === 'policy/data-budget');
      assert.equal(f?.category, 'exfiltration');
      assert.equal(e?.action, 'block');
      assert.equal(up.seen.filter((s) => s.url === '/upload').length >= 2, true);
      const small = await curl(p.server.url, [`http://a.example.com:${up.port}/small`]);
      assert.equal(small.status, 200, 'a refused charge took nothing: a small request still fits');
    } finally {
      await p.close();
    }
  });

  it('counts nothing in audit mode but still records the finding', async () => {
    const p = await startControlled(up.port, 'mode: audit\nbudgets:\n  requestsPerMinute: 1\n');
    try {
      assert.equal((await curl(p.server.url, [`http://a.example.com:${up.port}/r`])).status, 200);
      assert.equal((await curl(p.server.url, [`http://a.example.com:${up.port}/r`])).status, 200);
      const e = p.events.filter((x) => x.type === 'request').at(-1);
      assert.equal(e?.action, 'warn');
      assert.equal(e?.wouldHave, 'block');
      assert.ok(rulesOf(e).includes('policy/rate-limit'));
    } finally {
      await p.close();
    }
  });
});

describe('inside intercepted TLS tunnels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-control-tls-'));
  let up: Upstream;
  let p: Controlled;
  let caFile: string;
  before(async () => {
    const tollgateCa = await createTestCa(dir, 'tollgate');
    const upstreamCa = await createTestCa(dir, 'upstream-ca');
    caFile = tollgateCa.certFile;
    const leaf = await mintLeaf(upstreamCa.ca, 'a.example.com');
    up = await startHttpsUpstream((_req, res) => res.end('over tls'), { cert: leaf.certPem, key: leaf.keyPem });
    const tlsLines = ['  tlsInterception:', '    enabled: true', `    caCert: ${JSON.stringify(tollgateCa.certFile)}`, `    caKey: ${JSON.stringify(tollgateCa.keyFile)}`, `    extraCaFile: ${JSON.stringify(upstreamCa.certFile)}`];
    p = await startControlled(up.port, 'budgets:\n  requestsPerMinute: 3\n', { proxyLines: tlsLines, tlsDir: dir });
  });
  after(async () => {
    await p.close();
    await up.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('strips the agent header from decrypted requests, inherits the CONNECT\'s agent, and counts each request against the budget', async () => {
    const url = `https://a.example.com:${up.port}/in`;
    const first = await curl(p.server.url, ['--cacert', caFile, '-H', 'X-Tollgate-Agent: inner-agent', url]);
    assert.equal(first.status, 200);
    assert.equal(first.body, 'over tls');
    assert.equal(up.seen.at(-1)?.headers['x-tollgate-agent'], undefined);
    const e1 = p.events.filter((x) => x.type === 'request' && x.transport === 'https-intercept').at(-1);
    assert.equal(e1?.agent, 'inner-agent');
    const second = await curl(p.server.url, ['--cacert', caFile, '--proxy-header', 'X-Tollgate-Agent: tunnel-agent', url]);
    assert.equal(second.status, 200);
    const tunnel = p.events.filter((x) => x.type === 'tunnel').at(-1);
    assert.equal(tunnel?.agent, 'tunnel-agent');
    assert.equal(p.events.filter((x) => x.type === 'request' && x.transport === 'https-intercept').at(-1)?.agent, 'tunnel-agent', 'a request inside the tunnel is the tunnel\'s agent');
    // Budget per agent: inner-agent has used 1 of 3; two more pass, the fourth is refused inside the tunnel.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await curl(p.server.url, ['--cacert', caFile, '-H', 'X-Tollgate-Agent: inner-agent', url])).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    const refused = p.events.filter((x) => x.transport === 'https-intercept' && x.type === 'request').at(-1);
    assert.ok(refused?.findings.some((f) => f.rule === 'policy/rate-limit'));
  });
});
