import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { heldCompilers } from './compiler-hold.ts';

const MODULE = new URL('./compiler-hold.ts', import.meta.url).href;

interface Tiers {
  /** The tier a hot function runs in while the compilers are held. */
  readonly held: string;
  /** The tier it reaches once they are released and it keeps running hot. */
  readonly released: string;
}

/**
 * Runs a hot function in a fresh process through hold → release and reports V8's tier for it.
 * `patienceMs`: how long to keep the function hot after the release while it has not reached TurboFan
 * (at least 20 rounds either way). TurboFan compiles on a background thread, which a loaded machine
 * can hold back for seconds; a test that expects TurboFan waits for it, one that expects none does not.
 */
function tiersAcrossHold(nodeFlags: readonly string[], patienceMs = 0): Tiers {
  const script = `
    const { holdCompilers, releaseCompilers } = await import(${JSON.stringify(MODULE)});
    const tier = (f) => %ActiveTierIsTurbofan(f) ? 'turbofan' : %ActiveTierIsSparkplug(f) ? 'sparkplug' : %ActiveTierIsIgnition(f) ? 'ignition' : 'other';
    function hot(x) { let s = 0; for (let i = 0; i < 10; i++) s += (x * i) % 7; return s; }
    const pause = () => new Promise((r) => setTimeout(r, 20));
    holdCompilers();
    for (let i = 0; i < 100000; i++) hot(i);
    await pause();
    const held = tier(hot);
    releaseCompilers();
    // TurboFan compiles on a background thread: each round waits for the jobs it started, and the
    // rounds go on for up to patienceMs until the function is in TurboFan.
    const deadline = Date.now() + ${patienceMs};
    for (let round = 0; tier(hot) !== 'turbofan' && (round < 20 || Date.now() < deadline); round++) {
      for (let i = 0; i < 50000; i++) hot(i);
      %WaitForBackgroundOptimization();
      await pause();
    }
    process.stdout.write(JSON.stringify({ held, released: tier(hot) }));
  `;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', ...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Tiers;
}

describe('compiler hold (tollgate run start-up)', () => {
  it('keeps hot start-up code interpreted while held, and lets it reach TurboFan once released', () => {
    assert.deepEqual(tiersAcrossHold([], 30_000), { held: 'ignition', released: 'turbofan' });
  });

  it('does not turn TurboFan on at release when the operator started node with --no-opt', () => {
    const tiers = tiersAcrossHold(['--no-opt']);
    assert.equal(tiers.held, 'ignition');
    assert.notEqual(tiers.released, 'turbofan');
  });

  it('holds only the compilers the operator set no flag for, on the command line or in NODE_OPTIONS', () => {
    assert.deepEqual(heldCompilers([], undefined), ['turbofan', 'sparkplug']);
    assert.deepEqual(heldCompilers(['--no-opt'], undefined), ['sparkplug']);
    assert.deepEqual(heldCompilers(['--max-opt=2'], ''), ['sparkplug']);
    assert.deepEqual(heldCompilers([], '--no_sparkplug --max-old-space-size=512'), ['turbofan']);
    assert.deepEqual(heldCompilers(['--jitless'], undefined), []);
    assert.deepEqual(heldCompilers(['--allow-natives-syntax', '--expose-gc'], '--enable-source-maps'), ['turbofan', 'sparkplug']);
  });
});
