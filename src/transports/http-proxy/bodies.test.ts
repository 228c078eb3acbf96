import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { bodiless, decodeContent, readBody, readBodyNow } from './bodies.ts';

describe('bodiless', () => {
  it('is true only for a request framed without a body', () => {
    assert.equal(bodiless({ host: 'a.test' }), true);
    assert.equal(bodiless({ 'content-length': '0' }), true);
    assert.equal(bodiless({ 'content-length': '5' }), false);
    assert.equal(bodiless({ 'content-length': '00' }), false);
    assert.equal(bodiless({ 'transfer-encoding': 'chunked' }), false);
    assert.equal(bodiless({ 'transfer-encoding': 'chunked', 'content-length': '0' }), false);
  });
});

describe('readBody', () => {
  it('hands back a body that came in one chunk without copying it', async () => {
    const s = new PassThrough();
    const chunk = Buffer.from('one piece');
    const p = readBody(s, 100, 5000);
    s.end(chunk);
    const r = await p;
    assert.ok(r.ok);
    assert.equal(r.body, chunk);
  });

  it('joins a body that came in several chunks', async () => {
    const s = new PassThrough();
    const p = readBody(s, 100, 5000);
    s.write(Buffer.from('first '));
    s.write(Buffer.from('second'));
    s.end();
    const r = await p;
    assert.ok(r.ok);
    assert.equal(r.body.toString(), 'first second');
  });

  it('still refuses a body over the limit', async () => {
    const s = new PassThrough();
    const p = readBody(s, 4, 5000);
    s.end(Buffer.from('too long'));
    const r = await p;
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'too-large');
  });
});

/** A paused stream holding `chunks` and, when `complete`, its end: a message the parser has seen whole, or only in part. */
function message(chunks: string[], complete: boolean): Readable & { complete: boolean } {
  const s = Object.assign(new Readable({ read() {} }), { complete });
  for (const c of chunks) s.push(Buffer.from(c));
  if (complete) s.push(null);
  return s;
}

describe('readBody on a stream torn down before the read began', () => {
  it('reports it aborted at once instead of waiting for the timeout', async () => {
    const s = new PassThrough();
    s.destroy();
    const r = await readBody(s, 100, 60_000);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'aborted');
  });
});

describe('readBodyNow', () => {
  it('takes a body that has arrived whole, all its chunks, and lets the stream end', async () => {
    const s = message(['first ', 'second'], true);
    const ended = new Promise<void>((resolve) => s.once('end', resolve));
    const r = readBodyNow(s, 100);
    assert.ok(r?.ok);
    assert.equal(r.body.toString(), 'first second');
    await ended;
  });

  it('leaves a body still arriving to readBody, which still gets every byte of it', async () => {
    const s = message(['first '], false);
    assert.equal(readBodyNow(s, 100), null);
    const p = readBody(s, 100, 5000);
    s.push(Buffer.from('second'));
    s.push(null);
    const r = await p;
    assert.ok(r.ok);
    assert.equal(r.body.toString(), 'first second');
  });

  it('leaves a whole body over the limit to readBody, which refuses it', async () => {
    const s = message(['too ', 'long'], true);
    assert.equal(readBodyNow(s, 7), null);
    const r = await readBody(s, 7, 5000);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'too-large');
  });

  it('does not take from a stream something else is already reading', () => {
    const s = message(['data'], true);
    s.on('data', () => undefined);
    assert.equal(readBodyNow(s, 100), null);
  });
});

describe('decodeContent', () => {
  it('passes a body without Content-Encoding through as it is', () => {
    const body = Buffer.from('plain');
    const d = decodeContent(body, undefined, 1000);
    assert.ok(d.ok);
    assert.equal(d.body, body);
    assert.deepEqual(d.codings, []);
  });

  const text = Buffer.from('a body long enough to compress, '.repeat(40));
  const cut = (b: Buffer): Buffer => b.subarray(0, b.length - 10);
  for (const [coding, encode] of [
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['deflate (raw)', deflateRawSync],
    ['br', brotliCompressSync],
  ] as const) {
    const header = coding.split(' ')[0] as string;
    it(`names a ${coding} stream that ends early engine/body-truncated, and decodes it whole`, () => {
      const whole = decodeContent(encode(text), header, 1 << 20);
      assert.ok(whole.ok);
      assert.equal(whole.body.toString(), text.toString());
      const d = decodeContent(cut(encode(text)), header, 1 << 20);
      assert.ok(!d.ok);
      assert.equal(d.rule, 'engine/body-truncated');
      assert.match(d.reason, /truncated/);
    });
  }

  it('keeps engine/unsupported-encoding for corrupt data, an unknown coding and the size cap', () => {
    const corrupt = Buffer.from(gzipSync(text));
    corrupt[20] = (corrupt[20] as number) ^ 0xff;
    for (const d of [decodeContent(corrupt, 'gzip', 1 << 20), decodeContent(text, 'zstd', 1 << 20), decodeContent(gzipSync(text), 'gzip', 100)]) {
      assert.ok(!d.ok);
      assert.equal(d.rule, 'engine/unsupported-encoding');
    }
  });
});
