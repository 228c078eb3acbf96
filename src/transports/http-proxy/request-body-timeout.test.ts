// A request body is bounded by the request-side setting (proxy.requestTimeoutMs), never by the
// upstream's proxy.responseTimeoutMs; a body cut for time is recorded with the setting that fired.
// Each client dribbles its body by hand on a raw socket: the gaps make the body slower than one
// bound and far faster than the other, whatever the machine's speed (a stall only lengthens it).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawExchange, startTestProxy, startUpstream, statusCodes, waitFor, type Upstream } from './testing.ts';

const BASE = 'scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\ndns:\n  overrides:\n    upstream.test: 127.0.0.1\n';

describe('a slow request body is bounded by proxy.requestTimeoutMs', () => {
  let up: Upstream;
  before(async () => {
    up = await startUpstream((_req, res, body) => res.end(`got ${body.toString()}`));
  });
  after(async () => {
    await up.close();
  });

  it('forwards a body that takes longer than proxy.responseTimeoutMs but arrives within proxy.requestTimeoutMs', async () => {
    const proxy = await startTestProxy(`${BASE}proxy:\n  responseTimeoutMs: 300\n  headersTimeoutMs: 5000\n  requestTimeoutMs: 20000\n`);
    try {
      const host = `upstream.test:${up.port}`;
      const body = ['he', 'll', 'o-', 'sl', 'ow', '!!'];
      // Six pieces 150 ms apart: at least 750 ms, well past the 300 ms response bound.
      const text = await rawExchange(
        proxy.server.port,
        [`POST http://${host}/ HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 12\r\nConnection: close\r\n\r\n`, ...body],
        150,
        25_000,
      );
      assert.deepEqual(statusCodes(text), [200], text.slice(0, 400));
      assert.match(text, /got hello-slow!!$/);
      const ev = proxy.events.find((e) => e.type === 'request');
      assert.equal(ev?.action, 'allow');
    } finally {
      await proxy.close();
    }
  });

  it('answers 408 to a body slower than proxy.requestTimeoutMs (responseTimeoutMs longer), names that setting, and forwards nothing', async () => {
    const proxy = await startTestProxy(`${BASE}proxy:\n  responseTimeoutMs: 20000\n  headersTimeoutMs: 300\n  requestTimeoutMs: 600\n`);
    try {
      const seen = up.seen.length;
      const host = `upstream.test:${up.port}`;
      // 40 bytes 150 ms apart: at least 5.8 s, far past the 600 ms request bound, far short of 20 s.
      const text = await rawExchange(
        proxy.server.port,
        [`POST http://${host}/ HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 40\r\n\r\n`, ...Array.from({ length: 40 }, () => 'x')],
        150,
        25_000,
      );
      assert.deepEqual(statusCodes(text), [408], text.slice(0, 400));
      assert.equal(up.seen.length, seen, 'nothing reached the upstream');
      // The event is written as the handler's body read ends, which may come after the client saw the close.
      const ev = await waitFor(() => proxy.events.find((e) => e.type === 'request'), 'the request event');
      assert.equal(proxy.events.filter((e) => e.type === 'request').length, 1, JSON.stringify(proxy.events));
      assert.equal(ev?.action, 'block');
      assert.deepEqual(ev?.findings.map((f) => f.rule), ['engine/body-timeout']);
      assert.match(ev?.reason ?? '', /proxy\.requestTimeoutMs/);
      assert.doesNotMatch(ev?.reason ?? '', /responseTimeoutMs/);
    } finally {
      await proxy.close();
    }
  });
});
