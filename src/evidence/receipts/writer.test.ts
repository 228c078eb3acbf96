import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ReceiptRecord } from './format.ts';
import { generateSigningKey } from './keys.ts';
import { sampleEvent } from './testing.ts';
import { verifyReceipts } from './verify.ts';
import { createReceiptWriter } from './writer.ts';

const KEY = generateSigningKey();
function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'tollgate-receipts-')), 'receipts.jsonl');
}
function records(file: string): ReceiptRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ReceiptRecord);
}

describe('receipt writer', () => {
  it('gives one gap-free chain from 20 concurrent producers of 200 events each', async () => {
    const file = tempFile();
    const w = await createReceiptWriter({ file, privateKey: KEY.privateKey, checkpointEvery: 100 });
    const producer = async (p: number): Promise<void> => {
      for (let i = 0; i < 200; i++) {
        w.emit(sampleEvent(p * 1000 + i, { requestId: `p${p}-${i}` }));
        if (i % 7 === p % 7) await new Promise((r) => setImmediate(r));
        else if (i % 5 === 0) await Promise.resolve();
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, p) => producer(p)));
    await w.close();
    const r = verifyReceipts(readFileSync(file));
    assert.equal(r.status, 'ok', JSON.stringify(r));
    assert.equal(r.counts.decision, 4000);
    const recs = records(file);
    assert.deepEqual(recs.map((x) => x.seq), recs.map((_, i) => i));
    const ids = recs.flatMap((x) => (x.type === 'decision' ? [x.requestId] : []));
    assert.equal(new Set(ids).size, 4000);
    // Each producer's events keep their order.
    for (let p = 0; p < 20; p++) {
      const mine = ids.filter((id) => id.startsWith(`p${p}-`)).map((id) => Number(id.split('-')[1]));
      assert.deepEqual(mine, Array.from({ length: 200 }, (_, i) => i));
    }
    assert.equal(r.counts.checkpoint, Math.floor((recs.length - 1) / 101) + 1);
    const stats = w.stats();
    assert.equal(stats.dropped, 0);
    assert.ok(stats.batches < 4000, `group commit: ${stats.batches} batches for 4000 events`);
  });

  it('writes a checkpoint every N records and a close checkpoint last', async () => {
    const file = tempFile();
    const w = await createReceiptWriter({ file, privateKey: KEY.privateKey, checkpointEvery: 3 });
    for (let i = 0; i < 7; i++) w.emit(sampleEvent(i));
    await w.close();
    const types = records(file).map((r) => (r.type === 'checkpoint' ? `checkpoint:${r.trigger}` : r.type));
    assert.deepEqual(types, [
      'genesis',
      'decision',
      'decision',
      'checkpoint:interval',
      'decision',
      'decision',
      'decision',
      'checkpoint:interval',
      'decision',
      'decision',
      'checkpoint:close',
    ]);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('drops events beyond the queue bound, counts them, and records the count as a gap', async () => {
    const file = tempFile();
    const w = await createReceiptWriter({ file, privateKey: KEY.privateKey, maxQueue: 10 });
    for (let i = 0; i < 50; i++) w.emit(sampleEvent(i));
    assert.equal(w.stats().dropped, 40);
    await w.close();
    const recs = records(file);
    const gap = recs.find((r) => r.type === 'gap');
    assert.deepEqual(gap && { cause: gap.cause, lost: gap.lost }, { cause: 'dropped', lost: 40 });
    assert.equal(recs.filter((r) => r.type === 'decision').length, 10);
    const v = verifyReceipts(readFileSync(file));
    assert.equal(v.status, 'incomplete');
    assert.deepEqual(v.warnings, [{ kind: 'recorded-gap', seq: 1, cause: 'dropped', lost: 40 }]);
  });

  it('emit never throws, even for an event with lone surrogates or missing findings, and records what it can', async () => {
    const file = tempFile();
    const w = await createReceiptWriter({ file, privateKey: KEY.privateKey });
    w.emit(sampleEvent(1, { reason: 'bad \ud800 text', target: '\udfff', session: 'x'.repeat(5000) }));
    w.emit({ ...sampleEvent(2), findings: undefined } as never);
    await w.close();
    const r = verifyReceipts(readFileSync(file));
    assert.equal(r.counts.decision, 1);
    assert.equal(r.counts.gap, 1);
    assert.equal(w.stats().dropped, 1);
    const d = records(file).find((x) => x.type === 'decision');
    assert.equal(d?.type === 'decision' && d.reason, 'bad \ufffd text');
    assert.equal(d?.type === 'decision' && d.session?.length, 128);
    assert.ok(!readFileSync(file, 'utf8').includes('example.com'), 'the target itself is never written');
  });

  it('refuses events after close, counting them', async () => {
    const file = tempFile();
    const w = await createReceiptWriter({ file, privateKey: KEY.privateKey });
    await w.close();
    w.emit(sampleEvent(1));
    assert.equal(w.stats().dropped, 1);
    await w.close();
    assert.deepEqual(records(file).map((r) => r.type), ['genesis', 'checkpoint']);
  });

  it('continues a cleanly closed chain without a gap', async () => {
    const file = tempFile();
    for (let run = 0; run < 3; run++) {
      const w = await createReceiptWriter({ file, privateKey: KEY.privateKey });
      assert.equal(w.opened.created, run === 0);
      assert.equal(w.opened.uncleanShutdown, false);
      w.emit(sampleEvent(run));
      await w.close();
    }
    const r = verifyReceipts(readFileSync(file));
    assert.equal(r.status, 'ok');
    assert.deepEqual([r.counts.decision, r.counts.checkpoint, r.counts.gap], [3, 3, 0]);
  });

  it('cuts a torn last line at open, saves its bytes, records a gap naming them, and loses nothing before it', async () => {
    const file = tempFile();
    const w = await createReceiptWriter({ file, privateKey: KEY.privateKey });
    for (let i = 0; i < 5; i++) w.emit(sampleEvent(i));
    await w.flush();
    const intact = readFileSync(file);
    const torn = Buffer.from('{"action":"block","agent":"test-ag');
    // Close the first writer (it holds the lock), then leave the file as a crash mid-write would.
    await w.close();
    writeFileSync(file, Buffer.concat([intact, torn]));
    const again = await createReceiptWriter({ file, privateKey: KEY.privateKey });
    assert.equal(again.opened.uncleanShutdown, true);
    assert.equal(again.opened.torn?.bytes, torn.length);
    assert.deepEqual(readFileSync(again.opened.torn?.savedTo as string), torn);
    assert.deepEqual(again.opened.resumedFrom?.seq, 5);
    await again.close();
    const after = readFileSync(file);
    assert.ok(after.subarray(0, intact.length).equals(intact), 'every record before the damage is kept byte for byte');
    const gap = records(file).find((r) => r.type === 'gap');
    assert.deepEqual(gap && [gap.seq, gap.cause, gap.tornBytes], [6, 'unclean-shutdown', torn.length]);
    const v = verifyReceipts(after);
    assert.equal(v.status, 'incomplete');
    assert.equal(v.broken, undefined);
    assert.deepEqual(v.warnings, [{ kind: 'recorded-gap', seq: 6, cause: 'unclean-shutdown', tornBytes: torn.length }]);
  });

  it('starts a new chain over a file that holds only a torn first line, recording it', async () => {
    const file = tempFile();
    writeFileSync(file, '{"chainId":"ab');
    const w = await createReceiptWriter({ file, privateKey: KEY.privateKey });
    assert.equal(w.opened.created, true);
    assert.equal(w.opened.torn?.bytes, 14);
    await w.close();
    assert.deepEqual(records(file).map((r) => r.type), ['genesis', 'gap', 'checkpoint']);
  });

  it('refuses a second writer on the same file, a different key, and a tail that is not a valid record', async () => {
    const file = tempFile();
    const w = await createReceiptWriter({ file, privateKey: KEY.privateKey });
    await assert.rejects(createReceiptWriter({ file, privateKey: KEY.privateKey }), { code: 'RECEIPTS_LOCKED' });
    await w.close();
    await assert.rejects(createReceiptWriter({ file, privateKey: generateSigningKey().privateKey }), { code: 'RECEIPTS_KEY_MISMATCH' });
    appendFileSync(file, '{"not":"a receipt"}\n');
    await assert.rejects(createReceiptWriter({ file, privateKey: KEY.privateKey }), { code: 'RECEIPTS_TAIL_INVALID' });
  });

  it('rotates keys with a record signed by the old key, and signs a pending key in at open', async () => {
    const file = tempFile();
    const k2 = generateSigningKey();
    const k3 = generateSigningKey();
    const w = await createReceiptWriter({ file, privateKey: KEY.privateKey });
    w.emit(sampleEvent(1));
    assert.deepEqual(await w.rotateKey(k2.privateKey), { from: KEY.keyId, to: k2.keyId });
    w.emit(sampleEvent(2));
    await w.close();
    const w2 = await createReceiptWriter({ file, privateKey: k2.privateKey, nextPrivateKey: k3.privateKey });
    assert.deepEqual(w2.opened.rotated, { from: k2.keyId, to: k3.keyId });
    w2.emit(sampleEvent(3));
    await w2.close();
    const recs = records(file);
    assert.deepEqual(recs.map((r) => [r.type, r.keyId]), [
      ['genesis', KEY.keyId],
      ['decision', KEY.keyId],
      ['key-rotation', KEY.keyId],
      ['decision', k2.keyId],
      ['checkpoint', k2.keyId],
      ['key-rotation', k2.keyId],
      ['decision', k3.keyId],
      ['checkpoint', k3.keyId],
    ]);
    const r = verifyReceipts(readFileSync(file));
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.keys.map((k) => k.keyId), [KEY.keyId, k2.keyId, k3.keyId]);
    // The rotation already in the chain: opening with the old key as current and the new as next resumes with the new.
    const w3 = await createReceiptWriter({ file, privateKey: k2.privateKey, nextPrivateKey: k3.privateKey });
    assert.equal(w3.opened.rotated, null);
    assert.equal(w3.opened.keyId, k3.keyId);
    await w3.close();
  });
});
