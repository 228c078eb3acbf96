import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, it } from 'node:test';
import { createApprovalStore } from '../../../state/index.ts';
import { startUpstream, testContext, type Upstream } from '../../http-proxy/testing.ts';
import { startMcpHttpProxy, type McpHttpProxy } from './server.ts';
import { createUpstream } from './upstream.ts';

/**
 * The listener's session table when it is full, and what a request held for approval is told when
 * its session ends: against a raw loopback upstream that answers JSON and keeps GET streams open.
 */
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
const RUN = { name: 'run', description: 'Runs a shell command.', inputSchema: { type: 'object', properties: { command: { type: 'string' } } } };

type Msg = { jsonrpc: '2.0'; id?: number; method?: string };

interface Rig {
  readonly up: Upstream;
  readonly proxy: McpHttpProxy;
  readonly events: ReturnType<typeof testContext>['events'];
  readonly notes: string[];
  /** Upstream session ids that received a DELETE. */
  readonly deleted: string[];
  /** initialize requests the upstream received. */
  inits(): number;
  /** GET streams the upstream holds open now. */
  readonly streams: Set<ServerResponse>;
  /** Holds the upstream's answer to the next initialize until the returned function is called. */
  gateNextInit(): () => void;
}

let rig: Rig | undefined;
afterEach(async () => {
  if (!rig) return;
  for (const s of rig.streams) s.end();
  await rig.proxy.close();
  await rig.up.close();
  rig = undefined;
});

async function start(yaml: string): Promise<Rig> {
  let n = 0;
  const deleted: string[] = [];
  const streams = new Set<ServerResponse>();
  let gate: Promise<void> | undefined;
  const up = await startUpstream((req, res, body) => {
    if (req.method === 'DELETE') {
      deleted.push(String(req.headers['mcp-session-id']));
      res.writeHead(200);
      res.end();
      return;
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    const m = JSON.parse(body.toString('utf8')) as Msg;
    if (m.id === undefined) {
      res.writeHead(202);
      res.end();
      return;
    }
    const answer = (): void => {
      const result = m.method === 'initialize' ? { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'stub', version: '1' } } : m.method === 'tools/list' ? { tools: [RUN] } : {};
      res.writeHead(200, { 'content-type': 'application/json', ...(m.method === 'initialize' ? { 'mcp-session-id': `up-${++n}` } : {}) });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: m.id, result }));
    };
    const held = m.method === 'initialize' ? gate : undefined;
    if (m.method === 'initialize') gate = undefined;
    if (held) void held.then(answer);
    else answer();
  });
  const { ctx, events, notes } = testContext(`scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\n${yaml}`);
  const store = createApprovalStore({ maxPending: 8, now: () => Date.now(), newId: (() => { let k = 0; return () => `a${++k}`; })() });
  const proxy = await startMcpHttpProxy({
    ctx: { ...ctx, now: () => Date.now() },
    upstream: createUpstream({ ctx, url: new URL(`http://127.0.0.1:${up.port}/mcp`), headers: {}, transport: 'mcp-http' }),
    listen: { host: '127.0.0.1', port: 0 },
    serverIdentity: 'http:stub',
    serverLabel: 'stub',
    pinId: 'stub',
    approvals: { store, command: 'tollgate approve' },
  });
  rig = {
    up,
    proxy,
    events,
    notes,
    deleted,
    streams,
    inits: () => up.seen.filter((s) => s.method === 'POST' && s.body.includes('"initialize"')).length,
    gateNextInit: () => {
      let open: () => void = () => undefined;
      gate = new Promise<void>((r) => (open = r));
      return open;
    },
  };
  return rig;
}

const initialize = (r: Rig): Promise<Response> => fetch(r.proxy.url, { method: 'POST', headers: HEADERS, body: JSON.stringify(INIT) });
const post = (r: Rig, sid: string, body: unknown): Promise<Response> => fetch(r.proxy.url, { method: 'POST', headers: { ...HEADERS, 'mcp-session-id': sid }, body: JSON.stringify(body) });

async function session(r: Rig): Promise<string> {
  const res = await initialize(r);
  assert.equal(res.status, 200);
  await res.body?.cancel();
  return res.headers.get('mcp-session-id') as string;
}

