import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../config/index.ts';
import type { TollgateConfig } from '../../config/schema.ts';
import type { DecisionEvent } from '../../core/index.ts';
import { createEngine, type Engine } from '../../engine/index.ts';
import { createApprovalStore, type ApprovalStore } from '../../state/index.ts';
import { McpSession, type Outbound } from './session.ts';

/**
 * The ask action on MCP, at the session: a tools/call whose verdict is ask is held in an approval
 * store (no wall clock: the store's timer is fired by hand) while everything else flows.
 */
const base = defaultConfig().config;
const engines = new Map<string, Engine>();
function engineFor(config: TollgateConfig): Engine {
  const key = JSON.stringify([config.mode, config.rules]);
  let e = engines.get(key);
  if (!e) engines.set(key, (e = createEngine(config)));
  return e;
}

const ASK_RULE = 'tool-policy/package-install';
const INSTALL = { name: 'run', arguments: { command: 'npm install left-pad' } };
const RUN_TOOL = { name: 'run', description: 'Runs a shell command.', inputSchema: { type: 'object', properties: { command: { type: 'string' } } } };

type Message = { id?: unknown; method?: string; result?: unknown; error?: { code: number; message: string; data?: { tollgate?: Record<string, unknown> } } };

function setup(opts: { mode?: 'enforce' | 'audit'; store?: boolean; rules?: TollgateConfig['rules'] } = {}) {
  const config: TollgateConfig = { ...base, mode: opts.mode ?? 'enforce', rules: opts.rules ?? { [ASK_RULE]: 'ask' }, mcp: { ...base.mcp, askTimeoutMs: 5000 } };
  const timers: (() => void)[] = [];
  let ids = 0;
  const store: ApprovalStore = createApprovalStore({
    maxPending: 4,
    now: () => 1000,
    newId: () => `approval-${++ids}`,
    schedule: (fn) => {
      timers.push(fn);
      return () => undefined;
    },
  });
  const events: DecisionEvent[] = [];
  const notes: string[] = [];
  const session = new McpSession({
    engine: engineFor(config),
    config,
    configHash: 'test-hash',
    serverIdentity: 'stdio:["node","server.mjs"]',
    serverLabel: 'server.mjs',
    pinId: 'pin',
    transport: 'mcp-stdio',
    session: 'sess',
    emit: (e) => events.push(e),
    note: (l) => notes.push(l),
    now: () => 1000,
    ...(opts.store === false ? {} : { approvals: { store, command: 'tollgate approve --api http://127.0.0.1:4100' } }),
  });
  const client = (m: Record<string, unknown>): Outbound => session.message('client', { jsonrpc: '2.0', ...m });
  const server = (m: Record<string, unknown>): Outbound => session.message('server', { jsonrpc: '2.0', ...m });
  // The client is shown the tool first, so session binding passes.
  client({ id: 'list', method: 'tools/list' });
  server({ id: 'list', result: { tools: [RUN_TOOL] } });
  events.length = 0;
  return { session, store, events, notes, timers, client, server };
}

async function settled(out: Outbound): Promise<Outbound> {
  assert.equal(out.held?.length, 1, 'one request is held');
  return (await out.held?.[0]) as Outbound;
}

