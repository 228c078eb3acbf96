import { ACTION_RANK, type Action, type DecisionFinding, type Mode, type Verdict } from '../../core/index.ts';
import type { McpFinding } from './rules.ts';

/** What the transport does with one message, after the engine and its own rules. */
export interface McpDecision {
  /** The action recorded (in audit mode, what let the message through). */
  readonly action: Action;
  readonly wouldHave?: Action;
  /** True when the message must not pass as it is (block, ask or redact, in enforce mode). */
  readonly stop: boolean;
  readonly reason: string;
  readonly findings: readonly DecisionFinding[];
  /** Rule ids that decided, most important first (for messages to the client). */
  readonly rules: readonly string[];
}

const MAX_RULES_NAMED = 6;

function max(a: Action, b: Action): Action {
  return ACTION_RANK[b] > ACTION_RANK[a] ? b : a;
}

function evidenceFinding(f: McpFinding): DecisionFinding {
  return {
    scanner: f.scanner,
    rule: f.rule,
    severity: f.severity,
    category: f.category,
    mitre: f.mitre,
    location: f.location,
    ...(f.evidence !== undefined ? { evidence: f.evidence } : {}),
  };
}

/**
 * Combines an engine verdict (already mode-aware) with the transport's findings. `stop` is set for
 * redact, ask and block alike (in enforce mode): the message does not pass as it is. What happens
 * instead is the session's: a client request asked about is held for approval (ask.ts), a result
 * to redact is rewritten (redact.ts), and anything else that stops is refused.
 */
export function decide(mode: Mode, verdict: Verdict | undefined, own: readonly McpFinding[]): McpDecision {
  const engineAction: Action = verdict ? (verdict.wouldHave ?? verdict.action) : 'allow';
  let target: Action = engineAction;
  for (const f of own) target = max(target, f.action);
  const stopping = ACTION_RANK[target] >= ACTION_RANK.redact;
  const findings: DecisionFinding[] = [...own.map(evidenceFinding), ...(verdict?.findings ?? []).map((f) => ({
    scanner: f.scanner,
    rule: f.rule,
    severity: f.severity,
    category: f.category,
    mitre: f.mitre,
    location: f.location,
    evidence: f.evidence,
  }))];
  const rules: string[] = [];
  const deciding = own.filter((f) => f.action === target);
  for (const f of deciding) if (!rules.includes(f.rule)) rules.push(f.rule);
  if (engineAction === target) for (const f of verdict?.findings ?? []) if (!rules.includes(f.rule)) rules.push(f.rule);
  for (const f of own) if (!rules.includes(f.rule) && f.action !== 'allow') rules.push(f.rule);

  const sentences = deciding.slice(0, 3).map((f) => f.message);
  if (verdict && verdict.findings.length > 0 && engineAction === target) sentences.push(verdict.reason.replace(/^Audit mode, allowed; enforce mode would have [a-z]+: /, ''));
  if (sentences.length === 0) for (const f of own.slice(0, 3)) sentences.push(f.message);
  const detail = sentences.length > 0 ? sentences.join(' ') : 'No findings.';
  const named = rules.length > MAX_RULES_NAMED ? [...rules.slice(0, MAX_RULES_NAMED), `+${rules.length - MAX_RULES_NAMED} more`] : rules;

  if (mode === 'audit' && target !== 'allow') {
    return { action: 'warn', wouldHave: target, stop: false, reason: `Audit mode, allowed; enforce mode would have ${target === 'warn' ? 'warned' : 'stopped this'}: ${detail}`, findings, rules: named };
  }
  return { action: target, stop: stopping, reason: detail, findings, rules: named };
}
