import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ipaddr from 'ipaddr.js';
import type { Finding, ScanInput } from '../../core/index.ts';
import { TEST_CTX, segmentOf, viewOfSegments } from '../testing.ts';
import type { ScanView } from '../types.ts';
import { checkAddress, classifyHost, createSsrfScanner, DEFAULT_SSRF_OPTIONS, parseUrl, type SsrfOptions } from './index.ts';
import { formatV6, ipv4Interpretations, parseCidr, parseIPv6 } from './ip.ts';

function urlView(url: string): ScanView {
  const input: ScanInput = { kind: 'url', url };
  return { input, segments: [], url };
}

function scanUrl(url: string, options?: Partial<SsrfOptions>): readonly Finding[] {
  return createSsrfScanner(options).scan(urlView(url), TEST_CTX);
}

function rules(url: string, options?: Partial<SsrfOptions>): string[] {
  return [...new Set(scanUrl(url, options).map((f) => f.rule))].sort();
}

const BLOCKING = new Set(['high', 'critical']);
function blocked(url: string, options?: Partial<SsrfOptions>): boolean {
  return scanUrl(url, options).some((f) => BLOCKING.has(f.severity));
}

function assertRule(url: string, rule: string, options?: Partial<SsrfOptions>): void {
  const got = rules(url, options);
  assert.ok(got.includes(rule), `${url}: expected ${rule}, got [${got.join(', ')}]`);
}

function assertClean(url: string, options?: Partial<SsrfOptions>): void {
  const got = scanUrl(url, options);
  assert.deepEqual(
    got.map((f) => `${f.rule} ${f.evidence}`),
    [],
    `${url}: expected no findings`,
  );
}

describe('ssrf: IPv4 spellings', () => {
  const loopbackSpellings = [
    'http://127.0.0.1/',
    'http://127.1/',
    'http://127.0.1/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://017700000001/',
    'http://0x7f.1/',
    'http://0x7f000001/',
    'http://0x7F.0.0.1/',
    'http://0x7f.0x00.0x00.0x01/',
    'http://0177.0x0.1/',
    'http://127.000.000.001/',
    'http://127.127.127.127/',
    'http://127.0.0.1./',
    'http://%31%32%37.0.0.1/',
    'http://１２７.０.０.１/',
    'http://①②⑦.0.0.1/',
    'http://127。0。0。1/',
  ];
  for (const u of loopbackSpellings) {
    test(`flags ${u} as loopback`, () => {
      assertRule(u, 'ssrf/loopback');
      assert.ok(blocked(u));
    });
  }

  test('reads short and dotless forms of private ranges (10.1, 3232235521, 0xc0a80101)', () => {
    assertRule('http://10.1/', 'ssrf/private-address');
    assertRule('http://3232235521/', 'ssrf/private-address');
    assertRule('http://0xc0a80101/', 'ssrf/private-address');
    assertRule('http://172.16.5.4/', 'ssrf/private-address');
    assertRule('http://172.31.255.255/', 'ssrf/private-address');
  });

  test('flags 010.0.0.1: WHATWG reads 8.0.0.1 but leading-zeros-as-decimal parsers reach 10.0.0.1', () => {
    const f = scanUrl('http://010.0.0.1/');
    const hit = f.find((x) => x.rule === 'ssrf/private-address');
    assert.ok(hit, 'private-address expected');
    assert.equal(hit.evidence, '10.0.0.1');
    assert.match(hit.message, /leading zeros/);
  });

  test('flags oversized parts that truncating parsers wrap onto the metadata address', () => {
    for (const u of ['http://425.510.425.510/', 'http://7147006462/', 'http://0x41414141A9FEA9FE/']) {
      const r = rules(u);
      assert.ok(r.includes('ssrf/cloud-metadata'), `${u}: ${r.join(',')}`);
      assert.ok(r.includes('ssrf/unparseable-url'), `${u} fails WHATWG so it must also fail closed`);
    }
  });

  test('flags 0o-prefixed octal and reports the URL as unparseable', () => {
    assert.deepEqual(rules('http://0o177.0.0.1/'), ['ssrf/loopback', 'ssrf/unparseable-url']);
  });

  test('every metadata spelling from dotted to dotless to mixed resolves to cloud-metadata', () => {
    for (const u of [
      'http://169.254.169.254/latest/meta-data/',
      'http://2852039166/',
      'http://0xA9.0xFE.0xA9.0xFE/',
      'http://0xa9fea9fe/',
      'http://0251.0376.0251.0376/',
      'http://0251.00376.000251.0000376/',
      'http://0251.254.169.254/',
      'http://169.254.43518/',
    ]) {
      assertRule(u, 'ssrf/cloud-metadata');
      const f = scanUrl(u).find((x) => x.rule === 'ssrf/cloud-metadata');
      assert.equal(f?.severity, 'critical');
      assert.equal(f?.mitre, 'T1552.005');
    }
  });

  test('ipv4Interpretations lists each distinct reading with the parser family', () => {
    assert.deepEqual(
      ipv4Interpretations('010.0.0.1').map((r) => r.how),
      ['whatwg', 'decimal-leading-zeros'],
    );
    assert.deepEqual(ipv4Interpretations('example'), []);
    assert.deepEqual(
      ipv4Interpretations('0x7f.1').map((r) => r.value),
      [0x7f000001],
    );
  });

  test('agrees with ipaddr.js on inet_aton-style IPv4 forms', () => {
    for (const s of ['0x7f.1', '127.1', '2130706433', '0177.0.0.1', '10.1', '0xc0.168.1', '1.2.3.4']) {
      const ours = ipv4Interpretations(s).find((r) => r.how === 'whatwg');
      assert.ok(ours, s);
      assert.equal(ipaddr.IPv4.parse(s).toString(), [24, 16, 8, 0].map((b) => (ours.value >>> b) & 255).join('.'), s);
    }
  });
});

