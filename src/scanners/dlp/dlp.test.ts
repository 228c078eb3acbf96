import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Finding } from '../../core/index.ts';
import type { Encoding, Prepared } from '../../normalize/types.ts';
import { TEST_CTX, viewOfSegments, viewOfText } from '../testing.ts';
import type { Segment, SegmentPart } from '../types.ts';
import { ALNUM, badCrc, card, crcToken, FIXED, iban, jwt, opensshKey, rand, SAMPLES, wif, xprv } from './dlp.fixtures.ts';
import { base62, crc32 } from './checks.ts';
import { countGroups, DlpEngine, lastKey } from './engine.ts';
import { ALL_RULES } from './rules/index.ts';
import { createDlpScanner, DEFAULT_DLP_OPTIONS, DLP_RULES } from './index.ts';

const scanner = createDlpScanner();

function scan(text: string, part: SegmentPart = 'text'): readonly Finding[] {
  return scanner.scan(viewOfText(text, part), TEST_CTX);
}

function rules(text: string): string[] {
  return scan(text).map((f) => f.rule);
}

/** A Prepared built by hand, so location tests do not depend on the normalizer's decoding. */
function prepared(text: string, layers: { chain: Encoding[]; text: string }[] = []): Prepared {
  return {
    raw: text,
    clean: text,
    folded: text.toLowerCase(),
    leet: text.toLowerCase(),
    layers: layers.map((l) => ({ chain: l.chain, text: l.text, clean: l.text, folded: l.text.toLowerCase() })),
    signals: { zeroWidth: 0, bidi: 0, tags: 0, variationSelectors: 0, confusables: 0, combining: 0 },
    decodeTruncated: false,
  };
}

function segment(location: string, part: SegmentPart, text: string, layers: { chain: Encoding[]; text: string }[] = []): Segment {
  return { location, part, flow: 'egress', prepared: prepared(text, layers) };
}

function scanSegments(...segments: Segment[]): readonly Finding[] {
  return scanner.scan(viewOfSegments({ kind: 'text', text: '' }, segments), TEST_CTX);
}

describe('dlp rule table', () => {
  it('has at least 52 rules with unique dlp/ ids and complete metadata', () => {
    assert.ok(DLP_RULES.length >= 52, `only ${DLP_RULES.length} rules`);
    const ids = new Set(DLP_RULES.map((r) => r.id));
    assert.equal(ids.size, DLP_RULES.length);
    for (const r of DLP_RULES) {
      assert.match(r.id, /^dlp\/[a-z0-9]+(?:-[a-z0-9]+)*$/u);
      assert.ok(r.name.length > 3);
      assert.ok(r.category === 'secret' || r.category === 'pii');
      assert.match(r.mitre, /^T\d{4}(?:\.\d{3})?$/u);
    }
  });

  it('has a positive and a negative fixture for every rule', () => {
    const missing = DLP_RULES.map((r) => r.id).filter((id) => !SAMPLES[id]);
    assert.deepEqual(missing, []);
  });
});

describe('dlp detectors: positive and hard-negative sample per rule', () => {
  for (const rule of DLP_RULES) {
    const sample = SAMPLES[rule.id];
    if (!sample) continue;
    it(`flags ${rule.name} (${rule.id})`, () => {
      const found = rules(sample.positive);
      assert.ok(found.includes(rule.id), `${rule.id} not found in positive; got [${found.join(', ')}]`);
    });
    it(`does not flag its near miss as ${rule.id}`, () => {
      const found = rules(sample.negative);
      assert.ok(!found.includes(rule.id), `${rule.id} fired on negative: ${JSON.stringify(sample.negative)}`);
    });
  }
});

describe('dlp evidence and messages', () => {
  it('never puts a long run of the secret in evidence', () => {
    for (const rule of DLP_RULES) {
      const sample = SAMPLES[rule.id];
      if (!sample) continue;
      for (const f of scan(sample.positive)) {
        assert.ok(!/[A-Za-z0-9+/_]{10,}/u.test(f.evidence), `${f.rule} evidence too revealing: ${f.evidence}`);
        assert.ok(f.message.includes(f.location), 'the message names the location');
        assert.equal(f.scanner, 'dlp');
      }
    }
  });

  it('reports a PEM key as the whole block with its header in evidence', () => {
    const text = `before\n${SAMPLES['dlp/private-key']?.positive ?? ''}\nafter`;
    const f = scan(text).find((x) => x.rule === 'dlp/private-key');
    assert.ok(f);
    assert.match(f.evidence, /^-----BEGIN RSA PRIVATE KEY----- block \[\d+ chars\]$/u);
  });
});

