import assert from 'node:assert/strict';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { testContext } from '../../http-proxy/testing.ts';
import { Cancel } from './cancel.ts';
import { createUpstream, type UpstreamResult } from './upstream.ts';


const LOOPBACK = 'scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\n';

describe('upstream.request (loopback MCP server)', () => {
  let server: http.Server;
  let base: string;
  const seen: IncomingHttpHeaders[] = [];
  const held: http.ServerResponse[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      // /hold never answers (until the test ends): the call is abandoned meanwhile.
      if (req.url === '/hold') {
        held.push(res);
        return;
      }
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const res of held) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('sends configured headers under the call headers, and its own host, encoding and length over both', async () => {
    const { ctx } = testContext(LOOPBACK);
    const up = createUpstream({ ctx, url: new URL(`${base}/mcp`), headers: { 'x-api-key': 'k', accept: 'text/plain', host: 'evil.example' }, transport: 'mcp-http' });
    try {
      const r = await up.request({ method: 'POST', headers: { accept: 'application/json, text/event-stream', 'content-length': '999' }, body: '{"a":1}' });
      assert.ok(r.ok);
      r.res.resume();
      const h = seen.at(-1) as IncomingHttpHeaders;
      assert.equal(h['x-api-key'], 'k');
      assert.equal(h.accept, 'application/json, text/event-stream');
      assert.equal(h.host, new URL(base).host);
      assert.equal(h['accept-encoding'], 'identity');
      assert.equal(h['content-length'], '7');
    } finally {
      up.close();
    }
  });

  /** One call to /hold, abandoned through its AbortSignal after the server has it (or before it is made, when `early`). */
  async function abandoned(early: boolean): Promise<UpstreamResult> {
    const { ctx, events } = testContext(LOOPBACK);
    const up = createUpstream({ ctx, url: new URL(`${base}/hold`), headers: {}, transport: 'mcp-http' });
    try {
      const ac = new AbortController();
      if (early) ac.abort();
      const before = held.length;
      const p = up.request({ method: 'POST', headers: {}, body: '{}', signal: ac.signal });
      if (!early) {
        // Bounded (20 s, a hang guard): the server records the request as soon as its head arrives.
        for (const end = Date.now() + 20_000; held.length === before && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
        assert.equal(held.length, before + 1, 'the server never got the call');
        ac.abort();
      }
      const r = await p;
      // A call its own client abandoned is not a failure of the upstream: no decision event.
      assert.equal(events.length, 0);
      return r;
    } finally {
      up.close();
    }
  }

  for (const early of [false, true]) {
    it(`answers a call abandoned by its client ${early ? 'before it is made' : 'while it waits'} as abandoned, not as unreachable`, async () => {
      assert.deepEqual(await abandoned(early), { ok: false, blocked: false, why: 'the call was abandoned by its client' });
    });
  }

  it('refuses a call to an address the policy blocks, sends nothing and records one decision', async () => {
    // No allowCidrs: the loopback upstream is an internal address (an IP literal: checked without a lookup).
    const { ctx, events } = testContext('');
    const up = createUpstream({ ctx, url: new URL(`${base}/mcp`), headers: {}, transport: 'mcp-http' });
    try {
      const before = seen.length;
      const r = await up.request({ method: 'POST', headers: {}, body: '{}', session: 'sess-1' });
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.blocked, true);
      assert.equal(seen.length, before);
      assert.equal(events.length, 1);
      assert.equal(events[0]?.action, 'block');
      assert.equal(events[0]?.session, 'sess-1');
    } finally {
      up.close();
    }
  });

  /** The same call abandoned through a Cancel (what the listener hands each exchange); the server sees its connection close. */
  async function cancelled(early: boolean): Promise<{ r: UpstreamResult; closed: boolean }> {
    const { ctx, events } = testContext(LOOPBACK);
    const up = createUpstream({ ctx, url: new URL(`${base}/hold`), headers: {}, transport: 'mcp-http' });
    try {
      const cancel = new Cancel();
      if (early) cancel.abort();
      const before = held.length;
      const p = up.request({ method: 'POST', headers: {}, body: '{}', cancel });
      let closed = early;
      if (!early) {
        for (const end = Date.now() + 20_000; held.length === before && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
        const res = held.at(-1);
        assert.ok(res !== undefined && held.length === before + 1, 'the server never got the call');
        res.once('close', () => {
          closed = true;
        });
        cancel.abort();
      }
      // Bounded (a hang guard, generous for a loaded machine): a Cancel that did not end the exchange
      // would leave the call waiting for good.
      const r = await Promise.race([p, new Promise<'still waiting'>((done) => setTimeout(() => done('still waiting'), 20_000).unref())]);
      assert.notEqual(r, 'still waiting');
      for (const end = Date.now() + 20_000; !closed && Date.now() < end; ) await new Promise((done) => setTimeout(done, 10));
      assert.equal(events.length, 0);
      return { r: r as UpstreamResult, closed };
    } finally {
      up.close();
    }
  }

  for (const early of [false, true]) {
    it(`answers a call ended through its Cancel ${early ? 'before it is made' : 'while it waits'} as abandoned, and ends the exchange`, async () => {
      const { r, closed } = await cancelled(early);
      assert.deepEqual(r, { ok: false, blocked: false, why: 'the call was abandoned by its client' });
      assert.ok(closed);
    });
  }

});
