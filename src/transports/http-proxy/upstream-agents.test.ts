import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../config/index.ts';
import { createUpstreamAgents, upstreamAgentOptions } from './upstream-agents.ts';

/** `n` requests at once through the agent; resolves when every body has been read. */
async function burst(agent: http.Agent, port: number, n: number): Promise<void> {
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const r = http.request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      r.on('error', reject);
      r.end();
    });
  await Promise.all(Array.from({ length: n }, one));
  // A socket goes back to the pool on the tick after its response ends.
  await new Promise((r) => setImmediate(r));
}

describe('upstream connection pools', () => {
  let server: http.Server;
  let port = 0;
  let connections = 0;
  before(async () => {
    // Answers after a short pause, so a burst's requests are all in flight at once.
    server = http.createServer((_req, res) => void setTimeout(() => res.end('ok'), 20));
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('keeps proxy.upstreamIdleSockets connections, so a second burst of that many dials none', async () => {
    const agents = createUpstreamAgents(upstreamAgentOptions({ upstreamIdleSockets: 40 }));
    try {
      connections = 0;
      await burst(agents.http, port, 40);
      assert.equal(connections, 40);
      await burst(agents.http, port, 40);
      assert.equal(connections, 40, 'every request of the second burst reused a kept connection');
    } finally {
      agents.destroy();
    }
  });

  it('closes connections past the idle bound, and the next burst dials them again', async () => {
    const agents = createUpstreamAgents(upstreamAgentOptions({ upstreamIdleSockets: 8 }));
    try {
      connections = 0;
      await burst(agents.http, port, 40);
      await burst(agents.http, port, 40);
      assert.equal(connections, 40 + 32);
    } finally {
      agents.destroy();
    }
  });

  it("keeps an idle connection no longer than the server's Keep-Alive hint (less a second), else idleMs", async () => {
    // Node's agent applies the hint only below its own `timeout`: without one the hint is ignored
    // and a request can go out on a connection the server is closing.
    const agents = createUpstreamAgents();
    const hinted = http.createServer((_req, res) => res.end('ok'));
    hinted.keepAliveTimeout = 3000; // "Keep-Alive: timeout=3"
    await new Promise<void>((r) => hinted.listen(0, '127.0.0.1', r));
    try {
      const socketAfter = (p: number): Promise<Socket> =>
        new Promise((resolve, reject) => {
          const r = http.request({ host: '127.0.0.1', port: p, path: '/', agent: agents.http }, (res) => {
            const socket = res.socket;
            res.resume();
            // The connection goes back to the pool on the tick after the answer ends.
            res.on('end', () => setImmediate(() => resolve(socket)));
          });
          r.on('error', reject);
          r.end();
        });
      const s = await socketAfter((hinted.address() as AddressInfo).port);
      assert.equal(s.destroyed, false);
      assert.equal(s.timeout, 2000);
      hinted.keepAliveTimeout = 0; // no hint at all
      const t = await socketAfter((hinted.address() as AddressInfo).port);
      assert.equal(t.timeout, 15_000);
    } finally {
      agents.destroy();
      hinted.closeAllConnections();
      await new Promise((r) => hinted.close(r));
    }
  });

  it('defaults to 128 idle connections per upstream', () => {
    assert.equal(parseConfig('preset: balanced\n').config.proxy.upstreamIdleSockets, 128);
    assert.equal(upstreamAgentOptions(parseConfig('{}').config.proxy).maxFreeSockets, 128);
  });
});
