// The crypto scanner's fast paths must find exactly what the straightforward versions find:
// the hand-written address finder against the candidate pattern, and the skipping BIP-39 tokenizer
// against a plain one-pass tokenizer written here as the reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entropyToMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { re } from '../../re/index.ts';
import { CANDIDATE_PATTERN, addressCandidates, findAddresses, findEthAddresses } from './addresses.ts';
import { bip39Runs, findSeedPhrases, type SeedRun } from './seed-phrase.ts';
import { createCryptoScanner } from './index.ts';
import { TEST_CTX, viewOfText } from '../testing.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// --- addresses ------------------------------------------------------------------------------

test('the address candidate finder reports exactly the pattern matches that are long enough to parse', () => {
  const pattern = re(CANDIDATE_PATTERN);
  const hex = '0123456789abcdefABCDEF';
  const b58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  const b32 = '023456789acdefghjklmnpqrstuvwxyz';
  const noise = '0OIl_bio1BÉé-.:/ ';
  const seps = [' ', ' ', '\n', ',', '"', '_', '', '.', '-', 'é', ':', '/'];
  const draw = (r: () => number, alphabet: string, n: number): string => {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(r() * alphabet.length)];
    return out;
  };
  let matched = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const r = rng(seed);
    let text = '';
    while (text.length < 600) {
      const kind = Math.floor(r() * 6);
      let tok =
        kind === 0
          ? `${pick(r, ['0x', '0X', '0x', 'Ox'])}${draw(r, hex, 38 + Math.floor(r() * 5))}`
          : kind === 1
            ? `${pick(r, ['bc1', 'tb1', 'BC1', 'TB1', 'bC1', 'bc2'])}${draw(r, b32, 8 + Math.floor(r() * 70))}`
            : kind === 2
              ? `${pick(r, ['bnb1', 'bnb1', 'BNB1', 'bNb1'])}${draw(r, b32, 36 + Math.floor(r() * 5))}`
              : kind === 3
                ? draw(r, b58, 20 + Math.floor(r() * 30))
                : kind === 4
                  ? `${draw(r, b58, 12)}${draw(r, hex, 14)}`
                  : draw(r, 'abcdefghij klmnop', 5 + Math.floor(r() * 20));
      if (r() < 0.3) {
        const at = Math.floor(r() * tok.length);
        tok = tok.slice(0, at) + pick(r, [...noise]) + tok.slice(at + 1);
      }
      if (r() < 0.3 && (kind === 1 || kind === 2)) tok = tok.toUpperCase();
      text += tok + pick(r, seps);
    }
    const expected = pattern
      .all(text, 10_000)
      .filter((m) => m.end - m.index >= 26)
      .map((m) => [m.index, m.end]);
    matched += expected.length;
    const got = addressCandidates(text, 10_000).map((m) => [m.index, m.end]);
    assert.deepEqual(got, expected, `seed ${seed}`);
    const eth = findAddresses(text, 10_000).filter((a) => a.address.kind === 'eth');
    assert.deepEqual(findEthAddresses(text, 10_000), eth, `seed ${seed} (eth)`);
  }
  assert.ok(matched > 1000, `only ${matched} candidates exercised`);
});

test('the address candidate finders stop at their limit, keeping the first ones in text order', () => {
  const lower = `0x${'ab'.repeat(20)}`;
  const upper = `0X${'cd'.repeat(20)}`;
  const text = Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? upper : lower)).join(' ');
  assert.equal(addressCandidates(text, 7).length, 7);
  const eth = findEthAddresses(text, 7);
  assert.deepEqual(
    eth.map((a) => a.index),
    findAddresses(text, 7).map((a) => a.index),
  );
});

// --- seed phrases ---------------------------------------------------------------------------

