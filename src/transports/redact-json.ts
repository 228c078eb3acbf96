// The parts of the redact action that do not depend on the wire: which matched values to replace
// (and with what), and removing the string leaves of a JSON value that still offend. The HTTP
// proxy's response redaction (http-proxy/redact-response.ts) and the MCP result redaction
// (mcp/redact.ts) both use them, so a secret is replaced the same way whatever carried it.
import { ACTION_RANK, type Finding, type Verdict } from '../core/index.ts';
import { marker } from './fetch/redact.ts';
import { findOffending } from './http-proxy/passages.ts';

/** A value shorter than this is not replaced blindly (it could be an ordinary word); the re-scan decides. */
export const MIN_SECRET_VALUE = 6;

/** The text that takes a secret's place. */
export function secretMarker(rule: string): string {
  return `[REDACTED:${rule}]`;
}

/** True when the verdict stops the content as it is (redact, ask or block). */
export function offends(v: Verdict): boolean {
  return ACTION_RANK[v.action] >= ACTION_RANK.redact;
}

/** The rule to name for a passage: injection first, else the first finding that is not info. */
export function ruleOf(v: Verdict): string {
  const top = v.findings.find((f) => f.category === 'injection') ?? v.findings.find((f) => f.severity !== 'info') ?? v.findings[0];
  return top?.rule ?? 'engine/redacted';
}

export interface Replacement {
  readonly value: string;
  readonly rule: string;
}

/**
 * The matched values of the verdict's findings that the policy stops on their own, longest first
 * (so a value containing another is replaced whole). `judge` is the engine's judge().
 */
export function secretReplacements(verdict: Verdict, values: ReadonlyMap<Finding, readonly string[]>, judge: (findings: readonly Finding[]) => Verdict): Replacement[] {
  const out: Replacement[] = [];
  for (const f of verdict.findings) {
    if (!offends(judge([f]))) continue;
    for (const value of values.get(f) ?? []) if (value.length >= MIN_SECRET_VALUE) out.push({ value, rule: f.rule });
  }
  out.sort((a, b) => b.value.length - a.value.length);
  return out;
}

/** Replaces every occurrence of each value by its marker; `rules` gains the rules that replaced something. */
export function replaceSecrets(text: string, replacements: readonly Replacement[], rules?: Set<string>): string {
  let out = text;
  for (const { value, rule } of replacements) {
    if (!out.includes(value)) continue;
    out = out.split(value).join(secretMarker(rule));
    rules?.add(rule);
  }
  return out;
}

/** A string leaf of a JSON value: where it sits, so it can be rewritten in place. */
export interface JsonLeaf {
  readonly holder: Record<string, unknown> | unknown[];
  readonly key: string | number;
  readonly text: string;
}

/**
 * Every string leaf of `root.value`, in document order (iterative: an attacker-shaped value cannot
 * exhaust the stack). Callers bound the depth and size before (the engine refuses what is deeper).
 */
export function jsonStringLeaves(root: { value: unknown }): JsonLeaf[] {
  const leaves: JsonLeaf[] = [];
  const stack: { holder: Record<string, unknown> | unknown[]; key: string | number }[] = [{ holder: root as Record<string, unknown>, key: 'value' }];
  while (stack.length > 0) {
    const { holder, key } = stack.pop() as { holder: Record<string, unknown> | unknown[]; key: string | number };
    const value = (holder as Record<string | number, unknown>)[key];
    if (typeof value === 'string') leaves.push({ holder, key, text: value });
    else if (Array.isArray(value)) for (let i = value.length - 1; i >= 0; i--) stack.push({ holder: value, key: i });
    else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ holder: value as Record<string, unknown>, key: keys[i] as string });
    }
  }
  return leaves;
}

/**
 * Replaces each leaf that offends (alone, or with its neighbours when a passage spans leaves) by
 * `[removed by Tollgate: <rule>]`, in place. `scanPiece(text)` names the rule when a piece offends.
 * Null when nothing could be isolated within `budget` piece scans (the caller must not use the value).
 */
export function removeOffendingLeaves(leaves: readonly JsonLeaf[], scanPiece: (text: string) => string | null, whole: string, budget: number): { rules: string[] } | null {
  if (leaves.length === 0) return null;
  const found = findOffending(
    leaves.length,
    (a, b) =>
      scanPiece(
        leaves
          .slice(a, b)
          .map((l) => l.text)
          .join('\n'),
      ),
    whole,
    budget,
  );
  if (found.exhausted) return null;
  let lastRule = whole;
  for (let k = 0; k < leaves.length; k++) {
    if (!found.drop.has(k)) continue;
    lastRule = found.ruleAt.get(k) ?? lastRule;
    const leaf = leaves[k] as JsonLeaf;
    (leaf.holder as Record<string | number, unknown>)[leaf.key] = marker(lastRule);
  }
  return { rules: [...new Set(found.ruleAt.values())] };
}
