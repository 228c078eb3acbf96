import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { parseConfig } from '../../config/index.ts';
import { createResolver, DNS_CACHE_MAX_ENTRIES } from './resolver.ts';

/** A scripted system lookup: answers from `answers` (by call count when a list), counting calls. */
function fakeLookup(answer: (host: string, call: number) => string[] | Error) {
  const calls: string[] = [];
  return {
    calls,
    lookup: async (host: string): Promise<string[]> => {
      calls.push(host);
      const a = answer(host, calls.length);
      if (a instanceof Error) throw a;
      return a;
    },
  };
}

const base = { overrides: {}, servers: [], timeoutMs: 1000 };

describe('resolver answer cache', () => {
  it('reuses an answer within cacheTtlMs and looks the name up again after it', async () => {
    let t = 0;
    const f = fakeLookup((_h, n) => (n === 1 ? ['93.184.216.34'] : ['169.254.169.254']));
    const r = createResolver({ ...base, cacheTtlMs: 2000 }, { lookup: f.lookup, now: () => t });
    assert.deepEqual(await r.resolve('Example.com'), ['93.184.216.34']);
    t = 1999;
    assert.deepEqual(await r.resolve('example.com'), ['93.184.216.34']);
    assert.equal(f.calls.length, 1);
    t = 2000;
    // The new answer is returned as it is: the caller checks it (a rebinding answer is refused there).
    assert.deepEqual(await r.resolve('example.com'), ['169.254.169.254']);
    assert.equal(f.calls.length, 2);
  });

  it('looks every call up when cacheTtlMs is 0', async () => {
    const f = fakeLookup(() => ['93.184.216.34']);
    const r = createResolver({ ...base, cacheTtlMs: 0 }, { lookup: f.lookup, now: () => 0 });
    await r.resolve('example.com');
    await r.resolve('example.com');
    assert.equal(f.calls.length, 2);
  });

  it('never keeps a failed lookup', async () => {
    const f = fakeLookup((_h, n) => (n === 1 ? new Error('SERVFAIL') : ['93.184.216.34']));
    const r = createResolver({ ...base, cacheTtlMs: 2000 }, { lookup: f.lookup, now: () => 0 });
    await assert.rejects(r.resolve('example.com'), /SERVFAIL/);
    assert.deepEqual(await r.resolve('example.com'), ['93.184.216.34']);
    assert.equal(f.calls.length, 2);
  });

  it('shares one lookup between calls for the same name in flight at once', async () => {
    const f = fakeLookup(() => ['93.184.216.34', '2606:2800:220:1::']);
    const r = createResolver({ ...base, cacheTtlMs: 2000 }, { lookup: f.lookup, now: () => 0 });
    const all = await Promise.all([r.resolve('example.com'), r.resolve('example.com'), r.resolve('EXAMPLE.com')]);
    assert.equal(f.calls.length, 1);
    for (const a of all) assert.deepEqual(a, ['93.184.216.34', '2606:2800:220:1::']);
  });

  it('hands out copies: a caller changing its answer does not change the kept one', async () => {
    const f = fakeLookup(() => ['93.184.216.34']);
    const r = createResolver({ ...base, cacheTtlMs: 2000 }, { lookup: f.lookup, now: () => 0 });
    const a = await r.resolve('example.com');
    a[0] = '127.0.0.1';
    assert.deepEqual(await r.resolve('example.com'), ['93.184.216.34']);
  });

  it(`keeps at most ${DNS_CACHE_MAX_ENTRIES} names, dropping the oldest first`, async () => {
    const f = fakeLookup(() => ['93.184.216.34']);
    const r = createResolver({ ...base, cacheTtlMs: 60_000 }, { lookup: f.lookup, now: () => 0 });
    for (let i = 0; i <= DNS_CACHE_MAX_ENTRIES; i++) await r.resolve(`h${i}.example`);
    assert.equal(f.calls.length, DNS_CACHE_MAX_ENTRIES + 1);
    await r.resolve(`h${DNS_CACHE_MAX_ENTRIES}.example`);
    assert.equal(f.calls.length, DNS_CACHE_MAX_ENTRIES + 1, 'the newest name is still kept');
    await r.resolve('h0.example');
    assert.equal(f.calls.length, DNS_CACHE_MAX_ENTRIES + 2, 'the oldest name was dropped');
  });

  it('does not cache overrides or IP literals (they never reach the lookup)', async () => {
    const f = fakeLookup(() => ['93.184.216.34']);
    const r = createResolver({ ...base, overrides: { 'up.test': '127.0.0.1' }, cacheTtlMs: 2000 }, { lookup: f.lookup });
    assert.deepEqual(await r.resolve('up.test'), ['127.0.0.1']);
    assert.deepEqual(await r.resolve('[::1]'), ['::1']);
    assert.equal(f.calls.length, 0);
  });

  it('defaults dns.cacheTtlMs to 2000', () => {
    assert.equal(parseConfig('{}').config.dns.cacheTtlMs, 2000);
  });
});