describe('ssrf: IPv6 forms', () => {
  const cases: [string, string][] = [
    ['http://[::1]/', 'ssrf/loopback'],
    ['http://[0000::1]:80/', 'ssrf/loopback'],
    ['http://[0:0:0:0:0:0:0:1]/', 'ssrf/loopback'],
    ['http://[::]/', 'ssrf/unspecified-address'],
    ['http://[::ffff:127.0.0.1]/', 'ssrf/loopback'],
    ['http://[::ffff:7f00:1]/', 'ssrf/loopback'],
    ['http://[0:0:0:0:0:ffff:127.0.0.1]/', 'ssrf/loopback'],
    ['http://[::ffff:a9fe:a9fe]/', 'ssrf/cloud-metadata'],
    ['http://[::ffff:0:a9fe:a9fe]/', 'ssrf/cloud-metadata'],
    ['http://[::127.0.0.1]/', 'ssrf/loopback'],
    ['http://[::10.0.0.1]/', 'ssrf/private-address'],
    ['http://[64:ff9b::7f00:1]/', 'ssrf/loopback'],
    ['http://[64:ff9b::169.254.169.254]/', 'ssrf/cloud-metadata'],
    ['http://[64:ff9b:1::a00:1]/', 'ssrf/private-address'],
    ['http://[2002:7f00:1::1]/', 'ssrf/loopback'],
    ['http://[2002:c0a8:101::]/', 'ssrf/private-address'],
    ['http://[fd00:ec2::254]/', 'ssrf/cloud-metadata'],
    ['http://[fd20:ce::254]/', 'ssrf/cloud-metadata'],
    ['http://[fd12:3456::1]/', 'ssrf/private-address'],
    ['http://[fc00::1]/', 'ssrf/private-address'],
    ['http://[fe80::1]/', 'ssrf/link-local'],
    ['http://[febf::1]/', 'ssrf/link-local'],
    ['http://[fec0::1]/', 'ssrf/private-address'],
    ['http://[ff02::1]/', 'ssrf/reserved-address'],
    ['http://[2001:db8::1]/', 'ssrf/reserved-address'],
    ['http://[100::1]/', 'ssrf/reserved-address'],
  ];
  for (const [u, rule] of cases) {
    test(`flags ${u} as ${rule}`, () => assertRule(u, rule));
  }

  test('reads the Teredo client address (inverted bits) and flags an internal one', () => {
    // Client 127.0.0.1 is stored inverted: 0x80ff:0xfffe.
    assertRule('http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', 'ssrf/loopback');
    // Client 8.8.8.8 (inverted f7f7:f7f7) behind a public server: nothing internal.
    assertClean('http://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/');
  });

  test('reads zone ids (raw or %25-encoded) and fails closed because WHATWG rejects them', () => {
    assert.deepEqual(rules('http://[fe80::1%25eth0]/'), ['ssrf/link-local', 'ssrf/unparseable-url']);
  });

  test('allows public IPv6, IPv4-mapped public and NAT64 of a public address', () => {
    assertClean('http://[2606:4700:4700::1111]/');
    assertClean('http://[::ffff:8.8.8.8]/');
    assertClean('http://[64:ff9b::808:808]/');
  });

  test('parses and formats IPv6 like ipaddr.js', () => {
    for (const s of ['::1', '::', '::ffff:127.0.0.1', 'fe80::1:2', '2001:db8:0:0:1:0:0:1', '1:0:0:2::3', '64:ff9b::a9fe:a9fe', '2001:db8::']) {
      const ours = parseIPv6(s);
      assert.ok(ours, s);
      assert.equal(formatV6(ours.bytes), ipaddr.IPv6.parse(s).toRFC5952String(), s);
    }
    for (const bad of [':::', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '::1.2.3']) assert.equal(parseIPv6(bad), null, bad);
  });
});

