/** Decision events for tests and benches. */
import type { DecisionEvent } from '../../core/index.ts';

export function sampleEvent(i: number, overrides: Partial<DecisionEvent> = {}): DecisionEvent {
  const blocked = i % 3 === 0;
  return {
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString(),
    type: 'request',
    transport: i % 2 ? 'http-forward' : 'mcp-stdio',
    agent: 'test-agent',
    session: `s${i % 4}`,
    requestId: `req-${i}`,
    method: 'POST',
    target: `https://example.com/api/${i}?token=[redacted]`,
    action: blocked ? 'block' : 'allow',
    mode: 'enforce',
    reason: blocked ? 'AWS access key id in body.$.key' : 'no findings',
    findings: blocked
      ? [{ scanner: 'dlp', rule: 'dlp/aws-access-key-id', severity: 'critical', category: 'secret', mitre: 'T1552.001', location: 'body.$.key', evidence: 'AKIA…[20 chars]' }]
      : [],
    latencyMs: 0.4,
    bytes: 120,
    configHash: 'c0ffee'.repeat(10) + 'abcd',
    ...overrides,
  };
}
