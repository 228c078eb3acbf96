import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { testContext } from '../../http-proxy/testing.ts';
import { createUpstream, mayResend, UPSTREAM_IDLE_MS, type McpUpstream, type UpstreamCall, type UpstreamResult } from './upstream.ts';

/**
 * Kept-alive connections to the upstream: how long one waits in the pool (the server's
 * Keep-Alive hint, or Tollgate's own bound), and what happens to a call that goes out on one the
 * server has closed. No timing is asserted: the pooled socket's timeout is read, and a server
 * that drops every second request on a connection stands for one closing it as the call arrives.
 */
const LOOPBACK = 'scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\n';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  // Last opened, first closed: the upstream's pooled connections go before the server waits for them.
  for (const c of closers.splice(0).reverse()) await c();
});

function upstreamAt(port: number, extra: { idleMs?: number } = {}): McpUpstream {
  const { ctx } = testContext(LOOPBACK);
  const up = createUpstream({ ctx, url: new URL(`http://127.0.0.1:${port}/mcp`), headers: {}, transport: 'mcp-http', ...extra });
  closers.push(async () => up.close());
  return up;
}

async function listen(server: http.Server | net.Server): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as AddressInfo).port;
}

/** The answer read whole; then the tick on which its connection goes back to the pool. */
async function settle(r: UpstreamResult): Promise<{ body: string; socket: Socket }> {
  assert.ok(r.ok, r.ok ? '' : r.why);
  const socket = r.res.socket as Socket;
  let body = '';
  r.res.setEncoding('utf8');
  for await (const c of r.res) body += c as string;
  await new Promise((done) => setImmediate(done));
  return { body, socket };
}

const ping = (method: UpstreamCall['method'] = 'POST'): UpstreamCall => ({ method, headers: { 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' } : {}) });

describe('upstream keep-alive', () => {
  it("keeps an idle connection no longer than the server's Keep-Alive hint says (less a second)", async () => {
    const server = http.createServer((_req, res) => res.end('{}'));
    server.keepAliveTimeout = 3000; // Node sends "Keep-Alive: timeout=3"
    const up = upstreamAt(await listen(server));
    const { socket } = await settle(await up.request(ping()));
    assert.equal(socket.destroyed, false, 'the connection is kept');
    assert.equal(socket.timeout, 2000);
  });

  it('keeps an idle connection at most UPSTREAM_IDLE_MS when the server gives no hint', async () => {
    // A server that keeps connections alive without saying for how long (uvicorn does this).
    const server = net.createServer((s) => {
      s.on('data', () => s.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}'));
    });
    const up = upstreamAt(await listen(server));
    const { socket, body } = await settle(await up.request(ping()));
    assert.equal(body, '{}');
    assert.equal(socket.destroyed, false);
    assert.equal(socket.timeout, UPSTREAM_IDLE_MS);
    assert.ok(UPSTREAM_IDLE_MS < 5000, 'below the 5 s idle timeout of common servers');
  });

  it('does not cut an answer slower than the idle bound', async () => {
    const server = http.createServer((_req, res) => void setTimeout(() => res.end('{"late":true}'), 300));
    const up = upstreamAt(await listen(server), { idleMs: 50 });
    const { body } = await settle(await up.request(ping()));
    assert.equal(body, '{"late":true}');
  });

  describe('a call on a kept connection the server drops', () => {
    /** Answers the first request on each connection; drops the connection at the second, unanswered. */
    async function dropper(): Promise<{ port: number; requests: string[]; connections: () => number }> {
      const requests: string[] = [];
      const perSocket = new WeakMap<Socket, number>();
      let connections = 0;
      const server = http.createServer((req, res) => {
        requests.push(req.method ?? '');
        const n = (perSocket.get(req.socket) ?? 0) + 1;
        perSocket.set(req.socket, n);
        if (n > 1) {
          req.socket.destroy();
          return;
        }
        req.resume();
        req.on('end', () => res.end('{}'));
      });
      server.on('connection', () => connections++);
      return { port: await listen(server), requests, connections: () => connections };
    }

    for (const method of ['GET', 'DELETE'] as const) {
      it(`sends a ${method} again, once, on a new connection`, async () => {
        const d = await dropper();
        const up = upstreamAt(d.port);
        await settle(await up.request(ping(method)));
        const again = await up.request(ping(method));
        assert.ok(again.ok, again.ok ? '' : again.why);
        await settle(again);
        assert.deepEqual(d.requests, [method, method, method], 'dropped once, then answered on a new connection');
        assert.equal(d.connections(), 2);
      });
    }

    it('never sends a POST again (a tools/call must not run twice): the call fails and is recorded', async () => {
      const d = await dropper();
      const { ctx, events } = testContext(LOOPBACK);
      const up = createUpstream({ ctx, url: new URL(`http://127.0.0.1:${d.port}/mcp`), headers: {}, transport: 'mcp-http' });
      closers.push(async () => up.close());
      await settle(await up.request(ping()));
      const r = await up.request(ping());
      assert.equal(r.ok, false);
      assert.deepEqual(d.requests, ['POST', 'POST'], 'the dropped POST was not sent again');
      assert.ok(events.some((e) => e.findings.some((f) => f.rule === 'engine/upstream-error')));
    });
  });

  it('mayResend: only GET and DELETE, only on a reused connection, only before any answer, only for a reset or broken pipe', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const pipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    assert.equal(mayResend('GET', true, 0, reset), true);
    assert.equal(mayResend('DELETE', true, 0, pipe), true);
    assert.equal(mayResend('POST', true, 0, reset), false);
    assert.equal(mayResend('GET', false, 0, reset), false);
    assert.equal(mayResend('GET', true, 12, reset), false);
    assert.equal(mayResend('GET', true, 0, Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })), false);
  });
});