describe('ssrf: address classes', () => {
  const cases: [string, string][] = [
    ['http://10.0.0.1/', 'ssrf/private-address'],
    ['http://192.168.1.1/', 'ssrf/private-address'],
    ['http://100.64.0.1/', 'ssrf/private-address'],
    ['http://100.127.255.254/', 'ssrf/private-address'],
    ['http://169.254.1.1/', 'ssrf/link-local'],
    ['http://0.0.0.0/', 'ssrf/unspecified-address'],
    ['http://0/', 'ssrf/unspecified-address'],
    ['http://0.1.2.3/', 'ssrf/unspecified-address'],
    ['http://224.0.0.1/', 'ssrf/reserved-address'],
    ['http://239.255.255.250/', 'ssrf/reserved-address'],
    ['http://255.255.255.255/', 'ssrf/reserved-address'],
    ['http://240.0.0.1/', 'ssrf/reserved-address'],
    ['http://198.18.0.1/', 'ssrf/reserved-address'],
    ['http://198.19.255.1/', 'ssrf/reserved-address'],
    ['http://192.0.2.1/', 'ssrf/reserved-address'],
    ['http://198.51.100.7/', 'ssrf/reserved-address'],
    ['http://203.0.113.9/', 'ssrf/reserved-address'],
    ['http://169.254.169.254/', 'ssrf/cloud-metadata'],
    ['http://169.254.170.2/v2/credentials/x', 'ssrf/cloud-metadata'],
    ['http://100.100.100.200/latest/meta-data/', 'ssrf/cloud-metadata'],
    ['http://192.0.0.192/latest/', 'ssrf/cloud-metadata'],
    ['http://168.63.129.16/machine?comp=goalstate', 'ssrf/cloud-metadata'],
  ];
  for (const [u, rule] of cases) {
    test(`flags ${u} as ${rule}`, () => {
      assertRule(u, rule);
      assert.ok(blocked(u));
    });
  }

  test('leaves public addresses and neighbours of the blocked ranges alone', () => {
    for (const u of [
      'http://8.8.8.8/',
      'http://1.1.1.1/',
      'http://172.15.255.255/',
      'http://172.32.0.1/',
      'http://100.63.255.255/',
      'http://100.128.0.1/',
      'http://169.253.1.1/',
      'http://11.0.0.1/',
      'http://198.20.0.1/',
      'http://223.255.255.255/',
    ]) {
      assertClean(u);
    }
  });
});

describe('ssrf: names', () => {
  test('flags cloud metadata names, with or without a trailing dot', () => {
    for (const h of ['metadata.google.internal', 'metadata.google.internal.', 'metadata.goog', 'metadata', 'instance-data', 'METADATA.Google.Internal', 'metadata.tencentyun.com']) {
      assertRule(`http://${h}/computeMetadata/v1/`, 'ssrf/cloud-metadata');
    }
  });

  test('flags localhost, its subdomains and hosts-file loopback names', () => {
    for (const h of ['localhost', 'LOCALHOST', 'localhost.', 'app.localhost', 'ip6-localhost', 'ip6-loopback', 'localhost.localdomain']) {
      assertRule(`http://${h}:8080/`, 'ssrf/loopback');
    }
  });

  test('flags private-use suffixes and single-label names as internal hostnames', () => {
    for (const h of ['db.internal', 'printer.local', 'nas.home.arpa', 'host.docker.internal', 'redis.default.svc', 'intranet', 'rancher', 'router.lan']) {
      assertRule(`http://${h}/`, 'ssrf/internal-hostname');
    }
  });

  test('flags names that embed an internal address (dotted, dashed, hex, IPv6-dashed) as rebinding risks', () => {
    for (const h of [
      '127.0.0.1.nip.io',
      'app.10.0.0.1.sslip.io',
      '192-168-1-1.sslip.io',
      'ip-10-0-0-7.example.com',
      '7f000001.c0a80001.rbndr.us',
      'c0a80001.example.net',
      '--1.sslip.io',
      'fe80--1.sslip.io',
      '127.0.0.1.xip.io',
    ]) {
      assertRule(`http://${h}/`, 'ssrf/rebinding-hostname');
    }
  });

  test('reports a name that embeds the metadata address as cloud-metadata', () => {
    assertRule('http://169.254.169.254.nip.io/', 'ssrf/cloud-metadata');
    assertRule('http://make-1.2.3.4-rebind-169.254-169.254-rr.1u.ms/', 'ssrf/cloud-metadata');
  });

  test('flags rebinding services, loopback-resolving domains and redirect services even without an embedded address', () => {
    assertRule('http://anything.rbndr.us/', 'ssrf/rebinding-hostname');
    assertRule('http://foo.localtest.me/', 'ssrf/rebinding-hostname');
    assertRule('http://lvh.me:3000/', 'ssrf/rebinding-hostname');
    assertRule('https://307.r3dir.me/--to/?url=x', 'ssrf/redirect-service');
  });

  test('marks a wildcard-DNS name that embeds a public address as low-severity only', () => {
    const f = scanUrl('http://8.8.8.8.nip.io/');
    assert.deepEqual(
      f.map((x) => [x.rule, x.severity]),
      [['ssrf/wildcard-dns-host', 'low']],
    );
  });

  test('does not treat a name that merely contains digits as an address', () => {
    for (const u of [
      'http://127.example.com/',
      'https://example.com/',
      'https://api.github.com/repos/a/b',
      'https://s3-us-west-2.amazonaws.com/x',
      'https://v1-2-3.example.org/',
      'https://ec2-54-12-34-56.compute-1.amazonaws.com/',
      'https://deadbeef.example.com/',
      'https://xn--bcher-kva.de/',
      'https://bücher.de/',
      'https://www.example.co.uk:8443/path?q=1#frag',
      'wss://stream.example.com/socket',
    ]) {
      assertClean(u);
    }
  });

  test('flags a trailing-dot hostname as low severity', () => {
    const f = scanUrl('https://example.com./');
    assert.deepEqual(
      f.map((x) => [x.rule, x.severity]),
      [['ssrf/trailing-dot-hostname', 'low']],
    );
  });

  test('flags look-alike Unicode and non-canonical public IPs as obfuscated-host', () => {
    assertRule('http://ⓔⓧⓐⓜⓟⓛⓔ.ⓒⓞⓜ/', 'ssrf/obfuscated-host');
    assertRule('http://0x08080808/', 'ssrf/obfuscated-host');
    assert.ok(!blocked('http://0x08080808/'));
  });

  test('classifyHost explains each classification', () => {
    assert.equal(classifyHost('127.0.0.1.nip.io').class, 'rebinding-name');
    assert.equal(classifyHost('127.example.com').class, 'public-name');
    assert.equal(classifyHost('[::ffff:127.0.0.1]').class, 'loopback');
    assert.equal(classifyHost('0x7f.1').address, '127.0.0.1');
    assert.equal(classifyHost('0x7f.1').nonCanonicalIp, true);
    assert.equal(classifyHost('metadata.google.internal.').trailingDot, true);
    assert.equal(classifyHost('').class, 'invalid');
    assert.equal(classifyHost('1..2').class, 'invalid');
    // Only a truncating parser reads 1.2.3.256 at all (as 1.2.3.0); WHATWG rejects it.
    assert.equal(classifyHost('1.2.3.256').address, '1.2.3.0');
  });
});

