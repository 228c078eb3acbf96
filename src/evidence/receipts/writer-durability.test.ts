import assert from 'node:assert/strict';
import { appendFileSync, constants, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateSigningKey } from './keys.ts';
import { sampleEvent } from './testing.ts';
import { verifyReceipts } from './verify.ts';
import { createReceiptWriter } from './writer.ts';

const KEY = generateSigningKey();

/** The open flags (from /proc/self/fdinfo) of this process's descriptors on `file`. */
function openFlags(file: string): number[] {
  const out: number[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed since the listing
    }
    if (target !== file) continue;
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
    if (flags) out.push(Number.parseInt(flags[1] as string, 8));
  }
  return out;
}

describe('receipt writer durability (Linux)', { skip: process.platform !== 'linux' }, () => {
  it('appends through an O_DSYNC descriptor when fsync is on, and a plain one when it is off', async () => {
    for (const fsync of [true, false]) {
      const file = join(mkdtempSync(join(tmpdir(), 'tollgate-receipts-dsync-')), 'receipts.jsonl');
      const w = await createReceiptWriter({ file, privateKey: KEY.privateKey, fsync });
      for (let i = 0; i < 5; i++) w.emit(sampleEvent(i));
      await w.flush();
      const flags = openFlags(file);
      assert.equal(flags.length, 1, `one descriptor on the receipts file, got ${flags.length}`);
      const f = flags[0] as number;
      assert.equal((f & constants.O_DSYNC) === constants.O_DSYNC, fsync, `fsync ${fsync}: flags ${f.toString(8)}`);
      assert.equal(f & constants.O_APPEND, constants.O_APPEND);
      await w.close();
      const r = verifyReceipts(readFileSync(file));
      assert.equal(r.status, 'ok', JSON.stringify(r));
      assert.equal(r.counts.decision, 5);
    }
  });

  // After a torn tail is cut off at open, appending goes on through the same O_DSYNC descriptor;
  // a file first written with fsync off switches to O_DSYNC (review, session 6).
  it('cuts a torn tail, keeps it aside, and goes on through one O_DSYNC append descriptor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-review-dsync-'));
    try {
      const file = join(dir, 'receipts.jsonl');
      // First run with fsync off (plain descriptor), then a torn tail, then a run with fsync on.
      let w = await createReceiptWriter({ file, privateKey: KEY.privateKey, fsync: false });
      for (let i = 0; i < 4; i++) w.emit(sampleEvent(i));
      await w.close();
      const torn = Buffer.from('{"action":"allow","agent":"half-writ');
      appendFileSync(file, torn);

      w = await createReceiptWriter({ file, privateKey: KEY.privateKey, fsync: true });
      assert.equal(w.opened.torn?.bytes, torn.length);
      assert.deepEqual(readFileSync(w.opened.torn?.savedTo as string), torn);
      for (let i = 4; i < 8; i++) w.emit(sampleEvent(i));
      await w.flush();
      const flags = openFlags(file);
      assert.equal(flags.length, 1);
      const f = flags[0] as number;
      assert.equal(f & constants.O_DSYNC, constants.O_DSYNC, `flags ${f.toString(8)}`);
      assert.equal(f & constants.O_APPEND, constants.O_APPEND, `flags ${f.toString(8)}`);
      await w.close();
      assert.deepEqual(openFlags(file), [], 'descriptor closed at close()');

      const bytes = readFileSync(file);
      assert.equal(bytes.includes(torn), false, 'torn bytes cut from the chain file');
      const r = verifyReceipts(bytes);
      // The chain verifies; the only finding is the recorded unclean-shutdown gap naming the torn bytes.
      assert.equal(r.status, 'incomplete', JSON.stringify(r));
      assert.equal(r.counts.decision, 8);
      assert.deepEqual(r.warnings, [{ kind: 'recorded-gap', seq: 6, cause: 'unclean-shutdown', tornBytes: torn.length }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
