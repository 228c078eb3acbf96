/**
 * Sealing one batch of the receipts writer: from the chain head and the batch's entries, the
 * bytes of its lines and the head after them. A pure function of its arguments (the writer's clock
 * comes in as the batch's `time`), so the writer's thread and the seal worker (seal-worker.ts)
 * produce the same bytes; the differential test in sealer.test.ts holds them to that.
 */
import { checkpointBody, rotationBody, sealLine, type ChainHead } from './chain.ts';
import type { RecordBody } from './format.ts';
import type { SigningKey } from './keys.ts';

/** One entry of a batch, in order. */
export type SealEntry =
  /** A decision (it carries its own time) or a gap record; an `interval` checkpoint follows it when one is due. */
  | { readonly op: 'record'; readonly body: RecordBody }
  /** Nothing to seal (a flush barrier: it only waits for the batch). */
  | { readonly op: 'barrier' }
  /** A checkpoint now (a `close` checkpoint right after another says nothing new and is skipped). */
  | { readonly op: 'checkpoint'; readonly trigger: 'interval' | 'close' }
  /** A key-rotation record signed by the current key; later records are signed by `key`. */
  | { readonly op: 'rotate'; readonly key: SigningKey };

export interface SealResult {
  /** The batch's lines, joined (empty when nothing was sealed). */
  readonly bytes: Uint8Array;
  readonly head: ChainHead;
  /** Records sealed (checkpoints and gaps included). */
  readonly records: number;
  /** Entries that could not be sealed (a body that cannot be canonicalised), by index, with why. */
  readonly failed: readonly { readonly index: number; readonly message: string }[];
}

/** A key copied between threads: the KeyObjects survive the copy, the raw public key arrives as a plain Uint8Array. */
export function reviveKey(key: SigningKey): SigningKey {
  const raw: Uint8Array = key.raw;
  return Buffer.isBuffer(raw) ? key : { ...key, raw: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) };
}

/**
 * The key with its raw public key in a buffer of its own: a small Buffer is usually a view into
 * Node's shared 8 KB pool, and a copy to another thread would carry the whole pool.
 */
export function unpooledKey(key: SigningKey): SigningKey {
  const raw = Buffer.alloc(key.raw.length);
  raw.set(key.raw);
  return { ...key, raw };
}

/**
 * Seals `entries` after `head`, with an interval checkpoint after every `every` records. Records
 * without a time of their own (gaps, checkpoints, rotations) get `time`: the writer's clock when
 * it took the batch.
 */
export function sealBatch(head: ChainHead, entries: readonly SealEntry[], every: number, time: string): SealResult {
  let h = head;
  const lines: Uint8Array[] = [];
  let size = 0;
  let records = 0;
  const failed: { index: number; message: string }[] = [];
  const clock = (): Date => new Date(time);
  const seal = (body: RecordBody): void => {
    const r = sealLine(h, body, clock);
    h = r.head;
    lines.push(r.sealed.line);
    size += r.sealed.line.length;
    records++;
  };
  const sealWithInterval = (body: RecordBody): void => {
    seal(body);
    if (h.sinceCheckpoint >= every) seal(checkpointBody(h, 'interval'));
  };
  entries.forEach((e, index) => {
    try {
      switch (e.op) {
        case 'record':
          sealWithInterval(e.body);
          break;
        case 'barrier':
          break;
        case 'checkpoint':
          if (!(e.trigger === 'close' && h.last?.type === 'checkpoint' && h.last.trigger === 'close')) seal(checkpointBody(h, e.trigger));
          break;
        case 'rotate':
          sealWithInterval(rotationBody(e.key));
          h = { ...h, key: e.key };
          break;
      }
    } catch (err) {
      failed.push({ index, message: err instanceof Error ? err.message : String(err) });
    }
  });
  const bytes = records === 0 ? new Uint8Array(0) : records === 1 ? (lines[0] as Uint8Array) : Buffer.concat(lines, size);
  return { bytes, head: h, records, failed };
}