describe('ssrf: schemes', () => {
  for (const u of [
    'gopher://127.0.0.1:6379/_SAVE',
    'dict://127.0.0.1:11211/stats',
    'file:///etc/passwd',
    'file://\\/\\/etc/passwd',
    'jar:http://example.com!/',
    'ldap://localhost:389/',
    'ftp://example.com/file',
    'tftp://example.com/x',
    'sftp://example.com/x',
    'netdoc:///etc/passwd',
    'php://filter/resource=index.php',
    'data:text/plain,hello',
  ]) {
    test(`blocks the scheme of ${u}`, () => {
      assertRule(u, 'ssrf/scheme-not-allowed');
      assert.ok(blocked(u));
    });
  }

  test('allows http, https, ws and wss by default and honours allowSchemes', () => {
    for (const u of ['http://example.com/', 'https://example.com/', 'ws://example.com/', 'wss://example.com/']) assertClean(u);
    assertRule('https://example.com/', 'ssrf/scheme-not-allowed', { allowSchemes: ['http'] });
    assertClean('ftp://example.com/', { allowSchemes: ['ftp', 'http'] });
  });

  test('still judges the host of a blocked-scheme URL', () => {
    assert.deepEqual(rules('gopher://localhost:25/_x'), ['ssrf/loopback', 'ssrf/scheme-not-allowed']);
  });
});

describe('ssrf: parser confusion, CRLF, traversal', () => {
  test('flags userinfo that looks like a host (http://expected.com@evil.com)', () => {
    const f = scanUrl('http://expected.com@evil.com/');
    assert.deepEqual(
      f.map((x) => [x.rule, x.severity]),
      [['ssrf/userinfo-confusion', 'medium']],
    );
  });

  test('does not flag ordinary credentials in the authority', () => {
    assertClean('https://user:pass@example.com/');
  });

  test('reads the backslash trick both ways and blocks the internal reading', () => {
    const r = rules('http://example.com\\@127.0.0.1/');
    assert.ok(r.includes('ssrf/loopback'), r.join(','));
    assert.ok(r.includes('ssrf/userinfo-confusion'), r.join(','));
    const f = scanUrl('http://example.com\\@127.0.0.1/').find((x) => x.rule === 'ssrf/loopback');
    assert.match(f?.message ?? '', /curl/);
  });

  test("flags '@' after a fragment (lax parsers) when it reaches an internal host", () => {
    assertRule('http://example.com#@127.0.0.1/', 'ssrf/loopback');
  });

  test('flags raw and percent-encoded CR/LF in host and path, and CRLF pairs in the query', () => {
    for (const u of [
      'http://example.com/a%0d%0aHost:%20evil',
      'http://example.com/a%250d%250aX:1',
      'http://example.com%0d%0a.evil/',
      'http://example.com/%00',
      'http://example.com/a\r\nX-Injected: 1',
      'http://example.com/?q=1%0D%0ASet-Cookie:a=b',
      'http://example.com/%E5%98%8A%E5%98%8DSet-Cookie:x',
    ]) {
      assertRule(u, 'ssrf/crlf-injection');
    }
    assertClean('http://example.com/?text=line1%0Aline2');
  });

  test('flags ../ in every encoding as low-severity path traversal', () => {
    for (const u of [
      'http://example.com/a/../../etc/passwd',
      'http://example.com/%2e%2e/%2e%2e/etc/passwd',
      'http://example.com/..%2f..%2fetc/passwd',
      'http://example.com/%252e%252e%252fetc',
      'http://example.com/static/..\\..\\windows',
      'http://example.com/x?file=../../etc/passwd',
      'http://example.com/%c0%ae%c0%ae/etc',
      'http://example.com/..;/admin',
    ]) {
      const f = scanUrl(u).find((x) => x.rule === 'ssrf/path-traversal');
      assert.ok(f, u);
      assert.equal(f.severity, 'low');
    }
    assertClean('http://example.com/a...b/.well-known/x?v=1..2');
  });

  test('fails closed on URLs that cannot be parsed', () => {
    for (const u of ['http://[::1', 'http://exa mple.com/', 'not a url', '/relative/path', 'http://1.2.3.256/', 'http://o177.0.0.1/']) {
      assertRule(u, 'ssrf/unparseable-url');
      assert.ok(blocked(u), u);
    }
  });

  test('reports an over-long URL and keeps checking its start', () => {
    const long = `http://127.0.0.1/${'a'.repeat(100)}`;
    assert.deepEqual(rules(long, { maxUrlLength: 50 }), ['ssrf/loopback', 'ssrf/url-too-long']);
  });
});

