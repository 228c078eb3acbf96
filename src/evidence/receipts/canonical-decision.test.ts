import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { DecisionEvent } from '../../core/index.ts';
import { canonicalObject } from './canonical.ts';
import { decisionTexts } from './canonical-decision.ts';
import { newChain, sealRecord, sealText, type ChainHead } from './chain.ts';
import { decisionBody, FORMAT_VERSION, sha256Hex, type RecordBody } from './format.ts';
import { generateSigningKey, signBytes } from './keys.ts';
import { sampleEvent } from './testing.ts';

const KEY_ID = '0123456789abcdef';
const PREV = 'ab'.repeat(32);

/** Text with what canonical JSON must escape or reject: quotes, backslashes, controls, surrogates (paired and lone), non-ASCII. */
const tricky = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '\ud83d\ude00', '\ud800', '\udc00', 'é', '/', 'tools/call'),
    ),
    { maxLength: 5 },
  )
  .map((parts) => parts.join(''));
const text = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 16 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 2, arbitrary: tricky },
);

/** A value where a string or list belongs: usually the right type, sometimes not (the fast path must then decline). */
const odd = fc.constantFrom<unknown>(7, null, true, [], {}, ['a', 1], [undefined], Object.create(null) as object);
const stringField = fc.oneof({ weight: 40, arbitrary: text }, { weight: 1, arbitrary: odd });
const listField = fc.oneof({ weight: 40, arbitrary: fc.array(text, { maxLength: 4 }) }, { weight: 1, arbitrary: odd });
const optionalField = fc.oneof(fc.constant(undefined), stringField);

/** A decision body as a record, with optional fields absent, undefined or set, and now and then an extra field. */
const body = fc
  .record(
    {
      type: fc.oneof({ weight: 9, arbitrary: fc.constant('decision') }, { weight: 1, arbitrary: fc.constantFrom('gap', 'checkpoint') }),
      event: stringField,
      transport: stringField,
      agent: optionalField,
      session: optionalField,
      requestId: stringField,
      method: optionalField,
      action: stringField,
      mode: stringField,
      wouldHave: optionalField,
      reason: stringField,
      rules: listField,
      categories: listField,
      mitre: listField,
      severity: optionalField,
      targetHash: optionalField,
      policyHash: stringField,
      extra: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('sig', 'v', 'seq', 'prev', 'keyId', 'zzz', 'aaa') }),
    },
    { requiredKeys: ['type', 'event', 'transport', 'requestId', 'action', 'mode', 'reason', 'rules', 'categories', 'mitre', 'policyHash'] },
  )
  .map(({ extra, ...b }) => (extra === undefined ? b : { ...b, [extra]: 'x' }));

/** The reference: the unsigned record exactly as sealRecord has always built it, through the general canonicaliser. */
function reference(b: object, seq: number, time: string): ReturnType<typeof canonicalObject> {
  return canonicalObject({ ...b, v: FORMAT_VERSION, seq, time, keyId: KEY_ID, prev: PREV });
}

