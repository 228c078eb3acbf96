/**
 * Per-key request-rate and egress-byte budgets: two token buckets per key (requests refill over a
 * minute, bytes over an hour), bounded in the number of keys (least recently used evicted first).
 * A charge names every scope it counts against (per agent, per session, …); it is taken from all
 * of them or from none. Time is passed in: this module never reads the clock.
 */
export interface BudgetLimits {
  readonly requestsPerMinute: number;
  readonly egressBytesPerHour: number;
}

export interface BudgetScope {
  /** Identifies the bucket, e.g. `agent|claude|example.com`; bounded by the caller. */
  readonly key: string;
  /** What the scope is, for messages: `agent`, `session`. */
  readonly name: string;
  readonly limits: BudgetLimits;
}

export interface BudgetCost {
  readonly requests: number;
  readonly bytes: number;
}

export type BudgetResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly kind: 'requests' | 'bytes';
      /** The scope whose budget ran out. */
      readonly scope: string;
      readonly limit: number;
      /** When the charge could next succeed if nothing else is charged; Infinity when it never can (the cost exceeds the whole budget). */
      readonly retryAfterMs: number;
    };

export interface Budgets {
  charge(scopes: readonly BudgetScope[], cost: BudgetCost, now: number): BudgetResult;
  /** Keys tracked now. */
  readonly size: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

interface Bucket {
  requests: number;
  bytes: number;
  at: number;
}

function refill(b: Bucket, limits: BudgetLimits, now: number): void {
  const elapsed = Math.max(0, now - b.at);
  b.requests = Math.min(limits.requestsPerMinute, b.requests + (elapsed * limits.requestsPerMinute) / MINUTE);
  b.bytes = Math.min(limits.egressBytesPerHour, b.bytes + (elapsed * limits.egressBytesPerHour) / HOUR);
  // A clock that steps back refills nothing and never moves the bucket's time back.
  b.at = Math.max(b.at, now);
}

function waitFor(missing: number, perWindow: number, window: number): number {
  return Math.ceil((missing * window) / perWindow);
}

export function createBudgets(opts: { readonly maxKeys: number }): Budgets {
  const maxKeys = Math.max(1, Math.floor(opts.maxKeys));
  const buckets = new Map<string, Bucket>();

  const bucketFor = (scope: BudgetScope, now: number): Bucket => {
    const found = buckets.get(scope.key);
    if (found) {
      // Re-insert: Map order is the recency order the eviction uses.
      buckets.delete(scope.key);
      buckets.set(scope.key, found);
      refill(found, scope.limits, now);
      return found;
    }
    while (buckets.size >= maxKeys) {
      const oldest = buckets.keys().next().value;
      if (oldest === undefined) break;
      buckets.delete(oldest);
    }
    const fresh: Bucket = { requests: scope.limits.requestsPerMinute, bytes: scope.limits.egressBytesPerHour, at: now };
    buckets.set(scope.key, fresh);
    return fresh;
  };

  return {
    charge(scopes, cost, now) {
      const held = scopes.map((s) => ({ s, b: bucketFor(s, now) }));
      for (const { s, b } of held) {
        if (cost.requests > 0 && b.requests < cost.requests) {
          const never = cost.requests > s.limits.requestsPerMinute;
          return { ok: false, kind: 'requests', scope: s.name, limit: s.limits.requestsPerMinute, retryAfterMs: never ? Infinity : waitFor(cost.requests - b.requests, s.limits.requestsPerMinute, MINUTE) };
        }
      }
      for (const { s, b } of held) {
        if (cost.bytes > 0 && b.bytes < cost.bytes) {
          const never = cost.bytes > s.limits.egressBytesPerHour;
          return { ok: false, kind: 'bytes', scope: s.name, limit: s.limits.egressBytesPerHour, retryAfterMs: never ? Infinity : waitFor(cost.bytes - b.bytes, s.limits.egressBytesPerHour, HOUR) };
        }
      }
      for (const { b } of held) {
        b.requests -= cost.requests;
        b.bytes -= cost.bytes;
      }
      return { ok: true };
    },
    get size() {
      return buckets.size;
    },
  };
}
