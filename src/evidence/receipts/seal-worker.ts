/**
 * The seal worker: a thread that seals the receipts writer's batches (sealBatch: canonical text,
 * Ed25519 signature, hash) so that the ~0.1 ms per record of signing and encoding is not spent on
 * the thread that relays traffic. Nothing here touches a file; the writer appends what it returns.
 */
import { parentPort } from 'node:worker_threads';
import { reviveKey, sealBatch, unpooledKey, type SealEntry } from './seal-batch.ts';
import type { ChainHead } from './chain.ts';

export interface SealRequest {
  readonly id: number;
  readonly head: ChainHead;
  readonly entries: readonly SealEntry[];
  readonly every: number;
  readonly time: string;
}

export type SealReply =
  | { readonly id: number; readonly ok: true; readonly result: ReturnType<typeof sealBatch> }
  | { readonly id: number; readonly ok: false; readonly message: string };

parentPort?.on('message', (m: SealRequest) => {
  let reply: SealReply;
  try {
    const head = { ...m.head, key: reviveKey(m.head.key) };
    const entries = m.entries.map((e) => (e.op === 'rotate' ? { ...e, key: reviveKey(e.key) } : e));
    const r = sealBatch(head, entries, m.every, m.time);
    // the lines as a buffer of their own (a small one is a view into Node's 8 KB pool, which a copy would carry whole)
    reply = { id: m.id, ok: true, result: { ...r, bytes: new Uint8Array(r.bytes), head: { ...r.head, key: unpooledKey(r.head.key) } } };
  } catch (err) {
    reply = { id: m.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(reply);
});
