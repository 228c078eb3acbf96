import type { Action, Finding, Severity, Verdict } from '../core/index.ts';
import { ACTION_RANK, SEVERITY_RANK } from '../core/index.ts';

export interface ActionPolicy {
  readonly mode: 'enforce' | 'audit';
  readonly severityActions: Readonly<Record<Severity, Action>>;
  /** Per-scanner override (applies to findings above info). */
  readonly scannerActions: Readonly<Partial<Record<string, Action>>>;
  /** Per-scanner severity mappings (for the severities each names). */
  readonly scannerSeverityActions?: Readonly<Partial<Record<string, Partial<Record<Severity, Action>>>>>;
  readonly ruleActions: Readonly<Record<string, Action>>;
}

/** Engine findings that no override may lower: what could not be inspected is blocked (fail closed). */
const ALWAYS_BLOCK = new Set([
  'engine/input-too-large',
  'engine/json-too-deep',
  'engine/too-many-segments',
  'engine/too-many-parts',
  'engine/scanner-error',
  'engine/invalid-input',
  'engine/decode-truncated',
  'engine/html-truncated',
  'engine/unsupported-encoding',
  'engine/body-truncated',
]);

/** True for findings that say part of the input was not inspected; no override lowers them. */
export function isIncomplete(rule: string): boolean {
  return ALWAYS_BLOCK.has(rule) || rule.endsWith('/scan-incomplete');
}

/** The action one finding calls for: rule override, else scanner override, else the scanner's then the global severity mapping. */
export function actionFor(finding: Finding, policy: ActionPolicy): Action {
  if (isIncomplete(finding.rule)) return 'block';
  const rule = policy.ruleActions[finding.rule];
  if (rule) return rule;
  const scanner = policy.scannerActions[finding.scanner];
  if (scanner && finding.severity !== 'info') return scanner;
  return policy.scannerSeverityActions?.[finding.scanner]?.[finding.severity] ?? policy.severityActions[finding.severity];
}

const LEAD: Readonly<Record<Action, string>> = {
  allow: 'Allowed',
  warn: 'Allowed with a warning',
  redact: 'Redacted',
  ask: 'Held for approval',
  block: 'Blocked',
};

/** Orders findings most severe first (stable), so the reason names the finding that decided. */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[b.f.severity] - SEVERITY_RANK[a.f.severity] || a.i - b.i)
    .map((x) => x.f);
}

export function composeVerdict(findings: readonly Finding[], policy: ActionPolicy): Verdict {
  if (findings.length === 0) return { action: 'allow', findings: [], reason: 'No findings.' };
  let action: Action = 'allow';
  let decisive: Finding | undefined;
  for (const f of rankFindings(findings)) {
    const a = actionFor(f, policy);
    if (decisive === undefined || ACTION_RANK[a] > ACTION_RANK[action]) {
      action = a;
      decisive = f;
    }
  }
  const lead = decisive as Finding;
  const more = findings.length - 1;
  const detail = `${lead.rule} at ${lead.location}: ${lead.message.replace(/\.$/, '')}${more > 0 ? ` (and ${more} more finding${more === 1 ? '' : 's'})` : ''}.`;
  if (policy.mode === 'audit' && action !== 'allow') {
    return {
      action: 'warn',
      findings,
      wouldHave: action,
      reason: `Audit mode, allowed; enforce mode would have ${PAST[action]}: ${detail}`,
      decidedBy: lead.rule,
    };
  }
  return { action, findings, reason: `${LEAD[action]}: ${detail}`, decidedBy: lead.rule };
}

const PAST: Readonly<Record<Action, string>> = {
  allow: 'allowed',
  warn: 'warned',
  redact: 'redacted',
  ask: 'asked for approval',
  block: 'blocked',
};
