// Building the one decision event a transport emits per adjudicated action. Targets pass through
// summarizeUrl so a secret carried in a URL never reaches a log, sink or receipt.
import type { DecisionEvent, DecisionFinding, DecisionType, Finding, Mode, TransportId, Verdict } from '../core/index.ts';

export { scanTarget, summarizeParsedUrl, summarizeUrl } from './target.ts';

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

/**
 * A target whose path the findings point into is written without its path: the pieces of a
 * split key can each be short enough to look like ordinary path segments.
 */
export function targetFor(target: string, findings: readonly Finding[]): string {
  if (!findings.some((x) => x.location.startsWith('url.path') || x.location === 'url' || x.location.startsWith('url|'))) return target;
  const scheme = target.indexOf('://');
  const slash = scheme < 0 ? -1 : target.indexOf('/', scheme + 3);
  return slash < 0 ? target : `${target.slice(0, slash)}/…`;
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
    ...(f.target !== undefined ? { target: targetFor(f.target, f.verdict.findings) } : {}),
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

/**
 * Whether a verdict stops the traffic where nothing can be rewritten and nobody can be asked
 * (tunnels, upgrades, frames, outgoing requests): redact and ask stop too. The forward proxy's
 * exchanges enforce redact and ask themselves (http-proxy/actions.ts), and so does /fetch for
 * the page it returns.
 */
export function stops(v: Verdict): boolean {
  return v.action === 'block' || v.action === 'ask' || v.action === 'redact';
}
