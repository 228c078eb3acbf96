import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { entropyToMnemonic, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { base58, bech32, bech32m, createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { prepare } from '../../normalize/index.ts';
import type { DecodedLayer, Prepared } from '../../normalize/types.ts';
import { TEST_CTX, segmentOf, viewOfSegments, viewOfText } from '../testing.ts';
import type { ScanView, SegmentPart } from '../types.ts';
import { bip39Runs, checksumOk, createCryptoScanner, eip55, findAddresses, findSeedPhrases, parseAddress } from './index.ts';

// Deterministic bytes so every phrase and address here is our own and stable.
function bytes(seed: number, n: number): Uint8Array {
  let s = seed >>> 0;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}
const phrase = (seed: number, words = 12) => entropyToMnemonic(bytes(seed, (words * 4) / 3), wordlist);
const b58check = createBase58check(sha256);
const ethOf = (b: Uint8Array) => `0x${eip55(Buffer.from(b).toString('hex'))}`;
const btcOf = (b: Uint8Array, version = 0) => b58check.encode(Uint8Array.from([version, ...b]));
const segwitOf = (b: Uint8Array) => bech32.encode('bc', [0, ...bech32.toWords(b)]);
const taprootOf = (b: Uint8Array) => bech32m.encode('bc', [1, ...bech32m.toWords(b)]);
const bnbOf = (b: Uint8Array) => bech32.encode('bnb', bech32.toWords(b));

const scan = (text: string, opts = {}) => createCryptoScanner(opts).scan(viewOfText(text, 'body-leaf', 'egress', 'body.$.msg'), TEST_CTX);
const rules = (text: string, opts = {}) => scan(text, opts).map((f) => `${f.rule}:${f.severity}`);

// --- seed phrases ---------------------------------------------------------------------------

test('the fast index checksum agrees with @scure/bip39 on valid and corrupted phrases of every size', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const size = [12, 15, 18, 21, 24][seed % 5]!;
    const words = phrase(seed, size).split(' ');
    if (seed % 2 === 0) words[seed % size] = wordlist[(wordlist.indexOf(words[seed % size]!) + 7) % 2048]!;
    const idx = words.map((w) => wordlist.indexOf(w));
    assert.equal(checksumOk(idx, 0, size), validateMnemonic(words.join(' '), wordlist), `seed ${seed}`);
  }
});

test('flags a checksum-valid 12-word phrase in a sentence as critical, without quoting any word', () => {
  const p = phrase(1);
  const f = scan(`here is my recovery: ${p}. please keep it safe`);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.rule, 'crypto/seed-phrase');
  assert.equal(f[0]!.severity, 'critical');
  assert.equal(f[0]!.category, 'crypto');
  assert.equal(f[0]!.mitre, 'T1552');
  assert.equal(f[0]!.location, 'body.$.msg');
  for (const w of p.split(' ')) assert.ok(!f[0]!.evidence.includes(w) && !f[0]!.message.includes(` ${w} `), w);
});

test('property: every size (12–24) is found in numbered, comma, newline, JSON and upper-case layouts', () => {
  for (let seed = 10; seed < 30; seed++) {
    const size = [12, 15, 18, 21, 24][seed % 5]!;
    const words = phrase(seed, size).split(' ');
    const layouts = [
      words.map((w, i) => `${i + 1}. ${w}`).join(' '),
      words.map((w, i) => `${i + 1}) ${w}`).join('\n'),
      words.join(', '),
      words.join('\n'),
      JSON.stringify(words),
      words.join(' ').toUpperCase(),
    ];
    for (const text of layouts) {
      const hits = findSeedPhrases(`wallet backup:\n${text}\nend`).hits;
      assert.equal(hits.length, 1, `${size} words: ${text.slice(0, 40)}`);
      assert.equal(hits[0]!.words, size);
    }
  }
});

