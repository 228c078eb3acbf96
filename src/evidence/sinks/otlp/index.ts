// otlp: decision events as OTLP/HTTP JSON logs (/v1/logs) and spans (/v1/traces), written by
// hand against the OTLP spec so no OpenTelemetry package is needed. Only ever loaded with a
// dynamic import, when a sink of type otlp is configured.
import type { OtlpSinkConfig } from '../../../config/evidence-schema.ts';
import type { DecisionEvent } from '../../../core/index.ts';
import { toAuditRecord, type AuditRecord } from '../../log/audit-record.ts';
import { createHttpPoster } from '../http-post.ts';
import { createDeliveryQueue, queuedSink, queueSettings } from '../queue.ts';
import type { EvidenceSink, QueueDeps, SinkReporter } from '../types.ts';
import { logsRequest, tracesRequest, type OtlpResource } from './encode.ts';

export { logsRequest, tracesRequest, idsFor, severityOf } from './encode.ts';

/** Retryable per the OTLP/HTTP spec: 429, 502, 503, 504 (and network errors); anything else is final. */
export function otlpRetryable(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

export interface OtlpSinkOptions {
  readonly name: string;
  readonly config: OtlpSinkConfig;
  /** Header values from config.headersEnv, already read from the environment by the caller. */
  readonly secretHeaders: Readonly<Record<string, string>>;
  readonly resource: OtlpResource;
  readonly evidencePreviews: boolean;
  readonly accept: (event: DecisionEvent) => boolean;
  readonly deps: QueueDeps;
  readonly reporter?: SinkReporter;
}

/** One sink per enabled signal (`<name>:logs`, `<name>:traces`), each with its own queue, so a failing one never re-sends the other. */
export function createOtlpSinks(opts: OtlpSinkOptions): EvidenceSink[] {
  const cfg = opts.config;
  const base = cfg.endpoint.endsWith('/') ? cfg.endpoint.slice(0, -1) : cfg.endpoint;
  const headers = { ...cfg.headers, ...opts.secretHeaders, 'content-type': 'application/json', 'user-agent': 'tollgate-otlp' };
  const signals: { suffix: string; path: string; build: typeof logsRequest }[] = [];
  if (cfg.logs) signals.push({ suffix: 'logs', path: '/v1/logs', build: logsRequest });
  if (cfg.traces) signals.push({ suffix: 'traces', path: '/v1/traces', build: tracesRequest });
  return signals.map(({ suffix, path, build }) => {
    const url = new URL(`${base}${path}`);
    const poster = createHttpPoster({ timeoutMs: cfg.timeoutMs, retryable: otlpRetryable });
    const name = `${opts.name}:${suffix}`;
    const queue = createDeliveryQueue<{ record: AuditRecord; size: number }>({
      ...queueSettings(name, cfg, opts),
      serialize: (event) => {
        const record = toAuditRecord(event, { evidencePreviews: opts.evidencePreviews });
        return { record, size: JSON.stringify(record).length };
      },
      sizeOf: (item) => item.size,
      deliver: (batch) =>
        poster.post(url, Buffer.from(JSON.stringify(build(batch.map((i) => i.record), opts.resource, opts.deps.now()))), headers),
    });
    return queuedSink(name, queue, () => poster.close());
  });
}
