import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { newChain, type ChainHead } from './chain.ts';
import { decisionBody } from './format.ts';
import { generateSigningKey } from './keys.ts';
import { sealBatch, type SealEntry } from './seal-batch.ts';
import { workerSealer } from './sealer.ts';
import { sampleEvent } from './testing.ts';
import { verifyReceipts } from './verify.ts';
import { createReceiptWriter } from './writer.ts';

const KEY = generateSigningKey();
const NEXT = generateSigningKey();
const TIME = '2026-11-22T03:00:00.000Z';

/** A batch with every kind of entry: decisions (enough to cross an interval checkpoint), a gap, a rotation, checkpoints. */
function entries(n: number): SealEntry[] {
  const out: SealEntry[] = [{ op: 'record', body: { type: 'gap', cause: 'dropped', lost: 3 } }];
  for (let i = 0; i < n; i++) out.push({ op: 'record', body: decisionBody(sampleEvent(i)) });
  out.push({ op: 'barrier' }, { op: 'rotate', key: NEXT });
  for (let i = n; i < n + 5; i++) out.push({ op: 'record', body: decisionBody(sampleEvent(i)) });
  out.push({ op: 'checkpoint', trigger: 'close' }, { op: 'checkpoint', trigger: 'close' });
  return out;
}

/** The chain's bytes closed with a close checkpoint (sealed here), verified. */
function verifyClosed(head: ChainHead, ...parts: Uint8Array[]): ReturnType<typeof verifyReceipts> {
  const close = sealBatch(head, [{ op: 'checkpoint', trigger: 'close' }], 100, TIME);
  return verifyReceipts(Buffer.concat([...parts, close.bytes]));
}

function sameHead(a: ChainHead, b: ChainHead): void {
  assert.equal(a.nextSeq, b.nextSeq);
  assert.equal(a.prev, b.prev);
  assert.equal(a.sinceCheckpoint, b.sinceCheckpoint);
  assert.deepEqual(a.last, b.last);
  assert.equal(a.key.keyId, b.key.keyId);
  assert.ok(Buffer.isBuffer(a.key.raw) && Buffer.isBuffer(b.key.raw));
  assert.deepEqual(a.key.raw, b.key.raw);
}