test('finds a phrase hidden in a decoded base64 layer and names the chain', () => {
  const p = phrase(2);
  const base = prepare('opaque');
  const layer: DecodedLayer = { chain: ['base64'], text: p, clean: p, folded: p };
  const prepared: Prepared = { ...base, raw: base.raw, clean: base.clean, folded: base.folded, leet: base.leet, signals: base.signals, decodeTruncated: false, layers: [layer] };
  const view: ScanView = { input: { kind: 'text', text: 'opaque' }, segments: [{ location: 'body.$.x', part: 'body-leaf', flow: 'egress', prepared }] };
  const f = createCryptoScanner().scan(view, TEST_CTX);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.location, 'body.$.x|base64');
});

test('a 12-word list whose checksum fails is at most low; in prose it is nothing', () => {
  let words: string[] = [];
  for (let seed = 100; ; seed++) {
    words = phrase(seed).split(' ');
    words[5] = wordlist[(wordlist.indexOf(words[5]!) + 1) % 2048]!;
    // Make sure no sub-window validates either.
    if (findSeedPhrases(words.join(' ')).hits.length === 0) break;
  }
  assert.deepEqual(rules(words.map((w, i) => `${i + 1}. ${w}`).join('\n')), ['crypto/seed-phrase-unverified:low']);
  assert.deepEqual(rules(`we ${words.join(' ')} today`), []);
});

test('an excerpt of the BIP-39 word list itself is not a phrase', () => {
  assert.deepEqual(rules(wordlist.slice(100, 160).join('\n')), []);
});

test('a checksum-valid window inside a long run of BIP-39 words is medium, not critical', () => {
  const filler = 'other people first write about water when they come into time';
  const text = `${filler} ${phrase(3)} ${filler}`;
  const f = scan(text);
  assert.ok(f.length >= 1);
  assert.ok(f.every((x) => x.severity !== 'critical'));
});

const capitalised = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

test('a phrase written as sentences is still found (an agent told to add a full stop and a capital must not get it past)', () => {
  for (let seed = 40; seed < 60; seed++) {
    const words = phrase(seed).split(' ');
    const cut = 3 + (seed % 7); // the "sentence" ends after 3..9 words
    const text = `${words.slice(0, cut).join(' ')}. ${capitalised(words[cut]!)} ${words.slice(cut + 1).join(' ')}.`;
    assert.equal(findSeedPhrases(text).hits.length, 1, text);
    assert.deepEqual(rules(`so ${text} then`), ['crypto/seed-phrase:critical'], text);
  }
});

test('a phrase next to a sentence end is found, and so is one with stops that do not end a sentence', () => {
  for (let seed = 60; seed < 80; seed++) {
    const size = [12, 15, 18, 21, 24][seed % 5]!;
    const words = phrase(seed, size).split(' ');
    const cut = 4 + (seed % 6);
    const texts = [
      // sentences around the phrase: the phrase starts or ends at the sentence end
      `Keep this safe. ${capitalised(words[0]!)} ${words.slice(1).join(' ')}. Thanks for the help`,
      `my backup is ${words.join(' ')}. Please do not share it`,
      // a full stop followed by a lower-case word, or by a list number, is no sentence end
      `${words.slice(0, cut).join(' ')}. ${words.slice(cut).join(' ')}`,
      `${words.slice(0, cut).join(' ')}. ${cut + 1}. ${words.slice(cut).join(' ')}`,
    ];
    for (const text of texts) {
      const hits = findSeedPhrases(text).hits;
      // a BIP-39 word just before the phrase ("safe") may start a reported window a word early or split the report
      assert.ok(hits.length >= 1, `${size} words: ${text.slice(0, 60)}`);
      assert.ok(hits.every((h) => h.words >= 12 && h.words <= size + 1), `${size} words: ${text.slice(0, 60)}`);
    }
  }
});

