import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineFramer, type FrameEvent } from './framing.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function frame(max: number, chunks: readonly Uint8Array[]): FrameEvent[] {
  const f = new LineFramer(max);
  const out: FrameEvent[] = [];
  for (const c of chunks) out.push(...f.push(c));
  out.push(...f.end());
  return out;
}

/** Splits bytes at the given cut points (sorted, deduplicated, within range). */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

describe('LineFramer', () => {
  it('yields one line per newline, keeps a multi-byte character split across chunks intact, and ends an unterminated last line', () => {
    const bytes = enc('{"a":"é€😀"}\n{"b":2}\n{"c":3}');
    const events = frame(1024, split(bytes, [4, 5, 6, 9, 10, 11]));
    assert.deepEqual(
      events.map((e) => (e.kind === 'line' ? e.text : e.kind)),
      ['{"a":"é€😀"}', '{"b":2}', '{"c":3}'],
    );
  });

  it('drops a line over the limit up to its newline, reports its full length once, and goes on with the next line', () => {
    const long = `{"x":"${'y'.repeat(100)}"}`;
    const events = frame(32, split(enc(`{"ok":1}\n${long}\n{"ok":2}\n`), [3, 20, 50, 90]));
    assert.deepEqual(events, [
      { kind: 'line', text: '{"ok":1}', bytes: 8 },
      { kind: 'oversize', bytes: long.length },
      { kind: 'line', text: '{"ok":2}', bytes: 8 },
    ]);
  });

  it('keeps no more than the limit in memory for a line that never ends, and reports it at the end of the stream', () => {
    const f = new LineFramer(16);
    for (let i = 0; i < 100; i++) assert.deepEqual(f.push(enc('z'.repeat(1000))), []);
    assert.deepEqual(f.end(), [{ kind: 'oversize', bytes: 100_000 }]);
  });

  it('reports a line that is not UTF-8 instead of decoding it with replacement characters', () => {
    const events = frame(64, [new Uint8Array([0x7b, 0xff, 0x7d, 0x0a]), enc('{}\n')]);
    assert.deepEqual(events, [
      { kind: 'invalid-utf8', bytes: 3 },
      { kind: 'line', text: '{}', bytes: 2 },
    ]);
  });

  it('yields the same events wherever the stream is split into chunks (property)', () => {
    const line = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => JSON.stringify({ jsonrpc: '2.0', method: 'x', params: { s } })),
      fc.string({ unit: 'binary', maxLength: 80 }).map((s) => s.replace(/\n/g, ' ')),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.boolean(), fc.array(fc.nat(4000), { maxLength: 12 }), fc.integer({ min: 8, max: 120 }), (lines, trailing, cuts, max) => {
        const bytes = enc(lines.join('\n') + (trailing ? '\n' : ''));
        const whole = frame(max, [bytes]);
        const pieces = frame(max, split(bytes, cuts));
        const byteWise = frame(max, Array.from(bytes, (b) => new Uint8Array([b])));
        assert.deepEqual(pieces, whole);
        assert.deepEqual(byteWise, whole);
      }),
      { numRuns: 300, seed: 20251121 },
    );
  });
});
