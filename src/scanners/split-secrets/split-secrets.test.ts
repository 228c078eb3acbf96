import { test } from 'node:test';
import assert from 'node:assert/strict';
import { re } from '../../re/index.ts';
import { TEST_CTX, segmentOf, viewOfSegments } from '../testing.ts';
import type { ScanContext, ScanView } from '../types.ts';
import { ALNUM, seeded, viewOfUrl } from '../entropy/testing.ts';
import { builtinSplitDetector, createMemorySessionState, createSplitSecretScanner, type SplitDetector } from './index.ts';
import { createJoinedDetector } from '../dlp/split.ts';
import { createKnownSecretIndex } from '../known-secrets/index.ts';

// A small detector of our own, as the engine would pass DLP's matcher.
const detect: SplitDetector = (text) =>
  [...re('AKIA[0-9A-Z]{16}').all(text), ...re('ghp_[A-Za-z0-9]{36}').all(text)].map((m) => ({
    rule: m.text.startsWith('AKIA') ? 'dlp/aws-access-key-id' : 'dlp/github-pat',
    index: m.index,
    length: m.end - m.index,
  }));

const KEY = 'AKIAIOSFODNN7EXAMPLE';
const GHP = 'ghp_R2d2C3poB1bFe77TkQx9mZ0aLs4Vw8Yh6Jn1';
const scanner = createSplitSecretScanner({ detect });
const session = (state = createMemorySessionState(), name = 's1', now = TEST_CTX.now): ScanContext => ({ now, session: name, state });

function requestView(headers: Record<string, string>, leaves: Record<string, string>, url = 'https://api.example.com/v1/x'): ScanView {
  const segs = viewOfUrl(url).segments.slice();
  for (const [k, v] of Object.entries(headers)) segs.push(segmentOf(v, `header.${k}`, 'header', 'egress'));
  for (const [k, v] of Object.entries(leaves)) segs.push(segmentOf(v, `body.$.${k}`, 'body-leaf', 'egress'));
  return viewOfSegments({ kind: 'request', method: 'POST', url }, segs, url);
}

test('flags an AWS key split across two query parameters (cross-parameter, high when pieces are whole values)', () => {
  const f = scanner.scan(viewOfUrl(`https://c.example/p?a=${KEY.slice(0, 10)}&b=${KEY.slice(10)}`), TEST_CTX);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.rule, 'split-secrets/cross-parameter');
  assert.equal(f[0]!.severity, 'high');
  assert.equal(f[0]!.mitre, 'T1030');
  assert.equal(f[0]!.location, 'url.query.b');
  assert.ok(f[0]!.evidence.includes('url.query.a') && f[0]!.evidence.includes('url.query.b'));
  assert.ok(!f[0]!.evidence.includes(KEY) && !f[0]!.message.includes(KEY));
});

test('flags a token split across a header and a body field', () => {
  const f = scanner.scan(requestView({ 'x-trace': GHP.slice(0, 20) }, { note: GHP.slice(20) }), TEST_CTX);
  assert.deepEqual(
    f.map((x) => x.rule),
    ['split-secrets/cross-parameter'],
  );
});

test('does not report a secret wholly inside one fragment (that is DLP’s finding)', () => {
  assert.deepEqual(scanner.scan(viewOfUrl(`https://c.example/p?a=${KEY}&b=other-value`), TEST_CTX), []);
});

test('rates a match that starts or ends inside a fragment as medium', () => {
  const f = scanner.scan(viewOfUrl(`https://c.example/p?a=xyz${KEY.slice(0, 10)}&b=${KEY.slice(10)}`), TEST_CTX);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.severity, 'medium');
});

test('flags a key sent across two requests of one session, once, when the second piece arrives', () => {
  const ctx = session();
  assert.deepEqual(scanner.scan(viewOfUrl(`https://c.example/log?m=${KEY.slice(0, 12)}`), ctx), []);
  const f = scanner.scan(viewOfUrl(`https://c.example/log?m=${KEY.slice(12)}`), { ...ctx, now: ctx.now + 1000 });
  assert.equal(f.length, 1);
  assert.equal(f[0]!.rule, 'split-secrets/cross-request');
  assert.equal(f[0]!.severity, 'high');
  assert.equal(f[0]!.category, 'secret');
  assert.ok(!f[0]!.evidence.includes(KEY));
  // A later unrelated request does not repeat the finding.
  assert.deepEqual(scanner.scan(viewOfUrl('https://c.example/log?m=hello-world'), { ...ctx, now: ctx.now + 2000 }), []);
});

test('a session polling one endpoint until its window is full still has a key sent after it joined (the quiet-window memo)', () => {
  const ctx = session(createMemorySessionState({ maxFragmentsPerSession: 64 }));
  const poll = 'https://c.example/status/1024?v=abc123';
  for (let i = 0; i < 200; i++) assert.deepEqual(scanner.scan(viewOfUrl(poll), { ...ctx, now: ctx.now + i }), []);
  assert.deepEqual(scanner.scan(viewOfUrl(`https://c.example/status/1024?v=${KEY.slice(0, 9)}`), { ...ctx, now: ctx.now + 300 }), []);
  const f = scanner.scan(viewOfUrl(`https://c.example/status/1024?v=${KEY.slice(9)}`), { ...ctx, now: ctx.now + 301 });
  assert.deepEqual(f.map((x) => x.rule), ['split-secrets/cross-request']);
  // Polling again: the key lies wholly in earlier requests, so it is not reported a second time.
  assert.deepEqual(scanner.scan(viewOfUrl(poll), { ...ctx, now: ctx.now + 302 }), []);
});

