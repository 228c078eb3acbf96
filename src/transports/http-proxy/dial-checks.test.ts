// The synchronous dial (resolver.resolveNow, a cached answer) still checks every address,
// dials the checked one, and the agent header never reaches the upstream.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import * as T from './testing.ts';
import * as R from './resolver.ts';

// Every request here ends with Connection: close; the give-up (rawExchange's 30 s) is only a hang guard.
const raw = (port: number, data: string): Promise<string> => T.rawExchange(port, [data]);
const statuses = T.statusCodes;

describe('proxy dial', () => {
  let up: any;
  let proxy: any;
  const answers: Record<string, string[][]> = {};
  let lookups = 0;
  before(async () => {
    up = await T.startUpstream((_req: any, res: any) => res.end('ok'));
    // rebind.test: first answer public-looking 127.0.0.1 is allowed by allowCidrs; meta.test: metadata address.
    answers['rebind.test'] = [['127.0.0.1'], ['169.254.169.254'], ['127.0.0.1']];
    answers['meta.test'] = [['127.0.0.1', '169.254.169.254']];
    const resolver = R.createResolver({ overrides: {}, servers: [], timeoutMs: 1000, cacheTtlMs: 60_000 }, {
      lookup: async (h: string) => { lookups++; if (h === 'nx.test') throw new Error('ENOTFOUND nx.test'); const list = answers[h] ?? [['127.0.0.1']]; return list.length > 1 ? list.shift()! : list[0]!; },
    });
    proxy = await T.startTestProxy(`scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\n`, resolver);
  });
  after(async () => { await proxy.close(); await up.close(); });

  it('a name answering with a metadata address is refused on the looked-up and on the cached request alike', async () => {
    for (let k = 0; k < 3; k++) {
      const n = up.seen.length;
      const t = await raw(proxy.server.port, `GET http://meta.test:${up.port}/m${k} HTTP/1.1\r\nHost: meta.test:${up.port}\r\nConnection: close\r\n\r\n`);
      assert.equal(statuses(t)[0], 403, t.slice(0, 200));
      assert.equal(up.seen.length, n);
    }
  });

  it('a request refused by the address check (internal answer, unresolvable name) has one request event: the block, never an allow before it', async () => {
    for (const [host, rule] of [['meta.test', 'ssrf/cloud-metadata'], ['nx.test', 'engine/unresolvable-host']] as const) {
      for (const head of [`GET http://${host}:${up.port}/one HTTP/1.1\r\nHost: ${host}:${up.port}\r\nConnection: close\r\n\r\n`, `POST http://${host}:${up.port}/latest HTTP/1.1\r\nHost: ${host}:${up.port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\nConnection: close\r\n\r\nx=1`]) {
        const n = proxy.events.length;
        const t = await raw(proxy.server.port, head);
        assert.equal(statuses(t)[0], 403, t.slice(0, 200));
        const evs = proxy.events.slice(n);
        assert.deepEqual(evs.map((e: any) => [e.type, e.action]), [['request', 'block']], JSON.stringify(evs));
        assert.ok(evs[0].findings.some((f: any) => f.rule === rule), JSON.stringify(evs[0].findings));
      }
    }
  });

  it('a cached allowed answer is used (no second lookup) and the upstream is the checked address', async () => {
    const before = lookups;
    for (let k = 0; k < 3; k++) {
      const t = await raw(proxy.server.port, `GET http://rebind.test:${up.port}/r${k} HTTP/1.1\r\nHost: rebind.test:${up.port}\r\nConnection: close\r\n\r\n`);
      assert.equal(statuses(t)[0], 200, t.slice(0, 200));
    }
    assert.equal(lookups - before, 1);
  });

  it('an internal destination reached through scanners.ssrf.allowCidrs is logged once per destination, naming the entry', async () => {
    const trusted = (): string[] => proxy.notes.filter((n: string) => n.startsWith('trusted destination:'));
    const before = trusted().length;
    for (let k = 0; k < 2; k++) {
      const t = await raw(proxy.server.port, `GET http://127.0.0.1:${up.port}/lit${k} HTTP/1.1\r\nHost: 127.0.0.1:${up.port}\r\nConnection: close\r\n\r\n`);
      assert.equal(statuses(t)[0], 200, t.slice(0, 200));
      const n = await raw(proxy.server.port, `GET http://trusted-name.test:${up.port}/n${k} HTTP/1.1\r\nHost: trusted-name.test:${up.port}\r\nConnection: close\r\n\r\n`);
      assert.equal(statuses(n)[0], 200, n.slice(0, 200));
    }
    const lines = trusted().slice(before);
    assert.equal(lines.length, 2, JSON.stringify(lines));
    assert.match(lines[0] ?? '', /^trusted destination: 127\.0\.0\.1 is internal \(loopback\) and allowed by scanners\.ssrf\.allowCidrs 127\.0\.0\.1\/32/);
    assert.match(lines[1] ?? '', /^trusted destination: trusted-name\.test \(127\.0\.0\.1\) is internal \(loopback\) and allowed by scanners\.ssrf\.allowCidrs 127\.0\.0\.1\/32/);
  });

  it('X-Tollgate-Agent, in any case and repeated, is not forwarded', async () => {
    const n = up.seen.length;
    const t = await raw(proxy.server.port, `GET http://a.test:${up.port}/h HTTP/1.1\r\nHost: a.test:${up.port}\r\nX-TOLLGATE-AGENT: one\r\nx-tollgate-agent: two\r\nX-Tollgate-Agent : three\r\nConnection: close\r\n\r\n`);
    const seen = up.seen.slice(n);
    // A name with a space before the colon is a malformed head (400) on a strict parser; otherwise nothing named x-tollgate-agent arrives.
    if (statuses(t)[0] === 200) assert.ok(seen.every((s: any) => !Object.keys(s.headers).some((k) => k.toLowerCase().startsWith('x-tollgate-agent'))), JSON.stringify(seen.map((s: any) => s.headers)));
    else assert.equal(seen.length, 0);
    const t2 = await raw(proxy.server.port, `GET http://a.test:${up.port}/h2 HTTP/1.1\r\nHost: a.test:${up.port}\r\nX-TOLLGATE-AGENT: one\r\nx-tollgate-agent: two\r\nConnection: close\r\n\r\n`);
    assert.equal(statuses(t2)[0], 200);
    assert.ok(up.seen.slice(n).every((s: any) => s.headers['x-tollgate-agent'] === undefined));
  });
});
