import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ChainBuilder, sealRecord } from './chain.ts';
import { decisionBody, type RecordBody } from './format.ts';
import { generateSigningKey, verifyingKeyFromRaw } from './keys.ts';
import { sampleEvent } from './testing.ts';
import { verifyReceipts, type VerifyResult } from './verify.ts';

const fixedNow = (): Date => new Date(Date.UTC(2026, 0, 2));
const KEY = generateSigningKey();
const KEY2 = generateSigningKey();

/** genesis, 14 decisions and a gap with interval checkpoints every 4, a key rotation, a close checkpoint. */
function buildChain(): { bytes: Buffer; lines: Buffer[]; hashes: string[] } {
  const c = new ChainBuilder(KEY, fixedNow);
  const hashes: string[] = [c.head.prev];
  const add = (body: RecordBody): void => {
    hashes.push(c.append(body).hash);
    if (c.head.sinceCheckpoint >= 4) hashes.push(c.checkpoint().hash);
  };
  for (let i = 0; i < 7; i++) add(decisionBody(sampleEvent(i)));
  hashes.push(c.rotate(KEY2).hash);
  for (let i = 7; i < 14; i++) add(decisionBody(sampleEvent(i, { reason: `réason ${i} \u2028 "quoted" 😀` })));
  hashes.push(c.checkpoint('close').hash);
  return { bytes: c.bytes(), lines: c.lines, hashes };
}
const CHAIN = buildChain();
const N = CHAIN.lines.length;

/** Byte offset where each line starts. */
const STARTS = CHAIN.lines.reduce<number[]>((acc, l, i) => [...acc, i === 0 ? 0 : (acc[i - 1] as number) + (CHAIN.lines[i - 1] as Buffer).length], []);
function lineOf(pos: number): number {
  let i = 0;
  while (i + 1 < N && (STARTS[i + 1] as number) <= pos) i++;
  return i;
}

function brokenAt(r: VerifyResult): [number, string] | null {
  return r.broken ? [r.broken.seq, r.broken.reason] : null;
}