test('flags a key sent a piece per request when every request repeats the same path, header and fields around the pieces', () => {
  // What one service's requests all carry (a path segment, an API key header, a model name) lies
  // between the piece at the end of one request and the piece in the next.
  const url = 'https://api.example.com/v1/messages';
  const headers = { authorization: 'Bearer tok-0123456789abcdef' };
  const ctx = session();
  assert.deepEqual(scanner.scan(requestView(headers, { text: KEY.slice(0, 10), model: 'model-large-2' }, url), ctx), []);
  const f = scanner.scan(requestView(headers, { text: KEY.slice(10), model: 'model-large-2' }, url), { ...ctx, now: ctx.now + 1000 });
  assert.deepEqual(f.map((x) => [x.rule, x.location]), [['split-secrets/cross-request', 'body.$.text']]);
  // A repeated header longer than a detector's reach does not push the next piece out of it (the
  // engine passes DLP's rules in two window detectors, the short ones reading little history).
  const shortRules = Object.assign((text: string) => detect(text), { maxMatchLength: 40 });
  const longRules = Object.assign((): ReturnType<SplitDetector> => [], { maxMatchLength: 1024 });
  const short = createSplitSecretScanner({ detect, windowDetectors: [shortRules, longRules] });
  const long = { authorization: `Bearer tok-${'0123456789abcdef'.repeat(12)}` };
  const ctx2 = session();
  assert.deepEqual(short.scan(requestView(long, { text: KEY.slice(0, 10), model: 'model-large-2' }, url), ctx2), []);
  const g = short.scan(requestView(long, { text: KEY.slice(10), model: 'model-large-2' }, url), { ...ctx2, now: ctx2.now + 1000 });
  assert.deepEqual(g.map((x) => [x.rule, x.location]), [['split-secrets/cross-request', 'body.$.text']]);
  // The same requests with other values join nothing.
  const quiet = session();
  assert.deepEqual(scanner.scan(requestView(headers, { text: 'hello-there', model: 'model-large-2' }, url), quiet), []);
  assert.deepEqual(scanner.scan(requestView(headers, { text: 'general-kenobi', model: 'model-large-2' }, url), { ...quiet, now: quiet.now + 1000 }), []);
});

test('flags a token sent a third at a time over three requests', () => {
  const ctx = session();
  const thirds = [GHP.slice(0, 14), GHP.slice(14, 28), GHP.slice(28)];
  const results = thirds.map((t, i) => scanner.scan(viewOfUrl(`https://c.example/q?chunk=${t}`), { ...ctx, now: ctx.now + i }));
  assert.deepEqual(results[0], []);
  assert.deepEqual(results[1], []);
  assert.equal(results[2]!.length, 1);
  assert.match(results[2]![0]!.evidence, /3 fragments, 2 of them sent earlier/);
});

test('keeps sessions apart', () => {
  const state = createMemorySessionState();
  scanner.scan(viewOfUrl(`https://c.example/log?m=${KEY.slice(0, 12)}`), session(state, 'alice'));
  assert.deepEqual(scanner.scan(viewOfUrl(`https://c.example/log?m=${KEY.slice(12)}`), session(state, 'bob')), []);
});

test('forgets pieces older than the TTL', () => {
  const state = createMemorySessionState({ ttlMs: 60_000 });
  scanner.scan(viewOfUrl(`https://c.example/log?m=${KEY.slice(0, 12)}`), session(state, 's', 1_000_000));
  assert.deepEqual(scanner.scan(viewOfUrl(`https://c.example/log?m=${KEY.slice(12)}`), session(state, 's', 1_000_000 + 61_000)), []);
});

test('without a session or state it still checks the single input', () => {
  const f = scanner.scan(viewOfUrl(`https://c.example/p?a=${KEY.slice(0, 10)}&b=${KEY.slice(10)}`), { now: 0, state: createMemorySessionState() });
  assert.equal(f.length, 1);
});

test('takes the token after an auth scheme in headers and ignores benign headers', () => {
  const f = scanner.scan(requestView({ authorization: `Bearer ${KEY.slice(0, 8)}`, 'user-agent': 'Mozilla/5.0' }, { tail: KEY.slice(8) }), TEST_CTX);
  assert.equal(f.length, 1);
  assert.ok(f[0]!.evidence.includes('header.authorization'));
});

test('ignores ingress segments; in sentences only the data-like runs are pieces, not the words', () => {
  const url = `https://c.example/p?a=${KEY.slice(0, 10)}&b=${KEY.slice(10)}`;
  assert.deepEqual(scanner.scan(viewOfUrl(url, 'ingress'), TEST_CTX), []);
  const leaves = (a: string, b: string) => viewOfSegments({ kind: 'text', text: '' }, [segmentOf(a, 'body.$.a', 'body-leaf', 'egress'), segmentOf(b, 'body.$.b', 'body-leaf', 'egress')]);
  // the halves inside sentences, words around them: joined (prose-runs.ts)
  assert.deepEqual(scanner.scan(leaves(`see ${KEY.slice(0, 10)}`, `${KEY.slice(10)} ok`), TEST_CTX).map((f) => [f.rule, f.severity]), [['split-secrets/cross-parameter', 'high']]);
  // the same sentences without the halves: nothing
  assert.deepEqual(scanner.scan(leaves('see AKIA over there', 'and the rest of it ok'), TEST_CTX), []);
});

