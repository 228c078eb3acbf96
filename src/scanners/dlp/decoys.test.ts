// A secret must not hide behind what comes just before it. The engine's span pass lists
// non-overlapping matches, so a decoy right before a secret (a keyword ending in punctuation such
// as `@` or `key-`, a keyword overlapping the secret's own prefix, another keyword-free pattern)
// could swallow the secret's trigger and leave its rule uncalled. For every rule sample and every
// keyword of every rule as the decoy (right before the sample's value, twice before it, right after
// it), the whole engine must report a hit over each span the sample's rule reports on its own on
// the same text.
//
// Every decoy against every rule is ~200,000 scans (a minute of CPU on a quiet machine, many under
// load), so the suite runs a fixed third of the keyword decoys per rule, rotating so that every
// keyword meets a third of the rules, plus every punctuation decoy, the rule's own keywords and every
// keyword that shares characters with the sample's value at the seam (the decoys that can swallow
// a trigger). TOLLGATE_ALL_DECOYS=1 runs the whole product.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DlpEngine } from './engine.ts';
import { SAMPLES } from './dlp.fixtures.ts';
import { ALL_RULES } from './rules/index.ts';

describe('DLP decoys before a secret', () => {
  const full = new DlpEngine(ALL_RULES);
  const keywords = [...new Set(ALL_RULES.flatMap((r) => r.keywords.map((k) => k.toLowerCase())))];
  const punctuation = ['@', '-', '|', '.', '$'];
  const everyDecoy = process.env.TOLLGATE_ALL_DECOYS === '1';

  /** A keyword whose end overlaps the value's start, or whose start overlaps its end, by 2+ characters (case-insensitively). */
  function seams(keyword: string, value: string): boolean {
    const v = value.toLowerCase();
    for (let n = 2; n <= Math.min(keyword.length, v.length); n++) {
      if (v.startsWith(keyword.slice(-n)) || v.endsWith(keyword.slice(0, n))) return true;
    }
    return false;
  }

  function decoysFor(ruleIndex: number, own: readonly string[], value: string): string[] {
    const mine = new Set(own.map((k) => k.toLowerCase()));
    const picked = keywords.filter((k, i) => everyDecoy || (i + ruleIndex) % 3 === 0 || mine.has(k) || seams(k, value));
    return [...picked, ...punctuation];
  }

  it('never hide a secret that its own rule finds on the same text', () => {
    const hidden: string[] = [];
    let checked = 0;
    for (const [ruleIndex, rule] of ALL_RULES.entries()) {
      const sample = SAMPLES[rule.id];
      if (!sample) continue;
      const alone = new DlpEngine([rule]);
      const value = alone.scanText(sample.positive)[0];
      if (!value) continue;
      const p = sample.positive;
      for (const decoy of decoysFor(ruleIndex, rule.keywords, p.slice(value.start, value.end))) {
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
    assert.ok(checked > (everyDecoy ? 50_000 : 15_000), `only ${checked} decoyed samples were checked`);
    assert.deepEqual(hidden.slice(0, 60), []);
  });
});
