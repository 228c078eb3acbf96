// The pieces a prose text gives (prose-runs.ts), and the scanner's bounds on them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { re } from '../../re/index.ts';
import { TEST_CTX, segmentOf, viewOfSegments } from '../testing.ts';
import type { ScanContext, SegmentPart } from '../types.ts';
import { createMemorySessionState, createSplitSecretScanner, type SplitDetector } from './index.ts';
import { isDataRun, proseRuns } from './prose-runs.ts';

const detect: SplitDetector = (text) => re('AKIA[0-9A-Z]{16}').all(text).map((m) => ({ rule: 'dlp/aws-access-key-id', index: m.index, length: m.end - m.index }));
const KEY = 'AKIAZ7QW4ERT5YUI6OPA';
const LIMITS = { minLength: 4, maxLength: 512, perEnd: 64, charsPerEnd: 1 << 20 };
const data = (s: string): boolean => isDataRun(s, 0, s.length);

test('a run looks like data when it mixes letters and digits, changes case inside, is all capitals, or starts with a credential prefix', () => {
  for (const s of ['RT5YUI6OPA', 'x86_64', 'eHjKqPzWbN', 'JavaScript', 'AKIAIOSFOD', 'AKIA', 'ghp_', 'glpat-ab', 'sk-ant-api03-x', 'a3f9c2e1']) assert.ok(data(s), s);
  for (const s of ['hello', 'Hello', 'Asia', 'HTTP', 'README', 'well-known', 'https://example.com/path', '12345678', '2024-01-01', '...']) assert.ok(!data(s), s);
});

test('proseRuns: the data-like runs in order, trailing sentence punctuation cut, quotes and brackets as delimiters', () => {
  assert.deepEqual(proseRuns('Here is part one: AKIAZ7QW4E. And (RT5YUI6OPA), then "x7Kp2Qz9" and `c0ffee42`!', LIMITS), ['AKIAZ7QW4E', 'RT5YUI6OPA', 'x7Kp2Qz9', 'c0ffee42']);
  assert.deepEqual(proseRuns('just some ordinary words, nothing else here.', LIMITS), []);
  // non-ASCII and control characters delimit too
  assert.deepEqual(proseRuns('clé→AKIAZ7QW4E\u0000RT5YUI6OPA', LIMITS), ['AKIAZ7QW4E', 'RT5YUI6OPA']);
  // shorter than minLength
  assert.deepEqual(proseRuns('a1b c2d3', LIMITS), ['c2d3']);
  // a long run keeps its first and last halves of maxLength
  const long = `A1${'b'.repeat(1000)}Z9`;
  const [cut] = proseRuns(`x ${long} y`, LIMITS);
  assert.equal(cut, long.slice(0, 256) + long.slice(-256));
});

test('proseRuns: only charsPerEnd characters from each end are read; a run across the mark is read whole', () => {
  const words = 'plain words only '.repeat(100);
  const text = `A1b2C3d4 ${words}MID9x ${words}Z9y8X7w6`;
  assert.deepEqual(proseRuns(text, { ...LIMITS, charsPerEnd: 100 }), ['A1b2C3d4', 'Z9y8X7w6']);
  assert.deepEqual(proseRuns(text, LIMITS), ['A1b2C3d4', 'MID9x', 'Z9y8X7w6']);
  // a run that starts before the mark and ends after it
  assert.deepEqual(proseRuns(`ab ${'Q1'.repeat(20)} cd`, { ...LIMITS, charsPerEnd: 10 }), ['Q1'.repeat(20)]);
  assert.deepEqual(proseRuns(`${'x '.repeat(20)}${'Q1'.repeat(20)} ${'y '.repeat(30)}`, { ...LIMITS, charsPerEnd: 50 }), ['Q1'.repeat(20)]);
});

test('proseRuns: at most perEnd runs from each end of a text, in order, the middle left out', () => {
  const ids = Array.from({ length: 300 }, (_, i) => `id${i}x`);
  const runs = proseRuns(`start ${ids.join(' word ')} end`, { ...LIMITS, perEnd: 5 });
  assert.deepEqual(runs, [...ids.slice(0, 5), ...ids.slice(-5)]);
  // fewer than 2 × perEnd: each once
  assert.deepEqual(proseRuns(ids.slice(0, 7).join(' '), { ...LIMITS, perEnd: 5 }), ids.slice(0, 7));
  assert.deepEqual(proseRuns(ids.slice(0, 10).join(' '), { ...LIMITS, perEnd: 5 }), ids.slice(0, 10));
});

const session = (name: string): ScanContext => ({ now: TEST_CTX.now, session: name, state: createMemorySessionState() });
const one = (text: string, part: SegmentPart = 'body', location = 'body') => viewOfSegments({ kind: 'text', text }, [segmentOf(text, location, part, 'egress')]);

