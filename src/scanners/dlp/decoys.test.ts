// A secret must not hide behind what comes just before it. The engine's span pass lists
// non-overlapping matches, so a decoy right before a secret (a keyword ending in punctuation such
// as `@` or `key-`, a keyword overlapping the secret's own prefix, another keyword-free pattern)
// could swallow the secret's trigger and leave its rule uncalled. For every rule sample and every
// keyword of every rule as the decoy (right before the sample's value, twice before it, right after
// it), the whole engine must report a hit over each span the sample's rule reports on its own on
// the same text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DlpEngine } from './engine.ts';
import { SAMPLES } from './dlp.fixtures.ts';
import { ALL_RULES } from './rules/index.ts';

describe('DLP decoys before a secret', () => {
  const full = new DlpEngine(ALL_RULES);
  const keywords = [...new Set(ALL_RULES.flatMap((r) => r.keywords.map((k) => k.toLowerCase())))];
  const decoys = [...keywords, '@', '-', '|', '.', '$'];

  it('never hide a secret that its own rule finds on the same text', () => {
    const hidden: string[] = [];
    let checked = 0;
    for (const rule of ALL_RULES) {
      const sample = SAMPLES[rule.id];
      if (!sample) continue;
      const alone = new DlpEngine([rule]);
      const value = alone.scanText(sample.positive)[0];
      if (!value) continue;
      const p = sample.positive;
      for (const decoy of decoys) {
        // right before the value the rule finds in its sample, twice before it, and right after it
        const texts = [`${p.slice(0, value.start)}${decoy}${p.slice(value.start)}`, `${p.slice(0, value.start)}x${decoy}${decoy}${p.slice(value.start)}`, `${p.slice(0, value.end)}${decoy}${p.slice(value.end)}`];
        for (const text of texts) {
          const all = full.scanText(text);
          for (const h of alone.scanText(text)) {
            checked++;
            if (!all.some((a) => a.start < h.end && h.start < a.end)) hidden.push(`${rule.id} beside ${JSON.stringify(decoy)}: ${JSON.stringify(text.slice(Math.max(0, h.start - 12), h.start + 8))}`);
          }
        }
      }
    }
    assert.ok(checked > 1000, `only ${checked} decoyed samples were checked`);
    assert.deepEqual(hidden.slice(0, 60), []);
  });
});
