// A Location is refused when it points where a request would be refused: its host resolved with the
// proxy's resolver and every address checked, every reading of its bytes scanned, and a Location
// Tollgate cannot parse never relayed unchecked (location.ts). Loopback only; names resolve through
// dns.overrides or a stub lookup, never the network.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../config/index.ts';
import { locationFindings } from './location.ts';
import { createResolver, type Resolver } from './resolver.ts';
import { curl, interceptingYaml, startHttpsUpstream, startTestProxy, startUpstream, testContext, type TestProxy, type Upstream } from './testing.ts';
import { loadProxyTls, mintLeaf } from './tls/index.ts';
import { createTestCa, type TestCa } from './tls/testing.ts';

const YAML = [
  'scanners:',
  '  ssrf:',
  '    allowCidrs: ["127.0.0.1/32"]',
  'dns:',
  '  overrides:',
  '    upstream.test: 127.0.0.1',
  '    internal.test: 10.0.0.5',
  '    mixed.test: [93.184.215.14, 10.0.0.6]',
  '    trusted.test: 127.0.0.1',
  '',
].join('\n');

/** The resolver a proxy with YAML uses, with the system lookup replaced: public.test is public, every other name does not resolve. */
function stubResolver(yaml: string): Resolver {
  const dns = parseConfig(`preset: balanced\n${yaml}`).config.dns;
  return createResolver(dns, {
    lookup: async (host) => {
      if (host === 'public.test' || host === 'public.test.') return ['93.184.215.14'];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    },
  });
}

/** The header value as an upstream writes these UTF-8 bytes, and as Node reads them (latin1). */
function asReceived(location: string): string {
  return Buffer.from(location, 'utf8').toString('latin1');
}

