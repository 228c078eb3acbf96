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
import { memoizedText } from '../string-memo.ts';
import { isWellFormed } from './canonical.ts';

/** The canonical text of the unsigned record, split where `sig` goes (between severity and targetHash). */
export interface DecisionTexts {
  /** Members before `sig`, without braces: `"action":…,…,"severity":…` (never empty: action is required). */
  readonly before: string;
  /** Members after `sig`, without braces: `"targetHash":…,"time":…,…` (never empty: time is required). */
  readonly after: string;
}

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

/** quote() for the fields that repeat from record to record (string-memo.ts: bounded, since keys may come from the wire). */
const quoteSame = memoizedText(quote);

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
function optional(name: string, v: unknown, repeats = true): string | null {
  if (v === undefined) return '';
  if (typeof v !== 'string') return null;
  const q = repeats ? quoteSame(v) : quote(v);
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
  // value (a polluted Object.prototype) or a non-enumerable one is never written. Each is read
  // once, into a local; a field a decision body does not have sends the body to the general path.
  let type: unknown, event: unknown, transport: unknown, agent: unknown, session: unknown, requestId: unknown, method: unknown;
  let action: unknown, mode: unknown, wouldHave: unknown, reason: unknown, rules: unknown, categories: unknown, mitre: unknown;
  let severity: unknown, targetHash: unknown, policyHash: unknown;
  const keys = Object.keys(body);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v: unknown = (body as Record<string, unknown>)[k];
    switch (k) {
      case 'type': type = v; break;
      case 'time': break; // the record's time is the `time` handed in
      case 'event': event = v; break;
      case 'transport': transport = v; break;
      case 'agent': agent = v; break;
      case 'session': session = v; break;
      case 'requestId': requestId = v; break;
      case 'method': method = v; break;
      case 'action': action = v; break;
      case 'mode': mode = v; break;
      case 'wouldHave': wouldHave = v; break;
      case 'reason': reason = v; break;
      case 'rules': rules = v; break;
      case 'categories': categories = v; break;
      case 'mitre': mitre = v; break;
      case 'severity': severity = v; break;
      case 'targetHash': targetHash = v; break;
      case 'policyHash': policyHash = v; break;
      default: return undefined;
    }
  }
  if (type !== 'decision') return undefined;
  const qAction = typeof action === 'string' ? quoteSame(action) : null;
  const qAgent = optional('agent', agent);
  const qCategories = quoteList(categories);
  const qEvent = typeof event === 'string' ? quoteSame(event) : null;
  const qKeyId = quoteSame(keyId);
  const qMethod = optional('method', method);
  const qMitre = quoteList(mitre);
  const qMode = typeof mode === 'string' ? quoteSame(mode) : null;
  const qPolicyHash = typeof policyHash === 'string' ? quoteSame(policyHash) : null;
  const qPrev = quote(prev);
  const qReason = typeof reason === 'string' ? quote(reason) : null;
  const qRequestId = typeof requestId === 'string' ? quote(requestId) : null;
  const qRules = quoteList(rules);
  const qSession = optional('session', session);
  const qSeverity = optional('severity', severity);
  const qTargetHash = optional('targetHash', targetHash, false);
  const qTime = quote(time);
  const qTransport = typeof transport === 'string' ? quoteSame(transport) : null;
  const qWouldHave = optional('wouldHave', wouldHave);
  if (
    qAction === null || qAgent === null || qCategories === null || qEvent === null || qKeyId === null || qMethod === null || qMitre === null ||
    qMode === null || qPolicyHash === null || qPrev === null || qReason === null || qRequestId === null || qRules === null || qSession === null ||
    qSeverity === null || qTargetHash === null || qTime === null || qTransport === null || qWouldHave === null
  ) {
    return undefined;
  }
  // Keys in UTF-16 code-unit order: action agent categories event keyId method mitre mode
  // policyHash prev reason requestId rules seq session severity | sig | targetHash time
  // transport type v wouldHave.
  const before =
    `"action":${qAction}${qAgent},"categories":${qCategories},"event":${qEvent},"keyId":${qKeyId}${qMethod},"mitre":${qMitre},"mode":${qMode}` +
    `,"policyHash":${qPolicyHash},"prev":${qPrev},"reason":${qReason},"requestId":${qRequestId},"rules":${qRules},"seq":${seq}${qSession}${qSeverity}`;
  const after = `${qTargetHash.slice(1)}${qTargetHash === '' ? '' : ','}"time":${qTime},"transport":${qTransport},"type":"decision","v":1${qWouldHave}`;
  return { before, after };
}
