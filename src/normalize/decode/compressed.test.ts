import assert from 'node:assert/strict';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { DEFAULT_NORMALIZE_LIMITS } from '../types.ts';
import { decodeLayers } from './layers.ts';
import { printableStrings } from './compressed.ts';

const KEY = 'AKIAZ7QW4ERT5YUI6OPA';

/** Deterministic pseudo-random bytes (an LCG), so a failure can be replayed. */
function bytesFrom(seed: number): (n: number) => Buffer {
  let s = seed >>> 0;
  return (n) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      out[i] = s >>> 24;
    }
    return out;
  };
}
const PROSE = 'The quarterly report is attached; please review the figures before the meeting on Friday.';

function layersOf(text: string, limits = DEFAULT_NORMALIZE_LIMITS): { chains: string[]; texts: string[]; truncated: boolean } {
  const r = decodeLayers(text, [], limits);
  return { chains: r.layers.map((l) => l.chain.join('|')), texts: r.layers.map((l) => l.text), truncated: r.truncated };
}

function layerWith(text: string, needle: string): string | undefined {
  const r = decodeLayers(text, [], DEFAULT_NORMALIZE_LIMITS);
  return r.layers.find((l) => l.text.includes(needle))?.chain.join('|');
}

describe('compressed streams inside base64 and hex', () => {
  it('inflates gzip and zlib inside base64, base64url and hex, wherever the run sits in the text', () => {
    const secret = `aws_access_key_id = ${KEY}`;
    assert.equal(layerWith(gzipSync(secret).toString('base64'), KEY), 'base64|gzip');
    assert.equal(layerWith(`{"data":"${gzipSync(secret).toString('base64url')}"}`, KEY), 'base64|gzip');
    assert.equal(layerWith(`payload=${deflateSync(secret).toString('base64')}&x=1`, KEY), 'base64|zlib');
    assert.equal(layerWith(deflateSync(secret, { level: 1 }).toString('base64'), KEY), 'base64|zlib');
    assert.equal(layerWith(deflateSync(secret, { level: 9 }).toString('base64'), KEY), 'base64|zlib');
    assert.equal(layerWith(gzipSync(secret).toString('hex'), KEY), 'hex|gzip');
    assert.equal(layerWith(gzipSync(secret).toString('hex').toUpperCase(), KEY), 'hex|gzip');
    assert.equal(layerWith(deflateSync(secret).toString('hex'), KEY), 'hex|zlib');
    // glued after other base64 characters, and base64 of base64 of gzip
    assert.equal(layerWith(`QUJD${gzipSync(secret).toString('base64')}`, KEY), 'base64|gzip');
    assert.equal(layerWith(Buffer.from(gzipSync(secret).toString('base64')).toString('base64'), KEY), 'base64|base64|gzip');
  });

  it('gives the printable strings of binary output (a tar archive holding a credentials file)', () => {
    const tar = Buffer.concat([Buffer.alloc(100), Buffer.from('.aws/credentials'), Buffer.alloc(140), Buffer.from(`[default]\naws_access_key_id=${KEY}\n`), Buffer.alloc(300)]);
    assert.equal(layerWith(gzipSync(tar).toString('base64'), KEY), 'base64|gzip');
    assert.equal(printableStrings(Uint8Array.from([0, 1, 2, 0x41, 0x42, 0]), 16), null);
  });

  it('marks a stream cut short as truncated, after reading what it holds', () => {
    const g = gzipSync(`token ${KEY}\n${PROSE}`);
    const cut = layersOf(g.subarray(0, g.length - 8).toString('base64'));
    assert.ok(cut.texts.some((t) => t.includes(KEY)), 'the part that arrived is read');
    assert.equal(cut.truncated, true);
    assert.equal(layersOf(g.toString('base64')).truncated, false, 'the whole stream is not truncated');
  });

  it('marks a stream whose output passes the decoded-size budget as truncated (a decompression bomb)', () => {
    const bomb = gzipSync(Buffer.alloc(4 << 20, 0x41)).toString('base64');
    const r = layersOf(bomb, { ...DEFAULT_NORMALIZE_LIMITS, maxDecodedChars: 1 << 20 });
    assert.equal(r.truncated, true);
    assert.ok(!r.chains.includes('base64|gzip'));
    // many streams share one budget
    const many = Array.from({ length: 8 }, () => gzipSync(Buffer.alloc(200_000, 0x41)).toString('base64')).join(' ');
    assert.equal(layersOf(many, { ...DEFAULT_NORMALIZE_LIMITS, maxDecodedChars: 1 << 20 }).truncated, true);
    assert.equal(layersOf(many).truncated, false);
  });

  it('hard negatives: gzip of prose decodes to the prose and nothing is truncated; base64 that is not compressed, random runs and raw deflate give no compressed layer', () => {
    const prose = layersOf(gzipSync(PROSE).toString('base64'));
    assert.deepEqual(prose.texts, [PROSE]);
    assert.equal(prose.truncated, false);
    const plain = layersOf(Buffer.from(PROSE).toString('base64'));
    assert.ok(!plain.chains.some((c) => c.includes('gzip') || c.includes('zlib')));
    assert.equal(plain.truncated, false);
    const randomBytes = bytesFrom(7);
    for (let i = 0; i < 2000; i++) {
      // random bytes behind a gzip or zlib header: a data error, or a cut stream of binary garbage
      const junk = [Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08]), randomBytes(40)]), Buffer.concat([Buffer.from([0x78, 0x9c]), randomBytes(40)])];
      for (const bytes of junk) {
        const r = layersOf(bytes.toString('base64'));
        assert.equal(r.truncated, false, `random bytes ${bytes.toString('hex')}`);
        assert.ok(!r.chains.some((c) => c.includes('gzip') || c.includes('zlib')));
      }
    }
    assert.ok(!layersOf(deflateRawSync(`${KEY} ${PROSE}`).toString('base64')).texts.some((t) => t.includes(KEY)), 'raw deflate is not tried');
  });
});
