// A CONNECT refused at once (before its 200, so before any byte of TLS) is recorded as a CONNECT
// refusal, transport http-connect and method CONNECT, whether TLS interception is on or off: only a
// tunnel whose ClientHello was read is recorded as intercepted (https-intercept, CONNECT+TLS).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { interceptingYaml, raw, startInterceptingTestProxy, startTestProxy, type TestProxy } from './testing.ts';
import { createTestCa, type TestCa } from './tls/testing.ts';

const ALLOWED_PORT = 44_301;
const OFF_LIST_PORT = 8_443;

describe('a CONNECT refused for its port is recorded as a CONNECT refusal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-connect-refusal-'));
  let ca: TestCa;
  before(async () => {
    ca = await createTestCa(dir, 'tollgate');
  });

  const yaml = (): string => interceptingYaml({ ports: [ALLOWED_PORT], caCert: ca.certFile, caKey: ca.keyFile });

  for (const interception of ['on', 'off'] as const) {
    describe(`TLS interception ${interception}`, () => {
      let proxy: TestProxy;
      before(async () => {
        proxy = interception === 'on' ? await startInterceptingTestProxy(yaml(), dir) : await startTestProxy(yaml().replace('    enabled: true\n', '    enabled: false\n'));
      });
      after(async () => {
        await proxy.close();
      });

      it('answers 403 and records one tunnel event: http-connect, CONNECT, policy/connect-port', async () => {
        const authority = `upstream.test:${OFF_LIST_PORT}`;
        const r = await raw(proxy.server.port, [`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`]);
        assert.equal(r.status, 403, r.text.slice(0, 300));
        const tunnels = proxy.events.filter((e) => e.type === 'tunnel');
        assert.equal(tunnels.length, 1, JSON.stringify(tunnels));
        const ev = tunnels[0];
        assert.equal(ev?.action, 'block');
        assert.ok(ev?.findings.some((f) => f.rule === 'policy/connect-port'), JSON.stringify(ev?.findings));
        assert.equal(ev?.transport, 'http-connect');
        assert.equal(ev?.method, 'CONNECT');
      });
    });
  }

  describe('a CONNECT whose verdict is ask (a tunnel cannot be held)', () => {
    let proxy: TestProxy;
    before(async () => {
      proxy = await startTestProxy(`${yaml().replace('    enabled: true\n', '    enabled: false\n')}rules:\n  policy/connect-port: ask\n`);
    });
    after(async () => {
      await proxy.close();
    });

    it('is refused and recorded as the block enforced, not as an ask nobody can answer', async () => {
      const authority = `upstream.test:${OFF_LIST_PORT}`;
      const r = await raw(proxy.server.port, [`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`]);
      assert.equal(r.status, 403, r.text.slice(0, 300));
      const tunnels = proxy.events.filter((e) => e.type === 'tunnel');
      assert.equal(tunnels.length, 1, JSON.stringify(tunnels));
      assert.equal(tunnels[0]?.action, 'block', JSON.stringify(tunnels[0]));
      assert.match(tunnels[0]?.reason ?? '', /^Blocked: /);
      assert.ok(tunnels[0]?.findings.some((f) => f.rule === 'policy/connect-port'), JSON.stringify(tunnels[0]?.findings));
    });
  });
});
