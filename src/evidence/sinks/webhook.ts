import { createHmac, randomBytes } from 'node:crypto';
import type { WebhookSinkConfig } from '../../config/evidence-schema.ts';
import type { DecisionEvent } from '../../core/index.ts';
import { toAuditRecord, AUDIT_SCHEMA_VERSION } from '../log/audit-record.ts';
import { createHttpPoster } from './http-post.ts';
import { createDeliveryQueue, queuedSink, queueSettings } from './queue.ts';
import type { EvidenceSink, QueueDeps, SinkReporter } from './types.ts';

export const SIGNATURE_HEADER = 'x-tollgate-signature';

/** `sha256=<hex>` of HMAC-SHA256(secret, body): what a receiver recomputes over the raw body it got. */
export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** 429 and 5xx are worth another try; other 4xx will not get better by repeating them. */
export function webhookRetryable(status: number): boolean {
  return status === 429 || (status >= 500 && status < 600);
}

export interface WebhookSinkOptions {
  readonly name: string;
  readonly config: WebhookSinkConfig;
  /** The HMAC key (read from config.secretEnv by the caller), if signing is on. */
  readonly secret?: string;
  readonly evidencePreviews: boolean;
  readonly accept: (event: DecisionEvent) => boolean;
  readonly deps: QueueDeps;
  readonly reporter?: SinkReporter;
}

/**
 * Webhook: batches of audit records POSTed as
 * `{"source":"tollgate","schema":1,"batch":"<id>","events":[…]}`. The batch id stays the same
 * across retries of one batch, so a receiver can drop duplicates (an attempt that timed out
 * may still have arrived).
 */
export function createWebhookSink(opts: WebhookSinkOptions): EvidenceSink {
  const cfg = opts.config;
  const url = new URL(cfg.url);
  const poster = createHttpPoster({ timeoutMs: cfg.timeoutMs, retryable: webhookRetryable });
  const prefix = randomBytes(6).toString('hex');
  let seq = 0;
  const batchIds = new WeakMap<readonly string[], string>();
  const queue = createDeliveryQueue<string>({
    ...queueSettings(opts.name, cfg, opts),
    serialize: (event) => JSON.stringify(toAuditRecord(event, { evidencePreviews: opts.evidencePreviews })),
    deliver: (batch) => {
      let id = batchIds.get(batch);
      if (id === undefined) {
        id = `${prefix}-${++seq}`;
        batchIds.set(batch, id);
      }
      const body = Buffer.from(`{"source":"tollgate","schema":${AUDIT_SCHEMA_VERSION},"batch":"${id}","events":[${batch.join(',')}]}`);
      const headers: Record<string, string> = { ...cfg.headers, 'content-type': 'application/json', 'user-agent': 'tollgate-webhook' };
      if (opts.secret !== undefined) headers[SIGNATURE_HEADER] = signBody(opts.secret, body);
      return poster.post(url, body, headers);
    },
  });
  return queuedSink(opts.name, queue, () => poster.close());
}
