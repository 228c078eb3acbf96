import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { bodiless, decodeContent, readBody } from './bodies.ts';

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

describe('decodeContent', () => {
  it('passes a body without Content-Encoding through as it is', () => {
    const body = Buffer.from('plain');
    const d = decodeContent(body, undefined, 1000);
    assert.ok(d.ok);
    assert.equal(d.body, body);
    assert.deepEqual(d.codings, []);
  });
});
