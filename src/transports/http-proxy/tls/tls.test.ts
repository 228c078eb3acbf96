import assert from 'node:assert/strict';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateCa, initCa, loadCa } from './ca.ts';
import { createLeafCache, leafName, mintLeaf } from './leaf.ts';
import { readPemCertificates } from './index.ts';
import { createTestCa } from './testing.ts';

const DAY = 86_400_000;

describe('interception CA', () => {
  it('is an ECDSA P-256 CA limited to signing leaves (CA:true, pathlen 0, keyCertSign), named and valid for two years', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const g = await generateCa({ now });
    const c = new X509Certificate(g.certPem);
    assert.ok(c.ca);
    assert.match(c.subject, /CN=Tollgate interception CA [0-9a-f]{8}/);
    assert.equal(c.subject, c.issuer);
    assert.equal(c.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.ok(c.verify(c.publicKey), 'self-signed');
    const days = (new Date(c.validTo).getTime() - now.getTime()) / DAY;
    assert.ok(days > 729 && days <= 730, `validity ${days} days`);
    // pathlen 0 and keyCertSign, read from the parsed extensions
    const { ca } = await createTestCa();
    const bc = ca.cert.extensions.find((e) => e.type === '2.5.29.19') as unknown as { ca: boolean; pathLength?: number };
    assert.deepEqual([bc.ca, bc.pathLength], [true, 0]);
    const ku = ca.cert.extensions.find((e) => e.type === '2.5.29.15') as unknown as { usages: number };
    assert.ok((ku.usages & 32) !== 0, 'keyCertSign');
  });

  it('initCa writes the key with mode 0600 and refuses to replace a CA without force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-ca-'));
    const cert = join(dir, 'tls/ca.pem');
    const key = join(dir, 'tls/ca-key.pem');
    const first = await initCa(cert, key);
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'tls')).mode & 0o777, 0o700);
    await assert.rejects(initCa(cert, key), /already exist.*--force/);
    assert.equal(readFileSync(cert, 'utf8'), first.certPem, 'the old CA is untouched');
    const second = await initCa(cert, key, { force: true });
    assert.notEqual(second.certPem, first.certPem);
    assert.equal(statSync(key).mode & 0o777, 0o600);
  });

  it('loadCa refuses a missing CA (pointing at tls init), a key of another CA, and a certificate that is not a CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-ca-'));
    await assert.rejects(loadCa(join(dir, 'ca.pem'), join(dir, 'ca-key.pem')), /tollgate tls init/);
    const a = await createTestCa(dir, 'a');
    const b = await createTestCa(dir, 'b');
    await assert.rejects(loadCa(a.certFile, b.keyFile), /does not match/);
    const leaf = await mintLeaf(a.ca, 'leaf.test');
    writeFileSync(join(dir, 'leaf.pem'), leaf.certPem);
    writeFileSync(join(dir, 'leaf-key.pem'), leaf.keyPem, { mode: 0o600 });
    await assert.rejects(loadCa(join(dir, 'leaf.pem'), join(dir, 'leaf-key.pem')), /not a CA certificate/);
    await assert.rejects(loadCa(a.certFile, a.keyFile, new Date(Date.now() + 800 * DAY)), /not valid now/);
  });

  it('loadCa warns when the key file is readable by other users', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-ca-'));
    const a = await createTestCa(dir, 'a');
    assert.deepEqual(a.ca.warnings, []);
    const { chmodSync } = await import('node:fs');
    chmodSync(a.keyFile, 0o644);
    const loaded = await loadCa(a.certFile, a.keyFile);
    assert.match(loaded.warnings.join('\n'), /readable by other users/);
  });
});

