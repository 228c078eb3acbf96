import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FileSinkConfig, StdoutSinkConfig } from '../../config/evidence-schema.ts';
import type { DecisionEvent } from '../../core/index.ts';
import { toAuditRecord } from '../log/audit-record.ts';
import { createDeliveryQueue, queuedSink, queueSettings, type DeliveryResult } from './queue.ts';
import type { EvidenceSink, QueueDeps, SinkReporter } from './types.ts';

interface LineSinkOptions {
  readonly name: string;
  readonly evidencePreviews: boolean;
  readonly accept: (event: DecisionEvent) => boolean;
  readonly deps: QueueDeps;
  readonly reporter?: SinkReporter;
}

function lineSink(
  opts: LineSinkOptions,
  cfg: FileSinkConfig | StdoutSinkConfig,
  write: (text: string) => Promise<DeliveryResult>,
): EvidenceSink {
  const queue = createDeliveryQueue<string>({
    ...queueSettings(opts.name, cfg, opts),
    serialize: (event) => `${JSON.stringify(toAuditRecord(event, { evidencePreviews: opts.evidencePreviews }))}\n`,
    deliver: (batch) => write(batch.join('')),
  });
  return queuedSink(opts.name, queue);
}

/**
 * File sink: the same audit records, appended as JSON lines to a second file through the
 * generic queue. The audit log already writes a file; this sink is for a copy with the
 * sink guarantees (retries when the disk is full or the volume is gone, counted drops, a
 * minAction filter) and is reopened per batch, so a log shipper may rename it for rotation.
 */
export function createFileSink(opts: LineSinkOptions & { readonly path: string; readonly config: FileSinkConfig }): EvidenceSink {
  let madeDir = false;
  return lineSink(opts, opts.config, async (text) => {
    try {
      if (!madeDir) {
        await mkdir(dirname(opts.path), { recursive: true, mode: 0o700 });
        madeDir = true;
      }
      await appendFile(opts.path, text, { mode: 0o600 });
      return { ok: true };
    } catch (err) {
      return { ok: false, retry: true, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
    }
  });
}

/** A writable that tells when a chunk is flushed (process.stdout, or a test stream). */
export interface LineOutput {
  write(chunk: string, cb: (err?: Error | null) => void): boolean;
}

/** Stdout sink: JSON lines on standard output, for container log collectors. */
export function createStdoutSink(opts: LineSinkOptions & { readonly config: StdoutSinkConfig; readonly out?: LineOutput }): EvidenceSink {
  const out: LineOutput = opts.out ?? process.stdout;
  return lineSink(
    opts,
    opts.config,
    (text) =>
      new Promise((resolve) => {
        out.write(text, (err) => resolve(err ? { ok: false, retry: true, error: (err as NodeJS.ErrnoException).code ?? err.message } : { ok: true }));
      }),
  );
}
