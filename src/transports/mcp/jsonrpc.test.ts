import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { depthExceeds, textDepthExceeds, validateMessage } from './jsonrpc.ts';

describe('validateMessage', () => {
  it('accepts requests, notifications, results and errors as MCP sends them', () => {
    for (const m of [
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'x' } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 1, result: {} },
      { jsonrpc: '2.0', id: 'a', error: { code: -32601, message: 'no' } },
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } },
    ]) {
      assert.equal(validateMessage(m).ok, true, JSON.stringify(m));
    }
  });

  it('rejects wrong shapes with a reason, keeping the id and method when they are usable', () => {
    const cases: [unknown, string, unknown, unknown][] = [
      [{ id: 1, method: 'x' }, 'jsonrpc is not "2.0"', 1, 'x'],
      [{ jsonrpc: '2.0', id: 1, method: 5 }, 'method is not a non-empty string', 1, undefined],
      [{ jsonrpc: '2.0', id: {}, method: 'x' }, 'id is not a string or number', undefined, 'x'],
      [{ jsonrpc: '2.0', id: 1, method: 'x', params: 'str' }, 'params is not an object or array', 1, 'x'],
      [{ jsonrpc: '2.0', id: 7, result: {}, error: { code: 1, message: 'm' } }, 'a response carries both result and error', 7, undefined],
      [{ jsonrpc: '2.0', id: 7 }, 'neither a request (method) nor a response (result or error)', 7, undefined],
      [{ jsonrpc: '2.0', id: 7, error: { code: 1.5, message: 'm' } }, 'error is not an object with an integer code and a string message', 7, undefined],
      [{ jsonrpc: '2.0', result: {} }, 'response id is not a string or number', undefined, undefined],
      [{ jsonrpc: '2.0', id: 1, method: 'x', result: 1 }, 'a request carries result or error', 1, 'x'],
      [[1], 'a batch inside a batch', undefined, undefined],
      ['text', 'not a JSON object', undefined, undefined],
    ];
    for (const [value, problem, id, method] of cases) {
      const v = validateMessage(value);
      assert.equal(v.ok, false);
      if (v.ok) continue;
      assert.equal(v.problem, problem);
      assert.equal(v.id, id);
      assert.equal(v.method, method);
    }
  });
});

describe('depthExceeds', () => {
  it('measures nesting without recursion, so a very deep value is judged, not a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(depthExceeds(deep, 70), true);
    assert.equal(depthExceeds({ a: [{ b: 1 }] }, 3), false);
    assert.equal(depthExceeds({ a: [{ b: {} }] }, 3), true);
  });
});

describe('textDepthExceeds', () => {
  it('agrees with the parsed depth and ignores brackets inside strings', () => {
    assert.equal(textDepthExceeds('{"a":[{"b":"[[[[[[{{{{"}]}', 3), false);
    assert.equal(textDepthExceeds('{"a":[{"b":{}}]}', 3), true);
    assert.equal(textDepthExceeds('{"a":"\\\\"}', 1), false);
    assert.equal(textDepthExceeds('{"a":"\\"[[["}', 1), false);
    assert.equal(textDepthExceeds(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 70), true);
  });

  it('counts the brackets after a string full of escapes, and stops counting at an unterminated string', () => {
    const escapes = '\\\\\\"'.repeat(20_000);
    assert.equal(textDepthExceeds(`["${escapes}",[[[]]]]`, 3), true);
    assert.equal(textDepthExceeds(`["${escapes}",[[]]]`, 3), false);
    assert.equal(textDepthExceeds('["abc\\", [[[[[[', 2), false);
    assert.equal(textDepthExceeds('["abc\\\\", [[[[[[', 2), true);
  });

  it('gives the same answer as a character-by-character scan on any mix of brackets, quotes and escapes', () => {
    const reference = (text: string, limit: number): boolean => {
      let depth = 0;
      let inString = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inString) {
          if (c === '\\') i++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '[' || c === '{') {
          if (++depth > limit) return true;
        } else if (c === ']' || c === '}') depth--;
      }
      return false;
    };
    const text = fc.array(fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', ','), { maxLength: 200 }).map((a) => a.join(''));
    fc.assert(fc.property(text, fc.integer({ min: 0, max: 6 }), (t, limit) => textDepthExceeds(t, limit) === reference(t, limit)), { numRuns: 2000 });
  });
});
