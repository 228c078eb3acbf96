import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { operatorSetBudget, quickenTierUp, RELAY_INTERRUPT_BUDGET } from './tier-up.ts';

const MODULE = new URL('./tier-up.ts', import.meta.url).href;

/**
 * In a fresh process (optionally after quickenTierUp), how many calls a small function takes to
 * reach TurboFan: calls go in batches of 50, each followed by waiting for the background compiler,
 * so the count depends on V8's budget accounting only, never on timing.
 */
function callsToTurbofan(quicken: boolean, nodeFlags: readonly string[] = []): { calls: number; quickened: boolean | null } {
  const script = `
    const { quickenTierUp } = await import(${JSON.stringify(MODULE)});
    const quickened = ${quicken ? 'quickenTierUp()' : 'null'};
    function work(x) { const a = (x * 31 + 7) % 13; const b = (x >> 1) ^ a; return a + b * 3 - (x & 5); }
    let calls = 0;
    while (calls < 20000 && !%ActiveTierIsTurbofan(work)) {
      for (let i = 0; i < 50; i++) work(calls++);
      %WaitForBackgroundOptimization();
    }
    process.stdout.write(JSON.stringify({ calls, quickened }));
  `;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', ...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { calls: number; quickened: boolean | null };
}

describe('quickenTierUp (the relay tiers up sooner)', () => {
  it('makes a function reach TurboFan in far fewer calls than with V8 default budget', () => {
    const plain = callsToTurbofan(false);
    const quick = callsToTurbofan(true);
    assert.equal(quick.quickened, true);
    assert.ok(plain.calls < 20000, `the function never reached TurboFan (${plain.calls} calls)`);
    assert.ok(quick.calls * 4 <= plain.calls, `quickened: ${quick.calls} calls; default: ${plain.calls}`);
  });

  it('leaves an interrupt budget the operator set on the command line as it is', () => {
    const plain = callsToTurbofan(false);
    const operator = callsToTurbofan(true, ['--interrupt-budget=67584']);
    assert.equal(operator.quickened, false);
    assert.ok(operator.calls * 2 > plain.calls, `operator's budget: ${operator.calls} calls; default: ${plain.calls}`);
  });

  it('recognises the operator flag in either spelling, on the command line or in NODE_OPTIONS', () => {
    assert.equal(operatorSetBudget([], undefined), false);
    assert.equal(operatorSetBudget(['--allow-natives-syntax', '--max-old-space-size=512'], '--enable-source-maps'), false);
    assert.equal(operatorSetBudget(['--interrupt-budget=1000'], undefined), true);
    assert.equal(operatorSetBudget([], '--max-old-space-size=512 --interrupt_budget=9000'), true);
    assert.equal(operatorSetBudget(['--interrupt-budget-for-feedback-allocation=100'], ''), false);
  });

  it('sets the relay budget through the setter unless the operator chose one', () => {
    const set: string[] = [];
    assert.equal(
      quickenTierUp([], '', (f) => set.push(f)),
      true,
    );
    assert.deepEqual(set, [`--interrupt-budget=${RELAY_INTERRUPT_BUDGET}`]);
    assert.equal(
      quickenTierUp(['--interrupt-budget=500'], '', (f) => set.push(f)),
      false,
    );
    assert.equal(set.length, 1);
  });
});
