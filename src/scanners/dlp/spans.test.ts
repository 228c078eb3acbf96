import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { re } from '../../re/index.ts';
import { countGroups, DlpEngine, uncapture } from './engine.ts';
import { assertSameScan, card, derRsaKeyLines, iban, rand, SAMPLES, wif } from './dlp.fixtures.ts';
import { ALL_RULES } from './rules/index.ts';

describe('uncapture', () => {
  it('turns every capture group into a non-capturing one and leaves classes and escapes alone', () => {
    assert.equal(uncapture('(a)(?:b)(?i:c)[(](d\\(e)'), '(?:a)(?:b)(?i:c)[(](?:d\\(e)');
    assert.equal(uncapture('[^]()](x)'), '[^]()](?:x)');
    assert.equal(uncapture('\\((x)\\)'), '\\((?:x)\\)');
  });

  it('leaves no group in any built-in rule and matches the same spans as the rule itself', () => {
    const texts = Object.values(SAMPLES).flatMap((s) => [s.positive, s.negative]).join('\n');
    for (const rule of ALL_RULES) {
      const plain = uncapture(rule.pattern);
      assert.equal(countGroups(plain), 0, rule.id);
      const spans = (source: string) => re(source).all(texts).map((m) => [m.index, m.end]);
      assert.deepEqual(spans(plain), spans(rule.pattern), rule.id);
    }
  });
});

describe('DlpEngine surveying with its group-free pass', () => {
  const fast = new DlpEngine(ALL_RULES);
  const reference = new DlpEngine(ALL_RULES, { spans: false, shortcuts: false });
  const keywords = [...new Set(ALL_RULES.flatMap((r) => r.keywords.map((k) => k.toLowerCase())))];
  // Matches of keyword-free rules (the ones whose rule the capturing pass must name), next to keywords.
  const triggers = [
    card('4'), card('5', 16), '4111 1111 1111 1111', '123-45-6789', iban('DE'), iban('GB', 18), wif(), derRsaKeyLines()[0] ?? '',
    `sk-${rand('0123456789abcdef', 32)}`, `SK${rand('0123456789abcdef', 32)}`, `key-${rand('0123456789abcdef', 32)}`, `API-${rand('ABCDEFGHIJ0123456789', 26)}`,
  ];
  const piece = fc.oneof(
    fc.constantFrom(...keywords),
    fc.constantFrom(...triggers),
    fc.stringMatching(/^[A-Za-z0-9_\-./:@=+ ]{1,12}$/),
    fc.constantFrom(' ', '\n', '=', '"', '/', 'x'),
  );
  const text = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));

  it('returns the same hits and quiet/incomplete state as listing matches with the capturing pass', () => {
    fc.assert(
      fc.property(text, fc.boolean(), (t, likelyQuiet) => {
        const a = fast.scanText(t, undefined, false, Infinity, likelyQuiet);
        const aState = { quiet: fast.lastTextQuiet, incomplete: fast.lastTextIncomplete };
        assertSameScan(a, aState, reference, reference.scanText(t));
      }),
      { numRuns: 1500, seed: 11 },
    );
  });

  it('finds the same hits in every rule sample and in a text flooded past the first pass', () => {
    const samples = Object.values(SAMPLES).flatMap((s) => [s.positive, s.negative]);
    const flooded = `${'token key pass secret '.repeat(80)}${triggers.join(' ')} ${samples.slice(0, 40).join(' ')}`;
    for (const t of [...samples, samples.join('\n'), flooded]) {
      assert.deepEqual(
        fast.scanText(t).map((h) => [h.rule.id, h.value, h.start]),
        reference.scanText(t).map((h) => [h.rule.id, h.value, h.start]),
      );
    }
  });
});