describe('resolveNow', () => {
  it('answers at once for an address literal, an override and a fresh cached answer, and not for a name it must look up', async () => {
    let t = 0;
    const f = fakeLookup(() => ['93.184.216.34']);
    const r = createResolver({ ...base, overrides: { 'pinned.test': '10.0.0.7' }, cacheTtlMs: 2000 }, { lookup: f.lookup, now: () => t });
    assert.deepEqual(r.resolveNow?.('127.0.0.1'), ['127.0.0.1']);
    assert.deepEqual(r.resolveNow?.('[::1]'), ['::1']);
    assert.deepEqual(r.resolveNow?.('Pinned.test'), ['10.0.0.7']);
    assert.equal(r.resolveNow?.('example.com'), undefined);
    assert.equal(f.calls.length, 0);
    await r.resolve('example.com');
    assert.deepEqual(r.resolveNow?.('EXAMPLE.com'), ['93.184.216.34']);
    // An expired answer is not reused: the name must be looked up again.
    t = 2000;
    assert.equal(r.resolveNow?.('example.com'), undefined);
    assert.equal(f.calls.length, 1);
  });

  it('never answers from a cache when cacheTtlMs is 0', async () => {
    const f = fakeLookup(() => ['93.184.216.34']);
    const r = createResolver({ ...base, cacheTtlMs: 0 }, { lookup: f.lookup, now: () => 0 });
    await r.resolve('example.com');
    assert.equal(r.resolveNow?.('example.com'), undefined);
  });
});

/** A loopback UDP DNS stub: answers every A query with 127.0.0.1 (and AAAA with no address), or stays silent. */
async function dnsStub(silent: boolean): Promise<{ port: number; queries: () => number; close: () => Promise<void> }> {
  const sock = dgram.createSocket('udp4');
  let n = 0;
  sock.on('message', (msg, from) => {
    n++;
    if (silent || msg.length < 17) return;
    let i = 12;
    while (i < msg.length && msg[i] !== 0) i += 1 + (msg[i] as number);
    const question = msg.subarray(12, i + 5);
    const qtype = msg.readUInt16BE(i + 1);
    const header = Buffer.from([msg[0] as number, msg[1] as number, 0x81, 0x80, 0, 1, 0, qtype === 1 ? 1 : 0, 0, 0, 0, 0]);
    const answer = qtype === 1 ? Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]) : Buffer.alloc(0);
    sock.send(Buffer.concat([header, question, answer]), from.port, from.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  return { port: sock.address().port, queries: () => n, close: () => new Promise<void>((resolve) => sock.close(() => resolve())) };
}

describe('dns.servers', () => {
  it('asks the next listed resolver when one does not answer, within the overall timeout', async () => {
    const silent = await dnsStub(true);
    const live = await dnsStub(false);
    try {
      // Each gets half of the 8 s: the live one has 4 s to answer after it is asked, which no pause of
      // a loaded machine uses up (with 2 s, a 1 s pause could let the overall timeout fire first).
      const r = createResolver({ overrides: {}, servers: [`127.0.0.1:${silent.port}`, `127.0.0.1:${live.port}`], timeoutMs: 8000 });
      // Resolving at all proves the second was asked within the overall timeout (past it, resolve rejects).
      assert.deepEqual(await r.resolve('up.example'), ['127.0.0.1']);
      assert.ok(silent.queries() > 0, 'the first resolver was asked first');
      assert.ok(live.queries() > 0);
    } finally {
      await silent.close();
      await live.close();
    }
  });

  it('fails closed, within the overall timeout, when no listed resolver answers', async () => {
    const a = await dnsStub(true);
    const b = await dnsStub(true);
    try {
      // Each gets half of the 3 s: generous, so a loaded machine's pauses do not stop the second from
      // being asked before the overall timeout (no timing is asserted; the rejection is the bound).
      const r = createResolver({ overrides: {}, servers: [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`], timeoutMs: 3000 });
      await assert.rejects(r.resolve('up.example'));
      // The second query was sent before the rejection; after a pause it may reach the stub only
      // after it (bounded wait: a query never sent fails the test).
      for (const end = Date.now() + 20_000; b.queries() === 0 && Date.now() < end; ) await new Promise((res) => setTimeout(res, 10));
      assert.ok(a.queries() > 0 && b.queries() > 0, 'both were asked');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