/** Opens the session's GET stream and waits until the upstream holds it. */
async function openStream(r: Rig, sid: string): Promise<AbortController> {
  const ac = new AbortController();
  const before = r.streams.size;
  const res = await fetch(r.proxy.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': sid }, signal: ac.signal });
  assert.equal(res.status, 200);
  // (The headers have arrived, so the upstream has the stream; this only guards the count.)
  assert.equal(r.streams.size, before + 1);
  return ac;
}

const fullEvents = (r: Rig): number => r.events.filter((e) => e.findings.some((f) => f.rule === 'mcp/sessions-full')).length;

describe('tollgate mcp --listen: a full session table', () => {
  it('refuses a new session with 503 when every session is in use (open GET streams), records it, and ends none of them', async () => {
    const r = await start('mcp:\n  http:\n    maxSessions: 2\n');
    const a = await session(r);
    const b = await session(r);
    const streams = [await openStream(r, a), await openStream(r, b)];
    const refused = await initialize(r);
    assert.equal(refused.status, 503);
    const body = (await refused.json()) as { jsonrpc: string; error: { code: number; message: string } };
    assert.equal(body.jsonrpc, '2.0');
    assert.match(body.error.message, /session table is full .*mcp\.http\.maxSessions/);
    assert.equal(r.inits(), 2, 'the refused initialize never reached the upstream');
    assert.equal(fullEvents(r), 1);
    const ev = r.events.find((e) => e.findings.some((f) => f.rule === 'mcp/sessions-full'));
    assert.equal(ev?.action, 'block');
    assert.equal(ev?.transport, 'mcp-http');
    // The sessions in use go on, streams and all.
    for (const sid of [a, b]) assert.equal((await post(r, sid, { jsonrpc: '2.0', id: 5, method: 'ping' })).status, 200);
    assert.equal(r.streams.size, 2);
    assert.deepEqual(r.deleted, []);
    assert.equal(r.proxy.sessionCount(), 2);
    for (const s of streams) s.abort();
  });

  it('once a session is idle again, a new one takes its place: the idle one is ended at the upstream, and its end is noted', async () => {
    const r = await start('mcp:\n  http:\n    maxSessions: 2\n');
    const a = await session(r);
    const b = await session(r);
    const sa = await openStream(r, a);
    const sb = await openStream(r, b);
    sa.abort();
    // A's stream closing makes it idle as soon as the listener has seen the close; until then a
    // new session is refused (each refusal is recorded), never given B's place.
    let c: Response | undefined;
    for (const end = Date.now() + 20_000; c?.status !== 200 && Date.now() < end; ) {
      if (c) await c.body?.cancel();
      c = await initialize(r);
      if (c.status !== 200) await new Promise((res) => setTimeout(res, 10));
    }
    assert.equal(c?.status, 200);
    await c?.body?.cancel();
    for (const end = Date.now() + 20_000; r.deleted.length === 0 && Date.now() < end; ) await new Promise((res) => setTimeout(res, 10));
    assert.deepEqual(r.deleted, ['up-1'], "A's upstream session was ended");
    assert.equal((await post(r, a, { jsonrpc: '2.0', id: 6, method: 'ping' })).status, 404);
    assert.equal((await post(r, b, { jsonrpc: '2.0', id: 7, method: 'ping' })).status, 200, 'B, in use, stayed');
    assert.equal(r.notes.filter((n) => /ended: the least recently used idle session, ended to make room/.test(n)).length, 1);
    sb.abort();
  });

  it('when the room was taken while the upstream answered, refuses the new session and ends it at the upstream', async () => {
    const r = await start('mcp:\n  http:\n    maxSessions: 1\n');
    const a = await session(r);
    // A is idle, so a new session may have its place; the upstream's answer is held while A
    // opens its stream, and then there is no room.
    const open = r.gateNextInit();
    const pending = initialize(r);
    for (const end = Date.now() + 20_000; r.inits() < 2 && Date.now() < end; ) await new Promise((res) => setTimeout(res, 10));
    const sa = await openStream(r, a);
    open();
    const refused = await pending;
    assert.equal(refused.status, 503);
    await refused.body?.cancel();
    for (const end = Date.now() + 20_000; r.deleted.length === 0 && Date.now() < end; ) await new Promise((res) => setTimeout(res, 10));
    assert.deepEqual(r.deleted, ['up-2'], 'the session the upstream had opened was ended there');
    assert.equal((await post(r, a, { jsonrpc: '2.0', id: 8, method: 'ping' })).status, 200);
    assert.equal(fullEvents(r), 1);
    sa.abort();
  });
});

describe('tollgate mcp --listen: a held request when its session ends', () => {
  it("tells the held call that the client's DELETE ended the session, not the server", async () => {
    const r = await start('rules:\n  tool-policy/package-install: ask\n');
    const sid = await session(r);
    assert.equal((await post(r, sid, { jsonrpc: '2.0', method: 'notifications/initialized' })).status, 202);
    await (await post(r, sid, { jsonrpc: '2.0', id: 2, method: 'tools/list' })).json();
    const held = post(r, sid, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'run', arguments: { command: 'npm install left-pad' } } });
    for (const end = Date.now() + 20_000; !r.notes.some((n) => n.startsWith('held for approval')) && Date.now() < end; ) await new Promise((res) => setTimeout(res, 10));
    const del = await fetch(r.proxy.url, { method: 'DELETE', headers: { 'mcp-session-id': sid } });
    assert.equal(del.status, 200);
    const answer = (await (await held).json()) as { id: number; error: { code: number; message: string } };
    assert.equal(answer.id, 3);
    assert.equal(answer.error.code, -32000);
    assert.match(answer.error.message, /for approval when the client ended the session \(HTTP DELETE\); it was not sent/);
    assert.doesNotMatch(answer.error.message, /MCP server ended/);
  });
});
