// Provider formats and HTTP-auth detectors added or widened for provider-token recall: one synthetic
// positive and a near miss for each change. Every value is generated or made up here; none is copied
// from a corpus or vendor document.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TEST_CTX, viewOfText } from '../testing.ts';
import { ALNUM, jwt, ntlmMessage, rand } from './dlp.fixtures.ts';
import { createDlpScanner } from './index.ts';
import { ALL_RULES } from './rules/index.ts';
import { curlUserOk, inHttpClientCommand, negotiateTokenOk } from './rules/http-auth.ts';

const scanner = createDlpScanner();
const rules = (text: string): string[] => scanner.scan(viewOfText(text), TEST_CTX).map((f) => f.rule);
const has = (text: string, id: string): boolean => rules(text).includes(id);

const HEX = '0123456789abcdef';
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
/** Mixed-case alphanumeric with each class present (the generator rerolls runs and sequences). */
function mixed(n: number): string {
  for (;;) {
    const s = rand(ALNUM, n);
    if (/[A-Z]/u.test(s) && /[a-z]/u.test(s) && /[0-9]/u.test(s)) return s;
  }
}

describe('dlp provider formats', () => {
  it('flags the scannable Cloudflare key and token prefixes and skips short or placeholder bodies', () => {
    for (const prefix of ['cfk_', 'cfut_', 'cfat_']) {
      assert.ok(has(`CLOUDFLARE=${prefix}${mixed(48)}`, 'dlp/cloudflare-api-token'), prefix);
      assert.ok(!has(`CLOUDFLARE=${prefix}${mixed(30)}`, 'dlp/cloudflare-api-token'), `${prefix} short`);
    }
    assert.ok(!has(`cfat_${mixed(40)}tokenexample`, 'dlp/cloudflare-api-token'));
  });

  it('flags a stateless GitHub installation token (ghs_<app id>_<JWT>) only when the JWT has a signing alg', () => {
    assert.ok(has(`GH_TOKEN=ghs_918273_${jwt('RS256')}`, 'dlp/github-oauth-token'));
    assert.ok(!has(`GH_TOKEN=ghs_918273_${jwt('none')}`, 'dlp/github-oauth-token'));
  });

  it('flags a legacy 40-hex Sourcegraph token assigned to a Sourcegraph key, not a commit hash', () => {
    const hex = `${rand(HEX, 38)}a7`;
    assert.ok(has(`SOURCEGRAPH_TOKEN=${hex}`, 'dlp/sourcegraph-token'));
    assert.ok(has(`src_access_token: "${hex}"`, 'dlp/sourcegraph-token'));
    assert.ok(!has(`sourcegraph_commit: ${hex}`, 'dlp/sourcegraph-token'));
    assert.ok(!has(`checked out ${hex}`, 'dlp/sourcegraph-token'));
  });

  it('flags PostHog secret, OAuth and personal keys but not the public project key', () => {
    for (const prefix of ['phx_', 'phs_', 'pha_', 'phr_']) assert.ok(has(`POSTHOG=${prefix}${mixed(47)}`, 'dlp/posthog-personal-key'), prefix);
    assert.ok(!has(`POSTHOG=phc_${mixed(47)}`, 'dlp/posthog-personal-key'));
  });

  it('accepts a shorter EAA Facebook token only next to a Facebook name', () => {
    const token = `EAAG${mixed(80)}`;
    assert.ok(has(`FACEBOOK_ACCESS_TOKEN = "${token}"`, 'dlp/facebook-access-token'));
    assert.ok(!has(`value = "${token}"`, 'dlp/facebook-access-token'));
  });

  it('finds an X app-only bearer token right after a colon (a keyword ending in A must not hide it)', () => {
    const token = `${'A'.repeat(22)}${mixed(90)}`;
    assert.ok(has(`bearer_token:${token}`, 'dlp/x-bearer-token'));
    assert.ok(!has(`pad:${'A'.repeat(22)}${'B'.repeat(90)}`, 'dlp/x-bearer-token'));
  });

  it('flags credentials in URLs of any scheme and leaves database URLs to the connection-string rule', () => {
    const pw = mixed(14);
    assert.ok(has(`s3://backup-user:${pw}@objects.internal/bucket`, 'dlp/url-credentials'));
    assert.ok(has(`require('dbconnection://svc:${pw}@db-host-local')`, 'dlp/url-credentials'));
    assert.deepEqual(rules(`postgresql://svc:${pw}@db.internal:5432/app`), ['dlp/connection-string-password']);
    assert.ok(!has('custom://svc:${PASSWORD}@host.internal/', 'dlp/url-credentials'));
  });

  it('accepts the D and H versions of the Azure annotated key signature and screens its random part', () => {
    const tail = (v: string): string => `JQQJ9${v}${rand(ALNUM, 1)}A${rand(ALNUM, 16)}Z${rand(ALNUM, 7)}`;
    assert.ok(has(`key: ${mixed(52)}${tail('D')}`, 'dlp/azure-identifiable-key'));
    assert.ok(has(`key: ${mixed(52)}${tail('H')}`, 'dlp/azure-identifiable-key'));
    assert.ok(!has(`key: ${'o'.repeat(52)}${tail('9')}`, 'dlp/azure-identifiable-key'));
  });

  it('decodes an Atlassian Data Center token in a URL path and rejects one without the id colon', () => {
    const secret = new Uint8Array(20).map((_, i) => (i * 53 + 17) % 256);
    const make = (sep: string): string => b64(new Uint8Array([...new TextEncoder().encode(`418273645091${sep}`), ...secret]));
    assert.ok(has(`https://jira.internal/rest/api/2/myself?token/${make(':')}`, 'dlp/atlassian-dc-pat'));
    assert.ok(!has(`https://jira.internal/rest/api/2/myself?token/${make(';')}`, 'dlp/atlassian-dc-pat'));
    assert.ok(!has(`blob ${make(':')}Qx9v`, 'dlp/atlassian-dc-pat'), 'part of a longer base64 run');
    assert.ok(!has(`blob Zq+${make(':')}`, 'dlp/atlassian-dc-pat'), 'glued after a +');
  });
});

