import { memoizedText } from '../string-memo.ts';
/**
 * The audit log's decision line, written without going through pino's per-key serialiser: the
 * same bytes pino writes for `logger.info(record)` / `logger.warn(record)` with the audit log's
 * options (level label first, no base, no timestamp, no serializers), i.e.
 * `{"level":"info","schema":1,…}\n`, with every key of the record in its order.
 *
 * pino quotes a top-level string with its own escaper (which differs from JSON.stringify on
 * some inputs, e.g. a lone surrogate in a short string). So this path only writes strings that
 * every escaper writes alike: no `"`, `\`, control character or lone surrogate. A record holding any
 * other string gets null, and the caller hands it to pino as before. The differential test
 * (audit-line.test.ts) holds this to pino's actual output.
 */

/** `"s"` for a string nothing would escape (surrogates only in well-formed pairs), else null. */
function plain(s: string): string | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && (c < 0xd800 || c > 0xdfff)) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    return null;
  }
  return `"${s}"`;
}

/**
 * The audit record's keys, each with its `,"key":` text (so the key is not re-checked per line),
 * and whether its value tends to repeat from line to line (transport, event, action, policy
 * hash, …: those values' texts are remembered, in a bounded memo; times and ids are not).
 */
const KEYS = new Map<string, { readonly text: string; readonly repeats: boolean }>();
for (const [key, repeats] of [
  ['schema', false],
  ['kind', true],
  ['time', false],
  ['event', true],
  ['transport', true],
  ['agent', true],
  ['session', true],
  ['requestId', false],
  ['method', true],
  ['target', false],
  ['action', true],
  ['mode', true],
  ['wouldHave', true],
  ['reason', true],
  ['findings', false],
  ['findingsOmitted', false],
  ['latencyMs', false],
  ['bytes', false],
  ['configHash', true],
] as const) {
  KEYS.set(key, { text: `,${plain(key) as string}:`, repeats });
}

/** plain() of values that repeat (string-memo.ts: bounded, since keys may come from the wire). */
const plainSame = memoizedText(plain);

/**
 * The line pino would write for `record` at `level`, or null when this path cannot be sure
 * (a string that needs escaping, a value of a kind the audit record does not hold).
 */
export function auditLine(record: object, level: 'info' | 'warn'): string | null {
  let line = level === 'info' ? '{"level":"info"' : '{"level":"warn"';
  const r = record as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    const v = r[key];
    const known = KEYS.get(key);
    let k: string | null;
    if (known !== undefined) k = known.text;
    else {
      const q = plain(key);
      k = q === null ? null : `,${q}:`;
    }
    if (k === null) return null;
    let text: string | null;
    switch (typeof v) {
      case 'string':
        text = known?.repeats ? plainSame(v) : plain(v);
        break;
      case 'number':
        text = Number.isFinite(v) ? String(v) : 'null';
        break;
      case 'boolean':
        text = v ? 'true' : 'false';
        break;
      case 'undefined':
        continue;
      case 'object':
        // null, and the findings array: pino writes these with JSON.stringify (which writes
        // `null` and `[]` for these two, the usual values, without being asked).
        if (v === null) {
          text = 'null';
          break;
        }
        if (Array.isArray(v) && v.length === 0 && (v as { toJSON?: unknown }).toJSON === undefined) {
          text = '[]';
          break;
        }
        try {
          text = JSON.stringify(v) as string | undefined ?? null;
        } catch {
          return null;
        }
        break;
      default:
        return null;
    }
    if (text === null) return null;
    line += k + text;
  }
  return `${line}}\n`;
}