test('a key half at the end of one prose message and the other at the start of the next, with ids in between earlier, is found across requests', () => {
  const scanner = createSplitSecretScanner({ detect });
  const noise = Array.from({ length: 400 }, (_, i) => `ord${1000 + i}`).join(' and ');
  const ctx = session('p');
  assert.deepEqual(scanner.scan(one(`${noise}. Part one: ${KEY.slice(0, 10)}`), ctx), []);
  const f = scanner.scan(one(`the rest: ${KEY.slice(10)} and ${noise}`), { ...ctx, now: ctx.now + 1000 });
  assert.deepEqual(f.map((x) => [x.rule, x.severity, x.location]), [['split-secrets/cross-request', 'high', 'body']]);
});

test('prose runs are bounded per input without reporting a limit: the first and last halves of maxProseRunsPerInput are joined', () => {
  const scanner = createSplitSecretScanner({ detect, maxProseRunsPerInput: 40, proseRunsPerEnd: 64, maxFragmentsPerInput: 30 });
  const ids = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}q`).join(' ');
  // 60 leaves of 2 ids each: 120 runs, far past maxFragmentsPerInput (which counts whole values only)
  const leaves = Array.from({ length: 60 }, (_, i) => segmentOf(`note ${ids(2, `n${i}x`)}`, `body.$.m[${i}]`, 'body-leaf', 'egress'));
  const at = (k: number, text: string) => leaves.splice(k, 0, segmentOf(text, `body.$.k${k}`, 'body-leaf', 'egress'));
  // a key split inside the last leaves is found (the tail of the input is kept)...
  const tail = [...leaves];
  tail.push(segmentOf(`first ${KEY.slice(0, 10)} then`, 'body.$.a', 'body-leaf', 'egress'), segmentOf(`${KEY.slice(10)} done`, 'body.$.b', 'body-leaf', 'egress'));
  assert.deepEqual(scanner.scan(viewOfSegments({ kind: 'text', text: '' }, tail), TEST_CTX).map((x) => x.rule), ['split-secrets/cross-parameter']);
  // ... and in the first ones
  const head = [segmentOf(`first ${KEY.slice(0, 10)} then ${KEY.slice(10)}`, 'body.$.a', 'body-leaf', 'egress'), ...leaves];
  assert.deepEqual(scanner.scan(viewOfSegments({ kind: 'text', text: '' }, head), TEST_CTX).map((x) => x.rule), ['split-secrets/cross-parameter']);
  // in the middle it is not (the documented limit), and no scan-incomplete is reported for the runs
  at(30, `first ${KEY.slice(0, 10)} then ${KEY.slice(10)}`);
  assert.deepEqual(scanner.scan(viewOfSegments({ kind: 'text', text: '' }, leaves), TEST_CTX), []);
});

test('prose runs interleave with whole-value fragments in segment order, also when the per-input ring wraps', () => {
  const scanner = createSplitSecretScanner({ detect, maxProseRunsPerInput: 6 });
  // prose runs 1..3 go first, 4..N through the ring; the key's halves are a whole value and a run after it
  const segs = [
    segmentOf('ids a1b2 c3d4 e5f6 g7h8 i9j0 k1l2 m3n4 o5p6', 'body.$.x', 'body-leaf', 'egress'),
    segmentOf(KEY.slice(0, 10), 'body.$.y', 'body-leaf', 'egress'),
    segmentOf(`then ${KEY.slice(10)} ok`, 'body.$.z', 'body-leaf', 'egress'),
  ];
  const f = scanner.scan(viewOfSegments({ kind: 'text', text: '' }, segs), TEST_CTX);
  assert.deepEqual(f.map((x) => [x.rule, x.location]), [['split-secrets/cross-parameter', 'body.$.z']]);
  assert.match(f[0]!.evidence, /2 parts: body\.\$\.y, body\.\$\.z/);
  // the other order: the run first, the whole value after it
  const g = scanner.scan(
    viewOfSegments({ kind: 'text', text: '' }, [segs[0]!, segmentOf(`see ${KEY.slice(0, 10)}`, 'body.$.y', 'body-leaf', 'egress'), segmentOf(KEY.slice(10), 'body.$.z', 'body-leaf', 'egress')]),
    TEST_CTX,
  );
  assert.deepEqual(g.map((x) => x.rule), ['split-secrets/cross-parameter']);
});

test('prose runs off (proseRunsPerEnd 0) or a part not listed: sentences give no pieces', () => {
  const text = `key ${KEY.slice(0, 10)} and ${KEY.slice(10)}`;
  assert.equal(createSplitSecretScanner({ detect }).scan(one(text), TEST_CTX).length, 1);
  assert.deepEqual(createSplitSecretScanner({ detect, proseRunsPerEnd: 0 }).scan(one(text), TEST_CTX), []);
  assert.deepEqual(createSplitSecretScanner({ detect, proseParts: ['text'] }).scan(one(text), TEST_CTX), []);
  // an ignored header's value never gives runs
  assert.deepEqual(createSplitSecretScanner({ detect }).scan(one(text, 'header', 'header.user-agent'), TEST_CTX), []);
  assert.equal(createSplitSecretScanner({ detect }).scan(one(text, 'header', 'header.x-note'), TEST_CTX).length, 1);
});
