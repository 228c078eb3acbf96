// Transfer codings other than chunked. Node's parser accepts `Transfer-Encoding: gzip, chunked` (any
// list that ends in chunked) and takes only the chunking off, so the body a handler reads is still
// gzip-coded, and the label saying so is a hop-by-hop header that is never forwarded: a key inside
// would be scanned compressed (unseen) and reach the upstream. Every HTTP listener refuses such a
// request (400, engine/malformed-request) before anything is sent (a WebSocket handshake with any
// Transfer-Encoding too: Node would hand its body over as frames); an upstream answer with one is
// blocked (502, engine/unsupported-encoding), never relayed unscanned.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { gzipSync } from 'node:zlib';
import type { DecisionEvent } from '../../core/index.ts';
import { encodedBody } from '../mcp/http/inspect.ts';
import { startMcpHttpProxy } from '../mcp/http/server.ts';
import { createUpstream } from '../mcp/http/upstream.ts';
import { startReverse } from '../reverse/server.ts';
import { onlyChunked } from './headers.ts';
import { interceptingYaml, openTunnel, raw, rawUpstream, startHttpsUpstream, startInterceptingTestProxy, startTestProxy, startUpstream, testContext, type TestProxy, type Upstream } from './testing.ts';
import { mintLeaf } from './tls/index.ts';
import { createTestCa } from './tls/testing.ts';

const AWS_KEY = 'AKIAZ7QW4ERT5YUI6OPA';
const GZ = gzipSync(Buffer.from(`key=${AWS_KEY}`));
const BASE = 'scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\ndns:\n  overrides:\n    upstream.test: 127.0.0.1\n';

/** A chunked body of one chunk, then the last chunk. */
function chunked(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
}

