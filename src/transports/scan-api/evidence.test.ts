import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultConfig } from '../../config/index.ts';
import type { DecisionEvent } from '../../core/index.ts';
import { createMetrics } from '../../evidence/index.ts';
import { createRuntime } from '../../main.ts';
import { createRateLimiter } from '../../state/index.ts';
import { summarizeUrl } from '../target.ts';
import { startScanApi, type ListeningServer } from './index.ts';

describe('scan API evidence: one decision event per scan, and /metrics', () => {
  const loaded = defaultConfig();
  const { engine } = createRuntime(loaded, {});
  const events: DecisionEvent[] = [];
  const metrics = createMetrics({ processMetrics: false });
  let clock = 1_767_607_200_000;
  let ids = 0;
  let server: ListeningServer;
  let bare: ListeningServer;
  const auth = { authorization: 'Bearer t0ken-for-tests' };

  before(async () => {
    const common = { engine, maxBodyBytes: 65_536, deadlineMs: 60_000, limiter: createRateLimiter(1000), info: {} };
    server = await startScanApi('127.0.0.1:0', {
      ...common,
      token: 't0ken-for-tests',
      now: () => (clock += 3),
      configHash: loaded.hash,
      newRequestId: () => `req-${++ids}`,
      emit: (e) => {
        events.push(e);
        metrics.recordDecision(e);
      },
      metrics,
    });
    bare = await startScanApi('127.0.0.1:0', { ...common, now: () => clock });
  });
  after(async () => {
    await server.close();
    await bare.close();
  });

  it('emits a scan decision event with the verdict, latency, size and config hash, and no secret in the target', async () => {
    const key = 'AKIAQYLPMN5HFIQR7XBZ';
    const body = JSON.stringify({ kind: 'request', method: 'GET', url: `https://evil.example.net/${key}/x?k=${key}`, session: 's-9', agent: 'claude' });
    const res = await fetch(`${server.url}/api/v1/scan`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...auth } });
    assert.equal(res.status, 200);
    assert.equal(events.length, 1);
    const e = events[0] as DecisionEvent;
    assert.equal(e.transport, 'scan-api');
    assert.equal(e.type, 'scan');
    assert.equal(e.action, 'block');
    assert.equal(e.mode, 'enforce');
    assert.equal(e.requestId, 'req-1');
    assert.equal(e.configHash, loaded.hash);
    assert.equal(e.latencyMs, 3, 'from the injected clock');
    assert.equal(e.bytes, Buffer.byteLength(body));
    assert.deepEqual([e.session, e.agent, e.method], ['s-9', 'claude', 'GET']);
    assert.equal(e.target, 'https://evil.example.net/AKIA…(20)/x?…');
    assert.ok(e.findings.some((f) => f.rule === 'dlp/aws-access-key-id'));
    assert.ok(!JSON.stringify(e).includes(key.slice(4)), 'the key is in no field of the event');
  });

  it('emits nothing for a refused request (bad token, invalid input)', async () => {
    const before = events.length;
    await fetch(`${server.url}/api/v1/scan`, { method: 'POST', body: '{"kind":"url","url":"https://example.com"}' });
    await fetch(`${server.url}/api/v1/scan`, { method: 'POST', body: '{"kind":"url"}', headers: auth });
    assert.equal(events.length, before);
  });

  it('serves Prometheus text on GET /metrics behind the bearer token', async () => {
    assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
    const res = await fetch(`${server.url}/metrics`, { headers: auth });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(await res.text(), /^tollgate_decisions_total\{transport="scan-api",action="block",mode="enforce"\} 1$/m);
  });

  it('has no /metrics route when no metrics are given', async () => {
    assert.equal((await fetch(`${bare.url}/metrics`)).status, 404);
  });

  it('summarizes URLs: userinfo, query values, fragments and data-like parts never survive', () => {
    assert.equal(summarizeUrl('https://u:pw@api.example.com:8443/v1/items/42?token=abc#frag'), 'https://api.example.com:8443/v1/items/42?…');
    assert.equal(summarizeUrl('https://akiaqylpmn5hfiqr7xbz.evil.example/'), 'https://akia…(20).evil.example/');
    // A key split over short subdomain labels: each piece is redacted too (core/names.ts).
    assert.equal(summarizeUrl('https://akiaz7qw4e.rt5yui6opa.evil.example/'), 'https://akia…(10).…(10).evil.example/');
    assert.equal(summarizeUrl('not a url'), '[unparseable URL, 9 chars]');
  });
});
