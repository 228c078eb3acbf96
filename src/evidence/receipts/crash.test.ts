import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ReceiptRecord } from './format.ts';
import { generateSigningKey, writeKeyPair } from './keys.ts';
import { verifyReceipts } from './verify.ts';
import { createReceiptWriter } from './writer.ts';

const CHILD = join(import.meta.dirname, 'crash-writer.child.ts');
const READY_AFTER = 300;

/** Runs the child writer, waits for "ready N" (N decisions durable), then kills it with SIGKILL. */
function runAndKill(file: string, keyFile: string): Promise<{ pid: number; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, keyFile, String(READY_AFTER)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(`ready ${READY_AFTER}\n`)) child.kill('SIGKILL');
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited ${code} ${signal}: ${out} ${err}`));
      else resolve({ pid: child.pid as number, signal });
    });
  });
}

describe('receipts survive kill -9', () => {
  it('after SIGKILL mid-write, reopening reports the damage, appends a gap, keeps every earlier record, and the chain verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-crash-'));
    const file = join(dir, 'receipts.jsonl');
    const key = generateSigningKey();
    const { privateFile } = writeKeyPair(key, join(dir, 'keys', 'receipts-ed25519.pem'));
    const { pid } = await runAndKill(file, privateFile);

    const before = readFileSync(file);
    const w = await createReceiptWriter({ file, privateKey: key.privateKey });
    const opened = w.opened;
    assert.equal(opened.uncleanShutdown, true);
    assert.equal(opened.staleLockPid, pid, 'the dead writer’s lock is taken over and named');
    const tornBytes = opened.torn?.bytes ?? 0;
    assert.equal(tornBytes, before.length - before.lastIndexOf(0x0a) - 1, 'exactly the bytes after the last newline are cut');
    await w.close();

    const after = readFileSync(file);
    const kept = before.length - tornBytes;
    assert.ok(after.subarray(0, kept).equals(before.subarray(0, kept)), 'nothing before the damage is lost or changed');
    const recs = after.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ReceiptRecord);
    const ids = recs.flatMap((r) => (r.type === 'decision' ? [r.requestId] : []));
    assert.ok(ids.length >= READY_AFTER);
    assert.deepEqual(ids.slice(0, READY_AFTER), Array.from({ length: READY_AFTER }, (_, i) => `req-${i}`));
    const gap = recs.find((r) => r.type === 'gap');
    assert.equal(gap?.type === 'gap' && gap.cause, 'unclean-shutdown');
    assert.equal(gap?.seq, opened.resumedFrom ? opened.resumedFrom.seq + 1 : -1);

    const v = verifyReceipts(after);
    assert.equal(v.broken, undefined, JSON.stringify(v.broken));
    assert.equal(v.status, 'incomplete');
    assert.equal(v.warnings[0]?.kind, 'recorded-gap');
    assert.deepEqual(v.lastCheckpoint?.trigger, 'close');
  });
});