test('property: every size is found in the layouts phrases are written in, capitalised or not', () => {
  for (let seed = 80; seed < 100; seed++) {
    const size = [12, 15, 18, 21, 24][seed % 5]!;
    const words = phrase(seed, size).split(' ');
    const title = words.map(capitalised);
    const layouts = [
      words.map((w, i) => `${i + 1}. ${w}`).join('\n'), // numbered, one per line
      title.map((w, i) => `${i + 1}. ${w}`).join('\n'),
      title.map((w, i) => `${i + 1}. ${w}`).join(' '), // numbered on one line
      words.map((w, i) => `${i + 1}.${w}`).join('  '),
      title.join('\n'), // one per line
      words.join('\r\n'),
      words.join(','), // comma-separated
      title.join(', '),
      title.join(' '), // title case, spaces
      title.map((w) => `${w}.`).join(' '), // every word with a full stop
      words.map((w) => `${w}.`).join(' '),
      words.map((w) => `• ${w}`).join('\n'),
    ];
    for (const text of layouts) {
      const hits = findSeedPhrases(`Here it is:\n${text}\nThanks.`).hits;
      assert.equal(hits.length, 1, `${size} words: ${text.slice(0, 60)}`);
      assert.equal(hits[0]!.words, size);
      assert.equal(hits[0]!.extra, 0);
    }
  }
});

test('ordinary prose with many BIP-39 words produces no finding', () => {
  const prose =
    'You can use the other side of the room to write about your first time at the water park. ' +
    'People like to make long lists: they find it easy to call them fun. Now come into the light, ' +
    'and tell me what you think about the way the world will change over the next two years.';
  assert.deepEqual(scan(prose), []);
  assert.ok(bip39Runs(prose, 1).every((r) => r.words.length < 12));
});

test('false-positive rate on ordinary prose from the evaluation corpora (skipped when absent)', (t) => {
  const root = new URL('../../../../shared/corpora/', import.meta.url);
  const files = ['microsoft-BIPIA/benchmark/email/train.jsonl', 'microsoft-BIPIA/benchmark/code/train.jsonl', 'microsoft-BIPIA/benchmark/table/train.jsonl'];
  if (!files.every((f) => existsSync(new URL(f, root)))) {
    t.skip('shared corpora not present');
    return;
  }
  const texts: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') texts.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') Object.values(v).forEach(collect);
  };
  for (const f of files) for (const line of readFileSync(new URL(f, root), 'utf8').split('\n')) if (line.trim()) collect(JSON.parse(line));
  const injec = new URL('leolee99-InjecGuard/datasets/wildguard.json', root);
  if (existsSync(injec)) collect(JSON.parse(readFileSync(injec, 'utf8')));
  const scanner = createCryptoScanner();
  let flagged = 0;
  for (const text of texts) if (scanner.scan(viewOfText(text), TEST_CTX).length > 0) flagged++;
  assert.ok(texts.length > 1000);
  assert.equal(flagged, 0, `${flagged}/${texts.length} texts flagged`);
});

test('tokenising is linear and bounded on a huge run of BIP-39 words', () => {
  const words = Array.from({ length: 60_000 }, (_, i) => wordlist[(i * 7919) % 2048]!).join(' ');
  const res = findSeedPhrases(words, 4096);
  assert.equal(res.truncated, true);
  const f = scan(words);
  assert.ok(f.length <= 101);
  // the budget ran out: the scan says so, and the engine blocks (fail closed)
  assert.equal(f[f.length - 1]?.rule, 'crypto/scan-incomplete');
});

// --- addresses ------------------------------------------------------------------------------

test('validates ETH (EIP-55), BTC base58check, segwit v0, taproot, SOL and BNB addresses', () => {
  const b = bytes(7, 32);
  const cases: [string, string][] = [
    [ethOf(b.subarray(0, 20)), 'eth'],
    [ethOf(b.subarray(0, 20)).toLowerCase(), 'eth'],
    [btcOf(b.subarray(0, 20)), 'btc-base58'],
    [btcOf(b.subarray(0, 20), 5), 'btc-base58'],
    [segwitOf(b.subarray(0, 20)), 'btc-segwit'],
    [taprootOf(b), 'btc-segwit'],
    [base58.encode(b), 'sol'],
    [bnbOf(b.subarray(0, 20)), 'bnb'],
  ];
  for (const [addr, kind] of cases) {
    assert.equal(parseAddress(addr)?.kind, kind, addr);
    assert.equal(findAddresses(`pay to ${addr}, thanks`)[0]?.address.kind, kind, addr);
  }
  const btc = btcOf(b.subarray(0, 20));
  assert.equal(parseAddress(`${btc.slice(0, -1)}${btc.endsWith('a') ? 'b' : 'a'}`)?.kind === 'btc-base58', false);
  const sw = segwitOf(b.subarray(0, 20));
  assert.equal(parseAddress(`${sw.slice(0, -1)}${sw.endsWith('q') ? 'p' : 'q'}`), null);
});

