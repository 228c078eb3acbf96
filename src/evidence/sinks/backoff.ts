import type { BackoffConfig } from '../../config/evidence-schema.ts';

/**
 * Delay before retry number `retry` (1 = the first retry): exponential growth capped at
 * maxMs, spread by ±jitter using the injected random source (so tests pass a fixed one and
 * jitter 0 gives an exact, predictable schedule). Never above maxMs, never negative.
 */
export function backoffDelay(policy: BackoffConfig, retry: number, random: () => number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** Math.max(0, retry - 1));
  const spread = 1 + policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.min(policy.maxMs, Math.round(base * spread)));
}

/** Parses Retry-After as delta-seconds (RFC 9110 §10.2.3); the HTTP-date form gives undefined. */
export function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined || header.length === 0 || header.length > 10) return undefined;
  for (const ch of header) if (ch < '0' || ch > '9') return undefined;
  return Number(header) * 1000;
}
