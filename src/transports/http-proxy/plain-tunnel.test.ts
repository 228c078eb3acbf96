import assert from 'node:assert/strict';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import WebSocket, { WebSocketServer } from 'ws';
import { startTestProxy, startUpstream, type TestProxy, type Upstream } from './testing.ts';

const AWS_KEY = 'AKIAZ7QW4ERT5YUI6OPA';

/** Opens a CONNECT tunnel to `authority` through the proxy; resolves with the socket and the proxy's answer head. */
function openTunnel(proxyPort: number, authority: string): Promise<{ sock: Socket; head: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect(proxyPort, '127.0.0.1');
    let got = '';
    sock.on('error', reject);
    const onData = (c: Buffer): void => {
      got += c.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      sock.off('data', onData);
      sock.pause();
      resolve({ sock, head: got.slice(0, end) });
    };
    sock.on('data', onData);
    sock.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  });
}

/** Sends one raw request through an open tunnel and collects what comes back until the socket closes. */
function exchange(sock: Socket, request: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    sock.on('data', (c: Buffer) => {
      got += c.toString('latin1');
    });
    sock.on('error', () => undefined);
    sock.once('close', () => resolve(got));
    sock.resume();
    sock.write(request);
  });
}

describe('plain HTTP inside a CONNECT tunnel (undici ProxyAgent tunnels http:// URLs)', () => {
  let up: Upstream;
  let proxy: TestProxy;
  before(async () => {
    up = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('plain ok');
    });
    proxy = await startTestProxy(
      [
        'proxy:',
        '  connect:',
        `    allowPorts: [443, ${up.port}]`,
        'scanners:',
        '  ssrf:',
        '    allowCidrs: ["127.0.0.1/32"]',
        'dns:',
        '  overrides:',
        '    up.test: 127.0.0.1',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await proxy.close();
    await up.close();
  });

  it('serves an allowed request and scans it like the forward proxy; a credential in the URL is blocked with 403', async () => {
    const agent = new ProxyAgent({ uri: proxy.server.url });
    try {
      const before = proxy.events.length;
      const ok = await undiciFetch(`http://up.test:${up.port}/ok`, { dispatcher: agent });
      assert.equal(ok.status, 200);
      assert.equal(await ok.text(), 'plain ok');
      const events = proxy.events.slice(before);
      const tunnel = events.find((e) => e.type === 'tunnel');
      assert.equal(tunnel?.method, 'CONNECT+HTTP');
      assert.equal(tunnel?.transport, 'http-connect');
      assert.equal(events.find((e) => e.type === 'request')?.transport, 'http-forward');

      const seen = up.seen.length;
      const bad = await undiciFetch(`http://up.test:${up.port}/ok?key=${AWS_KEY}`, { dispatcher: agent });
      assert.equal(bad.status, 403);
      assert.match(bad.headers.get('x-tollgate-block') ?? '', /^dlp\//);
      await bad.text();
      assert.equal(up.seen.length, seen, 'nothing reached the upstream');
    } finally {
      await agent.close();
    }
  });

  it('blocks a Host header that names another site than the CONNECT host', async () => {
    const { sock, head } = await openTunnel(proxy.server.port, `up.test:${up.port}`);
    assert.match(head, /^HTTP\/1\.1 200 /);
    const answer = await exchange(sock, 'GET /ok HTTP/1.1\r\nHost: other.test\r\nConnection: close\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 403 /);
    assert.match(answer, /x-tollgate-block: policy\/host-mismatch/i);
  });

  it('reads on when the first bytes in a tunnel are only the start of a method (a request written in pieces)', async () => {
    const { sock, head } = await openTunnel(proxy.server.port, 'up.test:80');
    assert.match(head, /^HTTP\/1\.1 200 /);
    let got = '';
    sock.on('data', (c: Buffer) => {
      got += c.toString('latin1');
    });
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.on('error', () => undefined);
    sock.resume();
    // "G", then "E", then the rest: each piece its own write, a turn of the event loop apart.
    for (const piece of ['G', 'E', `T /?key=${AWS_KEY} HTTP/1.1\r\nHost: up.test\r\nConnection: close\r\n\r\n`]) {
      sock.write(piece);
      await new Promise((r) => setTimeout(r, 50));
    }
    await closed;
    assert.match(got, /^HTTP\/1\.1 403 /, 'served as inspected HTTP, not refused as a tunnel that is not TLS');
    assert.match(got, /x-tollgate-block: dlp\//i);
  });

  it('serves plain HTTP to port 80 without allowPorts listing it, but refuses TLS there and any other unlisted port', async () => {
    // Port 80: the request is served inspected (the key is blocked before anything is dialled).
    const plain = await openTunnel(proxy.server.port, 'up.test:80');
    assert.match(plain.head, /^HTTP\/1\.1 200 /);
    const answer = await exchange(plain.sock, `GET /?key=${AWS_KEY} HTTP/1.1\r\nHost: up.test\r\nConnection: close\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 403 /);
    assert.match(answer, /x-tollgate-block: dlp\//i);

    // TLS to port 80 is a tunnel to a port not on allowPorts: refused.
    const before = proxy.events.length;
    const tls = await openTunnel(proxy.server.port, 'up.test:80');
    const closed = new Promise<void>((r) => tls.sock.once('close', () => r()));
    const client = tlsConnect({ socket: tls.sock, servername: 'up.test', rejectUnauthorized: false });
    client.on('error', () => undefined);
    await closed;
    const ev = proxy.events.slice(before).find((e) => e.type === 'tunnel');
    assert.equal(ev?.action, 'block');
    assert.ok(ev?.findings.some((f) => f.rule === 'policy/connect-port'));
    assert.equal(ev?.method, 'CONNECT');

    const other = await openTunnel(proxy.server.port, 'up.test:81');
    assert.match(other.head, /^HTTP\/1\.1 403 /);
    assert.match(other.head, /x-tollgate-block: policy\/connect-port/i);
    other.sock.destroy();
  });
});

interface WsStub {
  readonly port: number;
  /** The request target of every upgrade the stub accepted. */
  readonly paths: string[];
  close(): Promise<void>;
}

/** A loopback WebSocket upstream that records each upgrade's path and echoes messages. */
function startWsStub(): Promise<WsStub> {
  const paths: string[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (ws, req) => {
    paths.push(req.url ?? '');
    ws.on('error', () => ws.terminate());
    ws.on('message', (data) => ws.send(data));
  });
  return new Promise((resolve) => {
    wss.on('listening', () =>
      resolve({
        port: (wss.address() as AddressInfo).port,
        paths,
        close: () =>
          new Promise<void>((r) => {
            for (const c of wss.clients) c.terminate();
            wss.close(() => r());
          }),
      }),
    );
  });
}

/** A `ws` client for `url` whose connection is a CONNECT tunnel to `authority` (so its Host header is `url`'s). */
async function wsThroughTunnel(proxyPort: number, authority: string, url: string): Promise<WebSocket> {
  const { sock, head } = await openTunnel(proxyPort, authority);
  assert.match(head, /^HTTP\/1\.1 200 /);
  const ws = new WebSocket(url, {
    createConnection: () => {
      sock.resume();
      return sock;
    },
  });
  ws.on('error', () => undefined);
  return ws;
}

/** 101 when the upgrade opened, else the status and X-Tollgate-Block of the refusal. */
function upgradeAnswer(ws: WebSocket): Promise<{ status: number; block?: string }> {
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ status: 101 }));
    ws.once('unexpected-response', (_req, res) => {
      const block = res.headers['x-tollgate-block'];
      resolve({ status: res.statusCode ?? 0, ...(typeof block === 'string' ? { block } : {}) });
      res.resume();
      ws.terminate();
    });
  });
}

describe('WebSocket upgrades inside a plain-HTTP CONNECT tunnel', () => {
  let pinned: WsStub;
  let other: WsStub;
  let proxy: TestProxy;
  before(async () => {
    pinned = await startWsStub();
    other = await startWsStub();
    proxy = await startTestProxy(
      [
        'proxy:',
        '  connect:',
        `    allowPorts: [443, ${pinned.port}, ${other.port}]`,
        'scanners:',
        '  ssrf:',
        '    allowCidrs: ["127.0.0.1/32"]',
        'dns:',
        '  overrides:',
        '    ws.test: 127.0.0.1',
        '    other.test: 127.0.0.1',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await proxy.close();
    await pinned.close();
    await other.close();
  });

  it('relays a ws client to ws://<CONNECT authority>/path with every message scanned', async () => {
    const before = proxy.events.length;
    const ws = await wsThroughTunnel(proxy.server.port, `ws.test:${pinned.port}`, `ws://ws.test:${pinned.port}/socket?v=1`);
    assert.equal((await upgradeAnswer(ws)).status, 101);
    const echoed = new Promise<string>((r) => ws.once('message', (d) => r((d as Buffer).toString('utf8'))));
    ws.send('hello through the tunnel');
    assert.equal(await echoed, 'hello through the tunnel');
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send(`my key ${AWS_KEY}`);
    assert.equal(await closed, 1008, 'an outbound message with a key closes the relay');
    assert.equal(pinned.paths.at(-1), '/socket?v=1');
    const events = proxy.events.slice(before);
    const upgrade = events.find((e) => e.type === 'request' && e.transport === 'websocket');
    assert.equal(upgrade?.action, 'allow');
    assert.ok(upgrade?.target?.startsWith(`ws://ws.test:${pinned.port}/socket`), upgrade?.target);
    assert.ok(events.some((e) => e.type === 'frame' && e.action === 'block'));
  });

  it('refuses with 403 (policy/host-mismatch) an upgrade whose Host names another site, and nothing reaches it', async () => {
    const before = proxy.events.length;
    const seen = [pinned.paths.length, other.paths.length];
    const ws = await wsThroughTunnel(proxy.server.port, `ws.test:${pinned.port}`, `ws://other.test:${other.port}/fronted`);
    assert.deepEqual(await upgradeAnswer(ws), { status: 403, block: 'policy/host-mismatch' });
    assert.deepEqual([pinned.paths.length, other.paths.length], seen);
    const ev = proxy.events.slice(before).find((e) => e.transport === 'websocket');
    assert.equal(ev?.action, 'block');
    assert.match(ev?.reason ?? '', /^Blocked: /);
  });

  it('treats /ws?url= as a path on the CONNECT host: the URL it names is never dialled', async () => {
    const seen = other.paths.length;
    const escape = `/ws?url=${encodeURIComponent(`ws://other.test:${other.port}/escape`)}`;
    const ws = await wsThroughTunnel(proxy.server.port, `ws.test:${pinned.port}`, `ws://ws.test:${pinned.port}${escape}`);
    assert.equal((await upgradeAnswer(ws)).status, 101);
    assert.equal(pinned.paths.at(-1), escape);
    assert.equal(other.paths.length, seen, 'the URL in the query was not dialled');
    ws.terminate();

    const bare = await wsThroughTunnel(proxy.server.port, `ws.test:${pinned.port}`, `ws://ws.test:${pinned.port}/ws`);
    assert.equal((await upgradeAnswer(bare)).status, 101);
    assert.equal(pinned.paths.at(-1), '/ws');
    bare.terminate();
  });
});
