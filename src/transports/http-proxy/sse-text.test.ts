import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SseParser, type SseEvent } from '../sse/parser.ts';
import { formatEvent } from './sse-relay.ts';
import { jsonOf, streamedText, StreamWindow } from './sse-text.ts';

describe('streamed text of JSON events', () => {
  it('takes the text fields of the common LLM streaming formats and leaves ids and model names out', () => {
    const openai = { id: 'chatcmpl-9x', object: 'chat.completion.chunk', model: 'gpt-4o', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' } }] };
    const anthropic = { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } };
    const responses = { type: 'response.output_text.delta', item_id: 'msg_1', delta: ' wor' };
    const tool = { choices: [{ delta: { tool_calls: [{ id: 'call_1', function: { name: 'run', arguments: '{"cmd":' } }] } }] };
    assert.equal(streamedText(openai), 'Hel');
    assert.equal(streamedText(anthropic), 'lo');
    assert.equal(streamedText(responses), ' wor');
    assert.equal(streamedText(tool), '{"cmd":');
  });

  it('parses only data that looks like JSON', () => {
    assert.deepEqual(jsonOf(' {"a":1}'), { a: 1 });
    assert.equal(jsonOf('plain text'), undefined);
    assert.equal(jsonOf('{not json'), undefined);
  });

  it('stops walking deep or wide JSON at its bounds', () => {
    let deep: unknown = { text: 'bottom' };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    assert.equal(streamedText(deep), '');
    const wide = Array.from({ length: 2000 }, () => ({ text: 'x' }));
    assert.ok(streamedText(wide).length < 600);
  });
});

describe('the stream window', () => {
  it('joins the text before an event with the start of the event, and keeps at most its size', () => {
    const w = new StreamWindow(8);
    assert.equal(w.add('Ignore ', ''), undefined, 'nothing before the first piece');
    assert.equal(w.add('all previous', ''), 'Ignore all prev');
    assert.equal(w.add(' instructions', ''), 'previous instruc');
  });

  it('scans nothing across events when its size is 0', () => {
    const w = new StreamWindow(0);
    assert.equal(w.add('a', ''), undefined);
    assert.equal(w.add('b', ''), undefined);
    assert.equal(w.addAll([{ text: 'a', separator: '' }, { text: 'b', separator: '' }]), undefined);
  });

  it('joins the events of one read into one text that holds every window add() would scan, and keeps the same tail', () => {
    const piece = fc.record({ text: fc.string({ maxLength: 30 }), separator: fc.constantFrom('', '\n') });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(fc.array(piece, { maxLength: 6 }), { maxLength: 6 }), (max, reads) => {
        const one = new StreamWindow(max);
        const batched = new StreamWindow(max);
        for (const read of reads) {
          const joined = batched.addAll(read);
          let windows = 0;
          for (const p of read) {
            const w = one.add(p.text, p.separator);
            if (w === undefined) continue;
            windows++;
            assert.ok(joined?.includes(w), `${JSON.stringify(w)} is not in ${JSON.stringify(joined)}`);
          }
          if (windows === 0 && read.filter((p) => p.text.length > 0).length <= 1) assert.equal(joined, undefined);
        }
        // Same tail afterwards: the next piece is joined with the same text.
        assert.equal(batched.add('Z', ''), one.add('Z', ''));
      }),
    );
  });

  it('keeps the text of one read bounded: a long piece contributes its first and last window only', () => {
    const w = new StreamWindow(8);
    const joined = w.addAll([
      { text: 'AKIAZ7QW', separator: '' },
      { text: `4E${'x'.repeat(10_000)}tail-end`, separator: '' },
      { text: 'RT5Y', separator: '' },
    ]);
    assert.ok(joined !== undefined);
    assert.ok(joined.length < 8 * 5, String(joined.length));
    assert.ok(joined.includes('AKIAZ7QW4E'), 'the straddle at the start of the long piece is kept');
    assert.ok(joined.includes('tail-endRT5Y'), 'and the one at its end');
  });
});

describe('relayed events', () => {
  const field = fc.string({ maxLength: 20 }).filter((s) => !/[\r\n\0]/.test(s));
  it('read back, after being re-written, as the event that was parsed (fields, multi-line data)', () => {
    fc.assert(
      fc.property(
        fc.record({
          type: fc.option(field.filter((s) => s.length > 0), { nil: undefined }),
          id: fc.option(field.filter((s) => s.length > 0), { nil: undefined }),
          retry: fc.option(fc.integer({ min: 0, max: 99_999 }), { nil: undefined }),
          data: fc.array(fc.string({ maxLength: 20 }).filter((s) => !/[\r\n]/.test(s)), { minLength: 1, maxLength: 4 }),
        }),
        (e) => {
          const ev: Extract<SseEvent, { kind: 'event' }> = { kind: 'event', type: e.type, id: e.id, retry: e.retry, data: e.data.join('\n'), bytes: 0 };
          const [back] = new SseParser(1 << 16).push(new TextEncoder().encode(formatEvent(ev)));
          assert.ok(back && back.kind === 'event');
          assert.equal(back.data, ev.data);
          assert.equal(back.type, ev.type);
          assert.equal(back.id, ev.id);
          assert.equal(back.retry, ev.retry);
        },
      ),
      { numRuns: 300 },
    );
  });
});
