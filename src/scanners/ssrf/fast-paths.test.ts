// The SSRF scanner's shortcuts must never change a verdict: the parser-free reading of plain URLs
// must agree with WHATWG (Node's URL), and the nested-URL pre-check must never hide a token the
// patterns would find. Inputs are generated here; the WHATWG data is read when present.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { TEST_CTX } from '../testing.ts';
import { createSsrfScanner } from './index.ts';
import { F_CONTROL, F_NON_ASCII, F_TAB_NL, findUrlTokens, mayHoldUrlToken, plainUrl, urlFacts } from './url.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const SCHEMES = ['http', 'https', 'HTTP', 'wSs', 'ws', 'ftp', 'file', 'gopher', 'x', 'httpx', 'git+https', ''];
const SEPS = ['://', '://', ':/', ':', ':\\\\', ':///', ''];
const HOSTS = [
  'api.github.com', 'API.GitHub.COM', 'example.com', 'a.b-c.d', '-a.com', 'a-.com', 'ab--cd.com', 'xn--nxasmq6b.com', 'XN--zz.com', 'a..b', 'a.', '.a',
  '127.0.0.1', '1.2.3.4.5', 'a.123', 'a.0x', 'a.0X1f', 'a.0x1g', '0x7f.1', 'localhost', 'a_b.com', 'a.com:80', 'a.com:65535', 'a.com:65536', 'a.com:',
  'a.com:0080', 'a.com:123456', 'u@a.com', 'a.com\\b', 'a%2ecom', 'é.com', 'a b.com', '[::1]', '',
];
const TAILS = ['', '/', '/p/q', '?q=1', '#f', '/a b', '/\ttab', '/é', '\\x', '@x', '%zz', '/x?u=http://127.0.0.1/', ' '];

function urlish(seed: number): string {
  const r = rng(seed);
  const likely = r() < 0.6; // mostly near-plain URLs, where the shortcut has to decide
  let s = (likely ? pick(r, ['http', 'https', 'HTTPS', 'ws', 'wss']) : pick(r, SCHEMES)) + (likely ? '://' : pick(r, SEPS)) + pick(r, HOSTS) + pick(r, TAILS);
  if (r() < 0.15) s = pick(r, [' ', '\t', '\u0001']) + s;
  if (r() < 0.15) {
    const at = Math.floor(r() * s.length);
    s = s.slice(0, at) + pick(r, ['%', '@', '\\', '.', ':', '/', '?', '#', '\n', 'é', '0', '-']) + s.slice(at);
  }
  return s;
}

test('the parser-free reading of a plain URL agrees with the WHATWG parser', () => {
  let plain = 0;
  for (let seed = 1; seed <= 20_000; seed++) {
    const u = urlish(seed);
    const p = plainUrl(u);
    if (!p) continue;
    plain++;
    const url = new URL(u); // a plain URL must parse
    assert.equal(p.protocol, url.protocol, u);
    assert.equal(p.hostname, url.hostname, u);
  }
  assert.ok(plain > 2000, `only ${plain} plain URLs exercised`);
});

const WHATWG = '../shared/corpora/servo-rust-url/url/tests/urltestdata.json';

test('the parser-free reading agrees with every WHATWG test case it accepts (skipped when absent)', { skip: existsSync(WHATWG) ? false : 'corpus folder absent' }, () => {
  const cases = (JSON.parse(readFileSync(WHATWG, 'utf8')) as unknown[]).filter(
    (c): c is { input: string; base: string | null; failure?: boolean; hostname?: string; protocol?: string } =>
      typeof c === 'object' && c !== null && typeof (c as { input?: unknown }).input === 'string',
  );
  for (const c of cases) {
    const p = plainUrl(c.input);
    if (!p) continue;
    assert.notEqual(c.failure, true, c.input);
    if (c.hostname !== undefined) assert.equal(p.hostname, c.hostname, c.input);
    if (c.protocol !== undefined) assert.equal(p.protocol, c.protocol, c.input);
  }
});

test('the nested-URL pre-check never hides a token the patterns find', () => {
  const pieces = ['http', 'https', 'HTTPS', 'ftp', 'jar', 'ssh2.exec', 'ssh2.', 'git+', 'x.', 'xhttp', 'data', ':', '://', ':/', '/', '?', '=', '&', ' ', 'a', '1', '.', '-', '_', '+', 'é', 'ſftp', 'K'];
  let hidden = 0;
  for (let seed = 1; seed <= 20_000; seed++) {
    const r = rng(seed);
    let s = r() < 0.5 ? pick(r, ['https://h/', 'http://h', 'ws://a.b/c?', ' https://x/', 'jar:x', '']) : '';
    const n = 1 + Math.floor(r() * 12);
    for (let i = 0; i < n; i++) s += pick(r, pieces);
    const skip = s.length - s.trimStart().length;
    for (const at of [skip, -1]) {
      if (mayHoldUrlToken(s, at)) continue;
      hidden++;
      assert.deepEqual(
        findUrlTokens(s).filter((t) => t.index !== at),
        [],
        JSON.stringify(s),
      );
      assert.equal(mayHoldUrlToken(s, at, urlFacts(s)), false, JSON.stringify(s));
    }
  }
  assert.ok(hidden > 1000, `only ${hidden} texts skipped`);
});