describe('ssrf: nested URLs and segments', () => {
  test('flags an internal URL carried in a query parameter, one severity lower, except metadata stays blocking', () => {
    const f = scanUrl('https://example.com/fetch?url=http://127.0.0.1:22/');
    const lo = f.find((x) => x.rule === 'ssrf/loopback');
    assert.equal(lo?.severity, 'medium');
    const m = scanUrl('https://example.com/fetch?url=http%3A%2F%2F169.254.169.254%2Flatest').find((x) => x.rule === 'ssrf/cloud-metadata');
    assert.equal(m?.severity, 'high');
    assert.equal(m?.location, 'url|url');
  });

  test('flags a nested gopher URL', () => {
    assertRule('https://example.com/ssrf.php?url=gopher://127.0.0.1:6379/_SAVE', 'ssrf/scheme-not-allowed');
  });

  test('checks URL segments that carry a different URL and decoded layers', () => {
    const scanner = createSsrfScanner();
    const input: ScanInput = { kind: 'url', url: 'https://example.com/' };
    const seg = segmentOf('http://[::1]:8080/admin', 'url.redirect', 'url', 'egress');
    const findings = scanner.scan(viewOfSegments(input, [seg], 'https://example.com/'), TEST_CTX);
    assert.deepEqual(
      findings.map((f) => [f.rule, f.location]),
      [['ssrf/loopback', 'url.redirect']],
    );
  });

  test('ignores segment parts outside scanParts unless configured', () => {
    const input: ScanInput = { kind: 'tool-call', name: 'fetch', arguments: { url: 'http://169.254.169.254/' } };
    const seg = segmentOf('http://169.254.169.254/latest/meta-data/', 'args.$.url', 'tool-argument', 'egress');
    const view = viewOfSegments(input, [seg]);
    assert.deepEqual(createSsrfScanner().scan(view, TEST_CTX), []);
    const f = createSsrfScanner({ scanParts: ['url', 'tool-argument'] }).scan(view, TEST_CTX);
    assert.deepEqual(
      f.map((x) => [x.rule, x.location, x.severity]),
      [['ssrf/cloud-metadata', 'args.$.url', 'critical']],
    );
  });

  test('builds complete findings (scanner, category, mitre, evidence without userinfo)', () => {
    const f = scanUrl('http://admin:hunter2@10.0.0.5/');
    assert.equal(f.length, 1);
    const x = f[0]!;
    assert.equal(x.scanner, 'ssrf');
    assert.equal(x.category, 'ssrf');
    assert.equal(x.mitre, 'T1190');
    assert.equal(x.location, 'url');
    assert.ok(!x.evidence.includes('hunter2'));
    assert.ok(!x.message.includes('hunter2'));
    assert.ok(x.message.length > 20);
  });

  test('reports nothing for an input without a URL', () => {
    const input: ScanInput = { kind: 'text', text: 'hello' };
    assert.deepEqual(createSsrfScanner().scan({ input, segments: [] }, TEST_CTX), []);
  });

  test('deduplicates repeated nested URLs and caps the number of findings', () => {
    const many = `https://example.com/?${Array.from({ length: 200 }, (_, i) => `u${i}=http://10.0.${i % 250}.1/`).join('&')}`;
    const f = scanUrl(many);
    // 100 findings, then the finding that says the rest was not inspected (fail closed)
    assert.equal(f.length, 101);
    assert.equal(f[100]?.rule, 'ssrf/scan-incomplete');
    const keys = f.map((x) => `${x.rule}|${x.location}|${x.evidence}`);
    assert.equal(new Set(keys).size, keys.length);
  });
});

