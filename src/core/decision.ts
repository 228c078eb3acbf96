/**
 * The decision event: the one record every adjudicated action produces. Transports build it
 * after enforcing a verdict; the audit log, receipts, metrics and sinks all read this one
 * event and nothing else. It carries no secret: the target is redacted before it gets here
 * and finding evidence is already a redacted preview.
 */
import type { Action, Category, ScannerId, Severity } from './types.ts';

/** Which wire the decision was made on. */
export type TransportId =
  | 'scan-api'
  | 'cli'
  | 'http-forward'
  | 'http-connect'
  | 'https-intercept'
  | 'fetch'
  | 'websocket'
  | 'reverse'
  | 'mcp-stdio'
  | 'mcp-http'
  | 'mcp-ws'
  | 'system';

/** What was adjudicated. */
export type DecisionType =
  | 'request'
  | 'response'
  | 'tunnel'
  | 'frame'
  | 'fetch'
  | 'scan'
  | 'tool-list'
  | 'tool-call'
  | 'tool-result'
  | 'mcp-message'
  | 'config-reload'
  | 'kill-switch';

export type Mode = 'enforce' | 'audit';

/** A finding as evidence keeps it: no free text beyond the redacted preview. */
export interface DecisionFinding {
  readonly scanner: ScannerId | string;
  readonly rule: string;
  readonly severity: Severity;
  readonly category: Category;
  readonly mitre: string;
  readonly location: string;
  /** Redacted preview (never the value itself). */
  readonly evidence?: string;
  /** Keyed hash of the value (see Finding.fingerprint). */
  readonly fingerprint?: string;
}

export interface DecisionEvent {
  /** ISO-8601 UTC time of the decision. */
  readonly time: string;
  readonly type: DecisionType;
  readonly transport: TransportId;
  /** Which agent (from config or a header), when known. */
  readonly agent?: string;
  readonly session?: string;
  /** Unique per decision within a process run. */
  readonly requestId: string;
  /** HTTP method, JSON-RPC method or WebSocket direction. */
  readonly method?: string;
  /** URL, host:port, server identity or tool name, with secrets redacted. */
  readonly target?: string;
  /** What was enforced. In audit mode this is what let the traffic through. */
  readonly action: Action;
  readonly mode: Mode;
  /** In audit mode: what enforce would have done. */
  readonly wouldHave?: Action;
  readonly reason: string;
  readonly findings: readonly DecisionFinding[];
  /** Time spent deciding, in milliseconds. */
  readonly latencyMs: number;
  /** Bytes inspected for this decision. */
  readonly bytes?: number;
  /** Hash of the effective config (policy hash). */
  readonly configHash: string;
}

/**
 * How the reason of a held exchange's event begins once an operator approved it. Such an event is
 * recorded with the action enforced (`allow`), and this lead is what tells it from a plain allow.
 */
export const APPROVED_LEAD = 'Approved by an operator after being held';

/** Whether the event records an exchange let through after an operator approved its hold. */
export function approvedAfterHold(e: Pick<DecisionEvent, 'action' | 'reason'>): boolean {
  return e.action === 'allow' && e.reason.startsWith(APPROVED_LEAD);
}

/** Anything that consumes decision events. `emit` must never throw and never block the caller. */
export interface DecisionSink {
  emit(event: DecisionEvent): void;
}
