import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from './index.ts';

const budgets = (preset: string) => parseConfig(`preset: ${preset}\n`).config.budgets;

describe('per-domain budgets in the shipped presets', () => {
  it('gives balanced 1200 requests a minute and 50 MiB an hour per domain', () => {
    const b = budgets('balanced');
    assert.equal(b.requestsPerMinute, 1200);
    assert.equal(b.egressBytesPerHour, 50 * 1024 * 1024);
    assert.deepEqual(b.perDomain, {});
  });

  it('makes strict tighter than balanced, and hostile-model tighter than strict', () => {
    const [bal, strict, hostile] = [budgets('balanced'), budgets('strict'), budgets('hostile-model')];
    assert.ok(strict.requestsPerMinute < bal.requestsPerMinute && strict.egressBytesPerHour < bal.egressBytesPerHour);
    assert.ok(hostile.requestsPerMinute < strict.requestsPerMinute && hostile.egressBytesPerHour < strict.egressBytesPerHour);
  });

  it('raises only package registries and the model API in the coding presets, never github.com', () => {
    for (const preset of ['claude-code', 'cursor']) {
      const b = budgets(preset);
      assert.equal(b.requestsPerMinute, 1200, preset);
      assert.equal(b.egressBytesPerHour, 50 * 1024 * 1024, preset);
      assert.equal(b.perDomain['npmjs.org']?.requestsPerMinute, 6000, preset);
      assert.equal(b.perDomain['anthropic.com']?.egressBytesPerHour, 1 << 30, preset);
      assert.equal(b.perDomain['github.com'], undefined, preset);
    }
  });

  it('passes no oversized response unscanned in any shipped preset', () => {
    for (const preset of ['balanced', 'strict', 'audit', 'claude-code', 'cursor', 'generic-agent', 'hostile-model']) {
      assert.deepEqual(parseConfig(`preset: ${preset}\n`).config.proxy.passOversizedResponses, [], preset);
    }
  });
});
