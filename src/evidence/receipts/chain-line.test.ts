// sealLine (the writer's path: a decision record encoded, signed and hashed as bytes) against
// sealText (the text path the chain has always used): the same line, hash and head for every body,
// and the same refusal for a body that cannot be canonicalised.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { DecisionEvent } from '../../core/index.ts';
import { newChain, sealLine, sealText, type ChainHead } from './chain.ts';
import { decisionBody, type RecordBody } from './format.ts';
import { generateSigningKey } from './keys.ts';
import { sampleEvent } from './testing.ts';

const now = (): Date => new Date(Date.UTC(2026, 0, 1, 12));

/** Strings with everything canonical JSON escapes or rejects, multi-byte UTF-8, and long runs. */
const odd = fc.constantFrom(
  '',
  '"',
  '\\',
  '\n\r\t\b\f',
  '\u0000\u0001\u001f',
  '\u007f',
  '\u2028\u2029',
  'é',
  '日本語',
  '\ud83d\ude00',
  '\ud800',
  '\udc00x',
  'x\ud83d',
  'tools/call',
  '</script>',
  'a'.repeat(5000),
  'é'.repeat(3000),
);
const text = fc.oneof(
  { weight: 5, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
  { weight: 3, arbitrary: fc.array(fc.oneof(odd, fc.string({ maxLength: 4 })), { maxLength: 4 }).map((p) => p.join('')) },
);
const opt = fc.option(text, { nil: undefined });

/** Bodies as decisionBody builds them from events that carried anything. */
const fromEvent = fc
  .record({ i: fc.nat(1000), type: text, transport: text, agent: opt, session: opt, requestId: text, method: opt, target: opt, reason: text, configHash: text, rules: fc.array(text, { maxLength: 3 }) })
  .map(({ i, rules, ...e }): RecordBody => {
    const findings = rules.map((r, k) => ({ scanner: 'dlp', rule: r, severity: k % 2 ? 'high' : 'low', category: r, mitre: k ? r : '', location: 'body' }));
    return decisionBody({ ...sampleEvent(i), ...e, findings } as unknown as DecisionEvent, now);
  });

/** Raw decision bodies (not through decisionBody): lone surrogates and unbounded strings reach the sealer as they are. */
const raw = fc
  .record({ event: text, transport: text, requestId: text, reason: text, policyHash: text, method: opt, session: opt, rules: fc.array(text, { maxLength: 3 }), targetHash: opt })
  .map((b): RecordBody => {
    const body: Record<string, unknown> = { type: 'decision', action: 'allow', mode: 'enforce', categories: [], mitre: [], time: '2026-01-01T00:00:00.000Z' };
    for (const [k, v] of Object.entries(b)) if (v !== undefined) body[k] = v;
    return body as unknown as RecordBody;
  });

const other = fc.constantFrom<RecordBody>(
  { type: 'gap', cause: 'dropped', lost: 3 },
  { type: 'gap', cause: 'unclean-shutdown' },
  { type: 'gap', cause: 'unclean-shutdown', tornBytes: 12, tornSha256: 'ab'.repeat(32) },
);

type Outcome = { ok: true; line: Buffer; hash: string; head: ChainHead } | { ok: false; error: string };

function viaText(head: ChainHead, body: RecordBody): Outcome {
  try {
    const r = sealText(head, body, now);
    return { ok: true, line: Buffer.from(`${r.sealed.text}\n`, 'utf8'), hash: r.sealed.hash, head: r.head };
  } catch (err) {
    return { ok: false, error: String(err) };
  }
}

function viaLine(head: ChainHead, body: RecordBody): Outcome {
  try {
    const r = sealLine(head, body, now);
    return { ok: true, line: r.sealed.line, hash: r.sealed.hash, head: r.head };
  } catch (err) {
    return { ok: false, error: String(err) };
  }
}

describe('sealLine (bytes) against sealText (text)', () => {
  it('gives the same line, hash and head for a chain of varied bodies, and refuses what sealText refuses', () => {
    let { head } = newChain(generateSigningKey());
    const bodies = fc.sample(fc.oneof({ weight: 6, arbitrary: fromEvent }, { weight: 3, arbitrary: raw }, { weight: 1, arbitrary: other }), { numRuns: 600, seed: 2026 });
    let sealed = 0;
    let refused = 0;
    for (const body of bodies) {
      const want = viaText(head, body);
      const got = viaLine(head, body);
      assert.equal(got.ok, want.ok, `both seal or both refuse: ${JSON.stringify(body).slice(0, 200)}`);
      if (!want.ok || !got.ok) {
        refused++;
        assert.equal(got.ok ? '' : got.error, want.ok ? '' : want.error);
        continue;
      }
      sealed++;
      assert.ok(got.line.equals(want.line), `same bytes for ${JSON.stringify(body).slice(0, 200)}`);
      assert.equal(got.hash, want.hash);
      assert.deepEqual(got.head, want.head);
      assert.equal(got.line[got.line.length - 1], 0x0a);
      head = want.head;
    }
    // The samples must exercise both outcomes, the decision path most.
    assert.ok(sealed > 400, `sealed ${sealed}`);
    assert.ok(refused > 10, `refused ${refused}`);
  });

  it('seals multi-byte, escaped and very long strings to the same bytes', () => {
    let { head } = newChain(generateSigningKey());
    const strings = ['é', '日本語 😀', '"q" \\ \n \u0000 \u2028', 'a'.repeat(100_000), `${'é'.repeat(40_000)}😀`];
    for (const s of strings) {
      const body = { type: 'decision', time: '2026-01-01T00:00:00.000Z', event: s, transport: s, requestId: s, action: 'block', mode: 'audit', wouldHave: 'block', reason: s, rules: [s, 'b'], categories: [s], mitre: [], policyHash: s, agent: s, session: s, method: s, severity: 'high', targetHash: 'cd'.repeat(32) } as unknown as RecordBody;
      const want = viaText(head, body);
      const got = viaLine(head, body);
      assert.ok(want.ok && got.ok);
      assert.ok(got.line.equals(want.line));
      assert.equal(got.hash, want.hash);
      head = want.head;
    }
  });
});
