// decisionTexts remembers how it quoted the fields that repeat from record to record (transport,
// event, method, policy hash, key id, …). These tests hold it to the general canonicaliser when
// values repeat, when a value it remembers as unquotable comes back, at the length bound, and
// across the memo being emptied when full.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalObject } from './canonical.ts';
import { decisionTexts } from './canonical-decision.ts';
import { FORMAT_VERSION } from './format.ts';

const PREV = 'ab'.repeat(32);
const TIME = '2026-01-01T00:00:00.000Z';

function body(f: { transport: string; event: string; method?: string; session?: string; agent?: string; policyHash: string; reason: string; mode?: string; action?: string }): Record<string, unknown> {
  const b: Record<string, unknown> = {
    type: 'decision',
    time: TIME,
    event: f.event,
    transport: f.transport,
    requestId: 'r',
    action: f.action ?? 'allow',
    mode: f.mode ?? 'enforce',
    reason: f.reason,
    rules: [],
    categories: [],
    mitre: [],
    policyHash: f.policyHash,
  };
  if (f.method !== undefined) b.method = f.method;
  if (f.session !== undefined) b.session = f.session;
  if (f.agent !== undefined) b.agent = f.agent;
  return b;
}

/** decisionTexts, checked against the general canonicaliser: same text, or declined exactly when the reference throws. */
function check(b: Record<string, unknown>, seq: number, keyId: string): 'fast' | 'declined' {
  const got = decisionTexts(b, seq, TIME, keyId, PREV);
  const { time: _time, ...rest } = b;
  let want: string | null = null;
  try {
    want = canonicalObject({ ...rest, v: FORMAT_VERSION, seq, time: TIME, keyId, prev: PREV }).with('sig', 'S');
  } catch {
    want = null;
  }
  if (want === null) {
    assert.equal(got, undefined, `declines ${JSON.stringify(b).slice(0, 120)}`);
    return 'declined';
  }
  assert.ok(got, `takes ${JSON.stringify(b).slice(0, 120)}`);
  assert.equal(`{${got.before},"sig":"S",${got.after}}`, want);
  return 'fast';
}

/** Values that need escaping, that cannot be written (lone surrogates), multi-byte ones, and ones either side of the memo's length bound. */
const VALUES = [
  'mcp-http',
  'tools/call',
  'say "hi"',
  'back\\slash',
  'tab\there',
  '\u0000',
  'é😀',
  '\u2028',
  'lone \ud800',
  '\udc00 lone',
  'x'.repeat(127),
  'x'.repeat(128),
  'x'.repeat(129),
  `${'y'.repeat(127)}"`,
  `${'y'.repeat(128)}\ud800`,
];

describe('decisionTexts memo of repeated fields', () => {
  it('writes repeated values, and declines repeated unwritable ones, every time as the general canonicaliser does', () => {
    let fast = 0;
    let declined = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < VALUES.length; i++) {
        for (let j = 0; j < VALUES.length; j += 3) {
          const v = VALUES[i] as string;
          const w = VALUES[j] as string;
          const outcome = check(body({ transport: v, event: w, method: v, session: w, agent: v, policyHash: w, reason: v, mode: v, action: w }), i * 100 + j, round === 1 ? v : '0123456789abcdef');
          if (outcome === 'fast') fast++;
          else declined++;
        }
      }
    }
    assert.ok(fast > 50 && declined > 50, `both outcomes exercised (${fast} fast, ${declined} declined)`);
  });

  it('stays exact while the memo fills, empties and fills again with thousands of distinct values', () => {
    // More distinct values than the memo holds, each used several times and out of order, so some
    // are remembered, some were forgotten, and the same text is asked for again after a clear.
    const distinct = Array.from({ length: 1500 }, (_, i) => (i % 7 === 0 ? `m-${i}-"q"` : i % 11 === 0 ? `s-${i}-\ud801` : `v-${i}-é`));
    for (let k = 0; k < 6000; k++) {
      const a = distinct[(k * 7919) % distinct.length] as string;
      const b = distinct[(k * 104729 + 13) % distinct.length] as string;
      check(body({ transport: a, event: b, method: a, session: b, policyHash: a, reason: 'r' }), k, '0123456789abcdef');
    }
  });
});
