import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApprovalStore } from '../../../state/index.ts';
import { startUpstream, testContext, type Upstream } from '../../http-proxy/testing.ts';
import { startMcpHttpProxy, type McpHttpProxy } from './server.ts';
import { createUpstream } from './upstream.ts';

/**
 * The Streamable HTTP listener against a raw loopback upstream that answers in JSON, batches
 * included (as an upstream speaking the 2025-03-26 revision may): what the client gets back for a
 * batch, and for a notifications/cancelled of a request held for approval.
 */
const LOOPBACK = 'scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\nrules:\n  tool-policy/package-install: ask\n';
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
const RUN = { name: 'run', description: 'Runs a shell command.', inputSchema: { type: 'object', properties: { command: { type: 'string' } } } };

type Msg = { jsonrpc: '2.0'; id?: number; method?: string; params?: Record<string, unknown> };

function answer(m: Msg): unknown {
  if (m.id === undefined) return undefined;
  const r = (result: unknown) => ({ jsonrpc: '2.0', id: m.id, result });
  if (m.method === 'initialize') return r({ protocolVersion: '2025-03-26', capabilities: { tools: {} }, serverInfo: { name: 'stub', version: '1' } });
  if (m.method === 'tools/list') return r({ tools: [RUN] });
  if (m.method === 'tools/call') return r({ content: [{ type: 'text', text: `ran ${JSON.stringify(m.params?.arguments)}` }] });
  return r({});
}

describe('tollgate mcp --listen: batches and cancelled held requests', () => {
  let up: Upstream;
  let proxy: McpHttpProxy;
  const store = createApprovalStore({ maxPending: 8, now: () => Date.now(), newId: (() => { let n = 0; return () => `a${++n}`; })() });

  before(async () => {
    up = await startUpstream((req, res, body) => {
      if (req.method !== 'POST') {
        res.writeHead(req.method === 'DELETE' ? 200 : 405);
        res.end();
        return;
      }
      const value = JSON.parse(body.toString('utf8')) as Msg | Msg[];
      const out = Array.isArray(value) ? value.map(answer).filter((x) => x !== undefined) : answer(value);
      if (out === undefined || (Array.isArray(out) && out.length === 0)) {
        res.writeHead(202, { 'mcp-session-id': 'up-1' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'up-1' });
      res.end(JSON.stringify(out));
    });
    const { ctx } = testContext(LOOPBACK);
    proxy = await startMcpHttpProxy({
      ctx,
      upstream: createUpstream({ ctx, url: new URL(`http://127.0.0.1:${up.port}/mcp`), headers: {}, transport: 'mcp-http' }),
      listen: { host: '127.0.0.1', port: 0 },
      serverIdentity: 'http:stub',
      serverLabel: 'stub',
      pinId: 'stub',
      approvals: { store, command: 'tollgate approve' },
    });
  });

  after(async () => {
    await proxy.close();
    await up.close();
  });

  /** A session that has initialized and listed tools; returns its POST. */
  async function session(): Promise<(body: unknown) => Promise<Response>> {
    const init = await fetch(proxy.url, { method: 'POST', headers: HEADERS, body: JSON.stringify(INIT) });
    assert.equal(init.status, 200);
    await init.json();
    const sid = init.headers.get('mcp-session-id') as string;
    const post = (body: unknown): Promise<Response> => fetch(proxy.url, { method: 'POST', headers: { ...HEADERS, 'mcp-session-id': sid }, body: JSON.stringify(body) });
    assert.equal((await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).status, 202);
    const list = (await (await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' })).json()) as { result: { tools: unknown[] } };
    assert.equal(list.result.tools.length, 1);
    return post;
  }

  it('answers a batch with one flat batch when the upstream answers in JSON, refusals included', async () => {
    const post = await session();
    const r = await post([{ jsonrpc: '2.0', id: 30, method: 'ping' }, { jsonrpc: '2.0', id: 31, method: 'tools/call', params: { name: 'run', arguments: { command: 'ls' } } }]);
    assert.equal(r.status, 200);
    const body = (await r.json()) as { id: number }[];
    assert.ok(Array.isArray(body));
    assert.deepEqual(body.map((m) => (Array.isArray(m) ? 'nested' : m.id)), [30, 31]);
    // A call to a tool never listed is refused by Tollgate; the ping goes on.
    const mixed = await post([{ jsonrpc: '2.0', id: 32, method: 'ping' }, { jsonrpc: '2.0', id: 33, method: 'tools/call', params: { name: 'unlisted', arguments: {} } }]);
    const both = (await mixed.json()) as { id: number; error?: { code: number } }[];
    assert.deepEqual(both.map((m) => (Array.isArray(m) ? 'nested' : m.id)).sort(), [32, 33]);
    assert.equal(both.find((m) => m.id === 33)?.error?.code, -32001);
  });

  it('accepts a notifications/cancelled for a held request with 202, and ends the held POST with an empty stream, unanswered', async () => {
    const post = await session();
    const before = up.seen.length;
    const held = post({ jsonrpc: '2.0', id: 40, method: 'tools/call', params: { name: 'run', arguments: { command: 'npm install left-pad' } } });
    for (const end = Date.now() + 20_000; store.pending(10).length === 0 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
    assert.equal(store.pending(10).length, 1, 'the call is held');
    const cancel = await post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 40, reason: 'user gave up' } });
    assert.equal(cancel.status, 202);
    assert.equal(await cancel.text(), '');
    const r = await held;
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(await r.text(), '', 'a cancelled request is owed no response');
    assert.equal(up.seen.length, before, 'neither the call nor the cancellation reached the upstream');
  });
});
