import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { re, regexSet, REGEX_ENGINE } from './index.ts';

// ASCII subjects reach the native engine as bytes (offsets then equal UTF-16 offsets); others as
// strings. These compare both paths with JavaScript's own RegExp on patterns both engines read alike.
const PATTERNS: readonly [string, string, string][] = [
  ['\\b(AKIA[0-9A-Z]{16})\\b', '', 'g'],
  ['(?i:secret|token)[=:]\\s*([A-Za-z0-9]+)?', '', 'gi'],
  ['x*', '', 'g'],
  ['(a)|(b)', '', 'g'],
  ['é+|[a-z]+', '', 'gu'],
];

const SUBJECTS = [
  '',
  'plain ascii with AKIAZ7QW4ERT5YUI6OPA inside and secret=abc123 and TOKEN: zz',
  'abxab',
  'non-ascii ééé then AKIAZ7QW4ERT5YUI6OPA then token=q1 ✓ 😀 end',
  'café secret=abc',
  '\u0000\u007f control bytes around token:9',
];

function jsAll(source: string, flags: string, subject: string): { index: number; end: number; text: string; groups: (string | undefined)[] }[] {
  const rx = new RegExp(source.replace('(?i:secret|token)', '(?:secret|token)'), flags);
  const out = [];
  for (const m of subject.matchAll(rx)) out.push({ index: m.index, end: m.index + m[0].length, text: m[0], groups: m.slice(1) });
  return out;
}

describe('the regex facade', () => {
  it(`finds the same matches, offsets and groups as JavaScript's RegExp on ASCII and non-ASCII subjects (engine ${REGEX_ENGINE})`, () => {
    for (const [source, flags, jsFlags] of PATTERNS) {
      const rx = re(source, flags as '');
      for (const subject of SUBJECTS) {
        // Zero-length matches in non-ASCII text step differently in the binding's string path (not compared).
        if (source === 'x*' && /[^\u0000-\u007f]/.test(subject)) continue;
        const want = jsAll(source, jsFlags, subject);
        assert.deepEqual(
          rx.all(subject).map((m) => ({ index: m.index, end: m.end, text: m.text, groups: [...m.groups] })),
          want,
          `${source} on ${JSON.stringify(subject)}`,
        );
        assert.equal(rx.test(subject), want.length > 0, `test ${source} on ${JSON.stringify(subject)}`);
        const first = rx.first(subject);
        assert.deepEqual(first === null ? null : { index: first.index, end: first.end, text: first.text, groups: [...first.groups] }, want[0] ?? null);
      }
    }
  });

  it('keeps each result independent of later calls on other subjects', () => {
    const rx = re('([a-z]+)=([0-9]+)');
    const a = rx.all('alpha=1 beta=22');
    const b = rx.all('gamma=333');
    assert.deepEqual(a.map((m) => m.groups), [['alpha', '1'], ['beta', '22']]);
    assert.deepEqual(b.map((m) => m.text), ['gamma=333']);
  });

  it('reads subjects longer than the reused buffer, ASCII or not, in full', () => {
    const rx = re('needle[0-9]');
    const long = `${'x'.repeat(300_000)}needle7`;
    assert.deepEqual(rx.all(long).map((m) => m.index), [300_000]);
    const wide = `${'é'.repeat(5000)}needle8`;
    assert.deepEqual(rx.all(wide).map((m) => [m.index, m.text]), [[5000, 'needle8']]);
    const mid = `${'y'.repeat(20_000)}needle9`;
    assert.equal(rx.test(mid), true);
    assert.equal(rx.first(mid)?.index, 20_000);
  });

  it('starts a first() search at an offset, reading the text before it as context', () => {
    for (const subject of ['xfoo foo foo', 'xfoo foo foo é']) {
      const rx = re('\\bfoo\\b');
      assert.equal(rx.first(subject, 1)?.index, 5, subject);
      assert.equal(rx.first(subject, 5)?.index, 5, subject);
      assert.equal(rx.first(subject, 6)?.index, 9, subject);
      assert.equal(rx.first(subject, 10), null, subject);
      assert.equal(rx.first(subject, subject.length + 1), null, subject);
      assert.equal(re('^foo').first(subject.slice(1), 4), null, 'a later start is not the beginning of the text');
    }
    assert.deepEqual(re('([a-z]+)=([0-9]+)').first('a=1 bb=22', 2)?.groups, ['bb', '22']);
  });

  it('writes a long non-ASCII subject out once to learn it is not ASCII, however many patterns read it in turn', (t) => {
    if (REGEX_ENGINE !== 're2') return; // re2js reads strings: no byte view is tried
    const subject = `${'qs café, a%5Bb%5D=c &amp; token=abc '.repeat(400)}needle5`;
    const patterns = ['needle[0-9]', 'token=([a-z]+)', '%5[BD]', '\\bcaf', 'zzz'].map((p) => re(p));
    let writes = 0;
    const write = Buffer.prototype.write;
    t.mock.method(Buffer.prototype, 'write', function (this: Buffer, s: string, ...rest: unknown[]) {
      if (s === subject) writes++;
      return (write as (...a: unknown[]) => number).call(this, s, ...rest);
    });
    for (let round = 0; round < 3; round++) {
      for (const rx of patterns) {
        rx.test(subject);
        rx.all(subject);
        rx.first(subject, 10);
      }
    }
    assert.ok(writes <= 1, `written ${writes} times`);
    // the answers are those of the string path, and a same-length ASCII text still goes over as bytes
    assert.equal(re('needle[0-9]').first(subject)?.index, subject.length - 7);
    assert.equal(re('token=([a-z]+)').all(subject).length, 400);
    const ascii = subject.replace(/é/g, 'e');
    assert.equal(ascii.length, subject.length);
    assert.equal(re('needle[0-9]').first(ascii)?.index, ascii.length - 7);
    assert.equal(re('\\bcafe\\b').all(ascii).length, 400);
  });

  it('stops at the match limit', () => {
    assert.equal(re('a').all('a'.repeat(50), 7).length, 7);
  });

  it('answers a pattern set the same as asking each pattern, for ASCII and non-ASCII texts', () => {
    const patterns = ['[A-Za-z0-9+/_-]{16,}', 'ignore (all )?previous', '\\bAKIA[0-9A-Z]{16}\\b', 'é+'];
    const set = regexSet(patterns);
    if (set === null) return; // no native sets under re2js: callers keep their per-pattern path
    for (const subject of ['', 'short', 'please ignore all previous notes', 'AKIAZ7QW4ERT5YUI6OPA', 'café ignore previous aGVsbG8gd29ybGQgaGVsbG8=']) {
      const want = patterns.flatMap((p, i) => (re(p).test(subject) ? [i] : []));
      assert.deepEqual([...set.match(subject)].sort(), want, subject);
      assert.deepEqual([...set.match(Buffer.from(subject))].sort(), want, `bytes ${subject}`);
    }
  });
});
