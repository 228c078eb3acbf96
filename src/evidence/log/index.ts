// log: the JSON-lines audit log (pino to a bounded SonicBoom destination) and the audit record
// schema every sink shares (docs/AUDIT-LOG.md). It records; it never decides.
export { createAuditLog, type AuditLog, type AuditLogOptions, type SystemEvent, type SystemLogger } from './audit-log.ts';
export { toAuditRecord, ruleIds, AUDIT_SCHEMA_VERSION, RECORD_LIMITS, type AuditRecord, type AuditFinding } from './audit-record.ts';
export { redactTarget, isCredentialName, REDACTED, MAX_TARGET } from './redact-target.ts';
