import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultConfig } from '../../config/index.ts';
import { createRuntime } from '../../main.ts';
import { createRateLimiter } from '../../state/index.ts';
import { startScanApi, type ListeningServer } from './index.ts';

describe('scan API over a real loopback socket', () => {
  let server: ListeningServer;
  let tightServer: ListeningServer;
  let clock = 1_000_000;
  const { engine } = createRuntime(defaultConfig(), {});
  const post = (base: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/v1/scan`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  before(async () => {
    server = await startScanApi('127.0.0.1:0', { engine, token: 'test-token-123', maxBodyBytes: 4096, deadlineMs: 60_000, limiter: createRateLimiter(1000), now: () => clock, info: { version: 'test' } });
    tightServer = await startScanApi('127.0.0.1:0', { engine, maxBodyBytes: 4096, deadlineMs: 60_000, limiter: createRateLimiter(2), now: () => clock, info: {} });
  });
  after(async () => {
    await server.close();
    await tightServer.close();
  });

  it('answers a blocked verdict for a cloud metadata URL with 200 and the block marker header', async () => {
    const res = await post(server.url, JSON.stringify({ id: 'a1', kind: 'url', url: 'http://169.254.169.254/latest/meta-data/' }), { authorization: 'Bearer test-token-123' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-tollgate-action'), 'block');
    const body = (await res.json()) as { id: string; action: string; findings: { rule: string }[] };
    assert.equal(body.id, 'a1');
    assert.equal(body.action, 'block');
    assert.ok(body.findings.some((f) => f.rule === 'ssrf/cloud-metadata'));
  });

  it('allows a clean request', async () => {
    const res = await post(server.url, JSON.stringify({ kind: 'request', method: 'GET', url: 'https://example.com/docs?page=2' }), { authorization: 'Bearer test-token-123' });
    assert.equal(((await res.json()) as { action: string }).action, 'allow');
  });

  it('answers another method on /api/v1/scan with 405 and Allow: POST, not 404', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await fetch(`${tightServer.url}/api/v1/scan`, { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get('allow'), 'POST', method);
      assert.match(((await res.json()) as { error: string }).error, /POST \/api\/v1\/scan/);
    }
    assert.equal((await fetch(`${tightServer.url}/api/v1/nothing`)).status, 404);
  });

  it('refuses a missing or wrong bearer token with 401', async () => {
    assert.equal((await post(server.url, '{"kind":"url","url":"https://example.com"}')).status, 401);
    assert.equal((await post(server.url, '{"kind":"url","url":"https://example.com"}', { authorization: 'Bearer test-token-124' })).status, 401);
  });

  it('refuses a body over the limit with 413 and invalid JSON or input with 400', async () => {
    const auth = { authorization: 'Bearer test-token-123' };
    assert.equal((await post(server.url, JSON.stringify({ kind: 'text', text: 'x'.repeat(5000) }), auth)).status, 413);
    assert.equal((await post(server.url, '{not json', auth)).status, 400);
    const bad = await post(server.url, JSON.stringify({ kind: 'url' }), auth);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /^invalid scan input: url: /);
  });

  it('rate-limits per client and recovers as time passes', async () => {
    const body = JSON.stringify({ kind: 'url', url: 'https://example.com' });
    assert.equal((await post(tightServer.url, body)).status, 200);
    assert.equal((await post(tightServer.url, body)).status, 200);
    assert.equal((await post(tightServer.url, body)).status, 429);
    clock += 60_000;
    assert.equal((await post(tightServer.url, body)).status, 200);
  });

  it('serves info and health', async () => {
    assert.deepEqual(await (await fetch(`${server.url}/healthz`)).json(), { ok: true });
    assert.deepEqual(await (await fetch(`${server.url}/health`)).json(), { ok: true });
    const auth = { authorization: 'Bearer test-token-123' };
    const status = (await (await fetch(`${server.url}/api/v1/status`, { headers: auth })).json()) as { ok: boolean; uptimeSeconds: number };
    assert.equal(status.ok, true);
    assert.equal(typeof status.uptimeSeconds, 'number');
    assert.deepEqual(await (await fetch(`${server.url}/api/v1/info`, { headers: auth })).json(), { version: 'test' });
    // Which mode and scanners run is for the operator: without the token, 401.
    for (const path of ['/api/v1/status', '/api/v1/info']) assert.equal((await fetch(`${server.url}${path}`)).status, 401, path);
  });

  it('answers health with a query string and HEAD, and leaves other methods on /health to the API (404)', async () => {
    assert.deepEqual(await (await fetch(`${server.url}/health?probe=1`)).json(), { ok: true });
    const head = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    assert.equal((await fetch(`${server.url}/health`, { method: 'POST', body: '{}' })).status, 404);
  });
});
