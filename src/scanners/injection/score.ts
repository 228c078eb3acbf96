// Combining evidence: each family that matched a text contributes its best weight; the
// text's score adds them with diminishing returns, so one weak cue never fires on its own
// while two independent families (override + exfiltration, say) quickly reach block level.
import type { Severity } from '../../core/types.ts';

export interface Thresholds {
  /** Scores below this produce no finding at all. */
  readonly low: number;
  readonly medium: number;
  readonly high: number;
  readonly critical: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { low: 5, medium: 6.5, high: 8, critical: 10.5 };

/** Share of each further family's weight, strongest first. */
const DECAY = [1, 0.75, 0.5, 0.35, 0.25] as const;

export function combine(weights: readonly number[]): number {
  const max = Math.max(0, ...weights);
  // Weak cues (below 2) only corroborate real evidence; on their own or with each other they add nothing.
  const sorted = [...weights].filter((w) => w >= 2 || (w > 0 && max >= 5)).sort((a, b) => b - a);
  let score = 0;
  for (let i = 0; i < sorted.length; i++) {
    score += (sorted[i] as number) * (DECAY[Math.min(i, DECAY.length - 1)] as number);
  }
  return Math.round(score * 100) / 100;
}

export function severityOf(score: number, t: Thresholds): Severity | null {
  if (score < t.low) return null;
  if (score >= t.critical) return 'critical';
  if (score >= t.high) return 'high';
  if (score >= t.medium) return 'medium';
  if (score >= t.low) return 'low';
  return null;
}

/** A family's weight from its distinct pattern hits: the best one, plus a little for corroboration. */
export function familyWeight(patternWeights: readonly number[]): number {
  if (patternWeights.length === 0) return 0;
  const sorted = [...patternWeights].sort((a, b) => b - a);
  const best = sorted[0] as number;
  let bonus = 0;
  for (let i = 1; i < sorted.length; i++) if ((sorted[i] as number) >= 3) bonus += 0.5;
  return best + Math.min(bonus, 1.5);
}
