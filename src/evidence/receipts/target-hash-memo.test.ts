import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { DecisionEvent } from '../../core/index.ts';
import { decisionBody } from './format.ts';

const event = (target: string | undefined): DecisionEvent =>
  ({
    time: '2026-01-02T03:04:05.006Z',
    type: 'request',
    transport: 'http-forward',
    requestId: 'r-1',
    action: 'allow',
    mode: 'enforce',
    reason: 'No findings.',
    findings: [],
    latencyMs: 0.5,
    configHash: 'c0ffee',
    ...(target === undefined ? {} : { target }),
  }) as DecisionEvent;

describe('decisionBody remembers only the last target hash', () => {
  it('any sequence of targets (repeats, neighbours that differ by one character, none) gets each its own hash', () => {
    const pool = ['http://a.test/x', 'http://a.test/y', 'http://a.test/x ', 'https://b.test/?…', ''];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...pool), fc.string(), fc.constant(undefined)), { maxLength: 30 }), (targets) => {
        for (const t of targets) {
          const body = decisionBody(event(t));
          if (t === undefined) assert.equal('targetHash' in body, false);
          // a well-formed target is hashed as is (fc.string() is well-formed)
          else assert.equal(body.targetHash, createHash('sha256').update(t, 'utf8').digest('hex'), JSON.stringify(t));
        }
      }),
    );
  });
});
