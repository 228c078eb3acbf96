import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialPrefixOf } from '../../core/index.ts';
import { viewOfUrl } from '../entropy/testing.ts';
import { TEST_CTX } from '../testing.ts';
import { DlpEngine } from './engine.ts';
import { createDlpScanner } from './index.ts';
import { derRsaKeyLines, SAMPLES, wif } from './dlp.fixtures.ts';
import { ALL_RULES } from './rules/index.ts';
import { carriesLiteral, createCaseFoldedDetector, createJoinedDetector, hasLiteral, judgesJoinedPieces, LITERAL_AROUND_VALUE, loosen } from './split.ts';

const dlp = new DlpEngine(ALL_RULES);
const joined = createJoinedDetector();

/** Pieces end to end, and where each starts. */
function join(pieces: readonly string[]): { text: string; starts: number[] } {
  const starts: number[] = [];
  let at = 0;
  for (const p of pieces) {
    starts.push(at);
    at += p.length;
  }
  return { text: pieces.join(''), starts };
}

/**
 * Formats the joined detector does not judge, and why. A rule that judges a bare random string by the
 * words around it would fire on two ids glued together, and a neighbouring piece could supply the word.
 */
const NOT_JOINED: Readonly<Record<string, string>> = {
  'dlp/aws-secret-access-key': '40 characters of base64, judged by the words around them',
  'dlp/alibaba-access-key-secret': '30 random characters beside an access key id',
  'dlp/ethereum-private-key': '64 hex digits beside a wallet word',
  'dlp/mistral-api-key': '32 random characters beside "mistral"',
  'dlp/cohere-api-key': '40 random characters beside "cohere"',
  'dlp/elevenlabs-api-key': 'sk_ and 48 hex digits, only beside "elevenlabs"',
  'dlp/twilio-auth-token': '32 hex digits beside "twilio"',
  'dlp/datadog-api-key': '32 or 40 hex digits beside "datadog"',
  'dlp/jwk-private-key': 'a JSON member, judged with the "kty" member beside it',
  // The fixtures of these rules are their bare-random-string alternative (their prefixed forms are judged).
  'dlp/cloudflare-api-token': 'fixture: 40 random characters beside "cloudflare" (cfk_/cfut_/cfat_ tokens are judged)',
  'dlp/together-api-key': 'fixture: 64 hex digits beside "together" (tgp_v1_ keys are judged)',
  'dlp/vercel-token': 'fixture: 24 random characters beside "vercel" (vcp_… tokens are judged)',
};

/** Rules whose format another rule judges too, without the words around it the first one wants. */
const SAME_FORMAT: Readonly<Record<string, string>> = {
  'dlp/google-gemini-api-key': 'dlp/google-api-key',
  'dlp/deepseek-api-key': 'dlp/sk-hex-api-key',
};

/** The text a fixture credential travels as: its value, or the match around it when the literal is outside the value. */
function tokenOf(id: string): { token: string; valueAt: number; valueLength: number } | null {
  const sample = id === 'dlp/der-private-key' ? `key ${derRsaKeyLines().join('')} end` : SAMPLES[id]?.positive;
  if (sample === undefined) return null;
  const hit = dlp.scanText(sample).find((h) => h.rule.id === id);
  if (!hit) return null;
  // A literal around the value travels with it; the Facebook app token's id is before the bar that starts its match.
  const around = LITERAL_AROUND_VALUE.has(id);
  const from = id === 'dlp/facebook-app-token' ? 0 : around ? Math.min(hit.matchStart, hit.start) : hit.start;
  const to = around ? Math.max(hit.matchEnd, hit.end) : hit.end;
  let token = sample.slice(from, to);
  while (token.length > 0 && !/[A-Za-z0-9=/+]/.test(token.charAt(token.length - 1)) && from + token.length > hit.end) token = token.slice(0, -1);
  return { token, valueAt: hit.start - from, valueLength: hit.value.length };
}

