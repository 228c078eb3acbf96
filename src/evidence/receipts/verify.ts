/**
 * Offline verification of a receipts file: no config, no network. Checks, record by record:
 * the line is canonical JSON of a valid record; the signer is the chain's current key (the
 * genesis key, pinned or embedded, then each key-rotation); the signature; seq continuity;
 * the prev link; checkpoint contents. Stops at the first broken record and names it.
 *
 * Result status:
 * - `ok`: every record holds, the file ends in a `close` checkpoint (or at the anchor), and the
 *   chain records no gap.
 * - `incomplete`: every record holds, but the chain records a gap (events dropped, an unclean
 *   shutdown) or its tail after the last close checkpoint is not anchored (the writer is still
 *   running, crashed, or the tail was cut at a line boundary; only an anchor can tell).
 * - `broken`: the first record that does not hold, with a reason from BROKEN_REASONS.
 */
import { canonicalBytes, canonicalize } from './canonical.ts';
import { checkRecord, GENESIS_PREV, sha256Hex, LIMITS, type GapCause, type ReceiptRecord, type RecordType } from './format.ts';
import { readLines } from './file-lines.ts';
import { keyIdOf, verifyBytes, verifyingKeyFromRaw, type VerifyingKey } from './keys.ts';

export const BROKEN_REASONS = [
  'malformed',
  'torn-line',
  'unknown-key',
  'bad-signature',
  'gap',
  'reorder',
  'duplicate',
  'broken-link',
  'checkpoint-mismatch',
  'truncated-after-checkpoint',
] as const;
export type BrokenReason = (typeof BROKEN_REASONS)[number];

export interface Broken {
  /** The first seq the chain cannot vouch for (every seq below it verified). */
  readonly seq: number;
  /** 1-based line of the file where it was found. */
  readonly line: number;
  readonly reason: BrokenReason;
  readonly detail: string;
}

export type VerifyWarning =
  | { readonly kind: 'recorded-gap'; readonly seq: number; readonly cause: GapCause; readonly lost?: number; readonly tornBytes?: number }
  /** The file does not end at a close checkpoint or an anchor: `records` records follow the last checkpoint or anchor (`afterSeq`). */
  | { readonly kind: 'unanchored-tail'; readonly records: number; readonly afterSeq: number | null };

export interface KeyUse {
  readonly keyId: string;
  /** First seq this key signs. */
  readonly fromSeq: number;
  /** pinned: given by the caller; embedded: taken from the genesis record; rotation: named by a key-rotation record. */
  readonly trust: 'pinned' | 'embedded' | 'rotation';
}

export interface VerifyResult {
  readonly status: 'ok' | 'incomplete' | 'broken';
  /** Records verified: the chain holds for seq 0 .. records-1. */
  readonly records: number;
  /** Hash of the last verified record (what to publish as an anchor), null when none. */
  readonly head: string | null;
  readonly chainId: string | null;
  readonly counts: Readonly<Record<RecordType, number>>;
  readonly keys: readonly KeyUse[];
  readonly lastCheckpoint: { readonly seq: number; readonly trigger: 'interval' | 'close' } | null;
  readonly broken?: Broken;
  readonly warnings: readonly VerifyWarning[];
}

export interface VerifyOptions {
  /** Keys the chain must start with. Without them the genesis record's own key is trusted (and reported as such). */
  readonly trustedKeys?: readonly VerifyingKey[];
  /** Hash of a record published elsewhere; the file must contain it. */
  readonly anchor?: string;
  /** The file must hold at least this many records. */
  readonly expectCount?: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const MAX_KEYS_KEPT = 256;

/** Feed it lines (without their newline), then call end(). Memory stays bounded by one line. */
export class ReceiptVerifier {
  readonly #opts: VerifyOptions;
  #lineNo = 0;
  #records = 0;
  #prev = GENESIS_PREV;
  #key: VerifyingKey | null = null;
  #chainId: string | null = null;
  #broken: Broken | null = null;
  /** After a forward jump: the missing seq, to tell a gap (never seen) from a reorder (seen later). */
  #missing: number | null = null;
  #anchorSeq: number | null = null;
  #lastClose: number | null = null;
  #lastCheckpoint: VerifyResult['lastCheckpoint'] = null;
  readonly #counts: Record<RecordType, number> = { genesis: 0, decision: 0, checkpoint: 0, 'key-rotation': 0, gap: 0 };
  readonly #keys: KeyUse[] = [];
  readonly #retired = new Set<string>();
  readonly #warnings: VerifyWarning[] = [];

  constructor(options: VerifyOptions = {}) {
    this.#opts = options;
  }

  /** True once a record failed: later lines are no longer vouched for. */
  get isBroken(): boolean {
    return this.#broken !== null;
  }

  #break(reason: BrokenReason, detail: string): void {
    this.#broken = { seq: this.#records, line: this.#lineNo, reason, detail };
  }