/** Waits (bounded) until `cond` holds: the refusal's event is recorded as the answer is written. */
async function settle(cond: () => boolean): Promise<void> {
  // Bounded by time, not by a count of 10 ms sleeps: on a loaded machine the event comes late, not never.
  const deadline = Date.now() + 20_000;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/**
 * The refusal every listener gives: 400 with the marker naming engine/malformed-request, and one
 * event; by Tollgate's check (location header.transfer-encoding) unless `byParser` (llhttp refuses
 * some lists itself, `chunked, chunked`).
 */
function assertRefused(text: string, events: readonly DecisionEvent[], byParser = false): void {
  assert.match(text, /^HTTP\/1\.1 400 /, text.slice(0, 300));
  assert.match(text, /\r\nx-tollgate-blocked: 1\r\n/);
  assert.match(text, /\r\nx-tollgate-block: engine\/malformed-request\r\n/);
  assert.equal(events.length, 1, JSON.stringify(events.map((e) => [e.type, e.action])));
  assert.equal(events[0]?.action, 'block');
  assert.deepEqual(events[0]?.findings.map((f) => [f.rule, f.location]), [['engine/malformed-request', byParser ? 'request' : 'header.transfer-encoding']]);
}

describe('onlyChunked', () => {
  it('is true for chunked alone, in any case and with whitespace around it; false for every list', () => {
    for (const v of ['chunked', 'Chunked', 'CHUNKED', ' chunked ', '\tchunked']) assert.equal(onlyChunked(v), true, v);
    for (const v of ['gzip, chunked', 'chunked, chunked', 'identity, chunked', 'gzip,chunked', 'chunked,', 'xchunked', 'chunked gzip', '', 'gzip']) assert.equal(onlyChunked(v), false, v);
    assert.equal(onlyChunked(['chunked']), false);
  });
});

describe('a request with a transfer coding other than chunked is refused before anything is sent', () => {
  let up: Upstream;
  let proxy: TestProxy;
  let host: string;
  before(async () => {
    up = await startUpstream((_req, res) => res.end('upstream ok'));
    proxy = await startTestProxy(`${BASE}proxy:\n  connect:\n    allowPorts: [${up.port}]\n`);
    host = `upstream.test:${up.port}`;
  });
  after(async () => {
    await proxy.close();
    await up.close();
  });

  const codings: [string, string][] = [
    ['gzip, chunked (a gzip body carrying a key)', 'Transfer-Encoding: gzip, chunked\r\n'],
    ['GZIP , Chunked', 'Transfer-Encoding: GZIP , Chunked\r\n'],
    ['deflate, chunked', 'Transfer-Encoding: deflate, chunked\r\n'],
    ['identity, chunked', 'Transfer-Encoding: identity, chunked\r\n'],
    // llhttp refuses this one itself (chunked applied twice).
    ['chunked, chunked', 'Transfer-Encoding: chunked, chunked\r\n'],
    ['two lines, gzip then chunked', 'Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n'],
  ];
  for (const [name, te] of codings) {
    it(`forward proxy: ${name}`, async () => {
      const seen = up.seen.length;
      const events = proxy.events.length;
      const r = await raw(proxy.server.port, [`POST http://${host}/e HTTP/1.1\r\nHost: ${host}\r\n${te}\r\n`, chunked(GZ)]);
      assert.ok(r.closed, 'the proxy closed the connection');
      await settle(() => proxy.events.length > events);
      assertRefused(r.text, proxy.events.slice(events), name === 'chunked, chunked');
      assert.equal(up.seen.length, seen, 'the upstream received nothing');
    });
  }

  it('forward proxy: chunked alone, in another case and with whitespace, is read and forwarded as before', async () => {
    const seen = up.seen.length;
    const r = await raw(proxy.server.port, [`POST http://${host}/e HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding:  Chunked \r\nConnection: close\r\n\r\n`, chunked(Buffer.from('plain words'))]);
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.equal(up.seen.length, seen + 1);
    assert.equal(up.seen.at(-1)?.body, 'plain words');
  });

  it('forward proxy: a key sent chunked but uncompressed is still blocked (the check is not a way round the scan)', async () => {
    const seen = up.seen.length;
    const r = await raw(proxy.server.port, [`POST http://${host}/e HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`, chunked(Buffer.from(`key=${AWS_KEY}`))]);
    assert.equal(r.status, 403);
    assert.equal(up.seen.length, seen);
  });

  it('forward proxy: a WebSocket upgrade with a Transfer-Encoding (a handshake has no body)', async () => {
    const seen = up.seen.length;
    const events = proxy.events.length;
    const r = await raw(proxy.server.port, [
      `GET ws://${host}/socket HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nTransfer-Encoding: gzip, chunked\r\n\r\n`,
      chunked(GZ),
    ]);
    assert.ok(r.closed);
    await settle(() => proxy.events.length > events);
    assertRefused(r.text, proxy.events.slice(events));
    assert.equal(up.seen.length, seen, 'the upstream received nothing');
  });

  it('forward proxy: a WebSocket upgrade that declares a body with Content-Length (its bytes would pass as frames)', async () => {
    const seen = up.seen.length;
    const events = proxy.events.length;
    const body = Buffer.from(`key=${AWS_KEY}`);
    const r = await raw(proxy.server.port, [
      `GET ws://${host}/socket HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    ]);
    assert.ok(r.closed);
    await settle(() => proxy.events.length > events);
    assert.match(r.text, /^HTTP\/1\.1 400 /, r.text.slice(0, 300));
    assert.match(r.text, /\r\nx-tollgate-block: engine\/malformed-request\r\n/);
    assert.deepEqual(proxy.events.slice(events).map((e) => e.findings.map((f) => [f.rule, f.location])), [[['engine/malformed-request', 'header.content-length']]]);
    assert.equal(up.seen.length, seen, 'the upstream received nothing');
  });

  it('HTTP inside a CONNECT tunnel', async () => {
    const seen = up.seen.length;
    const events = proxy.events.length;
    const s = await openTunnel(proxy.server.port, host);
    const events0 = proxy.events.length;
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('error', () => undefined);
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    s.write(Buffer.concat([Buffer.from(`POST /e HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: gzip, chunked\r\n\r\n`), chunked(GZ)]));
    await closed;
    await settle(() => proxy.events.some((e, i) => i >= events0 && e.type === 'request'));
    assertRefused(text, proxy.events.slice(events0).filter((e) => e.type === 'request'));
    assert.ok(proxy.events.length > events);
    assert.equal(up.seen.length, seen, 'the upstream received nothing');
  });

  it('the reverse proxy', async () => {
    const { ctx, events } = testContext(BASE);
    const rev = await startReverse(ctx, { upstream: `http://127.0.0.1:${up.port}`, listen: { host: '127.0.0.1', port: 0 } });
    try {
      const seen = up.seen.length;
      const r = await raw(rev.port, [`POST /e HTTP/1.1\r\nHost: 127.0.0.1:${rev.port}\r\nTransfer-Encoding: gzip, chunked\r\n\r\n`, chunked(GZ)]);
      assert.ok(r.closed);
      await settle(() => events.length > 0);
      assertRefused(r.text, events);
      assert.equal(up.seen.length, seen, 'the upstream received nothing');
    } finally {
      await rev.close();
    }
  });

  it('the MCP Streamable HTTP listener', async () => {
    const { ctx, events } = testContext(BASE);
    const mcpUp = await startUpstream((_req, res) => res.end('{}'));
    const mcp = await startMcpHttpProxy({
      ctx,
      upstream: createUpstream({ ctx, url: new URL(`http://127.0.0.1:${mcpUp.port}/mcp`), headers: {}, transport: 'mcp-http' }),
      listen: { host: '127.0.0.1', port: 0 },
      serverIdentity: 'http:stub',
      serverLabel: 'stub',
      pinId: 'stub',
    });
    try {
      const port = Number(new URL(mcp.url).port);
      const body = gzipSync(Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { key: AWS_KEY } })));
      const r = await raw(port, [
        `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nTransfer-Encoding: gzip, chunked\r\n\r\n`,
        chunked(body),
      ]);
      assert.ok(r.closed);
      await settle(() => events.length > 0);
      assertRefused(r.text, events);
      assert.equal(events[0]?.transport, 'mcp-http');
      assert.equal(mcpUp.seen.length, 0, 'the MCP server received nothing');
    } finally {
      await mcp.close();
      await mcpUp.close();
    }
  });
});

