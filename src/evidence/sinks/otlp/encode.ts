import { createHash } from 'node:crypto';
import type { AuditRecord } from '../../log/audit-record.ts';
import { ruleIds } from '../../log/audit-record.ts';

/**
 * OTLP JSON encoding (opentelemetry-proto, "JSON Protobuf Encoding"): field names in
 * lowerCamelCase, enums as integers, 64-bit integers as decimal strings, trace and span ids
 * as lowercase hex (not base64).
 */

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } };

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface OtlpResource {
  readonly serviceName: string;
  readonly serviceVersion?: string;
  readonly hostName?: string;
}

export const SCOPE = { name: 'tollgate.evidence', version: '1' } as const;

/** SeverityNumber: allow INFO (9), any other action WARN (13). */
export function severityOf(action: string): { severityNumber: number; severityText: string } {
  return action === 'allow' ? { severityNumber: 9, severityText: 'INFO' } : { severityNumber: 13, severityText: 'WARN' };
}

/** Ids derived from the request id, so the log record and the span of one decision correlate. */
export function idsFor(requestId: string): { traceId: string; spanId: string } {
  const h = createHash('sha256').update(`tollgate:${requestId}`).digest('hex');
  return { traceId: h.slice(0, 32), spanId: h.slice(32, 48) };
}

function unixNano(ms: number): bigint {
  return BigInt(Math.round(ms)) * 1_000_000n;
}

function str(key: string, value: string | null): KeyValue[] {
  return value === null ? [] : [{ key, value: { stringValue: value } }];
}

export function decisionAttributes(r: AuditRecord): KeyValue[] {
  return [
    ...str('tollgate.event', r.event),
    ...str('tollgate.transport', r.transport),
    ...str('tollgate.action', r.action),
    ...str('tollgate.mode', r.mode),
    ...str('tollgate.would_have', r.wouldHave),
    ...str('tollgate.request_id', r.requestId),
    ...str('tollgate.agent', r.agent),
    ...str('tollgate.session', r.session),
    ...str('tollgate.method', r.method),
    ...str('tollgate.target', r.target),
    ...str('tollgate.config_hash', r.configHash),
    { key: 'tollgate.rules', value: { arrayValue: { values: ruleIds(r).map((id) => ({ stringValue: id })) } } },
    { key: 'tollgate.findings', value: { intValue: String(r.findings.length + r.findingsOmitted) } },
    { key: 'tollgate.latency_ms', value: { doubleValue: r.latencyMs } },
    ...(r.bytes === null ? [] : [{ key: 'tollgate.bytes', value: { intValue: String(Math.trunc(r.bytes)) } }]),
  ];
}

function resource(res: OtlpResource): { attributes: KeyValue[] } {
  return {
    attributes: [
      ...str('service.name', res.serviceName),
      ...str('service.version', res.serviceVersion ?? null),
      ...str('host.name', res.hostName ?? null),
    ],
  };
}

/** ExportLogsServiceRequest with one log record per decision; the body is the reason. */
export function logsRequest(records: readonly AuditRecord[], res: OtlpResource, observedMs: number): unknown {
  return {
    resourceLogs: [
      {
        resource: resource(res),
        scopeLogs: [
          {
            scope: SCOPE,
            logRecords: records.map((r) => {
              const t = Date.parse(r.time);
              return {
                timeUnixNano: String(unixNano(Number.isFinite(t) ? t : observedMs)),
                observedTimeUnixNano: String(unixNano(observedMs)),
                ...severityOf(r.action),
                body: { stringValue: r.reason },
                attributes: decisionAttributes(r),
                ...idsFor(r.requestId),
              };
            }),
          },
        ],
      },
    ],
  };
}

/**
 * ExportTraceServiceRequest with one span per decision (kind INTERNAL = 1), from decision
 * start (time − latency) to decision time. A block sets status ERROR (2) so trace views
 * highlight it; every other action leaves status UNSET (0).
 */
export function tracesRequest(records: readonly AuditRecord[], res: OtlpResource, observedMs: number): unknown {
  return {
    resourceSpans: [
      {
        resource: resource(res),
        scopeSpans: [
          {
            scope: SCOPE,
            spans: records.map((r) => {
              const t = Date.parse(r.time);
              const end = unixNano(Number.isFinite(t) ? t : observedMs);
              const start = end - BigInt(Math.max(0, Math.round(r.latencyMs * 1_000_000)));
              return {
                ...idsFor(r.requestId),
                name: `tollgate.${r.event}`,
                kind: 1,
                startTimeUnixNano: String(start),
                endTimeUnixNano: String(end),
                attributes: decisionAttributes(r),
                status: r.action === 'block' ? { code: 2, message: `blocked: ${ruleIds(r).slice(0, 10).join(', ')}` } : { code: 0 },
              };
            }),
          },
        ],
      },
    ],
  };
}