  /** One oversized line (longer than LIMITS.line): counted, never buffered. */
  oversized(length: number): void {
    this.#lineNo++;
    if (!this.#broken) this.#break('malformed', `line is ${length} bytes, over the ${LIMITS.line}-byte limit for a record`);
  }

  line(bytes: Uint8Array): void {
    this.#lineNo++;
    if (this.#broken) {
      if (this.#missing !== null && this.#broken.reason === 'gap' && seqOf(bytes) === this.#missing) {
        const b = this.#broken;
        this.#broken = { ...b, reason: 'reorder', detail: `${b.detail}; seq ${this.#missing} appears later, at line ${this.#lineNo}` };
      }
      return;
    }
    if (bytes.length > LIMITS.line) return this.#break('malformed', `line is ${bytes.length} bytes, over the ${LIMITS.line}-byte limit for a record`);
    const parsed = parseLine(bytes);
    if (!parsed.ok) return this.#break('malformed', parsed.error);
    const { record, hash } = parsed;
    if (this.#records === 0) this.#first(record, hash);
    else this.#next(record, hash);
  }

  #first(record: ReceiptRecord, hash: string): void {
    if (record.type !== 'genesis') {
      if (record.seq !== 0) return this.#seqProblem(record.seq);
      return this.#break('malformed', `the first record is a ${record.type} record; a chain starts with a genesis record`);
    }
    let embedded: VerifyingKey;
    try {
      embedded = verifyingKeyFromRaw(Buffer.from(record.publicKey, 'base64url'));
    } catch {
      return this.#break('malformed', 'the genesis public key is not an Ed25519 key');
    }
    if (embedded.keyId !== record.keyId) return this.#break('unknown-key', `the genesis record names key ${record.keyId} but carries the public key of ${embedded.keyId}`);
    let trust: KeyUse['trust'] = 'embedded';
    let key = embedded;
    const pinned = this.#opts.trustedKeys;
    if (pinned && pinned.length > 0) {
      const match = pinned.find((k) => k.keyId === record.keyId && k.raw.equals(embedded.raw));
      if (!match) return this.#break('unknown-key', `the chain starts with key ${record.keyId}, which is not a trusted key (${pinned.map((k) => k.keyId).join(', ')})`);
      key = match;
      trust = 'pinned';
    }
    if (!verifyBytes(key, unsignedBytes(record), Buffer.from(record.sig, 'base64url'))) return this.#break('bad-signature', 'the genesis signature does not match its content');
    if (record.seq !== 0) return this.#seqProblem(record.seq);
    if (record.prev !== GENESIS_PREV) return this.#break('broken-link', 'the genesis record does not link to the genesis value (64 zeros)');
    this.#key = key;
    this.#keys.push({ keyId: key.keyId, fromSeq: 0, trust });
    this.#chainId = record.chainId;
    this.#accept(record, hash);
  }

  #next(record: ReceiptRecord, hash: string): void {
    const key = this.#key;
    if (!key || record.keyId !== key.keyId) {
      if (record.seq !== this.#records) return this.#seqProblem(record.seq);
      const retired = this.#retired.has(record.keyId);
      return this.#break('unknown-key', `signed by ${retired ? 'retired' : 'unknown'} key ${record.keyId}; the chain's key at this point is ${key?.keyId ?? 'none'}`);
    }
    if (!verifyBytes(key, unsignedBytes(record), Buffer.from(record.sig, 'base64url'))) return this.#break('bad-signature', 'the signature does not match the record content');
    if (record.seq !== this.#records) return this.#seqProblem(record.seq);
    if (record.prev !== this.#prev) return this.#break('broken-link', `prev does not match the hash of seq ${this.#records - 1}`);
    switch (record.type) {
      case 'genesis':
        return this.#break('malformed', 'a second genesis record inside the chain');
      case 'checkpoint':
        if (record.count !== record.seq) return this.#break('checkpoint-mismatch', `checkpoint count ${record.count} but ${record.seq} records precede it`);
        if (record.head !== record.prev) return this.#break('checkpoint-mismatch', 'checkpoint head is not the hash of the record before it');
        break;
      case 'key-rotation': {
        let next: VerifyingKey;
        try {
          next = verifyingKeyFromRaw(Buffer.from(record.newPublicKey, 'base64url'));
        } catch {
          return this.#break('malformed', 'the new public key is not an Ed25519 key');
        }
        if (next.keyId !== record.newKeyId || keyIdOf(next.raw) !== record.newKeyId) return this.#break('malformed', 'newKeyId is not the id of newPublicKey');
        this.#accept(record, hash);
        if (this.#retired.size < MAX_KEYS_KEPT) this.#retired.add(key.keyId);
        this.#key = next;
        // A hostile file may rotate keys without end: the list reported is bounded (first and latest).
        if (this.#keys.length >= MAX_KEYS_KEPT) this.#keys.splice(1, 1);
        this.#keys.push({ keyId: next.keyId, fromSeq: record.seq + 1, trust: 'rotation' });
        return;
      }
      case 'gap':
        this.#warnings.push({
          kind: 'recorded-gap',
          seq: record.seq,
          cause: record.cause,
          ...(record.lost !== undefined ? { lost: record.lost } : {}),
          ...(record.tornBytes !== undefined ? { tornBytes: record.tornBytes } : {}),
        });
        break;
      case 'decision':
        break;
    }
    this.#accept(record, hash);
  }

  #seqProblem(seq: number): void {
    const expected = this.#records;
    if (seq < expected) return this.#break('duplicate', `line ${this.#lineNo} repeats seq ${seq}, already verified`);
    this.#missing = expected;
    this.#break('gap', `seq ${expected} is missing: line ${this.#lineNo} holds seq ${seq}`);
  }

  #accept(record: ReceiptRecord, hash: string): void {
    this.#counts[record.type]++;
    if (record.type === 'checkpoint') {
      this.#lastCheckpoint = { seq: record.seq, trigger: record.trigger };
      if (record.trigger === 'close') this.#lastClose = record.seq;
    }
    if (this.#opts.anchor !== undefined && hash === this.#opts.anchor) this.#anchorSeq = record.seq;
    this.#prev = hash;
    this.#records++;
  }

  /** `torn`: whatever followed the last newline (empty when the file ends with one); `tornLength` its full length when only a prefix is passed. */
  end(torn: Uint8Array = new Uint8Array(0), tornLength = torn.length): VerifyResult {
    if (!this.#broken && torn.length > 0) {
      this.#lineNo++;
      this.#break('torn-line', `the file ends with ${tornLength} bytes that are not a complete line (a write cut short)`);
    } else if (torn.length > 0 && this.#missing !== null && this.#broken?.reason === 'gap' && seqOf(torn) === this.#missing) {
      this.#broken = { ...this.#broken, reason: 'reorder' };
    }
    if (!this.#broken && this.#records === 0) this.#break('malformed', 'the file holds no records');
    const { expectCount, anchor } = this.#opts;
    if (!this.#broken && expectCount !== undefined && this.#records < expectCount) {
      this.#lineNo++;
      this.#break('truncated-after-checkpoint', `expected at least ${expectCount} records, the file ends after ${this.#records}`);
    }
    if (!this.#broken && anchor !== undefined && this.#anchorSeq === null) {
      this.#lineNo++;
      this.#break('truncated-after-checkpoint', `no record has the anchor hash ${anchor.slice(0, 16)}…: the file was cut before it, or the anchor belongs to another chain`);
    }
    const warnings = [...this.#warnings];
    if (!this.#broken) {
      // Anchored: up to a close checkpoint, the anchor, or the expected count. Anything after that
      // may have been cut off at a line boundary without a trace in the file itself.
      const through = Math.max(this.#lastClose ?? -1, this.#anchorSeq ?? -1, expectCount !== undefined ? expectCount - 1 : -1);
      if (through < this.#records - 1) {
        const after = Math.max(through, this.#lastCheckpoint?.seq ?? -1);
        warnings.push({ kind: 'unanchored-tail', records: this.#records - 1 - after, afterSeq: after >= 0 ? after : null });
      }
    }
    return {
      status: this.#broken ? 'broken' : warnings.length > 0 ? 'incomplete' : 'ok',
      records: this.#records,
      head: this.#records > 0 ? this.#prev : null,
      chainId: this.#chainId,
      counts: { ...this.#counts },
      keys: [...this.#keys],
      lastCheckpoint: this.#lastCheckpoint,
      ...(this.#broken ? { broken: this.#broken } : {}),
      warnings,
    };
  }
}

function unsignedBytes(record: ReceiptRecord): Buffer {
  const { sig: _sig, ...rest } = record;
  return canonicalBytes(rest);
}

type Parsed = { ok: true; record: ReceiptRecord; hash: string } | { ok: false; error: string };

/** Bytes → a valid record, or why not. The bytes must be exactly the record's canonical JSON. */
export function parseLine(bytes: Uint8Array): Parsed {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, error: 'line is not valid UTF-8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'line is not JSON' };
  }
  let canonical: string;
  try {
    canonical = canonicalize(value);
  } catch (err) {
    return { ok: false, error: `line cannot be canonical JSON (${(err as Error).message})` };
  }
  if (canonical !== text) return { ok: false, error: 'line is not in RFC 8785 canonical form' };
  const checked = checkRecord(value);
  if (!checked.ok) return { ok: false, error: checked.error };
  return { ok: true, record: checked.record, hash: sha256Hex(bytes) };
}

/** The seq a line claims, if it parses at all (used only to tell a reorder from a gap). */
function seqOf(bytes: Uint8Array): number | null {
  try {
    const v = JSON.parse(decoder.decode(bytes)) as { seq?: unknown };
    return typeof v === 'object' && v !== null && typeof v.seq === 'number' ? v.seq : null;
  } catch {
    return null;
  }
}

/** Verifies a receipts file, reading it with bounded memory. */
export async function verifyReceiptsFile(file: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const v = new ReceiptVerifier(options);
  const { torn, tornLength } = await readLines(file, v);
  return v.end(torn, tornLength);
}

/** Splits a whole file's bytes into lines and verifies them. */
export function verifyReceipts(input: string | Uint8Array, options: VerifyOptions = {}): VerifyResult {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const v = new ReceiptVerifier(options);
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl < 0) break;
    v.line(bytes.subarray(start, nl));
    start = nl + 1;
  }
  return v.end(bytes.subarray(start));
}