describe('inside an intercepted TLS tunnel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-te-'));
  let up: Upstream;
  let proxy: TestProxy;
  let caPem: string;
  before(async () => {
    const tollgateCa = await createTestCa(dir, 'tollgate');
    const upstreamCa = await createTestCa(dir, 'upstream-ca');
    const leaf = await mintLeaf(upstreamCa.ca, 'upstream.test');
    caPem = tollgateCa.certPem;
    up = await startHttpsUpstream((_req, res) => res.end('upstream ok'), { cert: leaf.certPem, key: leaf.keyPem });
    proxy = await startInterceptingTestProxy(interceptingYaml({ ports: [up.port], caCert: tollgateCa.certFile, caKey: tollgateCa.keyFile, extraCaFile: upstreamCa.certFile }), dir);
  });
  after(async () => {
    await proxy.close();
    await up.close();
  });

  it('refuses a gzip, chunked request body; the upstream receives nothing', async () => {
    const rawTunnel = await openTunnel(proxy.server.port, `upstream.test:${up.port}`);
    const t = tlsConnect({ socket: rawTunnel, servername: 'upstream.test', ca: caPem });
    await new Promise<void>((r, j) => t.once('secureConnect', () => r()).once('error', j));
    const events0 = proxy.events.length;
    let text = '';
    t.on('data', (d: Buffer) => (text += d.toString('latin1')));
    t.on('error', () => undefined);
    const closed = new Promise<void>((r) => t.once('close', () => r()));
    t.write(Buffer.concat([Buffer.from(`POST /e HTTP/1.1\r\nHost: upstream.test:${up.port}\r\nTransfer-Encoding: gzip, chunked\r\n\r\n`), chunked(GZ)]));
    await closed;
    await settle(() => proxy.events.some((e, i) => i >= events0 && e.type === 'request'));
    assertRefused(text, proxy.events.slice(events0).filter((e) => e.type === 'request'));
    assert.equal(up.seen.length, 0, 'the upstream received nothing');
  });
});


