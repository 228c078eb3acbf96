import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_NORMALIZE_LIMITS, type NormalizeLimits } from '../types.ts';
import { decodeLayers } from './layers.ts';
import { reversed } from './ciphers.ts';

// The engine passes the DLP rules' keywords; a few of them stand in here.
const LIMITS: NormalizeLimits = { ...DEFAULT_NORMALIZE_LIMITS, reversedPrefixes: ['ghp_', 'sk-ant-api', 'akia', 'eyj', 'private key', 'key', 'pw', '@'] };
const GHP = 'ghp_R2d2C3poB1bFe77TkQx9mZ0aLs4Vw8Yh6Jn1';
const ANT = 'sk-ant-api03-aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4bC6dE8fG0hJ2kL4mN6pQ8rS0tU2vW4xY6zA8bC0dE2fG4hJ6kL8mN0pQ2rS4tU6v-wXyZAA';
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

function reversedLayers(text: string, limits = LIMITS): string[] {
  return decodeLayers(text, [], limits)
    .layers.filter((l) => l.chain.join('|') === 'reversed')
    .map((l) => l.text);
}

describe('tokens written backwards, unnamed', () => {
  it('reads backwards a token whose end is a credential prefix reversed, alone or inside a text, in any case', () => {
    assert.ok(reversedLayers(reversed(GHP)).some((t) => t.includes(GHP)));
    assert.ok(reversedLayers(`{"data":"${reversed(ANT)}","n":2}`).some((t) => t.includes(ANT)));
    assert.ok(reversedLayers(`id: ${reversed('AKIAZ7QW4ERT5YUI6OPA')} thanks`).some((t) => t.includes('AKIAZ7QW4ERT5YUI6OPA')));
    assert.ok(reversedLayers(`token=${reversed(JWT)}`).some((t) => t.includes(JWT)), 'a JWT read whole across its dots');
    // a reversed key inside base64
    const chains = decodeLayers(Buffer.from(`k=${reversed(GHP)}`).toString('base64'), [], LIMITS).layers.map((l) => `${l.chain.join('|')}:${l.text}`);
    assert.ok(chains.some((c) => c.startsWith('base64|reversed:') && c.includes(GHP)), chains.join('\n'));
  });

  it('reads backwards the stretch around a keyword phrase written backwards (a PEM block reversed)', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n-----END RSA PRIVATE KEY-----';
    assert.ok(reversedLayers(`see ${reversed(pem)} ok`).some((t) => t.includes(pem)));
  });

  it('hard negatives: reversed English, ordinary tokens and ids, and no prefixes given, read nothing backwards', () => {
    assert.deepEqual(reversedLayers(reversed('Please send the quarterly report to the finance team before Friday; the key figures are in the appendix.')), []);
    assert.deepEqual(reversedLayers('session=3f9a1c0e7b2d4f6a8c1e3b5d7f9a2c4e request_id=req_01HZX3K9V2M8N4P6Q7R5S2T1W0 path=/usr/local/lib/node_modules'), []);
    // two-character prefixes and non-token keywords are not used ('pw', '@')
    assert.deepEqual(reversedLayers('abcdefghijklmnopqrstuvwxyzwp abcdefghijklmnopqrstuv@'), []);
    assert.deepEqual(reversedLayers(reversed(GHP), DEFAULT_NORMALIZE_LIMITS), []);
  });
});
