import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../config/index.ts';
import type { DecisionEvent } from '../../../core/index.ts';
import { createEvidence } from '../../index.ts';
import { importOtlp, type OtlpModuleType } from '../index.ts';
import { fakeTime } from '../testing.ts';

const event = (i: number, action: DecisionEvent['action']): DecisionEvent => ({
  time: '2026-01-05T10:00:00.250Z',
  type: 'request',
  transport: 'https-intercept',
  agent: 'claude',
  requestId: `req-${i}`,
  method: 'POST',
  target: 'https://evil.example.net/upload',
  action,
  mode: 'enforce',
  reason: `Reason ${i}.`,
  findings: action === 'block' ? [{ scanner: 'dlp', rule: 'dlp/github-pat', severity: 'critical', category: 'secret', mitre: 'T1552.001', location: 'body.$.t', evidence: 'ghp_…[40 chars]' }] : [],
  latencyMs: 2.5,
  bytes: 321,
  configHash: 'a'.repeat(64),
});

type Attr = { key: string; value: Record<string, unknown> };
const attr = (attrs: Attr[], key: string) => attrs.find((a) => a.key === key)?.value;

function collector() {
  const posts: { path: string; headers: http.IncomingHttpHeaders; body: unknown }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return {
    posts,
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('OTLP sink', () => {
  it('posts OTLP/HTTP JSON logs to /v1/logs and one span per decision to /v1/traces, correlated by ids', async () => {
    const server = collector();
    const port = await server.listen();
    let loads = 0;
    const spy = (): Promise<OtlpModuleType> => {
      loads++;
      return importOtlp();
    };
    const loaded = parseConfig(
      `logging: { enabled: false }\nmetrics: { processMetrics: false }\nsinks:\n  - type: otlp\n    endpoint: http://127.0.0.1:${port}/\n    headersEnv: { authorization: OTLP_AUTH }\n    batchSize: 10\n    maxDelayMs: 1\n`,
    );
    const evidence = await createEvidence(loaded.config, '/nonexistent', { importOtlp: spy, queueDeps: fakeTime({ auto: true }).deps, env: { OTLP_AUTH: 'Bearer otlp-test' }, hostname: 'tg-host', version: '9.9.9' });
    try {
      assert.equal(loads, 1, 'the OTLP module is loaded once, because a sink needs it');
      assert.deepEqual(
        evidence.sinks.map((s) => s.name),
        ['otlp:logs', 'otlp:traces'],
      );
      evidence.bus.emit(event(1, 'block'));
      evidence.bus.emit(event(2, 'allow'));
      await Promise.all(evidence.sinks.map((s) => s.idle()));
    } finally {
      await evidence.close(500);
      await server.close();
    }
    const logs = server.posts.find((p) => p.path === '/v1/logs');
    const traces = server.posts.find((p) => p.path === '/v1/traces');
    assert.ok(logs && traces, 'both signals posted');
    assert.equal(server.posts.length, 2, 'one batch each');
    assert.equal(logs.headers['content-type'], 'application/json');
    assert.equal(logs.headers.authorization, 'Bearer otlp-test');

    const rl = (logs.body as { resourceLogs: { resource: { attributes: Attr[] }; scopeLogs: { scope: { name: string }; logRecords: Record<string, unknown>[] }[] }[] }).resourceLogs;
    assert.equal(rl.length, 1);
    assert.deepEqual(attr(rl[0]!.resource.attributes, 'service.name'), { stringValue: 'tollgate' });
    assert.deepEqual(attr(rl[0]!.resource.attributes, 'service.version'), { stringValue: '9.9.9' });
    assert.equal(rl[0]!.scopeLogs[0]!.scope.name, 'tollgate.evidence');
    const records = rl[0]!.scopeLogs[0]!.logRecords;
    assert.equal(records.length, 2);
    const [blocked, allowed] = records as [Record<string, unknown>, Record<string, unknown>];
    assert.equal(blocked.timeUnixNano, String(BigInt(Date.parse('2026-01-05T10:00:00.250Z')) * 1_000_000n), '64-bit nanoseconds as a decimal string');
    assert.match(String(blocked.observedTimeUnixNano), /^\d+$/);
    assert.deepEqual([blocked.severityNumber, blocked.severityText, allowed.severityNumber], [13, 'WARN', 9]);
    assert.deepEqual(blocked.body, { stringValue: 'Reason 1.' });
    assert.match(String(blocked.traceId), /^[0-9a-f]{32}$/, 'trace id in hex, not base64');
    assert.match(String(blocked.spanId), /^[0-9a-f]{16}$/);
    const la = blocked.attributes as Attr[];
    assert.deepEqual(attr(la, 'tollgate.action'), { stringValue: 'block' });
    assert.deepEqual(attr(la, 'tollgate.request_id'), { stringValue: 'req-1' });
    assert.deepEqual(attr(la, 'tollgate.rules'), { arrayValue: { values: [{ stringValue: 'dlp/github-pat' }] } });
    assert.deepEqual(attr(la, 'tollgate.bytes'), { intValue: '321' });
    assert.deepEqual(attr(la, 'tollgate.latency_ms'), { doubleValue: 2.5 });

    const rs = (traces.body as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] }).resourceSpans;
    const spans = rs[0]!.scopeSpans[0]!.spans;
    assert.equal(spans.length, 2);
    const span = spans[0]!;
    assert.equal(span.name, 'tollgate.request');
    assert.equal(span.kind, 1);
    assert.deepEqual([span.traceId, span.spanId], [blocked.traceId, blocked.spanId], 'the log record and the span share ids');
    assert.equal(BigInt(String(span.endTimeUnixNano)) - BigInt(String(span.startTimeUnixNano)), 2_500_000n, 'the span lasts latencyMs');
    assert.deepEqual((span.status as { code: number }).code, 2, 'a block is an ERROR status');
    assert.deepEqual(spans[1]!.status, { code: 0 });
  });

  it('does not load the OTLP module when no OTLP sink is configured', async () => {
    let loads = 0;
    const spy = (): Promise<OtlpModuleType> => {
      loads++;
      return importOtlp();
    };
    const loaded = parseConfig('logging: { enabled: false }\nmetrics: { processMetrics: false }\nsinks:\n  - type: stdout\n');
    const evidence = await createEvidence(loaded.config, '/nonexistent', { importOtlp: spy, stdout: { write: (_c, cb) => (cb(), true) } });
    await evidence.close(100);
    assert.equal(loads, 0);
  });

  it('is reached from the rest of src/ only through the one dynamic import', () => {
    const src = new URL('../../../', import.meta.url).pathname;
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
      });
    const otlpDir = join(src, 'evidence/sinks/otlp');
    const offenders: string[] = [];
    for (const f of files(src)) {
      if (f.startsWith(otlpDir)) continue;
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+['"]([^'"]*otlp[^'"]*)['"]/gm)) offenders.push(`${relative(src, f)}: ${m[1]}`);
    }
    assert.deepEqual(offenders, []);
    assert.match(readFileSync(join(src, 'evidence/sinks/index.ts'), 'utf8'), /import\('\.\/otlp\/index\.ts'\)/);
  });
});
