import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ID_WINDOW, idWindows, recoverResponseId } from './recover-id.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
/** recoverResponseId over the parts of a line the framer would keep. */
const recover = (line: string | Uint8Array): ReturnType<typeof recoverResponseId> => {
  const w = idWindows(typeof line === 'string' ? enc(line) : line);
  return recoverResponseId(w.head, w.tail);
};
const pad = 'x'.repeat(3 * ID_WINDOW);

describe('recoverResponseId', () => {
  it('reads the id of a response whose id comes first or last, however long the line', () => {
    assert.equal(recover('{"jsonrpc":"2.0","id":7,"result":{}}'), 7);
    assert.equal(recover(`{"jsonrpc":"2.0","id":"a-1","result":{"text":"${pad}"}}`), 'a-1');
    assert.equal(recover(`{"result":{"text":"${pad}"},"jsonrpc":"2.0","id":42}\r\n`), 42);
    assert.equal(recover(`{"error":{"code":1,"message":"${pad}"},"jsonrpc":"2.0","id":-3.5}`), -3.5);
    assert.equal(recover(`{ "id" : "x\\"y" , "result" : { "text" : "${pad}" } }`), 'x"y');
  });

  it('reads it past strings with escaped quotes and backslashes, and not from inside the result', () => {
    assert.equal(recover(`{"result":{"a":"q\\"}","b":"\\\\","id":"inner","t":"${pad}"},"id":9}`), 9);
    assert.equal(recover(`{"result":{"id":"inner","t":"${pad}"},"jsonrpc":"2.0"}`), undefined);
    assert.equal(recover(`{"result":[{"id":1}],"x":"${pad}"}`), undefined);
  });

  it('gives nothing for what is not plainly a response: a request, no result or error, two ids, an id that is not a number or string, an array', () => {
    assert.equal(recover(`{"jsonrpc":"2.0","id":5,"method":"sampling/createMessage","params":{"t":"${pad}"}}`), undefined);
    assert.equal(recover(`{"method":"x","params":{"t":"${pad}"},"id":5,"result":{}}`), undefined);
    assert.equal(recover('{"jsonrpc":"2.0","id":5}'), undefined);
    assert.equal(recover(`{"id":1,"result":{"t":"${pad}"},"id":2}`), undefined);
    assert.equal(recover('{"id":null,"result":{}}'), undefined);
    assert.equal(recover('{"id":{"a":1},"result":{}}'), undefined);
    assert.equal(recover('[{"id":1,"result":{}}]'), undefined);
    assert.equal(recover('not json at all'), undefined);
    assert.equal(recover(''), undefined);
  });

  it('does not take an id cut off by the end of the window', () => {
    // The head window ends inside the id's digits: they could go on.
    const head = enc(`{"jsonrpc":"2.0","result":{},"id":12`);
    assert.equal(recoverResponseId(head, undefined), undefined);
    // A tail window that starts in a run of backslashes cannot tell whether the quote after it
    // opens the key or is escaped inside some longer string.
    assert.equal(recoverResponseId(enc('{"result":{"t":"'), enc(`\\"id":4}`)), undefined);
    // Once the id is read, what lies further left does not matter.
    assert.equal(recoverResponseId(enc('{"result":{"t":"'), enc(`\\"},"id":4}`)), 4);
  });

  it('reads ids from invalid UTF-8 bytes elsewhere in the line', () => {
    const line = new Uint8Array([...enc('{"jsonrpc":"2.0","id":11,"result":{"t":"a'), 0xff, 0xfe, ...enc('"}}')]);
    assert.equal(recover(line), 11);
  });

  it('never gives an id other than the top-level one of a JSON object (property)', () => {
    const id = fc.oneof(fc.integer(), fc.string({ maxLength: 12 }));
    const member = fc.tuple(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }));
    fc.assert(
      fc.property(fc.option(id, { nil: undefined }), fc.array(member, { maxLength: 6 }), fc.constantFrom('result', 'error', 'method', 'other'), fc.nat(3 * ID_WINDOW), fc.nat(7), (theId, members, kind, padding, at) => {
        const entries: [string, unknown][] = members.filter(([k]) => !['id', 'result', 'error', 'method'].includes(k));
        entries.push([kind, { text: 'p'.repeat(padding), nested: { id: 'inner' } }]);
        if (theId !== undefined) entries.splice(at % (entries.length + 1), 0, ['id', theId]);
        const line = JSON.stringify(Object.fromEntries(entries));
        const got = recover(line);
        if (got !== undefined) {
          assert.equal(got, theId);
          assert.ok(kind === 'result' || kind === 'error');
        }
        // Short enough to be scanned whole: a response's id is always found.
        if (line.length <= 2 * ID_WINDOW && theId !== undefined && (kind === 'result' || kind === 'error')) assert.equal(got, theId);
      }),
      { numRuns: 400, seed: 20260101 },
    );
  });
});
