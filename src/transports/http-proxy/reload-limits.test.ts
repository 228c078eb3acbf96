// A hot reload reaches the listener's client limits: the head size limit and the slow-client
// timeouts are set from the running config before each new connection (followClientLimits). The
// policy here is swapped the way src/control swaps it: a context whose config is read through a getter.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig, type LoadedConfig } from '../../config/index.ts';
import type { DecisionEvent } from '../../core/index.ts';
import { createEngine } from '../../engine/index.ts';
import type { ProxyContext } from './context.ts';
import { createResolver, createUpstreamAgents, startProxy, type ProxyServer } from './index.ts';
import { raw, rawExchange, startUpstream, statusCodes, type Upstream } from './testing.ts';

const BASE = 'scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\ndns:\n  overrides:\n    upstream.test: 127.0.0.1\n';


describe('hot reload of the listener limits', () => {
  let up: Upstream;
  let server: ProxyServer;
  let current: { loaded: LoadedConfig; engine: ReturnType<typeof createEngine> };
  const agents = createUpstreamAgents();
  const events: DecisionEvent[] = [];
  const use = (yaml: string): void => {
    const loaded = parseConfig(`preset: balanced\n${BASE}${yaml}`);
    current = { loaded, engine: createEngine(loaded.config) };
  };

  before(async () => {
    up = await startUpstream((_req, res) => res.end('upstream answer'));
    use('');
    let n = 0;
    const resolver = createResolver(current.loaded.config.dns);
    const ctx: ProxyContext = {
      get engine() {
        return current.engine;
      },
      get config() {
        return current.loaded.config;
      },
      get configHash() {
        return current.loaded.hash;
      },
      resolver,
      emit: (e) => events.push(e),
      now: () => 1_700_000_000_000 + n,
      newRequestId: () => `req-${++n}`,
      note: () => undefined,
      upstreamAgents: agents,
    };
    server = await startProxy(ctx, { listen: { host: '127.0.0.1', port: 0 } });
  });
  after(async () => {
    await server.close();
    agents.destroy();
    await up.close();
  });

  const bigHead = (): string => `GET http://upstream.test:${up.port}/ HTTP/1.1\r\nHost: upstream.test:${up.port}\r\nX-Pad: ${'a'.repeat(12_000)}\r\nConnection: close\r\n\r\n`;

  it('applies a lowered limits.maxHeaderBytes to connections opened after the reload', async () => {
    assert.deepEqual(statusCodes(await rawExchange(server.port, [bigHead()])), [200], 'a 12 KB head passes under the default 64 KiB limit');
    use('limits:\n  maxHeaderBytes: 8192\n');
    const seen = up.seen.length;
    const answer = await rawExchange(server.port, [bigHead()]);
    assert.deepEqual(statusCodes(answer), [431]);
    assert.match(answer, /\r\nx-tollgate-block: engine\/headers-too-large\r\n/);
    assert.equal(up.seen.length, seen, 'the upstream received nothing');
    use('');
    assert.deepEqual(statusCodes(await rawExchange(server.port, [bigHead()])), [200], 'raised again by the next reload');
  });

  it('applies a lowered proxy.headersTimeoutMs to connections opened after the reload', async () => {
    use('proxy:\n  headersTimeoutMs: 300\n  requestTimeoutMs: 300\n');
    // A head that never ends: the 30 s default would keep waiting; the reloaded 300 ms does not. The
    // 20 s give-up is a hang guard for a loaded machine, and still short of the 30 s default.
    const answer = await rawExchange(server.port, [`GET http://upstream.test:${up.port}/ HTTP/1.1\r\nHost: upstream.test:${up.port}\r\nX-Slow: `], 0, 20_000);
    assert.deepEqual(statusCodes(answer), [408]);
    assert.match(answer, /\r\nx-tollgate-block: engine\/client-timeout\r\n/);
    use('');
  });

  // The idle and request timeouts, and a reload that sets the head timeout above the request timeout (review, session 6).
  const keepAliveGet = (): string => `GET http://upstream.test:${up.port}/ HTTP/1.1\r\nHost: upstream.test:${up.port}\r\n\r\n`;

  it('closes an idle keep-alive connection after a reloaded, shorter proxy.idleTimeoutMs', async () => {
    // No assertion here depends on how fast the machine is: a 60 s idle timeout keeps the
    // connection open for the 2.5 s after the answer; the reloaded 200 ms closes it well inside 20 s.
    use('proxy:\n  idleTimeoutMs: 60000\n');
    const before = await raw(server.port, [keepAliveGet()], 2500, { sinceLastByte: true });
    assert.deepEqual(statusCodes(before.text), [200]);
    assert.equal(before.closed, false, 'kept alive under a 60 s idle timeout');
    use('proxy:\n  idleTimeoutMs: 200\n');
    const afterReload = await raw(server.port, [keepAliveGet()], 20_000, { sinceLastByte: true });
    assert.deepEqual(statusCodes(afterReload.text), [200]);
    assert.equal(afterReload.closed, true, 'closed by the reloaded 200 ms idle timeout');
    use('');
  });

  it('answers 408 to a slow body after a reloaded, shorter proxy.requestTimeoutMs', async () => {
    use('proxy:\n  headersTimeoutMs: 200\n  requestTimeoutMs: 400\n');
    const head = `POST http://upstream.test:${up.port}/ HTTP/1.1\r\nHost: upstream.test:${up.port}\r\nContent-Length: 100\r\n\r\nonly-part`;
    const r = await raw(server.port, [head], 20_000);
    assert.equal(r.closed, true);
    assert.deepEqual(statusCodes(r.text), [408]);
    use('');
  });

  it('keeps a reload with headersTimeoutMs above requestTimeoutMs working (the head timeout still applies)', async () => {
    use('proxy:\n  headersTimeoutMs: 300\n  requestTimeoutMs: 100\n');
    const r = await raw(server.port, [`GET http://upstream.test:${up.port}/ HTTP/1.1\r\nHost: upstream.test:${up.port}\r\nX-Slow: `], 20_000);
    assert.equal(r.closed, true);
    assert.deepEqual(statusCodes(r.text), [408]);
    use('');
  });
});