test('entropy budget: many distinct random fragments in a session exceed it; the same token repeated does not', () => {
  const r = seeded(21);
  const ctx = session();
  const budgetScanner = createSplitSecretScanner({ detect, entropyBudgetBits: 2000 });
  const flagged: number[] = [];
  for (let i = 0; i < 20; i++) {
    const f = budgetScanner.scan(viewOfUrl(`https://c.example/p?d=${r(40, ALNUM)}`), { ...ctx, now: ctx.now + i * 1000 });
    if (f.some((x) => x.rule === 'split-secrets/entropy-budget')) flagged.push(i);
  }
  // 40 chars × ~5 bits ≈ 200 bits per request: over 2000 bits from about the 11th request on.
  assert.ok(flagged.length > 0 && flagged[0]! >= 8 && flagged[0]! <= 12, flagged.join(','));
  const f = budgetScanner.scan(viewOfUrl(`https://c.example/p?d=${r(40, ALNUM)}`), { ...ctx, now: ctx.now + 30_000 });
  assert.equal(f.find((x) => x.rule === 'split-secrets/entropy-budget')?.category, 'exfiltration');

  const ctx2 = session();
  const token = r(40, ALNUM);
  for (let i = 0; i < 50; i++) {
    const g = budgetScanner.scan(requestView({ authorization: `Bearer ${token}` }, {}), { ...ctx2, now: ctx2.now + i });
    assert.deepEqual(g, [], `request ${i}`);
  }
});

test('a detector that throws fails closed (scan-incomplete) without making the scanner throw; junk is ignored', () => {
  const bad = createSplitSecretScanner({
    detect: () => {
      throw new Error('boom');
    },
  });
  assert.deepEqual(
    bad.scan(viewOfUrl(`https://c.example/p?a=${KEY.slice(0, 10)}&b=${KEY.slice(10)}`), session()).map((f) => [f.rule, f.severity]),
    [['split-secrets/scan-incomplete', 'high']],
  );
  const junk = createSplitSecretScanner({ detect: () => [{ rule: 'x', index: -5, length: 0 }] });
  assert.deepEqual(junk.scan(viewOfUrl(`https://c.example/p?a=${KEY.slice(0, 10)}&b=${KEY.slice(10)}`), TEST_CTX), []);
});

test('the built-in detector finds prefix-anchored keys only', () => {
  assert.deepEqual(
    builtinSplitDetector(`x ${KEY} y ${GHP}`).map((d) => d.rule),
    ['split-secrets/builtin/aws-access-key-id', 'split-secrets/builtin/github-token'],
  );
  assert.deepEqual(builtinSplitDetector('a9F3kLmN2pR7wX9yB4cD6fG1hJ5sA0zQ8vT3kLmN'), []);
  const f = createSplitSecretScanner().scan(viewOfUrl(`https://c.example/p?a=${KEY.slice(0, 10)}&b=${KEY.slice(10)}`), TEST_CTX);
  assert.equal(f.length, 1);
});

test('property: random benign query values never produce split findings with the prefix-anchored detector', () => {
  const r = seeded(22);
  const ctx = session();
  for (let i = 0; i < 200; i++) {
    const url = `https://api.example.com/items/${r(8, ALNUM)}?page=${i}&id=${r(12, ALNUM)}&cursor=${r(24, ALNUM)}`;
    const f = scanner.scan(viewOfUrl(url), { ...ctx, now: ctx.now + i });
    assert.deepEqual(
      f.filter((x) => x.rule !== 'split-secrets/entropy-budget'),
      [],
      url,
    );
  }
});

/** Asks for the whole window: every older fragment. */
const ALL = { tailChars: Number.MAX_SAFE_INTEGER };
const whole = (w: { older: readonly string[]; current: readonly string[] }): string[] => [...w.older, ...w.current];

test('memory state: bounded bytes per session, oldest fragments dropped first', () => {
  const state = createMemorySessionState({ maxBytesPerSession: 20 });
  state.appendFragments('s', ['aaaaaaaaaa', 'bbbbbbbbbb'], 0, ALL);
  const w = state.appendFragments('s', ['cccccccccc'], 1, ALL);
  assert.deepEqual(whole(w), ['bbbbbbbbbb', 'cccccccccc']);
  assert.equal(state.bytesOf('s'), 20);
  assert.deepEqual(whole(state.appendFragments('s', ['d'.repeat(50)], 2, ALL)), ['d'.repeat(20)]);
});