test('every DLP credential format split in two between other values is caught: by the joined detector, or by DLP in one piece', () => {
  const missed: string[] = [];
  let judged = 0;
  for (const rule of ALL_RULES) {
    if (!judgesJoinedPieces(rule)) {
      // Personal data, and generic rules that judge a value by the name it is assigned to.
      assert.ok(rule.category === 'pii' || rule.generic === true || rule.field !== undefined, rule.id);
      continue;
    }
    const t = tokenOf(rule.id);
    assert.ok(t, `${rule.id} has a fixture DLP finds`);
    // Whitespace never reaches a join (a fragment holds none): PEM blocks, PuTTY files, shell lines.
    if (!/^[\x21-\x7e]+$/.test(t.token)) continue;
    judged++;
    for (const share of [0.3, 0.5, 0.7]) {
      const h = Math.max(1, Math.floor(t.token.length * share));
      const pieces = ['Zq9w', t.token.slice(0, h), t.token.slice(h), 'x7Kp'];
      const { text, starts } = join(pieces);
      const valueStart = 4 + t.valueAt;
      const valueEnd = valueStart + t.valueLength;
      const found = joined(text, starts).some((m) => (m.rule === rule.id || m.rule === SAME_FORMAT[rule.id]) && m.index <= valueStart && m.index + m.length >= valueEnd && m.index + m.length <= valueEnd + 64);
      const alone = [pieces[1]!, pieces[2]!].some((p) => dlp.scanText(p).some((x) => x.rule.id === rule.id));
      if (!found && !alone) {
        missed.push(rule.id);
        break;
      }
    }
  }
  assert.ok(judged > 100, `${judged} formats judged`);
  assert.deepEqual(missed.sort(), Object.keys(NOT_JOINED).sort());
});

test('an aligned split is reported exactly: the value, from the first piece to the last', () => {
  const key = 'xai-HF8FzwyFqQa2QNhJQkzxIY8LbhX44MB4CE6z22QibgbsZx3sGiKqmFn8ZeMSgjTDleCVKudYHvZ174Wb';
  // Greedy matching would run on into `abc123`: the match ends where the key does.
  const { text, starts } = join(['page', key.slice(0, 40), key.slice(40), 'abc123']);
  assert.deepEqual(joined(text, starts), [{ rule: 'dlp/xai-api-key', index: 4, length: key.length }]);
});

test('a whole key in one piece, whatever follows it, is left to DLP (no joined match across pieces)', () => {
  const key = 'xai-HF8FzwyFqQa2QNhJQkzxIY8LbhX44MB4CE6z22QibgbsZx3sGiKqmFn8ZeMSgjTDleCVKudYHvZ174Wb';
  // `grok` would fit in xai's {70,90}: the key and the next value glued read as one longer key.
  const { text, starts } = join(['model', key, 'grok']);
  assert.deepEqual(
    joined(text, starts).filter((m) => m.index < starts[2]! && m.index + m.length > starts[2]!),
    [],
  );
});

test('boundaries are relaxed only at piece boundaries: a prefix glued inside another word is no credential', () => {
  const hex = 'd9405a9f27b8415bfc17d2e6a0c3b1f4';
  // `sk-` + 32 hex digits, but the `sk-` ends the word `task-`.
  let j = join(['task-', hex]);
  assert.deepEqual(joined(j.text, j.starts), []);
  j = join(['sk-', hex]);
  assert.deepEqual(joined(j.text, j.starts).map((m) => m.rule), ['dlp/sk-hex-api-key']);
  const ghp = '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';
  j = join([`xx${ghp.slice(0, 20)}`, ghp.slice(20)]);
  assert.deepEqual(joined(j.text, j.starts), []);
  j = join([`xx-${ghp.slice(0, 20)}`, ghp.slice(20)]);
  assert.deepEqual(joined(j.text, j.starts).map((m) => [m.rule, m.index, m.length]), [['dlp/github-pat', 3, 40]]);
});

test('a false start in the piece before does not hide a key that begins at a piece boundary', () => {
  // `9` starts a WIF key's pattern too: its match from there fails the checksum and must not hide the real one.
  const key = wif(true);
  const { text, starts } = join(['Zq9w', key.slice(0, 20), key.slice(20)]);
  assert.deepEqual(joined(text, starts).map((m) => [m.rule, m.index, m.length]), [['dlp/bitcoin-wif-private-key', 4, key.length]]);
});

test('checks that want a boundary beside the value accept a piece boundary (Atlassian DC token, Facebook app token)', () => {
  for (const id of ['dlp/atlassian-dc-pat', 'dlp/facebook-app-token']) {
    const t = tokenOf(id)!;
    const h = Math.floor(t.token.length / 2);
    const { text, starts } = join(['abcd', t.token.slice(0, h), t.token.slice(h), 'efgh']);
    assert.ok(joined(text, starts).some((m) => m.rule === id), id);
  }
});

