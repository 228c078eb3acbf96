import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { pino } from 'pino';
import type { DecisionEvent } from '../../core/index.ts';
import { auditLine } from './audit-line.ts';
import { createAuditLog } from './audit-log.ts';
import { toAuditRecord } from './audit-record.ts';

/** The reference: what pino writes for a record with the audit log's logger options. */
function pinoLine(record: object, level: 'info' | 'warn'): string {
  let out = '';
  const logger = pino({ level: 'info', base: null, timestamp: false, formatters: { level: (label) => ({ level: label }) } }, { write: (s: string) => void (out += s) });
  logger[level](record);
  return out;
}

/** Text pino and JSON.stringify may quote differently: quotes, backslashes, controls, surrogates (paired and lone), long strings. */
const tricky = fc
  .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('"', '\\', '\n', '\u0000', '\u007f', '\u2028', '\ud83d\ude00', '\ud800', '\udc00', 'é', 'x'.repeat(120))), { maxLength: 4 })
  .map((p) => p.join(''));
/** Ordinary text: nothing any escaper would touch. */
const plainText = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '0', '-', '_', '/', '.', ':', ' ', 'é', '😀', '{', '}', ',', '<', "'"), maxLength: 24 });
const text = fc.oneof(
  { weight: 40, arbitrary: plainText },
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  { weight: 1, arbitrary: tricky },
);
const optText = fc.option(text, { nil: undefined });
const num = fc.oneof(fc.double(), fc.constantFrom(0, -0, 0.0004, 1e21, 123.4567, Number.NaN, Number.POSITIVE_INFINITY));
const finding = fc.record({
  scanner: text,
  rule: text,
  severity: fc.constantFrom('low', 'medium', 'high', 'critical'),
  category: text,
  mitre: text,
  location: text,
  evidence: optText,
  fingerprint: optText,
});
const event = fc.record({
  time: text,
  type: fc.constantFrom('request', 'response', 'tool-call', 'tool-result'),
  transport: text,
  agent: optText,
  session: optText,
  requestId: text,
  method: optText,
  target: optText,
  action: fc.constantFrom('allow', 'block', 'redact'),
  mode: fc.constantFrom('enforce', 'audit'),
  wouldHave: fc.option(fc.constantFrom('allow', 'block'), { nil: undefined }),
  reason: text,
  findings: fc.array(finding, { maxLength: 3 }),
  latencyMs: num,
  bytes: fc.option(num, { nil: undefined }),
  configHash: text,
});

describe('auditLine (decision lines without pino serialising them)', () => {
  it('writes exactly the line pino writes for the same record, or declines', () => {
    let fast = 0;
    fc.assert(
      fc.property(event, fc.boolean(), (e, previews) => {
        const record = toAuditRecord(e as unknown as DecisionEvent, { evidencePreviews: previews });
        const level = e.action === 'allow' ? 'info' : 'warn';
        const got = auditLine(record, level);
        if (got === null) return;
        fast++;
        assert.equal(got, pinoLine(record, level));
      }),
      { numRuns: 2000, seed: 4242 },
    );
    assert.ok(fast > 500, `fast path taken ${fast} times`);
  });

  it('declines strings pino escapes its own way, and writes plain ones', () => {
    const base = toAuditRecord({ time: 't', type: 'request', transport: 'http-forward', requestId: 'r1', action: 'allow', mode: 'enforce', reason: 'ok', findings: [], latencyMs: 1, configHash: 'c' } as DecisionEvent, { evidencePreviews: false });
    for (const reason of ['a\ud800', 'say "hi"', 'back\\slash', 'tab\there']) assert.equal(auditLine({ ...base, reason }, 'info'), null, JSON.stringify(reason));
    assert.equal(auditLine(base, 'info'), pinoLine(base, 'info'));
  });

  it('leaves the audit log file exactly as pino alone wrote it, fallbacks and level gate included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-audit-line-'));
    try {
      const events = fc.sample(event, { numRuns: 200, seed: 7 }) as unknown as DecisionEvent[];
      for (const level of ['info', 'warn'] as const) {
        const path = join(dir, `${level}.log`);
        const log = createAuditLog({ destination: path, level, evidencePreviews: true, bufferBytes: 1 << 22 });
        for (const e of events) log.emit(e);
        await log.close();
        let want = '';
        for (const e of events) {
          const l = e.action === 'allow' ? 'info' : 'warn';
          if (level === 'warn' && l === 'info') continue;
          want += pinoLine(toAuditRecord(e, { evidencePreviews: true }), l);
        }
        // Bytes, not text: a lone surrogate pino writes raw becomes U+FFFD on the way to the file.
        assert.deepEqual(readFileSync(path), Buffer.from(want, 'utf8'));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
