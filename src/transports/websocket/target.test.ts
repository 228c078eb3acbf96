import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { handshakeProblem, upgradeTarget } from './target.ts';

function req(url: string, headers: Record<string, string> = {}, method = 'GET'): IncomingMessage {
  return { url, method, headers } as unknown as IncomingMessage;
}

function target(r: IncomingMessage, opts: Parameters<typeof upgradeTarget>[1]): string {
  const t = upgradeTarget(r, opts);
  return t.ok ? t.target.url.href : `${t.status}`;
}

describe('WebSocket upgrade targets', () => {
  it('reads the upstream from an absolute-form request, /ws?url= and an intercepted tunnel', () => {
    assert.equal(target(req('ws://a.example/x?y=1'), { secure: false }), 'ws://a.example/x?y=1');
    assert.equal(target(req('http://a.example:8080/x'), { secure: false }), 'ws://a.example:8080/x');
    assert.equal(target(req(`/ws?url=${encodeURIComponent('wss://b.example/feed#frag')}`), { secure: false }), 'wss://b.example/feed');
    assert.equal(target(req('/socket?v=2', { host: 'c.example:8443' }), { secure: true, authority: { host: 'c.example', port: 8443 } }), 'wss://c.example:8443/socket?v=2');
    assert.equal(target(req('/socket?v=2'), { secure: true, authority: { host: 'c.example', port: 8443 } }), 'wss://c.example:8443/socket?v=2');
    assert.equal(target(req('/socket', { host: 'c.example' }), { secure: true }), 'wss://c.example/socket');
  });

  it('inside a plain-HTTP CONNECT tunnel targets ws://authority exactly, with /ws?url= only a path there', () => {
    const api = { host: 'api.test', port: 19501 };
    assert.equal(target(req('/socket', { host: 'api.test:19501' }), { secure: false, authority: api }), 'ws://api.test:19501/socket');
    assert.equal(target(req('/socket', { host: 'API.test:19501' }), { secure: false, authority: api }), 'ws://api.test:19501/socket');
    assert.equal(target(req('/ws', { host: 'api.test:19501' }), { secure: false, authority: api }), 'ws://api.test:19501/ws');
    const escape = '/ws?url=ws://not-allowed.example:19501/fronted';
    assert.equal(target(req(escape, { host: 'api.test:19501' }), { secure: false, authority: api }), `ws://api.test:19501${escape}`);
    assert.equal(target(req('/x', { host: 'h.test' }), { secure: false, authority: { host: 'h.test', port: 80 } }), 'ws://h.test/x');
    assert.equal(target(req('/x', { host: '[::1]:8080' }), { secure: false, authority: { host: '::1', port: 8080 } }), 'ws://[::1]:8080/x');
  });

  it('refuses, inside a tunnel, a Host header naming another site (403) and a target that is not origin-form (400)', () => {
    const api = { host: 'api.test', port: 19501 };
    for (const secure of [false, true]) {
      for (const host of ['not-allowed.example:19501', 'api.test', 'api.test:19502', 'api.test.evil:19501']) {
        const t = upgradeTarget(req('/socket', { host }), { secure, authority: api });
        assert.ok(!t.ok && t.status === 403 && t.hostMismatch === true, `${host} secure=${secure}`);
      }
      assert.equal(target(req(`${secure ? 'wss' : 'ws'}://not-allowed.example:19501/x`, { host: 'api.test:19501' }), { secure, authority: api }), '400');
      assert.equal(target(req('*', { host: 'api.test:19501' }), { secure, authority: api }), '400');
    }
    assert.equal(target(req('/x', { host: 'h.test:443' }), { secure: false, authority: { host: 'h.test', port: 80 } }), '403');
    assert.equal(target(req('/x', { host: 'c.example' }), { secure: true, authority: { host: 'c.example', port: 8443 } }), '403');
  });

  it('refuses other Tollgate paths, missing or repeated url parameters, and non-WebSocket schemes', () => {
    assert.equal(target(req('/elsewhere'), { secure: false }), '404');
    assert.equal(target(req('/ws'), { secure: false }), '400');
    assert.equal(target(req('/ws?url=ws://a/&url=ws://b/'), { secure: false }), '400');
    assert.equal(target(req('/ws?url=file:///etc/passwd'), { secure: false }), '400');
    assert.equal(target(req('ftp://a.example/'), { secure: false }), '400');
    assert.equal(target(req('ws://a.example/'), { secure: true }), '400');
  });

  it('checks the RFC 6455 handshake fields', () => {
    const good = { upgrade: 'websocket', 'sec-websocket-key': Buffer.alloc(16, 7).toString('base64'), 'sec-websocket-version': '13' };
    assert.equal(handshakeProblem(req('/', good)), null);
    assert.match(handshakeProblem(req('/', good, 'POST')) ?? '', /GET/);
    assert.match(handshakeProblem(req('/', { ...good, 'sec-websocket-key': 'short' })) ?? '', /Key/);
    assert.match(handshakeProblem(req('/', { ...good, 'sec-websocket-version': '8' })) ?? '', /version 13/);
    assert.match(handshakeProblem(req('/', { ...good, upgrade: 'h2c' })) ?? '', /Upgrade/);
  });
});
