/**
 * Review (session 6, helper R): adversarial differential checks of the decision-record fast path
 * (canonical-decision.ts) against the general RFC 8785 canonicaliser (canonical.ts). The contract:
 * for every body, decisionTexts gives exactly the reference bytes, or declines (undefined).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalObject } from './canonical.ts';
import { decisionTexts } from './canonical-decision.ts';
import { decisionBody } from './format.ts';
import { sampleEvent } from './testing.ts';

const KEY_ID = '0123456789abcdef';
const PREV = 'ab'.repeat(32);

/** Reference: what sealRecord built before the fast path, through the general canonicaliser (null when it throws). */
function reference(body: object, seq: number, time: unknown): string | null {
  const { time: _t, ...rest } = body as Record<string, unknown>;
  try {
    return canonicalObject({ ...rest, v: 1, seq, time, keyId: KEY_ID, prev: PREV }).text;
  } catch {
    return null;
  }
}

/** Asserts the fast path's contract for one input: same bytes as the reference, or a decline. */
let fastTaken = 0;
function agrees(body: object, seq: number, time: unknown, label: string): void {
  const got = decisionTexts(body, seq, time as string, KEY_ID, PREV);
  if (got === undefined) return;
  fastTaken++;
  const ref = reference(body, seq, time);
  assert.notEqual(ref, null, `${label}: fast path wrote a record the general canonicaliser rejects`);
  assert.equal(`{${got.before},${got.after}}`, ref, label);
}

const base = (): Record<string, unknown> => ({ ...decisionBody(sampleEvent(3)) });

const STRINGS = [
  '',
  '"',
  '\\',
  '\u0000',
  '\u0008\u0009\u000a\u000c\u000d',
  '\u001f',
  '\u007f',
  '\u0080',
  '\u2028\u2029',
  '\ufeff',
  '\uffff',
  '\ud83d\ude00',
  '\ud800',
  '\udc00',
  '\udc00\ud800',
  'a\ud800b',
  '</script>',
  'x'.repeat(5000),
  `${'x'.repeat(200)}\ud800`,
  '\u00e9\u0301',
];
const FIELDS = ['event', 'transport', 'agent', 'session', 'requestId', 'method', 'action', 'mode', 'wouldHave', 'reason', 'severity', 'targetHash', 'policyHash'];
const LISTS = ['rules', 'categories', 'mitre'];

describe('decisionTexts review: edge values', () => {
  it('matches the reference or declines for edge strings in every field, list and parameter', () => {
    for (const s of STRINGS) {
      for (const f of FIELDS) agrees({ ...base(), [f]: s }, 7, '2026-01-01T00:00:00.000Z', `${f}=${JSON.stringify(s)}`);
      for (const f of LISTS) agrees({ ...base(), [f]: [s, 'a', s] }, 7, '2026-01-01T00:00:00.000Z', `${f}=[${JSON.stringify(s)}]`);
      agrees(base(), 7, s, `time=${JSON.stringify(s)}`);
      const got = decisionTexts(base(), 7, '2026-01-01T00:00:00.000Z', s, s);
      if (got !== undefined) {
        const ref = canonicalObject({ ...base(), time: '2026-01-01T00:00:00.000Z', v: 1, seq: 7, keyId: s, prev: s }).text;
        assert.equal(`{${got.before},${got.after}}`, ref, `keyId/prev=${JSON.stringify(s)}`);
      }
    }
    // Most edge strings are well-formed: the fast path must have written them, not only declined.
    assert.ok(fastTaken > 200, `fast path taken ${fastTaken} times`);
  });

  it('matches the reference or declines for edge sequence numbers', () => {
    for (const seq of [0, -0, 1, -1, 2 ** 53 - 1, 2 ** 53, 1e21, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MIN_VALUE]) {
      agrees(base(), seq, '2026-01-01T00:00:00.000Z', `seq=${String(seq)}`);
    }
  });

  it('matches the reference or declines for odd values where strings and lists belong', () => {
    const odd: unknown[] = [null, 0, -0, 1e21, Number.NaN, true, {}, [], ['a', 1], [undefined], [null], Object.create(null), 10n, Symbol('s'), () => 'x', new String('s'), Object.assign(['a'], { extra: 1 })];
    // eslint-disable-next-line no-sparse-arrays
    odd.push([, 'a']);
    for (const v of odd) {
      for (const f of [...FIELDS, ...LISTS]) {
        let label: string;
        try {
          label = `${f}=${String(v)}`;
        } catch {
          label = `${f}=<symbol>`;
        }
        agrees({ ...base(), [f]: v }, 7, '2026-01-01T00:00:00.000Z', label);
      }
    }
  });

  it('matches the reference or declines for bodies with unusual keys and prototypes', () => {
    const b = base();
    agrees(Object.assign(Object.create(null) as object, b), 7, '2026-01-01T00:00:00.000Z', 'null prototype');
    agrees(JSON.parse(`{"__proto__":"x",${JSON.stringify(b).slice(1)}`) as object, 7, '2026-01-01T00:00:00.000Z', 'own __proto__ key');
    for (const k of ['', 'v', 'seq', 'keyId', 'prev', 'sig', 'constructor', 'toString', 'hasOwnProperty', '\ud800', 'a\u0000']) {
      agrees({ ...b, [k]: 'x' }, 7, '2026-01-01T00:00:00.000Z', `extra key ${JSON.stringify(k)}`);
    }
    const { agent: _a, session: _s, ...noOptional } = b;
    agrees(noOptional, 7, '2026-01-01T00:00:00.000Z', 'optional fields absent');
    agrees({ ...b, agent: undefined, severity: undefined, targetHash: undefined }, 7, '2026-01-01T00:00:00.000Z', 'optional fields undefined');
    const { reason: _r, ...noReason } = b;
    agrees(noReason, 7, '2026-01-01T00:00:00.000Z', 'required field absent');
  });
});

// These three failed on 9911fad (review findings): decisionTexts read inherited and non-enumerable
// fields and quoted a non-string time.

describe('decisionTexts review: reads beyond own enumerable properties', () => {
  it('does not write an inherited (prototype-polluted) optional field the general path leaves out', () => {
    const b = base();
    delete b.severity;
    delete b.targetHash;
    const proto = Object.prototype as Record<string, unknown>;
    proto.severity = 'critical';
    proto.targetHash = 'f'.repeat(64);
    try {
      agrees(b, 7, '2026-01-01T00:00:00.000Z', 'Object.prototype.severity/targetHash polluted');
    } finally {
      delete proto.severity;
      delete proto.targetHash;
    }
  });

  it('does not write a non-enumerable own field the general path leaves out', () => {
    const b = base();
    delete b.agent;
    Object.defineProperty(b, 'agent', { value: 'hidden', enumerable: false });
    agrees(b, 7, '2026-01-01T00:00:00.000Z', 'non-enumerable agent');
  });

  it('matches the reference or declines when the time handed in is not a string', () => {
    // sealText passes body.time through as-is when it is not nullish.
    for (const t of [5, true, {}, ['2026'], 1e21]) agrees(base(), 7, t, `time=${JSON.stringify(t)}`);
  });
});
