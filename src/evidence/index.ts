// evidence: the event bus, the JSON-lines audit log, the sinks (file, stdout, webhook, syslog,
// OTLP) and the Prometheus metrics. Everything here reads decision events; nothing here decides,
// and nothing here may block or break the transport that emitted the event.
import { hostname as osHostname } from 'node:os';
import type { LoggingConfig, MetricsConfig, SinkConfig } from '../config/evidence-schema.ts';
import { createEventBus, type EventBus } from './bus.ts';
import { AUDIT_SCHEMA_VERSION, createAuditLog, type AuditLog, type SystemEvent } from './log/index.ts';
import { createMetrics, disabledMetrics, type Metrics } from './metrics.ts';
import { resolveInDataDir } from './data-dir.ts';
import { createDropLog, createSinks, realQueueDeps, type EvidenceSink, type OtlpModuleType, type QueueDeps, type SinkReporter } from './sinks/index.ts';
import type { LineOutput } from './sinks/file.ts';

export { createEventBus, type EventBus, type EventBusOptions } from './bus.ts';
export { createMetrics, disabledMetrics, METRIC_NAMES, LATENCY_BUCKETS, type Metrics, type MetricsOptions } from './metrics.ts';
export * from './log/index.ts';
export { createSinks, type EvidenceSink, type SinkStats, type DropReason, type SinkContext } from './sinks/index.ts';

/** The slice of the Tollgate config the evidence layer reads. */
export interface EvidenceConfig {
  readonly logging: LoggingConfig;
  readonly sinks: readonly SinkConfig[];
  readonly metrics: MetricsConfig;
}

export interface EvidenceOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => number;
  readonly hostname?: string;
  readonly pid?: number;
  /** Tollgate's version, for the OTLP service.version attribute. */
  readonly version?: string;
  readonly queueDeps?: QueueDeps;
  /** Where system lines go when the audit log is off, and audit-log write failures always. */
  readonly stderr?: (line: string) => void;
  readonly stdout?: LineOutput;
  readonly importOtlp?: () => Promise<OtlpModuleType>;
  /** At most one drop line per sink and reason per interval (default 10 s). */
  readonly dropLogIntervalMs?: number;
}

export interface Evidence {
  /** Transports emit decision events here. */
  readonly bus: EventBus;
  /** Recorders for what is not a decision (tunnels, frames, MCP messages, receipts, reloads, kill switch) and render() for /metrics. */
  readonly metrics: Metrics;
  /** Where the audit log writes: "stdout", "stderr", an absolute path, or null when it is off. */
  readonly auditLog: string | null;
  readonly sinks: readonly EvidenceSink[];
  /** Non-decision lines (startup, shutdown, config reload) with kind "system". */
  logSystem(event: SystemEvent): void;
  /** Delivers what the sinks can within timeoutMs, reports every drop, then flushes and closes the log. */
  close(timeoutMs?: number): Promise<void>;
}

function auditDestination(logging: LoggingConfig, dataDir: string): string {
  const d = logging.destination;
  return d === 'stdout' || d === 'stderr' ? d : resolveInDataDir(dataDir, d);
}

/**
 * Builds the evidence layer from config: bus → audit log, metrics and every sink. dataDir is the
 * resolved data directory (resolveDataDir: TOLLGATE_HOME, ~ expanded, absolute); a relative
 * audit-log or file-sink path lands inside it. Throws (refuse to start) when a sink names
 * a secret environment variable that is empty.
 */
export async function createEvidence(config: EvidenceConfig, dataDir: string, opts: EvidenceOptions = {}): Promise<Evidence> {
  const now = opts.now ?? Date.now;
  const stderr = opts.stderr ?? ((line: string) => void process.stderr.write(line));
  const metrics = config.metrics.enabled
    ? createMetrics({ processMetrics: config.metrics.processMetrics, maxLabelValues: config.metrics.maxLabelValues })
    : disabledMetrics();
  const toStderr = (e: SystemEvent): void =>
    stderr(`${JSON.stringify({ level: e.level, schema: AUDIT_SCHEMA_VERSION, kind: 'system', time: new Date(now()).toISOString(), event: e.event, msg: e.msg, detail: e.detail ?? {} })}\n`);
  // The audit log's own troubles cannot be written into the audit log: they go to stderr.
  const logTrouble = createDropLog({ log: toStderr, now, ...(opts.dropLogIntervalMs ? { intervalMs: opts.dropLogIntervalMs } : {}) });

  const destination = config.logging.enabled ? auditDestination(config.logging, dataDir) : null;
  const log: AuditLog | null =
    destination === null
      ? null
      : createAuditLog({
          destination,
          level: config.logging.level,
          evidencePreviews: config.logging.evidencePreviews,
          bufferBytes: config.logging.bufferBytes,
          now,
          onDrop: (n, reason) => {
            metrics.recordSinkEvents('audit-log', 'dropped', n);
            metrics.recordSinkDrop('audit-log', reason, n);
            logTrouble.drop('audit-log', reason, n, null);
          },
          onError: (err) => logTrouble.error('audit-log', (err as NodeJS.ErrnoException).code ?? err.message),
        });
  const logSystem = (e: SystemEvent): void => (log ? log.logSystem(e) : toStderr(e));
  const drops = createDropLog({ log: logSystem, now, ...(opts.dropLogIntervalMs ? { intervalMs: opts.dropLogIntervalMs } : {}) });

  const reporter: SinkReporter = {
    outcome: (sink, outcome, n) => metrics.recordSinkEvents(sink, outcome, n),
    drop: (sink, reason, n, error) => {
      metrics.recordSinkDrop(sink, reason, n);
      drops.drop(sink, reason, n, error);
    },
  };
  const bus = createEventBus({
    onSinkError: (name, err) => {
      metrics.recordSinkEvents(name, 'dropped', 1);
      metrics.recordSinkDrop(name, 'sink-error', 1);
      drops.drop(name, 'sink-error', 1, err instanceof Error ? err.message : String(err));
    },
  });

  let sinks: EvidenceSink[];
  try {
    sinks = await createSinks(config.sinks, {
      dataDir,
      env: opts.env ?? process.env,
      hostname: opts.hostname ?? osHostname(),
      pid: opts.pid ?? process.pid,
      ...(opts.version ? { version: opts.version } : {}),
      evidencePreviews: config.logging.evidencePreviews,
      deps: opts.queueDeps ?? realQueueDeps,
      reporter,
      ...(opts.importOtlp ? { importOtlp: opts.importOtlp } : {}),
      ...(opts.stdout ? { stdout: opts.stdout } : {}),
    });
  } catch (err) {
    await log?.close();
    throw err;
  }

  if (log) bus.subscribe(log, 'audit-log');
  if (metrics.enabled) bus.subscribe({ emit: (e) => metrics.recordDecision(e) }, 'metrics');
  for (const sink of sinks) bus.subscribe(sink, sink.name);

  let closing: Promise<void> | null = null;
  return {
    bus,
    metrics,
    auditLog: destination,
    sinks,
    logSystem,
    close(timeoutMs = 5000) {
      closing ??= (async () => {
        await Promise.all(sinks.map((s) => s.close(timeoutMs)));
        drops.flush();
        logTrouble.flush();
        await log?.close();
      })();
      return closing;
    },
  };
}