/** Locations that must be refused, and why. */
const REFUSED: readonly (readonly [string, RegExp])[] = [
  ['http://internal.test/', /ssrf\/private-address/],
  ['http://internal.test./', /ssrf\/private-address/],
  ['http://INTERNAL.test:8080/x', /ssrf\/private-address/],
  ['//internal.test/x', /ssrf\/private-address/],
  ['\\\\internal.test\\x', /ssrf\/private-address/],
  ['https://mixed.test/', /ssrf\/private-address/],
  ['http://[fe80::1%25eth0]/', /ssrf\/link-local/],
  ['http://[fe80::1%eth0]/', /ssrf\//],
  ['http://①⓪.0.0.5/', /ssrf\/private-address/],
  ['http://10。0。0。5/', /ssrf\/private-address/],
  ['http://169.254.169.254/latest/meta-data/', /ssrf\/cloud-metadata/],
  ['http://[::1', /ssrf\/unparseable-url/],
];

/** Locations that must be relayed. */
const RELAYED: readonly string[] = ['/path', 'path?q=1', '../up', 'http://public.test/docs', 'https://upstream.test/elsewhere', 'http://trusted.test:9/', 'http://nowhere.test/', 'http://example.com/caf\u00e9'];

describe('Location check (locationFindings)', () => {
  const { ctx } = testContext(YAML, stubResolver(YAML));
  const base = new URL('http://upstream.test:8080/redirect');
  const scan = { now: 0, session: 'test' };

  for (const [location, rule] of REFUSED) {
    it(`refuses ${JSON.stringify(location)}`, async () => {
      const found = await locationFindings(ctx, asReceived(location), base, scan);
      const rules = found.map((f) => f.rule).join(',');
      assert.match(rules, rule);
      assert.ok(found.every((f) => f.location.startsWith('response.header.location')), JSON.stringify(found.map((f) => f.location)));
      assert.equal(ctx.engine.judge(found).action, 'block', rules);
    });
  }

  for (const location of RELAYED) {
    it(`lets ${JSON.stringify(location)} pass`, async () => {
      const found = await locationFindings(ctx, asReceived(location), base, scan);
      assert.deepEqual(
        found.map((f) => f.rule),
        [],
      );
    });
  }

  it('honours the SSRF allow list: an internal name lifted by allowCidrs passes, as a request to it would', async () => {
    const yaml = YAML.replace('["127.0.0.1/32"]', '["127.0.0.1/32", "10.0.0.5/32"]');
    const lifted = testContext(yaml, stubResolver(yaml)).ctx;
    assert.deepEqual(await locationFindings(lifted, 'http://internal.test/', base, scan), []);
  });

  it('asks the resolver once for a name it has to look up, and not at all for a relative path', async () => {
    const asked: string[] = [];
    const counting: Resolver = {
      resolve: async (host) => {
        asked.push(host);
        return host === 'lookup.test' ? ['10.1.2.3'] : ['93.184.215.14'];
      },
    };
    const c = testContext(YAML, counting).ctx;
    const found = await locationFindings(c, 'http://lookup.test/a', base, scan);
    assert.match(found.map((f) => f.rule).join(','), /ssrf\/private-address/);
    await locationFindings(c, '/a/b', base, scan);
    await locationFindings(c, 'http://upstream.test:8080/same-host', base, scan);
    assert.deepEqual(asked, ['lookup.test']);
  });
});

describe('Location check through the forward proxy, an intercepted tunnel and /fetch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-location-'));
  let tollgateCa: TestCa;
  let plain: Upstream;
  let secure: Upstream;
  let forward: TestProxy;
  let intercepting: TestProxy;

  const redirect = (req: { url?: string }, res: import('node:http').ServerResponse): void => {
    const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to') ?? '/';
    // The bytes of the UTF-8 text, written as they are (Node writes a header string as latin1).
    if ((req.url ?? '').startsWith('/events')) {
      // An event stream is relayed event by event; its head, Location included, is judged first.
      res.writeHead(200, { location: asReceived(to), 'content-type': 'text/event-stream' });
      res.end('data: hello\n\n');
      return;
    }
    res.writeHead(302, { location: asReceived(to), 'content-type': 'text/plain' });
    res.end('moved');
  };

  before(async () => {
    tollgateCa = await createTestCa(dir, 'tollgate');
    const upstreamCa = await createTestCa(dir, 'upstream-ca');
    const leaf = await mintLeaf(upstreamCa.ca, 'upstream.test');
    plain = await startUpstream(redirect);
    secure = await startHttpsUpstream(redirect, { cert: leaf.certPem, key: leaf.keyPem });
    forward = await startTestProxy(YAML, stubResolver(YAML));
    const yaml = interceptingYaml({ ports: [secure.port], caCert: tollgateCa.certFile, caKey: tollgateCa.keyFile, extraCaFile: upstreamCa.certFile }).replace(
      '    wrongname.test: 127.0.0.1\n',
      '    wrongname.test: 127.0.0.1\n    internal.test: 10.0.0.5\n',
    );
    const tls = await loadProxyTls(parseConfig(`preset: balanced\n${yaml}`).config.proxy.tlsInterception, dir);
    intercepting = await startTestProxy(yaml, stubResolver(yaml), tls.tls);
  });
  after(async () => {
    await forward.close();
    await intercepting.close();
    await plain.close();
    await secure.close();
  });

  const cases: readonly (readonly [string, number])[] = [
    ['http://internal.test/', 403],
    ['http://internal.test./', 403],
    ['http://[fe80::1%25eth0]/', 403],
    ['http://10。0。0。5/', 403],
    ['http://①⓪.0.0.5/', 403],
    ['/path', 302],
    ['path', 302],
  ];

  for (const [to, status] of cases) {
    it(`forward proxy: Location ${JSON.stringify(to)} → ${status}`, async () => {
      const r = await curl(forward.server.url, [`http://upstream.test:${plain.port}/redirect?to=${encodeURIComponent(to)}`]);
      assert.equal(r.status, status, JSON.stringify(r.headers));
      if (status === 403) {
        assert.match(r.headers['x-tollgate-rules'] ?? '', /ssrf\//);
        assert.equal(r.headers.location, undefined);
        assert.equal(forward.events.at(-1)?.action, 'block');
        assert.ok(forward.events.at(-1)?.findings.some((f) => f.location.startsWith('response.header.location')));
      }
    });

    it(`intercepted tunnel: Location ${JSON.stringify(to)} → ${status}`, async () => {
      const r = await curl(intercepting.server.url, ['--cacert', tollgateCa.certFile, `https://upstream.test:${secure.port}/redirect?to=${encodeURIComponent(to)}`]);
      assert.equal(r.status, status, JSON.stringify(r.headers));
      if (status === 403) assert.match(r.headers['x-tollgate-rules'] ?? '', /ssrf\//);
    });
  }

  it('an event stream whose Location resolves internally is refused before any event', async () => {
    const bad = await curl(forward.server.url, [`http://upstream.test:${plain.port}/events?to=${encodeURIComponent('http://internal.test/')}`]);
    assert.equal(bad.status, 403);
    assert.match(bad.headers['x-tollgate-rules'] ?? '', /ssrf\/private-address/);
    const good = await curl(forward.server.url, [`http://upstream.test:${plain.port}/events?to=${encodeURIComponent('/next')}`]);
    assert.equal(good.status, 200);
    assert.match(good.body, /data: hello/);
  });

  for (const [to, status] of cases) {
    it(`/fetch: Location ${JSON.stringify(to)} is ${status === 403 ? 'blocked' : 'handed back'}`, async () => {
      const target = `http://upstream.test:${plain.port}/redirect?to=${encodeURIComponent(to)}`;
      const res = await fetch(`${forward.server.url}/fetch?url=${encodeURIComponent(target)}`);
      const j = (await res.json()) as { location?: string; verdict: { action: string; findings: { rule: string; location: string }[] } };
      if (status === 403) {
        assert.equal(res.status, 403);
        assert.equal(j.verdict.action, 'block');
        assert.ok(j.verdict.findings.some((f) => f.rule.startsWith('ssrf/') && f.location.startsWith('response.header.location')), JSON.stringify(j.verdict));
        assert.equal(j.location, undefined);
      } else {
        assert.equal(res.status, 200);
        assert.equal(j.location, new URL(to, target).href);
      }
    });
  }
});
