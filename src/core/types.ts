/**
 * The shared vocabulary of Tollgate: what a transport hands the engine (ScanInput),
 * what a scanner reports (Finding) and what the engine answers (Verdict).
 * This module imports nothing else from src/.
 */

/** One vocabulary everywhere, ordered from least to most restrictive. */
export type Action = 'allow' | 'warn' | 'redact' | 'ask' | 'block';
export const ACTIONS: readonly Action[] = ['allow', 'warn', 'redact', 'ask', 'block'];
export const ACTION_RANK: Readonly<Record<Action, number>> = { allow: 0, warn: 1, redact: 2, ask: 3, block: 4 };

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export type Category =
  | 'secret'
  | 'pii'
  | 'injection'
  | 'ssrf'
  | 'exfiltration'
  | 'crypto'
  | 'tool-poisoning'
  | 'policy'
  | 'limits'
  | 'engine';

export type ScannerId =
  | 'dlp'
  | 'known-secrets'
  | 'entropy'
  | 'split-secrets'
  | 'ssrf'
  | 'injection'
  | 'crypto'
  | 'tool-poisoning'
  | 'tool-policy'
  | 'engine';
export const SCANNER_IDS: readonly ScannerId[] = [
  'dlp',
  'known-secrets',
  'entropy',
  'split-secrets',
  'ssrf',
  'injection',
  'crypto',
  'tool-poisoning',
  'tool-policy',
  'engine',
];

export interface Finding {
  readonly scanner: ScannerId;
  /** Stable kebab-case id, prefixed by the scanner: `dlp/aws-access-key-id`. */
  readonly rule: string;
  readonly severity: Severity;
  readonly category: Category;
  /** MITRE ATT&CK technique id, e.g. `T1552.001`. */
  readonly mitre: string;
  /** Where: `url.query.token`, `header.authorization`, `body.$.messages[2].content`, with `|base64` etc. for decoded layers. */
  readonly location: string;
  /** A redacted preview; never the secret itself. */
  readonly evidence: string;
  readonly message: string;
  /**
   * Keyed hash of the matched value (HMAC-SHA256 under the installation's evidence key, first 16
   * hex digits): the same secret gives the same fingerprint, and the fingerprint reveals nothing.
   */
  readonly fingerprint?: string;
}

export interface Verdict {
  readonly action: Action;
  readonly findings: readonly Finding[];
  /** A sentence a person can act on. */
  readonly reason: string;
  /** In audit mode: what enforce mode would have done. */
  readonly wouldHave?: Action;
  /**
   * The rule of the finding that decided the action (the one the reason names), when findings
   * decided it. Not always the first finding: that is the most severe, whose action may be milder.
   */
  readonly decidedBy?: string;
}

export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;
export type Body = string | Uint8Array;

export interface ToolDefinition {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema?: unknown;
  readonly outputSchema?: unknown;
  readonly annotations?: unknown;
  readonly [key: string]: unknown;
}

export type ScanInput =
  | { readonly kind: 'url'; readonly url: string }
  | {
      readonly kind: 'request';
      readonly method: string;
      readonly url: string;
      readonly headers?: HeaderMap;
      readonly body?: Body;
      readonly contentType?: string;
    }
  | {
      readonly kind: 'response';
      readonly url?: string;
      readonly status?: number;
      readonly headers?: HeaderMap;
      readonly contentType?: string;
      readonly body: Body;
    }
  | { readonly kind: 'text'; readonly text: string; readonly flow?: Flow }
  | { readonly kind: 'tools'; readonly tools: readonly ToolDefinition[]; readonly server?: string }
  | { readonly kind: 'tool-call'; readonly name: string; readonly arguments?: unknown; readonly server?: string }
  | { readonly kind: 'tool-result'; readonly name?: string; readonly content: unknown; readonly server?: string }
  /**
   * Any other message an MCP client sends its server (a request's params, a notification's params,
   * or the result or error answering a server's request, under the server request's method): egress,
   * read like tool-call arguments. Built by the MCP transport only (not on the scan API's wire).
   */
  | { readonly kind: 'mcp-client-message'; readonly method: string; readonly params?: unknown; readonly server?: string }
  | {
      readonly kind: 'websocket';
      readonly direction: 'outbound' | 'inbound';
      readonly url?: string;
      readonly data: Body;
    };

export type ScanKind = ScanInput['kind'];
export const SCAN_KINDS: readonly ScanKind[] = [
  'url',
  'request',
  'response',
  'text',
  'tools',
  'tool-call',
  'tool-result',
  'websocket',
];

/**
 * Which way content moves. Egress leaves the agent (DLP matters most); ingress reaches the
 * agent's context (prompt injection matters most); neutral is scanned for both.
 */
export type Flow = 'egress' | 'ingress' | 'neutral';
