import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatSseEvent, SseParser, type SseEvent } from './sse.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function parse(max: number, chunks: readonly Uint8Array[]): SseEvent[] {
  const p = new SseParser(max);
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

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

describe('SseParser', () => {
  it('reads id, retry, event type and multi-line data, with LF, CRLF and CR line ends and a leading BOM', () => {
    const stream = '\uFEFFid: 7\r\nretry: 1500\r\ndata: {"a":\r\ndata:1}\r\n\r\nevent: ping\rdata: x\r\r: keep-alive\n\n';
    const events = parse(1 << 20, [enc(stream)]);
    assert.deepEqual(events, [
      { kind: 'event', data: '{"a":\n1}', type: undefined, id: '7', retry: 1500, bytes: events[0]?.kind === 'event' ? events[0].bytes : 0 },
      { kind: 'event', data: 'x', type: 'ping', id: undefined, retry: undefined, bytes: events[1]?.kind === 'event' ? events[1].bytes : 0 },
      { kind: 'comment' },
    ]);
  });

  it('reports an id-only event (a priming event) and ignores unknown fields, ids with NUL and non-numeric retry', () => {
    const events = parse(1024, [enc('id: abc\ndata: \n\nfoo: bar\nid: a\0b\nretry: 1e3\ndata: {}\n\n')]);
    assert.equal(events.length, 2);
    assert.deepEqual(events.map((e) => (e.kind === 'event' ? [e.data, e.id, e.retry] : e.kind)), [
      ['', 'abc', undefined],
      ['{}', undefined, undefined],
    ]);
  });

  it('strips a byte order mark only where the stream starts: past it, the mark is part of the field name (an unknown field)', () => {
    const events = parse(1024, [enc('\uFEFFdata: first\n\n\uFEFFdata: second\n\ndata: third\n\n')]);
    assert.deepEqual(events.map((e) => (e.kind === 'event' ? e.data : e.kind)), ['first', 'third']);
  });

  it('does not dispatch an event cut off by the end of the stream', () => {
    assert.deepEqual(parse(1024, [enc('data: {"complete":true}\n\ndata: {"cut":')]).length, 1);
  });

  it('discards an event over the limit up to its blank line, keeps its id, and reads the next event', () => {
    const big = `id: 41\ndata: ${'x'.repeat(5000)}\ndata: more\n\ndata: {"next":1}\n\n`;
    const events = parse(1000, split(enc(big), [3, 100, 999, 1001, 4000]));
    assert.equal(events.length, 2);
    assert.equal(events[0]?.kind, 'oversize');
    assert.equal(events[0]?.kind === 'oversize' ? events[0].id : '', '41');
    assert.ok(events[0]?.kind === 'oversize' && events[0].bytes > 1000);
    assert.deepEqual(events[1]?.kind === 'event' ? events[1].data : null, '{"next":1}');
  });

  it('counts an endless line without keeping it, and reports the event oversize with its full size at its blank line', () => {
    const p = new SseParser(64);
    // A single endless data line: the parser only counts it.
    for (let i = 0; i < 200; i++) assert.deepEqual(p.push(enc('y'.repeat(1000))), []);
    const done = p.push(enc('\n\n'));
    assert.equal(done[0]?.kind, 'oversize');
    assert.equal(done[0]?.kind === 'oversize' ? done[0].bytes : 0, 200_001);
  });

  it('reports an event whose bytes are not UTF-8, and goes on', () => {
    const bad = new Uint8Array([...enc('data: '), 0xff, 0xfe, ...enc('\n\ndata: ok\n\n')]);
    assert.deepEqual(parse(1024, [bad]).map((e) => e.kind), ['invalid-utf8', 'event']);
  });

  it('decodes every stream on its own: a broken character in one never changes what another reads', () => {
    const a = new SseParser(1 << 16);
    const b = new SseParser(1 << 16);
    // Stream a: a line cut inside a three-byte character (E2 82, then the line ends), then a good event.
    const broken = a.push(Uint8Array.from([...enc('data: '), 0xe2, 0x82, 0x0a, 0x0a]));
    assert.deepEqual(broken.map((e) => e.kind), ['invalid-utf8']);
    // Stream b: a line that starts with the character's last byte (AC) must not complete it into a euro sign.
    const stray = b.push(Uint8Array.from([...enc('data: '), 0xac, ...enc('x\n\n')]));
    assert.deepEqual(stray.map((e) => e.kind), ['invalid-utf8']);
    // Both go on reading, and a byte order mark still opens only a stream's first line.
    const c = new SseParser(1 << 16);
    assert.deepEqual(c.push(enc('\uFEFFdata: c\n\n')).map((e) => (e.kind === 'event' ? e.data : e.kind)), ['c']);
    assert.deepEqual(a.push(enc('data: \u20ac\n\n')).map((e) => (e.kind === 'event' ? e.data : e.kind)), ['\u20ac']);
    assert.deepEqual(b.push(enc('\uFEFFdata: b\n\n')).map((e) => e.kind), []);
  });

  it('splits one chunk of many events on every kind of line end, as it does fed byte by byte', () => {
    const ends = ['\n', '\r\n', '\r'];
    let stream = '';
    const want: string[] = [];
    for (let i = 0; i < 60; i++) {
      const a = ends[i % 3] as string;
      const b = ends[Math.floor(i / 3) % 3] as string;
      stream += `data: ${i}${a}data: x${'y'.repeat(i)}${b}${b}`;
      want.push(`${i}\nx${'y'.repeat(i)}`);
    }
    const bytes = enc(stream);
    const whole = parse(1 << 16, [bytes]);
    const byByte = parse(1 << 16, Array.from(bytes, (x) => Uint8Array.of(x)));
    assert.deepEqual(whole, byByte);
    assert.deepEqual(whole.map((e) => (e.kind === 'event' ? e.data : e.kind)), want);
  });

  it('yields the same events wherever the stream is split (CRLF pairs and multi-byte characters included)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.option(fc.stringMatching(/^[a-z0-9_-]{1,12}$/), { nil: undefined }), data: fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ' ')) }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 8 }),
        (events, eol, cuts) => {
          const text = events.map((e) => `${e.id !== undefined ? `id: ${e.id}${eol}` : ''}data: ${e.data}${eol}${eol}`).join('');
          const bytes = enc(text);
          const whole = parse(1 << 16, [bytes]);
          assert.deepEqual(parse(1 << 16, split(bytes, cuts)), whole);
          assert.deepEqual(whole.map((e) => (e.kind === 'event' ? e.data : e.kind)), events.map((e) => e.data));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('formatSseEvent', () => {
  it('writes a message as one data line after its id, and an id-only event with an empty data line', () => {
    assert.equal(formatSseEvent({ message: { jsonrpc: '2.0', method: 'x', params: { t: 'a\nb' } }, id: '5' }), 'id: 5\ndata: {"jsonrpc":"2.0","method":"x","params":{"t":"a\\nb"}}\n\n');
    assert.equal(formatSseEvent({ id: '6', retry: 100 }), 'id: 6\nretry: 100\ndata: \n\n');
  });

  it('round-trips through the parser', () => {
    const m = { jsonrpc: '2.0', id: 1, result: { text: 'line1\r\nline2 \u2028 é' } };
    const [ev] = parse(1024, [enc(formatSseEvent({ message: m, id: 'x1' }))]);
    assert.ok(ev?.kind === 'event');
    assert.deepEqual(JSON.parse(ev.data ?? ''), m);
    assert.equal(ev.id, 'x1');
  });
});
