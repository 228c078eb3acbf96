/**
 * Token buckets per key (API token or client address), bounded in the number of keys: the
 * least recently used key is evicted first. Time is passed in, so tests need no clock.
 */
export interface RateLimiter {
  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string, now: number): boolean;
  readonly size: number;
}

export function createRateLimiter(perMinute: number, maxKeys = 10_000): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const rate = perMinute / 60_000;
  return {
    take(key, now) {
      let b = buckets.get(key);
      if (b) buckets.delete(key);
      else {
        if (buckets.size >= maxKeys) {
          const oldest = buckets.keys().next().value;
          if (oldest !== undefined) buckets.delete(oldest);
        }
        b = { tokens: perMinute, at: now };
      }
      b.tokens = Math.min(perMinute, b.tokens + Math.max(0, now - b.at) * rate);
      b.at = now;
      buckets.set(key, b);
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
    get size() {
      return buckets.size;
    },
  };
}
