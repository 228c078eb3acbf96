import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadSigningKey } from '../../evidence/receipts/keys.ts';
import { sampleEvent } from '../../evidence/receipts/testing.ts';
import { createReceiptWriter } from '../../evidence/receipts/writer.ts';

const BIN = resolve(import.meta.dirname, '../../../bin/tollgate.js');
function tollgate(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, NO_COLOR: '1', ...env } });
  // A hang guard, not a timing check: one keygen in CI once went past a 60 s guard (status null).
  return { code: r.status, out: r.stdout, err: `${r.stderr}${r.signal ? `\n[killed by ${r.signal} after the 180 s guard]` : ''}` };
}

describe('tollgate keygen, receipts verify and receipts show (the real binary)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-receipts-cli-'));
  const keys = join(dir, 'keys');
  const file = join(dir, 'receipts.jsonl');
  let keyId = '';

  before(async () => {
    const r = tollgate(['keygen', '--out', keys]);
    assert.equal(r.code, 0, r.err);
    keyId = /key id ([0-9a-f]{16})/.exec(r.out)?.[1] ?? '';
    const w = await createReceiptWriter({ file, privateKey: loadSigningKey(join(keys, 'receipts-ed25519.pem')).privateKey, checkpointEvery: 4 });
    for (let i = 0; i < 9; i++) w.emit(sampleEvent(i));
    await w.close();
  });

  it('keygen writes a 0600 private key, refuses to overwrite it, and says why', () => {
    assert.equal(statSync(join(keys, 'receipts-ed25519.pem')).mode & 0o777, 0o600);
    assert.ok(existsSync(join(keys, 'receipts-ed25519.pub.pem')));
    const again = tollgate(['keygen', '--out', keys]);
    assert.equal(again.code, 1);
    assert.match(again.err, /exists; use --force/);
  });

  it('verify exits 0 on a good file, says which key it trusted, and pins it with --key', () => {
    const r = tollgate(['receipts', 'verify', file]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /: OK: 13 records verified \(seq 0-12\): 9 decisions, 3 checkpoints, 0 key rotations, 0 gaps\n/);
    assert.match(r.out, new RegExp(`signatures valid for key ${keyId}, taken from the genesis record; pass --key to pin it`));
    const pinned = tollgate(['receipts', 'verify', file, '--key', join(keys, 'receipts-ed25519.pub.pem')]);
    assert.equal(pinned.code, 0);
    assert.match(pinned.out, new RegExp(`signatures valid for pinned key ${keyId}`));
    const json = JSON.parse(tollgate(['receipts', 'verify', file, '--json']).out) as { status: string; records: number; head: string };
    assert.deepEqual([json.status, json.records], ['ok', 13]);
    const anchored = tollgate(['receipts', 'verify', file, '--anchor', json.head, '--expect-count', '13']);
    assert.equal(anchored.code, 0);
  });

  it('verify exits 2 on a tampered copy and names the first broken seq and the reason', () => {
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"action":"block"') && l.includes('"seq":5,'));
    assert.equal(at, 5);
    lines[at] = (lines[at] as string).replace('"action":"block"', '"action":"allow"');
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, lines.join('\n'));
    const r = tollgate(['receipts', 'verify', tampered]);
    assert.equal(r.code, 2);
    assert.match(r.out, /: BROKEN at seq 5 \(line 6\): bad-signature: the signature does not match the record content\n/);
    assert.match(r.out, /the chain holds through seq 4 /);
    const json = JSON.parse(tollgate(['receipts', 'verify', tampered, '--json']).out) as { status: string; broken: { seq: number; reason: string } };
    assert.deepEqual([json.status, json.broken.seq, json.broken.reason], ['broken', 5, 'bad-signature']);
    const other = tollgate(['keygen', '--out', join(dir, 'other')]);
    assert.equal(other.code, 0, other.err);
    const wrongKey = tollgate(['receipts', 'verify', file, '--key', join(dir, 'other', 'receipts-ed25519.pub.pem')]);
    assert.equal(wrongKey.code, 2);
    assert.match(wrongKey.out, /BROKEN at seq 0 \(line 1\): unknown-key: /);
  });

  it('verify exits 3 on an intact file whose tail is not anchored, and 2 once an expected count says it was cut', () => {
    const lines = readFileSync(file, 'utf8').split('\n');
    const cut = join(dir, 'cut.jsonl');
    writeFileSync(cut, `${lines.slice(0, 7).join('\n')}\n`);
    const r = tollgate(['receipts', 'verify', cut]);
    assert.equal(r.code, 3);
    assert.match(r.out, /INCOMPLETE: 7 records verified/);
    assert.match(r.out, /the file does not end with a close checkpoint \(2 records after the last checkpoint \(seq 4\)\)/);
    const counted = tollgate(['receipts', 'verify', cut, '--expect-count', '13']);
    assert.equal(counted.code, 2);
    assert.match(counted.out, /BROKEN at seq 7 \(line 8\): truncated-after-checkpoint: expected at least 13 records, the file ends after 7/);
  });

  it('verify exits 1 for a missing file or an unreadable key', () => {
    assert.equal(tollgate(['receipts', 'verify', join(dir, 'nope.jsonl')]).code, 1);
    assert.equal(tollgate(['receipts', 'verify', file, '--key', join(dir, 'nope.pem')]).code, 1);
  });

  it('show prints a timeline filtered by session, with the verification at the end', () => {
    const r = tollgate(['receipts', 'show', file, '--session', 's1']);
    assert.equal(r.code, 0, r.err);
    const decisions = r.out.split('\n').filter((l) => / #\d+ {2}(http-forward|mcp-stdio)/.test(l));
    assert.equal(decisions.length, 2);
    for (const l of decisions) assert.match(l, /\[session s1, agent test-agent\]$/);
    assert.match(r.out, /── genesis: chain [0-9a-f]{32}, key /);
    assert.match(r.out, /── checkpoint \(close\): 12 records before it/);
    assert.match(r.out, /: OK: 13 records verified/);
  });

  it('keygen --rotate --receipts signs the rotation into a chain, which then verifies across both keys', () => {
    const copy = join(dir, 'rotated.jsonl');
    writeFileSync(copy, readFileSync(file));
    const r = tollgate(['keygen', '--out', keys, '--rotate', '--receipts', copy]);
    assert.equal(r.code, 0, r.err);
    const next = /next key id ([0-9a-f]{16})/.exec(r.out)?.[1];
    assert.match(r.out, new RegExp(`key rotated ${keyId} → ${next}`));
    assert.equal(loadSigningKey(join(keys, 'receipts-ed25519.pem')).keyId, next);
    assert.ok(existsSync(join(keys, `receipts-ed25519.${keyId}.pub.pem`)));
    const v = tollgate(['receipts', 'verify', copy, '--key', join(keys, `receipts-ed25519.${keyId}.pub.pem`)]);
    assert.equal(v.code, 0, v.out);
    assert.match(v.out, new RegExp(`signatures valid for pinned key ${keyId} → ${next} \\(from seq 14\\)`));
  });
});