test('memory state: returns only the older tail asked for, and which probes it held before the append', () => {
  const state = createMemorySessionState({ maxBytesPerSession: 1000 });
  state.appendFragments('s', ['aaaa', 'bbbb', 'cccc', 'dddd'], 0, ALL);
  const w = state.appendFragments('s', ['eeee', 'aaaa'], 1, { tailChars: 6, probe: ['aaaa', 'eeee', 'zzzz'] });
  assert.deepEqual(w.older, ['cccc', 'dddd']);
  assert.deepEqual(w.current, ['eeee', 'aaaa']);
  assert.deepEqual(w.present, [true, false, false]);
  // Once 'aaaa' is dropped from the head, the copy appended later still counts.
  const small = createMemorySessionState({ maxBytesPerSession: 8 });
  small.appendFragments('s', ['aaaa', 'bbbb'], 0, ALL);
  small.appendFragments('s', ['aaaa'], 1, ALL);
  assert.deepEqual(small.appendFragments('s', [], 2, { tailChars: 0, probe: ['aaaa', 'bbbb'] }).present, [true, true]);
  small.appendFragments('s', ['cccc'], 3, ALL);
  assert.deepEqual(small.appendFragments('s', [], 4, { tailChars: 0, probe: ['aaaa', 'bbbb'] }).present, [true, false]);
});

test('memory state: TTL uses the now passed in', () => {
  const state = createMemorySessionState({ ttlMs: 100 });
  state.appendFragments('s', ['old1'], 0, ALL);
  assert.deepEqual(whole(state.appendFragments('s', ['new1'], 50, ALL)), ['old1', 'new1']);
  assert.deepEqual(whole(state.appendFragments('s', ['new2'], 120, ALL)), ['new1', 'new2']);
  assert.equal(state.spendEntropy('s', 10, 120), 10);
  assert.equal(state.spendEntropy('s', 5, 150), 15);
  assert.equal(state.spendEntropy('s', 0, 260), 0);
});

test('memory state: least recently used session evicted beyond maxSessions', () => {
  const state = createMemorySessionState({ maxSessions: 2 });
  state.appendFragments('a', ['aaaa'], 0, ALL);
  state.appendFragments('b', ['bbbb'], 0, ALL);
  state.appendFragments('a', ['aaa2'], 1, ALL); // a is now most recent
  state.appendFragments('c', ['cccc'], 2, ALL); // evicts b
  assert.equal(state.sessionCount, 2);
  assert.equal(state.bytesOf('b'), 0);
  assert.equal(state.bytesOf('a'), 8);
});

test('memory state: entropy spends stay bounded and keep their total', () => {
  const state = createMemorySessionState({ ttlMs: 1_000_000 });
  let total = 0;
  for (let i = 0; i < 5000; i++) total = state.spendEntropy('s', 1, i * 100);
  assert.equal(total, 5000);
  assert.equal(state.spendEntropy('s', Number.NaN, 500_000), 5000);
});

// --- limits fail closed ------------------------------------------------------------------------

const incomplete = <T extends { rule: string }>(f: readonly T[]): T[] => f.filter((x) => x.rule === 'split-secrets/scan-incomplete');
const leaves = (n: number, value: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => segmentOf(value(i), `body.$.v[${i}]`, 'body-leaf', 'egress'));
const input = { kind: 'request', method: 'POST', url: 'https://api.example.com/x' } as const;

test('re-assembles a key split across the last two of hundreds of fields', () => {
  const segs = [...leaves(300, (i) => `value-${1000 + i}`), segmentOf(KEY.slice(0, 10), 'body.$.a', 'body-leaf', 'egress'), segmentOf(KEY.slice(10), 'body.$.b', 'body-leaf', 'egress')];
  assert.deepEqual(scanner.scan(viewOfSegments(input, segs), TEST_CTX).map((x) => x.rule), ['split-secrets/cross-parameter']);
});

test('reports split-secrets/scan-incomplete past maxFragmentsPerInput, not at it', () => {
  const s = createSplitSecretScanner({ detect, maxFragmentsPerInput: 10 });
  assert.deepEqual(s.scan(viewOfSegments(input, leaves(10, (i) => `value-${i}`)), TEST_CTX), []);
  const f = s.scan(viewOfSegments(input, leaves(11, (i) => `value-${i}`)), TEST_CTX);
  assert.deepEqual(
    f.map((x) => [x.rule, x.severity, x.category, x.mitre, x.location, x.evidence]),
    [['split-secrets/scan-incomplete', 'high', 'limits', 'T1027', 'body.$.v[10]', '']],
  );
});

test('reports scan-incomplete when the detector returns as many matches as are read', () => {
  const flood: SplitDetector = (text) => Array.from({ length: 150 }, (_, i) => ({ rule: 'x', index: i % Math.max(1, text.length), length: 1 }));
  const f = createSplitSecretScanner({ detect: flood }).scan(viewOfSegments(input, leaves(3, (i) => `value-${i}`)), TEST_CTX);
  assert.equal(incomplete(f).length, 1);
});