test('urlFacts notes control characters, tab/CR/LF and non-ASCII', () => {
  assert.equal(urlFacts('https://a.com/x?y=1'), 0);
  assert.equal(urlFacts('https://a.com/\u0000'), F_CONTROL);
  assert.equal(urlFacts('https://a.com/\u007f'), F_CONTROL | F_NON_ASCII);
  assert.equal(urlFacts('https://a.com/\tx'), F_TAB_NL);
  assert.equal(urlFacts('https://é.com/'), F_NON_ASCII);
});

test('a URL repeated as the url segment is judged once, and still judged when the segment differs', () => {
  const url = 'http://127.0.0.1/';
  const scanner = createSsrfScanner();
  const seg = (raw: string) => ({ location: 'url', part: 'url' as const, flow: 'egress' as const, prepared: { raw, clean: raw, folded: raw, leet: raw, layers: [], signals: { zeroWidth: 0, bidi: 0, tags: 0, variationSelectors: 0, confusables: 0, combining: 0 }, decodeTruncated: false } });
  const same = scanner.scan({ input: { kind: 'url', url }, url, segments: [seg(url)] }, TEST_CTX);
  assert.deepEqual(
    same.map((f) => `${f.rule}@${f.location}`),
    ['ssrf/loopback@url'],
  );
  const other = scanner.scan({ input: { kind: 'url', url }, url, segments: [{ ...seg('http://10.0.0.1/'), location: 'url.x' }] }, TEST_CTX);
  assert.deepEqual(
    other.map((f) => `${f.rule}@${f.location}`),
    ['ssrf/loopback@url', 'ssrf/private-address@url.x'],
  );
});

test('a URL judged before is reported the same way again, at the new location', () => {
  const url = 'http://10.0.0.1/?next=http%3A%2F%2F169.254.169.254%2F&u=http://127.0.0.1/';
  const scanner = createSsrfScanner();
  const view = { input: { kind: 'url' as const, url }, url, segments: [] };
  const first = scanner.scan(view, TEST_CTX);
  const again = scanner.scan(view, TEST_CTX);
  assert.deepEqual(again, first);
  assert.ok(first.some((f) => f.location === 'url|url' && f.rule === 'ssrf/cloud-metadata'));
  const raw = { raw: url, clean: url, folded: url, leet: url, layers: [], signals: { zeroWidth: 0, bidi: 0, tags: 0, variationSelectors: 0, confusables: 0, combining: 0 }, decodeTruncated: false };
  const elsewhere = scanner.scan({ input: { kind: 'text', text: url }, segments: [{ location: 'body.$.u', part: 'url', flow: 'egress', prepared: raw }] }, TEST_CTX);
  assert.deepEqual(
    elsewhere.map((f) => f.location.replace('body.$.u', 'url')),
    first.map((f) => f.location),
  );
});

test('findings cut short by the cap are complete when the same URLs come again', () => {
  const scanner = createSsrfScanner();
  const urls = Array.from({ length: 60 }, (_, i) => `http://10.0.${i}.1/?u=http://127.0.0.${i}/`);
  const raw = (t: string) => ({ raw: t, clean: t, folded: t, leet: t, layers: [], signals: { zeroWidth: 0, bidi: 0, tags: 0, variationSelectors: 0, confusables: 0, combining: 0 }, decodeTruncated: false });
  const view = { input: { kind: 'text' as const, text: '' }, segments: urls.map((u, i) => ({ location: `url.${i}`, part: 'url' as const, flow: 'egress' as const, prepared: raw(u) })) };
  const first = scanner.scan(view, TEST_CTX);
  assert.equal(first.length, 101);
  assert.equal(first[100]?.rule, 'ssrf/scan-incomplete');
  assert.deepEqual(scanner.scan(view, TEST_CTX), first);
  const reversed = { ...view, segments: [...view.segments].reverse() };
  const fresh = createSsrfScanner().scan(reversed, TEST_CTX);
  assert.deepEqual(scanner.scan(reversed, TEST_CTX), fresh);
});
