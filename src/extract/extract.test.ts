import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_NORMALIZE_LIMITS } from '../normalize/index.ts';
import { packument } from '../../test/helpers/json-docs.ts';
import { DEFAULT_EXTRACT_LIMITS, extract, splitUrl } from './index.ts';

const locations = (input: Parameters<typeof extract>[0], limits = DEFAULT_EXTRACT_LIMITS) =>
  extract(input, limits, DEFAULT_NORMALIZE_LIMITS);

describe('extract: URLs', () => {
  it('splits a URL into userinfo, host labels, path segments, query keys and values, fragment', () => {
    const { view } = locations({ kind: 'url', url: 'https://u:p@a.b.example.com:8443/x/y%20z?k1=v1&k2=v2#frag' });
    const byLoc = Object.fromEntries(view.segments.map((s) => [s.location, s.prepared.raw]));
    assert.equal(byLoc['url.userinfo'], 'u:p');
    assert.equal(byLoc['url.host[0]'], 'a');
    assert.equal(byLoc['url.host[3]'], 'com');
    assert.equal(byLoc['url.path[2]'], 'y%20z');
    assert.equal(byLoc['url.query.k1'], 'v1');
    assert.equal(byLoc['url.query-key[1]'], 'k2');
    assert.equal(byLoc['url.fragment'], 'frag');
    assert.equal(view.url, 'https://u:p@a.b.example.com:8443/x/y%20z?k1=v1&k2=v2#frag');
  });

  it('splits even URLs a WHATWG parser rejects, treating backslashes as slashes', () => {
    assert.deepEqual(splitUrl('http:\\\\evil.com\\path?q=1'), { scheme: 'http', userinfo: '', host: 'evil.com', path: '\\path', query: 'q=1', fragment: '' });
  });
});

describe('extract: requests', () => {
  it('locates every JSON string leaf and key by its path', () => {
    const { view } = locations({
      kind: 'request',
      method: 'POST',
      url: 'https://api.example.com/v1',
      headers: { Authorization: 'Bearer abc', 'Content-Type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hello' }], 'odd key': 'v' }),
    });
    const locs = view.segments.map((s) => s.location);
    assert.ok(locs.includes('header.authorization'));
    assert.ok(locs.includes('body.$.messages[0].content'));
    assert.ok(locs.includes('body.$["odd key"]'));
    assert.ok(view.segments.every((s) => s.flow === 'egress'));
  });

  it('splits form bodies, multipart parts and cookies into named segments', () => {
    const form = locations({ kind: 'request', method: 'POST', url: 'http://x/', contentType: 'application/x-www-form-urlencoded', body: 'user=a&token=abc' });
    assert.ok(form.view.segments.some((s) => s.location === 'body.form.token' && s.prepared.raw === 'abc'));
    const mp = ['--B', 'Content-Disposition: form-data; name="file"', '', 'secret-content', '--B--', ''].join('\r\n');
    const multi = locations({ kind: 'request', method: 'POST', url: 'http://x/', contentType: 'multipart/form-data; boundary=B', body: mp });
    assert.ok(multi.view.segments.some((s) => s.location === 'body.multipart.file' && s.prepared.raw === 'secret-content'));
    const cookie = locations({ kind: 'request', method: 'GET', url: 'http://x/', headers: { cookie: 'sid=1; auth=zzz' } });
    assert.ok(cookie.view.segments.some((s) => s.location === 'header.cookie.auth'));
  });

  it('reports a body declared JSON that does not parse, and still scans it as text', () => {
    const r = locations({ kind: 'request', method: 'POST', url: 'http://x/', contentType: 'application/json', body: '{"a": ' });
    assert.deepEqual(r.findings.map((f) => f.rule), ['engine/unparseable-body']);
    assert.ok(r.view.segments.some((s) => s.location === 'body'));
  });
});

describe('extract: limits fail closed', () => {
  const small = { ...DEFAULT_EXTRACT_LIMITS, maxInputBytes: 100, maxJsonDepth: 5, maxSegments: 10 };
  it('blocks an oversized body without scanning it', () => {
    const r = locations({ kind: 'text', text: 'x'.repeat(101) }, small);
    assert.deepEqual(r.findings.map((f) => f.rule), ['engine/input-too-large']);
    assert.equal(r.view.segments.length, 0);
  });
  it('reports JSON nested deeper than the limit', () => {
    const deep = '['.repeat(20) + '"x"' + ']'.repeat(20);
    const r = locations({ kind: 'request', method: 'POST', url: 'http://x/', contentType: 'application/json', body: deep }, small);
    assert.ok(r.findings.some((f) => f.rule === 'engine/json-too-deep'));
  });
  it('reports inputs with more parts than the segment bound', () => {
    const r = locations({ kind: 'tool-call', name: 't', arguments: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) }, { ...small, maxInputBytes: 10_000 });
    assert.ok(r.findings.some((f) => f.rule === 'engine/too-many-segments'));
    assert.ok(r.view.segments.length <= 10);
  });
  it('does not overflow the stack on 100,000 levels of JSON nesting', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const r = locations({ kind: 'request', method: 'POST', url: 'http://x/', contentType: 'application/json', body: deep });
    assert.ok(r.findings.some((f) => f.rule === 'engine/json-too-deep'));
  });
});

