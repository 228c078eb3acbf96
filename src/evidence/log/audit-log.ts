import { pino, type Logger } from 'pino';
import type { DecisionEvent, DecisionSink } from '../../core/index.ts';
import { auditLine } from './audit-line.ts';
import { AUDIT_SCHEMA_VERSION, toAuditRecord } from './audit-record.ts';

/** A line that is not a decision: startup, shutdown, sink drops, config reloads. */
export interface SystemEvent {
  /** Short kebab-case name: `startup`, `sink-drop`, `config-reload`… */
  readonly event: string;
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface SystemLogger {
  logSystem(event: SystemEvent): void;
}

export interface AuditLog extends DecisionSink, SystemLogger {
  /** Flushes what is buffered and closes the destination; later events are counted as dropped. */
  close(): Promise<void>;
}

export interface AuditLogOptions {
  /** `stdout`, `stderr` or an absolute file path. */
  readonly destination: string;
  readonly level: 'info' | 'warn' | 'error';
  readonly evidencePreviews: boolean;
  /** Most bytes waiting to be written; past it a line is dropped and reported through onDrop. */
  readonly bufferBytes: number;
  readonly now?: () => number;
  /** A line could not be buffered (buffer full, or the log is closed). */
  readonly onDrop?: (lines: number, reason: 'buffer-full' | 'closed') => void;
  /** The destination failed to write (disk full, permissions). */
  readonly onError?: (error: Error) => void;
}

const MAX_DETAIL_KEYS = 32;
const MAX_DETAIL_TEXT = 512;

function boundedDetail(detail: SystemEvent['detail']): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  let n = 0;
  for (const [k, v] of Object.entries(detail ?? {})) {
    if (n++ >= MAX_DETAIL_KEYS) break;
    out[k.slice(0, 64)] = typeof v === 'string' && v.length > MAX_DETAIL_TEXT ? `${v.slice(0, MAX_DETAIL_TEXT - 1)}…` : v;
  }
  return out;
}

/**
 * The JSON-lines audit log: one line per decision event (schema in docs/AUDIT-LOG.md) and
 * `kind: "system"` lines for everything else. pino writes to a SonicBoom destination
 * (asynchronous, in-process; no worker transport) whose buffer is bounded by bufferBytes.
 * Allowed decisions are logged at info, every other action at warn, so `level: warn` keeps
 * only the decisions that changed or flagged traffic.
 */
export function createAuditLog(opts: AuditLogOptions): AuditLog {
  const now = opts.now ?? Date.now;
  const fd = opts.destination === 'stdout' ? 1 : opts.destination === 'stderr' ? 2 : null;
  const dest = pino.destination({
    dest: fd ?? opts.destination,
    sync: false,
    mkdir: fd === null,
    append: true,
    mode: 0o600,
    maxLength: opts.bufferBytes,
  });
  dest.on('drop', () => opts.onDrop?.(1, 'buffer-full'));
  dest.on('error', (err: Error) => opts.onError?.(err));
  const logger: Logger = pino(
    {
      level: opts.level,
      base: null,
      timestamp: false,
      formatters: { level: (label) => ({ level: label }) },
    },
    dest,
  );
  let closed = false;
  let closing: Promise<void> | null = null;
  // Decision lines are written straight to the destination when auditLine can (the bytes pino
  // would write); the level gate is pino's, fixed at creation.
  const infoOn = logger.isLevelEnabled('info');
  const warnOn = logger.isLevelEnabled('warn');

  return {
    emit(event: DecisionEvent) {
      if (closed) {
        opts.onDrop?.(1, 'closed');
        return;
      }
      const allow = event.action === 'allow';
      if (!(allow ? infoOn : warnOn)) return;
      const record = toAuditRecord(event, { evidencePreviews: opts.evidencePreviews });
      const line = auditLine(record, allow ? 'info' : 'warn');
      if (line !== null) dest.write(line);
      else if (allow) logger.info(record);
      else logger.warn(record);
    },
    logSystem(event: SystemEvent) {
      if (closed) {
        opts.onDrop?.(1, 'closed');
        return;
      }
      const line = {
        schema: AUDIT_SCHEMA_VERSION,
        kind: 'system',
        time: new Date(now()).toISOString(),
        event: event.event,
        msg: event.msg.length > MAX_DETAIL_TEXT ? `${event.msg.slice(0, MAX_DETAIL_TEXT - 1)}…` : event.msg,
        detail: boundedDetail(event.detail),
      };
      logger[event.level](line);
    },
    close() {
      closed = true;
      closing ??= new Promise<void>((resolve) => {
        // end() flushes the buffer, then closes the file (fd 1 and 2 are left open).
        dest.once('close', () => resolve());
        dest.once('error', () => resolve()); // already reported through onError
        dest.end();
      });
      return closing;
    },
  };
}