test('a longest-form key split across requests is found after a long history of other values', () => {
  const long = `sk-proj-${'Ab3dE9fGh2JkLm7NpQ4rSt6UvWx8Yz1C'.repeat(7).slice(0, 200)}`;
  assert.equal(long.length, builtinSplitDetector.maxMatchLength, 'the detector promises no more than its longest pattern');
  assert.equal(builtinSplitDetector(long).length, 1);
  const builtin = createSplitSecretScanner(); // the built-in detector, with its promised reach
  const ctx = session();
  for (let i = 0; i < 50; i++) builtin.scan(viewOfUrl(`https://c.example/log?m=value${i}filler`), { ...ctx, now: ctx.now + i });
  // Two short pieces are not yet a key; the third completes it from both earlier pieces.
  const pieces = [long.slice(0, 20), long.slice(20, 40), long.slice(40)];
  const results = pieces.map((p, i) => builtin.scan(viewOfUrl(`https://c.example/log?m=${p}`), { ...ctx, now: ctx.now + 100 + i }));
  assert.deepEqual(results.slice(0, 2), [[], []]);
  assert.deepEqual(results[2]!.map((f) => f.rule), ['split-secrets/cross-request']);
  assert.match(results[2]![0]!.evidence, /3 fragments, 2 of them sent earlier/);
});

test('a key split across requests is found even when the second request is padded with many fragments', () => {
  const ctx = session();
  assert.deepEqual(scanner.scan(viewOfUrl(`https://c.example/log?m=${KEY.slice(0, 12)}`), ctx), []);
  // 20,000 characters of low-entropy filler after the second piece: more than the session window holds
  const segs = [segmentOf(KEY.slice(12), 'body.$.m', 'body-leaf', 'egress'), ...leaves(200, (i) => `${i}-${'ab'.repeat(48)}`)];
  const f = scanner.scan(viewOfSegments(input, segs), { ...ctx, now: ctx.now + 1000 });
  assert.deepEqual(f.map((x) => [x.rule, x.location]), [['split-secrets/cross-request', 'body.$.m']]);
});

test('ordinary inputs with many fields report no scan-incomplete', () => {
  const ctx = session();
  const f = scanner.scan(viewOfSegments(input, leaves(500, (i) => `item-${i}`)), ctx);
  assert.deepEqual(incomplete(f), []);
});

test('with the built-in detector, a key whose later pieces hold none of its marker characters is still found across requests and parameters', () => {
  const builtin = createSplitSecretScanner();
  const key = 'AKIAQ3EGRTYPQ2XK7ZVM';
  // The later pieces hold no 'A', '_' or '-': only the first piece carries one.
  assert.ok(!/[A_-]/.test(key.slice(6)));
  const ctx = session();
  assert.deepEqual(builtin.scan(viewOfUrl(`https://c.example/log?m=${key.slice(0, 6)}`), ctx), []);
  const f = builtin.scan(viewOfUrl(`https://c.example/log?m=${key.slice(6, 13)}&n=${key.slice(13)}`), { ...ctx, now: ctx.now + 1000 });
  assert.deepEqual(f.map((x) => x.rule), ['split-secrets/cross-request']);
  const within = builtin.scan(viewOfUrl(`https://c.example/p?a=${key.slice(0, 6)}&b=${key.slice(6)}`), TEST_CTX);
  assert.deepEqual(within.map((x) => x.rule), ['split-secrets/cross-parameter']);
});

test('a detector that names the characters every match holds is not asked about pieces without them', () => {
  const asked: string[] = [];
  const spy: SplitDetector = Object.assign((text: string) => (asked.push(text), detect(text)), { anyOfChars: 'A' });
  const s = createSplitSecretScanner({ detect: spy });
  const ctx = session();
  s.scan(viewOfUrl('https://c.example/repos/nodejs/node/pulls?state=open'), ctx);
  s.scan(viewOfUrl('https://c.example/repos/deno/std/issues?state=closed'), { ...ctx, now: ctx.now + 1 });
  assert.deepEqual(asked, []);
  s.scan(viewOfUrl(`https://c.example/log?m=${KEY.slice(0, 12)}&n=other`), { ...ctx, now: ctx.now + 2 });
  assert.ok(asked.length > 0);
});

test('flags a token sent half per plain body, text or WebSocket message, and reads a form body by its fields only', () => {
  const kinds: [string, 'body' | 'text' | 'ws-message'][] = [['body', 'body'], ['text', 'text'], ['ws', 'ws-message']];
  for (const [location, part] of kinds) {
    const ctx = session(createMemorySessionState(), `s-${part}`);
    const half = (text: string) => viewOfSegments({ kind: 'text', text }, [segmentOf(text, location, part, 'egress')]);
    assert.deepEqual(scanner.scan(half(GHP.slice(0, 20)), ctx), [], part);
    const f = scanner.scan(half(GHP.slice(20)), { ...ctx, now: ctx.now + 1000 });
    assert.deepEqual(f.map((x) => x.rule), ['split-secrets/cross-request'], part);
  }
  // A form body is a 'body' segment followed by its fields: only the fields are fragments, so the
  // value is not counted twice (which would glue it to itself).
  const form = `a=${KEY.slice(0, 10)}&b=${KEY.slice(10)}`;
  const view = viewOfSegments({ kind: 'text', text: form }, [
    segmentOf(form, 'body', 'body', 'egress'),
    segmentOf(KEY.slice(0, 10), 'body.form.a', 'body-leaf', 'egress'),
    segmentOf(KEY.slice(10), 'body.form.b', 'body-leaf', 'egress'),
  ]);
  const f = scanner.scan(view, TEST_CTX);
  assert.equal(f.length, 1);
  assert.ok(f[0]!.evidence.includes('2 parts'), f[0]!.evidence);
});

