import type { Severity } from '../../../core/index.ts';
import { charClasses, entropy, hasDigit, hasUpperAndLower } from '../checks.ts';
import type { CheckContext, DlpRule } from '../types.ts';
import { MITRE } from '../types.ts';

/** Trailing boundary for token bodies that may contain `-` (consumed, so the value is a capture group). */
export const END = '(?:[^A-Za-z0-9_-]|$)';

type Spec = Omit<DlpRule, 'category' | 'mitre' | 'severity'> & {
  readonly severity?: Severity;
  readonly mitre?: string;
  readonly category?: 'secret' | 'pii';
};

/** A credential rule with the common defaults: secret, high, T1552.001, value in group 1. */
export function secret(spec: Spec): DlpRule {
  return {
    category: 'secret',
    severity: 'high',
    mitre: MITRE.credentialsInFiles,
    group: 1,
    ...spec,
  };
}

/** True when one of the words occurs within the window around the value. */
export function near(ctx: CheckContext, words: readonly string[], before: number, after = 0): boolean {
  const window = ctx.around(before, after);
  for (const w of words) if (window.includes(w)) return true;
  return false;
}

/** A random-looking mixed-case alphanumeric value: both cases, a digit, and some entropy. */
export function randomMixed(value: string, minEntropy = 3.5): boolean {
  return hasUpperAndLower(value) && hasDigit(value) && entropy(value) >= minEntropy;
}

/** At least `n` character classes (lower, upper, digit, other). */
export function classes(value: string, n: number): boolean {
  return charClasses(value) >= n;
}
