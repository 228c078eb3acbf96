import assert from 'node:assert/strict';
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
