import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { curl, startTestProxy, startUpstream, type TestProxy, type Upstream } from './testing.ts';

// Each proxy sets only the bound its test is about far apart from the rest, so no verdict depends on
// how fast the machine is: a loopback connect never needs 2 s, and a 4 s answer is far inside 60 s.
const LOOPBACK = 'scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\n';

describe('upstream timeouts', { timeout: 120_000 }, () => {
  let up: Upstream;
  before(async () => {
    up = await startUpstream((req, res) => {
      if ((req.url ?? '').startsWith('/slow')) {
        // A model API answering a long non-streaming request: connected at once, answers later
        // (twice connectTimeoutMs below: a connect timer left running would cut it first).
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"answer":"took a while"}');
        }, 4000);
      }
      // /silent never answers.
    });
  });
  after(async () => {
    await up.close();
  });

  async function withProxy(proxyLines: string, fn: (proxy: TestProxy) => Promise<void>): Promise<void> {
    const proxy = await startTestProxy(`${LOOPBACK}proxy:\n${proxyLines}`);
    try {
      await fn(proxy);
    } finally {
      await proxy.close();
    }
  }

  it('waits past connectTimeoutMs for an upstream that is connected but slow to answer', async () => {
    await withProxy('  connectTimeoutMs: 2000\n  responseTimeoutMs: 60000\n', async (proxy) => {
      const r = await curl(proxy.server.url, [`http://127.0.0.1:${up.port}/slow`]);
      assert.equal(r.status, 200);
      assert.equal(r.body, '{"answer":"took a while"}');
    });
  });

  it('gives up on a connected upstream that stays silent past responseTimeoutMs (502)', async () => {
    // The connect bound is the default (10 s); only the response bound is short.
    await withProxy('  responseTimeoutMs: 500\n', async (proxy) => {
      // curl gives up after 30 s: ample for 500 ms, and short of the 60 s default responseTimeoutMs.
      const r = await curl(proxy.server.url, ['--max-time', '30', `http://127.0.0.1:${up.port}/silent`]);
      assert.equal(r.status, 502);
      assert.equal(r.headers['x-tollgate-block'], 'engine/upstream-error');
      assert.match(r.body, /timed out: no answer within 500 ms, proxy\.responseTimeoutMs/, 'the reason names the bound that ran out');
    });
  });
});
