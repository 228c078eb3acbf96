// A hot reload reaches what is already open: each request inside an intercepted or plain-HTTP
// tunnel is judged by the CONNECT lists running when it arrives, and after a reload every open
// blind tunnel and WebSocket is judged by the checks it would meet if it were opened now; one the
// new policy refuses is closed (a WebSocket with 1008 and a reason), each recorded as a decision
// event; one an audit-mode policy would refuse stays open and is recorded as such. The policy is
// swapped the way src/control swaps it: a context whose engine and config are read through
// getters, and the reload signal told after the swap.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import WebSocket, { WebSocketServer } from 'ws';
import { parseConfig, type LoadedConfig } from '../../config/index.ts';
import type { DecisionEvent } from '../../core/index.ts';
import { createEngine } from '../../engine/index.ts';
import { createKillSwitch } from '../../state/index.ts';
import type { ProxyContext } from './context.ts';
import { createPolicySignal } from './control.ts';
import { createResolver, startProxy, type ProxyServer } from './index.ts';
import { interceptingYaml, keepAliveGet as get, openTunnel } from './testing.ts';
import { loadProxyTls, mintLeaf } from './tls/index.ts';
import { createTestCa, type TestCa } from './tls/testing.ts';

interface Site {
  readonly port: number;
  /** Request paths the site received (WebSocket messages as `ws:<text>`). */
  readonly seen: string[];
  close(): Promise<void>;
}

