import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import fc from 'fast-check';
import { re } from '../../re/index.ts';
import { DlpEngine } from './engine.ts';
import { ALL_RULES } from './rules/index.ts';
import { maxMatchLength, minMatchLength, ShortTextSieve } from './short-sieve.ts';

describe('minMatchLength', () => {
  it('counts the fewest characters a pattern can match', () => {
    assert.equal(minMatchLength('abc'), 3);
    assert.equal(minMatchLength('\\b([0-9]{3}[- ][0-9]{2}[- ][0-9]{4})\\b'), 11);
    assert.equal(minMatchLength('a|bc|'), 0);
    assert.equal(minMatchLength('(?:ab)+c?d*e{2,5}'), 4);
    assert.equal(minMatchLength('(?i:xy)(?P<n>z)\\.\\x41\\x{263a}\\pL[^]a]'), 8);
    assert.equal(minMatchLength('^a$|(?:b|cd)e'), 1);
    assert.equal(minMatchLength('[[:alpha:]]{3}'), 3);
  });

  it('answers 0 (a bound that is always valid) for syntax it does not follow', () => {
    for (const p of ['(a', 'a)', '\\1a', 'a**', '\\Qabc\\E', '[abc', 'a{x}']) assert.equal(minMatchLength(p), 0, p);
  });

  it('never exceeds the length of a real match of a keyword-free DLP rule', () => {
    const samples: Record<string, string> = {
      'dlp/us-ssn': 'ssn 123-45-6789 end',
      'dlp/credit-card': 'card 4111111111111111 end',
      'dlp/iban': 'iban GB82 WEST 1234 5698 7654 32 end',
      'dlp/twilio-api-key': `key SK${'a1'.repeat(16)} end`,
    };
    for (const [id, text] of Object.entries(samples)) {
      const rule = ALL_RULES.find((r) => r.id === id);
      assert.ok(rule, id);
      const m = re(rule.pattern).first(text);
      assert.ok(m, `${id} matches its sample`);
      assert.ok(minMatchLength(rule.pattern) <= m.end - m.index, id);
      assert.ok(minMatchLength(rule.pattern) >= 11, `${id}: keyword-free rules need at least 11 characters`);
    }
  });
});

describe('ShortTextSieve', () => {
  const sieve = new ShortTextSieve(['pw', 'key', '1//0', '@'], ['\\b[0-9]{3}-[0-9]{4}\\b']);

  it('answers only texts shorter than the shortest keyword-free match', () => {
    assert.equal(sieve.maxLength, 8);
    assert.equal(sieve.quiet('1234567'), true);
    assert.equal(sieve.quiet('12345678'), false);
  });

  it('finds keywords anywhere in the text, in any ASCII case', () => {
    for (const t of ['PW', 'xKeY', 'a1//0b', 'me@x']) assert.equal(sieve.quiet(t), false, t);
    for (const t of ['', 'p', 'ke', 'open', '1/0']) assert.equal(sieve.quiet(t), true, t);
  });

  it('lists the same keyword matches as the prefilter regex, longest first at each position, resuming after each', () => {
    const keywords = ['pass', 'password', 'word', 'key', 'api_key', 'sk-'];
    const sieve = new ShortTextSieve(keywords, ['[0-9]{40}']);
    const rx = re(`(?i:${[...keywords].sort((a, b) => b.length - a.length).map((k) => k.replace(/[-]/g, '\\$&')).join('|')})|([0-9]{40})`);
    const strings = fc.array(fc.constantFrom(...keywords, 'PASS', 'Word', 'x', ' ', '_', 'sk', '-', 'api'), { maxLength: 8 }).map((p) => p.join(''));
    fc.assert(
      fc.property(strings, (t) => {
        fc.pre(t.length < sieve.maxLength);
        const want = rx.all(t).map((m) => [m.index, m.end, m.text]);
        assert.deepEqual(sieve.keywordMatches(t)?.map((m) => [m.index, m.end, m.text]), want, t);
      }),
      { numRuns: 2000, seed: 5 },
    );
    assert.equal(sieve.keywordMatches('x'.repeat(40)), null);
    assert.equal(sieve.keywordMatches('pässword'), null);
  });

  it('does not answer non-ASCII texts or when a keyword is not plain lower-case ASCII', () => {
    assert.equal(sieve.quiet('ｐw'), false);
    assert.equal(new ShortTextSieve(['\u212a'], []).maxLength, 0);
    assert.equal(new ShortTextSieve(['Key'], []).maxLength, 0);
    assert.equal(new ShortTextSieve(['key'], ['(a']).maxLength, 0);
  });
});

