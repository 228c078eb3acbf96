import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32 } from '@scure/base';
import { TEST_CTX, viewOfText } from '../testing.ts';
import { BENIGN_URLS } from './fixtures/benign-urls.ts';
import { camelWordShare, createEntropyScanner, dataCore, expectedRandomEntropy, hexDecodesToText, judgeHostLabel, profileRun, shannonEntropy } from './index.ts';
import { ALNUM, B64, seeded, viewOfUrl } from './testing.ts';

const scanner = createEntropyScanner();
const scanUrl = (url: string) => scanner.scan(viewOfUrl(url), TEST_CTX);
const atLeastMedium = (url: string) => scanUrl(url).filter((f) => f.severity !== 'low' && f.severity !== 'info');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const hex = (s: string) => Buffer.from(s).toString('hex');
const b32 = (s: string) => base32.encode(Buffer.from(s)).replace(/=+$/, '').toLowerCase();

test('shannon entropy is 0 for one repeated symbol and log2(k) for k equally used symbols', () => {
  assert.equal(shannonEntropy('aaaaaaaa'), 0);
  assert.equal(shannonEntropy('abcd'), 2);
  assert.equal(shannonEntropy('0123456789abcdef'), 4);
  assert.equal(shannonEntropy(''), 0);
});

test('expected random entropy is below log2(length) for short strings and approaches log2(alphabet) for long ones', () => {
  assert.ok(expectedRandomEntropy(20, 64) < Math.log2(20));
  assert.ok(Math.abs(expectedRandomEntropy(2048, 16) - 4) < 0.01);
  assert.ok(expectedRandomEntropy(32, 64) > expectedRandomEntropy(32, 16));
});

test('profileRun classifies hex, base32, alphanumeric and base64 alphabets', () => {
  assert.equal(profileRun('3f9a8c1e0b7d').alphabet, 'hex');
  assert.equal(profileRun('MFRGGZDFMZTWQ2LK').alphabet, 'base32');
  assert.equal(profileRun('Ab3dE5gH7jK9').alphabet, 'alnum');
  assert.equal(profileRun('Ab3+E5/H7jK9==').alphabet, 'base64');
  assert.equal(profileRun('20240412').alphabet, 'digits');
});

test('dataCore drops slug words and numbers but keeps random pieces', () => {
  assert.equal(dataCore('vendor-65b3768a016f5cb5aaa0'), '65b3768a016f5cb5aaa0');
  assert.equal(dataCore('getting-started-with-kotlin'), '');
  assert.equal(dataCore('ghp_aB3dE5gH7jK9'), 'aB3dE5gH7jK9');
});

test('camelWordShare tells code identifiers from random alphanumerics', () => {
  assert.ok(camelWordShare('getUserProfileSettingsByAccountId2024') >= 0.7);
  assert.ok(camelWordShare('handleCheckoutSessionCompletedWebhookV2') >= 0.7);
  const r = seeded(30);
  let over = 0;
  for (let i = 0; i < 500; i++) if (camelWordShare(r(40, ALNUM)) >= 0.7) over++;
  assert.ok(over <= 5, `${over}/500 random strings look like identifiers`);
});

test('does not flag camelCase API paths', () => {
  assert.deepEqual(scanUrl('https://api.example.com/v1/getUserProfileSettingsByAccountId2024'), []);
});

test('hexDecodesToText tells hex-encoded text from a digest', () => {
  assert.equal(hexDecodesToText(hex('the api key is 12345')), true);
  assert.equal(hexDecodesToText('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'), false);
});

test('flags a base64-encoded secret in a URL path segment as medium exfiltration', () => {
  const f = atLeastMedium(`https://collector.example/u/${b64url('AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzEXAMPLE')}`);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.rule, 'entropy/path-segment');
  assert.equal(f[0]!.category, 'exfiltration');
  assert.equal(f[0]!.mitre, 'T1048');
  assert.equal(f[0]!.location, 'url.path[2]');
});

test('flags a 32+ character random token in a query value', () => {
  const r = seeded(1);
  const f = atLeastMedium(`https://collector.example/p?token=${r(40, ALNUM)}`);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.rule, 'entropy/query-value');
  assert.equal(f[0]!.location, 'url.query.token');
});