describe('ssrf: options', () => {
  test('allowCidrs exempts a user range but not the metadata address inside it', () => {
    assertClean('http://10.1.2.3/', { allowCidrs: ['10.0.0.0/8'] });
    assertRule('http://169.254.169.254/', 'ssrf/cloud-metadata', { allowCidrs: ['169.254.0.0/16'] });
    assertClean('http://169.254.1.1/', { allowCidrs: ['169.254.0.0/16'] });
    assertClean('http://169.254.169.254/', { allowCidrs: ['169.254.169.254/32'] });
    assertClean('http://[::ffff:10.1.2.3]/', { allowCidrs: ['10.0.0.0/8'] });
    assertClean('http://10.1.2.3.nip.io/', { allowCidrs: ['10.0.0.0/8'] });
  });

  test('allowHosts: exact names lift everything, *.suffix lifts all but metadata', () => {
    assertClean('http://api.corp.internal/', { allowHosts: ['api.corp.internal'] });
    assertClean('http://x.corp.internal/', { allowHosts: ['*.corp.internal'] });
    assertRule('http://corp.internal/', 'ssrf/internal-hostname', { allowHosts: ['*.corp.internal'] });
    assertRule('http://metadata.google.internal/', 'ssrf/cloud-metadata', { allowHosts: ['*.google.internal'] });
    assertClean('http://metadata.google.internal/', { allowHosts: ['metadata.google.internal'] });
    assertClean('http://127.0.0.1:11434/', { allowHosts: ['127.0.0.1'] });
  });

  test('an allowed host does not excuse another parser reading a different internal host', () => {
    assertRule('http://api.corp.internal\\@127.0.0.1/', 'ssrf/loopback', { allowHosts: ['api.corp.internal'] });
  });

  test('blockHosts blocks exact names and subdomains', () => {
    assertRule('https://evil.example/', 'ssrf/blocked-host', { blockHosts: ['evil.example'] });
    assertRule('https://a.b.evil.example/', 'ssrf/blocked-host', { blockHosts: ['*.evil.example'] });
    assertClean('https://notevil.example/', { blockHosts: ['*.evil.example'] });
  });

  test('blockPrivate: false allows internal targets while metadata stays blocked', () => {
    assertClean('http://127.0.0.1:8080/', { blockPrivate: false });
    assertClean('http://db.internal/', { blockPrivate: false });
    assertRule('http://169.254.169.254/', 'ssrf/cloud-metadata', { blockPrivate: false });
    assertClean('http://169.254.169.254/', { blockMetadata: false });
  });

  test('DEFAULT_SSRF_OPTIONS are the documented defaults', () => {
    assert.deepEqual(DEFAULT_SSRF_OPTIONS.allowSchemes, ['http', 'https', 'ws', 'wss']);
    assert.equal(DEFAULT_SSRF_OPTIONS.blockPrivate, true);
    assert.equal(DEFAULT_SSRF_OPTIONS.blockMetadata, true);
  });

  test('parseCidr accepts bare addresses and rejects bad prefixes', () => {
    assert.equal(parseCidr('10.0.0.0/8')?.len, 8);
    assert.equal(parseCidr('fd00::/8')?.version, 6);
    assert.equal(parseCidr('1.2.3.4')?.len, 32);
    assert.equal(parseCidr('10.0.0.0/33'), null);
    assert.equal(parseCidr('nonsense'), null);
  });
});

describe('ssrf: checkAddress', () => {
  test('blocks internal dialled addresses in every textual form', () => {
    const cases: [string, string, string][] = [
      ['127.0.0.1', 'ssrf/loopback', 'loopback'],
      ['::1', 'ssrf/loopback', 'loopback'],
      ['[::1]', 'ssrf/loopback', 'loopback'],
      ['::ffff:127.0.0.1', 'ssrf/loopback', 'loopback'],
      ['::ffff:7f00:1', 'ssrf/loopback', 'loopback'],
      ['10.0.0.1', 'ssrf/private-address', 'private'],
      ['fd00::1', 'ssrf/private-address', 'unique-local'],
      ['fe80::1%eth0', 'ssrf/link-local', 'link-local'],
      ['169.254.169.254', 'ssrf/cloud-metadata', 'metadata'],
      ['::ffff:169.254.169.254', 'ssrf/cloud-metadata', 'metadata'],
      ['fd00:ec2::254', 'ssrf/cloud-metadata', 'metadata'],
      ['0.0.0.0', 'ssrf/unspecified-address', 'unspecified'],
      ['100.64.1.1', 'ssrf/private-address', 'cgnat'],
      ['64:ff9b::a00:1', 'ssrf/private-address', 'private'],
    ];
    for (const [ip, rule, cls] of cases) {
      const r = checkAddress(ip);
      assert.equal(r.allowed, false, ip);
      assert.equal(r.rule, rule, ip);
      assert.equal(r.class, cls, ip);
      assert.ok(r.reason.length > 0);
    }
  });

  test('allows public addresses', () => {
    for (const ip of ['8.8.8.8', '2606:4700:4700::1111', '::ffff:1.1.1.1', '140.82.112.3']) {
      const r = checkAddress(ip);
      assert.equal(r.allowed, true, ip);
      assert.equal(r.class, 'public');
    }
  });

  test('fails closed on text that is not an address', () => {
    for (const bad of ['localhost', 'example.com', '', '1.2.3', '0x7f.1', '::g']) {
      const r = checkAddress(bad);
      assert.equal(r.allowed, false, bad);
      assert.equal(r.rule, 'ssrf/invalid-address');
    }
  });

  test('applies allowCidrs, including to IPv4-mapped addresses, but never to metadata via a range', () => {
    assert.equal(checkAddress('10.2.3.4', { allowCidrs: ['10.0.0.0/8'] }).allowed, true);
    assert.equal(checkAddress('::ffff:10.2.3.4', { allowCidrs: ['10.0.0.0/8'] }).allowed, true);
    assert.equal(checkAddress('169.254.169.254', { allowCidrs: ['0.0.0.0/0'] }).allowed, false);
    assert.equal(checkAddress('169.254.169.254', { blockMetadata: false }).allowed, true);
  });

  test('names the trusted entry that let an internal address through, and nothing for a public or untrusted one', () => {
    assert.equal(checkAddress('127.0.0.1', { allowCidrs: ['127.0.0.0/8'] }).trusted, 'allowCidrs 127.0.0.0/8');
    assert.equal(checkAddress('::ffff:10.2.3.4', { allowCidrs: ['10.0.0.0/8'] }).trusted, 'allowCidrs 10.0.0.0/8');
    assert.equal(checkAddress('10.1.2.3', { allowHosts: ['10.1.2.3'] }).trusted, 'allowHosts 10.1.2.3');
    assert.equal(checkAddress('169.254.169.254', { allowCidrs: ['169.254.169.254/32'] }).trusted, 'allowCidrs 169.254.169.254/32');
    assert.equal(checkAddress('8.8.8.8', { allowCidrs: ['0.0.0.0/0'] }).trusted, undefined);
    assert.equal(checkAddress('8.8.8.8', { allowHosts: ['8.8.8.8'] }).trusted, undefined);
    assert.equal(checkAddress('127.0.0.1', { blockPrivate: false }).trusted, undefined, 'not blocking private ranges at all is not a trusted entry');
    assert.equal(checkAddress('10.0.0.1', { allowCidrs: ['127.0.0.0/8'] }).trusted, undefined);
  });
});

