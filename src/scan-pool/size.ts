// How much text an input carries, counted only as far as a threshold.
import type { ScanInput } from '../core/index.ts';

/** JSON nodes looked at at most; an input with more is taken as large. */
const MAX_NODES = 200_000;

/**
 * Whether the strings and byte arrays in `input` (characters and bytes, keys included) add up to
 * at least `threshold`. Stops as soon as they do, or after MAX_NODES nodes (then: yes).
 */
export function textAtLeast(input: ScanInput, threshold: number): boolean {
  let total = 0;
  let nodes = 0;
  const stack: unknown[] = [input];
  while (stack.length > 0) {
    if (++nodes > MAX_NODES) return true;
    const v = stack.pop();
    if (typeof v === 'string') total += v.length;
    else if (v instanceof Uint8Array) total += v.byteLength;
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        total += k.length;
        stack.push(x);
      }
    }
    if (total >= threshold) return true;
  }
  return false;
}
