import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecisionEvent } from '../core/index.ts';
import { createLabelGuard, isKebabPath, OTHER } from './label-guard.ts';
import { createMetrics, disabledMetrics, METRIC_NAMES } from './metrics.ts';

const decision = (over: Partial<DecisionEvent> = {}): DecisionEvent => ({
  time: '2026-01-05T10:00:00.000Z',
  type: 'request',
  transport: 'http-forward',
  requestId: 'r',
  action: 'block',
  mode: 'enforce',
  reason: 'x',
  findings: [{ scanner: 'dlp', rule: 'dlp/aws-access-key-id', severity: 'critical', category: 'secret', mitre: 'T1552.001', location: 'url' }],
  latencyMs: 3,
  bytes: 100,
  configHash: 'h',
  ...over,
});

/** The value of one series line in the exposition text, or undefined. */
function series(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('metrics', () => {
  it('counts decisions, findings, latency and bytes per transport after a few decisions', async () => {
    const m = createMetrics({ processMetrics: false });
    m.recordDecision(decision());
    m.recordDecision(decision({ latencyMs: 20, bytes: 50 }));
    m.recordDecision(decision({ transport: 'scan-api', action: 'allow', findings: [], latencyMs: 0.2, bytes: 10 }));
    m.recordDecision(decision({ action: 'warn', mode: 'audit', wouldHave: 'block' }));
    const text = await m.render();
    assert.equal(series(text, 'tollgate_decisions_total{transport="http-forward",action="block",mode="enforce"}'), 2);
    assert.equal(series(text, 'tollgate_decisions_total{transport="http-forward",action="warn",mode="audit"}'), 1);
    assert.equal(series(text, 'tollgate_decisions_total{transport="scan-api",action="allow",mode="enforce"}'), 1);
    assert.equal(series(text, 'tollgate_findings_total{scanner="dlp",rule="dlp/aws-access-key-id",severity="critical"}'), 3);
    assert.equal(series(text, 'tollgate_scan_latency_seconds_count{transport="http-forward"}'), 3);
    assert.equal(series(text, 'tollgate_scan_latency_seconds_bucket{le="0.005",transport="http-forward"}'), 2, '3 ms twice under 5 ms, 20 ms not');
    assert.equal(series(text, 'tollgate_scan_latency_seconds_sum{transport="http-forward"}'), 0.026);
    assert.equal(series(text, 'tollgate_bytes_scanned_total{transport="http-forward"}'), 250);
    assert.equal(series(text, 'tollgate_bytes_scanned_total{transport="scan-api"}'), 10);
  });

  it('has a recorder for every other metric, all on its own registry', async () => {
    const m = createMetrics({ processMetrics: false });
    m.recordTunnel(true);
    m.recordTunnel(true);
    m.recordTunnel(false);
    m.recordWebSocketFrame('outbound', 'block');
    m.recordMcpMessage('tools/call', 'outbound');
    m.recordReceipts();
    m.recordReceipts(4);
    m.recordSinkEvents('webhook', 'delivered', 7);
    m.recordSinkDrop('webhook', 'queue-full', 2);
    m.recordConfigReload('applied');
    m.recordConfigReload('rejected');
    m.setKillSwitch(true);
    const text = await m.render();
    assert.equal(series(text, 'tollgate_tunnels_total{intercepted="true"}'), 2);
    assert.equal(series(text, 'tollgate_tunnels_total{intercepted="false"}'), 1);
    assert.equal(series(text, 'tollgate_websocket_frames_total{direction="outbound",action="block"}'), 1);
    assert.equal(series(text, 'tollgate_mcp_messages_total{method="tools/call",direction="outbound"}'), 1);
    assert.equal(series(text, 'tollgate_receipts_written_total'), 5);
    assert.equal(series(text, 'tollgate_sink_events_total{sink="webhook",outcome="delivered"}'), 7);
    assert.equal(series(text, 'tollgate_sink_drops_total{sink="webhook",reason="queue-full"}'), 2);
    assert.equal(series(text, 'tollgate_config_reloads_total{outcome="rejected"}'), 1);
    assert.equal(series(text, 'tollgate_kill_switch'), 1);
    for (const name of METRIC_NAMES) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), `${name} is exported`);
    const other = createMetrics({ processMetrics: false });
    assert.equal(series(await other.render(), 'tollgate_kill_switch'), 0, 'a second instance does not share state');
  });

  it('includes the default process metrics when asked', async () => {
    const text = await createMetrics({ processMetrics: true }).render();
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.match(text, /^nodejs_heap_size_used_bytes /m);
  });

  it('caps distinct values per label and puts badly shaped rule ids under "other"', async () => {
    const m = createMetrics({ processMetrics: false, maxLabelValues: 3 });
    const rules = ['dlp/a', 'dlp/b', 'dlp/c', 'dlp/d', 'dlp/e', 'Evil Rule{"}', 'x'.repeat(100)];
    for (const rule of rules) m.recordDecision(decision({ findings: [{ scanner: 'dlp', rule, severity: 'high', category: 'secret', mitre: 'T1', location: 'u' }] }));
    for (let i = 0; i < 50; i++) m.recordMcpMessage(`method-${i}`, 'inbound');
    m.recordMcpMessage('bad method\n', 'inbound');
    const text = await m.render();
    const ruleSeries = text.split('\n').filter((l) => l.startsWith('tollgate_findings_total{'));
    assert.equal(ruleSeries.length, 4, 'three admitted rule values plus other');
    assert.equal(series(text, 'tollgate_findings_total{scanner="dlp",rule="other",severity="high"}'), 4);
    const methodSeries = text.split('\n').filter((l) => l.startsWith('tollgate_mcp_messages_total{'));
    assert.equal(methodSeries.length, 4);
    assert.equal(series(text, 'tollgate_mcp_messages_total{method="other",direction="inbound"}'), 48);
  });

  it('accepts only kebab/slash rule shapes', () => {
    assert.ok(isKebabPath('dlp/aws-access-key-id') && isKebabPath('engine/scanner-error') && isKebabPath('ssrf/cloud-metadata'));
    for (const bad of ['', 'DLP/x', 'dlp//x', '/x', 'x/', 'dlp/x y', 'dlp/x"}', 'a'.repeat(65)]) assert.ok(!isKebabPath(bad), bad);
    const g = createLabelGuard(1);
    assert.equal(g.value('l', 'a'), 'a');
    assert.equal(g.value('l', 'b'), OTHER);
    assert.equal(g.value('l', 'a'), 'a', 'an admitted value stays admitted');
    assert.equal(g.size('l'), 1);
  });

  it('gives a do-nothing stand-in when disabled', async () => {
    const m = disabledMetrics();
    m.recordDecision(decision());
    assert.equal(m.enabled, false);
    assert.equal(await m.render(), '');
  });
});
