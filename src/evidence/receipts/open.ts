/**
 * What the composition root calls: config → a ready receipts sink. Generates the signing key on
 * first start, signs in a key rotation prepared by `tollgate keygen --rotate`, opens the writer
 * (which repairs a torn tail) and returns what happened as notices for the caller to log.
 */
import { existsSync } from 'node:fs';
import type { DecisionSink } from '../../core/index.ts';
import type { ReceiptsConfig } from '../../config/receipts-schema.ts';
import { resolveInDataDir } from '../data-dir.ts';
import { generateSigningKey, loadSigningKey, looseKeyMode, nextKeyFileFor, promoteNextKey, writeKeyPair } from './keys.ts';
import { createReceiptWriter, type OpenReport, type ReceiptWriter } from './writer.ts';
import { workerSealer } from './sealer.ts';

export interface ReceiptsNotice {
  readonly level: 'info' | 'warn';
  readonly msg: string;
}

export interface OpenedReceipts {
  /** Emit decision events here (a no-op when receipts are disabled). */
  readonly sink: DecisionSink;
  readonly writer: ReceiptWriter | null;
  readonly notices: readonly ReceiptsNotice[];
  /** Flushes, writes the close checkpoint and releases the file. Wire SIGTERM/SIGINT to it. */
  close(): Promise<void>;
}

export interface OpenReceiptsAtOptions {
  readonly file: string;
  readonly keyFile: string;
  readonly checkpointEvery?: number;
  readonly maxQueue?: number;
  readonly fsync?: boolean;
  /** Where batches are sealed (see sealer.ts; default main: on the writer's thread). */
  readonly sealIn?: 'auto' | 'worker' | 'main';
  /** Create the key when the key file is missing (default true). */
  readonly generateKey?: boolean;
  readonly onError?: (err: Error) => void;
  /** Things worth a line in the log that are not errors (the seal worker starting). */
  readonly onInfo?: (msg: string) => void;
}

export function describeOpen(report: OpenReport): ReceiptsNotice[] {
  const out: ReceiptsNotice[] = [];
  if (report.staleLockPid !== null) out.push({ level: 'warn', msg: `receipts: took over the lock of process ${report.staleLockPid}, which no longer runs` });
  if (report.torn) {
    out.push({
      level: 'warn',
      msg: `receipts: ${report.file} ended with a torn line (${report.torn.bytes} bytes, sha256 ${report.torn.sha256.slice(0, 16)}…), cut off and saved to ${report.torn.savedTo}`,
    });
  }
  if (report.uncleanShutdown || (report.created && report.torn)) {
    out.push({ level: 'warn', msg: `receipts: the previous writer did not close ${report.file}; a gap record marks the loss and the chain continues from seq ${report.resumedFrom?.seq ?? 0}` });
  }
  if (report.rotated) out.push({ level: 'info', msg: `receipts: key rotated ${report.rotated.from} → ${report.rotated.to}, signed into the chain by the old key` });
  out.push({
    level: 'info',
    msg: report.created ? `receipts: new chain in ${report.file} (key ${report.keyId})` : `receipts: continuing ${report.file} after seq ${report.resumedFrom?.seq ?? 0} (key ${report.keyId})`,
  });
  return out;
}

/** Opens a receipts writer on explicit paths (used by openReceipts and `tollgate keygen --rotate --receipts`). */
export async function openReceiptsAt(o: OpenReceiptsAtOptions): Promise<OpenedReceipts> {
  const notices: ReceiptsNotice[] = [];
  if (!existsSync(o.keyFile)) {
    if (o.generateKey === false) throw new Error(`no receipts signing key at ${o.keyFile}; create one with \`tollgate keygen\``);
    const written = writeKeyPair(generateSigningKey(), o.keyFile);
    notices.push({ level: 'info', msg: `receipts: generated signing key ${written.keyId} at ${written.privateFile} (public key ${written.publicFile})` });
  }
  const loose = looseKeyMode(o.keyFile);
  if (loose !== null) notices.push({ level: 'warn', msg: `receipts: ${o.keyFile} is readable by others (mode ${loose.toString(8)}); chmod 600 it` });
  const key = loadSigningKey(o.keyFile);
  const nextFile = nextKeyFileFor(o.keyFile);
  const next = existsSync(nextFile) ? loadSigningKey(nextFile) : undefined;
  const writer = await createReceiptWriter({
    file: o.file,
    privateKey: key.privateKey,
    ...(next ? { nextPrivateKey: next.privateKey } : {}),
    ...(o.checkpointEvery !== undefined ? { checkpointEvery: o.checkpointEvery } : {}),
    ...(o.maxQueue !== undefined ? { maxQueue: o.maxQueue } : {}),
    ...(o.fsync !== undefined ? { fsync: o.fsync } : {}),
    ...(o.sealIn === 'auto' || o.sealIn === 'worker'
      ? {
          sealer: workerSealer({
            ...(o.sealIn === 'worker' ? { busyAt: 0, startAt: 1 } : {}),
            ...(o.onError ? { onError: o.onError } : {}),
            ...(o.onInfo ? { onStart: () => o.onInfo?.('receipts: signing in a worker thread (it stops after 10 s unused)') } : {}),
          }),
        }
      : {}),
    ...(o.onError ? { onError: o.onError } : {}),
  });
  // Once the chain is signed by the next key, it becomes the key file.
  if (next && writer.opened.keyId === next.keyId) {
    try {
      promoteNextKey(o.keyFile, key.keyId);
    } catch (err) {
      notices.push({ level: 'warn', msg: `receipts: the chain now uses key ${next.keyId}, but ${nextFile} could not replace ${o.keyFile}: ${(err as Error).message}` });
    }
  }
  notices.push(...describeOpen(writer.opened));
  return { sink: writer, writer, notices, close: () => writer.close() };
}

/** Receipts from the config: paths relative to dataDir (already resolved, see data-dir.ts). */
export async function openReceipts(
  config: ReceiptsConfig,
  dataDir: string,
  options: { onError?: (err: Error) => void; onInfo?: (msg: string) => void } = {},
): Promise<OpenedReceipts> {
  if (!config.enabled) {
    return { sink: { emit: () => undefined }, writer: null, notices: [{ level: 'warn', msg: 'receipts: disabled (receipts.enabled is false); decisions are not signed' }], close: async () => undefined };
  }
  return openReceiptsAt({
    file: resolveInDataDir(dataDir, config.file),
    keyFile: resolveInDataDir(dataDir, config.keyFile),
    checkpointEvery: config.checkpointEvery,
    maxQueue: config.maxQueue,
    fsync: config.fsync,
    sealIn: config.sealIn,
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.onInfo ? { onInfo: options.onInfo } : {}),
  });
}
