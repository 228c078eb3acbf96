// proxy.allowHosts / proxy.denyHosts: one egress host policy for every transport of the HTTP
// plane. Real clients (curl, ws, raw CONNECT) through a proxy whose policy is swapped the way
// src/control swaps it (getters, then the reload signal), to a loopback site reached by names
// (dns.overrides).
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { parseConfig, type LoadedConfig } from '../../config/index.ts';
import type { DecisionEvent } from '../../core/index.ts';
import { createEngine } from '../../engine/index.ts';
import { transportRules } from '../rules.ts';
import type { ProxyContext } from './context.ts';
import { createPolicySignal } from './control.ts';
import { hostMatches } from './connect-policy.ts';
import { canonicalHost, onHostList } from './egress-hosts.ts';
import { createResolver, startProxy, type ProxyServer } from './index.ts';
import { curl, keepAliveGet, openTunnel } from './testing.ts';

describe('egress host lists: matching', () => {
  it('matches exact hosts as a URL parser reads them, and *.suffix below the suffix only', () => {
    assert.equal(onHostList('API.Example.com.', ['api.example.com']), true);
    assert.equal(onHostList('api.example.com', ['API.EXAMPLE.COM.']), true);
    assert.equal(onHostList('a.b.example.com', ['*.example.com']), true);
    assert.equal(onHostList('example.com', ['*.example.com']), false, 'the wildcard does not name the suffix itself');
    assert.equal(onHostList('badexample.com', ['*.example.com']), false);
    assert.equal(onHostList('example.com.evil.test', ['example.com']), false);
    assert.equal(onHostList('0x7f.1', ['127.0.0.1']), true, 'an IPv4 literal in another form');
    assert.equal(onHostList('[::1]', ['::1']), true);
    assert.equal(onHostList('::1', ['[0:0::1]']), true);
    assert.equal(onHostList('bücher.example', ['xn--bcher-kva.example']), true);
    assert.equal(onHostList('anything.test', []), false);
    assert.equal(canonicalHost('[FE80::1]'), 'fe80::1');
    // The CONNECT lists and passthrough compare the same way.
    assert.equal(hostMatches('0x7f.1', ['127.0.0.1']), true);
    assert.equal(hostMatches('Pinned.Test.', ['pinned.test']), true);
    assert.equal(hostMatches('x.pinned.test', ['*.pinned.test']), true);
    assert.equal(hostMatches('pinned.test', ['*.pinned.test']), false);
  });

  it('names its rules in the transport catalog', () => {
    const ids = new Map(transportRules().map((r) => [r.id, r]));
    for (const id of ['policy/host-denied', 'policy/host-not-allowed']) {
      assert.equal(ids.get(id)?.severity, 'high', id);
      assert.match(ids.get(id)?.mitre ?? '', /^T\d{4}/, id);
    }
  });
});

interface Site {
  readonly port: number;
  /** Request paths the site received (WebSocket messages as `ws:<text>`), with the Host. */
  readonly seen: string[];
  close(): Promise<void>;
}

