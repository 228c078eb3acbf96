/**
 * The fast path for the one record shape written per decision: the RFC 8785 text of a decision
 * record written straight from its fields in their (fixed) canonical key order, with no
 * intermediate objects, sorting or per-member arrays.
 *
 * It gives exactly the bytes canonicalObject() gives for the same record (the differential test
 * in canonical-decision.test.ts holds it to that over many generated bodies), and it only takes
 * bodies it fully understands: a plain object with the decision fields only, strings where
 * strings belong, arrays of strings for the lists. Anything else (an extra or odd field, a
 * non-string, a lone surrogate) gets `undefined`, and the caller uses the general canonicaliser,
 * which either writes it or throws the error it always threw.
 */
import { isWellFormed } from './canonical.ts';

/** The canonical text of the unsigned record, split where `sig` goes (between severity and targetHash). */
export interface DecisionTexts {
  /** Members before `sig`, without braces: `"action":…,…,"severity":…` (never empty: action is required). */
  readonly before: string;
  /** Members after `sig`, without braces: `"targetHash":…,"time":…,…` (never empty: time is required). */
  readonly after: string;
}

/** The fields a decision body may carry (RecordBody for type "decision", time included). */
const BODY_KEYS = new Set([
  'type',
  'time',
  'event',
  'transport',
  'agent',
  'session',
  'requestId',
  'method',
  'action',
  'mode',
  'wouldHave',
  'reason',
  'rules',
  'categories',
  'mitre',
  'severity',
  'targetHash',
  'policyHash',
]);

/**
 * A string as RFC 8785 writes it (JSON.stringify of a well-formed string), or null for a string
 * with a lone surrogate (the general path rejects those). Strings with nothing to escape, the
 * usual case, skip JSON.stringify.
 */
function quote(s: string): string | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return isWellFormed(s) ? JSON.stringify(s) : null;
  }
  return `"${s}"`;
}

function quoteList(v: unknown): string | null {
  if (!Array.isArray(v)) return null;
  let out = '[';
  for (let i = 0; i < v.length; i++) {
    const el: unknown = v[i];
    if (typeof el !== 'string') return null;
    const q = quote(el);
    if (q === null) return null;
    out += i === 0 ? q : `,${q}`;
  }
  return `${out}]`;
}

/** `,"name":value` for an optional string field: '' when absent (undefined), null when not a usable string. */
function optional(name: string, v: unknown): string | null {
  if (v === undefined) return '';
  if (typeof v !== 'string') return null;
  const q = quote(v);
  return q === null ? null : `,"${name}":${q}`;
}

/**
 * The canonical texts of `{...body (without time), v: 1, seq, time, keyId, prev}` for a decision
 * body, or undefined when the body is not the plain decision shape (use canonicalObject then).
 */
export function decisionTexts(body: object, seq: number, time: string, keyId: string, prev: string): DecisionTexts | undefined {
  const proto = Object.getPrototypeOf(body) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  if (Object.getOwnPropertySymbols(body).length > 0) return undefined;
  if (!Number.isSafeInteger(seq) || typeof time !== 'string' || typeof keyId !== 'string' || typeof prev !== 'string') return undefined;
  // Only the body's own enumerable fields, as the general canonicaliser reads them: an inherited
  // value (a polluted Object.prototype) or a non-enumerable one is never written.
  const b: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(body)) {
    if (!BODY_KEYS.has(k)) return undefined;
    b[k] = (body as Record<string, unknown>)[k];
  }
  if (b.type !== 'decision') return undefined;
  const str = (v: unknown): string | null => (typeof v === 'string' ? quote(v) : null);
  const action = str(b.action);
  const agent = optional('agent', b.agent);
  const categories = quoteList(b.categories);
  const event = str(b.event);
  const kid = quote(keyId);
  const method = optional('method', b.method);
  const mitre = quoteList(b.mitre);
  const mode = str(b.mode);
  const policyHash = str(b.policyHash);
  const prv = quote(prev);
  const reason = str(b.reason);
  const requestId = str(b.requestId);
  const rules = quoteList(b.rules);
  const session = optional('session', b.session);
  const severity = optional('severity', b.severity);
  const targetHash = optional('targetHash', b.targetHash);
  const tm = quote(time);
  const transport = str(b.transport);
  const wouldHave = optional('wouldHave', b.wouldHave);
  if (
    action === null || agent === null || categories === null || event === null || kid === null || method === null || mitre === null ||
    mode === null || policyHash === null || prv === null || reason === null || requestId === null || rules === null || session === null ||
    severity === null || targetHash === null || tm === null || transport === null || wouldHave === null
  ) {
    return undefined;
  }
  // Keys in UTF-16 code-unit order: action agent categories event keyId method mitre mode
  // policyHash prev reason requestId rules seq session severity | sig | targetHash time
  // transport type v wouldHave.
  const before =
    `"action":${action}${agent},"categories":${categories},"event":${event},"keyId":${kid}${method},"mitre":${mitre},"mode":${mode}` +
    `,"policyHash":${policyHash},"prev":${prv},"reason":${reason},"requestId":${requestId},"rules":${rules},"seq":${seq}${session}${severity}`;
  const after = `${targetHash.slice(1)}${targetHash === '' ? '' : ','}"time":${tm},"transport":${transport},"type":"decision","v":1${wouldHave}`;
  return { before, after };
}
