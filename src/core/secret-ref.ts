/**
 * A finding never carries the value it found. For evidence that can still be correlated (the same
 * key leaked twice, the same key in two sessions), a scanner may attach the matched value to its
 * finding object out of band; the engine replaces it with a keyed fingerprint and the value itself
 * is never copied anywhere. The attachment lives in a WeakMap: it vanishes with the finding.
 */
const VALUES = new WeakMap<object, string>();

/** Attaches the matched value to a finding (returned as is). */
export function withSecret<T extends object>(finding: T, value: string): T {
  VALUES.set(finding, value);
  return finding;
}

/** The value attached to a finding, if any. */
export function secretOf(finding: object): string | undefined {
  return VALUES.get(finding);
}
