import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import type { DecisionEvent } from '../../core/index.ts';
import { createBudgets } from '../../state/index.ts';
import { startTestProxy, type TestProxy } from '../http-proxy/testing.ts';
import { viaForwardProxy } from './testing.ts';

function opened(ws: WebSocket): Promise<'open' | number> {
  return new Promise((resolve) => {
    ws.once('open', () => resolve('open'));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));
}

const frames = (events: readonly DecisionEvent[]): DecisionEvent[] => events.filter((e) => e.type === 'frame');

describe('WebSocket traffic counts against the per-domain budgets', { timeout: 120_000 }, () => {
  let wss: WebSocketServer;
  let port: number;
  const received: string[] = [];
  let proxy: TestProxy;
  before(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (ws) => {
      ws.on('error', () => ws.terminate());
      ws.on('message', (data) => {
        const text = String(data);
        received.push(text);
        // Inbound traffic is not egress: a large answer does not spend the budget.
        if (text === 'send me a lot') ws.send('d'.repeat(20_000));
        else ws.send(`ok ${text.length}`);
      });
    });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    port = (wss.address() as AddressInfo).port;
    proxy = await startTestProxy(
      [
        'scanners:',
        '  ssrf:',
        '    allowCidrs: ["127.0.0.1/32"]',
        'dns:',
        '  overrides:',
        '    chat.example.com: 127.0.0.1',
        '    other.example.com: 127.0.0.1',
        '    elsewhere.test: 127.0.0.1',
        'budgets:',
        '  requestsPerMinute: 3',
        '  egressBytesPerHour: 8192',
        '',
      ].join('\n'),
      undefined,
      undefined,
      { control: { budgets: createBudgets({ maxKeys: 100 }) } },
    );
  });
  after(async () => {
    await proxy.close();
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  });

  it('closes the socket with 1008 once outbound messages exceed the data budget, and the upstream gets nothing past it', async () => {
    const before = proxy.events.length;
    const ws = viaForwardProxy(proxy, `ws://chat.example.com:${port}/socket`);
    assert.equal(await opened(ws), 'open');
    const shut = closed(ws);
    const big = 'm'.repeat(3000);
    const answers: string[] = [];
    ws.on('message', (d) => answers.push(String(d)));
    // Large inbound messages do not count: the budget is for what leaves.
    ws.send('send me a lot');
    await new Promise<void>((r) => ws.once('message', () => r()));
    for (let i = 0; i < 4; i++) ws.send(`${i}${big}`);
    const c = await shut;
    assert.equal(c.code, 1008);
    assert.match(c.reason, /policy\/data-budget/);
    assert.equal(answers[0]?.length, 20_000, 'the large inbound message was relayed');
    const sentBig = received.filter((m) => m.endsWith(big));
    assert.equal(sentBig.length, 2, 'two 3 KB messages fit the 8 KiB budget (after the upgrade), the third did not');
    const blocked = frames(proxy.events.slice(before)).filter((e) => e.action === 'block');
    assert.equal(blocked.length, 1);
    assert.equal(blocked[0]?.method, 'outbound');
    assert.ok(blocked[0]?.findings.some((f) => f.rule === 'policy/data-budget'));
  });

  it('counts each upgrade as a request: past requestsPerMinute for the domain the upgrade is refused with 429', async () => {
    // chat.example.com has had one upgrade (above); other.example.com is the same registrable domain.
    const second = viaForwardProxy(proxy, `ws://other.example.com:${port}/socket`);
    assert.equal(await opened(second), 'open');
    const third = viaForwardProxy(proxy, `ws://chat.example.com:${port}/socket`);
    assert.equal(await opened(third), 'open');
    const before = proxy.events.length;
    const fourth = viaForwardProxy(proxy, `ws://chat.example.com:${port}/socket`);
    assert.equal(await opened(fourth), 429);
    const refused = proxy.events.slice(before).find((e) => e.type === 'request' && e.transport === 'websocket');
    assert.equal(refused?.action, 'block');
    assert.ok(refused?.findings.some((f) => f.rule === 'policy/rate-limit'));
    // Another registrable domain has its own budget.
    const elsewhere = viaForwardProxy(proxy, `ws://elsewhere.test:${port}/socket`);
    assert.equal(await opened(elsewhere), 'open');
    for (const w of [second, third, elsewhere]) w.close();
  });
});