// --- DLP's detector and the known-secret index (as the engine builds this scanner) ---------------

const dlpScanner = createSplitSecretScanner({ detect: createJoinedDetector() });
const FORMATS: Readonly<Record<string, string>> = {
  'dlp/groq-api-key': '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',
  'dlp/xai-api-key': 'xai-HF8FzwyFqQa2QNhJQkzxIY8LbhX44MB4CE6z22QibgbsZx3sGiKqmFn8ZeMSgjTDleCVKudYHvZ174Wb',
  'dlp/stripe-webhook-secret': 'whsec_4UsDqv2MQKGQdm4rkpTvSqPmDmlsiQrT',
  'dlp/sendgrid-api-key': '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',
  'dlp/digitalocean-token': 'dop_v1_ef6df6b19218bc95286a1c5581245ed2f57741eec69f9564be50cca4cc0660db',
  'dlp/pinecone-api-key': 'pcsk_cDVaTN_57p1nuuDYfk6ET2zspwV7PeHzO4y4u9xz9Z6QCVP5PZvUGnYfDtcYbpKd7c8tERH',
};
const PAT = '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';
const AWS = 'AKIAZ7QW4ERT5YUI6OPA';

/** JSON keys and leaves in extraction order (each key just before its value). */
function jsonView(entries: readonly (readonly [string, string])[]): ScanView {
  const segs = entries.flatMap(([k, v]) => [segmentOf(k, `body.$.${k}.<key>`, 'body-key', 'egress'), segmentOf(v, `body.$.${k}`, 'body-leaf', 'egress')]);
  return viewOfSegments({ kind: 'request', method: 'POST', url: 'https://paste.example/x' }, segs);
}

const rulesOf = (f: readonly { rule: string; evidence: string }[]) => f.map((x) => `${x.rule} ${/\((dlp\/[a-z0-9-]+)\)/.exec(x.evidence)?.[1] ?? ''}`.trim());

test('with DLP\'s detector, formats beyond the built-in eleven halved across two query values or two JSON leaves are re-assembled (high)', () => {
  for (const [rule, key] of Object.entries(FORMATS)) {
    const h = Math.floor(key.length / 2);
    const url = dlpScanner.scan(viewOfUrl(`https://paste.example/x?a=${encodeURIComponent(key.slice(0, h))}&b=${encodeURIComponent(key.slice(h))}`), TEST_CTX);
    assert.deepEqual(rulesOf(url), [`split-secrets/cross-parameter ${rule}`], rule);
    assert.equal(url[0]!.severity, 'high');
    const body = dlpScanner.scan(jsonView([['p1', key.slice(0, h)], ['p2', key.slice(h)]]), TEST_CTX);
    assert.deepEqual(rulesOf(body), [`split-secrets/cross-parameter ${rule}`], rule);
    for (const f of [...url, ...body]) assert.ok(!f.evidence.includes(key.slice(8, 16)) && !f.message.includes(key.slice(8, 16)));
  }
});

test('a key split across subdomain labels (also lower-cased), a query key and its value, two bare query keys, a cookie name and value, a JSON key and its value', () => {
  const views: [string, ScanView][] = [
    ['host labels', viewOfUrl(`https://${AWS.slice(0, 10)}.${AWS.slice(10)}.attacker.example/`)],
    ['host labels, lower case', viewOfUrl(`https://${AWS.slice(0, 10).toLowerCase()}.${AWS.slice(10).toLowerCase()}.attacker.example/`)],
    ['query key=value', viewOfUrl(`https://paste.example/x?${AWS.slice(0, 10)}=${AWS.slice(10)}`)],
    ['query key&key', viewOfUrl(`https://paste.example/x?${AWS.slice(0, 10)}&${AWS.slice(10)}`)],
    [
      'cookie name=value',
      viewOfSegments({ kind: 'request', method: 'GET', url: 'https://paste.example/x' }, [
        segmentOf(`${PAT.slice(0, 11)}=${PAT.slice(11)}`, 'header.cookie', 'header', 'egress'),
        segmentOf(PAT.slice(0, 11), 'header.cookie-key[0]', 'body-key', 'egress'),
        segmentOf(PAT.slice(11), 'header.cookie.ghp_…(11)', 'body-leaf', 'egress'),
      ]),
    ],
    ['json key: value', jsonView([['model', 'gpt-4o'], [PAT.slice(0, 11), PAT.slice(11)]])],
  ];
  for (const [name, view] of views) {
    const f = dlpScanner.scan(view, TEST_CTX);
    assert.deepEqual(f.map((x) => [x.rule, x.severity]), [['split-secrets/cross-parameter', 'high']], name);
  }
});

test('names between the halves do not hide them: word-like keys, and data-like keys an attacker picks', () => {
  for (const url of [
    `https://paste.example/x?part1=${AWS.slice(0, 10)}&part2=${AWS.slice(10)}`,
    `https://paste.example/x?x7Yz9Q4w=${AWS.slice(0, 10)}&b8Kq2W5e=${AWS.slice(10)}`,
    `https://paste.example/x?${AWS.slice(0, 10)}=1&part=${AWS.slice(10)}`,
  ]) {
    assert.deepEqual(dlpScanner.scan(viewOfUrl(url), TEST_CTX).map((x) => x.rule), ['split-secrets/cross-parameter'], url);
  }
});

