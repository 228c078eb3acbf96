// Building the one decision event a transport emits per adjudicated action. Targets pass through
// summarizeUrl so a secret carried in a URL never reaches a log, sink or receipt.
import type { DecisionEvent, DecisionFinding, DecisionType, Finding, Mode, TransportId, Verdict } from '../core/index.ts';

export { scanTarget, summarizeUrl } from './target.ts';

export interface DecisionFacts {
  readonly type: DecisionType;
  readonly transport: TransportId;
  readonly verdict: Verdict;
  readonly requestId: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly latencyMs: number;
  readonly mode: Mode;
  readonly configHash: string;
  /** Already safe to log (see summarizeUrl). */
  readonly target?: string;
  readonly method?: string;
  readonly bytes?: number;
  readonly agent?: string;
  readonly session?: string;
}

export function decisionFindings(findings: readonly Finding[]): DecisionFinding[] {
  return findings.map((x) => ({
    scanner: x.scanner,
    rule: x.rule,
    severity: x.severity,
    category: x.category,
    mitre: x.mitre,
    location: x.location,
    evidence: x.evidence,
    ...(x.fingerprint !== undefined ? { fingerprint: x.fingerprint } : {}),
  }));
}

export function decisionEvent(f: DecisionFacts): DecisionEvent {
  return {
    time: new Date(f.at).toISOString(),
    type: f.type,
    transport: f.transport,
    ...(f.agent !== undefined ? { agent: f.agent } : {}),
    ...(f.session !== undefined ? { session: f.session } : {}),
    requestId: f.requestId,
    ...(f.method !== undefined ? { method: f.method } : {}),
    ...(f.target !== undefined ? { target: f.target } : {}),
    action: f.verdict.action,
    mode: f.mode,
    ...(f.verdict.wouldHave ? { wouldHave: f.verdict.wouldHave } : {}),
    reason: f.verdict.reason,
    findings: decisionFindings(f.verdict.findings),
    latencyMs: f.latencyMs,
    ...(f.bytes !== undefined ? { bytes: f.bytes } : {}),
    configHash: f.configHash,
  };
}

/** A finding a transport raises itself (limits, resolution, policy), in the engine's shape. */
export function transportFinding(
  rule: string,
  location: string,
  message: string,
  extra: Partial<Pick<Finding, 'severity' | 'category' | 'mitre' | 'scanner'>> = {},
): Finding {
  return {
    scanner: extra.scanner ?? 'engine',
    rule,
    severity: extra.severity ?? 'high',
    category: extra.category ?? 'limits',
    mitre: extra.mitre ?? 'T1027',
    location,
    evidence: '',
    message,
  };
}

/** Whether a verdict stops the traffic (ask has no approval channel on HTTP, so it stops too). */
export function stops(v: Verdict): boolean {
  return v.action === 'block' || v.action === 'ask';
}
