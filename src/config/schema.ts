import { z } from 'zod';
import { LoggingConfig, MetricsConfig, SinksConfig } from './evidence-schema.ts';
import { McpConfig } from './mcp-schema.ts';
import { ReceiptsConfig } from './receipts-schema.ts';
import { toolPoisoningFields, toolPolicyFields } from './tools-schema.ts';
import { DnsConfig, ProxyConfig } from './proxy-schema.ts';
import { FetchConfig } from './fetch-schema.ts';
import { WebSocketConfig } from './websocket-schema.ts';
import { ReverseConfig } from './reverse-schema.ts';
import { BudgetsConfig, IdentityConfig, KillSwitchConfig } from './control-schema.ts';

/**
 * The Tollgate configuration, as validated at load. Every object is `.strict()`: an unknown
 * key is an error, never silently ignored. Defaults here are the `balanced` preset's values.
 */

const action = z.enum(['allow', 'warn', 'redact', 'ask', 'block']);
const severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
const ruleId = z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'rule ids look like scanner/rule-name');
const positiveInt = z.number().int().positive();

const scannerSeverityActions = z
  .object({ critical: action, high: action, medium: action, low: action, info: action })
  .partial()
  .strict()
  .describe("This scanner's own severity → action mapping, overriding the global one for the severities it names.");

const scannerBase = {
  enabled: z.boolean().default(true).describe('Run this scanner.'),
  action: action.optional().describe('Action for every finding of this scanner (above info), overriding the severity mappings.'),
  severityActions: scannerSeverityActions.optional(),
  disabledRules: z.array(ruleId).default([]).describe('Rule ids of this scanner that never fire.'),
  failOpen: z
    .boolean()
    .default(false)
    .describe('If the scanner itself fails, warn instead of block. Off by default (fail closed); recorded in the evidence when used.'),
};

export const DlpConfig = z
  .object({
    ...scannerBase,
    minSeverity: severity.default('low').describe('Findings below this severity are dropped.'),
    destinations: z
      .record(ruleId, z.array(z.string()))
      .default({})
      .describe('Extra hosts (exact or *.suffix) a credential rule may legitimately be sent to in a header or query, over TLS; added to the built-in provider list.'),
    builtinDestinations: z.boolean().default(true).describe('Use the built-in provider hosts (an OpenAI key to api.openai.com, …).'),
    trustAuthorizationHeader: z
      .boolean()
      .default(true)
      .describe('Treat a generic bearer/basic/JWT credential in the Authorization header of a TLS request as the agent authenticating (low) rather than a leak.'),
  })
  .strict();

export const KnownSecretsConfig = z
  .object({
    ...scannerBase,
    env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).default([]).describe('Environment variable names whose values must never leave.'),
    envPatterns: z
      .array(z.string())
      .default(['*_API_KEY', '*_APIKEY', '*_TOKEN', '*_SECRET', '*_SECRET_KEY', '*_ACCESS_KEY', '*_PRIVATE_KEY', '*_PASSWORD', '*_PASSWD', 'AWS_ACCESS_KEY_ID', 'GITHUB_PAT'])
      .describe('Glob patterns (only `*`) of environment variable names to protect. Names, not prefixes: `AWS_*` or `GITHUB_*` would also take AWS_ENDPOINT_URL, AWS_CA_BUNDLE or GITHUB_SHA, which are not secrets and appear in ordinary requests.'),
    secretsFile: z.string().optional().describe('A file of secrets: one NAME=value per line, or one value per line.'),
    minLength: positiveInt.default(16).describe('Shortest value matched; shorter values are rejected and reported.'),
  })
  .strict();

export const EntropyConfig = z
  .object({
    ...scannerBase,
    minLength: positiveInt.default(20).describe('Shortest path segment or query value measured.'),
    pathThreshold: z
      .number()
      .min(0)
      .max(8)
      .default(4.5)
      .describe('Bits per character at or above which a path segment counts as random (alone; see randomness).'),
    queryThreshold: z.number().min(0).max(8).default(4.5).describe('Bits per character at or above which a query value counts as random (alone; see randomness).'),
    hostLabelThreshold: z.number().min(0).max(8).default(3.8).describe('Bits per character at or above which a hostname label counts as random.'),
    hostLabelMinLength: positiveInt.default(16).describe('Shortest hostname label measured.'),
    randomness: z
      .number()
      .min(0)
      .max(1)
      .default(0.9)
      .describe(
        'A run also counts as random when its entropy is at least this share of what a truly random string of the same length and alphabet would have. Needed because short or hex strings cannot reach a fixed bits-per-character bar (20 characters carry at most 4.32 bits/char, hex at most 4).',
      ),
    hostLabelRandomness: z.number().min(0).max(1).default(0.88).describe('The same share for hostname labels.'),
  })
  .strict();

