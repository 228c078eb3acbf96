/**
 * A strict sorted-key JSON serializer for pin fingerprints: object keys in UTF-16 code unit
 * order (as RFC 8785 sorts them), no whitespace, numbers as JSON.stringify writes them.
 * Only JSON values are accepted; nesting is bounded so attacker-shaped schemas cannot
 * exhaust the stack.
 */

export class CanonicalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalError';
  }
}

export const MAX_CANONICAL_DEPTH = 128;

function write(value: unknown, depth: number, out: string[]): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalError('non-finite number');
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object': {
      if (value === null) {
        out.push('null');
        return;
      }
      if (depth >= MAX_CANONICAL_DEPTH) throw new CanonicalError(`nesting deeper than ${MAX_CANONICAL_DEPTH}`);
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          write(value[i] === undefined ? null : value[i], depth + 1, out);
        }
        out.push(']');
        return;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      out.push('{');
      keys.forEach((k, i) => {
        if (i > 0) out.push(',');
        out.push(JSON.stringify(k), ':');
        write(obj[k], depth + 1, out);
      });
      out.push('}');
      return;
    }
    default:
      throw new CanonicalError(`not a JSON value (${typeof value})`);
  }
}

/** The canonical text of a JSON value (sorted keys, no whitespace). Throws CanonicalError. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, 0, out);
  return out.join('');
}
