/**
 * Sealing records into a chain: assign seq, link prev, sign, serialise. No file I/O here;
 * the writer and the tests both build chains through this one piece.
 */
import { randomBytes } from 'node:crypto';
import { canonicalObject } from './canonical.ts';
import { FORMAT_VERSION, GENESIS_PREV, sha256Hex, type CheckpointRecord, type ReceiptRecord, type RecordBody } from './format.ts';
import { signBytes, type SigningKey } from './keys.ts';

export interface Sealed {
  readonly record: ReceiptRecord;
  /** Canonical JSON bytes followed by "\n": exactly what goes into the file. */
  readonly line: Buffer;
  /** Hex SHA-256 of the line without its newline: the next record's prev. */
  readonly hash: string;
}

/** Where a chain stands: everything needed to append the next record. */
export interface ChainHead {
  /** Seq the next record gets. */
  readonly nextSeq: number;
  /** Hash of the last record (GENESIS_PREV before the first). */
  readonly prev: string;
  readonly key: SigningKey;
  /** Records appended since the last checkpoint. */
  readonly sinceCheckpoint: number;
  /** The last record's type and, for checkpoints, trigger (null before the first record). */
  readonly last: { readonly type: ReceiptRecord['type']; readonly trigger?: CheckpointRecord['trigger'] } | null;
}

export function sealRecord(head: ChainHead, body: RecordBody, now: () => Date): { sealed: Sealed; head: ChainHead } {
  const { time, ...rest } = body;
  const unsigned = { ...rest, v: FORMAT_VERSION, seq: head.nextSeq, time: time ?? now().toISOString(), keyId: head.key.keyId, prev: head.prev };
  // One canonical pass: the text signed (without sig) and the text stored (with it) share it.
  const canonical = canonicalObject(unsigned);
  const sig = signBytes(head.key, Buffer.from(canonical.text, 'utf8')).toString('base64url');
  const record = { ...unsigned, sig } as ReceiptRecord;
  const text = canonical.with('sig', sig);
  const hash = sha256Hex(text);
  const line = Buffer.from(`${text}\n`, 'utf8');
  const isCheckpoint = record.type === 'checkpoint';
  const next: ChainHead = {
    nextSeq: head.nextSeq + 1,
    prev: hash,
    // A key-rotation record is signed by the old key; everything after it by the new one.
    key: head.key,
    sinceCheckpoint: isCheckpoint ? 0 : head.sinceCheckpoint + 1,
    last: isCheckpoint ? { type: 'checkpoint', trigger: record.trigger } : { type: record.type },
  };
  return { sealed: { record, line, hash }, head: next };
}

/** A fresh chain: the head before genesis, and the genesis body naming the key. */
export function newChain(key: SigningKey): { head: ChainHead; genesis: RecordBody } {
  return {
    head: { nextSeq: 0, prev: GENESIS_PREV, key, sinceCheckpoint: 0, last: null },
    genesis: { type: 'genesis', publicKey: key.raw.toString('base64url'), chainId: randomBytes(16).toString('hex') },
  };
}

export function checkpointBody(head: ChainHead, trigger: CheckpointRecord['trigger']): RecordBody {
  return { type: 'checkpoint', count: head.nextSeq, head: head.prev, trigger };
}

export function rotationBody(next: SigningKey): RecordBody {
  return { type: 'key-rotation', newKeyId: next.keyId, newPublicKey: next.raw.toString('base64url') };
}

/**
 * A small in-memory chain builder (tests, tools): append bodies, get the file text.
 * `rotate` appends the key-rotation record (signed by the current key) and switches keys.
 */
export class ChainBuilder {
  #head: ChainHead;
  readonly #now: () => Date;
  readonly lines: Buffer[] = [];
  constructor(key: SigningKey, now: () => Date = () => new Date()) {
    const { head, genesis } = newChain(key);
    this.#head = head;
    this.#now = now;
    this.append(genesis);
  }
  get head(): ChainHead {
    return this.#head;
  }
  append(body: RecordBody): Sealed {
    const { sealed, head } = sealRecord(this.#head, body, this.#now);
    this.#head = head;
    this.lines.push(sealed.line);
    return sealed;
  }
  checkpoint(trigger: CheckpointRecord['trigger'] = 'interval'): Sealed {
    return this.append(checkpointBody(this.#head, trigger));
  }
  rotate(next: SigningKey): Sealed {
    const sealed = this.append(rotationBody(next));
    this.#head = { ...this.#head, key: next };
    return sealed;
  }
  bytes(): Buffer {
    return Buffer.concat(this.lines);
  }
}