test('flags a mixed-case ETH address with a broken EIP-55 checksum as medium', () => {
  const good = ethOf(bytes(8, 20));
  const i = [...good].findIndex((c, k) => k > 1 && /[a-fA-F]/.test(c));
  const c = good[i]!;
  const bad = good.slice(0, i) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + good.slice(i + 1);
  assert.deepEqual(rules(`send to ${bad}`), ['crypto/address-bad-checksum:medium']);
  assert.deepEqual(rules(`send to ${good}`), []);
  assert.deepEqual(rules(`send to ${good.toLowerCase()}`), []);
});

test('flags an ETH look-alike of an allowlisted address (first and last 4 match) as high address poisoning', () => {
  const mine = ethOf(bytes(9, 20));
  const body = mine.slice(2).toLowerCase();
  const fake = `0x${body.slice(0, 4)}${Buffer.from(bytes(10, 16)).toString('hex')}${body.slice(-4)}`;
  const f = scan(`Recent transfers:\n${fake} 0.00 USDT\n${mine} 1200 USDT`, { allowlistedAddresses: [mine] });
  assert.deepEqual(
    f.map((x) => `${x.rule}:${x.severity}:${x.mitre}`),
    ['crypto/address-poisoning:high:T1657'],
  );
  assert.match(f[0]!.evidence, /first 4 and last 4/);
  // The allowlisted one itself (any case) is fine; an unrelated address is not a look-alike.
  assert.deepEqual(scan(`pay ${mine.toLowerCase()} and ${ethOf(bytes(11, 20))}`, { allowlistedAddresses: [mine] }), []);
});

test('prefix and suffix lengths are configurable', () => {
  const mine = ethOf(bytes(12, 20));
  const body = mine.slice(2).toLowerCase();
  const fake = `0x${body.slice(0, 3)}${Buffer.from(bytes(13, 17)).toString('hex')}${body.slice(-3)}`;
  assert.deepEqual(rules(fake, { allowlistedAddresses: [mine] }), []);
  assert.deepEqual(rules(fake, { allowlistedAddresses: [mine], poisoningMinPrefix: 3, poisoningMinSuffix: 3 }), ['crypto/address-poisoning:high']);
});

test('flags look-alikes of allowlisted BTC (base58 and segwit), SOL and BNB addresses', () => {
  const key = bytes(14, 32);
  const mineBtc = btcOf(key.subarray(0, 20));
  let fakeBtc = '';
  for (let n = 0; n < 200_000 && !fakeBtc; n++) {
    const b = Uint8Array.from([...key.subarray(0, 12), ...bytes(1000 + n, 8)]);
    const cand = btcOf(b);
    if (cand !== mineBtc && cand.slice(-2) === mineBtc.slice(-2) && cand.slice(0, 5) === mineBtc.slice(0, 5)) fakeBtc = cand;
  }
  assert.ok(fakeBtc, 'generated a base58 look-alike');
  assert.deepEqual(rules(`to ${fakeBtc}`, { allowlistedAddresses: [mineBtc], poisoningMinSuffix: 2 }), ['crypto/address-poisoning:high']);

  const mineSw = segwitOf(key.subarray(0, 20));
  let fakeSw = '';
  for (let n = 0; n < 200_000 && !fakeSw; n++) {
    const cand = segwitOf(Uint8Array.from([...key.subarray(0, 10), ...bytes(5000 + n, 10)]));
    if (cand !== mineSw && cand.slice(-3) === mineSw.slice(-3)) fakeSw = cand;
  }
  assert.ok(fakeSw, 'generated a segwit look-alike');
  assert.deepEqual(rules(`to ${fakeSw}`, { allowlistedAddresses: [mineSw], poisoningMinSuffix: 3 }), ['crypto/address-poisoning:high']);

  const mineSol = base58.encode(key);
  const fakeSol = `${mineSol.slice(0, 6)}${base58.encode(bytes(15, 32)).slice(6, mineSol.length - 6)}${mineSol.slice(-6)}`;
  assert.equal(parseAddress(fakeSol)?.kind, 'sol');
  assert.deepEqual(rules(`to ${fakeSol}`, { allowlistedAddresses: [mineSol] }), ['crypto/address-poisoning:high']);

  const mineBnb = bnbOf(key.subarray(0, 20));
  let fakeBnb = '';
  for (let n = 0; n < 200_000 && !fakeBnb; n++) {
    const cand = bnbOf(Uint8Array.from([...key.subarray(0, 8), ...bytes(9000 + n, 12)]));
    if (cand !== mineBnb && cand.slice(-3) === mineBnb.slice(-3)) fakeBnb = cand;
  }
  assert.deepEqual(rules(`to ${fakeBnb}`, { allowlistedAddresses: [mineBnb], poisoningMinSuffix: 3 }), ['crypto/address-poisoning:high']);
});

