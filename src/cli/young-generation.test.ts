import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const MODULE = new URL('./young-generation.ts', import.meta.url).href;

/** Young-generation size (MB) of a fresh process before and after a burst of start-up-like allocation. */
function youngGenerationAcrossBurst(hold: boolean): { before: number; after: number } {
  const script = `
    import v8 from 'node:v8';
    const { holdYoungGeneration, releaseYoungGeneration } = await import(${JSON.stringify(MODULE)});
    const young = () => v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space').space_size / 1048576;
    const before = young();
    if (${hold}) holdYoungGeneration();
    // Objects that live a little while, as tables being built do: V8 grows the young generation for them.
    let keep = [];
    for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 2e5) keep = []; }
    if (${hold}) releaseYoungGeneration();
    process.stdout.write(JSON.stringify({ before, after: young() }));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { before: number; after: number };
}

describe('young generation hold (tollgate run start-up)', () => {
  it('keeps the young generation from growing through an allocation burst that grows it otherwise', () => {
    const held = youngGenerationAcrossBurst(true);
    assert.equal(held.after, held.before, `held: ${JSON.stringify(held)} MB`);
    const free = youngGenerationAcrossBurst(false);
    assert.ok(free.after > free.before, `not held: ${JSON.stringify(free)} MB`);
  });
});