describe('dlp structure checks', () => {
  it('does not read a 30-character run of a base64 image after a chance "LtAI" as an Alibaba secret', () => {
    const engine = new DlpEngine(ALL_RULES);
    const image = 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ+5n0jF9nG41LtAIB+IawZh30f384CnV3iJp2mMMogFY1VpFyLIuhX8Kb+FfV4Ic3TCnOTz5Ygq+tahPXkRzcwoAN4dDdqkhtKIP1mT56S/OMiSHcHuWtXPuuSjiJ9ijO5WZX7PNAMyuvHAJvrp2b7qpyp+ZLioFPqs04vuVhcZo0J2t6KtFONfGX97eegCyo2cj+Dxk9MfjPrFvjwOA/AAA//2Q==';
    assert.deepEqual(engine.scanText(image).map((h) => h.rule.id), []);
    // A real AccessKey ID before the secret still counts.
    const pair = `ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tQ9xZ2mK7pR4wN8vB3c\nsecret: ${'Zq8Rt3Wm9Kp2Xv7Ln4Bc6Jh1Fd5Gs0'}`;
    assert.ok(engine.scanText(pair).some((h) => h.rule.id === 'dlp/alibaba-access-key-secret'), pair);
  });

  it('flags a GitHub classic token only when its CRC32 checksum is valid', () => {
    const good = crcToken('ghp_');
    assert.deepEqual(rules(`x ${good} y`), ['dlp/github-pat']);
    assert.deepEqual(rules(`x ${badCrc(good)} y`), []);
  });

  it('reads GitHub tokens longer than today\'s 36 characters, still by their checksum', () => {
    // GitHub documents that its token lengths may grow (to 255 characters in all); the last 6 stay the CRC32 of the ones before.
    for (const n of [31, 60, 245]) {
      const body = Array.from({ length: n }, (_, i) => 'aZ09xQ'[i % 6]).join('');
      const token = `ghp_${body}${base62(crc32(body), 6)}`;
      assert.deepEqual(rules(`x ${token} y`), ['dlp/github-pat'], token);
      assert.deepEqual(rules(`x ${badCrc(token)} y`), [], badCrc(token));
      const oauth = `gho_${body}${base62(crc32(body), 6)}`;
      assert.deepEqual(rules(`x ${oauth} y`), ['dlp/github-oauth-token'], oauth);
    }
    // past 255 characters in all it is not a GitHub token (nor half of one)
    const long = 'aZ09xQ'.repeat(50);
    assert.deepEqual(rules(`x ghp_${long}${base62(crc32(long), 6)} y`), []);
  });

  it('does not let a failed checksum hide a machine secret assigned to a credential-named key', () => {
    // A token-shaped value with a wrong checksum is not a GitHub token, and alone it is not reported;
    // assigned to a credential name it is still a secret (else `ghp_` + any 36 characters would hide one).
    assert.deepEqual(rules(badCrc(crcToken('ghp_'))), []);
    assert.deepEqual(rules(`GITHUB_TOKEN=${badCrc(crcToken('ghp_'))}`), ['dlp/api-key-assignment']);
    assert.deepEqual(rules(`GITHUB_TOKEN=${crcToken('ghp_')}`), ['dlp/github-pat']);
    // nor a bearer credential: the header says what it is
    assert.deepEqual(rules(`Authorization: Bearer ${badCrc(crcToken('ghp_'))}`), ['dlp/bearer-token']);
    assert.deepEqual(rules(`Authorization: Bearer ghp_${'Zq8Rt3Wm9Kp2Xv7Ln4Bc6Jh1Fd5Gs0'.repeat(2)}`), ['dlp/bearer-token']);
  });

  it('validates npm tokens with the same checksum', () => {
    const t = crcToken('npm_');
    assert.ok(rules(t).includes('dlp/npm-token'));
    assert.ok(!rules(badCrc(t)).includes('dlp/npm-token'));
  });

  it('accepts compressed and uncompressed, main and test-net WIF keys and rejects a broken checksum', () => {
    for (const k of [wif(true), wif(false), wif(true, 0xef), wif(false, 0xef)]) assert.ok(rules(k).includes('dlp/bitcoin-wif-private-key'), k);
    const k = wif(true);
    const broken = k.slice(0, 10) + (k[10] === 'z' ? 'y' : 'z') + k.slice(11);
    assert.ok(!rules(broken).includes('dlp/bitcoin-wif-private-key'));
  });

  it('finds WIF keys at both ends of the key range (the length and first-character test before decoding keeps them)', () => {
    for (const first of [0x00, 0x01, 0x7f, 0xfe, 0xff]) {
      for (const [compressed, version] of [[true, 0x80], [false, 0x80], [true, 0xef], [false, 0xef]] as const) {
        const k = wif(compressed, version, first);
        assert.ok(rules(k).includes('dlp/bitcoin-wif-private-key'), `${k} (first byte ${first}, compressed ${compressed}, version ${version})`);
      }
    }
  });

  it('accepts tprv/zprv extended keys and rejects an xpub-style version', () => {
    assert.ok(rules(xprv(0x04358394)).includes('dlp/bip32-extended-private-key'));
    assert.ok(rules(xprv(0x04b2430c)).includes('dlp/bip32-extended-private-key'));
    assert.ok(!rules(xprv(0x0488b21e)).includes('dlp/bip32-extended-private-key'));
  });

  it('requires key context for a 64-hex Ethereum key', () => {
    const hex = `3${'a1b2c3d4e5f60718'.repeat(4).slice(1)}`;
    assert.ok(rules(`eth private key: ${hex}`).includes('dlp/ethereum-private-key'));
    assert.ok(rules(`signing key 0x${hex}`).includes('dlp/ethereum-private-key'));
    assert.ok(!rules(`file hash ${hex}`).includes('dlp/ethereum-private-key'));
    assert.ok(!rules(`tx 0x${hex}`).includes('dlp/ethereum-private-key'));
  });

  it('distinguishes an unencrypted OpenSSH key from one protected by a cipher', () => {
    assert.deepEqual(rules(opensshKey('none')), ['dlp/private-key']);
    assert.deepEqual(rules(opensshKey('aes256-ctr')), ['dlp/encrypted-private-key']);
  });

  it('finds a PEM key written as a string literal with \\n escapes and quotes', () => {
    const body = ['MIIEowIBAAKCAQEA', 'q8xLm3Jv0ZbT6hWc', 'Nf2KpR9sYdGt1uVe', 'Aw5XoC7iHjB4nQyL'].join('');
    const code = `const k = "-----BEGIN RSA PRIVATE KEY-----\\n" +\n  "${body}${body}\\n" +\n  "${body}\\n" +\n  "-----END RSA PRIVATE KEY-----";`;
    assert.ok(rules(code).includes('dlp/private-key'));
  });

  it('flags a truncated PEM key whose END line is missing', () => {
    const pem = SAMPLES['dlp/private-key']?.positive ?? '';
    const cut = pem.slice(0, pem.indexOf('-----END'));
    assert.ok(rules(cut).includes('dlp/private-key'));
  });

  it('rejects a JWT whose header has no alg or alg none', () => {
    assert.ok(rules(jwt('RS256')).includes('dlp/jwt'));
    assert.ok(!rules(jwt('none')).includes('dlp/jwt'));
  });

  it('checks cards with Luhn, brand lengths and consistent grouping', () => {
    const visa = card('4', 16);
    const amex = card('37', 15);
    assert.ok(rules(`pay with ${visa}`).includes('dlp/credit-card'));
    assert.ok(rules(`amex ${amex.slice(0, 4)} ${amex.slice(4, 10)} ${amex.slice(10)}`).includes('dlp/credit-card'));
    assert.ok(!rules(`${visa.slice(0, 4)}-${visa.slice(4, 8)} ${visa.slice(8, 12)}-${visa.slice(12)}`).includes('dlp/credit-card'));
    assert.ok(!rules('0000 0000 0000 0000').includes('dlp/credit-card'));
    assert.ok(!rules(`id 12-${visa}-99`).includes('dlp/credit-card'));
  });

  it('flags a card number hung on a name or path, though ids look the same (documented decision)', () => {
    // "fuzzer-5390…" in a changelog is an id; "ref-<card>" in a request is the same text from an agent
    // told how to slip a card past a filter. Egress is what DLP is for, so both count.
    const visa = card('4', 16);
    assert.ok(rules(`ref-${visa}`).includes('dlp/credit-card'));
    assert.ok(rules(`see https://fuzz.example/testcase-detail/${visa}`).includes('dlp/credit-card'));
  });

  it('flags well-known test card numbers (documented decision)', () => {
    assert.ok(rules('card 4111 1111 1111 1111 exp 12/30').includes('dlp/credit-card'));
  });

  it('does not flag the AWS documentation example key id (documented decision)', () => {
    assert.deepEqual(rules('AKIAIOSFODNN7EXAMPLE'), []);
  });

  it('validates IBANs by country length and mod-97, with or without spaces', () => {
    const gb = iban('GB', 18).replace(/^GB(\d\d)\d{4}/u, 'GB$1NWBK');
    const de = iban('DE', 18);
    const spaced = de.replace(/(.{4})/gu, '$1 ').trim();
    assert.ok(rules(`IBAN ${spaced}`).includes('dlp/iban'));
    assert.ok(rules(`account ${de}.`).includes('dlp/iban'));
    assert.ok(!rules(`${gb}`).includes('dlp/iban') || gb.length === 22);
    assert.ok(!rules(`DE${de.slice(2, 4)}${de.slice(4, -1)}`).includes('dlp/iban'), 'wrong length');
  });

  it('applies SSN area, group and serial rules and needs context for 9 bare digits', () => {
    assert.ok(rules('SSN: 536-22-4871').includes('dlp/us-ssn'));
    for (const bad of ['000-22-4871', '666-22-4871', '912-22-4871', '536-00-4871', '536-22-0000', '536-22 4871', '078-05-1120'])
      assert.ok(!rules(`SSN: ${bad}`).some((r) => r.startsWith('dlp/us-ssn')), bad);
    assert.ok(rules('social security number 536224871').includes('dlp/us-ssn-unformatted'));
    assert.ok(!rules('invoice 536224871').includes('dlp/us-ssn-unformatted'));
  });

  it('gives a Gemini-context Google key to the Gemini rule only', () => {
    const key = FIXED.google;
    assert.deepEqual(rules(`GEMINI_API_KEY=${key}`), ['dlp/google-gemini-api-key']);
    assert.deepEqual(rules(`MAPS_KEY=${key}`), ['dlp/google-api-key']);
  });

  it('skips connection-string placeholders and default user-as-password', () => {
    for (const pw of ['password', '<password>', '${DB_PASS}', '****', 'postgres'])
      assert.deepEqual(rules(`postgres://postgres:${pw}@db:5432/x`), [], pw);
    assert.deepEqual(rules('mongodb+srv://svc:Vq7dL2xPz9@cluster0.mongodb.net/app'), ['dlp/connection-string-password']);
    assert.deepEqual(rules('redis://:Vq7dL2xPz9@cache:6379/0').length, 0, 'no user part: not matched by userinfo rule');
  });

  it('does not treat host:port@host as URL credentials', () => {
    assert.deepEqual(rules('http://localhost:8080@evil.test/'), []);
  });

  it('decodes Basic credentials and requires a real password', () => {
    const b = Buffer.from('ci-bot:Zr8!qLm2Wx', 'utf8').toString('base64');
    assert.ok(rules(`Authorization: Basic ${b}`).includes('dlp/basic-auth-credentials'));
    assert.deepEqual(rules('a basic understanding of the system'), []);
  });

  it('lets the generic assignment rule ignore code, references and labels', () => {
    for (const text of [
      'password = getPassword()',
      'password: this.config.password',
      'const passwordLabel = "Enter your password"',
      'csrf_token = "Mj2qykJO5rELyHgezQ69nzUX0i3OH67V7"',
      'max_tokens: 4096',
      'public_key = "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"',
      'password: string',
      'PASSWORD=${DB_PASSWORD}',
      'api_key: "%s"',
      'password_hint = "first pet 42!"',
      'sort_key = "9f8e7d6c5b4a39281706"',
    ])
      assert.deepEqual(rules(text), [], text);
    assert.deepEqual(rules('"smtp_password": "Xk3!vR9mQ2"'), ['dlp/generic-secret-assignment']);
    assert.deepEqual(rules('<password>Xk3!vR9mQ2</password>'), ['dlp/generic-secret-assignment']);
    assert.deepEqual(rules('<add key="DbPassword" value="Xk3!vR9mQ2" />'), ['dlp/generic-secret-assignment']);
    assert.deepEqual(rules('export SERVICE_API_KEY=f3a9c1e07b5d4a2c9e8f'), ['dlp/generic-secret-assignment']);
  });

  it('rates a machine-made value under a token-named key high, and a password-like value medium', () => {
    const token = 'q7RzT2mVx9LkP4wNc8HbJ3sYd6FgA1uE';
    for (const text of [`api_key = "${token}"`, `"accessToken": "${token}"`, `CLIENT_SECRET=${token}`, 'deploy_token: 9f2c4e6a8b0d1f3e5a7c9b2d4f6e8a0c1b3d5f7e']) {
      const f = scan(text);
      assert.deepEqual(f.map((x) => [x.rule, x.severity]), [['dlp/api-key-assignment', 'high']], text);
    }
    // a person's password, a short key and a key name that is not a credential keep their old verdicts
    assert.deepEqual(scan(`db_password = "${token}"`).map((x) => [x.rule, x.severity]), [['dlp/generic-secret-assignment', 'medium']]);
    assert.deepEqual(rules('api_key = "Blue-Harbor-2024-x"'), ['dlp/generic-secret-assignment']);
    assert.deepEqual(rules(`sort_key = "${token}"`), []);
  });

  it('reports a machine-made value in a JSON leaf named like a token as api-key-assignment', () => {
    const f = scanSegments(segment('body.$.config.api_key', 'body-leaf', 'q7RzT2mVx9LkP4wNc8HbJ3sYd6FgA1uE'));
    assert.deepEqual(f.map((x) => [x.rule, x.location]), [['dlp/api-key-assignment', 'body.$.config.api_key']]);
  });

  it('finds URL credentials whose user name is an unencoded e-mail address', () => {
    assert.deepEqual(rules('login = "smtps://ops@corpmail.io:Vq8rT2xZ@smtp.corpmail.io:465"'), ['dlp/url-credentials']);
  });
});

