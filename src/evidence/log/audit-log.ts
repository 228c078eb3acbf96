import { pino, type Logger } from 'pino';
import { approvedAfterHold, type DecisionEvent, type DecisionSink } from '../../core/index.ts';
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
/** Most characters of decision lines held for the end of the turn; past it they are handed on at once. */
const PENDING_MAX = 64 * 1024;
/** A settled promise: a callback chained on it runs at the end of this turn (cheaper than queueMicrotask's async resource). */
const TURN_END: Promise<void> = Promise.resolve();
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
  // A chunk of several lines that does not fit is offered again line by line (writePending), so
  // only the drops of single lines are reported, one each, as before chunks.
  let offeringChunk = false;
  let chunkDropped = false;
  dest.on('drop', () => {
    if (offeringChunk) chunkDropped = true;
    else opts.onDrop?.(1, 'buffer-full');
  });
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
  /**
   * Decision lines of this turn of the event loop, handed to the destination as one chunk at its
   * end: one write (one thread-pool trip, one wake-up) for a burst of events instead of one for
   * the first and one for the rest, and no re-measuring of SonicBoom's growing buffer per line.
   * The bytes and their order are the same (every other write, system lines and pino's, first
   * hands on what waits here), and so is what is dropped when the buffer is full: a chunk that
   * does not fit is offered line by line, and SonicBoom takes exactly the lines it would have
   * taken one at a time (its buffer cannot drain within one turn). Bounded by PENDING_MAX.
   */
  let pending = '';
  let pendingLines = 0;
  let scheduled = false;
  const writePending = (): void => {
    if (pendingLines === 0) return;
    const chunk = pending;
    const lines = pendingLines;
    pending = '';
    pendingLines = 0;
    if (lines === 1) {
      dest.write(chunk);
      return;
    }
    offeringChunk = true;
    chunkDropped = false;
    try {
      dest.write(chunk);
    } finally {
      offeringChunk = false;
    }
    if (!chunkDropped) return;
    for (let start = 0; start < chunk.length; ) {
      const end = chunk.indexOf('\n', start) + 1;
      dest.write(chunk.slice(start, end));
      start = end;
    }
  };
  const endOfTurn = (): void => {
    scheduled = false;
    try {
      writePending();
    } catch (err) {
      // Outside the emitter's call now, so reported here rather than thrown (a destroyed destination).
      opts.onError?.(err instanceof Error ? err : new Error(String(err)));
    }
  };
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
      // An exchange let through after an operator approved its hold is at warn, like the hold's
      // other outcomes, so logging.level: warn keeps every approval.
      const allow = event.action === 'allow' && !approvedAfterHold(event);
      if (!(allow ? infoOn : warnOn)) return;
      const record = toAuditRecord(event, { evidencePreviews: opts.evidencePreviews });
      const line = auditLine(record, allow ? 'info' : 'warn');
      if (line !== null) {
        pending += line;
        pendingLines++;
        if (pending.length >= PENDING_MAX) writePending();
        else if (!scheduled) {
          scheduled = true;
          void TURN_END.then(endOfTurn);
        }
        return;
      }
      writePending();
      if (allow) logger.info(record);
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
      writePending();
      logger[event.level](line);
    },
    close() {
      if (!closed) writePending();
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