describe('receipts sealer: batches sealed in a worker thread', () => {
  it('seals a batch in the worker to the same bytes and head as on the calling thread, and the result verifies', async () => {
    const { head, genesis } = newChain(KEY);
    const first = sealBatch(head, [{ op: 'record', body: { ...genesis, time: TIME } }], 10, TIME);
    const batch = entries(23);
    const here = sealBatch(first.head, batch, 10, TIME);
    const sealer = workerSealer({ startAt: 1, busyAt: 0 });
    try {
      const there = await sealer.seal(first.head, batch, 10, TIME);
      assert.equal((sealer as unknown as { running: boolean }).running, true, 'the worker did not start');
      assert.deepEqual(Buffer.from(there.bytes), Buffer.from(here.bytes));
      assert.equal(there.records, here.records);
      assert.deepEqual(there.failed, []);
      sameHead(there.head, here.head);
      // genesis, gap, 23 + 5 decisions, interval checkpoints, the rotation, one close checkpoint (the second says nothing new)
      const r = verifyReceipts(Buffer.concat([first.bytes, there.bytes]));
      // intact, and incomplete only for the loss the gap record declares
      assert.equal(r.status, 'incomplete', JSON.stringify(r));
      assert.deepEqual(r.warnings.map((w) => w.kind), ['recorded-gap']);
      assert.equal(r.counts.decision, 28);
      assert.equal(r.counts['key-rotation'], 1);
      assert.equal(r.counts.checkpoint, 4);
      assert.equal(there.head.key.keyId, NEXT.keyId);
      // the next batch goes on from the head the worker returned
      const again = await sealer.seal(there.head, [{ op: 'record', body: decisionBody(sampleEvent(99)) }], 10, TIME);
      const chain = verifyClosed(again.head, first.bytes, there.bytes, again.bytes);
      assert.deepEqual(chain.warnings.map((w) => w.kind), ['recorded-gap']);
      assert.equal(chain.counts.decision, 29);
    } finally {
      await sealer.close();
    }
    assert.equal((sealer as unknown as { running: boolean }).running, false);
  });

  it('seals in place a small batch, or any batch while the calling thread is not busy, and stops an unused worker', async () => {
    const { head, genesis } = newChain(KEY);
    let busy = 0.5;
    const sealer = workerSealer({ startAt: 4, busyAt: 0.85, load: () => busy, idleMs: 50 });
    const running = (): boolean => (sealer as unknown as { running: boolean }).running;
    try {
      const one = await sealer.seal(head, [{ op: 'record', body: { ...genesis, time: TIME } }], 100, TIME);
      const batch = entries(8).slice(1, 9);
      const calm = await sealer.seal(one.head, batch.slice(0, 4), 100, TIME);
      assert.equal(running(), false, 'a batch went to the worker while the thread was not busy');
      busy = 0.95;
      const small = await sealer.seal(calm.head, batch.slice(4, 5), 100, TIME);
      assert.equal(running(), false, 'a batch of one went to the worker');
      const loaded = await sealer.seal(small.head, batch.slice(5, 8), 100, TIME);
      assert.equal(running(), false);
      const four = await sealer.seal(loaded.head, entries(12).slice(9, 13), 100, TIME);
      assert.equal(four.records, 4);
      assert.equal(running(), true, 'a batch of four did not go to the worker while the thread was busy');
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(running(), false, 'the idle worker was not stopped');
      assert.equal(verifyClosed(four.head, one.bytes, calm.bytes, small.bytes, loaded.bytes, four.bytes).status, 'ok');
    } finally {
      await sealer.close();
    }
  });

  it('seals in place, and says so once, when the worker cannot take a batch', async () => {
    const { head, genesis } = newChain(KEY);
    const errors: string[] = [];
    const sealer = workerSealer({ startAt: 1, busyAt: 0, onError: (e) => errors.push(e.message) });
    try {
      // A function cannot be copied to another thread: posting this batch fails.
      const bad: SealEntry[] = [
        { op: 'record', body: { ...genesis, time: TIME } },
        { op: 'record', body: { ...decisionBody(sampleEvent(1)), reason: (() => 'x') as unknown as string } },
        { op: 'record', body: decisionBody(sampleEvent(2)) },
      ];
      const r = await sealer.seal(head, bad, 100, TIME);
      assert.equal(errors.length, 1);
      assert.match(errors[0] as string, /seal worker failed .*sealing on the main thread from now on/);
      // the same result as sealing in place: the unencodable record is reported, the others are sealed
      const here = sealBatch(head, bad, 100, TIME);
      assert.deepEqual(Buffer.from(r.bytes), Buffer.from(here.bytes));
      assert.deepEqual(r.failed.map((f) => f.index), [1]);
      const later = await sealer.seal(r.head, [{ op: 'record', body: decisionBody(sampleEvent(3)) }], 100, TIME);
      assert.equal((sealer as unknown as { running: boolean }).running, false);
      assert.equal(errors.length, 1);
      assert.equal(verifyClosed(later.head, r.bytes, later.bytes).status, 'ok');
    } finally {
      await sealer.close();
    }
  });

  it('gives records without a time of their own (interval checkpoints too) the writer\'s clock, in place and in the worker', async () => {
    const WRITER_TIME = '2026-06-01T00:00:00.000Z';
    for (const sealer of [undefined, workerSealer({ startAt: 1, busyAt: 0 })]) {
      const file = join(mkdtempSync(join(tmpdir(), 'tollgate-sealer-')), 'receipts.jsonl');
      const w = await createReceiptWriter({ file, privateKey: KEY.privateKey, checkpointEvery: 3, now: () => new Date(WRITER_TIME), ...(sealer ? { sealer } : {}) });
      for (let i = 0; i < 7; i++) w.emit(sampleEvent(i));
      await w.close();
      const recs = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; time: string; trigger?: string });
      const checkpoints = recs.filter((r) => r.type === 'checkpoint');
      assert.ok(checkpoints.some((r) => r.trigger === 'interval'), 'no interval checkpoint');
      for (const r of recs) assert.equal(r.time, r.type === 'decision' ? r.time : WRITER_TIME, JSON.stringify(r));
      assert.ok(recs.filter((r) => r.type === 'decision').every((r) => r.time.startsWith('2026-01-01')));
      assert.equal(verifyReceipts(readFileSync(file)).status, 'ok');
    }
  });

  it('keeps using the worker after an idle stop whose exit comes after the next batch started a new one', async () => {
    const errors: string[] = [];
    let starts = 0;
    const sealer = workerSealer({ startAt: 1, busyAt: 0, idleMs: 30, onError: (e) => errors.push(e.message), onStart: () => starts++ });
    const running = (): boolean => (sealer as unknown as { running: boolean }).running;
    const { head, genesis } = newChain(KEY);
    try {
      const a = await sealer.seal(head, [{ op: 'record', body: { ...genesis, time: TIME } }], 100, TIME);
      // poll until the idle timer has asked the first worker to stop (its exit event is still to come)
      while (running()) await new Promise((r) => setImmediate(r));
      const b = await sealer.seal(a.head, [{ op: 'record', body: decisionBody(sampleEvent(2)) }], 100, TIME);
      assert.equal(starts, 2);
      assert.deepEqual(errors, []);
      assert.equal(running(), true, 'the second worker was given up');
      assert.equal(verifyClosed(b.head, a.bytes, b.bytes).status, 'ok');
    } finally {
      await sealer.close();
    }
  });

  it('loses no batch when a callback throws', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tollgate-sealer-')), 'receipts.jsonl');
    const sealer = workerSealer({
      startAt: 1,
      busyAt: 0,
      onStart: () => {
        throw new Error('a logger that throws');
      },
    });
    const w = await createReceiptWriter({ file, privateKey: KEY.privateKey, sealer });
    for (let i = 0; i < 5; i++) w.emit(sampleEvent(i));
    await w.flush();
    assert.equal(w.stats().decisions, 5);
    assert.equal(w.stats().dropped, 0);
    await w.close();
    const r = verifyReceipts(readFileSync(file));
    assert.equal(r.status, 'ok', JSON.stringify(r));
    assert.equal(r.counts.decision, 5);
  });

  it('gives the writer one verifiable chain from 20 concurrent producers with batches sealed in the worker', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tollgate-sealer-')), 'receipts.jsonl');
    const sealer = workerSealer({ startAt: 1, busyAt: 0 });
    const w = await createReceiptWriter({ file, privateKey: KEY.privateKey, checkpointEvery: 50, sealer });
    const producer = async (p: number): Promise<void> => {
      for (let i = 0; i < 100; i++) {
        w.emit(sampleEvent(p * 1000 + i, { requestId: `p${p}-${i}` }));
        if (i % 9 === p % 9) await new Promise((r) => setImmediate(r));
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, p) => producer(p)));
    await w.close();
    const r = verifyReceipts(readFileSync(file));
    assert.equal(r.status, 'ok', JSON.stringify(r));
    assert.equal(r.counts.decision, 2000);
    assert.equal(w.stats().decisions, 2000);
    assert.equal(w.stats().dropped, 0);
    assert.equal((sealer as unknown as { running: boolean }).running, false, 'close did not stop the worker');
  });
});