describe('extract: repeated JSON keys', () => {
  const rows = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, name: `n${i}` }));
  const keys = (segments: readonly { location: string }[]) => segments.filter((s) => s.location.endsWith('.<key>')).map((s) => s.location).sort();
  it('adds each distinct key of a body or tool result once, at its first place', () => {
    const body = locations({ kind: 'response', url: 'https://x/', contentType: 'application/json', body: JSON.stringify(rows) });
    assert.deepEqual(keys(body.view.segments), ['body.$[0].id.<key>', 'body.$[0].name.<key>']);
    assert.equal(body.view.segments.length, 102, 'every leaf is still its own segment');
    const result = locations({ kind: 'tool-result', content: rows });
    assert.deepEqual(keys(result.view.segments), ['result.$[0].id.<key>', 'result.$[0].name.<key>']);
  });
  it('fits a 3 MB npm packument in the default segment limit', () => {
    const body = packument(2000);
    assert.ok(body.length > 3_000_000, `${body.length}`);
    const r = locations({ kind: 'response', url: 'https://registry.npmjs.org/express', contentType: 'application/json', body });
    assert.deepEqual(r.findings, []);
    assert.ok(r.view.segments.length > 100_000, `${r.view.segments.length}`);
  });
  it('keeps every key of tool arguments, WebSocket messages and tool schemas (read in order or per place)', () => {
    const call = locations({ kind: 'tool-call', name: 't', arguments: { rows } });
    assert.equal(keys(call.view.segments).length, 101);
    const ws = locations({ kind: 'websocket', direction: 'outbound', data: JSON.stringify(rows) });
    assert.equal(keys(ws.view.segments).length, 100);
    const tools = locations({ kind: 'tools', tools: [{ name: 'a', inputSchema: { properties: { p: { type: 'string' }, q: { type: 'object', properties: { p: { type: 'string' } } } } } }] });
    assert.equal(keys(tools.view.segments).filter((l) => l.endsWith('.p.<key>')).length, 2);
  });
});

describe('extract: tools and MCP messages', () => {
  it('walks tool names, descriptions and every string in the schemas', () => {
    const { view } = locations({
      kind: 'tools',
      tools: [{ name: 'read', description: 'Reads a file', inputSchema: { type: 'object', properties: { path: { type: 'string', description: 'the path' } } } }],
    });
    const locs = view.segments.map((s) => `${s.part}:${s.location}`);
    assert.ok(locs.includes('tool-description:tools.read.description'));
    assert.ok(locs.includes('tool-schema:tools.read.inputSchema.properties.path.description'));
    assert.ok(locs.includes('tool-schema:tools.read.inputSchema.properties.path.<key>'));
    assert.ok(view.segments.every((s) => s.flow === 'ingress'));
  });

  it('marks tool-call arguments egress and tool results ingress', () => {
    const call = locations({ kind: 'tool-call', name: 'fetch', arguments: { url: 'http://x' } });
    assert.ok(call.view.segments.some((s) => s.location === 'tool.fetch.args.$.url' && s.flow === 'egress'));
    const result = locations({ kind: 'tool-result', content: [{ type: 'text', text: 'hi' }] });
    assert.ok(result.view.segments.some((s) => s.location === 'result.$[0].text' && s.flow === 'ingress'));
  });
});

describe('extract: locations never carry a secret used as a name', () => {
  it('redacts data-like JSON keys, query keys and header names in locations', () => {
    const key = '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';
    const body = locations({ kind: 'request', method: 'POST', url: `https://x.example/?${key}=1`, contentType: 'application/json', body: JSON.stringify({ [key]: 1, page_size: 2 }), headers: { [key]: 'v' } });
    const all = body.view.segments.map((s) => s.location).join('\n');
    assert.ok(!all.includes(key), all);
    assert.ok(all.includes('body.$["ghp_…(40)"]'), all);
    assert.ok(all.includes('body.$.page_size'), 'ordinary names stay readable');
  });
});