describe('dlp locations and layers', () => {
  it('reports a secret in a JSON leaf at the leaf location', () => {
    const f = scanSegments(segment('body.$.config.token', 'body-leaf', FIXED.ghp));
    assert.deepEqual(
      f.map((x) => [x.rule, x.location]),
      [['dlp/github-pat', 'body.$.config.token']],
    );
  });

  it('reports a secret found in a decoded base64 layer with |base64 appended', () => {
    const encoded = Buffer.from(`token=${FIXED.ghp}`).toString('base64');
    const f = scanSegments(segment('body.$.data', 'body-leaf', encoded, [{ chain: ['base64'], text: `token=${FIXED.ghp}` }]));
    assert.deepEqual(
      f.map((x) => [x.rule, x.location]),
      [['dlp/github-pat', 'body.$.data|base64']],
    );
  });

  it('joins a multi-step decoding chain in the location', () => {
    const f = scanSegments(segment('url.query.q', 'url-query-value', 'opaque', [{ chain: ['url', 'base64'], text: FIXED.jwt }]));
    assert.deepEqual(
      f.map((x) => x.location),
      ['url.query.q|url|base64'],
    );
  });

  it('judges a structured leaf by its key: a password field, an API-key header, an Authorization header', () => {
    const f = scanSegments(
      segment('body.$.db.password', 'body-leaf', 'Xk3!vR9mQ2'),
      segment('header.x-api-key', 'header', 'f3a9c1e07b5d4a2c9e8f71'),
      segment('header.authorization', 'header', 'Token 9f8e7d6c5b4a39281706aa'),
      segment('body.$.db.username', 'body-leaf', 'Xk3!vR9mQ2'),
    );
    assert.deepEqual(
      f.map((x) => [x.rule, x.location]),
      [
        ['dlp/generic-secret-assignment', 'body.$.db.password'],
        ['dlp/generic-secret-assignment', 'header.x-api-key'],
        ['dlp/bearer-token', 'header.authorization'],
      ],
    );
  });

  it('extracts the last key of a location', () => {
    assert.equal(lastKey('body.$.a.password'), 'password');
    assert.equal(lastKey('body.$.items[3]'), 'items');
    assert.equal(lastKey('body.$["x-api-key"][0]'), 'x-api-key');
    assert.equal(lastKey('header.authorization'), 'authorization');
  });

  it('reports one finding per rule, location and value', () => {
    const f = scan(`${FIXED.ghp} and again ${FIXED.ghp}`);
    assert.equal(f.length, 1);
  });
});

