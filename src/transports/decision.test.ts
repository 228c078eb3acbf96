import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decisionEvent } from './decision.ts';

const verdict = { action: 'allow' as const, findings: [], reason: 'Allowed.' };
const facts = { type: 'request' as const, transport: 'http-forward' as const, verdict, requestId: 'r1', latencyMs: 1, mode: 'enforce' as const, configHash: 'h' };

describe('decisionEvent', () => {
  it('writes the time exactly as Date#toISOString does, across second, day and year boundaries', () => {
    const times = [0, 1, 999, 1000, 1001, 59_999, 86_399_999, 86_400_000, 1_700_000_000_123.9, 1_704_067_199_999, 1_704_067_200_000, 253_402_300_799_999, 253_402_300_800_000, -1, -1500.5];
    for (const at of times) assert.equal(decisionEvent({ ...facts, at }).time, new Date(at).toISOString(), `at ${at}`);
    // The same second again after another one: the remembered prefix is replaced, not reused.
    assert.equal(decisionEvent({ ...facts, at: 1000 }).time, '1970-01-01T00:00:01.000Z');
  });

  it('keeps the field order events are written in, with optional fields only when present', () => {
    const full = decisionEvent({ ...facts, at: 0, agent: 'a', session: 's', method: 'GET', target: 'http://x.test/', bytes: 3, verdict: { ...verdict, wouldHave: 'block' } });
    assert.deepEqual(Object.keys(full), ['time', 'type', 'transport', 'agent', 'session', 'requestId', 'method', 'target', 'action', 'mode', 'wouldHave', 'reason', 'findings', 'latencyMs', 'bytes', 'configHash']);
    const bare = decisionEvent({ ...facts, at: 0, agent: undefined });
    assert.deepEqual(Object.keys(bare), ['time', 'type', 'transport', 'requestId', 'action', 'mode', 'reason', 'findings', 'latencyMs', 'configHash']);
  });
});
