import type { DecisionEvent, DecisionFinding } from '../../core/index.ts';
import { redactTarget } from './redact-target.ts';

/**
 * The audit record: the stable, documented shape (docs/AUDIT-LOG.md) that every decision event
 * becomes in the audit log and in every sink. Every field is always present (null when the
 * event has no value for it), so a consumer never has to guess whether a key is missing.
 * Bump AUDIT_SCHEMA_VERSION on any change that is not a pure addition.
 */
export const AUDIT_SCHEMA_VERSION = 1;

/** Bounds on what one record may carry (the engine already caps findings at 200). */
export const RECORD_LIMITS = { findings: 200, reason: 2000, evidence: 120, text: 256, location: 512 } as const;

export interface AuditFinding {
  readonly scanner: string;
  readonly rule: string;
  readonly severity: string;
  readonly category: string;
  readonly mitre: string;
  readonly location: string;
  readonly evidence: string | null;
  readonly fingerprint: string | null;
}

export interface AuditRecord {
  readonly schema: number;
  readonly kind: 'decision';
  readonly time: string;
  readonly event: string;
  readonly transport: string;
  readonly agent: string | null;
  readonly session: string | null;
  readonly requestId: string;
  readonly method: string | null;
  readonly target: string | null;
  readonly action: string;
  readonly mode: string;
  readonly wouldHave: string | null;
  readonly reason: string;
  readonly findings: readonly AuditFinding[];
  readonly findingsOmitted: number;
  readonly latencyMs: number;
  readonly bytes: number | null;
  readonly configHash: string;
}

export interface AuditRecordOptions {
  /** Keep each finding's redacted evidence preview (false writes null). */
  readonly evidencePreviews: boolean;
}

function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function opt(value: string | undefined, max: number = RECORD_LIMITS.text): string | null {
  return value === undefined ? null : clipText(String(value), max);
}

function finding(f: DecisionFinding, previews: boolean): AuditFinding {
  return {
    scanner: clipText(String(f.scanner), RECORD_LIMITS.text),
    rule: clipText(String(f.rule), RECORD_LIMITS.text),
    severity: f.severity,
    category: f.category,
    mitre: clipText(String(f.mitre), 64),
    location: clipText(String(f.location), RECORD_LIMITS.location),
    evidence: previews && f.evidence !== undefined ? clipText(f.evidence, RECORD_LIMITS.evidence) : null,
    fingerprint: typeof f.fingerprint === 'string' ? clipText(f.fingerprint, 64) : null,
  };
}

function finiteOr(value: number | undefined, fallback: number | null): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Builds the audit record of one decision event. Pure; bounded in size whatever the event holds. */
export function toAuditRecord(event: DecisionEvent, opts: AuditRecordOptions): AuditRecord {
  const kept = event.findings.slice(0, RECORD_LIMITS.findings);
  return {
    schema: AUDIT_SCHEMA_VERSION,
    kind: 'decision',
    time: event.time,
    event: event.type,
    transport: event.transport,
    agent: opt(event.agent),
    session: opt(event.session),
    requestId: clipText(String(event.requestId), RECORD_LIMITS.text),
    method: opt(event.method),
    target: event.target === undefined ? null : redactTarget(event.target),
    action: event.action,
    mode: event.mode,
    wouldHave: event.wouldHave ?? null,
    reason: clipText(event.reason, RECORD_LIMITS.reason),
    findings: kept.map((f) => finding(f, opts.evidencePreviews)),
    findingsOmitted: event.findings.length - kept.length,
    latencyMs: Math.round((finiteOr(event.latencyMs, 0) ?? 0) * 1000) / 1000,
    bytes: finiteOr(event.bytes, null),
    configHash: event.configHash,
  };
}

/** The rule ids of a record's findings, de-duplicated in order (for compact summaries). */
export function ruleIds(record: AuditRecord): string[] {
  return [...new Set(record.findings.map((f) => f.rule))];
}
