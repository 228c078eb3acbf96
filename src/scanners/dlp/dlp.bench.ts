// DLP throughput: `npx tsx src/scanners/dlp/dlp.bench.ts`. Prints MB/s of the DLP scanner alone
// (texts are prepared once, before timing) on deterministic English-like text of 1 KB, 10 KB and
// 1 MB, and on a 1 MB "dirty" text full of config, code, URLs, hashes and a few real-looking secrets.
import { TEST_CTX } from '../testing.ts';
import { prepare } from '../../normalize/index.ts';
import type { ScanView } from '../types.ts';
import { createDlpScanner } from './index.ts';
import { card, crcToken, jwt, rand } from './dlp.fixtures.ts';

let seed = 12345;
function rnd(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you ' +
  'were her she there been one all we their has would when if more no out so what up its into than them can only other ' +
  'new some could time these two may then do first any like now my such make over our even most me state after also made ' +
  'many did must before back see through way where get much go well your know should down work year because come people ' +
  'just say each those take day good how long very own think between both life being under never information system ' +
  'report meeting customer project team release update account service network security access policy review data ' +
  'model agent request response server client browser document history market research program company support'
).split(' ');

function english(bytes: number): string {
  const out: string[] = [];
  let len = 0;
  while (len < bytes) {
    const n = 6 + Math.floor(rnd() * 14);
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(pick(WORDS));
    if (rnd() < 0.15) words.splice(2, 0, String(1990 + Math.floor(rnd() * 40)));
    let s = words.join(' ');
    s = s.charAt(0).toUpperCase() + s.slice(1) + pick(['.', '.', '.', '?', '!', ',']);
    out.push(s);
    len += s.length + 1;
    if (rnd() < 0.1) {
      out.push('\n\n');
      len += 2;
    }
  }
  return out.join(' ').slice(0, bytes);
}

function dirty(bytes: number): string {
  const lines: string[] = [];
  let len = 0;
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const gens: (() => string)[] = [
    () => `const apiKey = process.env.API_KEY; // token ${rand('0123456789abcdef', 40)}`,
    () => `password: "${rand(alnum, 12)}"`,
    () => `{"id": ${Math.floor(rnd() * 1e9)}, "name": "${pick(WORDS)}", "secret_name": "${pick(WORDS)}-key", "hash": "${rand('0123456789abcdef', 64)}"}`,
    () => `GET https://api.example.com/v1/${pick(WORDS)}?page=${Math.floor(rnd() * 100)}&access_token=${rand(alnum, 32)} HTTP/1.1`,
    () => `Authorization: Bearer ${jwt()}`,
    () => `[INFO] 2024-05-0${1 + Math.floor(rnd() * 9)} user=${pick(WORDS)} key=${rand(alnum, 24)} status=200`,
    () => `export GITHUB_TOKEN=${crcToken('ghp_')}`,
    () => `card ${card('4', 16)} charged ${Math.floor(rnd() * 500)}.00 USD`,
    () => `import { ${pick(WORDS)}Key, ${pick(WORDS)}Token } from './${pick(WORDS)}.js';`,
    () => `db = connect("postgres://app:${rand(alnum, 14)}@db.internal:5432/${pick(WORDS)}")`,
    () => english(120),
    () => english(200),
    () => `sha256:${rand('0123456789abcdef', 64)}  ${pick(WORDS)}.tar.gz`,
    () => `-H "x-api-key: ${rand(alnum, 40)}"`,
  ];
  while (len < bytes) {
    const l = pick(gens)();
    lines.push(l);
    len += l.length + 1;
  }
  return lines.join('\n').slice(0, bytes);
}

function viewOf(text: string): ScanView {
  const prepared = prepare(text);
  void prepared.clean;
  void prepared.layers;
  return { input: { kind: 'text', text }, segments: [{ location: 'body', part: 'body', flow: 'egress', prepared }] };
}

function bench(label: string, text: string, minMs = 1500): void {
  const scanner = createDlpScanner();
  const view = viewOf(text);
  let findings = scanner.scan(view, TEST_CTX).length; // warm-up (regex compile, memoized views)
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs || iterations < 3) {
    findings = scanner.scan(view, TEST_CTX).length;
    iterations++;
    elapsed = performance.now() - start;
  }
  const mb = (text.length * iterations) / (1024 * 1024);
  const perScan = elapsed / iterations;
  console.log(
    `${label.padEnd(22)} ${(mb / (elapsed / 1000)).toFixed(1).padStart(8)} MB/s   ${perScan.toFixed(3).padStart(9)} ms/scan   ${String(findings).padStart(3)} findings`,
  );
}

bench('clean 1 KB', english(1024));
bench('clean 10 KB', english(10 * 1024));
bench('clean 1 MB', english(1024 * 1024));
bench('dirty 1 MB', dirty(1024 * 1024));