export const SplitSecretsConfig = z
  .object({
    ...scannerBase,
    windowBytes: positiveInt.default(8192).describe('Bytes of recent fragments kept per session.'),
    ttlSeconds: positiveInt.default(300).describe('Fragments older than this are forgotten; so are the tool calls the tool-policy chains look back on (scanners.toolPolicy.chains).'),
    maxSessions: positiveInt.default(10_000).describe('Sessions tracked at once (least recently used evicted).'),
    entropyBudgetBits: positiveInt.default(4096).describe('High-entropy bits a session may send within the window before it is flagged.'),
  })
  .strict();

export const SsrfConfig = z
  .object({
    ...scannerBase,
    allowSchemes: z.array(z.string()).default(['http', 'https', 'ws', 'wss']).describe('URL schemes an agent may use.'),
    allowCidrs: z.array(z.string()).default([]).describe('Internal ranges the agent may reach anyway (e.g. a local API). Each destination reached through one is logged once.'),
    allowHosts: z.array(z.string()).default([]).describe('Host names exempt from the internal-name rules (exact, or *.suffix).'),
    blockHosts: z.array(z.string()).default([]).describe('Host names always blocked (exact, or *.suffix).'),
    blockPrivate: z.boolean().default(true).describe('Block loopback, private, link-local and other internal addresses.'),
    blockMetadata: z.boolean().default(true).describe('Block cloud metadata endpoints; allowCidrs does not exempt them.'),
    scanToolArguments: z.boolean().default(true).describe('Also check URLs in tool-call arguments (a fetch tool reaching an internal address is SSRF too). A whole-value URL, or one given to a network client on its line (curl, wget …), is judged in full; a URL merely written in text (a README, an issue body) only for what is dangerous anywhere (cloud metadata, link-local, blocked hosts, disguised hosts).'),
  })
  .strict();

export const InjectionConfig = z
  .object({
    ...scannerBase,
    // balanced blocks injection scored medium or above (see presets/balanced.yaml).
    severityActions: scannerSeverityActions.default({ medium: 'block' }),
    threshold: z.number().min(0).default(1).describe('Score scale factor: findings need score × threshold ≥ the rule floor. Above 1 is stricter.'),
  })
  .strict();

export const CryptoConfig = z
  .object({
    ...scannerBase,
    allowlistedAddresses: z.array(z.string()).default([]).describe('Wallet addresses the agent legitimately pays; look-alikes are flagged.'),
  })
  .strict();

export const ToolPoisoningConfig = z.object({ ...scannerBase, ...toolPoisoningFields }).strict();

export const ToolPolicyConfig = z.object({ ...scannerBase, ...toolPolicyFields }).strict();

export const LimitsConfig = z
  .object({
    maxInputBytes: positiveInt.default(10 * 1024 * 1024).describe('Largest body or text scanned; larger inputs are blocked.'),
    maxUrlLength: positiveInt.default(16 * 1024),
    maxHeaderBytes: positiveInt.default(64 * 1024),
    maxJsonDepth: positiveInt.default(64),
    maxSegments: positiveInt
      .default(250_000)
      .describe('Most parts (URL parts, headers, JSON leaves, each distinct JSON key once) scanned per input; an input with more is blocked. It bounds the work per input: the default admits about 7 MB of JSON as dense as an npm packument.'),
    maxDecodeDepth: positiveInt.max(16).default(4).describe('Layers of encoding peeled (base64 in URL-encoding in hex…).'),
    maxDecodedBytes: positiveInt.default(8 << 20).describe('Total decoded text kept per scanned part; decoding that would exceed it blocks (engine/decode-truncated).'),
    workerScanBytes: z
      .number()
      .int()
      .min(0)
      .default(256 * 1024)
      .describe('MCP results, scan API inputs and HTTP proxy responses (forward, intercepted, reverse, /fetch) of at least this many bytes of text are scanned in a worker thread, off the event loop (the scan API stops such a scan at api.deadlineMs, the proxy at proxy.responseTimeoutMs); 0 scans everything inline.'),
    scanWorkers: z.number().int().min(1).max(8).default(1).describe('Worker threads for large scans (workerScanBytes), started when first needed and stopped when idle.'),
  })
  .strict();