async function startSite(): Promise<Site> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.headers.host ?? ''}${req.url ?? ''}`);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws, req) => {
    seen.push(`ws-open:${req.headers.host ?? ''}`);
    ws.on('error', () => undefined);
    ws.on('message', (d) => {
      seen.push(`ws:${String(d)}`);
      ws.send(String(d));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

type Upgrade = { ok: true; ws: WebSocket } | { ok: false; status: number; block: string | undefined };

/** Resolves once the upgrade is answered: the open socket, or the refusal's status and X-Tollgate-Block. */
function upgrade(ws: WebSocket): Promise<Upgrade> {
  ws.on('error', () => undefined);
  return guarded(new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ok: true, ws }));
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      res.resume();
      resolve({ ok: false, status: res.statusCode ?? 0, block: res.headers['x-tollgate-block'] as string | undefined });
    });
    ws.once('error', reject);
  }), 'upgrade answer');
}

function echo(ws: WebSocket, text: string): Promise<string> {
  const got = new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
  ws.send(text);
  return guarded(got, 'echo');
}

/** Rejects when `p` has not settled within 20 s (a hang guard, never a timing assertion). */
function guarded<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_resolve, reject) => {
      setTimeout(() => reject(new Error(`hang guard: no ${what} within 20 s`)), 20_000).unref();
    }),
  ]);
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return guarded(new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }))), 'close');
}

describe('egress host lists: every transport through a live proxy', () => {
  let site: Site;
  let server: ProxyServer;
  let current: { loaded: LoadedConfig; engine: ReturnType<typeof createEngine> };
  const events: DecisionEvent[] = [];
  const reloads = createPolicySignal();
  let proxyUrl: string;

  const yaml = (proxyLines: string[], top = ''): string =>
    [
      'preset: balanced',
      top,
      'scanners:',
      '  ssrf:',
      '    allowCidrs: ["127.0.0.1/32"]',
      'dns:',
      '  overrides:',
      '    ok.test: 127.0.0.1',
      '    bad.test: 127.0.0.1',
      '    zone.test: 127.0.0.1',
      '    a.zone.test: 127.0.0.1',
      'proxy:',
      '  listen: 127.0.0.1:0',
      ...proxyLines.map((l) => `  ${l}`),
      '  connect:',
      `    allowPorts: [${site.port}]`,
      '',
    ].join('\n');
  /** A reload to `proxyLines` under proxy: (and `top`, e.g. `mode: audit`). */
  const use = (proxyLines: string[] = [], top = ''): void => {
    const loaded = parseConfig(yaml(proxyLines, top));
    current = { loaded, engine: createEngine(loaded.config) };
    reloads.notify();
  };
  const since = (n: number): DecisionEvent[] => events.slice(n);

  before(async () => {
    site = await startSite();
    const first = parseConfig(yaml([]));
    current = { loaded: first, engine: createEngine(first.config) };
    let n = 0;
    const ctx: ProxyContext = {
      get engine() {
        return current.engine;
      },
      get config() {
        return current.loaded.config;
      },
      get configHash() {
        return current.loaded.hash;
      },
      resolver: createResolver(first.config.dns),
      emit: (e) => events.push(e),
      now: () => 1_700_000_000_000 + n,
      newRequestId: () => `req-${++n}`,
      note: () => undefined,
      control: { reloads },
    };
    server = await startProxy(ctx, { listen: { host: '127.0.0.1', port: 0 } });
    proxyUrl = server.url;
  });
  after(async () => {
    await server.close();
    await site.close();
  });

  it('a forwarded request (curl -x) to a denied host is refused 403 before anything leaves; another host passes', async () => {
    use(['denyHosts: [bad.test]']);
    const seen = site.seen.length;
    const denied = await curl(proxyUrl, [`http://bad.test:${site.port}/secret`]);
    assert.equal(denied.status, 403);
    assert.equal(denied.headers['x-tollgate-block'], 'policy/host-denied');
    assert.equal(site.seen.length, seen, 'the site got nothing');
    const ok = await curl(proxyUrl, [`http://ok.test:${site.port}/fine`]);
    assert.equal(ok.status, 200);
    assert.equal(ok.body, 'ok');
    // The same host written another way is the same host.
    const dotted = await curl(proxyUrl, [`http://BAD.test.:${site.port}/again`]);
    assert.equal(dotted.status, 403);
    assert.equal(dotted.headers['x-tollgate-block'], 'policy/host-denied');
  });

  it('an allow list admits its hosts and *.suffix names, and refuses the rest on every transport (policy/host-not-allowed)', async () => {
    use(['allowHosts: [ok.test, "*.zone.test"]']);
    assert.equal((await curl(proxyUrl, [`http://ok.test:${site.port}/a`])).status, 200);
    assert.equal((await curl(proxyUrl, [`http://a.zone.test:${site.port}/b`])).status, 200);
    const before = events.length;
    const apex = await curl(proxyUrl, [`http://zone.test:${site.port}/c`]);
    assert.equal(apex.status, 403, 'the wildcard does not name zone.test itself');
    assert.equal(apex.headers['x-tollgate-block'], 'policy/host-not-allowed');
    const ev = since(before).filter((e) => e.type === 'request');
    assert.equal(ev.length, 1, 'one decision event for the refused request');
    assert.equal(ev[0]?.action, 'block');
    const fetched = await fetch(`${proxyUrl}/fetch?url=${encodeURIComponent(`http://bad.test:${site.port}/page`)}`);
    await fetched.arrayBuffer();
    assert.equal(fetched.status, 403);
    assert.equal(fetched.headers.get('x-tollgate-block'), 'policy/host-not-allowed');
    await assert.rejects(openTunnel(server.port, `bad.test:${site.port}`), /403/);
    const viaEndpoint = await upgrade(new WebSocket(`${proxyUrl.replace(/^http/, 'ws')}/ws?url=${encodeURIComponent(`ws://bad.test:${site.port}/chat`)}`, { perMessageDeflate: false }));
    assert.deepEqual(viaEndpoint, { ok: false, status: 403, block: 'policy/host-not-allowed' });
    const allowed = await upgrade(new WebSocket(`${proxyUrl.replace(/^http/, 'ws')}/ws?url=${encodeURIComponent(`ws://a.zone.test:${site.port}/chat`)}`, { perMessageDeflate: false }));
    assert.ok(allowed.ok);
    assert.equal(await echo(allowed.ws, 'hi'), 'hi');
    allowed.ws.terminate();
  });

  it('refuses /fetch, CONNECT, /ws?url= and absolute-form ws:// to a denied host (403 policy/host-denied), the site reached by none', async () => {
    use(['denyHosts: ["*.zone.test", bad.test]']);
    const seen = site.seen.length;
    const fetched = await fetch(`${proxyUrl}/fetch?url=${encodeURIComponent(`http://a.zone.test:${site.port}/page`)}`);
    await fetched.arrayBuffer();
    assert.equal(fetched.status, 403);
    assert.equal(fetched.headers.get('x-tollgate-block'), 'policy/host-denied');
    await assert.rejects(openTunnel(server.port, `bad.test:${site.port}`), /403/);
    const endpoint = await upgrade(new WebSocket(`${proxyUrl.replace(/^http/, 'ws')}/ws?url=${encodeURIComponent(`ws://bad.test:${site.port}/chat`)}`, { perMessageDeflate: false }));
    assert.deepEqual(endpoint, { ok: false, status: 403, block: 'policy/host-denied' });
    const target = `ws://a.zone.test:${site.port}/chat`;
    const absolute = await upgrade(
      new WebSocket(target, {
        perMessageDeflate: false,
        createConnection: () => connect(server.port, '127.0.0.1'),
        finishRequest: (req) => {
          req.path = target;
          req.end();
        },
      }),
    );
    assert.deepEqual(absolute, { ok: false, status: 403, block: 'policy/host-denied' });
    assert.equal(site.seen.length, seen, 'the site got nothing');
    // The same transports reach a host off the list.
    const fine = await fetch(`${proxyUrl}/fetch?url=${encodeURIComponent(`http://ok.test:${site.port}/page`)}`);
    await fine.arrayBuffer();
    assert.equal(fine.status, 200);
  });

  it('refuses the next request inside an open plain-HTTP tunnel once a reload denies its host (403 policy/host-denied)', async () => {
    use();
    const host = `ok.test:${site.port}`;
    const s = await openTunnel(server.port, host);
    try {
      assert.equal((await keepAliveGet(s, host, '/before')).status, 200);
      use(['denyHosts: [ok.test]']);
      assert.deepEqual(await keepAliveGet(s, host, '/after'), { status: 403, block: 'policy/host-denied' });
    } finally {
      s.destroy();
    }
  });

  it('closes an open /ws?url= WebSocket with 1008 and a reason when a reload denies its host, recorded as one close event', async () => {
    use();
    const opened = await upgrade(new WebSocket(`${proxyUrl.replace(/^http/, 'ws')}/ws?url=${encodeURIComponent(`ws://ok.test:${site.port}/chat`)}`, { perMessageDeflate: false }));
    assert.ok(opened.ok);
    const ws = opened.ws;
    try {
      assert.equal(await echo(ws, 'one'), 'one');
      use(['denyHosts: [elsewhere.test]']);
      assert.equal(await echo(ws, 'two'), 'two', 'a reload that does not concern it leaves it open');
      const before = events.length;
      const c = closed(ws);
      use(['denyHosts: [ok.test]']);
      const got = await c;
      assert.equal(got.code, 1008);
      assert.match(got.reason, /config reload \(policy\/host-denied\)/);
      const ev = since(before).filter((e) => e.type === 'frame');
      assert.equal(ev.length, 1);
      assert.equal(ev[0]?.method, 'close');
      assert.equal(ev[0]?.action, 'block');
      assert.equal(ev[0]?.configHash, current.loaded.hash);
    } finally {
      ws.terminate();
    }
  });

  it('in audit mode passes a request to a denied host with its event recording the finding, and a reload keeps an open WebSocket with one event saying it would have closed it', async () => {
    use(['denyHosts: [bad.test]'], 'mode: audit');
    let before = events.length;
    const passed = await curl(proxyUrl, [`http://bad.test:${site.port}/audited`]);
    assert.equal(passed.status, 200);
    const req = since(before).filter((e) => e.type === 'request');
    assert.equal(req.length, 1);
    assert.equal(req[0]?.action, 'warn');
    assert.equal(req[0]?.wouldHave, 'block');
    assert.ok(req[0]?.findings.some((f) => f.rule === 'policy/host-denied'), JSON.stringify(req[0]?.findings));

    const opened = await upgrade(new WebSocket(`${proxyUrl.replace(/^http/, 'ws')}/ws?url=${encodeURIComponent(`ws://ok.test:${site.port}/chat`)}`, { perMessageDeflate: false }));
    assert.ok(opened.ok);
    const ws = opened.ws;
    try {
      assert.equal(await echo(ws, 'one'), 'one');
      before = events.length;
      use(['denyHosts: [ok.test]'], 'mode: audit');
      assert.equal(await echo(ws, 'still open'), 'still open', 'audit mode does not close it');
      const spared = since(before).filter((e) => e.type === 'frame' && e.method === 'close');
      assert.equal(spared.length, 1, JSON.stringify(since(before)));
      assert.equal(spared[0]?.action, 'warn');
      assert.equal(spared[0]?.wouldHave, 'block');
      assert.ok(spared[0]?.findings.some((f) => f.rule === 'policy/host-denied'));
      assert.match(spared[0]?.reason ?? '', /would have been closed after a config reload; it stays open/);
    } finally {
      ws.terminate();
      use();
    }
  });
});
