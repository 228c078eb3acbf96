/**
 * Test helper for the kill -9 test (not part of Tollgate): writes receipts until it is killed.
 * argv: RECEIPTS_FILE KEY_PEM_FILE READY_AFTER. Prints "ready N" once N decisions are durable
 * and more are being written, then keeps emitting (for at most 20 s).
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sampleEvent } from './testing.ts';
import { createReceiptWriter } from './writer.ts';

const [file, keyFile, readyAfterText] = process.argv.slice(2);
if (!file || !keyFile || !readyAfterText) throw new Error('usage: crash-writer.child.ts FILE KEY READY_AFTER');
const readyAfter = Number(readyAfterText);
const writer = await createReceiptWriter({ file, privateKey: createPrivateKey(readFileSync(keyFile)), checkpointEvery: 50 });
let i = 0;
for (; i < readyAfter; i++) writer.emit(sampleEvent(i));
await writer.flush();
const durable = i;
let signalled = false;
// Bounded, in case the parent never kills it: stop after 20 s or 50,000 more events.
const deadline = Date.now() + 20_000;
while (Date.now() < deadline && i < readyAfter + 50_000) {
  for (let k = 0; k < 64; k++) writer.emit(sampleEvent(i++, { reason: 'x'.repeat(900) }));
  await new Promise((resolve) => setImmediate(resolve));
  // Signal only once later batches are in flight, so the kill lands mid-stream.
  if (!signalled && i >= durable + 256) {
    signalled = true;
    process.stdout.write(`ready ${durable}\n`);
  }
}
await writer.close();
process.exit(3);
