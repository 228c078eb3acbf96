/**
 * Bounded label cardinality for metrics. Label values come partly from the wire (an MCP method
 * name, a rule id an event carries), so each label keeps at most `maxValues` distinct values;
 * a value of the wrong shape, or a new value past the cap, is counted as "other".
 */
export const OTHER = 'other';
const MAX_VALUE_LENGTH = 64;

/** Shape of a rule id or similar: lower-case kebab segments joined by "/", e.g. `dlp/aws-access-key-id`. */
export function isKebabPath(value: string): boolean {
  if (value.length === 0 || value.length > MAX_VALUE_LENGTH) return false;
  let segmentLength = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x2f /* / */) {
      if (segmentLength === 0) return false;
      segmentLength = 0;
      continue;
    }
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
    if (!ok) return false;
    segmentLength++;
  }
  return segmentLength > 0;
}

/** Shape of a protocol name (JSON-RPC method, HTTP method, direction): letters, digits and `/ . _ - :`. */
export function isToken(value: string): boolean {
  if (value.length === 0 || value.length > MAX_VALUE_LENGTH) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2f || c === 0x2e || c === 0x5f || c === 0x2d || c === 0x3a;
    if (!ok) return false;
  }
  return true;
}

export interface LabelGuard {
  /** The value to use for label `label`: the value itself, or "other". */
  value(label: string, value: string | undefined, shape?: (v: string) => boolean): string;
  /** Distinct values admitted so far for a label ("other" not included). */
  size(label: string): number;
}

export function createLabelGuard(maxValues: number): LabelGuard {
  const seen = new Map<string, Set<string>>();
  return {
    value(label, value, shape = isToken) {
      if (value === undefined || !shape(value)) return OTHER;
      let set = seen.get(label);
      if (!set) {
        set = new Set();
        seen.set(label, set);
      }
      if (set.has(value)) return value;
      if (set.size >= maxValues) return OTHER;
      set.add(value);
      return value;
    },
    size: (label) => seen.get(label)?.size ?? 0,
  };
}