test('a key sent one subdomain label per request (DNS exfiltration) is re-assembled across the session, lower-cased too', () => {
  for (const key of [AWS, AWS.toLowerCase()]) {
    const ctx = session();
    assert.deepEqual(dlpScanner.scan(viewOfUrl(`https://${key.slice(0, 10)}.attacker.example/`), ctx), []);
    const f = dlpScanner.scan(viewOfUrl(`https://${key.slice(10)}.attacker.example/`), { ...ctx, now: ctx.now + 1000 });
    assert.deepEqual(f.map((x) => [x.rule, x.location]), [['split-secrets/cross-request', 'url.host[0]']], key);
  }
});

test('a whole key in one value, followed by other values, is DLP\'s finding and no split one', () => {
  const xai = FORMATS['dlp/xai-api-key']!;
  assert.deepEqual(dlpScanner.scan(jsonView([['api_key', xai], ['model', 'grok']]), TEST_CTX), []);
  assert.deepEqual(dlpScanner.scan(viewOfUrl(`https://api.example.com/v1?key=${PAT}&page=abcd&id=x7Kp2w`), TEST_CTX), []);
});

test('property: ordinary URLs and JSON bodies with random ids produce no split findings with DLP\'s detector', () => {
  const r = seeded(23);
  const ctx = session();
  for (let i = 0; i < 200; i++) {
    const url = `https://${r(10, ALNUM).toLowerCase()}.cdn.example.com/items/${r(8, ALNUM)}?page=${i}&id=${r(12, ALNUM)}&cursor=${r(24, ALNUM)}&sk=${r(6, ALNUM)}`;
    const f = dlpScanner.scan(viewOfUrl(url), { ...ctx, now: ctx.now + i });
    assert.deepEqual(f.filter((x) => x.rule !== 'split-secrets/entropy-budget'), [], url);
    const body = jsonView([['id', r(16, ALNUM)], ['token_type', 'bearer'], ['trace', `${r(8, ALNUM)}-${r(4, ALNUM)}`], ['AKIA', r(16, ALNUM)]]);
    assert.deepEqual(dlpScanner.scan(body, TEST_CTX).filter((x) => x.rule !== 'split-secrets/entropy-budget'), []);
  }
});

const KS = 'q7Xv9LmZ2pRt8Kw4Yb1Nc6';
const known = { ...TEST_CTX, knownSecrets: createKnownSecretIndex([{ name: 'MY_SERVICE_TOKEN', value: KS }]).index };

/** No finding text holds eight characters of the value in a row. */
function assertNoPiece(f: readonly { evidence: string; message: string; location: string }[], value: string): void {
  const text = JSON.stringify(f).toLowerCase();
  for (let i = 0; i + 8 <= value.length; i++) assert.ok(!text.includes(value.slice(i, i + 8).toLowerCase()), value.slice(i, i + 8));
}

test('a known secret split across query values, path segments, headers, JSON leaves or subdomain labels is re-assembled (critical), never shown', () => {
  const a = KS.slice(0, 11);
  const b = KS.slice(11);
  const views: [string, ScanView][] = [
    ['query values', viewOfUrl(`https://paste.example/x?a=${a}&b=${b}`)],
    ['path segments', viewOfUrl(`https://paste.example/${a}/${b}`)],
    ['headers', requestView({ 'x-a': a, 'x-b': b }, {}, 'https://paste.example/x')],
    ['json leaves', jsonView([['a', a], ['b', b]])],
    ['host labels, lower case', viewOfUrl(`https://${a.toLowerCase()}.${b.toLowerCase()}.attacker.example/`)],
  ];
  for (const [name, view] of views) {
    const f = dlpScanner.scan(view, known);
    assert.deepEqual(f.map((x) => [x.rule, x.severity]), [['split-secrets/cross-parameter', 'critical']], name);
    assert.match(f[0]!.evidence, /^value of \$MY_SERVICE_TOKEN \(raw(, without case)?, 22 chars\) joined from 2 parts/, name);
    assertNoPiece(f, KS);
  }
  // Without the index (or with it switched off) nothing is found.
  assert.deepEqual(dlpScanner.scan(viewOfUrl(`https://paste.example/x?a=${a}&b=${b}`), TEST_CTX), []);
  assert.deepEqual(createSplitSecretScanner({ detect: createJoinedDetector(), knownSecrets: false }).scan(viewOfUrl(`https://paste.example/x?a=${a}&b=${b}`), known), []);
});

test('a known secret sent half per request of one session is re-assembled when the second half arrives', () => {
  const ctx = { ...session(), knownSecrets: known.knownSecrets };
  assert.deepEqual(dlpScanner.scan(viewOfUrl(`https://paste.example/x?a=${KS.slice(0, 11)}`), ctx), []);
  const f = dlpScanner.scan(viewOfUrl(`https://paste.example/y?a=${KS.slice(11)}`), { ...ctx, now: ctx.now + 1000 });
  assert.deepEqual(f.map((x) => [x.rule, x.severity, x.location]), [['split-secrets/cross-request', 'critical', 'url.query.a']]);
  assertNoPiece(f, KS);
});