describe('leaf certificates', () => {
  it('names exactly the host in the SAN, chains to the CA, serves TLS only, and lasts days, not years', async () => {
    const { ca, certPem } = await createTestCa();
    const now = Date.now();
    const leaf = await mintLeaf(ca, 'API.Example.test.', { now });
    const c = new X509Certificate(leaf.certPem);
    assert.equal(c.subjectAltName, 'DNS:api.example.test');
    assert.equal(c.checkHost('api.example.test'), 'api.example.test');
    assert.equal(c.checkHost('other.example.test'), undefined);
    assert.ok(c.verify(new X509Certificate(certPem).publicKey), 'signed by the CA');
    assert.ok(c.checkIssued(new X509Certificate(certPem)));
    assert.equal(c.ca, false);
    assert.deepEqual(c.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'extended key usage: serverAuth only');
    const days = (new Date(c.validTo).getTime() - now) / DAY;
    assert.ok(days > 6 && days <= 7, `validity ${days} days`);
    const ip = new X509Certificate((await mintLeaf(ca, '127.0.0.1')).certPem);
    assert.equal(ip.subjectAltName, 'IP Address:127.0.0.1');
    const v6 = new X509Certificate((await mintLeaf(ca, '[::1]')).certPem);
    assert.equal(v6.subjectAltName, 'IP Address:0:0:0:0:0:0:0:1');
  });

  it('gives every leaf its own key and a random serial', async () => {
    const { ca } = await createTestCa();
    const a = await mintLeaf(ca, 'a.test');
    const b = await mintLeaf(ca, 'a.test');
    assert.notEqual(a.keyPem, b.keyPem);
    const ca1 = new X509Certificate(a.certPem);
    const cb1 = new X509Certificate(b.certPem);
    assert.notEqual(ca1.serialNumber, cb1.serialNumber);
    assert.ok(ca1.serialNumber.length >= 30, 'at least 120 random bits');
    assert.notDeepEqual(createPublicKey(a.keyPem).export({ format: 'der', type: 'spki' }), ca.cert.publicKey.rawData);
  });

  it('refuses to name anything that is not a DNS name or an IP address', async () => {
    for (const bad of ['', '*.example.test', 'a b.test', 'evil.test\u0000x', `${'a'.repeat(64)}.test`, 'x'.repeat(254), '-lead.test', 'a..b']) {
      assert.equal(leafName(bad), null, bad);
    }
    assert.deepEqual(leafName('Upstream.Test.'), { type: 'dns', value: 'upstream.test' });
    const { ca } = await createTestCa();
    await assert.rejects(mintLeaf(ca, '*.example.test'), /not a DNS name/);
  });

  it('keeps one context per host in a bounded LRU and reuses it', async () => {
    const { ca } = await createTestCa();
    const cache = createLeafCache(ca, { max: 2 });
    const a1 = await cache.contextFor('a.test');
    await cache.contextFor('b.test');
    assert.equal(await cache.contextFor('A.TEST'), a1, 'same host (any case) → same context, no new minting');
    assert.equal(cache.minted, 2);
    await cache.contextFor('c.test'); // evicts b (least recently used)
    assert.equal(cache.size, 2);
    assert.equal(cache.minted, 3);
    assert.equal(await cache.contextFor('a.test'), a1, 'a was used more recently than b and stays');
    assert.equal(cache.minted, 3);
    await cache.contextFor('b.test');
    assert.equal(cache.minted, 4, 'b was evicted and is minted again');
    assert.equal(cache.size, 2);
  });

  it('shares one minting between concurrent handshakes for a host, and forgets a failure', async () => {
    const { ca } = await createTestCa();
    const cache = createLeafCache(ca, { max: 10 });
    const [x, y] = await Promise.all([cache.contextFor('d.test'), cache.contextFor('d.test')]);
    assert.equal(x, y);
    assert.equal(cache.minted, 1);
    await assert.rejects(cache.contextFor('bad host'), /not a DNS name/);
    assert.equal(cache.size, 1);
  });

  it('re-mints a cached leaf before it expires', async () => {
    const { ca } = await createTestCa();
    let now = Date.now();
    const cache = createLeafCache(ca, { max: 10, validityDays: 7, now: () => now });
    const first = await cache.contextFor('e.test');
    now += 5 * DAY;
    assert.equal(await cache.contextFor('e.test'), first);
    now += 1.5 * DAY;
    assert.notEqual(await cache.contextFor('e.test'), first, 'six and a half days in, a 7-day leaf is replaced');
  });
});

describe('upstream trust file', () => {
  it('reads every certificate of a PEM bundle and refuses a file with none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-bundle-'));
    const a = await createTestCa(dir, 'a');
    const b = await createTestCa(dir, 'b');
    writeFileSync(join(dir, 'bundle.pem'), `# comment\n${a.certPem}\n${b.certPem}`);
    assert.equal(readPemCertificates(join(dir, 'bundle.pem')).length, 2);
    writeFileSync(join(dir, 'empty.pem'), 'nothing here\n');
    assert.throws(() => readPemCertificates(join(dir, 'empty.pem')), /no PEM certificate/);
  });
});