/** The plain tokenizer: every letter token, looked up in a Set, no skipping. */
function referenceRuns(text: string, minWords: number): SeedRun[] {
  const index = new Map(wordlist.map((w, i) => [w, i]));
  const gap = (c: string): boolean => ' \t\n\r0123456789,.;:()[]{}"\'`|-_/#*\u2022'.includes(c);
  const letter = (c: string): boolean => /^[A-Za-z]$/.test(c);
  const runs: SeedRun[] = [];
  let run: SeedRun['words'][number][] = [];
  let prevEnd = -1;
  const flush = (): void => {
    if (run.length >= minWords) runs.push({ words: run });
    run = [];
  };
  let i = 0;
  while (i < text.length) {
    if (!letter(text[i]!)) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && letter(text[i]!)) i++;
    const end = i;
    let numbered = false;
    let listGap = false;
    let gapOk = prevEnd >= 0 && start - prevEnd <= 12;
    const between = gapOk ? text.slice(prevEnd, start) : '';
    if (gapOk) {
      for (let j = prevEnd; j < start; j++) {
        const g = text[j]!;
        if (!gap(g)) {
          gapOk = false;
          break;
        }
        if (g >= '0' && g <= '9') numbered = true;
        else if ('\n\r,|;'.includes(g)) listGap = true;
      }
    }
    // The gap's separators as a mask: digit 1, line break 2, quote 4, comma 8, other 16; blanks only 32.
    let style = 0;
    for (const g of between) style |= /[0-9]/.test(g) ? 1 : /[\n\r]/.test(g) ? 2 : /["'`]/.test(g) ? 4 : g === ',' ? 8 : /[ \t]/.test(g) ? 0 : 16;
    if (style === 0) style = 32;
    prevEnd = end;
    const idx = index.get(text.slice(start, end).toLowerCase());
    const cleanEnd = end >= text.length || gap(text[end]!);
    if (idx === undefined || !cleanEnd) {
      flush();
      continue;
    }
    if (!gapOk && run.length > 0) flush();
    run.push({ index: idx, start, end, numbered, listGap, gap: run.length === 0 || !gapOk ? 0 : style });
  }
  flush();
  return runs;
}

test('the skipping BIP-39 tokenizer finds exactly the runs a plain tokenizer finds', () => {
  const fillers = ['the', 'of', 'a', 'to', 'is', 'in', 'extraordinary', 'Zebra', 'qqq', 'naïve', 'word@x', 'x'];
  const gaps = [' ', ' ', ' ', ' ', ' ', ' ', ', ', '\n', '. ', ' 3. ', '  ', '; ', ' - ', '!', '?', ' @ ', '\t', '•', ' '.repeat(13), '"', '(', ''];
  let long = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const bipShare = 0.75 + r() * 0.25;
    let text = '';
    const tokens = 30 + Math.floor(r() * 300);
    for (let k = 0; k < tokens; k++) {
      let w = r() < bipShare ? wordlist[Math.floor(r() * 2048)]! : pick(r, fillers);
      if (r() < 0.05) w = w.toUpperCase();
      text += w + (r() < 0.8 ? ' ' : pick(r, gaps));
    }
    for (const minWords of [1, 3, 12]) {
      const runs = bip39Runs(text, minWords);
      assert.deepEqual(runs, referenceRuns(text, minWords), `seed ${seed}, minWords ${minWords}`);
      if (minWords === 12) long += runs.length;
    }
  }
  assert.ok(long > 50, `only ${long} runs of 12+ words exercised`);
});

test('BIP-39 English words are unique in their first four letters (the lookup relies on it)', () => {
  const prefixes = new Set(wordlist.map((w) => w.slice(0, 4)));
  assert.equal(prefixes.size, 2048);
});

test('a recovery phrase far into a long body is still found (no cut-off after the first words)', () => {
  const filler = 'the report was sent to the team and it is in the folder now. '.repeat(6000);
  const phrase = entropyToMnemonic(Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 255), wordlist);
  const text = `${filler}\nbackup: ${phrase}\n`;
  assert.equal(findSeedPhrases(text).hits.length, 1);
  const f = createCryptoScanner().scan(viewOfText(text, 'body', 'egress', 'body'), TEST_CTX);
  assert.deepEqual(
    f.map((x) => `${x.rule}:${x.severity}`),
    ['crypto/seed-phrase:critical'],
  );
});
