// Decision events for control-plane changes (transport `system`): a kill switch turned on or off,
// a config reload applied or refused. They go to the same bus as every other decision, so the
// audit log and the signed receipts chain record who stopped traffic and which policy ran when.
import { randomUUID } from 'node:crypto';
import type { DecisionEvent, Finding, Mode } from '../core/index.ts';
import type { KillSwitchState } from '../state/index.ts';
import { decisionEvent, transportFinding } from '../transports/decision.ts';

export function killSwitchEvent(s: KillSwitchState, at: number, mode: Mode, configHash: string): DecisionEvent {
  const holds = [s.manual ? 'manual' : '', s.file ? 'sentinel file' : ''].filter(Boolean).join(' and ');
  const reason = s.on
    ? `Kill switch on (${s.by ?? 'unknown'}; held by the ${holds}): every proxied request, tunnel, fetch and WebSocket is answered 503.`
    : `Kill switch off (${s.by ?? 'unknown'}): traffic is inspected and relayed again.`;
  return decisionEvent({
    type: 'kill-switch',
    transport: 'system',
    verdict: { action: s.on ? 'block' : 'allow', findings: [], reason },
    requestId: randomUUID(),
    at,
    latencyMs: 0,
    mode,
    configHash,
    method: s.by ?? 'unknown',
    target: 'kill-switch',
  });
}

export interface ReloadFacts {
  readonly applied: boolean;
  readonly reason: string;
  readonly trigger: string;
  readonly source: string;
  /** The policy running after the attempt. */
  readonly configHash: string;
  readonly mode: Mode;
  readonly at: number;
  /** Config keys that made it weaker (refused) or invalid. */
  readonly problems: readonly { key: string; change: string }[];
  readonly invalid: boolean;
}

export function reloadEvent(f: ReloadFacts): DecisionEvent {
  const findings: Finding[] = f.problems.slice(0, 20).map((p) =>
    f.invalid
      ? transportFinding('engine/invalid-config', `config.${p.key || '(root)'}`, p.change, { category: 'engine', severity: 'high', mitre: '' })
      : transportFinding('policy/config-downgrade', `config.${p.key}`, p.change, { category: 'policy', severity: 'high', mitre: 'T1562.001' }),
  );
  return decisionEvent({
    type: 'config-reload',
    transport: 'system',
    verdict: { action: f.applied ? 'allow' : 'block', findings, reason: f.reason },
    requestId: randomUUID(),
    at: f.at,
    latencyMs: 0,
    mode: f.mode,
    configHash: f.configHash,
    method: f.trigger,
    target: f.source,
  });
}
