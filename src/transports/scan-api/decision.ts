import type { DecisionEvent, Mode, ScanInput, Verdict } from '../../core/index.ts';
import { decisionFindings } from '../decision.ts';
import { scanTarget } from '../target.ts';

export interface ScanDecisionFacts {
  readonly input: ScanInput;
  readonly verdict: Verdict;
  readonly requestId: string;
  /** Milliseconds since the epoch when the decision was made. */
  readonly at: number;
  readonly latencyMs: number;
  readonly bytes: number;
  readonly mode: Mode;
  readonly configHash: string;
  readonly agent?: string;
  readonly session?: string;
}

/** The decision event of one POST /api/v1/scan. */
export function scanDecisionEvent(f: ScanDecisionFacts): DecisionEvent {
  const target = scanTarget(f.input);
  const findings = decisionFindings(f.verdict.findings);
  return {
    time: new Date(f.at).toISOString(),
    type: 'scan',
    transport: 'scan-api',
    ...(f.agent !== undefined ? { agent: f.agent } : {}),
    ...(f.session !== undefined ? { session: f.session } : {}),
    requestId: f.requestId,
    ...(f.input.kind === 'request' ? { method: f.input.method } : {}),
    ...(target !== undefined ? { target } : {}),
    action: f.verdict.action,
    mode: f.mode,
    ...(f.verdict.wouldHave ? { wouldHave: f.verdict.wouldHave } : {}),
    reason: f.verdict.reason,
    findings,
    latencyMs: f.latencyMs,
    bytes: f.bytes,
    configHash: f.configHash,
  };
}
