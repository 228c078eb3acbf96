import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseConfig } from '../../config/index.ts';
import type { DecisionEvent } from '../../core/index.ts';
import { createEvidence } from '../index.ts';
import { fakeTime } from './testing.ts';
import { createWebhookSink } from './webhook.ts';
import { WebhookSinkConfig } from '../../config/evidence-schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-webhook-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const event = (i: number): DecisionEvent => ({
  time: '2026-01-05T10:00:00.000Z',
  type: 'request',
  transport: 'http-forward',
  requestId: `r${i}`,
  target: `https://example.com/item/${i}`,
  action: 'block',
  mode: 'enforce',
  reason: 'Blocked: test.',
  findings: [],
  latencyMs: 1,
  configHash: 'h',
});

interface Received {
  readonly body: string;
  readonly signature: string | undefined;
}

/** A loopback receiver whose behaviour the test switches: hold requests unanswered, or answer a status. */
function receiver(port = 0) {
  const received: Received[] = [];
  const held: http.ServerResponse[] = [];
  const heldBatches: string[] = [];
  let mode: 'hold' | number = 204;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (mode === 'hold') {
        held.push(res);
        heldBatches.push((JSON.parse(body) as { batch: string }).batch);
        return;
      }
      if (mode >= 200 && mode < 300) received.push({ body, signature: req.headers['x-tollgate-signature'] as string | undefined });
      res.writeHead(mode).end();
    });
  });
  return {
    received,
    heldBatches,
    setMode: (m: 'hold' | number) => {
      mode = m;
    },
    listen: () => new Promise<number>((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port with nothing listening: bind one, then let it go. */
async function freePort(): Promise<number> {
  const probe = receiver();
  const port = await probe.listen();
  await probe.close();
  return port;
}

describe('webhook sink', () => {
  it('survives a receiver that is down, then slow, then back: delivers up to the queue bound in order, counts drops and retries exactly, signs every body', async () => {
    const secret = 'whsec-test-only-0123456789';
    const port = await freePort();
    const server = receiver(port);
    let backoffSleeps = 0;
    const time = fakeTime({
      auto: true,
      onSleep: async (ms) => {
        if (ms < 100) return; // a batch waiting to fill, not a retry
        backoffSleeps++;
        if (backoffSleeps === 2) {
          server.setMode('hold'); // back up, but answers nothing: every request times out
          await server.listen();
        }
        if (backoffSleeps === 4) server.setMode(204);
      },
    });
    const loaded = parseConfig(
      [
        'logging:',
        '  destination: audit.jsonl',
        'sinks:',
        '  - type: webhook',
        `    url: http://127.0.0.1:${port}/hook`,
        '    secretEnv: HOOK_SECRET',
        '    queueSize: 5',
        '    batchSize: 2',
        '    maxDelayMs: 1',
        '    maxAttempts: 50',
        // Long enough that an answered request never runs into it on a loaded machine (the counts below
        // are exact: one answer timed out by mistake would be one retry too many); the two held
        // requests wait it out, and nothing else does.
        '    timeoutMs: 2000',
        '    backoff: { initialMs: 100, maxMs: 10000, multiplier: 2, jitter: 0 }',
        'metrics:',
        '  processMetrics: false',
      ].join('\n'),
    );
    const evidence = await createEvidence(loaded.config, dir, { queueDeps: time.deps, env: { HOOK_SECRET: secret } });
    try {
      for (let i = 1; i <= 8; i++) evidence.bus.emit(event(i));
      const [sink] = evidence.sinks;
      assert.ok(sink);
      assert.equal(sink.stats().dropped['queue-full'], 3, 'three events past the bound of five');
      await sink.idle();

      const s = sink.stats();
      assert.equal(s.delivered, 5, 'every queued event arrives after recovery');
      assert.equal(s.retried, 8, 'the first batch of two, retried four times (2 refused + 2 timed out)');
      assert.deepEqual(s.dropped, { 'queue-full': 3, 'max-retries': 0, 'serialize-error': 0, rejected: 0, shutdown: 0 });
      assert.deepEqual(time.slept.filter((ms) => ms >= 100), [100, 200, 400, 800], 'the deterministic backoff schedule');
      assert.equal(server.heldBatches.length, 2, 'two attempts reached the slow receiver');

      const bodies = server.received.map((r) => JSON.parse(r.body) as { source: string; schema: number; batch: string; events: { requestId: string }[] });
      assert.deepEqual(
        bodies.map((b) => b.events.map((e) => e.requestId)),
        [['r1', 'r2'], ['r3', 'r4'], ['r5']],
      );
      assert.ok(bodies.every((b) => b.source === 'tollgate' && b.schema === 1));
      assert.equal(bodies[0]?.batch, server.heldBatches[0], 'a retried batch keeps its id, so the receiver can drop duplicates');
      assert.equal(new Set(bodies.map((b) => b.batch)).size, 3);
      for (const r of server.received) {
        const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`);
        assert.ok(r.signature && timingSafeEqual(Buffer.from(r.signature), expected), 'the HMAC header verifies against the exact body');
      }

      const metrics = await evidence.metrics.render();
      assert.match(metrics, /^tollgate_sink_events_total\{sink="webhook",outcome="delivered"\} 5$/m);
      assert.match(metrics, /^tollgate_sink_events_total\{sink="webhook",outcome="retried"\} 8$/m);
      assert.match(metrics, /^tollgate_sink_events_total\{sink="webhook",outcome="dropped"\} 3$/m);
      assert.match(metrics, /^tollgate_sink_drops_total\{sink="webhook",reason="queue-full"\} 3$/m);
    } finally {
      await evidence.close(1000);
      await server.close();
    }
    const lines = readFileSync(join(dir, 'audit.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.filter((l) => l.kind === 'decision').length, 8, 'the audit log has every decision, dropped by the sink or not');
    const dropLines = lines.filter((l) => l.event === 'sink-drop');
    assert.ok(dropLines.length >= 1);
    assert.equal(
      dropLines.reduce((a, l) => a + Number((l.detail as { events: number }).events), 0),
      3,
      'the drop lines account for every dropped event',
    );
  });

  it('drops a batch the receiver refuses with a 4xx (rejected, no retry) and retries a 503', async () => {
    const server = receiver();
    const port = await server.listen();
    const time = fakeTime({ auto: true });
    const config = WebhookSinkConfig.parse({ type: 'webhook', url: `http://127.0.0.1:${port}/`, batchSize: 1, maxDelayMs: 1, maxAttempts: 3, timeoutMs: 2000, backoff: { jitter: 0 } });
    const sink = createWebhookSink({ name: 'webhook', config, evidencePreviews: true, accept: () => true, deps: time.deps });
    try {
      server.setMode(400);
      sink.emit(event(1));
      await sink.idle();
      assert.equal(sink.stats().dropped.rejected, 1);
      assert.equal(sink.stats().retried, 0);
      assert.equal(sink.stats().lastError, 'HTTP 400');
      server.setMode(503);
      sink.emit(event(2));
      await sink.idle();
      assert.equal(sink.stats().retried, 2);
      assert.equal(sink.stats().dropped['max-retries'], 1);
      assert.equal(server.received.length, 0);
    } finally {
      await sink.close(100);
      await server.close();
    }
  });

  it('refuses to start when the secret variable it names is empty', async () => {
    const loaded = parseConfig('logging: { enabled: false }\nsinks:\n  - type: webhook\n    url: http://127.0.0.1:9/\n    secretEnv: EMPTY_SECRET\n');
    await assert.rejects(createEvidence(loaded.config, dir, { env: { EMPTY_SECRET: '' } }), /EMPTY_SECRET, which is empty/);
  });
});
