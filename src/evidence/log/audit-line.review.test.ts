/**
 * Review (session 6, helper R): adversarial differential checks of auditLine against pino's own
 * output with the audit log's logger options. The contract: auditLine writes exactly pino's line,
 * or returns null (the caller then hands the record to pino).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { auditLine } from './audit-line.ts';

function pinoLine(record: object, level: 'info' | 'warn'): string {
  let out = '';
  const logger = pino({ level: 'info', base: null, timestamp: false, formatters: { level: (label) => ({ level: label }) } }, { write: (s: string) => void (out += s) });
  logger[level](record);
  return out;
}

let fastTaken = 0;
function agrees(record: object, label: string): void {
  for (const level of ['info', 'warn'] as const) {
    const got = auditLine(record, level);
    if (got === null) continue;
    fastTaken++;
    assert.equal(got, pinoLine(record, level), label);
  }
}

const STRINGS = [
  '',
  '"',
  '\\',
  '\u0000',
  '\u001f',
  '\u007f',
  '\u2028\u2029',
  '\ud83d\ude00',
  '\ud800',
  '\udc00',
  'a\ud800b',
  `${'x'.repeat(99)}\ud800`,
  `${'x'.repeat(100)}\ud800`,
  `${'x'.repeat(101)}"`,
  `${'x'.repeat(101)}\u2028`,
  'x'.repeat(100),
  'x'.repeat(101),
  'y'.repeat(70000),
  '</script>',
];

describe('auditLine review: edge values against pino', () => {
  it('matches pino or declines for edge strings as values and keys', () => {
    for (const s of STRINGS) {
      agrees({ schema: 1, kind: 'decision', reason: s }, `value ${JSON.stringify(s.slice(0, 20))}`);
      agrees({ schema: 1, [s]: 'v' }, `key ${JSON.stringify(s.slice(0, 20))}`);
      agrees({ schema: 1, findings: [{ rule: s, evidence: s }] }, `nested ${JSON.stringify(s.slice(0, 20))}`);
    }
    // The fast path must have been exercised, not only declined.
    assert.ok(fastTaken > 30, `fast path taken ${fastTaken} times`);
  });

  it('matches pino or declines for numbers, booleans, null, undefined and other kinds', () => {
    const values: unknown[] = [0, -0, 1e21, 1e-7, 123.456, Number.MAX_SAFE_INTEGER + 2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, true, false, null, undefined, () => 1, Symbol('s'), 10n, new Date(0), [undefined, () => 1], { toJSON: () => undefined }, { toJSON: () => 'x' }, new Map([[1, 2]]), Object.create(null)];
    // eslint-disable-next-line no-sparse-arrays
    values.push([, 1]);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    values.push(cyclic);
    values.push({ n: 10n });
    for (const [i, v] of values.entries()) agrees({ schema: 1, v, after: 'z' }, `value #${i}`);
  });

  it('matches pino or declines for records with unusual own keys', () => {
    agrees(JSON.parse('{"__proto__":"x","a":1}') as object, 'own __proto__');
    agrees({ msg: 'm', a: 1 }, 'msg key');
    agrees({ level: 'fake', a: 1 }, 'level key');
    agrees({ 1: 'one', a: 'x', 0: 'zero' }, 'integer-like keys');
    agrees(Object.assign(Object.create({ inherited: 'x' }) as object, { a: 1 }), 'inherited key');
    const withHidden = { a: 1 };
    Object.defineProperty(withHidden, 'hidden', { value: 'h', enumerable: false });
    agrees(withHidden, 'non-enumerable key');
    agrees({ a: 1, [Symbol('s')]: 'sym' }, 'symbol key');
  });
});