export const ApiConfig = z
  .object({
    enabled: z.boolean().default(true),
    listen: z
      .string()
      .optional()
      .describe('A separate host:port for the scan API, /metrics and /healthz. Unset: they are served on the proxy listener (on 127.0.0.1:8888 when the proxy is off). Set apart from proxy.listen: the proxy listener answers only /health and /healthz of them.'),
    tokenEnv: z.string().optional().describe('Environment variable holding the bearer token the API requires.'),
    maxBodyBytes: positiveInt.default(1024 * 1024),
    rateLimitPerMinute: positiveInt.default(600).describe('Requests per minute per token (or per client address without a token).'),
    deadlineMs: positiveInt.default(2000).describe('A scan still running after this is answered with block.'),
  })
  .strict();

export const TollgateConfig = z
  .object({
    version: z.literal(1).default(1),
    mode: z.enum(['enforce', 'audit']).default('enforce').describe('audit logs what would be blocked and lets it through.'),
    preset: z.string().optional().describe('Name of the preset this file started from (informational).'),
    dataDir: z
      .string()
      .default('~/.tollgate')
      .describe('Where Tollgate keeps state between runs: receipts, signing keys, tool pins. The TOLLGATE_HOME environment variable overrides it.'),
    agent: z.string().optional().describe('Name of the agent this instance protects, written into every decision event.'),
    severityActions: z
      .object({
        critical: action.default('block'),
        high: action.default('block'),
        medium: action.default('warn'),
        low: action.default('warn'),
        info: action.default('allow'),
      })
      .strict()
      .default({ critical: 'block', high: 'block', medium: 'warn', low: 'warn', info: 'allow' })
      .describe('Action for a finding by its severity, unless a scanner or rule override applies.'),
    rules: z.record(ruleId, action).default({}).describe('Per-rule action overrides, e.g. "dlp/jwt": warn.'),
    scanners: z
      .object({
        dlp: DlpConfig.default(DlpConfig.parse({})),
        knownSecrets: KnownSecretsConfig.default(KnownSecretsConfig.parse({})),
        entropy: EntropyConfig.default(EntropyConfig.parse({})),
        splitSecrets: SplitSecretsConfig.default(SplitSecretsConfig.parse({})),
        ssrf: SsrfConfig.default(SsrfConfig.parse({})),
        injection: InjectionConfig.default(InjectionConfig.parse({})),
        crypto: CryptoConfig.default(CryptoConfig.parse({})),
        toolPoisoning: ToolPoisoningConfig.default(ToolPoisoningConfig.parse({})).describe('Poisoned MCP tool descriptions and schemas (tools/list).'),
        toolPolicy: ToolPolicyConfig.default(ToolPolicyConfig.parse({})).describe('The tools/call policy: shell-like and path-like arguments, and session chains.'),
      })
      .strict()
      .default({
        dlp: DlpConfig.parse({}),
        knownSecrets: KnownSecretsConfig.parse({}),
        entropy: EntropyConfig.parse({}),
        splitSecrets: SplitSecretsConfig.parse({}),
        ssrf: SsrfConfig.parse({}),
        injection: InjectionConfig.parse({}),
        crypto: CryptoConfig.parse({}),
        toolPoisoning: ToolPoisoningConfig.parse({}),
        toolPolicy: ToolPolicyConfig.parse({}),
      }),
    limits: LimitsConfig.default(LimitsConfig.parse({})),
    api: ApiConfig.default(ApiConfig.parse({})),
    logging: LoggingConfig.default(LoggingConfig.parse({})),
    sinks: SinksConfig,
    metrics: MetricsConfig.default(MetricsConfig.parse({})),
    receipts: ReceiptsConfig.default(ReceiptsConfig.parse({})),
    mcp: McpConfig.default(McpConfig.parse({})),
    proxy: ProxyConfig.default(ProxyConfig.parse({})),
    dns: DnsConfig.default(DnsConfig.parse({})),
    fetch: FetchConfig.default(FetchConfig.parse({})),
    websocket: WebSocketConfig.default(WebSocketConfig.parse({})),
    reverse: ReverseConfig.default(ReverseConfig.parse({})),
    killSwitch: KillSwitchConfig.default(KillSwitchConfig.parse({})),
    budgets: BudgetsConfig.default(BudgetsConfig.parse({})),
    identity: IdentityConfig.default(IdentityConfig.parse({})),
  })
  .strict();

export type TollgateConfig = z.infer<typeof TollgateConfig>;
export type TollgateConfigInput = z.input<typeof TollgateConfig>;