describe('verifyReceipts', () => {
  it('accepts an untouched chain with a key rotation, and reports the keys it followed', () => {
    const r = verifyReceipts(CHAIN.bytes);
    assert.equal(r.status, 'ok', JSON.stringify(r.broken));
    assert.equal(r.records, N);
    assert.equal(r.head, CHAIN.hashes.at(-1));
    assert.equal(CHAIN.hashes.length, N);
    assert.deepEqual(r.keys.map((k) => [k.keyId, k.trust]), [[KEY.keyId, 'embedded'], [KEY2.keyId, 'rotation']]);
    assert.equal(r.counts.decision, 14);
    assert.deepEqual(r.lastCheckpoint, { seq: N - 1, trigger: 'close' });
    const pinned = verifyReceipts(CHAIN.bytes, { trustedKeys: [verifyingKeyFromRaw(KEY.raw)] });
    assert.equal(pinned.status, 'ok');
    assert.equal(pinned.keys[0]?.trust, 'pinned');
  });

  it('any untouched chain verifies, whatever the events hold (unicode, lone surrogates, long strings)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 300 });
    const ev = fc.record({ reason: text, target: text, session: text, requestId: text, rule: text });
    fc.assert(
      fc.property(fc.array(ev, { minLength: 0, maxLength: 6 }), fc.integer({ min: 1, max: 5 }), (events, every) => {
        const c = new ChainBuilder(KEY, fixedNow);
        events.forEach((e, i) => {
          const base = sampleEvent(i);
          c.append(decisionBody({ ...base, reason: e.reason, target: e.target, session: e.session, requestId: e.requestId, findings: [{ ...base.findings[0]!, rule: e.rule }] }));
          if (c.head.sinceCheckpoint >= every) c.checkpoint();
        });
        c.checkpoint('close');
        const r = verifyReceipts(c.bytes());
        assert.equal(r.status, 'ok', JSON.stringify(r.broken));
      }),
      { numRuns: 40 },
    );
  });

  it('any single flipped byte breaks the chain at the record holding it, with a reason for a changed record', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: CHAIN.bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (pos, mask) => {
        const bytes = Buffer.from(CHAIN.bytes);
        bytes[pos] = (bytes[pos] as number) ^ mask;
        const r = verifyReceipts(bytes);
        const line = lineOf(pos);
        assert.equal(r.status, 'broken');
        assert.equal(r.broken?.seq, line, `flip at ${pos} (line ${line}): ${JSON.stringify(r.broken)}`);
        const isNewline = CHAIN.bytes[pos] === 0x0a;
        const allowed = isNewline ? [pos === CHAIN.bytes.length - 1 ? 'torn-line' : 'malformed'] : ['malformed', 'bad-signature', 'unknown-key'];
        assert.ok(allowed.includes(r.broken?.reason ?? ''), `flip at ${pos}: ${JSON.stringify(r.broken)}`);
      }),
      { numRuns: 250 },
    );
  });

  it('a dropped line is a gap at its seq; dropping the last line leaves an unanchored tail that an expected count catches', () => {
    for (let i = 0; i < N; i++) {
      const bytes = Buffer.concat(CHAIN.lines.filter((_, j) => j !== i));
      const r = verifyReceipts(bytes);
      if (i < N - 1) {
        assert.deepEqual(brokenAt(r), [i, 'gap'], `drop ${i}`);
        continue;
      }
      assert.equal(r.status, 'incomplete');
      const lastInterval = CHAIN.lines.slice(0, N - 1).reduce((at, l, j) => (l.includes('"type":"checkpoint"') ? j : at), -1);
      assert.deepEqual(r.warnings, [{ kind: 'unanchored-tail', records: N - 2 - lastInterval, afterSeq: lastInterval }]);
      assert.deepEqual(brokenAt(verifyReceipts(bytes, { expectCount: N })), [N - 1, 'truncated-after-checkpoint']);
    }
  });

  it('a swapped pair of lines is a reorder at the first seq out of place', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: N - 1 }), fc.integer({ min: 0, max: N - 1 }), (a, b) => {
        fc.pre(a !== b);
        const [i, j] = a < b ? [a, b] : [b, a];
        const lines = [...CHAIN.lines];
        [lines[i], lines[j]] = [lines[j] as Buffer, lines[i] as Buffer];
        assert.deepEqual(brokenAt(verifyReceipts(Buffer.concat(lines))), [i, 'reorder'], `swap ${i} ${j}`);
      }),
      { numRuns: 60 },
    );
  });

  it('a repeated line is a duplicate', () => {
    for (const i of [0, 3, N - 2]) {
      const lines = [...CHAIN.lines.slice(0, i + 1), CHAIN.lines[i] as Buffer, ...CHAIN.lines.slice(i + 1)];
      assert.deepEqual(brokenAt(verifyReceipts(Buffer.concat(lines))), [i + 1, 'duplicate'], `dup ${i}`);
    }
  });

  it('a truncated tail is a torn line mid-record, and at a line boundary an unanchored tail (truncated-after-checkpoint against the count)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: CHAIN.bytes.length - 1 }), (k) => {
        const bytes = CHAIN.bytes.subarray(0, k);
        const r = verifyReceipts(bytes);
        if (CHAIN.bytes[k - 1] === 0x0a) {
          const kept = lineOf(k);
          assert.equal(r.status, 'incomplete');
          assert.equal(r.records, kept);
          assert.ok(r.warnings.some((w) => w.kind === 'unanchored-tail'));
          assert.deepEqual(brokenAt(verifyReceipts(bytes, { expectCount: N })), [kept, 'truncated-after-checkpoint']);
          assert.deepEqual(brokenAt(verifyReceipts(bytes, { anchor: CHAIN.hashes.at(-1) as string })), [kept, 'truncated-after-checkpoint']);
        } else {
          assert.deepEqual(brokenAt(r), [lineOf(k - 1), 'torn-line']);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('an anchor inside the file anchors the tail up to it', () => {
    const cut = Buffer.concat(CHAIN.lines.slice(0, 9));
    const anchor = CHAIN.hashes[8] as string; // hash of seq 8, the last line kept
    assert.equal(verifyReceipts(cut, { anchor }).status, 'ok');
    // seq 9 is an interval checkpoint, seq 10 a decision: one record after the last checkpoint.
    assert.match(CHAIN.lines[9]?.toString() ?? '', /"trigger":"interval"/);
    assert.deepEqual(verifyReceipts(Buffer.concat(CHAIN.lines.slice(0, 11)), { anchor }).warnings, [{ kind: 'unanchored-tail', records: 1, afterSeq: 9 }]);
  });

  it('rejects a chain that starts with a key other than the pinned one', () => {
    const r = verifyReceipts(CHAIN.bytes, { trustedKeys: [verifyingKeyFromRaw(KEY2.raw)] });
    assert.deepEqual(brokenAt(r), [0, 'unknown-key']);
  });

  it('rejects a record signed by the retired key after a rotation', () => {
    const c = new ChainBuilder(KEY, fixedNow);
    c.rotate(KEY2);
    const { sealed } = sealRecord({ ...c.head, key: KEY }, decisionBody(sampleEvent(1)), fixedNow);
    const r = verifyReceipts(Buffer.concat([c.bytes(), sealed.line]));
    assert.deepEqual(brokenAt(r), [2, 'unknown-key']);
    assert.match(r.broken?.detail ?? '', /retired key/);
  });

  it('names a validly signed record with a wrong prev a broken link, and a lying checkpoint a checkpoint mismatch', () => {
    const c = new ChainBuilder(KEY, fixedNow);
    c.append(decisionBody(sampleEvent(1)));
    const wrongPrev = sealRecord({ ...c.head, prev: 'f'.repeat(64) }, decisionBody(sampleEvent(2)), fixedNow).sealed;
    assert.deepEqual(brokenAt(verifyReceipts(Buffer.concat([c.bytes(), wrongPrev.line]))), [2, 'broken-link']);
    const lying = sealRecord(c.head, { type: 'checkpoint', count: 7, head: c.head.prev, trigger: 'close' }, fixedNow).sealed;
    assert.deepEqual(brokenAt(verifyReceipts(Buffer.concat([c.bytes(), lying.line]))), [2, 'checkpoint-mismatch']);
  });

  it('reports a recorded gap as incomplete, not ok', () => {
    const c = new ChainBuilder(KEY, fixedNow);
    c.append({ type: 'gap', cause: 'unclean-shutdown', tornBytes: 12, tornSha256: 'a'.repeat(64) });
    c.append({ type: 'gap', cause: 'dropped', lost: 3 });
    c.checkpoint('close');
    const r = verifyReceipts(c.bytes());
    assert.equal(r.status, 'incomplete');
    assert.deepEqual(r.warnings, [
      { kind: 'recorded-gap', seq: 1, cause: 'unclean-shutdown', tornBytes: 12 },
      { kind: 'recorded-gap', seq: 2, cause: 'dropped', lost: 3 },
    ]);
  });

  it('rejects non-canonical lines, unknown fields, a second genesis, a non-strict signature encoding, oversized lines and an empty file', () => {
    const [g, d] = [CHAIN.lines[0] as Buffer, CHAIN.lines[1] as Buffer];
    const spaced = Buffer.from(g.toString().replace('{"', '{ "'));
    assert.deepEqual(brokenAt(verifyReceipts(spaced)), [0, 'malformed']);
    const obj = JSON.parse(d.toString()) as Record<string, unknown>;
    const extra = Buffer.from(`${JSON.stringify({ ...obj, zzz: 1 }).replace(/^\{/, '{')}\n`);
    assert.match(verifyReceipts(Buffer.concat([g, extra])).broken?.detail ?? '', /line is not in RFC 8785 canonical form|unexpected field/);
    assert.deepEqual(brokenAt(verifyReceipts(Buffer.concat([g, g]))), [1, 'duplicate']);
    // The last base64url character of an Ed25519 signature carries 4 unused bits; flipping one keeps the bytes.
    const sig = obj.sig as string;
    const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const alt = last[last.indexOf(sig.at(-1) as string) ^ 1] as string;
    const sloppy = d.toString().replace(sig, sig.slice(0, -1) + alt);
    assert.equal(Buffer.from(sig.slice(0, -1) + alt, 'base64url').equals(Buffer.from(sig, 'base64url')), true);
    const r = verifyReceipts(Buffer.concat([g, Buffer.from(sloppy)]));
    assert.deepEqual(brokenAt(r), [1, 'malformed']);
    assert.deepEqual(brokenAt(verifyReceipts(Buffer.concat([g, Buffer.alloc(200_000, 0x20), Buffer.from('\n')]))), [1, 'malformed']);
    assert.deepEqual(brokenAt(verifyReceipts('')), [0, 'malformed']);
    assert.deepEqual(brokenAt(verifyReceipts(Buffer.from([0xff, 0xfe, 0x0a]))), [0, 'malformed']);
  });
});