describe('ssrf: totality and purity', () => {
  test('never throws on hostile or odd strings', () => {
    const scanner = createSsrfScanner();
    const odd = [
      '',
      ' ',
      '\u0000',
      'http://',
      'http://@',
      'http://[',
      'http://]',
      'http://::::',
      `http://${'1.'.repeat(5000)}1/`,
      `http://${'a'.repeat(70000)}.com/`,
      `http://x/${'%25'.repeat(20000)}`,
      `${'http://'.repeat(5000)}`,
      'http://\uD800/',
      'http://[fe80::1%]/',
      'http://0x/',
      `http://${'0'.repeat(5000)}/`,
    ];
    for (const s of odd) {
      assert.doesNotThrow(() => scanner.scan(urlView(s), TEST_CTX));
      assert.doesNotThrow(() => classifyHost(s));
      assert.doesNotThrow(() => checkAddress(s));
    }
  });

  test('parseUrl reports failures instead of throwing', () => {
    assert.equal(parseUrl('http://[::1').ok, false);
    const ok = parseUrl('HTTP://0x7f.1/');
    assert.ok(ok.ok && ok.url.hostname === '127.0.0.1');
  });

  test('imports no network, file or process modules', () => {
    const dir = dirname(fileURLToPath(import.meta.url));
    const forbidden = ['node:net', 'node:http', 'node:https', 'node:tls', 'node:dns', 'node:fs', 'node:child_process', 'transports/', 'evidence/'];
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      const src = readFileSync(join(dir, file), 'utf8');
      for (const line of src.split('\n')) {
        if (!line.startsWith('import') && !line.includes(' from ')) continue;
        for (const f of forbidden) assert.ok(!line.includes(`'${f}`) && !line.includes(f === 'transports/' || f === 'evidence/' ? `/${f}` : `'${f}'`), `${file}: ${line}`);
      }
    }
  });
});

describe('ssrf: internal addresses in path or query', () => {
  test('flags a dotted internal address in the path or query as medium (redirector targets)', () => {
    for (const u of ['https://redirect.example/to/169.254.169.254/latest', 'https://proxy.example/?target=10.0.0.5&port=80', 'https://r.example/redir-http-127.0.0.1:80-']) {
      const f = scanUrl(u).find((x) => x.rule === 'ssrf/internal-address-in-url');
      assert.ok(f, u);
      assert.equal(f.severity, 'medium');
    }
  });

  test('ignores public addresses, version strings and the host of a nested URL', () => {
    assertClean('https://example.com/dns/8.8.8.8');
    assertClean('https://example.com/release/1.10.0.0.1/');
    assertClean('https://example.com/v/10.0.0');
    const nested = scanUrl('https://example.com/?u=http://10.0.0.1/');
    assert.deepEqual(
      nested.map((x) => x.rule),
      ['ssrf/private-address'],
    );
  });
});

describe('ssrf: credentials are not mistaken for hosts', () => {
  test("an unencoded '@' in a password neither blocks nor echoes the password", () => {
    const f = scanUrl('https://user:pa@ss@example.com/');
    assert.ok(!f.some((x) => BLOCKING.has(x.severity)), f.map((x) => x.rule).join(','));
    for (const x of f) {
      assert.ok(!x.evidence.includes('pa@ss') && !x.message.includes('pa@ss'), x.rule);
    }
  });

  test("a naive first-'@' reading that yields an internal IP literal is still blocked", () => {
    assertRule('http://example.com:80@127.0.0.1@evil.example/', 'ssrf/loopback');
  });
});

describe('ssrf: URLs written inside tool arguments', () => {
  const tools = createSsrfScanner({ scanParts: ['url', 'tool-argument'] });
  const input: ScanInput = { kind: 'tool-call', name: 'write_file' };
  const rulesOf = (text: string): string[] => tools.scan(viewOfSegments(input, [segmentOf(text, 'tool.write_file.args.$.content', 'tool-argument', 'egress')]), TEST_CTX).map((x) => x.rule);

  test('an internal URL merely written in text (a README, an .env.example, an issue, a commit message) is not a request', () => {
    assert.deepEqual(rulesOf('## Dev\n\nRun `npm run dev` and open http://localhost:3000 in a browser.'), []);
    assert.deepEqual(rulesOf('DATABASE_URL=postgres://localhost:5432/app\nREDIS_URL=redis://127.0.0.1:6379'), []);
    assert.deepEqual(rulesOf('Steps: open http://10.0.0.5/login; the server listens on http://0.0.0.0:8080'), []);
    assert.deepEqual(rulesOf('git commit -m "fix redirect to http://127.0.0.1:8080"'), []);
  });

  test('what is dangerous wherever it is written still counts: metadata, link-local, disguised hosts', () => {
    assert.deepEqual(rulesOf('notes: http://169.254.169.254/latest/meta-data/iam is handy'), ['ssrf/cloud-metadata']);
    assert.ok(rulesOf('see http://169.254.10.1/ for the router').includes('ssrf/link-local'));
  });

  test('a network client on the same line is given the URL: judged as a request', () => {
    assert.deepEqual(rulesOf('curl -s http://localhost:3000/health'), ['ssrf/loopback']);
    assert.deepEqual(rulesOf('cd app && wget -q -O- http://10.0.0.5/admin'), ['ssrf/private-address']);
    assert.deepEqual(rulesOf('echo ok\ncurl http://192.168.1.1/ ; ls'), ['ssrf/private-address']);
    // ...but not a client named on another line.
    assert.deepEqual(rulesOf('curl is installed\nopen http://localhost:3000'), []);
  });

  test('a whole-value URL is a destination (a fetch tool\'s url), judged in full', () => {
    const f = tools.scan(viewOfSegments({ kind: 'tool-call', name: 'fetch' }, [segmentOf('http://localhost:8080/admin', 'tool.fetch.args.$.url', 'tool-argument', 'egress')]), TEST_CTX);
    assert.deepEqual(f.map((x) => x.rule), ['ssrf/loopback']);
  });
});

