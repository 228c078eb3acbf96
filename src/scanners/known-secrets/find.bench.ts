// Throughput of KnownSecretIndex.find: 200 secrets (≈ 4,000 encoded needles) over 1 MB of text.
// Run: node --import tsx src/scanners/known-secrets/find.bench.ts (not part of the test suite).
import { ALNUM, B64, seeded } from '../entropy/testing.ts';
import { createKnownSecretIndex } from './secret-index.ts';

const r = seeded(2024);
const entries = Array.from({ length: 200 }, (_, i) => ({ name: `SECRET_${i}`, value: r(24 + (i % 40), ALNUM) }));
const t0 = performance.now();
const { index } = createKnownSecretIndex(entries);
const built = performance.now() - t0;

const chunks: string[] = [];
let size = 0;
while (size < 1 << 20) {
  const piece = size % 3 === 0 ? r(4096, B64) : `${r(200, 'abcdefghijklmnopqrstuvwxyz     ')}\n{"id":"${r(20, ALNUM)}","v":${size}}\n`;
  chunks.push(piece);
  size += piece.length;
}
const text = chunks.join('').slice(0, 1 << 20);
const planted = `${text.slice(0, 500_000)}${entries[17]!.value}${text.slice(500_000)}`;

let found = 0;
const rounds = 20;
const t1 = performance.now();
for (let i = 0; i < rounds; i++) found += index.find(planted).length;
const ms = (performance.now() - t1) / rounds;
const hexText = r(1 << 20, '0123456789abcdef');
const t2 = performance.now();
for (let i = 0; i < rounds; i++) index.find(hexText);
const hexMs = (performance.now() - t2) / rounds;
const sameText = 'postgresql://app'.repeat(1 << 16);
const { index: samePrefix } = createKnownSecretIndex(entries.map((e) => ({ name: e.name, value: `postgresql://app:${e.value}@db` })));
const t3 = performance.now();
samePrefix.find(sameText);
const sameMs = performance.now() - t3;
console.log(`index: ${index.size} secrets, built in ${built.toFixed(1)} ms`);
console.log(`find: ${(planted.length / 1e6 / (ms / 1000)).toFixed(0)} MB/s (${ms.toFixed(2)} ms per MB), ${found / rounds} match per pass`);
console.log(`find on 1 MB of random hex: ${(1.048576 / (hexMs / 1000)).toFixed(0)} MB/s`);
console.log(`adversarial (200 values sharing a 16-char prefix, text = that prefix repeated): ${(1.048576 / (sameMs / 1000)).toFixed(0)} MB/s`);