test('an all-upper-case BNB look-alike is flagged (bech32 allows upper case), the allowlisted address in upper case is not', () => {
  const key = bytes(19, 32);
  const mine = bnbOf(key.subarray(0, 20));
  let fake = '';
  for (let n = 0; n < 200_000 && !fake; n++) {
    const cand = bnbOf(Uint8Array.from([...key.subarray(0, 8), ...bytes(12_000 + n, 12)]));
    // With a 0 in it (not base58): without one the run has the base58 candidate shape as well.
    if (cand !== mine && cand.slice(-3) === mine.slice(-3) && cand.includes('0')) fake = cand;
  }
  assert.ok(fake, 'generated a BNB look-alike');
  assert.equal(parseAddress(fake.toUpperCase())?.kind, 'bnb');
  assert.deepEqual(findAddresses(`to ${fake.toUpperCase()}`).map((a) => a.address.normalized), [fake]);
  const opts = { allowlistedAddresses: [mine], poisoningMinSuffix: 3 };
  assert.deepEqual(rules(`to ${fake.toUpperCase()}`, opts), ['crypto/address-poisoning:high']);
  assert.deepEqual(rules(`to ${mine.toUpperCase()}`, opts), []);
  assert.deepEqual(rules(`to ${mine.toUpperCase()}`, { ...opts, reportAddresses: true }), []);
  // Mixed case is not bech32.
  assert.equal(parseAddress(`BNB${fake.slice(3)}`), null);
});

test('does not compare addresses of different kinds', () => {
  const eth = ethOf(bytes(16, 20));
  const sol = base58.encode(bytes(17, 32));
  assert.deepEqual(scan(`to ${sol}`, { allowlistedAddresses: [eth] }), []);
});

test('reports unlisted addresses as info only when asked to', () => {
  const eth = ethOf(bytes(18, 20));
  assert.deepEqual(rules(`to ${eth}`), []);
  assert.deepEqual(rules(`to ${eth}`, { reportAddresses: true }), ['crypto/wallet-address:info']);
});

test('is total on hostile input', () => {
  for (const t of ['', '0x', '\ud800', 'bc1'.repeat(10_000), `${'1'.repeat(5000)}`, 'abandon '.repeat(20_000)]) {
    assert.doesNotThrow(() => scan(t, { allowlistedAddresses: ['0x0000000000000000000000000000000000000000', 'garbage'] }));
  }
});

// --- limits fail closed ---------------------------------------------------------------------

const incomplete = <T extends { rule: string }>(f: readonly T[]): T[] => f.filter((x) => x.rule === 'crypto/scan-incomplete');
/** Breaks the EIP-55 case of a checksummed address (flips the case of its first letter). */
const badCase = (a: string) => {
  const i = a.slice(2).search(/[a-fA-F]/) + 2;
  const c = a[i]!;
  return `${a.slice(0, i)}${c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()}${a.slice(i + 1)}`;
};

test('a phrase after a run that spends the checksum budget is reported as scan-incomplete', () => {
  const pad = Array.from({ length: 300 }, (_, i) => wordlist[(i * 7919 + 13) % 2048]!).join(' ');
  const text = `${pad}.\nmy recovery phrase: ${phrase(21)}\n`;
  const f = scan(text, { maxWindows: 100 });
  assert.equal(incomplete(f).length, 1);
  assert.deepEqual([incomplete(f)[0]?.severity, incomplete(f)[0]?.category, incomplete(f)[0]?.evidence], ['high', 'limits', '']);
  assert.ok(scan(text).some((x) => x.rule === 'crypto/seed-phrase' && x.severity === 'critical'));
});

