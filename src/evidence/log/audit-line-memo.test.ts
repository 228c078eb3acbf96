// auditLine remembers how it wrote the values that repeat from line to line (transport, event,
// action, policy hash, session, …). These tests hold it to pino's own output when values repeat,
// when a value it remembers as one to decline comes back, at the memo's length bound, and across
// the memo being emptied when full.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { DecisionEvent } from '../../core/index.ts';
import { isWellFormed } from '../receipts/canonical.ts';
import { auditLine } from './audit-line.ts';
import { toAuditRecord } from './audit-record.ts';

/** The reference: what pino writes for a record with the audit log's logger options. */
function pinoLine(record: object, level: 'info' | 'warn'): string {
  let out = '';
  const logger = pino({ level: 'info', base: null, timestamp: false, formatters: { level: (label) => ({ level: label }) } }, { write: (s: string) => void (out += s) });
  logger[level](record);
  return out;
}

function event(v: string, w: string, i: number): DecisionEvent {
  return {
    time: `2026-01-01T00:00:00.${String(i % 1000).padStart(3, '0')}Z`,
    type: 'request',
    transport: v as DecisionEvent['transport'],
    agent: w,
    session: v,
    requestId: `req-${i}`,
    method: w,
    target: `https://example.com/${i}`,
    action: i % 3 ? 'allow' : 'block',
    mode: 'enforce',
    reason: v,
    findings: [],
    latencyMs: 0.25,
    bytes: 10,
    configHash: w,
  };
}

/** The line, checked: pino's bytes when auditLine writes one; null only for a record holding a string pino escapes its own way. */
function check(e: DecisionEvent): 'written' | 'declined' {
  const record = toAuditRecord(e, { evidencePreviews: false });
  const level = e.action === 'allow' ? 'info' : 'warn';
  const got = auditLine(record, level);
  if (got === null) {
    const plain = (s: unknown): boolean => typeof s !== 'string' || (isWellFormed(s) && !/["\\\u0000-\u001f]/.test(s));
    assert.ok(!Object.values(record).every(plain), `declined only for a string that needs escaping: ${JSON.stringify(record).slice(0, 160)}`);
    return 'declined';
  }
  assert.equal(got, pinoLine(record, level));
  return 'written';
}

const VALUES = ['mcp-http', 'tools/call', 'say "hi"', 'back\\slash', 'tab\there', 'lone \ud800', 'é😀', 'x'.repeat(127), 'x'.repeat(128), 'x'.repeat(129), `${'y'.repeat(127)}"`, `${'y'.repeat(128)}\udc00`];

describe('auditLine memo of repeated values', () => {
  it('writes repeated values as pino does, and declines repeated ones it must, every time', () => {
    let written = 0;
    let declined = 0;
    for (let round = 0; round < 3; round++) {
      VALUES.forEach((v, i) =>
        VALUES.forEach((w, j) => {
          if (check(event(v, w, i * 100 + j + round)) === 'written') written++;
          else declined++;
        }),
      );
    }
    assert.ok(written > 50 && declined > 50, `both outcomes exercised (${written} written, ${declined} declined)`);
  });

  it('stays exact while the memo fills, empties and fills again with thousands of distinct values', () => {
    const distinct = Array.from({ length: 1500 }, (_, i) => (i % 7 === 0 ? `m-${i}-"q"` : i % 11 === 0 ? `s-${i}-\ud801` : `v-${i}-é`));
    for (let k = 0; k < 5000; k++) check(event(distinct[(k * 7919) % distinct.length] as string, distinct[(k * 104729 + 13) % distinct.length] as string, k));
  });
});
