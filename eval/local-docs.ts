// npm run eval:local-docs [-- --split tuned|held-out|all] [--flow ingress|egress] [--root DIR]
// [--show]: false positives of the whole engine (balanced preset) on the documentation installed on
// this machine, by default /usr/share/doc (Debian's licences, changelogs, READMEs, gzipped or not).
// Every file's first 64 KB is read in 16 KB pieces, as a fetched page or tool result would arrive,
// and every piece is benign. Files are split into two halves by a hash of their path: rules may be
// corrected against the "tuned" half only; the "held-out" half measures what that did. What is
// installed differs between machines, so the figures belong to the machine: this is a check to run
// before and after a rule change, not a table for docs/EVAL.md. --show prints each flagged piece's
// evidence (text from the machine's own files; keep it out of the repo).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Verdict } from '../src/core/index.ts';
import { parseConfig } from '../src/config/index.ts';
import { createRuntime } from '../src/main.ts';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const split = arg('split', 'held-out');
const flow = arg('flow', 'ingress') as 'ingress' | 'egress';
const root = arg('root', '/usr/share/doc');
const show = process.argv.includes('--show');
const PIECE = 16 * 1024;
const PER_FILE = 64 * 1024;
const MAX_FILE = 8 * 1024 * 1024;

const half = (path: string): 'tuned' | 'held-out' => (((createHash('sha256').update(path).digest()[0] as number) & 1) === 1 ? 'held-out' : 'tuned');

function text(path: string): string | null {
  try {
    if (statSync(path).size > MAX_FILE) return null;
    const buf = readFileSync(path);
    const raw = path.endsWith('.gz') ? gunzipSync(buf, { maxOutputLength: MAX_FILE }) : buf;
    if (raw.includes(0)) return null; // binary
    return raw.toString('utf8');
  } catch {
    return null;
  }
}

let names: string[];
try {
  names = readdirSync(root, { recursive: true, encoding: 'utf8' });
} catch {
  process.stdout.write(`eval:local-docs: ${root} cannot be read; nothing to measure (skipped)\n`);
  process.exit(0);
}
const files = names.map((n) => join(root, n)).filter((f) => split === 'all' || half(f) === split).sort();
const { engine } = createRuntime(parseConfig('preset: balanced\n'), {});
let pieces = 0;
let flagged = 0;
let blocked = 0;
const byRules = new Map<string, number>();
for (const f of files) {
  const t = text(f);
  if (t === null || t.length < 200) continue;
  for (let i = 0; i < Math.min(t.length, PER_FILE); i += PIECE) {
    const piece = t.slice(i, i + PIECE);
    const v: Verdict = engine.scan({ kind: 'text', text: piece, flow }, { now: 0 });
    pieces++;
    if (v.action === 'allow') continue;
    flagged++;
    if (v.action === 'block') blocked++;
    const rules = [...new Set(v.findings.map((x) => x.rule))].join(', ');
    byRules.set(rules, (byRules.get(rules) ?? 0) + 1);
    if (show) process.stdout.write(`${v.action}\t${rules}\t${f} @${i}\n${v.findings.map((x) => `    ${x.rule} ${x.severity} ${x.location}: ${x.message.slice(0, 160)}`).join('\n')}\n`);
  }
}
const pct = (n: number): string => (pieces === 0 ? '0.0' : ((100 * n) / pieces).toFixed(1));
process.stdout.write(
  `${root}, ${split} half, flow ${flow}: ${pieces} pieces of up to 16 KB; flagged ${flagged} (${pct(flagged)}%), blocked ${blocked} (${pct(blocked)}%)\n` +
    [...byRules].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${n}\t${k}`).join('\n') +
    '\n',
);