describe('an upstream answer with a transfer coding other than chunked is blocked, never relayed unscanned', () => {
  const answer = (type: string): Buffer => Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nTransfer-Encoding: gzip, chunked\r\n\r\n`), chunked(GZ)]);

  for (const type of ['text/plain', 'text/event-stream']) {
    it(`forward proxy (${type}): 502, engine/unsupported-encoding, no byte of the body`, async () => {
      const up = await rawUpstream(answer(type));
      const proxy = await startTestProxy(BASE);
      try {
        const r = await raw(proxy.server.port, [`GET http://upstream.test:${up.port}/ HTTP/1.1\r\nHost: upstream.test:${up.port}\r\nConnection: close\r\n\r\n`]);
        assert.equal(r.status, 502, r.text.slice(0, 300));
        assert.match(r.text, /\r\nx-tollgate-block: engine\/unsupported-encoding\r\n/);
        assert.ok(!r.text.includes(GZ.subarray(10, 20).toString('latin1')), 'compressed bytes reached the client');
        const responses = proxy.events.filter((e) => e.type === 'response');
        assert.equal(responses.length, 1);
        assert.equal(responses[0]?.action, 'block');
        assert.equal(responses[0]?.findings[0]?.location, 'response.header.transfer-encoding');
      } finally {
        await proxy.close();
        await up.close();
      }
    });
  }

  it('in audit mode too (framing, not a finding to audit)', async () => {
    const up = await rawUpstream(answer('text/plain'));
    const proxy = await startTestProxy(`mode: audit\n${BASE}`);
    try {
      const r = await raw(proxy.server.port, [`GET http://upstream.test:${up.port}/ HTTP/1.1\r\nHost: upstream.test:${up.port}\r\nConnection: close\r\n\r\n`]);
      assert.equal(r.status, 502, r.text.slice(0, 300));
      assert.equal(proxy.events.filter((e) => e.type === 'response').at(-1)?.action, 'block');
    } finally {
      await proxy.close();
      await up.close();
    }
  });

  it('/fetch: 502, engine/unsupported-encoding', async () => {
    const up = await rawUpstream(answer('text/plain'));
    const proxy = await startTestProxy(BASE);
    try {
      const r = await fetch(`${proxy.server.url}/fetch?url=${encodeURIComponent(`http://upstream.test:${up.port}/page`)}`);
      const body = (await r.json()) as { text?: string; verdict: { findings: { rule: string }[] } };
      assert.equal(r.status, 502);
      assert.equal(body.text, undefined);
      assert.ok(body.verdict.findings.some((f) => f.rule === 'engine/unsupported-encoding'));
      assert.equal(proxy.events.at(-1)?.action, 'block');
    } finally {
      await proxy.close();
      await up.close();
    }
  });

  it('MCP over HTTP: an upstream message with such a coding is not read (encodedBody)', () => {
    const res = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;
    assert.equal(encodedBody(res({ 'transfer-encoding': 'gzip, chunked' })), 'transfer coding gzip, chunked');
    assert.equal(encodedBody(res({ 'transfer-encoding': 'chunked' })), undefined);
    assert.equal(encodedBody(res({ 'content-encoding': 'gzip' })), 'content coding gzip');
  });
});