describe('dlp NTLM and Negotiate tokens', () => {
  it('flags NTLM AUTHENTICATE messages and opaque Negotiate tickets, not NEGOTIATE or CHALLENGE messages', () => {
    assert.equal(negotiateTokenOk(b64(ntlmMessage(3))), true);
    assert.equal(negotiateTokenOk(b64(ntlmMessage(1))), false);
    assert.equal(negotiateTokenOk(b64(ntlmMessage(2))), false);
    const ticket = new Uint8Array(200).map((_, i) => (i * 97 + 31) % 256);
    ticket[0] = 0x60;
    assert.equal(negotiateTokenOk(b64(ticket)), true);
    assert.equal(negotiateTokenOk('TlRMTVNTUAADAAAAexampleAAAAAAAAAAAAAAAAAAAAAAAAAA'), false);
  });

  it('rejects an anonymous AUTHENTICATE message that carries no NT response', () => {
    const m = ntlmMessage(3);
    m.set([0, 0, 0, 0], 20);
    assert.equal(negotiateTokenOk(b64(m)), false);
  });

  it('finds the header in text, a bare base64 AUTHENTICATE message, and a structured Authorization field', () => {
    const type3 = b64(ntlmMessage(3));
    assert.ok(has(`Proxy-Authorization: Negotiate ${type3}`, 'dlp/ntlm-negotiate-token'));
    assert.ok(has(`captured: ${type3}`, 'dlp/ntlm-negotiate-token'));
    assert.ok(!has(`WWW-Authenticate: NTLM ${b64(ntlmMessage(2))}`, 'dlp/ntlm-negotiate-token'));
    const rule = ALL_RULES.find((r) => r.id === 'dlp/ntlm-negotiate-token');
    assert.equal(rule?.field?.('authorization', `NTLM ${type3}`), type3);
    assert.equal(rule?.field?.('authorization', `NTLM ${b64(ntlmMessage(1))}`), null);
    assert.equal(rule?.field?.('authorization', `Bearer ${type3}`), null);
  });
});

describe('dlp curl and wget credentials', () => {
  it('accepts literal user:password, :password and token: forms, with shell quoting', () => {
    const pw = `${mixed(12)}!`;
    for (const word of [`deploy:${pw}`, `":${pw}"`, `"${pw}:"`, `kevin:'${pw}'`, `'ops@corp.test:${pw}'`]) assert.equal(curlUserOk(word), true, word);
  });

  it('rejects references, templates, placeholder words, a user alone and user-as-password', () => {
    for (const word of ['"$1:$2"', '"${USER}:${PASS}"', 'username:password', 'test:test', 'deploy', '":"', '<user:password>', '"$(cat u):$(cat p)"', 'neo4j:[PASSWORD]'])
      assert.equal(curlUserOk(word), false, word);
  });

  it('reports --user in a curl command, also across backslash-continued lines, instead of the generic flag rule', () => {
    const pw = `${mixed(12)}#`;
    assert.deepEqual(rules(`curl -s --user 'ci:${pw}' https://api.internal/`), ['dlp/curl-user-credential']);
    assert.ok(has(`/usr/bin/curl -X POST \\\n  -d x=1 \\\n  -u ci:${pw} https://api.internal/`, 'dlp/curl-user-credential'));
    assert.ok(!has(`curl https://api.internal/\nsomecmd -u ci:${pw}`, 'dlp/curl-user-credential'));
  });

  it('knows whether a flag sits in a curl or wget command', () => {
    const text = 'libcurl -H x\ncurl -sS \\\n  -H x\nwget --header=x';
    assert.equal(inHttpClientCommand(text, text.indexOf('-H x')), false);
    assert.equal(inHttpClientCommand(text, text.lastIndexOf('-H x')), true);
    assert.equal(inHttpClientCommand(text, text.indexOf('--header')), true);
  });

  it('reports Authorization and API-key headers in curl and wget, leaving Basic to its own rule', () => {
    const token = mixed(36);
    assert.deepEqual(rules(`curl -H "Authorization: Bearer ${token}" https://api.internal/`), ['dlp/curl-header-credential']);
    assert.ok(has(`curl -H 'Content-Type: application/json' -H "Api-Token: ${token}" https://api.internal/`, 'dlp/curl-header-credential'));
    assert.ok(has(`wget --header="X-Auth-Token: ${token}" https://api.internal/file`, 'dlp/curl-header-credential'));
    assert.ok(!has(`curl -H "Content-Type: ${token}" https://api.internal/`, 'dlp/curl-header-credential'));
    assert.ok(!has('curl -H "Authorization: Bearer $API_TOKEN" https://api.internal/', 'dlp/curl-header-credential'));
    const basic = b64(new TextEncoder().encode(`svc:${mixed(14)}`));
    assert.deepEqual(rules(`curl -H "Authorization: Basic ${basic}" https://api.internal/`), ['dlp/basic-auth-credentials']);
  });

  it('still reports a known token format by its own rule when it is the curl header value', () => {
    assert.ok(has(`curl -H "Authorization: Bearer sha256~${mixed(43)}" https://api.internal/`, 'dlp/openshift-token'));
  });
});
