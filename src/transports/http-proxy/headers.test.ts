import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endToEnd, endToEndPair } from './headers.ts';

describe('endToEndPair', () => {
  it('forwards what endToEnd forwards and scans the same without Content-Encoding and Content-Length', () => {
    const headers = {
      host: 'a.test',
      connection: 'keep-alive, x-hop',
      'keep-alive': 'timeout=5',
      'x-hop': 'gone',
      'proxy-authorization': 'Basic Zm9vOmJhcg==',
      'transfer-encoding': 'chunked',
      'content-encoding': 'gzip',
      'content-length': '12',
      'content-type': 'text/plain',
      'set-cookie': ['a=1', 'b=2'],
    };
    const pair = endToEndPair(headers);
    assert.deepEqual(pair.forward, endToEnd(headers));
    assert.deepEqual(pair.scanned, endToEnd(headers, ['content-encoding', 'content-length']));
    assert.deepEqual(Object.keys(pair.forward), ['host', 'content-encoding', 'content-length', 'content-type', 'set-cookie']);
    assert.deepEqual(Object.keys(pair.scanned), ['host', 'content-type', 'set-cookie']);
  });

  it('drops nothing more than the hop-by-hop fields for Connection: keep-alive', () => {
    const pair = endToEndPair({ connection: 'keep-alive', 'keep-alive': 'timeout=5', close: 'kept', 'x-a': '1' });
    assert.deepEqual(pair.forward, { close: 'kept', 'x-a': '1' });
  });

  it('drops every field a Connection header names, whatever its case and spacing', () => {
    const pair = endToEndPair({ connection: ' Keep-Alive ,X-Secret-Route,, close', 'x-secret-route': 'internal', 'x-a': '1' });
    assert.deepEqual(pair.forward, { 'x-a': '1' });
    assert.deepEqual(pair.scanned, { 'x-a': '1' });
  });
});
