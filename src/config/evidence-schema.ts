import { z } from 'zod';

/**
 * Config of the evidence layer: the JSON-lines audit log, the sinks that ship decision events
 * elsewhere, and the Prometheus metrics. Every object is `.strict()`, like the rest of the config.
 */

const positiveInt = z.number().int().positive();
const action = z.enum(['allow', 'warn', 'redact', 'ask', 'block']);
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const sinkName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'sink names are 1-40 characters of a-z 0-9 _ -');
const httpUrl = z
  .string()
  .refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'http:' || p === 'https:';
    } catch {
      return false;
    }
  }, 'an http:// or https:// URL');

export const LoggingConfig = z
  .object({
    enabled: z.boolean().default(true).describe('Write the JSON-lines audit log (one line per decision; see docs/AUDIT-LOG.md).'),
    destination: z
      .string()
      .min(1)
      .default('audit.jsonl')
      .describe('"stdout", "stderr", or a file path; a relative path is inside dataDir. Files are appended to, created with mode 0600.'),
    level: z
      .enum(['info', 'warn', 'error'])
      .default('info')
      .describe('info logs every decision; warn leaves out allowed decisions (and info system lines); error keeps only system errors.'),
    evidencePreviews: z
      .boolean()
      .default(true)
      .describe('Include each finding\'s redacted evidence preview (never the value itself); false writes null instead. Applies to every sink.'),
    bufferBytes: positiveInt
      .default(16 * 1024 * 1024)
      .describe('Most bytes of log lines waiting to be written; beyond it lines are dropped and counted, never held without bound.'),
  })
  .strict();

export const BackoffConfig = z
  .object({
    initialMs: positiveInt.default(500).describe('Delay before the first retry.'),
    maxMs: positiveInt.default(30_000).describe('Longest delay between retries (a server Retry-After is capped to this too).'),
    multiplier: z.number().min(1).max(10).default(2).describe('Each retry waits this many times longer than the one before.'),
    jitter: z.number().min(0).max(1).default(0.2).describe('Random spread of each delay, as a share of it (0.2 = ±20%); 0 gives a fixed schedule.'),
  })
  .strict();

const sinkBase = {
  name: sinkName.optional().describe('Name in metrics and log lines; defaults to the type (with -2, -3 … for repeats).'),
  queueSize: positiveInt.max(1_000_000).default(10_000).describe('Events held (queued or in flight) at most; a new event beyond it is dropped and counted (queue-full).'),
  queueBytes: positiveInt
    .default(32 * 1024 * 1024)
    .describe('Bytes of serialized events held at most (queued or in flight); past it a new event is dropped and counted (queue-full).'),
  maxAttempts: positiveInt.max(1000).default(8).describe('Delivery attempts per batch before it is dropped and counted (max-retries).'),
  backoff: BackoffConfig.default(BackoffConfig.parse({})),
  minAction: action.default('allow').describe('Send only decisions at least this restrictive (allow sends everything; warn leaves out allowed traffic).'),
};

export const WebhookSinkConfig = z
  .object({
    type: z.literal('webhook'),
    ...sinkBase,
    url: httpUrl.describe('Where batches are POSTed as JSON.'),
    secretEnv: envName.optional().describe('Environment variable holding the HMAC-SHA256 key; sets X-Tollgate-Signature: sha256=<hex of the body>. An empty variable refuses to start.'),
    headers: z.record(z.string(), z.string()).default({}).describe('Extra request headers (not secrets: the config is not a secret store).'),
    timeoutMs: positiveInt.default(5000).describe('A request with no complete answer after this is abandoned and retried.'),
    batchSize: positiveInt.max(10_000).default(100).describe('Most events per POST.'),
    maxDelayMs: positiveInt.default(1000).describe('Longest an event waits for its batch to fill.'),
  })
  .strict();

export const SYSLOG_FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'audit', 'alert', 'clock',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

