// A WebSocket message whose verdict is ask or redact cannot be held or rewritten in flight: the
// socket is closed with 1008 and the message's frame event records the block that was enforced,
// never an `ask` nobody could answer or a `redact` that did not happen.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import type { DecisionEvent } from '../../core/index.ts';
import { startTestProxy, type TestProxy } from '../http-proxy/testing.ts';
import { viaForwardProxy } from './testing.ts';

const AWS_KEY = 'AKIAZ7QW4ERT5YUI6OPA';
const STRIPE_KEY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8vR2mXk9LbN3sYw';

const opened = (ws: WebSocket): Promise<void> => new Promise((resolve, reject) => {
  ws.once('open', () => resolve());
  ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
});
const closed = (ws: WebSocket): Promise<{ code: number; reason: string }> =>
  new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));

describe('WebSocket messages whose verdict is ask or redact', { timeout: 60_000 }, () => {
  let wss: WebSocketServer;
  let port: number;
  const received: string[] = [];
  let proxy: TestProxy;
  before(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (ws) => {
      ws.on('error', () => ws.terminate());
      ws.on('message', (data) => {
        received.push(String(data));
        ws.send(`ok ${String(data).length}`);
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
        'rules:',
        '  dlp/aws-access-key-id: ask',
        '  dlp/stripe-secret-key: redact',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await proxy.close();
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  });

  for (const [action, secret, rule, why] of [
    ['ask', AWS_KEY, 'dlp/aws-access-key-id', /cannot be held for approval/],
    ['redact', STRIPE_KEY, 'dlp/stripe-secret-key', /cannot be redacted in flight/],
  ] as const) {
    it(`${action}: the socket is closed with 1008, nothing reaches the upstream, and the event is a block`, { timeout: 20_000 }, async () => {
      const from = proxy.events.length;
      const ws = viaForwardProxy(proxy, `ws://chat.example.com:${port}/socket`);
      await opened(ws);
      const shut = closed(ws);
      ws.send(`my key is ${secret}`);
      const c = await shut;
      assert.equal(c.code, 1008);
      assert.match(c.reason, new RegExp(rule));
      assert.ok(!received.some((m) => m.includes(secret)), 'the message never reached the upstream');
      const frame = proxy.events.slice(from).find((e: DecisionEvent) => e.type === 'frame' && e.method === 'outbound' && e.findings.some((f) => f.rule === rule));
      assert.equal(frame?.action, 'block');
      assert.match(frame?.reason ?? '', why);
      assert.doesNotMatch(frame?.reason ?? '', /^Held for approval/);
    });
  }
});