test('the BIP-39 word list itself spends no checksum budget and is not reported', () => {
  const list = wordlist.join('\n');
  assert.equal(findSeedPhrases(list, 10).truncated, false);
  assert.deepEqual(scan(list), []);
});

test('an address with a broken checksum after hundreds of valid ones is found', () => {
  const valid = Array.from({ length: 300 }, (_, i) => ethOf(bytes(1000 + i, 20))).join('\n');
  const f = scan(`${valid}\n${badCase(ethOf(bytes(7, 20)))}\n`);
  assert.deepEqual(rules2(f), ['crypto/address-bad-checksum']);
});

test('more address candidates than one text is examined for reports scan-incomplete', () => {
  const many = Array.from({ length: 10_001 }, (_, i) => ethOf(bytes(i, 20)).toLowerCase()).join(' ');
  assert.equal(incomplete(scan(many)).length, 1);
});

test('ordinary text with an address and a phrase reports no scan-incomplete', () => {
  const f = scan(`pay ${ethOf(bytes(5, 20))} and keep ${phrase(4)} safe`);
  assert.deepEqual(incomplete(f), []);
});

function rules2(f: readonly { rule: string }[]): string[] {
  return [...new Set(f.map((x) => x.rule))];
}

// --- a phrase spread over fields ---------------------------------------------------------------

test('a phrase sent one word per field (JSON array, keyed object, form, query) is found over the joined fields', () => {
  const words = phrase(77).split(' ');
  const view = (fields: readonly [string, string, SegmentPart][]): ScanView =>
    viewOfSegments({ kind: 'text', text: '' }, fields.map(([text, location, part]) => segmentOf(text, location, part, 'egress')));
  const scanner = createCryptoScanner();
  const layouts: Record<string, [string, string, SegmentPart][]> = {
    array: words.map((w, i) => [w, `body.$.words[${i}]`, 'body-leaf']),
    keyed: words.flatMap((w, i): [string, string, SegmentPart][] => [[`w${i}`, `body.$.w${i}`, 'body-key'], [w, `body.$.w${i}`, 'body-leaf']]),
    query: words.flatMap((w, i): [string, string, SegmentPart][] => [[`w${i}`, `url.query.w${i}`, 'url-query-key'], [w, `url.query.w${i}`, 'url-query-value']]),
    halves: [[words.slice(0, 6).join(' '), 'body.$.a', 'body-leaf'], ['42', 'body.$.n', 'body-leaf'], [words.slice(6).join(' '), 'body.$.b', 'body-leaf']],
  };
  for (const [name, fields] of Object.entries(layouts)) {
    const found = scanner.scan(view(fields), TEST_CTX);
    const hit = found.find((f) => f.rule === 'crypto/seed-phrase');
    assert.ok(hit, name);
    assert.equal(hit.severity, 'critical', name);
    assert.ok(!words.some((w) => hit.evidence.includes(w) || hit.message.includes(w)), `${name}: no seed word in the finding`);
  }
  // Only what the agent sends is joined: a response's list of words (tags, keywords) is not.
  const ingress = viewOfSegments({ kind: 'text', text: '' }, words.map((w, i) => segmentOf(w, `body.$.tags[${i}]`, 'body-leaf', 'ingress')));
  assert.deepEqual(scanner.scan(ingress, TEST_CTX).filter((f) => f.rule === 'crypto/seed-phrase'), []);
  // Twelve list words whose checksum fails, one per field: an ordinary list, not a phrase.
  const broken = [...words.slice(0, 11), words[11] === 'zoo' ? 'abandon' : 'zoo'];
  assert.equal(validateMnemonic(broken.join(' '), wordlist), false);
  assert.deepEqual(scanner.scan(view(broken.map((w, i) => [w, `body.$.tags[${i}]`, 'body-leaf'])), TEST_CTX).filter((f) => f.rule === 'crypto/seed-phrase'), []);
});
