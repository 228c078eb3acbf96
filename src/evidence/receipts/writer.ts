/**
 * The receipts writer: a DecisionSink that turns every decision event into a signed, chained
 * record in an append-only file.
 *
 * - emit() never throws and never waits: it converts the event, queues it (bounded) and
 *   returns. A full queue drops the event and counts it; the count goes into the chain as a
 *   `gap` record (cause `dropped`) before the next record.
 * - One async loop appends: everything queued while the previous batch was being written goes
 *   out as the next batch (group commit), as one write(2) on an O_APPEND descriptor, then one
 *   fdatasync (unless fsync is off; on Linux the descriptor is O_DSYNC instead, the same
 *   guarantee in one call). Seq numbers are given in that one loop, so concurrent emitters
 *   always make one gap-free chain.
 * - A checkpoint every `checkpointEvery` records, and a `close` checkpoint at close().
 * - On open: the tail is read and its last record checked (format, signature by a key we hold).
 *   Bytes after the last newline (a torn write) are moved to a side file and cut off; a chain
 *   whose last record is not a `close` checkpoint gets a `gap` record (cause `unclean-shutdown`)
 *   naming the torn bytes, and goes on from the last valid record.
 */
import type { KeyObject } from 'node:crypto';
import type { OpenReport, ReceiptWriter, ReceiptWriterOptions, ReceiptWriterStats } from './writer-types.ts';
import { constants as fsConstants, mkdirSync } from 'node:fs';
import { open, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { DecisionEvent } from '../../core/index.ts';
import { newChain, type ChainHead } from './chain.ts';
import { sealBatch, type SealEntry, type SealResult } from './seal-batch.ts';
import { IN_THREAD, type Sealer } from './sealer.ts';
import { ReceiptsError } from './errors.ts';
import { decisionBody, sha256Hex, type GapCause, type RecordBody } from './format.ts';
import { fsyncDir, signingKeyFrom, verifyBytes, type SigningKey } from './keys.ts';
import { acquireLock, type FileLock } from './lock.ts';
import { readTail } from './tail.ts';
import { parseLine } from './verify.ts';
import { canonicalBytes } from './canonical.ts';

type Control =
  | { readonly op: 'barrier' }
  | { readonly op: 'checkpoint'; readonly trigger: 'interval' | 'close' }
  | { readonly op: 'rotate'; readonly key: SigningKey }
  | { readonly op: 'gap'; readonly cause: GapCause; readonly tornBytes?: number; readonly tornSha256?: string };
type Item =
  | { readonly kind: 'decision'; readonly body: RecordBody }
  | { readonly kind: 'control'; readonly control: Control; readonly done: (err: Error | null) => void };

/**
 * On Linux, 'a+' plus O_DSYNC: each write(2) returns only once its data (and the size) is on
 * disk, as write + fdatasync would, but in one thread-pool trip instead of two (measured: about
 * 60 µs CPU less per batch of one). Elsewhere null, and the writer calls datasync: on macOS
 * libuv's datasync is F_FULLFSYNC, which O_DSYNC does not match.
 */
const DSYNC_APPEND: number | null =
  process.platform === 'linux' && fsConstants.O_DSYNC ? fsConstants.O_RDWR | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_DSYNC : null;

export type { OpenReport, ReceiptWriter, ReceiptWriterOptions, ReceiptWriterStats } from './writer-types.ts';

/** Opens (or creates) a receipts file and returns a writer ready for events. */
export async function createReceiptWriter(options: ReceiptWriterOptions): Promise<ReceiptWriter> {
  const w = new Writer(options);
  await w.open();
  return w;
}

/** A control item as a seal entry (gap controls are records: the writer's own gap bodies). */
function controlEntry(c: Control): SealEntry {
  switch (c.op) {
    case 'barrier':
      return { op: 'barrier' };
    case 'checkpoint':
      return { op: 'checkpoint', trigger: c.trigger };
    case 'rotate':
      return { op: 'rotate', key: c.key };
    case 'gap':
      return { op: 'record', body: { type: 'gap', cause: c.cause, ...(c.tornBytes !== undefined ? { tornBytes: c.tornBytes, tornSha256: c.tornSha256 as string } : {}) } };
  }
}

class Writer implements ReceiptWriter {
  readonly file: string;
  #opened: OpenReport | null = null;
  readonly #opts: ReceiptWriterOptions;
  readonly #now: () => Date;
  readonly #every: number;
  readonly #maxQueue: number;
  readonly #maxBatch: number;
  readonly #fsync: boolean;
  readonly #sealer: Sealer;
  #keys: SigningKey[];
  #fh: FileHandle | null = null;
  /** #fh was opened O_DSYNC: a write returns once its data is durable, no separate fdatasync. */
  #dsync = false;
  #lock: FileLock | null = null;
  #head!: ChainHead;
  #durableSize = 0;
  #state: 'opening' | 'open' | 'closing' | 'closed' | 'failed' = 'opening';
  #queue: Item[] = [];
  #queuedDecisions = 0;
  /** Events lost but not yet recorded in the chain, by cause. */
  #lost: Record<'dropped' | 'write-error', number> = { dropped: 0, 'write-error': 0 };
  #draining: Promise<void> | null = null;
  #scheduled = false;
  #closing: Promise<void> | null = null;
  #stats = { written: 0, decisions: 0, dropped: 0, batches: 0, writeErrors: 0 };

  constructor(opts: ReceiptWriterOptions) {
    this.#opts = opts;
    this.file = opts.file;
    this.#now = opts.now ?? (() => new Date());
    this.#every = Math.max(1, opts.checkpointEvery ?? 100);
    this.#maxQueue = Math.max(1, opts.maxQueue ?? 10_000);
    this.#maxBatch = Math.max(1, opts.maxBatch ?? 64);
    this.#fsync = opts.fsync ?? true;
    this.#sealer = opts.sealer ?? IN_THREAD;
    this.#keys = [signingKeyFrom(opts.privateKey), ...(opts.nextPrivateKey ? [signingKeyFrom(opts.nextPrivateKey)] : [])];
  }

  get opened(): OpenReport {
    if (!this.#opened) throw new ReceiptsError('RECEIPTS_CLOSED', 'the writer is not open');
    return this.#opened;
  }

  #keyById(id: string): SigningKey | undefined {
    return this.#keys.find((k) => k.keyId === id);
  }

  async open(): Promise<void> {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    this.#lock = await acquireLock(this.file);
    try {
      await this.#openLocked();
    } catch (err) {
      await this.#fh?.close().catch(() => undefined);
      await this.#lock.release();
      throw err;
    }
  }

  async #openLocked(): Promise<void> {
    this.#dsync = this.#fsync && DSYNC_APPEND !== null;
    const fh = await open(this.file, this.#dsync ? (DSYNC_APPEND as number) : 'a+', 0o600);
    this.#fh = fh;
    const tail = await readTail(fh);
    const configured = this.#keys[0] as SigningKey;
    const next = this.#keys[1];
    let torn: OpenReport['torn'] = null;
    if (tail.torn.length > 0) {
      const sha = sha256Hex(tail.torn);
      const savedTo = `${this.file}.torn-${this.#now().toISOString().replace(/[:.]/g, '')}-${sha.slice(0, 8)}`;
      await writeFile(savedTo, tail.torn, { mode: 0o600, flag: 'wx' });
      torn = { bytes: tail.torn.length, sha256: sha, savedTo };
    }
    let created = false;
    let resumedFrom: OpenReport['resumedFrom'] = null;
    let unclean = torn !== null;
    const initial: Item[] = [];
    if (tail.lastLine === null) {
      created = true;
      const fresh = newChain(configured);
      this.#head = fresh.head;
      initial.push({ kind: 'decision', body: fresh.genesis });
    } else {
      const parsed = parseLine(tail.lastLine);
      if (!parsed.ok) throw new ReceiptsError('RECEIPTS_TAIL_INVALID', `${this.file}: the last record is invalid (${parsed.error}); run \`tollgate receipts verify\` and move the file aside`);
      const last = parsed.record;
      const signer = this.#keyById(last.keyId);
      if (!signer) {
        throw new ReceiptsError(
          'RECEIPTS_KEY_MISMATCH',
          `${this.file} is signed by key ${last.keyId}, but the key file holds ${this.#keys.map((k) => k.keyId).join(' and ')}; restore that key, or move the receipts file aside to start a new chain`,
        );
      }
      const { sig, ...unsigned } = last;
      if (!verifyBytes(signer, canonicalBytes(unsigned), Buffer.from(sig, 'base64url'))) {
        throw new ReceiptsError('RECEIPTS_TAIL_INVALID', `${this.file}: the last record (seq ${last.seq}) has a bad signature; run \`tollgate receipts verify\``);
      }
      const currentId = last.type === 'key-rotation' ? last.newKeyId : last.keyId;
      const current = this.#keyById(currentId);
      if (!current) throw new ReceiptsError('RECEIPTS_KEY_MISMATCH', `${this.file} rotated to key ${currentId}, which is not in the key file`);
      resumedFrom = { seq: last.seq, hash: parsed.hash };
      this.#head = {
        nextSeq: last.seq + 1,
        prev: parsed.hash,
        key: current,
        sinceCheckpoint: 0,
        last: last.type === 'checkpoint' ? { type: 'checkpoint', trigger: last.trigger } : { type: last.type },
      };
      if (!(last.type === 'checkpoint' && last.trigger === 'close')) unclean = true;
    }
    if (tail.torn.length > 0) {
      await fh.truncate(tail.validSize);
      await fh.datasync();
    }
    this.#durableSize = tail.validSize;
    if (unclean) {
      initial.push(this.#control({ op: 'gap', cause: 'unclean-shutdown', ...(torn ? { tornBytes: torn.bytes, tornSha256: torn.sha256 } : {}) }));
    }
    let rotated: OpenReport['rotated'] = null;
    if (next && this.#head.key.keyId !== next.keyId) {
      rotated = { from: this.#head.key.keyId, to: next.keyId };
      initial.push(this.#control({ op: 'rotate', key: next }));
    }
    this.#opened = {
      file: this.file,
      created,
      resumedFrom,
      uncleanShutdown: unclean && !created,
      torn,
      staleLockPid: this.#lock?.stalePid ?? null,
      rotated,
      keyId: rotated ? rotated.to : this.#head.key.keyId,
    };
    this.#state = 'open';
    if (initial.length > 0) {
      this.#queue.push(...initial);
      await this.flush();
      if ((this.#state as string) === 'failed') throw new ReceiptsError('RECEIPTS_WRITE_FAILED', `${this.file}: could not write at open`);
      if (created) fsyncDir(dirname(this.file));
    }
  }

  #control(control: Control, done: (err: Error | null) => void = () => undefined): Item {
    return { kind: 'control', control, done };
  }

  #enqueueControl(control: Control): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#state === 'closed' || this.#state === 'failed') {
        reject(new ReceiptsError('RECEIPTS_CLOSED', `${this.file}: the writer is ${this.#state}`));
        return;
      }
      this.#queue.push(this.#control(control, (err) => (err ? reject(err) : resolve())));
      this.#kick(true);
    });
  }

  emit(event: DecisionEvent): void {
    try {
      if (this.#state !== 'open' || this.#queuedDecisions >= this.#maxQueue) {
        this.#stats.dropped++;
        if (this.#state === 'open') this.#lost.dropped++;
        return;
      }
      const body = decisionBody(event, this.#now);
      this.#queue.push({ kind: 'decision', body });
      this.#queuedDecisions++;
      this.#kick(false);
    } catch (err) {
      this.#stats.dropped++;
      this.#lost.dropped++;
      this.#report(err);
    }
  }

  flush(): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve();
    return this.#enqueueControl({ op: 'barrier' });
  }

  checkpoint(): Promise<void> {
    return this.#enqueueControl({ op: 'checkpoint', trigger: 'interval' });
  }

  async rotateKey(next: KeyObject): Promise<{ from: string; to: string }> {
    const key = signingKeyFrom(next);
    const from = this.#head.key.keyId;
    this.#keys.push(key);
    await this.#enqueueControl({ op: 'rotate', key });
    return { from, to: key.keyId };
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#state === 'open') {
        // From here emit() refuses (and counts) events, so the close checkpoint is the last record.
        this.#state = 'closing';
        await this.#enqueueControl({ op: 'checkpoint', trigger: 'close' }).catch((err: unknown) => this.#report(err));
      }
      while (this.#draining) await this.#draining;
      this.#state = 'closed';
      await this.#sealer.close();
      await this.#fh?.close().catch((err: unknown) => this.#report(err));
      this.#fh = null;
      await this.#lock?.release();
    })();
    return this.#closing;
  }

  stats(): ReceiptWriterStats {
    return { ...this.#stats, queued: this.#queuedDecisions, lastSeq: this.#head.nextSeq - 1, head: this.#head.prev, keyId: this.#head.key.keyId };
  }

  #report(err: unknown): void {
    try {
      this.#opts.onError?.(err instanceof Error ? err : new Error(String(err)));
    } catch {
      // A failing error callback must not break the writer.
    }
  }

  /** Starts the append loop. Events wait for the next turn of the event loop, so a burst is one batch. */
  #kick(now: boolean): void {
    if (this.#draining || this.#scheduled) return;
    if (now) {
      this.#draining = this.#drain();
      return;
    }
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (!this.#draining) this.#draining = this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0 && this.#fh) await this.#writeBatch();
    } catch (err) {
      this.#report(err);
    } finally {
      this.#draining = null;
      if (this.#queue.length > 0 && this.#fh) this.#kick(true);
    }
  }

  async #writeBatch(): Promise<void> {
    const items = this.#queue.splice(0, this.#maxBatch);
    const batchDecisions = items.reduce((n, it) => n + (it.kind === 'decision' && it.body.type === 'decision' ? 1 : 0), 0);
    this.#queuedDecisions -= batchDecisions;
    if (this.#state === 'failed') {
      this.#stats.dropped += batchDecisions;
      for (const it of items) if (it.kind === 'control') it.done(new ReceiptsError('RECEIPTS_WRITE_FAILED', `${this.file}: the writer failed earlier`));
      return;
    }
    const lostBefore = { ...this.#lost };
    // The batch as entries for sealBatch (here or in the seal worker); records without a time of their own get the writer's clock now.
    const time = this.#now().toISOString();
    const entries: SealEntry[] = [];
    for (const cause of ['dropped', 'write-error'] as const) {
      if (this.#lost[cause] > 0) {
        entries.push({ op: 'record', body: { type: 'gap', cause, lost: this.#lost[cause] } });
        this.#lost[cause] = 0;
      }
    }
    const first = entries.length;
    for (const it of items) entries.push(it.kind === 'decision' ? { op: 'record', body: it.body } : controlEntry(it.control));
    let sealed: SealResult;
    try {
      sealed = await this.#sealer.seal(this.#head, entries, this.#every, time);
    } catch (err) {
      // A sealer never rejects (it falls back to sealing in place); if one did, the batch is sealed here rather than lost.
      this.#report(err);
      sealed = sealBatch(this.#head, entries, this.#every, time);
    }
    const failed = new Set<number>();
    for (const f of sealed.failed) {
      failed.add(f.index);
      // Only a body that cannot be canonicalised lands here; it is counted, never silently lost.
      const it = items[f.index - first];
      if (it?.kind === 'decision') {
        this.#stats.dropped++;
        this.#lost.dropped++;
      }
      this.#report(new Error(f.message));
    }
    let decisions = 0;
    items.forEach((it, i) => {
      if (it.kind === 'decision' && it.body.type === 'decision' && !failed.has(first + i)) decisions++;
    });
    const buf = sealed.bytes;
    let error: Error | null = null;
    if (buf.length > 0) {
      try {
        await this.#append(buf);
        this.#head = sealed.head;
        this.#durableSize += buf.length;
        this.#stats.written += sealed.records;
        this.#stats.decisions += decisions;
        this.#stats.batches++;
      } catch (err) {
        error = err instanceof Error ? err : new Error(String(err));
        this.#stats.writeErrors++;
        this.#stats.dropped += decisions;
        // The gap records sealed into the failed batch were not written either: restore their counts.
        this.#lost = { dropped: lostBefore.dropped + this.#lost.dropped, 'write-error': lostBefore['write-error'] + this.#lost['write-error'] + decisions };
        this.#report(error);
        await this.#rollback();
      }
    }
    for (const it of items) if (it.kind === 'control') it.done(error);
  }

  /** One write(2) on the O_APPEND descriptor (a short write is finished by a second), then fdatasync (or O_DSYNC did it). */
  async #append(buf: Uint8Array): Promise<void> {
    const fh = this.#fh;
    if (!fh) throw new ReceiptsError('RECEIPTS_CLOSED', `${this.file}: closed`);
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await fh.write(buf, off, buf.length - off, null);
      if (bytesWritten <= 0) throw new ReceiptsError('RECEIPTS_WRITE_FAILED', `${this.file}: write returned ${bytesWritten}`);
      off += bytesWritten;
    }
    if (this.#fsync && !this.#dsync) await fh.datasync();
  }

  /** After a failed write: cut the file back to the last durable record, or stop writing. */
  async #rollback(): Promise<void> {
    try {
      await this.#fh?.truncate(this.#durableSize);
    } catch (err) {
      this.#state = 'failed';
      this.#report(new ReceiptsError('RECEIPTS_WRITE_FAILED', `${basename(this.file)}: cannot cut back to the last durable record; receipts stop here`, { cause: err }));
    }
  }
}