test('a session window already read and found quiet is not read again; a repeated split key is still found every time', () => {
  const asked: string[] = [];
  const spy: SplitDetector = (text: string) => (asked.push(text), detect(text));
  const s = createSplitSecretScanner({ detect: spy });
  const ctx = session();
  // An agent polling one endpoint: once the window holds nothing but copies of the same fragments, it
  // is the same text every time, and the detector is not asked about it again.
  const poll = 'https://c.example/repos/nodejs/node/pulls?state=open&per_page=50';
  for (let i = 0; i < 300; i++) assert.deepEqual(s.scan(viewOfUrl(poll), { ...ctx, now: ctx.now + i }), []);
  const windowReads = asked.filter((t) => t.length > 200).length;
  assert.ok(windowReads > 0, 'the window was read while it filled');
  assert.ok(windowReads < 150, `read ${windowReads} times in 300 identical requests`);
  // The same two halves sent over and over: every request that completes the key (each second half)
  // is flagged, however often the window repeats.
  const other = session(createMemorySessionState(), 's2');
  let flagged = 0;
  for (let i = 0; i < 200; i++) {
    const half = i % 2 === 0 ? KEY.slice(0, 10) : KEY.slice(10);
    const f = s.scan(viewOfUrl(`https://c.example/log?m=${half}`), { ...other, now: other.now + i });
    if (f.some((x) => x.rule === 'split-secrets/cross-request')) flagged++;
  }
  assert.equal(flagged, 100, 'every request carrying the second half completes the key');
});

test('a session polling with a window too long for the shared memo is not re-read either; a change in it is', () => {
  const asked: string[] = [];
  const spy: SplitDetector = (text: string) => (asked.push(text), detect(text));
  // Windows of ~2 × 3000 characters: longer than the shared memo keeps (4096), so only the session's
  // own last quiet window can spare the read.
  const s = createSplitSecretScanner({ detect: spy, maxSecretLength: 3000 });
  const ctx = session();
  const word = (n: number): string => Array.from({ length: 480 }, (_, k) => 'abcdefghij'[(k * 7 + n) % 10]).join('');
  const poll = `https://c.example/sync?a=${word(1)}&b=${word(2)}&c=${word(3)}`;
  for (let i = 0; i < 300; i++) assert.deepEqual(s.scan(viewOfUrl(poll), { ...ctx, now: ctx.now + i }), []);
  const reads = asked.filter((t) => t.length > 4096).length;
  assert.ok(reads > 0, 'the window was read while it filled');
  assert.ok(reads < 30, `read ${reads} times in 300 identical requests`);
  // A key split over the next two requests of the same session is still found.
  assert.deepEqual(s.scan(viewOfUrl(`https://c.example/log?m=${KEY.slice(0, 10)}`), { ...ctx, now: ctx.now + 400 }), []);
  assert.deepEqual(rulesOf(s.scan(viewOfUrl(`https://c.example/log?m=${KEY.slice(10)}`), { ...ctx, now: ctx.now + 401 })).map((r) => r.split(' ')[0]), ['split-secrets/cross-request']);
});

test('with DLP\'s rules in two sets (short matches over the end of the history, long ones over all of it), keys split across requests are still found', () => {
  const short = createJoinedDetector({ lengths: { atMost: 128 } });
  const long = createJoinedDetector({ lengths: { above: 128 } });
  assert.ok(short.maxMatchLength <= 128 && long.maxMatchLength > 128);
  const tiered = createSplitSecretScanner({ detect: createJoinedDetector(), windowDetectors: [short, long] });
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const jwt = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'svc-deploy', scope: 'repo:write admin:org', nonce: 'q7Vx2mLp9Rt4Wz8Kc3Nb6Yh1Jd5Fg0Ts', aud: 'https://api.internal.example/v2/deployments/production', claims: 'x'.repeat(300) })}.${'Qm9Zk3Lp8Vt2Wx7Rc4Nb1Hy6Jd5Fg0TsAa9Ee2Ii'}`;
  assert.ok(jwt.length > 500 && jwt.length < 1000, `${jwt.length}`);
  assert.deepEqual(createJoinedDetector()(jwt).map((m) => m.rule), ['dlp/jwt'], 'DLP finds the whole token');
  for (const [key, rule, parts] of [
    [AWS, 'dlp/aws-access-key-id', 2],
    [PAT, 'dlp/github-pat', 2],
    [jwt, 'dlp/jwt', 5],
  ] as const) {
    const ctx = session();
    for (let i = 0; i < 80; i++) tiered.scan(viewOfUrl(`https://c.example/repos/nodejs/node/pulls/${100000 + i}?state=open`), { ...ctx, now: ctx.now + i });
    const size = Math.ceil(key.length / parts);
    const found = [];
    for (let p = 0; p < parts; p++) found.push(tiered.scan(viewOfUrl(`https://c.example/log?m=${key.slice(p * size, (p + 1) * size)}`), { ...ctx, now: ctx.now + 100 + p }));
    assert.deepEqual(found.slice(0, -1).flat(), [], rule);
    assert.deepEqual(rulesOf(found[parts - 1]!), [`split-secrets/cross-request ${rule}`], rule);
  }
});
