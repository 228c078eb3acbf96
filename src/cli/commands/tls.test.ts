import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const BIN = resolve(import.meta.dirname, '../../../bin/tollgate.js');
function tollgate(args: string[], home: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, NO_COLOR: '1', TOLLGATE_HOME: home } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('tollgate tls init and tls show-ca (the real binary)', () => {
  const home = mkdtempSync(join(tmpdir(), 'tollgate-tls-cli-'));
  const certFile = join(home, 'tls/ca.pem');
  const keyFile = join(home, 'tls/ca-key.pem');

  it('show-ca before init says to run tls init', () => {
    const r = tollgate(['tls', 'show-ca'], home);
    assert.equal(r.code, 1);
    assert.match(r.err, /tollgate tls init/);
  });

  it('init writes the CA into <dataDir>/tls with a 0600 key, and refuses to overwrite it without --force', () => {
    const r = tollgate(['tls', 'init'], home);
    assert.equal(r.code, 0, r.err);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const first = readFileSync(certFile, 'utf8');
    const c = new X509Certificate(first);
    assert.ok(c.ca);
    assert.match(r.out, /Tollgate interception CA [0-9a-f]{8}/);
    assert.match(r.out, new RegExp(`SHA-256 fingerprint ${c.fingerprint256}`));
    assert.doesNotMatch(r.out, /restart/, 'a first CA replaces nothing');
    const again = tollgate(['tls', 'init'], home);
    assert.equal(again.code, 1);
    assert.match(again.err, /already exist.*--force/);
    assert.equal(readFileSync(certFile, 'utf8'), first);
    const forced = tollgate(['tls', 'init', '--force'], home);
    assert.equal(forced.code, 0, forced.err);
    assert.notEqual(readFileSync(certFile, 'utf8'), first);
    assert.match(forced.out, /running `tollgate run` keeps signing with the CA it loaded .*restart it/, 'a running proxy does not pick the new CA up');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  });

  it('show-ca prints the PEM and how to install it for Node, Python, curl and the system store; --pem prints only the PEM', () => {
    const pem = readFileSync(certFile, 'utf8');
    const r = tollgate(['tls', 'show-ca'], home);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.startsWith(pem), 'the PEM comes first');
    for (const hint of [`NODE_EXTRA_CA_CERTS=${certFile}`, 'REQUESTS_CA_BUNDLE=', 'SSL_CERT_FILE=', `--cacert ${certFile}`, 'CURL_CA_BUNDLE=', 'update-ca-certificates', 'security add-trusted-cert']) {
      assert.ok(r.out.includes(hint), hint);
    }
    const only = tollgate(['tls', 'show-ca', '--pem'], home);
    assert.equal(only.out, pem);
    assert.ok(!readFileSync(keyFile, 'utf8').split('\n').slice(1, 3).some((l) => r.out.includes(l)), 'the private key is never printed');
  });
});
