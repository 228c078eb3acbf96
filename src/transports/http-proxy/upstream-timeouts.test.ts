import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { curl, startTestProxy, startUpstream, type TestProxy, type Upstream } from './testing.ts';

describe('upstream timeouts', { timeout: 30_000 }, () => {
  let up: Upstream;
  let proxy: TestProxy;
  before(async () => {
    up = await startUpstream((req, res) => {
      if ((req.url ?? '').startsWith('/slow')) {
        // A model API answering a long non-streaming request: connected at once, answers later.
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"answer":"took a while"}');
        }, 1500);
      }
      // /silent never answers.
    });
    proxy = await startTestProxy('scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\nproxy:\n  connectTimeoutMs: 300\n  responseTimeoutMs: 5000\n');
  });
  after(async () => {
    await proxy.close();
    await up.close();
  });

  it('waits past connectTimeoutMs for an upstream that is connected but slow to answer', async () => {
    const r = await curl(proxy.server.url, [`http://127.0.0.1:${up.port}/slow`]);
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"answer":"took a while"}');
  });

  it('gives up on a connected upstream that stays silent past responseTimeoutMs (502)', async () => {
    const r = await curl(proxy.server.url, [`http://127.0.0.1:${up.port}/silent`]);
    assert.equal(r.status, 502);
    assert.equal(r.headers['x-tollgate-block'], 'engine/upstream-error');
    assert.match(r.body, /timed out/);
  });
});
