// Detectors added or widened for the CredSweeper provider-token misses: a synthetic positive and a
// near miss for each change. Every value is generated or made up here; none is copied from a corpus.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../config/index.ts';
import { createRuntime } from '../../main.ts';
import { TEST_CTX, viewOfText } from '../testing.ts';
import { ALNUM, derRsaKeyLines, rand } from './dlp.fixtures.ts';
import { createDlpScanner } from './index.ts';
import { derPrivateKeyOk } from './rules/keys.ts';

const scanner = createDlpScanner();
const findings = (text: string) => scanner.scan(viewOfText(text), TEST_CTX);
const has = (text: string, id: string): boolean => findings(text).some((f) => f.rule === id);

const HEX = '0123456789abcdef';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
function mixed(n: number): string {
  for (;;) {
    const s = rand(ALNUM, n);
    if (/[A-Z]/u.test(s) && /[a-z]/u.test(s) && /[0-9]/u.test(s)) return s;
  }
}
const b64url = (n: number): string => rand(`${ALNUM}-_`, n);

describe('dlp JSON Web Keys', () => {
  it('flags the d member of a pretty-printed JWK across lines, and the k member of a symmetric (oct) key', () => {
    assert.ok(has(`{\n  "kty": "EC",\n  "crv": "P-256",\n  "d": "${b64url(43)}"\n}`, 'dlp/jwk-private-key'));
    assert.ok(has(`{\n  "kty": "oct",\n  "alg": "HS256",\n  "k": "${b64url(43)}"\n}`, 'dlp/jwk-private-key'));
  });

  it('does not take a k member for a key unless the JWK is symmetric, nor a d member without kty', () => {
    assert.ok(!has(`{"kty": "RSA", "n": "${b64url(86)}", "e": "AQAB", "k": "${b64url(43)}"}`, 'dlp/jwk-private-key'));
    assert.ok(!has(`{"x": 1, "d": "${b64url(43)}"}`, 'dlp/jwk-private-key'));
  });
});

