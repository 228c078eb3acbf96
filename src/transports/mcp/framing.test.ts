import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineFramer, type FrameEvent } from './framing.ts';
import { ID_WINDOW } from './recover-id.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The events, with the bytes kept of unreadable lines as text (latin1), to compare by value. */
function frame(max: number, chunks: readonly Uint8Array[]): Record<string, unknown>[] {
  const f = new LineFramer(max);
  const out: FrameEvent[] = [];
  for (const c of chunks) out.push(...f.push(c));
  out.push(...f.end());
  const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
  return out.map((e) => (e.kind === 'line' ? { ...e } : e.kind === 'invalid-utf8' ? { ...e, raw: text(e.raw) } : { ...e, head: text(e.head), tail: text(e.tail) }));
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
      // Short enough that its first and last bytes (ID_WINDOW of each) are all of it.
      { kind: 'oversize', bytes: long.length, head: long, tail: long },
      { kind: 'line', text: '{"ok":2}', bytes: 8 },
    ]);
  });

  it('keeps no more than the limit in memory for a line that never ends, and reports it at the end of the stream', () => {
    const f = new LineFramer(16);
    for (let i = 0; i < 100; i++) assert.deepEqual(f.push(enc('z'.repeat(1000))), []);
    const [ev] = f.end();
    assert.equal(ev?.kind, 'oversize');
    assert.equal(ev.bytes, 100_000);
  });

  it('keeps the first and last ID_WINDOW bytes of an oversized line (where its id is), however it arrives', () => {
    const line = `{"jsonrpc":"2.0","id":7,"result":{"text":"${'a'.repeat(20_000)}"},"tag":"end-${'b'.repeat(10)}"}`;
    const bytes = enc(`${line}\n`);
    for (const chunks of [[bytes], split(bytes, [1, 100, 4095, 4097, 9000, 20_000]), Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7))]) {
      const [ev] = frame(1000, chunks);
      assert.deepEqual(ev, { kind: 'oversize', bytes: line.length, head: line.slice(0, ID_WINDOW), tail: line.slice(-ID_WINDOW) });
    }
  });

  it('reports a line that is not UTF-8 instead of decoding it with replacement characters', () => {
    const events = frame(64, [new Uint8Array([0x7b, 0xff, 0x7d, 0x0a]), enc('{}\n')]);
    assert.deepEqual(events, [
      { kind: 'invalid-utf8', bytes: 3, raw: '{\xff}' },
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