describe('dlp engine', () => {
  it('finds the same hits with keyword windows as with whole-text runs', () => {
    const filler = (n: number): string =>
      Array.from({ length: n }, (_, i) => ['the', 'report', 'key', 'token', 'shows', 'data', 'pass', 'of', 'year'][(i * 7) % 9]).join(' ');
    const parts: string[] = [];
    for (const rule of DLP_RULES) {
      const s = SAMPLES[rule.id];
      if (s) parts.push(filler(40), s.positive, filler(25), s.negative);
    }
    const text = parts.join('\n');
    const key = (h: { rule: { id: string }; start: number; value: string }): string => `${h.rule.id}@${h.start}:${h.value.length}`;
    const windowed = new DlpEngine(ALL_RULES).scanText(text).map(key).sort();
    const whole = new DlpEngine(ALL_RULES, { windows: false }).scanText(text).map(key).sort();
    assert.deepEqual(windowed, whole);
    assert.ok(windowed.length > 50);
  });

  it('counts capture groups the way RE2 numbers them', () => {
    assert.equal(countGroups('(a)(?:b)(?i:c)[(](d\\(e)'), 2);
    assert.equal(countGroups('[^]()](x)'), 1);
  });
});

describe('dlp options', () => {
  it('exports defaults the config layer can mirror', () => {
    assert.deepEqual(DEFAULT_DLP_OPTIONS, { disabled: [], maxFindings: 100 });
  });

  it('skips disabled rules and rules below minSeverity', () => {
    const text = `${FIXED.ghp} Authorization: Bearer ${'Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7'}`;
    assert.deepEqual(
      createDlpScanner({ disabled: ['dlp/github-pat'] })
        .scan(viewOfText(text), TEST_CTX)
        .map((f) => f.rule),
      ['dlp/bearer-token'],
    );
    assert.deepEqual(
      createDlpScanner({ minSeverity: 'high' })
        .scan(viewOfText(text), TEST_CTX)
        .map((f) => f.rule),
      ['dlp/github-pat'],
    );
  });

  it('caps the number of findings and then reports the scan as incomplete', () => {
    const many = Array.from({ length: 30 }, () => crcToken('ghp_')).join('\n');
    const f = createDlpScanner({ maxFindings: 5 }).scan(viewOfText(many), TEST_CTX);
    assert.deepEqual(
      f.map((x) => x.rule),
      [...Array.from({ length: 5 }, () => 'dlp/github-pat'), 'dlp/scan-incomplete'],
    );
    const last = f[5];
    assert.equal(last?.severity, 'high');
    assert.equal(last?.category, 'limits');
    assert.equal(last?.evidence, '');
  });
});