/** A site answering GET with 200 "ok", with a WebSocket echo beside it; `seen` holds paths, `ws-open:` upgrades and `ws:` messages. */
async function startSite(server: HttpsServer | HttpServer): Promise<Site> {
  const seen: string[] = [];
  server.on('request', (req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws, req) => {
    seen.push(`ws-open:${req.url ?? ''}`);
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


function secure(socket: Socket, servername: string, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const t = tlsConnect({ socket, servername, ca });
    t.once('secureConnect', () => resolve(t));
    t.once('error', reject);
  });
}

function opened(ws: WebSocket): Promise<WebSocket> {
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${res.statusCode ?? 0}`)));
  });
}

function echo(ws: WebSocket, text: string): Promise<string> {
  const got = new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
  ws.send(text);
  return got;
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));
}

describe('hot reload and what is already open', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-reload-relays-'));
  let tollgateCa: TestCa;
  let upstreamCa: TestCa;
  let site: Site;
  let pinned: Site;
  let plainSite: Site;
  let server: ProxyServer;
  let base: string;
  let current: { loaded: LoadedConfig; engine: ReturnType<typeof createEngine> };
  const events: DecisionEvent[] = [];
  const reloads = createPolicySignal();
  const killSwitch = createKillSwitch();

  /** A reload: the running config becomes the base plus `connectLines` under proxy.connect, `ssrfLines` under scanners.ssrf and `top` at the top. */
  const use = (connectLines: string[] = [], ssrfLines: string[] = [], top = '', proxyLines: string[] = []): void => {
    const yaml = base
      .replace('  connect:\n', `${proxyLines.map((l) => `  ${l}\n`).join('')}  connect:\n${connectLines.map((l) => `    ${l}\n`).join('')}`)
      .replace('    allowCidrs: ["127.0.0.1/32"]\n', `    allowCidrs: ["127.0.0.1/32"]\n${ssrfLines.map((l) => `    ${l}\n`).join('')}`);
    const loaded = parseConfig(`preset: balanced\n${top}${yaml}`);
    current = { loaded, engine: createEngine(loaded.config) };
    reloads.notify();
  };

  before(async () => {
    tollgateCa = await createTestCa(dir, 'tollgate');
    upstreamCa = await createTestCa(dir, 'upstream-ca');
    const upLeaf = await mintLeaf(upstreamCa.ca, 'upstream.test');
    const pinnedLeaf = await mintLeaf(upstreamCa.ca, 'pinned.test');
    site = await startSite(createHttpsServer({ cert: upLeaf.certPem, key: upLeaf.keyPem }));
    pinned = await startSite(createHttpsServer({ cert: pinnedLeaf.certPem, key: pinnedLeaf.keyPem }));
    plainSite = await startSite(createHttpServer());
    base = interceptingYaml({
      ports: [site.port, pinned.port, plainSite.port],
      caCert: tollgateCa.certFile,
      caKey: tollgateCa.keyFile,
      extraCaFile: upstreamCa.certFile,
      passthrough: ['pinned.test'],
    }).replace('    wrongname.test: 127.0.0.1\n', '    wrongname.test: 127.0.0.1\n    plain.test: 127.0.0.1\n');
    const first = parseConfig(`preset: balanced\n${base}`);
    current = { loaded: first, engine: createEngine(first.config) };
    const tls = await loadProxyTls(first.config.proxy.tlsInterception, dir);
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
      tls: tls.tls,
      control: { killSwitch, reloads },
    };
    server = await startProxy(ctx, { listen: { host: '127.0.0.1', port: 0 } });
  });
  after(async () => {
    killSwitch.setManual(false, 'api', 0);
    await server.close();
    await site.close();
    await pinned.close();
    await plainSite.close();
  });

  it('refuses the next request inside an open intercepted tunnel once a reload denies its host (403 policy/connect-host-denied)', async () => {
    const host = `upstream.test:${site.port}`;
    const t = await secure(await openTunnel(server.port, host), 'upstream.test', tollgateCa.certPem);
    try {
      assert.equal((await get(t, host, '/before')).status, 200);
      use(['denyHosts: [upstream.test]']);
      const seen = site.seen.length;
      assert.deepEqual(await get(t, host, '/after'), { status: 403, block: 'policy/connect-host-denied' });
      assert.equal(site.seen.length, seen, 'the upstream got nothing after the reload');
      await assert.rejects(openTunnel(server.port, host), /403/, 'a new CONNECT is refused too');
    } finally {
      t.destroy();
      use();
    }
  });

  it('in audit mode lets the next request in an open intercepted tunnel through, its event recording the denied host', async () => {
    const host = `upstream.test:${site.port}`;
    const t = await secure(await openTunnel(server.port, host), 'upstream.test', tollgateCa.certPem);
    try {
      use(['denyHosts: [upstream.test]'], [], 'mode: audit\n');
      const before = events.length;
      assert.equal((await get(t, host, '/audited')).status, 200);
      const ev = events.slice(before).filter((e) => e.type === 'request');
      assert.equal(ev.length, 1);
      assert.ok(ev[0]?.findings.some((f) => f.rule === 'policy/connect-host-denied'), JSON.stringify(ev[0]?.findings));
    } finally {
      t.destroy();
      use();
    }
  });

  it('refuses the next request inside an open plain-HTTP tunnel once a reload leaves its host off allowHosts', async () => {
    const host = `plain.test:${plainSite.port}`;
    const s = await openTunnel(server.port, host);
    try {
      assert.equal((await get(s, host, '/before')).status, 200);
      use(['allowHosts: [upstream.test]']);
      assert.deepEqual(await get(s, host, '/after'), { status: 403, block: 'policy/connect-host-not-allowed' });
    } finally {
      s.destroy();
      use();
    }
  });

  it('closes an open blind tunnel when a reload denies its host, and keeps it when the reload does not concern it', async () => {
    const host = `pinned.test:${pinned.port}`;
    const t = await secure(await openTunnel(server.port, host), 'pinned.test', upstreamCa.certPem);
    try {
      assert.equal((await get(t, host, '/before')).status, 200);
      use(['denyHosts: [elsewhere.test]']);
      assert.equal((await get(t, host, '/unrelated-reload')).status, 200, 'a reload that still allows it leaves it open');
      const before = events.length;
      const gone = new Promise<void>((r) => t.once('close', () => r()));
      use(['denyHosts: [pinned.test]']);
      await gone;
      const ev = events.slice(before).filter((e) => e.type === 'tunnel');
      assert.equal(ev.length, 1, JSON.stringify(events.slice(before)));
      assert.equal(ev[0]?.transport, 'http-connect');
      assert.equal(ev[0]?.action, 'block');
      assert.ok(ev[0]?.findings.some((f) => f.rule === 'policy/connect-host-denied'));
      assert.match(ev[0]?.reason ?? '', /closed after a config reload/);
      assert.equal(ev[0]?.configHash, current.loaded.hash, 'recorded under the policy that closed it');
    } finally {
      t.destroy();
      use();
    }
  });

  it('in audit mode keeps an open blind tunnel a reload would close, recorded as one tunnel event (warn, wouldHave block)', async () => {
    const host = `pinned.test:${pinned.port}`;
    const t = await secure(await openTunnel(server.port, host), 'pinned.test', upstreamCa.certPem);
    try {
      assert.equal((await get(t, host, '/before')).status, 200);
      const before = events.length;
      use(['denyHosts: [pinned.test]'], [], 'mode: audit\n');
      assert.equal((await get(t, host, '/after-audit-reload')).status, 200, 'still open');
      const ev = events.slice(before).filter((e) => e.type === 'tunnel');
      assert.equal(ev.length, 1, JSON.stringify(events.slice(before)));
      assert.equal(ev[0]?.action, 'warn');
      assert.equal(ev[0]?.wouldHave, 'block');
      assert.ok(ev[0]?.findings.some((f) => f.rule === 'policy/connect-host-denied'));
      assert.match(ev[0]?.reason ?? '', /would have been closed after a config reload; it stays open/);
      assert.equal(ev[0]?.configHash, current.loaded.hash);
    } finally {
      t.destroy();
      use();
    }
  });

  it('closes an open wss:// in an intercepted tunnel with 1008 and a reason when a reload denies the tunnel host', async () => {
    const sock = await openTunnel(server.port, `upstream.test:${site.port}`);
    const ws = await opened(new WebSocket(`wss://upstream.test:${site.port}/chat`, { perMessageDeflate: false, createConnection: () => tlsConnect({ socket: sock, servername: 'upstream.test', ca: tollgateCa.certPem }) }));
    try {
      assert.equal(await echo(ws, 'hello'), 'hello');
      const before = events.length;
      const c = closed(ws);
      use(['denyHosts: [upstream.test]']);
      const got = await c;
      assert.equal(got.code, 1008);
      assert.match(got.reason, /config reload \(policy\/connect-host-denied\)/);
      const ev = events.slice(before).filter((e) => e.type === 'frame');
      assert.equal(ev.length, 1);
      assert.equal(ev[0]?.method, 'close');
      assert.equal(ev[0]?.action, 'block');
    } finally {
      ws.terminate();
      use();
    }
  });

  it('closes an open wss:// in an intercepted tunnel when a reload puts its host on proxy.denyHosts (policy/host-denied), and refuses a new upgrade in a tunnel opened before', async () => {
    const host = `upstream.test:${site.port}`;
    const sock = await openTunnel(server.port, host);
    const spare = await secure(await openTunnel(server.port, host), 'upstream.test', tollgateCa.certPem);
    const ws = await opened(new WebSocket(`wss://${host}/chat`, { perMessageDeflate: false, createConnection: () => tlsConnect({ socket: sock, servername: 'upstream.test', ca: tollgateCa.certPem }) }));
    try {
      assert.equal(await echo(ws, 'hello'), 'hello');
      const before = events.length;
      const c = closed(ws);
      use([], [], '', ['denyHosts: [upstream.test]']);
      const got = await c;
      assert.equal(got.code, 1008);
      assert.match(got.reason, /config reload \(policy\/host-denied\)/);
      const ev = events.slice(before).filter((e) => e.type === 'frame');
      assert.equal(ev.length, 1);
      assert.equal(ev[0]?.method, 'close');
      const seen = site.seen.length;
      // An upgrade inside the tunnel that was open before the reload meets the new list.
      const head = await new Promise<string>((resolve, reject) => {
        let buf = '';
        spare.on('data', (d: Buffer) => {
          buf += d.toString('latin1');
          if (buf.includes('\r\n\r\n')) resolve(buf);
        });
        spare.once('error', reject);
        spare.once('close', () => resolve(buf));
        spare.write(`GET /chat HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
      });
      assert.match(head, /^HTTP\/1\.1 403 /);
      assert.match(head, /x-tollgate-block: policy\/host-denied/i);
      assert.equal(site.seen.length, seen, 'the upstream got nothing after the reload');
    } finally {
      ws.terminate();
      spare.destroy();
      use();
    }
  });

  it('closes an open /ws?url= WebSocket when a reload puts its host on scanners.ssrf.blockHosts (what a new one would meet), not for the CONNECT lists', async () => {
    const target = `ws://plain.test:${plainSite.port}/chat`;
    const ws = await opened(new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws?url=${encodeURIComponent(target)}`, { perMessageDeflate: false }));
    try {
      assert.equal(await echo(ws, 'one'), 'one');
      // The CONNECT lists are for tunnels; a WebSocket opened through /ws?url= never met them.
      use(['denyHosts: [plain.test]']);
      assert.equal(await echo(ws, 'two'), 'two');
      const c = closed(ws);
      use([], ['blockHosts: [plain.test]']);
      const got = await c;
      assert.equal(got.code, 1008);
      assert.match(got.reason, /ssrf\/blocked-host/);
    } finally {
      ws.terminate();
      use();
    }
  });

  it('closes an open wss:// in an intercepted tunnel with 1008 and a reason when the kill switch turns on (not a dropped connection)', async () => {
    const sock = await openTunnel(server.port, `upstream.test:${site.port}`);
    const ws = await opened(new WebSocket(`wss://upstream.test:${site.port}/kill`, { perMessageDeflate: false, createConnection: () => tlsConnect({ socket: sock, servername: 'upstream.test', ca: tollgateCa.certPem }) }));
    try {
      assert.equal(await echo(ws, 'hello'), 'hello');
      const before = events.length;
      const c = closed(ws);
      killSwitch.setManual(true, 'api', 0);
      const got = await c;
      assert.equal(got.code, 1008, 'a close frame through the intercepted TLS, not 1006');
      assert.match(got.reason, /policy\/kill-switch/);
      const ev = events.slice(before).filter((e) => e.type === 'frame');
      assert.equal(ev.length, 1);
      assert.equal(ev[0]?.method, 'close');
      assert.deepEqual(ev[0]?.findings.map((f) => f.rule), ['policy/kill-switch']);
    } finally {
      killSwitch.setManual(false, 'api', 0);
      ws.terminate();
    }
  });
});