describe('DlpEngine with its shortcuts (short-text sieve, yes/no pass first)', () => {
  const fast = new DlpEngine(ALL_RULES);
  const reference = new DlpEngine(ALL_RULES, { shortcuts: false });
  const keywords = [...new Set(ALL_RULES.flatMap((r) => r.keywords.map((k) => k.toLowerCase())))];
  const piece = fc.oneof(
    fc.constantFrom(...keywords),
    fc.constantFrom(...keywords).map((k) => k.toUpperCase()),
    fc.stringMatching(/^[0-9]{1,12}$/),
    fc.stringMatching(/^[A-Za-z0-9_\-./:@=+ ]{1,6}$/),
  );
  const text = fc.oneof(
    fc.array(piece, { maxLength: 4 }).map((p) => p.join('')),
    fc.string({ maxLength: 14 }),
    // Longer texts (URLs, values with a card number or an SSN in them) take the yes/no pass.
    fc.array(fc.oneof(piece, fc.constantFrom('4111 1111 1111 1111', '123-45-6789', 'https://x.example/a?b=c&d=', 'GB82 WEST 1234 5698 7654 32')), { maxLength: 8 }).map((p) => p.join(' ')),
  );
  const key = fc.constantFrom(undefined, 'password', 'page', 'api_key', 'token');

  it('returns the same hits and the same quiet/incomplete state as the full survey', () => {
    fc.assert(
      fc.property(text, key, fc.boolean(), (t, k, likelyQuiet) => {
        const a = fast.scanText(t, k, false, Infinity, likelyQuiet);
        const aQuiet = fast.lastTextQuiet;
        const aCut = fast.lastTextIncomplete;
        const b = reference.scanText(t, k);
        assert.deepEqual(
          a.map((h) => [h.rule.id, h.value, h.start, h.end]),
          b.map((h) => [h.rule.id, h.value, h.start, h.end]),
        );
        assert.equal(aQuiet, reference.lastTextQuiet);
        assert.equal(aCut, reference.lastTextIncomplete);
      }),
      { numRuns: 3000 },
    );
  });

  it('is active for the built-in rule table (every keyword is plain ASCII, every keyword-free pattern understood)', () => {
    const free = ALL_RULES.filter((r) => r.keywords.length === 0).map((r) => r.pattern);
    assert.ok(free.every((p) => minMatchLength(p) > 0));
    assert.ok(new ShortTextSieve(keywords, free).maxLength > 6);
  });

  it('still runs field rules on a short quiet value', () => {
    const hits = fast.scanText('hunter2', 'password');
    assert.deepEqual(hits.map((h) => h.rule.id), reference.scanText('hunter2', 'password').map((h) => h.rule.id));
  });
});

test('maxMatchLength bounds every match, and is Infinity for unbounded or unread patterns', () => {
  assert.equal(maxMatchLength('AKIA[0-9A-Z]{16}'), 20);
  assert.equal(maxMatchLength('\\b(sk_(?:live|test)_[a-z]{24,99})\\b'), 3 + 4 + 1 + 99);
  assert.equal(maxMatchLength('(?:a|bcd)?x{2,3}'), 6);
  assert.equal(maxMatchLength('eyJ[A-Za-z0-9_-]{10,}'), Infinity);
  assert.equal(maxMatchLength('a+b'), Infinity);
  assert.equal(maxMatchLength('(?:\\b)*ab'), 2, 'an assertion repeated without bound still matches no characters');
  assert.equal(maxMatchLength('\\Qab\\E'), Infinity, 'what the parser does not read is unbounded');
  // Matches never exceed the bound (re2 on random subjects).
  for (const p of ['x_[a-c]{2,5}(?:-[0-9]{1,3})?', '(?i:key)[=:][A-Za-z0-9]{8,12}']) {
    const rx = re(p);
    for (const s of ['x_abcabc-1234', 'KEY=abcdefghijklmnop', 'x_ab', 'key:12345678']) for (const m of rx.all(s, 10)) assert.ok(m.text.length <= maxMatchLength(p), `${p} on ${s}`);
  }
});