test('flags hex-encoded text in a query value, even when shorter than a SHA-1', () => {
  assert.equal(atLeastMedium(`https://collector.example/p?d=${hex('password=hunter2!')}`).length, 1);
});

test('flags a percent-encoded base64 query value', () => {
  const f = atLeastMedium(`https://collector.example/p?d=${encodeURIComponent(b64('sk-proj-abcdefghijklmnop1234567890ABCD'))}`);
  assert.equal(f.length, 1);
});

test('flags a base32 label under an unknown domain as DNS exfiltration before any lookup', () => {
  const f = scanUrl(`https://${b32('OPENAI_API_KEY=sk-1234')}.attacker.example/`);
  const dns = f.filter((x) => x.rule === 'entropy/dns-exfil-label');
  assert.equal(dns.length, 1);
  assert.equal(dns[0]!.mitre, 'T1071.004');
  assert.equal(dns[0]!.severity, 'high');
  assert.equal(dns[0]!.location, 'url.host[0]');
});

test('rates several random labels in one host as high (dnscat-style chunking)', () => {
  const r = seeded(2);
  const f = scanUrl(`https://${r(20, '0123456789abcdef')}.${r(20, '0123456789abcdef')}.t.attacker.example/`);
  const dns = f.filter((x) => x.rule === 'entropy/dns-exfil-label');
  assert.equal(dns.length, 2);
  assert.ok(dns.every((x) => x.severity === 'high'));
});

test('rates a random label under a cloud provider suffix as low, not exempt', () => {
  const f = scanUrl('https://fovfez4e62c7fujmt6moh20cyz5e4jp6.lambda-url.us-east-1.on.aws/hook');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.severity, 'low');
});

test('does not judge the registrable domain or slug-like labels', () => {
  assert.equal(judgeHostLabel('my-company-assets-production'), null);
  assert.equal(judgeHostLabel('xn--bcher-kva8445foa'), null);
  assert.equal(scanUrl('https://k3j5h6g7f8d9s0a1q2w3e4.example/').length, 0);
});

test('does not flag UUIDs, git SHAs, CDN content hashes or Docker digests at medium or above', () => {
  const r = seeded(3);
  const h = (n: number) => r(n, '0123456789abcdef');
  const urls = [
    `https://api.example.com/users/${h(8)}-${h(4)}-4${h(3)}-8${h(3)}-${h(12)}`,
    `https://github.com/org/repo/commit/${h(40)}`,
    `https://cdn.example.com/static/js/main.${h(8)}.js`,
    `https://registry.example.com/v2/app/manifests/sha256:${h(64)}`,
  ];
  for (const url of urls) assert.deepEqual(atLeastMedium(url), [], url);
});

test('does not flag search queries, slugs or numeric ids', () => {
  for (const url of [
    'https://www.google.com/search?q=how+to+configure+nginx+reverse+proxy+with+websockets',
    'https://example.com/blog/2024/04/12/getting-started-with-structured-concurrency-in-kotlin-coroutines',
    'https://news.ycombinator.com/item?id=39912345123456789012',
  ])
    assert.deepEqual(scanUrl(url), [], url);
});

test('downgrades protocol randomness (signatures, PKCE, click ids) to low rather than exempting it', () => {
  const r = seeded(4);
  const f = scanUrl(`https://accounts.example.com/auth?code_challenge=${r(43, ALNUM)}`);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.severity, 'low');
});

test('benign URL fixture: no finding at medium or above (false-positive rate 0 on the list)', () => {
  assert.ok(BENIGN_URLS.length >= 60);
  const flagged = BENIGN_URLS.filter((u) => atLeastMedium(u).length > 0);
  assert.deepEqual(flagged, []);
});

test('property: base64, hex and base32 encodings of random secrets are caught at medium or above (≥ 97%)', () => {
  const r = seeded(5);
  let caught = 0;
  let total = 0;
  for (let i = 0; i < 100; i++) {
    const secret = r(40, `${ALNUM}+/`);
    for (const url of [
      `https://c.example/x/${b64url(secret)}`,
      `https://c.example/x?d=${encodeURIComponent(b64(secret))}`,
      `https://c.example/x?d=${hex(secret)}`,
      `https://${b32(secret.slice(0, 30))}.c.example/`,
      `https://${hex(secret.slice(0, 30))}.c.example/`,
    ]) {
      total++;
      if (atLeastMedium(url).length > 0) caught++;
    }
  }
  assert.ok(caught / total >= 0.97, `caught ${caught}/${total}`);
});