describe('dlp robustness', () => {
  it('never throws and stays bounded on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        const f = scan(`password=${s} -----BEGIN PRIVATE KEY-----${s} eyJ${s} AKIA${s} 4111 ${s}`);
        return f.length <= DEFAULT_DLP_OPTIONS.maxFindings + 1;
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('handles an empty view and empty segments', () => {
    assert.deepEqual(scanSegments(), []);
    assert.deepEqual(scanSegments(segment('text', 'text', '')), []);
  });
});

describe('dlp limits fail closed', () => {
  const AWS_REAL = 'AKIAQ3EGRTYPQ2XK7ZVM';
  const incomplete = (f: readonly Finding[]) => f.filter((x) => x.rule === 'dlp/scan-incomplete');

  it('still finds a real key after hundreds of placeholder matches of the same rule', () => {
    const text = `${'AKIAIOSFODNN7EXAMPLE '.repeat(2000)}${AWS_REAL}`;
    assert.deepEqual(rules(text), ['dlp/aws-access-key-id']);
  });

  it('reports dlp/scan-incomplete when the findings cap cuts the scan short, and names where', () => {
    const segs = Array.from({ length: 120 }, (_, i) => segment(`body.$[${i}]`, 'body-leaf', `sk_test_${rand(ALNUM, 24)}`));
    segs.push(segment('body.$.last', 'body-leaf', AWS_REAL));
    const f = scanSegments(...segs);
    assert.equal(f.length, DEFAULT_DLP_OPTIONS.maxFindings + 1);
    const cut = incomplete(f);
    assert.equal(cut.length, 1);
    assert.deepEqual(
      { severity: cut[0]?.severity, category: cut[0]?.category, mitre: cut[0]?.mitre, evidence: cut[0]?.evidence, location: cut[0]?.location },
      { severity: 'high', category: 'limits', mitre: 'T1027', evidence: '', location: 'body.$[100]' },
    );
    assert.match(cut[0]?.message ?? '', /stopped after 100 findings/);
  });

  it('does not report scan-incomplete for exactly maxFindings findings or for repeats of one value', () => {
    const exact = Array.from({ length: 5 }, () => crcToken('ghp_')).join('\n');
    assert.equal(incomplete(createDlpScanner({ maxFindings: 5 }).scan(viewOfText(exact), TEST_CTX)).length, 0);
    const same = `${FIXED.ghp}\n`.repeat(500);
    assert.deepEqual(rules(same), ['dlp/github-pat']);
  });

  it('reports scan-incomplete when a generic rule stops at its match limit with every hit yielded', () => {
    // Each assignment's value is the same Stripe test key (one finding): every generic hit yields to the
    // specific one, and the generic rule's budget is spent before the real password at the end.
    const key = `sk_test_${rand(ALNUM, 24)}`;
    const lines = Array.from({ length: 210 }, () => `password = "${key}"`);
    lines.push('password = "Xk3!vR9mQ2"');
    const f = scan(lines.join('\n'));
    assert.deepEqual(
      f.map((x) => x.rule),
      ['dlp/stripe-test-key', 'dlp/scan-incomplete'],
    );
    assert.match(f[1]?.message ?? '', /dlp\/generic-secret-assignment stopped after 200 matches/);
  });

  it('finds a password that merely contains a common word', () => {
    assert.deepEqual(rules('curl https://bob:MyPassword2024@example.com/'), ['dlp/url-credentials']);
    assert.deepEqual(rules('db_password = "TokenRing#2024"'), ['dlp/generic-secret-assignment']);
    assert.deepEqual(rules('"smtp_password": "testSecret-Zq8v!"'), ['dlp/generic-secret-assignment']);
    assert.deepEqual(rules(`curl --user 'api:Qm7!tR2wZx9k' https://api.mailgun.example/`), ['dlp/curl-user-credential']);
  });

  it('still skips values made only of placeholder words', () => {
    for (const pw of ['your_password_here', 'YourPasswordHere', 'my-secret-password', 'test_token_123', 'changeme', 'password123', '<your-password>'])
      assert.deepEqual(rules(`db_password = "${pw}"`), [], pw);
    for (const pw of ['password', 'secret', 'yourpassword', 'xxxx-xxxx'])
      assert.deepEqual(rules(`https://bob:${pw}@git.example.net/`), [], pw);
  });

  it('produces no scan-incomplete on an ordinary text with a few secrets', () => {
    const text = `deploy notes\nGITHUB_TOKEN=${FIXED.ghp}\nsee ${'lorem ipsum '.repeat(2000)}\naws ${AWS_REAL}\n`;
    const f = scan(text);
    assert.deepEqual(incomplete(f), []);
    assert.deepEqual(f.map((x) => x.rule).sort(), ['dlp/aws-access-key-id', 'dlp/github-pat']);
  });
});
