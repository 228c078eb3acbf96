import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { re, REGEX_ENGINE } from '../../re/index.ts';
import { DlpEngine, listSpans, uncapture } from './engine.ts';
import { assertSameScan, card, derRsaKeyLines, iban, rand, SAMPLES, wif } from './dlp.fixtures.ts';
import { ALL_RULES } from './rules/index.ts';

// The survey lists a long ASCII text's prefilter matches from one native call (match texts only)
// and finds each offset itself; these tests hold it to the match-by-match listing of the same regex.

const keywords = [...new Set(ALL_RULES.flatMap((r) => r.keywords.map((k) => k.toLowerCase())))];
const triggers = [
  card('4'), card('5', 16), '4111 1111 1111 1111', '123-45-6789', iban('DE'), iban('GB', 18), wif(), derRsaKeyLines()[0] ?? '',
  `sk-${rand('0123456789abcdef', 32)}`, `SK${rand('0123456789abcdef', 32)}`, `key-${rand('0123456789abcdef', 32)}`, `API-${rand('ABCDEFGHIJ0123456789', 26)}`,
];
// A keyword-free pattern's text glued to a word character fails its \b there: the same characters
// then occur first where they do not match, and later where they do.
const decoys = triggers.flatMap((t) => [`x${t}`, `${t}x`, `_${t}`]);
const mixedCase = (k: string, bits: number): string => [...k].map((c, i) => ((bits >> i) & 1 ? c.toUpperCase() : c)).join('');

describe('DLP survey listing of long texts', () => {
  const fast = new DlpEngine(ALL_RULES);
  const reference = new DlpEngine(ALL_RULES, { spans: false, shortcuts: false });
  const same = (t: string): void => {
    const a = fast.scanText(t);
    const aState = { quiet: fast.lastTextQuiet, incomplete: fast.lastTextIncomplete };
    assertSameScan(a, aState, reference, reference.scanText(t));
  };

  it('the one-call match list holds the texts of the match-by-match list, in order', () => {
    const rx = re('(?i:key|secret|pass)|\\b(?:sk-[a-f0-9]{4})\\b');
    const text = 'KEY xsk-abcd sk-abcd passkey secretsecret sk-abcdx Pass';
    assert.deepEqual(rx.texts(text), rx.all(text).map((m) => m.text));
    assert.deepEqual(rx.texts(text, 3), ['KEY', 'sk-abcd', 'pass']);
    assert.deepEqual(rx.texts('nothing here'), []);
  });

  const piece = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...keywords), fc.nat(255)).map(([k, bits]) => mixedCase(k, bits)) },
      { weight: 2, arbitrary: fc.constantFrom(...triggers, ...decoys) },
      { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9_\-./:@=+ ]{1,40}$/) },
      { weight: 3, arbitrary: fc.constantFrom(' ', '\n', '=', '"', '/', 'x', ': ', ' = "', 'the quick brown fox jumps over the lazy dog ') },
    );
  const text = fc.array(piece, { minLength: 20, maxLength: 160 }).map((p) => p.join(''));

  it('lists the same matches at the same offsets as the match-by-match listing of the prefilter pass', () => {
    const { isKeyword } = fast.spanPass;
    // With the native set the engine's span pass holds keywords only (keyword-free rules go to the
    // set); listSpans must also list a pass that holds both, as without the native binding.
    const literal = (k: string): string => k.replace(/[\\.+*?()|[\]{}^$/\-#&~]/g, (c) => `\\${c}`);
    const free = ALL_RULES.filter((r) => r.keywords.length === 0).map((r) => `(?:${uncapture(r.pattern)})`);
    const spans = re([`(?i:${[...keywords].sort((a, b) => b.length - a.length).map(literal).join('|')})`, ...free].join('|'));
    const offsets = (list: readonly { index: number; end: number; text: string; groups: readonly unknown[] }[]) => list.map((m) => [m.index, m.end, m.text, m.groups.length]);
    let listed = 0;
    fc.assert(
      fc.property(text, fc.constantFrom(3, 256), (t, limit) => {
        const exact = spans.all(t, limit);
        listed += exact.length;
        assert.deepEqual(offsets(listSpans(spans, t, limit, isKeyword)), offsets(exact));
      }),
      { numRuns: 400, seed: 20261121 },
    );
    assert.ok(listed > 4000, `only ${listed} matches listed`);
    // Keyword-free matches whose characters first occur where their \b does not hold.
    for (const t of triggers) {
      const s = `key ${t}x ${t} x${t} token ${t}`;
      assert.deepEqual(offsets(listSpans(spans, s, 256, isKeyword)), offsets(spans.all(s, 256)), s);
    }
  });

  it('keeps the keyword-free patterns out of the span pass when the native set is there (their counted runs slow its automaton)', (t) => {
    if (REGEX_ENGINE !== 're2') return t.skip('no native RE2.Set: the span pass holds both, as before');
    const { spans, isKeyword } = fast.spanPass;
    assert.ok(spans);
    for (const trigger of triggers) assert.deepEqual(spans.texts(trigger).filter((x) => !isKeyword(x.toLowerCase())), [], trigger);
    assert.ok(fast.scanText(`card ${card('4')}`).some((h) => h.rule.id === 'dlp/credit-card'), 'the set still names the card rule');
  });

  it('finds the same hits as the capturing reference on long texts of keywords, triggers and decoys', () => {
    fc.assert(fc.property(text, same), { numRuns: 300, seed: 20261121 });
  });

  it('finds the same hits in flooded, non-ASCII and over-long texts (which take the match-by-match path)', () => {
    const samples = Object.values(SAMPLES).flatMap((s) => [s.positive, s.negative]);
    const body = `${samples.join('\n')}\n${triggers.join(' ')} ${decoys.join(' ')}`;
    const flooded = `${'token Key pass SECRET @ '.repeat(400)}${body}`;
    same(body);
    same(flooded);
    same(`café ${body} naïve`);
    same(`${'lorem ipsum dolor sit amet '.repeat(700)}${body}`); // past 16 KB
  });
});