describe('decisionTexts (fast canonical path for decision records)', () => {
  it('gives the bytes of the general canonicaliser, with and without sig, or declines', () => {
    let fast = 0;
    fc.assert(
      fc.property(body, fc.nat(), text, fc.string({ maxLength: 86 }), (b, seq, time, sig) => {
        const got = decisionTexts(b, seq, time, KEY_ID, PREV);
        let ref: ReturnType<typeof canonicalObject> | null = null;
        try {
          ref = reference(b, seq, time);
        } catch {
          // The general path rejects it: the fast path must not have written anything.
          assert.equal(got, undefined);
          return;
        }
        if (got === undefined) return;
        fast++;
        assert.equal(`{${got.before},${got.after}}`, ref.text);
        assert.equal(`{${got.before},"sig":${JSON.stringify(sig)},${got.after}}`, ref.with('sig', sig));
      }),
      { numRuns: 3000, seed: 8785 },
    );
    // The generator must exercise the fast path, not only the fallbacks.
    assert.ok(fast > 800, `fast path taken ${fast} times`);
  });

  it('takes every body decisionBody builds, whatever the event carried', () => {
    const event = fc.record({
      type: text,
      transport: text,
      agent: fc.option(text, { nil: undefined }),
      session: fc.option(text, { nil: undefined }),
      requestId: text,
      method: fc.option(text, { nil: undefined }),
      target: fc.option(text, { nil: undefined }),
      action: fc.constantFrom('allow', 'block', 'redact', 'ask', 'weird'),
      wouldHave: fc.option(fc.constantFrom('allow', 'block', 'nonsense'), { nil: undefined }),
      mode: fc.constantFrom('enforce', 'audit', 'other'),
      reason: text,
      rule: fc.array(text, { maxLength: 3 }),
      configHash: text,
    });
    fc.assert(
      fc.property(event, fc.nat(), ({ rule, ...e }, seq) => {
        const findings = rule.map((r, i) => ({ scanner: 'dlp', rule: r, severity: i % 2 ? 'high' : 'low', category: r, mitre: i ? r : '', location: 'body' }));
        const ev = { ...sampleEvent(seq), ...e, findings } as unknown as DecisionEvent;
        const { time, ...rest } = decisionBody(ev);
        const got = decisionTexts({ ...rest, time }, seq, time, KEY_ID, PREV);
        assert.ok(got, 'decisionBody output must take the fast path');
        assert.equal(`{${got.before},${got.after}}`, reference(rest, seq, time).text);
      }),
      { numRuns: 500, seed: 32 },
    );
  });

  it('declines what is not a plain decision body', () => {
    const b = decisionBody(sampleEvent(1));
    assert.ok(decisionTexts(b, 1, b.time, KEY_ID, PREV));
    assert.equal(decisionTexts({ ...b, type: 'gap' }, 1, b.time, KEY_ID, PREV), undefined);
    assert.equal(decisionTexts({ ...b, sig: 'x' }, 1, b.time, KEY_ID, PREV), undefined);
    assert.equal(decisionTexts({ ...b, reason: 'a\ud800' }, 1, b.time, KEY_ID, PREV), undefined);
    assert.equal(decisionTexts({ ...b, [Symbol('s')]: 1 }, 1, b.time, KEY_ID, PREV), undefined);
    assert.equal(decisionTexts(Object.assign(new (class Body {})(), b), 1, b.time, KEY_ID, PREV), undefined);
    assert.equal(decisionTexts(b, 1.5, b.time, KEY_ID, PREV), undefined);
  });
});

/** sealRecord as it was before the fast path: spread, general canonical pass, sign, with('sig'). */
function referenceSeal(head: ChainHead, b: RecordBody, now: () => Date): { line: Buffer; hash: string; record: object } {
  const { time, ...rest } = b;
  const unsigned = { ...rest, v: FORMAT_VERSION, seq: head.nextSeq, time: time ?? now().toISOString(), keyId: head.key.keyId, prev: head.prev };
  const canonical = canonicalObject(unsigned);
  const sig = signBytes(head.key, Buffer.from(canonical.text, 'utf8')).toString('base64url');
  const t = canonical.with('sig', sig);
  return { line: Buffer.from(`${t}\n`, 'utf8'), hash: sha256Hex(t), record: { ...unsigned, sig } };
}

describe('sealRecord / sealText (fast path against the reference sealing)', () => {
  it('writes byte-identical lines, hashes and records for a chain of generated events', () => {
    const key = generateSigningKey();
    const now = (): Date => new Date(Date.UTC(2026, 0, 1));
    let { head } = newChain(key);
    const events = fc.sample(
      fc.record({ i: fc.nat(), reason: text, requestId: text, method: fc.option(text, { nil: undefined }), target: fc.option(text, { nil: undefined }) }),
      { numRuns: 300, seed: 99 },
    );
    for (const [n, e] of events.entries()) {
      const b: RecordBody =
        n % 50 === 49 ? { type: 'checkpoint', count: head.nextSeq, head: head.prev, trigger: 'interval' } : decisionBody({ ...sampleEvent(e.i), reason: e.reason, requestId: e.requestId, method: e.method, target: e.target });
      const want = referenceSeal(head, b, now);
      const viaText = sealText(head, b, now);
      const viaRecord = sealRecord(head, b, now);
      assert.equal(`${viaText.sealed.text}\n`, want.line.toString('utf8'));
      assert.deepEqual(viaRecord.sealed.line, want.line);
      assert.equal(viaText.sealed.hash, want.hash);
      assert.deepEqual(viaRecord.sealed.record, want.record);
      assert.deepEqual(viaText.head, viaRecord.head);
      head = viaText.head;
    }
  });
});