test('bare random strings are not judged: two ids glued together are no key', () => {
  const { text, starts } = join(['5f2c8a9e1d3b4c6a', '7e8f9a0b1c2d3e4f', 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6']);
  assert.deepEqual(joined(text, starts), []);
  const rule = ALL_RULES.find((r) => r.id === 'dlp/together-api-key')!;
  assert.equal(carriesLiteral(rule, 'a'.repeat(64)), false);
  assert.equal(carriesLiteral(rule, `tgp_v1_${'a'.repeat(43)}`), true);
});

test('loosen removes boundary assertions at the ends of each alternative and reports them as edge tests', () => {
  assert.equal(loosen('\\b(ghp_[A-Za-z0-9]{36})\\b').pattern, '(ghp_[A-Za-z0-9]{36})');
  assert.equal(loosen('\\b(x_[a-z]{3})(?:[^A-Za-z0-9_-]|$)').pattern, '(x_[a-z]{3})');
  assert.equal(loosen('(?:^|[^A-Za-z0-9/+=])(AB[0-9]{4})(?:[^A-Za-z0-9/+=]|$)').pattern, '(AB[0-9]{4})');
  assert.equal(loosen('(?:\\b|^)(ya29\\.[0-9]{3})').pattern, '(ya29\\.[0-9]{3})');
  assert.equal(loosen('\\b(tk_[a-z]{4})\\b|\\b([a-f0-9]{64})\\b', true).pattern, '(tk_[a-z]{4})|\\b\\B([a-f0-9]{64})');
  assert.equal(loosen('\\b([a-f0-9]{32})\\b', true).pattern, null);
  // Inside a group that wraps the whole value too: the bare-random branch never matches, group numbers kept.
  assert.equal(loosen('\\b(vc[pk]_[A-Za-z0-9]{24}|[A-Za-z0-9]{24})\\b', true).pattern, '(vc[pk]_[A-Za-z0-9]{24}|\\b\\B[A-Za-z0-9]{24})');
  assert.equal(loosen('\\b(?:(ab_[0-9]{4})|([0-9]{30}))\\b', true).pattern, '(?:(ab_[0-9]{4})|\\b\\B([0-9]{30}))');
  assert.equal(loosen('\\b([0-9a-f]{40}|[A-Z0-9]{20})\\b', true).pattern, null);
  assert.equal(loosen('\\b(vc[pk]_[A-Za-z0-9]{24}|[A-Za-z0-9]{24})\\b').pattern, '(vc[pk]_[A-Za-z0-9]{24}|[A-Za-z0-9]{24})', 'kept without literalsOnly');
  const l = loosen('\\b(ab[0-9]{2})\\b');
  assert.equal(l.leadOk('xab12', 1), false);
  assert.equal(l.leadOk('-ab12', 1), true);
  assert.equal(l.trailOk('ab12x', 4), false);
  assert.equal(l.trailOk('ab12', 4), true);
  assert.ok(hasLiteral('A{20,24}[A-Z]{60}') && hasLiteral('\\.atlasv1\\.') && !hasLiteral('[A-Za-z0-9]{40}') && !hasLiteral('\\\\?"(d|k)'));
});

test('a host label is also read in the other letter case: a lower-cased AWS key id is one', () => {
  const folded = createCaseFoldedDetector();
  assert.deepEqual(
    folded('akiaz7qw4ert5yui6opa').map((h) => [h.rule.id, h.start, h.end]),
    [['dlp/aws-access-key-id', 0, 20]],
  );
  assert.deepEqual(folded('www'), []);
  assert.deepEqual(folded('d1a2b3c4d5e6f7'), []);
  // Words in upper case are an AWS key id's shape (a prefix and 16 letters): a key found only without
  // case must hold a digit after its prefix, as base32 key ids nearly always do.
  for (const words of ['asiapacificcustomers', 'accacommunityportals', 'abiaconferencecenter']) assert.deepEqual(folded(words), [], words);
  // A mixed-case format does not survive lower-casing (its checksum fails): nothing to find.
  assert.deepEqual(folded('ghp_oeolj34nax9cunycbmfak5dpshm8lm2ffdgj'), []);
});

test('every format judged on joined pieces that starts with a literal prefix is one core/names.ts redacts a name by', () => {
  const missing: string[] = [];
  for (const rule of ALL_RULES) {
    if (!judgesJoinedPieces(rule)) continue;
    const t = tokenOf(rule.id);
    if (!t) continue;
    const value = t.token.slice(t.valueAt, t.valueAt + t.valueLength).toLowerCase();
    const prefixed = rule.keywords.some((k) => value.startsWith(k));
    if (prefixed && credentialPrefixOf(value) === '') missing.push(rule.id);
  }
  assert.deepEqual(missing, []);
});

test('the DLP scanner finds an AWS key id lower-cased in a host label, at that label, and reads word labels as no key', () => {
  const scanner = createDlpScanner();
  const f = scanner.scan(viewOfUrl('https://akiaz7qw4ert5yui6opa.attacker.example/'), TEST_CTX);
  assert.deepEqual(f.map((x) => [x.rule, x.location]), [['dlp/aws-access-key-id', 'url.host[0]']]);
  assert.ok(!JSON.stringify(f).includes('z7qw4ert5yui'), 'the key is not shown');
  assert.deepEqual(scanner.scan(viewOfUrl('https://asiapacificcustomers.example.com/'), TEST_CTX), []);
});
