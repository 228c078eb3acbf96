// Seed phrases against lists of ordinary words: a comma list of 12+ BIP-39 words in a sentence (tags,
// topics, vocabulary) passes the phrase checksum often by chance, while a phrase being exfiltrated
// keeps its own shapes (spaces, numbers, one per line, a JSON array, a field of its own, encodings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entropyToMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { parseConfig } from '../../config/index.ts';
import { createRuntime } from '../../main.ts';
import type { ScanInput } from '../../core/index.ts';
import { TEST_CTX, viewOfText } from '../testing.ts';
import { createCryptoScanner, findSeedPhrases } from './index.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
function phrase(seed: number, words = 12): string {
  const r = rng(seed);
  return entropyToMnemonic(Uint8Array.from({ length: (words * 4) / 3 }, () => Math.floor(r() * 256)), wordlist);
}

const scanner = createCryptoScanner();
const seedFindings = (text: string) => scanner.scan(viewOfText(text, 'body-leaf', 'egress', 'body.$.msg'), TEST_CTX).filter((f) => f.rule.startsWith('crypto/seed'));

/** Sentences that hold a comma list: where tags, topics and vocabulary lists are written. */
const FRAMES: readonly ((list: string) => string)[] = [
  (l) => `Posted in: ${l}.`,
  (l) => `Tags: ${l} | 4 comments`,
  (l) => `The kids learned these words this week: ${l}. Practice them at home!`,
  (l) => `Ingredients you will need include ${l} and a pinch of salt.`,
  (l) => `Related topics: ${l}. Browse more in the archive.`,
];

test('comma lists of 12-20 random BIP-39 words inside sentences: at most a few warnings, never a block', () => {
  // Before list shapes were judged, 115 of these 300 were critical (blocked) and all 300 warned
  // (seed-phrase-unverified); with a checksum that passes 1 time in 16 per 12-word window, sliding
  // windows over a long run give a random list many chances.
  let critical = 0;
  let any = 0;
  let checksumValid = 0;
  for (let i = 0; i < 300; i++) {
    const r = rng(1000 + i);
    const n = 12 + Math.floor(r() * 9);
    const words = Array.from({ length: n }, () => wordlist[Math.floor(r() * 2048)]!);
    const text = FRAMES[i % FRAMES.length]!(words.join(', '));
    if (findSeedPhrases(text).hits.some((h) => !h.sorted)) checksumValid++;
    const f = seedFindings(text);
    if (f.some((x) => x.severity === 'critical' || x.severity === 'high')) critical++;
    if (f.length > 0) any++;
  }
  // The generator does produce checksum-valid windows (the trap), and the scanner must not take them for phrases.
  assert.ok(checksumValid > 100, `only ${checksumValid} lists hold a checksum-valid window`);
  assert.ok(critical <= 3, `${critical} of 300 comma lists blocked`);
  assert.ok(any <= 15, `${any} of 300 comma lists reported`);
});

test('a comma list that is exactly a phrase, in a sentence with no word naming one, is medium (a warning)', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const f = seedFindings(`Posted in: ${phrase(seed).split(' ').join(', ')}.`);
    assert.deepEqual(
      f.map((x) => `${x.rule}:${x.severity}`),
      ['crypto/seed-phrase:medium'],
      `seed ${seed}`,
    );
  }
});

test('every shape a phrase is sent in is still critical, with words of prose or a longer list around it', () => {
  for (let seed = 30; seed < 50; seed++) {
    const size = [12, 24, 15, 18, 21][seed % 5]!;
    const words = phrase(seed, size).split(' ');
    const shapes: Record<string, string> = {
      'spaces in a sentence': `ok here it is ${words.join(' ')} thanks`,
      'spaces after ordinary list words': `keep this safe ${words.join(' ')}`,
      'numbered on one line, after list words': `other people first write: ${words.map((w, i) => `${i + 1}. ${w}`).join(' ')}`,
      'numbered, one per line': words.map((w, i) => `${i + 1}) ${w}`).join('\n'),
      'one per line': `${words.join('\n')}\n`,
      'one per line after a heading of list words': `Other:\n${words.join('\n')}`,
      'JSON array in a text': `{"data":${JSON.stringify(words)},"ok":true}`,
      'comma list named as a seed in prose': `Here is my seed, do not lose it: ${words.join(', ')}. Thanks`,
      'comma list named as a recovery phrase': `The wallet's recovery phrase is ${words.join(', ')} and that is all.`,
      'comma list on its own line': `From: a\n\n${words.join(', ')}\n`,
      'comma list, the whole field': words.join(', '),
      'set apart by a full stop from list words': `Other people. ${words.join(' ')}`,
    };
    for (const [name, text] of Object.entries(shapes)) {
      const f = seedFindings(text);
      assert.ok(
        f.some((x) => x.rule === 'crypto/seed-phrase' && x.severity === 'critical'),
        `${name} (${size} words): ${f.map((x) => `${x.rule}:${x.severity}`).join(' ') || 'nothing'}`,
      );
    }
  }
});

test('through the engine: a phrase in a URL query, a JSON field, base64 and hex layers is blocked', () => {
  const { engine } = createRuntime(parseConfig('preset: balanced\n'), {});
  const blocked = (input: ScanInput): boolean => engine.scan(input, { now: 0 }).findings.some((f) => f.rule === 'crypto/seed-phrase' && f.severity === 'critical');
  for (let seed = 60; seed < 70; seed++) {
    const p = phrase(seed, seed % 2 ? 12 : 24);
    const inputs: Record<string, ScanInput> = {
      'url query': { kind: 'url', url: `https://collect.example/c?m=${encodeURIComponent(p)}&id=7` },
      'url query, plus-joined': { kind: 'url', url: `https://collect.example/c?m=${p.split(' ').join('+')}` },
      'json field': { kind: 'request', method: 'POST', url: 'https://collect.example/c', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note: 'backup', words: p }) },
      'json field, comma list': { kind: 'request', method: 'POST', url: 'https://collect.example/c', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ v: p.split(' ').join(', ') }) },
      base64: { kind: 'text', flow: 'egress', text: `payload=${Buffer.from(p).toString('base64')}` },
      hex: { kind: 'text', flow: 'egress', text: `payload ${Buffer.from(p).toString('hex')}` },
    };
    for (const [name, input] of Object.entries(inputs)) assert.ok(blocked(input), `${name}, seed ${seed}`);
  }
});