describe('ssrf: limits fail closed', () => {
  const tools = createSsrfScanner({ scanParts: ['url', 'tool-argument'] });
  const input: ScanInput = { kind: 'tool-call', name: 'fetch' };
  const arg = (text: string, i: number | string) => segmentOf(text, `tool.arguments.a${i}`, 'tool-argument', 'egress');
  const incomplete = (f: readonly Finding[]) => f.filter((x) => x.rule === 'ssrf/scan-incomplete');

  test('reads every tool argument: the metadata URL in the 71st is found', () => {
    const segs = Array.from({ length: 70 }, (_, i) => arg(`value ${i}`, i));
    segs.push(arg('http://169.254.169.254/latest/meta-data/', 'url'));
    const f = tools.scan(viewOfSegments(input, segs), TEST_CTX);
    assert.deepEqual(f.map((x) => x.rule), ['ssrf/cloud-metadata']);
  });

  test('reads every URL of a text: the metadata URL after 40 public ones is found', () => {
    const text = `${Array.from({ length: 40 }, (_, i) => `https://site${i}.example/`).join(' ')} http://169.254.169.254/latest/`;
    assert.deepEqual(tools.scan(viewOfSegments(input, [arg(text, 0)]), TEST_CTX).map((x) => x.rule), ['ssrf/cloud-metadata']);
  });

  test('reads every decoded layer of a segment', () => {
    const layers = Array.from({ length: 40 }, (_, i) => ({ chain: ['base64' as const], text: `see https://docs${i}.example/`, clean: `see https://docs${i}.example/`, folded: '' }));
    layers.push({ chain: ['base64'], text: 'http://169.254.169.254/', clean: 'http://169.254.169.254/', folded: '' });
    const seg = arg('x', 0);
    const f = tools.scan(viewOfSegments(input, [{ ...seg, prepared: { ...seg.prepared, layers } }]), TEST_CTX);
    assert.deepEqual(f.map((x) => x.rule), ['ssrf/cloud-metadata']);
  });

  test('reports ssrf/scan-incomplete when a text holds more URLs than one scan judges', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `https://h${i}.example/`).join('\n');
    const f = tools.scan(viewOfSegments(input, [arg(text, 0)]), TEST_CTX);
    const cut = incomplete(f);
    assert.equal(cut.length, 1);
    assert.deepEqual([cut[0]?.severity, cut[0]?.category, cut[0]?.mitre, cut[0]?.evidence, cut[0]?.location], ['high', 'limits', 'T1027', '', 'tool.arguments.a0']);
  });

  test('reports scan-incomplete for a URL longer than any parser is handed', () => {
    const huge = `https://example.com/?q=${'a'.repeat((1 << 20) + 10)}`;
    const f = tools.scan(viewOfSegments(input, [arg(huge, 0)]), TEST_CTX);
    assert.equal(incomplete(f).length, 1, f.map((x) => x.rule).join(','));
  });

  test('does not report scan-incomplete for ordinary tool calls', () => {
    const segs = Array.from({ length: 300 }, (_, i) => arg(i % 10 === 0 ? `see https://docs.example/page/${i}` : `value ${i}`, i));
    assert.deepEqual(tools.scan(viewOfSegments(input, segs), TEST_CTX), []);
  });

  test('reads the whole path for internal addresses, past hundreds of other numbers', () => {
    assertRule(`https://proxy.example/${'7/'.repeat(400)}10.0.0.1/`, 'ssrf/internal-address-in-url');
    assertRule(`https://proxy.example/${'a'.repeat(9000)}/..%2f..%2fetc/passwd`, 'ssrf/path-traversal', { maxUrlLength: 16_384 });
  });

  test('never echoes the userinfo it reports, which may be a credential', () => {
    const f = scanUrl('http://ghp.tokenvalue.example@10.0.0.1/');
    const u = f.find((x) => x.rule === 'ssrf/userinfo-confusion' && x.evidence.startsWith('userinfo'));
    assert.ok(u, JSON.stringify(f));
    for (const x of f) {
      assert.ok(!x.evidence.includes('tokenvalue'), x.evidence);
      assert.ok(!x.message.includes('tokenvalue'), x.message);
    }
  });
});