describe('MCP ask: a tools/call held for approval', () => {
  it('holds the call, forwards it unchanged once approved, and tracks its response', async () => {
    const s = setup();
    const out = s.client({ id: 7, method: 'tools/call', params: INSTALL });
    assert.deepEqual(out.toServer, [], 'nothing reaches the server while held');
    assert.deepEqual(out.toClient, []);
    assert.equal(s.events.length, 0, 'no event until the hold settles');
    const [pending] = s.store.pending();
    assert.equal(pending?.transport, 'mcp-stdio');
    assert.equal(pending?.method, 'tools/call');
    assert.equal(pending?.target, 'tool:run');
    assert.deepEqual(pending?.rules, [ASK_RULE]);
    assert.match(s.notes[0] ?? '', /held for approval \(approval-1\): tools\/call run \[tool-policy\/package-install\]; answer with `tollgate approve --api http:\/\/127\.0\.0\.1:4100 approval-1`/);

    assert.equal(s.store.decide('approval-1', true), 'decided');
    const later = await settled(out);
    assert.deepEqual(later.toServer, [{ jsonrpc: '2.0', id: 7, method: 'tools/call', params: INSTALL }]);
    assert.deepEqual(later.toClient, []);
    assert.equal(s.events.length, 1);
    assert.equal(s.events[0]?.action, 'allow', 'recorded as what was enforced: the call was sent');
    assert.equal(s.events[0]?.type, 'tool-call');
    assert.match(s.events[0]?.reason ?? '', /^Approved by an operator after being held \(approval approval-1\)/);

    const back = s.server({ id: 7, result: { content: [{ type: 'text', text: 'added 1 package' }] } });
    assert.deepEqual((back.toClient[0] as Message).result, { content: [{ type: 'text', text: 'added 1 package' }] }, 'the real result reaches the client');
  });

  it('answers -32001 naming the rule and how to approve when an operator denies it', async () => {
    const s = setup();
    const out = s.client({ id: 8, method: 'tools/call', params: INSTALL });
    s.store.decide('approval-1', false);
    const later = await settled(out);
    assert.deepEqual(later.toServer, []);
    const err = (later.toClient[0] as Message).error;
    assert.equal(err?.code, -32001);
    assert.match(err?.message ?? '', /^Tollgate held tools\/call run for approval \(tool-policy\/package-install\) and an operator denied it; it was not sent\./);
    assert.match(err?.message ?? '', /`tollgate approve --api http:\/\/127\.0\.0\.1:4100 ID`/);
    assert.match(err?.message ?? '', /rules: \{ "tool-policy\/package-install": warn \}/);
    assert.deepEqual(err?.data?.tollgate?.approval, { id: 'approval-1', outcome: 'denied' });
    assert.equal(s.events.length, 1);
    assert.equal(s.events[0]?.action, 'block');
    assert.match(s.events[0]?.reason ?? '', /^Held for approval \(approval-1\) and an operator denied it; it was not sent\./);
  });

  it('denies the call with -32001 when nobody answers before mcp.askTimeoutMs', async () => {
    const s = setup();
    const out = s.client({ id: 9, method: 'tools/call', params: INSTALL });
    assert.equal(s.timers.length, 1);
    s.timers[0]?.();
    const err = ((await settled(out)).toClient[0] as Message).error;
    assert.equal(err?.code, -32001);
    assert.match(err?.message ?? '', /and nobody approved it in time; it was not sent/);
    assert.equal(s.store.size, 0);
    assert.equal(s.events.filter((e) => e.type === 'tool-call').length, 1);
  });

  it('keeps relaying other requests and responses while a call is held', () => {
    const s = setup();
    const held = s.client({ id: 1, method: 'tools/call', params: INSTALL });
    assert.equal(held.toServer.length, 0);
    const ping = s.client({ id: 2, method: 'ping' });
    assert.deepEqual(ping.toServer, [{ jsonrpc: '2.0', id: 2, method: 'ping' }]);
    const other = s.client({ id: 3, method: 'tools/call', params: { name: 'run', arguments: { command: 'ls' } } });
    assert.equal(other.toServer.length, 1, 'a call that needs no approval goes on');
    assert.equal(s.server({ id: 2, result: {} }).toClient.length, 1);
    assert.equal(s.server({ method: 'notifications/message', params: { level: 'info', data: 'x' } }).toClient.length, 1);
    assert.equal(s.session.heldCount, 1);
    // The held id is taken: a second request with it is refused.
    const dup = s.client({ id: 1, method: 'ping' });
    assert.equal((dup.toClient[0] as Message).error?.code, -32600);
  });

  it('ends the hold without an answer when the client cancels the held request', async () => {
    const s = setup();
    const out = s.client({ id: 'c1', method: 'tools/call', params: INSTALL });
    const cancel = s.client({ method: 'notifications/cancelled', params: { requestId: 'c1', reason: 'user gave up' } });
    assert.deepEqual(cancel.toServer, [], 'the server never saw the request, so it hears no cancellation');
    const later = await settled(out);
    assert.deepEqual(later, { toServer: [], toClient: [] });
    assert.equal(s.store.size, 0);
    assert.equal(s.events[0]?.action, 'block');
    assert.match(s.events[0]?.reason ?? '', /the client cancelled it/);
    assert.equal(s.store.decide('approval-1', true), 'unknown', 'a late approval finds nothing');
  });

  it('answers a held call when the session ends, and a late approval sends nothing', async () => {
    const s = setup();
    const out = s.client({ id: 5, method: 'tools/call', params: INSTALL });
    assert.deepEqual(s.session.upstreamClosed('exited with code 0'), []);
    const later = await settled(out);
    const err = (later.toClient[0] as Message).error;
    assert.equal(err?.code, -32000);
    assert.match(err?.message ?? '', /^Tollgate was holding tools\/call run for approval when the MCP server exited with code 0; it was not sent\./);
    assert.equal(s.store.size, 0, 'the hold is withdrawn from the store');
    assert.equal(s.events.length, 1);
  });

  it('blocks at once, saying how to enable approvals, when there is no approval channel', () => {
    const s = setup({ store: false });
    const out = s.client({ id: 4, method: 'tools/call', params: INSTALL });
    assert.equal(out.held, undefined);
    const err = (out.toClient[0] as Message).error;
    assert.equal(err?.code, -32001);
    assert.match(err?.message ?? '', /no approval channel/);
    assert.match(err?.message ?? '', /api\.tokenEnv and start `tollgate mcp` with --api 127\.0\.0\.1:0/);
    assert.equal(s.events[0]?.action, 'block');
  });

  it('denies at once when the approval store is full', () => {
    const s = setup();
    for (let i = 0; i < 4; i++) assert.equal(s.client({ id: `f${i}`, method: 'tools/call', params: INSTALL }).held?.length, 1);
    const err = (s.client({ id: 'f4', method: 'tools/call', params: INSTALL }).toClient[0] as Message).error;
    assert.equal(err?.code, -32001);
    assert.match(err?.message ?? '', /too many requests are already waiting for approval \(mcp\.askMaxPending\)/);
  });

  it('lets the call through in audit mode, recording that enforce would have asked', () => {
    const s = setup({ mode: 'audit' });
    const out = s.client({ id: 6, method: 'tools/call', params: INSTALL });
    assert.equal(out.toServer.length, 1);
    assert.equal(out.held, undefined);
    assert.equal(s.events[0]?.action, 'warn');
    assert.equal(s.events[0]?.wouldHave, 'ask');
  });

  it('withholds a result whose verdict is ask as a block that says why', () => {
    const s = setup({ rules: { [ASK_RULE]: 'ask', 'dlp/aws-access-key-id': 'ask' } });
    s.client({ id: 11, method: 'tools/call', params: { name: 'run', arguments: { command: 'ls' } } });
    const back = s.server({ id: 11, result: { content: [{ type: 'text', text: 'key AKIAZ7QW4ERT5YUI6OPA' }] } });
    const r = (back.toClient[0] as { result: { content: { text: string }[]; isError: boolean } }).result;
    assert.equal(r.isError, true);
    assert.match(r.content[0]?.text ?? '', /Tollgate holds only client requests \(before anything runs\), so what the server sent was withheld/);
    assert.ok(!JSON.stringify(back).includes('AKIAZ7QW4ERT5YUI6OPA'));
    assert.equal(s.events.at(-1)?.action, 'block');
  });

  it('blocks a tools/call whose verdict is redact: a call is never rewritten', () => {
    const s = setup({ rules: { 'dlp/aws-access-key-id': 'redact' } });
    const out = s.client({ id: 12, method: 'tools/call', params: { name: 'run', arguments: { command: 'echo AKIAZ7QW4ERT5YUI6OPA' } } });
    assert.deepEqual(out.toServer, []);
    const err = (out.toClient[0] as Message).error;
    assert.equal(err?.code, -32001);
    assert.match(err?.message ?? '', /Tollgate never rewrites a tool call, so it was not sent/);
    assert.equal(s.events[0]?.action, 'block');
  });
});
