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

// Date#toISOString for event times, formatted once per second: the proxy writes two events per
// exchange, most within the same second. Identical output (the prefix is toISOString's own).
let isoSecond = Number.NaN;
let isoPrefix = '';
function isoTime(at: number): string {
  if (!(at >= 0 && at < 253_402_300_800_000)) return new Date(at).toISOString();
  const second = Math.floor(at / 1000);
  if (second !== isoSecond) {
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20); // YYYY-MM-DDTHH:MM:SS.
    isoSecond = second;
  }
  const ms = Math.floor(at) - second * 1000;
  return `${isoPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

export function decisionEvent(f: DecisionFacts): DecisionEvent {
  // Built field by field in the order the event has always been written (receipts and logs keep
  // it); optional fields are set only when present. Every proxied exchange makes two of these.
  const e: { -readonly [K in keyof DecisionEvent]: DecisionEvent[K] } = { time: isoTime(f.at), type: f.type, transport: f.transport } as DecisionEvent;
  if (f.agent !== undefined) e.agent = f.agent;
  if (f.session !== undefined) e.session = f.session;
  e.requestId = f.requestId;
  if (f.method !== undefined) e.method = f.method;
  if (f.target !== undefined) e.target = targetFor(f.target, f.verdict.findings);
  e.action = f.verdict.action;
  e.mode = f.mode;
  if (f.verdict.wouldHave) e.wouldHave = f.verdict.wouldHave;
  e.reason = f.verdict.reason;
  e.findings = f.verdict.findings.length === 0 ? [] : decisionFindings(f.verdict.findings);
  e.latencyMs = f.latencyMs;
  if (f.bytes !== undefined) e.bytes = f.bytes;
  e.configHash = f.configHash;
  return e;
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

const LEADS = ['Allowed with a warning: ', 'Allowed: ', 'Redacted: ', 'Held for approval: ', 'Blocked: '];
const AUDIT_LEAD = 'Audit mode, allowed; enforce mode would have ';

/**
 * A verdict a transport enforces as a block whatever it said (a failure nothing can be relayed
 * from: an upstream that failed, a body that could not be read), in every mode: the action is
 * block and the reason says so ("Blocked: …", not "Allowed with a warning: …").
 */
export function enforcedBlock(v: Verdict): Verdict {
  if (v.action === 'block') return v;
  let detail = v.reason;
  if (detail.startsWith(AUDIT_LEAD)) {
    const colon = detail.indexOf(': ', AUDIT_LEAD.length);
    if (colon > 0 && colon < AUDIT_LEAD.length + 24) detail = detail.slice(colon + 2);
  } else {
    for (const lead of LEADS) {
      if (detail.startsWith(lead)) {
        detail = detail.slice(lead.length);
        break;
      }
    }
  }
  return { action: 'block', findings: v.findings, reason: `Blocked: ${detail}`, ...(v.decidedBy !== undefined ? { decidedBy: v.decidedBy } : {}) };
}

/**
 * The rule an `X-Tollgate-Block` header names: the one that decided the verdict (the reason names
 * it too), else the first (most severe) finding's.
 */
export function blockRule(v: Verdict): string {
  return v.decidedBy ?? v.findings[0]?.rule ?? 'unknown';
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

/** The verdict for anything stopped by the kill switch, on every transport (it holds in audit mode too). */
export function killVerdict(): Verdict {
  const f = transportFinding('policy/kill-switch', 'kill-switch', 'The Tollgate kill switch is on: all proxied traffic is stopped until an operator turns it off.', {
    category: 'policy',
    severity: 'critical',
    mitre: '',
  });
  return { action: 'block', findings: [f], reason: 'Blocked: the Tollgate kill switch is on; all proxied traffic is stopped until an operator turns it off.' };
}