describe('dlp base64 DER private keys without PEM armour', () => {
  it('flags a PKCS#1 key split over indented lines and parses its structure', () => {
    const lines = derRsaKeyLines();
    assert.ok(has(`<data>\n    ${lines.join('\n    ')}\n</data>`, 'dlp/der-private-key'));
    assert.ok(has(`key = "${lines.join('\\n')}"`, 'dlp/der-private-key'), 'literal \\n escapes between lines');
    assert.ok(derPrivateKeyOk(lines.join('')));
  });

  it('flags an RSA key with its tail cut off (the private exponent is still there)', () => {
    const whole = derRsaKeyLines().join('');
    assert.ok(has(`<data>${whole.slice(0, -8)}</data>`, 'dlp/der-private-key'), 'last 8 characters cut');
    assert.ok(has(`<data>${whole.slice(0, Math.ceil(whole.length * 0.65))}</data>`, 'dlp/der-private-key'), 'two thirds of it');
    assert.ok(!has(`<data>${whole.slice(0, Math.floor(whole.length * 0.4))}</data>`, 'dlp/der-private-key'), 'not under 60% of it');
  });

  it('rejects a PFX-style version, a lone first line, and the same key inside a PEM block (reported once, as PEM)', () => {
    assert.ok(!has(`<data>\n${derRsaKeyLines(3).join('\n')}\n</data>`, 'dlp/der-private-key'));
    const lines = derRsaKeyLines();
    assert.ok(!has(`<data>${lines[0]}</data>`, 'dlp/der-private-key'), 'the first line alone does not cover the declared length');
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${lines.join('\n')}\n-----END RSA PRIVATE KEY-----`;
    assert.deepEqual(
      findings(pem).map((f) => f.rule),
      ['dlp/private-key'],
    );
  });
});

describe('dlp provider formats widened for recall', () => {
  it('reports a Stripe test-mode secret key at high severity (blocked by the balanced preset)', () => {
    const f = findings(`sk_test_${mixed(24)}`).find((x) => x.rule === 'dlp/stripe-test-key');
    assert.equal(f?.severity, 'high');
    assert.ok(!has(`pk_test_${mixed(24)}`, 'dlp/stripe-test-key'), 'the publishable key is public');
  });

  it('flags a Facebook app token (id|secret) with a random secret half, alone; a lower-case word half only next to a Facebook name', () => {
    const id = `1${rand('0123456789', 15)}`;
    assert.ok(has(`${id}|${mixed(27)}`, 'dlp/facebook-app-token'));
    const plain = rand(LOWER, 27);
    assert.ok(!has(`${id}|${plain}`, 'dlp/facebook-app-token'));
    assert.ok(has(`FACEBOOK_APP_TOKEN=${id}|${plain}`, 'dlp/facebook-app-token'));
  });

  it('flags a Mailchimp key with a mixed-case body next to a Mailchimp name, and the hex body anywhere', () => {
    assert.ok(has(`mailchimp = "${mixed(32)}-us14"`, 'dlp/mailchimp-api-key'));
    assert.ok(has(`${rand(HEX, 32)}-us6`, 'dlp/mailchimp-api-key'));
    assert.ok(!has(`build = "${mixed(32)}-us14"`, 'dlp/mailchimp-api-key'));
  });

  it('flags a Mailgun private key (32-8-8 hex) without a Mailgun name, not a UUID', () => {
    assert.ok(has(`${rand(HEX, 30)}e4-${rand(HEX, 8)}-${rand(HEX, 8)}`, 'dlp/mailgun-private-key'));
    assert.ok(!has(`${rand(HEX, 8)}-${rand(HEX, 4)}-${rand(HEX, 4)}-${rand(HEX, 4)}-${rand(HEX, 12)}`, 'dlp/mailgun-private-key'));
  });

  it('flags New Relic insert keys of other lengths when the body is random, not words', () => {
    assert.ok(has(`NRII-${b64url(20)}-Q7${b64url(4)}`, 'dlp/new-relic-key'));
    assert.ok(!has('NRII-insert-key-goes-here-for-docs', 'dlp/new-relic-key'));
  });

  it('flags a Notion ntn_ token whose body does not open with 11 digits, not a lower-case word run', () => {
    assert.ok(has(`ntn_${rand('0123456789', 9)}${mixed(37)}`, 'dlp/notion-token'));
    assert.ok(!has(`ntn_${rand(LOWER, 46)}`, 'dlp/notion-token'));
  });

  it('flags a short-bodied Bedrock key after the bedrock-api-key- prefix, not prose after it', () => {
    assert.ok(has(`bedrock-api-key-${mixed(32)}`, 'dlp/aws-bedrock-api-key'));
    assert.ok(!has('bedrock-api-key-abcdefghijklmnopqrstuvwxyzabcdef', 'dlp/aws-bedrock-api-key'));
    const truncated = Buffer.from(`bedrock.amazonaws.com/?Action=${mixed(4)}`).toString('base64').slice(0, 40);
    assert.ok(!has(`bedrock-api-key-${truncated}`, 'dlp/aws-bedrock-api-key'), 'the start of a presigned request, cut short');
  });

  it('flags a legacy 24-character Google OAuth client secret only after its client id', () => {
    const clientId = `${rand('0123456789', 12)}-${rand(`${LOWER}0123456789`, 32)}.apps.googleusercontent.com`;
    const secret = mixed(24);
    assert.ok(has(`client_id: ${clientId}\n\nclient_secret: ${secret}`, 'dlp/google-oauth-client-secret'));
    assert.ok(!has(`build id: ${secret}`, 'dlp/google-oauth-client-secret'));
    assert.ok(!has(clientId, 'dlp/google-oauth-client-secret'), 'the client id alone is public');
  });

  it('flags an sk-<32 hex> key with no provider name, even wrapped in ANSI colour codes, but not inside a longer word', () => {
    const hex = `${rand(HEX, 30)}c5`;
    assert.ok(has(`sk-${hex}`, 'dlp/sk-hex-api-key'));
    assert.ok(!has(`scan-disk-${hex}`, 'dlp/sk-hex-api-key'));
    assert.deepEqual(
      findings(`DEEPSEEK_API_KEY=sk-${hex}`).map((f) => f.rule),
      ['dlp/deepseek-api-key'],
      'the named provider wins',
    );
    const { engine } = createRuntime(parseConfig('preset: balanced\n'), {});
    const v = engine.scan({ kind: 'text', text: `>>>\u001b[93msk-${hex}\u001b[0m<<<`, flow: 'egress' }, { now: 0 });
    assert.equal(v.action, 'block');
    assert.ok(v.findings.some((f) => f.rule === 'dlp/sk-hex-api-key'));
  });

  it('lets an sk-<32 hex> key go to its own provider in the Authorization header and blocks it elsewhere', () => {
    const { engine } = createRuntime(parseConfig('preset: balanced\n'), {});
    const headers = { authorization: `Bearer sk-${rand(HEX, 30)}d2` };
    const own = engine.scan({ kind: 'request', method: 'POST', url: 'https://api.deepseek.com/chat/completions', headers }, { now: 0 });
    const other = engine.scan({ kind: 'request', method: 'POST', url: 'https://paste.example/new', headers }, { now: 0 });
    assert.equal(own.action, 'allow');
    assert.equal(other.action, 'block');
    assert.ok(other.findings.some((f) => f.rule === 'dlp/sk-hex-api-key'));
  });

  it('flags a URL password whose login is an e-mail address with an illustrative name when the password is random', () => {
    const pw = mixed(10);
    assert.ok(has(`smtps://example@mailhost.net:${pw}@smtp.mailhost.net:465`, 'dlp/url-credentials'));
    assert.ok(!has('smtps://your_email@mailhost.net:hunter2pass@smtp.mailhost.net:465', 'dlp/url-credentials'));
    assert.ok(!has('smtps://user@example.com:changeme@smtp.example.com:465', 'dlp/url-credentials'));
  });
});
