import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../../config/index.ts';
import type { TollgateConfig } from '../../../config/schema.ts';
import { createEngine } from '../../../engine/index.ts';
import { createApprovalStore } from '../../../state/index.ts';
import { McpSession } from '../session.ts';
import { settleHeld } from './held.ts';

/** A Streamable HTTP POST waiting for a held request: approved into the forward, or withdrawn when the client leaves. */
const base = defaultConfig().config;
const config: TollgateConfig = { ...base, rules: { 'tool-policy/package-install': 'ask' } };
const engine = createEngine(config);
const CALL = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'run', arguments: { command: 'npm install left-pad' } } });

function setup() {
  let n = 0;
  const store = createApprovalStore({ maxPending: 8, now: () => 1000, newId: () => `a${++n}`, schedule: () => () => undefined });
  const session = new McpSession({ engine, config, configHash: 'h', serverIdentity: 'x', serverLabel: 's', pinId: 'p', transport: 'mcp-http', session: 's', approvals: { store, command: 'tollgate approve' } });
  session.message('client', { jsonrpc: '2.0', id: 'l', method: 'tools/list' });
  session.message('server', { jsonrpc: '2.0', id: 'l', result: { tools: [{ name: 'run', description: 'Runs a command.', inputSchema: { type: 'object' } }] } });
  const res = Object.assign(new EventEmitter(), { writableFinished: false }) as unknown as ServerResponse;
  return { store, session, res };
}

describe('settleHeld (Streamable HTTP)', () => {
  it('puts an approved request into the batch it came in, beside the requests that passed', async () => {
    const s = setup();
    const value = [CALL(1), { jsonrpc: '2.0', id: 2, method: 'ping' }];
    const waiting = settleHeld(s.session.message('client', value), true, s.session, s.res, [1, 2]);
    s.store.decide('a1', true);
    const out = await waiting;
    assert.deepEqual(out.toServer, [[{ jsonrpc: '2.0', id: 2, method: 'ping' }, CALL(1)]]);
    assert.deepEqual(out.toClient, []);
  });

  it('withdraws the held request when the client closes its exchange, and forwards nothing', async () => {
    const s = setup();
    const waiting = settleHeld(s.session.message('client', CALL(3)), false, s.session, s.res, [3]);
    assert.equal(s.store.size, 1);
    s.res.emit('close');
    assert.deepEqual(await waiting, { toServer: [], toClient: [] });
    assert.equal(s.store.size, 0);
    assert.equal(s.session.heldCount, 0);
  });
});
