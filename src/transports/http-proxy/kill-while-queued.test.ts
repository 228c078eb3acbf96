import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import type { DecisionEvent } from '../../core/index.ts';
import { parseConfig } from '../../config/index.ts';
import { createEngine } from '../../engine/index.ts';
import { createAgentNames, createBudgets, createKillSwitch } from '../../state/index.ts';
import type { ProxyContext } from './context.ts';
import { inTurn, TURN_BUDGET_MS } from './cpu-turns.ts';
import { createResolver } from './resolver.ts';
import { startProxy } from './server.ts';
import { curl, startUpstream } from './testing.ts';

const busy = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('kill switch and scans waiting for their turn', () => {
  it('refuses a request let in just before the switch turned on, while its scan waited: nothing reaches the upstream', async () => {
    const up = await startUpstream((_req, res) => res.end('upstream ok'));
    const loaded = parseConfig(['preset: balanced', 'scanners:', '  ssrf:', '    allowCidrs: ["127.0.0.1/32"]'].join('\n'));
    const killSwitch = createKillSwitch();
    const events: DecisionEvent[] = [];
    let n = 0;
    const ctx: ProxyContext = {
      engine: createEngine(loaded.config),
      config: loaded.config,
      configHash: loaded.hash,
      resolver: createResolver(loaded.config.dns),
      emit: (e) => events.push(e),
      now: () => Date.now(),
      note: () => undefined,
      // Called once the request is let in (the switch was off): other scans already fill this turn and
      // one waits, so this request's scan queues behind them; the operator's switch comes meanwhile.
      newRequestId: () => {
        void inTurn(() => busy(TURN_BUDGET_MS + 2));
        void inTurn(() => busy(1));
        setImmediate(() => killSwitch.setManual(true, 'api', Date.now()));
        return `req-${++n}`;
      },
      control: { killSwitch, budgets: createBudgets({ maxKeys: 100 }), agentNames: createAgentNames({ maxNamesPerClient: 8 }) },
    };
    const proxy = await startProxy(ctx, { listen: { host: '127.0.0.1', port: 0 } });
    try {
      const r = await curl(proxy.url, [`http://127.0.0.1:${up.port}/x`]);
      assert.equal(killSwitch.state().on, true, 'the switch did not turn on while the request was under way');
      assert.equal(r.status, 503);
      assert.equal(r.headers['x-tollgate-block'], 'policy/kill-switch');
      assert.equal(up.seen.length, 0, 'the request reached the upstream after the switch turned on');
      assert.deepEqual(
        events.map((e) => [e.type, e.action]),
        [
          ['request', 'allow'],
          ['response', 'block'],
        ],
      );
      assert.deepEqual(events[1]?.findings.map((f) => f.rule), ['policy/kill-switch']);
    } finally {
      await proxy.close();
      await up.close();
    }
  });

  it('refuses a /fetch whose name lookup was under way when the switch turned on: nothing reaches the upstream', async () => {
    const up = await startUpstream((_req, res) => res.end('<p>upstream ok</p>'));
    const loaded = parseConfig(['preset: balanced', 'scanners:', '  ssrf:', '    allowCidrs: ["127.0.0.1/32"]'].join('\n'));
    const killSwitch = createKillSwitch();
    const events: DecisionEvent[] = [];
    // a lookup that answers a moment later, during which the operator's switch comes
    const resolver = {
      resolve: async (): Promise<string[]> => {
        killSwitch.setManual(true, 'api', Date.now());
        await new Promise((r) => setTimeout(r, 5));
        return ['127.0.0.1'];
      },
    };
    const ctx: ProxyContext = {
      engine: createEngine(loaded.config),
      config: loaded.config,
      configHash: loaded.hash,
      resolver,
      emit: (e) => events.push(e),
      now: () => Date.now(),
      note: () => undefined,
      newRequestId: () => 'req-1',
      control: { killSwitch, budgets: createBudgets({ maxKeys: 100 }), agentNames: createAgentNames({ maxNamesPerClient: 8 }) },
    };
    const proxy = await startProxy(ctx, { listen: { host: '127.0.0.1', port: 0 } });
    try {
      const r = await fetch(`${proxy.url}/fetch?url=${encodeURIComponent(`http://upstream.test:${up.port}/page`)}`);
      assert.equal(r.status, 503);
      assert.equal(up.seen.length, 0, 'the page was fetched after the switch turned on');
      assert.deepEqual(
        events.map((e) => [e.type, e.action, e.findings.map((f) => f.rule).join()]),
        [['fetch', 'block', 'policy/kill-switch']],
      );
    } finally {
      await proxy.close();
      await up.close();
    }
  });
});