export const SyslogSinkConfig = z
  .object({
    type: z.literal('syslog'),
    ...sinkBase,
    protocol: z.enum(['udp', 'tcp']).default('udp').describe('UDP (RFC 5426) or TCP with octet-counting framing (RFC 6587).'),
    host: z.string().min(1).default('127.0.0.1'),
    port: positiveInt.max(65_535).default(514),
    facility: z.enum(SYSLOG_FACILITIES).default('local0'),
    appName: z.string().regex(/^[!-~]{1,48}$/, '1-48 printable ASCII characters, no spaces').default('tollgate'),
    hostname: z.string().regex(/^[!-~]{1,255}$/, '1-255 printable ASCII characters, no spaces').optional().describe('HOSTNAME field; defaults to this machine\'s name.'),
    maxMessageBytes: positiveInt.min(480).max(65_000).default(8192).describe('Longest message; a longer record loses its findings list first, then is cut.'),
    timeoutMs: positiveInt.default(5000).describe('TCP connect and write timeout.'),
    batchSize: positiveInt.max(10_000).default(50),
    maxDelayMs: positiveInt.default(200),
  })
  .strict();

export const OtlpSinkConfig = z
  .object({
    type: z.literal('otlp'),
    ...sinkBase,
    endpoint: httpUrl.default('http://127.0.0.1:4318').describe('OTLP/HTTP base URL; /v1/logs and /v1/traces are appended.'),
    logs: z.boolean().default(true).describe('Export each decision as a log record.'),
    traces: z.boolean().default(true).describe('Export each decision as a span.'),
    headers: z.record(z.string(), z.string()).default({}).describe('Extra request headers that are not secrets.'),
    headersEnv: z.record(z.string(), envName).default({}).describe('Request headers whose value is read from an environment variable, e.g. authorization: OTLP_TOKEN.'),
    serviceName: z.string().min(1).default('tollgate').describe('The service.name resource attribute.'),
    timeoutMs: positiveInt.default(10_000),
    batchSize: positiveInt.max(10_000).default(200),
    maxDelayMs: positiveInt.default(2000),
  })
  .strict();

export const FileSinkConfig = z
  .object({
    type: z.literal('file'),
    ...sinkBase,
    path: z.string().min(1).describe('JSON-lines file appended to (relative paths are inside dataDir); reopened per batch, so renaming it for rotation is safe.'),
    batchSize: positiveInt.max(10_000).default(200),
    maxDelayMs: positiveInt.default(200),
  })
  .strict();

export const StdoutSinkConfig = z
  .object({
    type: z.literal('stdout'),
    ...sinkBase,
    batchSize: positiveInt.max(10_000).default(200),
    maxDelayMs: positiveInt.default(50),
  })
  .strict();

export const SinkConfig = z.discriminatedUnion('type', [WebhookSinkConfig, SyslogSinkConfig, OtlpSinkConfig, FileSinkConfig, StdoutSinkConfig]);
export const SinksConfig = z.array(SinkConfig).max(32).default([]).describe('Where decision events are shipped besides the audit log; each sink has its own bounded queue.');

export const MetricsConfig = z
  .object({
    enabled: z.boolean().default(true).describe('Count decisions and serve them in Prometheus format on GET /metrics of the API.'),
    processMetrics: z.boolean().default(true).describe('Also export the default Node.js process metrics (CPU, memory, event loop, GC).'),
    maxLabelValues: positiveInt.max(10_000).default(500).describe('Distinct values kept per label; later new values are counted under "other".'),
  })
  .strict();

export type LoggingConfig = z.infer<typeof LoggingConfig>;
export type BackoffConfig = z.infer<typeof BackoffConfig>;
export type WebhookSinkConfig = z.infer<typeof WebhookSinkConfig>;
export type SyslogSinkConfig = z.infer<typeof SyslogSinkConfig>;
export type OtlpSinkConfig = z.infer<typeof OtlpSinkConfig>;
export type FileSinkConfig = z.infer<typeof FileSinkConfig>;
export type StdoutSinkConfig = z.infer<typeof StdoutSinkConfig>;
export type SinkConfig = z.infer<typeof SinkConfig>;
export type MetricsConfig = z.infer<typeof MetricsConfig>;
