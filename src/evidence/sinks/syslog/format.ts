import { SYSLOG_FACILITIES } from '../../../config/evidence-schema.ts';
import type { Action } from '../../../core/index.ts';
import type { AuditRecord } from '../../log/audit-record.ts';
import { ruleIds } from '../../log/audit-record.ts';

/**
 * RFC 5424 message formatting. The header fields are PRINTUSASCII only (other characters
 * become "_", empty ones the NILVALUE "-"); the MSG is the JSON audit record with every
 * non-ASCII character escaped, so it is plain ASCII and needs no BOM (MSG-ANY, §6.4).
 */

/** Enterprise number 32473 is reserved for documentation and examples (RFC 5612). */
export const SD_ID = 'tollgate@32473';

/** Severity by action: allow informational (6), warn/redact/ask notice (5), block warning (4). */
export const SYSLOG_SEVERITY: Readonly<Record<Action, number>> = { allow: 6, warn: 5, redact: 5, ask: 5, block: 4 };

export function facilityCode(name: (typeof SYSLOG_FACILITIES)[number]): number {
  return SYSLOG_FACILITIES.indexOf(name);
}

/** PRINTUSASCII (33-126) only, at most max characters; "-" when nothing is left. */
export function headerField(value: string | null | undefined, max: number): string {
  if (value === null || value === undefined || value === '') return '-';
  let out = '';
  for (const ch of value) {
    if (out.length >= max) break;
    const c = ch.codePointAt(0) ?? 0;
    out += c >= 33 && c <= 126 ? ch : '_';
  }
  return out;
}

/** PARAM-VALUE escaping (§6.3.3): backslash before `"`, `\` and `]`; control characters become spaces. */
export function sdValue(value: string, max = 256): string {
  let out = '';
  for (const ch of value) {
    if (out.length >= max) {
      out += '…';
      break;
    }
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\' || ch === ']') out += `\\${ch}`;
    else out += c < 32 || c === 127 ? ' ' : ch;
  }
  return out;
}

/** JSON with every character above 0x7e written as \uXXXX (JSON.stringify already escapes controls). */
export function asciiJson(value: unknown): string {
  const json = JSON.stringify(value);
  let out = '';
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    out += c > 0x7e ? `\\u${c.toString(16).padStart(4, '0')}` : json[i];
  }
  return out;
}

export interface SyslogIdentity {
  readonly facility: number;
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
  readonly maxMessageBytes: number;
}

function timestamp(time: string): string {
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '-';
}

/** One RFC 5424 SYSLOG-MSG for an audit record, at most maxMessageBytes bytes. */
export function formatSyslog(record: AuditRecord, id: SyslogIdentity): string {
  const pri = id.facility * 8 + (SYSLOG_SEVERITY[record.action as Action] ?? 5);
  const header = [
    `<${pri}>1`,
    timestamp(record.time),
    headerField(id.hostname, 255),
    headerField(id.appName, 48),
    headerField(id.procId, 128),
    headerField(record.event, 32),
  ].join(' ');
  const params: [string, string | null][] = [
    ['action', record.action],
    ['mode', record.mode],
    ['wouldHave', record.wouldHave],
    ['transport', record.transport],
    ['requestId', record.requestId],
    ['agent', record.agent],
    ['session', record.session],
    ['rules', ruleIds(record).join(',')],
    ['configHash', record.configHash],
  ];
  const sd = `[${SD_ID}${params
    .filter((p): p is [string, string] => p[1] !== null && p[1] !== '')
    .map(([k, v]) => ` ${k}="${sdValue(v)}"`)
    .join('')}]`;
  const head = `${header} ${sd} `;
  const room = id.maxMessageBytes - Buffer.byteLength(head);
  let msg = asciiJson(record);
  if (msg.length > room) msg = asciiJson({ ...record, findings: [], findingsOmitted: record.findingsOmitted + record.findings.length });
  if (msg.length > room) msg = msg.slice(0, Math.max(0, room));
  return cutToBytes(head + msg, id.maxMessageBytes);
}

/** Cuts a string to at most max UTF-8 bytes, on a character boundary. */
export function cutToBytes(text: string, max: number): string {
  const buf = Buffer.from(text);
  if (buf.length <= max) return text;
  let end = max;
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

/** RFC 6587 §3.4.1 octet counting: MSG-LEN SP SYSLOG-MSG, the length in bytes. */
export function frameOctetCounted(message: string): string {
  return `${Buffer.byteLength(message)} ${message}`;
}