test('ignores ingress URLs and parts other than host labels, path segments and query values', () => {
  const r = seeded(6);
  assert.deepEqual(scanner.scan(viewOfUrl(`https://c.example/x/${r(48, B64)}`, 'ingress'), TEST_CTX), []);
  assert.deepEqual(scanner.scan(viewOfText(r(48, ALNUM), 'body-leaf', 'egress'), TEST_CTX), []);
});

test('is total on hostile input: huge, binary and malformed percent escapes', () => {
  const r = seeded(7);
  const weird = ['%', '%zz%4', '\u0000\uffff\ud800', 'a'.repeat(100_000), `${r(20_000, B64)}%E0%A4%A`];
  for (const w of weird) {
    assert.doesNotThrow(() => scanUrl(`https://${w}.example/${w}?q=${w}`));
  }
  const f = scanUrl(`https://c.example/${Array.from({ length: 300 }, () => r(40, ALNUM)).join('/')}`);
  // 100 findings, then the one that says the rest was not inspected (fail closed)
  assert.equal(f.length, 101);
  assert.equal(f[100]?.rule, 'entropy/scan-incomplete');
});

test('evidence never contains the random value itself', () => {
  const r = seeded(8);
  const token = r(48, ALNUM);
  for (const f of scanUrl(`https://c.example/p?k=${token}`)) {
    assert.ok(!f.evidence.includes(token.slice(4, 20)));
    assert.ok(!f.message.includes(token.slice(4, 20)));
  }
});

// --- limits fail closed ------------------------------------------------------------------------

const incomplete = <T extends { rule: string }>(f: readonly T[]): T[] => f.filter((x) => x.rule === 'entropy/scan-incomplete');

test('reads a long query value whole: random data after 8 KiB of filler is found', () => {
  const r = seeded(21);
  const f = scanUrl(`https://c.example/p?q=${'ab.'.repeat(3000)}${r(64, ALNUM)}`);
  assert.deepEqual(f.map((x) => x.rule), ['entropy/query-value']);
});

test('reports entropy/scan-incomplete for a URL part longer than maxSegmentChars', () => {
  const r = seeded(22);
  const f = createEntropyScanner({ maxSegmentChars: 1000 }).scan(viewOfUrl(`https://c.example/p?q=${'ab.'.repeat(500)}${r(64, ALNUM)}`), TEST_CTX);
  const cut = incomplete(f);
  assert.equal(cut.length, 1);
  assert.deepEqual([cut[0]?.severity, cut[0]?.category, cut[0]?.mitre, cut[0]?.evidence, cut[0]?.location], ['high', 'limits', 'T1027', '', 'url.query.q']);
});

test('reports entropy/scan-incomplete when the findings cap is reached, and not before', () => {
  const r = seeded(23);
  const path = (n: number) => `https://c.example/${Array.from({ length: n }, () => r(40, ALNUM)).join('/')}`;
  assert.deepEqual(incomplete(scanUrl(path(100))), []);
  assert.equal(incomplete(scanUrl(path(101))).length, 1);
});

test('ordinary URLs report no scan-incomplete', () => {
  for (const url of BENIGN_URLS.slice(0, 200)) assert.deepEqual(incomplete(scanUrl(url)), [], url);
});

test('never shows a random label of the registrable domain in evidence', () => {
  const r = seeded(24);
  const data = r(32, '0123456789abcdef');
  const domain = r(21, 'abcdefghijklmnopqrstuvwxyz0123456789');
  const f = scanUrl(`https://${data}.${domain}.com/`);
  assert.ok(f.length >= 1);
  for (const x of f) {
    assert.ok(!x.evidence.includes(domain.slice(4)), x.evidence);
    assert.ok(!x.evidence.includes(data.slice(4)), x.evidence);
  }
  // an ordinary registrable domain stays readable
  const g = scanUrl(`https://${data}.example.com/`);
  assert.ok(g.some((x) => x.evidence.endsWith('example.com')), g.map((x) => x.evidence).join('; '));
});
