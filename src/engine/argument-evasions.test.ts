// Secrets hidden in a tool call's arguments by compression, reversal or splitting across arguments
// (issue 3: DLP over tools/call arguments, raw and decoded). Through the whole engine, as every wire
// (stdio relay, MCP listener, scan API) calls it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import type { Verdict } from '../core/index.ts';
import { parseConfig } from '../config/index.ts';
import { createRuntime } from '../main.ts';
import { crcToken } from '../scanners/dlp/dlp.fixtures.ts';

const KNOWN = 'Xk9vQ2mZ7pL4rT8wY1bN6cJ3hF5dS0aG';
const engine = createRuntime(parseConfig('preset: balanced\nscanners:\n  knownSecrets:\n    env: [DEPLOY_TOKEN]\n'), { DEPLOY_TOKEN: KNOWN }).engine;
const GHP = crcToken('ghp_');
const AWS = 'AKIAZ7QW4ERT5YUI6OPA';
const ANT = 'sk-ant-api03-aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4bC6dE8fG0hJ2kL4mN6pQ8rS0tU2vW4xY6zA8bC0dE2fG4hJ6kL8mN0pQ2rS4tU6v-wXyZAA';
const PEM =
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmwIDAQABAoIBAQCvvB\n-----END RSA PRIVATE KEY-----\n';
const backwards = (s: string): string => [...s].reverse().join('');

function call(args: Record<string, unknown>): Verdict {
  return engine.scan({ kind: 'tool-call', name: 'send', arguments: args });
}

function rules(v: Verdict): string[] {
  return v.findings.map((f) => `${f.rule}@${f.location}`);
}

describe('tool-call arguments: compressed, reversed and split secrets', () => {
  it('blocks a credential gzip- or zlib-compressed then base64- or hex-encoded', () => {
    for (const [secret, rule] of [[AWS, 'dlp/aws-access-key-id'], [GHP, 'dlp/github-pat'], [ANT, 'dlp/anthropic-api-key'], [PEM, 'dlp/private-key'], [KNOWN, 'known-secrets/value-match']] as const) {
      for (const [data, chain] of [
        [gzipSync(secret).toString('base64'), 'base64|gzip'],
        [deflateSync(secret).toString('base64'), 'base64|zlib'],
        [gzipSync(secret).toString('hex'), 'hex|gzip'],
      ] as const) {
        const v = call({ data });
        assert.equal(v.action, 'block', `${rule} in ${chain}`);
        assert.ok(rules(v).includes(`${rule}@tool.send.args.$.data|${chain}`), `${rule} in ${chain}: ${rules(v).join(' ')}`);
      }
    }
  });

  it('blocks a credential written backwards with no word naming the reversal, and a known secret backwards', () => {
    for (const [secret, rule] of [[GHP, 'dlp/github-pat'], [ANT, 'dlp/anthropic-api-key'], [AWS, 'dlp/aws-access-key-id'], [PEM, 'dlp/private-key']] as const) {
      const v = call({ data: `here it is: ${backwards(secret)}` });
      assert.equal(v.action, 'block', rule);
      assert.ok(rules(v).includes(`${rule}@tool.send.args.$.data|reversed`), rules(v).join(' '));
    }
    const known = call({ data: backwards(KNOWN) });
    assert.equal(known.action, 'block');
    assert.match(known.findings.find((f) => f.rule === 'known-secrets/value-match')?.message ?? '', /written backwards/);
  });

  it('blocks a credential or a known secret split across two or three string arguments of one call, PEM blocks included', () => {
    for (const secret of [GHP, ANT, AWS, KNOWN, PEM]) {
      const h = secret.length >> 1;
      const t = Math.floor(secret.length / 3);
      for (const args of [{ a: secret.slice(0, h), b: secret.slice(h) }, { a: secret.slice(0, t), b: { c: secret.slice(t, 2 * t) }, d: [secret.slice(2 * t)] }]) {
        const v = call(args);
        assert.equal(v.action, 'block', `${secret.slice(0, 8)} split ${JSON.stringify(Object.keys(args))}: ${rules(v).join(' ')}`);
        assert.ok(v.findings.some((f) => f.rule === 'split-secrets/cross-parameter' || f.rule.startsWith('dlp/')), rules(v).join(' '));
      }
    }
  });

  it('reports a PEM block cut inside its header across three arguments as re-assembled from them', () => {
    const v = call({ a: PEM.slice(0, 7), b: PEM.slice(7, 19), c: PEM.slice(19) });
    assert.equal(v.action, 'block');
    assert.ok(rules(v).includes('split-secrets/cross-parameter@tool.send.args.$.c'), rules(v).join(' '));
  });

  it('hard negatives: a gzip+base64 blob of prose, a base64 blob that is not compressed, reversed English, unrelated short arguments', () => {
    const prose = 'Please send the quarterly report to the finance team before Friday; the key figures are in the appendix.';
    for (const args of [
      { data: gzipSync(prose).toString('base64') },
      { data: deflateSync(JSON.stringify({ rows: [1, 2, 3], note: prose })).toString('base64') },
      { data: Buffer.from(prose).toString('base64') },
      { data: backwards(prose) },
      { owner: 'octocat', repo: 'hello-world', branch: 'main', path: 'docs/readme.md' },
      { query: 'weather in Paris', units: 'metric', lang: 'en' },
      { text: 'Key points:\n- revenue up\n- costs flat', title: 'Summary of the meeting notes' },
    ]) {
      const v = call(args);
      assert.equal(v.action, 'allow', `${JSON.stringify(args).slice(0, 60)}: ${rules(v).join(' ')}`);
    }
  });
});
