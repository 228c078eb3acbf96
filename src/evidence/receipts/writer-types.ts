/** The receipts writer's options, open report, stats and interface (the code is in writer.ts). */
import type { KeyObject } from 'node:crypto';
import type { DecisionEvent, DecisionSink } from '../../core/index.ts';
import type { Sealer } from './sealer.ts';

export interface ReceiptWriterOptions {
  readonly file: string;
  /** The Ed25519 private key that signs (or the key the chain currently uses). */
  readonly privateKey: KeyObject;
  /** A key waiting to take over (written by `keygen --rotate`): the writer signs the rotation in at open. */
  readonly nextPrivateKey?: KeyObject;
  /** A checkpoint after this many records (default 100). */
  readonly checkpointEvery?: number;
  /** Events waiting beyond this are dropped and counted (default 10000). */
  readonly maxQueue?: number;
  /** Events per write (default 64): bounds the time one batch holds the event loop (signing costs ~0.1-0.2 ms a record). */
  readonly maxBatch?: number;
  /** fdatasync after every batch (default true). */
  readonly fsync?: boolean;
  /** Where batches are sealed (default: on the writer's thread; see sealer.ts for the worker). */
  readonly sealer?: Sealer;
  readonly now?: () => Date;
  /** Write errors and similar, for the caller to log. */
  readonly onError?: (err: Error) => void;
}

export interface OpenReport {
  readonly file: string;
  /** A new chain was started (no file, an empty file, or only a torn first line). */
  readonly created: boolean;
  /** The last valid record of an existing chain. */
  readonly resumedFrom: { readonly seq: number; readonly hash: string } | null;
  /** The previous writer did not close the chain (a gap record was appended). */
  readonly uncleanShutdown: boolean;
  /** A torn last line removed at open, and where its bytes were saved. */
  readonly torn: { readonly bytes: number; readonly sha256: string; readonly savedTo: string } | null;
  /** Pid of a dead writer whose lock was taken over. */
  readonly staleLockPid: number | null;
  /** A rotation signed in at open. */
  readonly rotated: { readonly from: string; readonly to: string } | null;
  /** The key signing from now on. */
  readonly keyId: string;
}

export interface ReceiptWriterStats {
  /** Records appended by this writer (all types). */
  readonly written: number;
  readonly decisions: number;
  /** Decision events not recorded: queue full, unrecordable, failed write, or emitted after close. */
  readonly dropped: number;
  readonly queued: number;
  readonly batches: number;
  readonly writeErrors: number;
  /** Seq of the last durable record, and its hash. */
  readonly lastSeq: number;
  readonly head: string;
  readonly keyId: string;
}

export interface ReceiptWriter extends DecisionSink {
  readonly file: string;
  readonly opened: OpenReport;
  emit(event: DecisionEvent): void;
  /** Resolves when everything emitted before the call is written (or counted as dropped). */
  flush(): Promise<void>;
  /** Appends an `interval` checkpoint now. */
  checkpoint(): Promise<void>;
  /** Appends a key-rotation record signed by the current key; later records are signed by `next`. */
  rotateKey(next: KeyObject): Promise<{ from: string; to: string }>;
  /** Writes what is queued, a `close` checkpoint, and releases the file. Idempotent. */
  close(): Promise<void>;
  stats(): ReceiptWriterStats;
}
