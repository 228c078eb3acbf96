import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ReceiptsConfig } from '../../config/receipts-schema.ts';
import { generateSigningKey, loadSigningKey, writeKeyPair } from './keys.ts';
import { openReceipts } from './open.ts';
import { sampleEvent } from './testing.ts';
import { verifyReceipts } from './verify.ts';

describe('openReceipts (the composition root entry)', () => {
  it('generates a 0600 key on first start, writes inside dataDir, and says what it did', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-data-'));
    const opened = await openReceipts(ReceiptsConfig.parse({}), dataDir);
    const keyFile = join(dataDir, 'keys', 'receipts-ed25519.pem');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const keyId = loadSigningKey(keyFile).keyId;
    assert.deepEqual(
      opened.notices.map((n) => n.msg.replaceAll(dataDir, 'DATA')),
      [
        `receipts: generated signing key ${keyId} at DATA/keys/receipts-ed25519.pem (public key DATA/keys/receipts-ed25519.pub.pem)`,
        `receipts: new chain in DATA/receipts.jsonl (key ${keyId})`,
      ],
    );
    opened.sink.emit(sampleEvent(1));
    await opened.close();
    assert.equal(verifyReceipts(readFileSync(join(dataDir, 'receipts.jsonl'))).status, 'ok');
    const again = await openReceipts(ReceiptsConfig.parse({}), dataDir);
    assert.deepEqual(again.notices.map((n) => n.msg.replaceAll(dataDir, 'DATA')), [`receipts: continuing DATA/receipts.jsonl after seq 2 (key ${keyId})`]);
    await again.close();
  });

  it('signs in a key prepared as the next key, then makes it the key file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-data-'));
    const first = await openReceipts(ReceiptsConfig.parse({}), dataDir);
    await first.close();
    const keyFile = join(dataDir, 'keys', 'receipts-ed25519.pem');
    const old = loadSigningKey(keyFile);
    const next = generateSigningKey();
    writeKeyPair(next, join(dataDir, 'keys', 'receipts-ed25519.next.pem'));
    const second = await openReceipts(ReceiptsConfig.parse({}), dataDir);
    assert.ok(second.notices.some((n) => n.msg === `receipts: key rotated ${old.keyId} → ${next.keyId}, signed into the chain by the old key`));
    second.sink.emit(sampleEvent(2));
    await second.close();
    assert.equal(loadSigningKey(keyFile).keyId, next.keyId);
    assert.equal(existsSync(join(dataDir, 'keys', 'receipts-ed25519.next.pem')), false);
    assert.ok(existsSync(join(dataDir, 'keys', `receipts-ed25519.${old.keyId}.pub.pem`)));
    const r = verifyReceipts(readFileSync(join(dataDir, 'receipts.jsonl')));
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.keys.map((k) => k.keyId), [old.keyId, next.keyId]);
  });

  it('is a no-op sink that says so when disabled, and creates nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-data-'));
    const opened = await openReceipts(ReceiptsConfig.parse({ enabled: false }), dataDir);
    opened.sink.emit(sampleEvent(1));
    await opened.close();
    assert.equal(opened.writer, null);
    assert.equal(opened.notices[0]?.level, 'warn');
    assert.equal(existsSync(join(dataDir, 'receipts.jsonl')), false);
  });

  it('the config block is strict and has the documented defaults', () => {
    assert.deepEqual(ReceiptsConfig.parse({}), { enabled: true, file: 'receipts.jsonl', keyFile: 'keys/receipts-ed25519.pem', checkpointEvery: 100, maxQueue: 10000, fsync: true, sealIn: 'auto' });
    assert.equal(ReceiptsConfig.safeParse({ fsnyc: false }).success, false);
  });
});
