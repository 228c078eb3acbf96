/**
 * Sealing records into a chain: assign seq, link prev, sign, serialise. No file I/O here;
 * the writer and the tests both build chains through this one piece.
 */
import { randomBytes } from 'node:crypto';
import { canonicalObject } from './canonical.ts';
import { decisionTexts } from './canonical-decision.ts';
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

/** A sealed record as text (the writer joins a batch's texts into one buffer). */
export interface SealedText {
  /** Canonical JSON of the record, signature included, without the newline. */
  readonly text: string;
  /** Hex SHA-256 of text: the next record's prev. */
  readonly hash: string;
  /** The record as an object (built on first use, from the body given to sealText). */
  readonly record: ReceiptRecord;
}

/**
 * Seals one record: assigns seq, time (unless the body has one), keyId and prev, signs the
 * canonical text without `sig` and returns the canonical text with it. A decision body takes the
 * fast path (canonical-decision.ts, same bytes); every other body the general canonicaliser.
 */
export function sealText(head: ChainHead, body: RecordBody, now: () => Date): { sealed: SealedText; head: ChainHead } {
  const time = body.time ?? now().toISOString();
  const seq = head.nextSeq;
  const keyId = head.key.keyId;
  const prev = head.prev;
  const fast = body.type === 'decision' ? decisionTexts(body, seq, time, keyId, prev) : undefined;
  let text: string;
  let sig: string;
  /** The record without sig as an object; the fast path never needs it, so it is built on demand. */
  let unsigned: object | null = null;
  const unsignedRecord = (): object => {
    if (unsigned === null) {
      const { time: _time, ...rest } = body;
      unsigned = { ...rest, v: FORMAT_VERSION, seq, time, keyId, prev };
    }
    return unsigned;
  };
  if (fast) {
    sig = signBytes(head.key, Buffer.from(`{${fast.before},${fast.after}}`, 'utf8')).toString('base64url');
    text = `{${fast.before},"sig":"${sig}",${fast.after}}`;
  } else {
    // One canonical pass: the text signed (without sig) and the text stored (with it) share it.
    const canonical = canonicalObject(unsignedRecord());
    sig = signBytes(head.key, Buffer.from(canonical.text, 'utf8')).toString('base64url');
    text = canonical.with('sig', sig);
  }
  const hash = sha256Hex(text);
  let record: ReceiptRecord | undefined;
  const sealed: SealedText = {
    text,
    hash,
    get record(): ReceiptRecord {
      record ??= { ...unsignedRecord(), sig } as ReceiptRecord;
      return record;
    },
  };
  const isCheckpoint = body.type === 'checkpoint';
  const next: ChainHead = {
    nextSeq: seq + 1,
    prev: hash,
    // A key-rotation record is signed by the old key; everything after it by the new one.
    key: head.key,
    sinceCheckpoint: isCheckpoint ? 0 : head.sinceCheckpoint + 1,
    last: isCheckpoint ? { type: 'checkpoint', trigger: body.trigger } : { type: body.type },
  };
  return { sealed, head: next };
}

/** A sealed record as the bytes of its line (the writer's form: no text or record kept). */
export interface SealedLine {
  /** Canonical JSON of the record, signature included, then "\n" (UTF-8). */
  readonly line: Buffer;
  /** Hex SHA-256 of the line without its newline: the next record's prev. */
  readonly hash: string;
}

/**
 * sealText, but straight to the bytes of the line: a decision record's canonical texts are
 * encoded once into the line's buffer, signed there (the text without sig is the line's start,
 * up to where sig goes, followed by the rest), then the rest is moved over to make room for sig,
 * and the line is hashed as bytes. The same bytes and hash as sealText (the differential test in
 * chain-line.test.ts holds it to that); any other body is sealed by sealText and encoded.
 */
export function sealLine(head: ChainHead, body: RecordBody, now: () => Date): { sealed: SealedLine; head: ChainHead } {
  const time = body.time ?? now().toISOString();
  const fast = body.type === 'decision' ? decisionTexts(body, head.nextSeq, time, head.key.keyId, head.prev) : undefined;
  if (!fast) {
    const r = sealText(head, body, now);
    return { sealed: { line: Buffer.from(`${r.sealed.text}\n`, 'utf8'), hash: r.sealed.hash }, head: r.head };
  }
  // `{` before `,` after `}`: the unsigned text; sig goes between before's comma and after.
  const beforeBytes = Buffer.byteLength(fast.before, 'utf8');
  const afterBytes = Buffer.byteLength(fast.after, 'utf8');
  const at = beforeBytes + 2;
  const unsignedEnd = at + afterBytes + 1;
  const sigText = SIG_MEMBER_BYTES;
  const line = Buffer.allocUnsafe(unsignedEnd + sigText + 1);
  line[0] = 0x7b; // {
  const wrote = line.write(fast.before, 1, beforeBytes, 'utf8') + line.write(fast.after, at, afterBytes, 'utf8');
  if (wrote !== beforeBytes + afterBytes) throw new Error('a decision record did not encode to its measured length');
  line[at - 1] = 0x2c; // ,
  line[unsignedEnd - 1] = 0x7d; // }
  const sig = signBytes(head.key, line.subarray(0, unsignedEnd)).toString('base64url');
  const member = `"sig":"${sig}",`;
  if (member.length !== sigText) throw new Error(`unexpected signature length ${sig.length}`);
  line.copyWithin(at + sigText, at, unsignedEnd);
  line.write(member, at, sigText, 'latin1');
  line[line.length - 1] = 0x0a; // \n
  const hash = sha256Hex(line.subarray(0, line.length - 1));
  const next: ChainHead = { nextSeq: head.nextSeq + 1, prev: hash, key: head.key, sinceCheckpoint: head.sinceCheckpoint + 1, last: DECISION_LAST };
  return { sealed: { line, hash }, head: next };
}

/** `"sig":"` + 86 base64url characters (a 64-byte Ed25519 signature) + `",`. */
const SIG_MEMBER_BYTES = 7 + 86 + 2;
const DECISION_LAST: ChainHead['last'] = { type: 'decision' };

export function sealRecord(head: ChainHead, body: RecordBody, now: () => Date): { sealed: Sealed; head: ChainHead } {
  const r = sealText(head, body, now);
  // The record object is built now, from the body as it is now (sealText defers it; the writer never needs it).
  const sealed: Sealed = { record: r.sealed.record, line: Buffer.from(`${r.sealed.text}\n`, 'utf8'), hash: r.sealed.hash };
  return { sealed, head: r.head };
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
