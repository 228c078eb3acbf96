// Evaluation against third-party corpora in ../shared/corpora (read only, never copied):
// - Samsung/CredSweeper test samples with their expected findings (tests/data/output.json): every PEM
//   private key listed must be found; token recall is printed.
// - gitleaks rule literal examples (label tp/fp): tp recall and fp rate are printed, not asserted.
// Skips cleanly when the corpora folder is absent.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { TEST_CTX, viewOfText } from '../testing.ts';
import { DlpEngine } from './engine.ts';
import type { Hit } from './engine.ts';
import { createDlpScanner } from './index.ts';
import { ALL_RULES } from './rules/index.ts';

const CORPORA = resolve(process.cwd(), '../shared/corpora');
const CREDSWEEPER = resolve(CORPORA, 'Samsung-CredSweeper');
const GITLEAKS = resolve(CORPORA, 'gitleaks-gitleaks/DERIVED_rule_literal_examples.json');

interface LineData {
  readonly path: string;
  readonly line_num: number;
  readonly line: string;
  readonly value: string;
}
interface Expected {
  readonly rule: string;
  readonly line_data_list: readonly LineData[];
}

// CredSweeper rules that describe generic assignments or non-secrets rather than a key/token format.
const NOT_TOKEN_RULES = new Set([
  'Password', 'SQL Password', 'CMD Password', 'CMD Secret', 'CMD Token', 'CMD ConvertTo-SecureString', 'Secret',
  'Credential', 'Auth', 'API', 'Key', 'Token', 'Salt', 'Nonce', 'UUID', 'CURL Options', 'CURL User Password',
  'URL Credentials', 'Firebase Domain', 'AWS S3 Bucket', 'Tencent WeChat API App ID', 'Bearer Authorization',
  'Basic Authorization', 'OTP / 2FA Secret', 'Square Client ID',
]);
const PEM_RULE = 'PEM Private Key';
const KEY_RULES = new Set(['dlp/private-key', 'dlp/encrypted-private-key']);

function lineSpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      spans.push({ start, end: text.length });
      return spans;
    }
    spans.push({ start, end: nl });
    start = nl + 1;
  }
}

interface Outcome {
  readonly rule: string;
  readonly file: string;
  readonly line: number;
  readonly found: boolean;
  readonly by: string;
  /** Not found in the raw file, but found when the line alone goes through the full scanner (normalize + decoded layers). */
  readonly viaLine: boolean;
}

function credSweeperOutcomes(): Outcome[] {
  const expected = JSON.parse(readFileSync(resolve(CREDSWEEPER, 'tests/data/output.json'), 'utf8')) as Expected[];
  const engine = new DlpEngine(ALL_RULES);
  const scanner = createDlpScanner();
  const files = new Map<string, { text: string; lines: { start: number; end: number }[]; hits: Hit[] }>();
  const load = (path: string) => {
    let f = files.get(path);
    if (!f) {
      const text = readFileSync(resolve(CREDSWEEPER, path), 'utf8');
      f = { text, lines: lineSpans(text), hits: engine.scanText(text) };
      files.set(path, f);
    }
    return f;
  };
  const out: Outcome[] = [];
  for (const item of expected) {
    for (const ld of item.line_data_list) {
      const f = load(ld.path);
      const line = f.lines[ld.line_num - 1];
      let start: number;
      let end: number;
      const inLine = line ? f.text.slice(line.start, line.end).indexOf(ld.value) : -1;
      if (line && inLine >= 0) {
        start = line.start + inLine;
        end = start + Math.max(1, ld.value.length);
      } else {
        const at = f.text.indexOf(ld.value);
        start = at >= 0 ? at : (line?.start ?? 0);
        end = at >= 0 ? at + Math.max(1, ld.value.length) : (line?.end ?? 0);
      }
      const hit = f.hits.find(
        (h) => h.start < end && start < h.end && (item.rule !== PEM_RULE || KEY_RULES.has(h.rule.id)),
      );
      const viaLine = hit === undefined && item.rule !== PEM_RULE && scanner.scan(viewOfText(ld.line), TEST_CTX).length > 0;
      out.push({ rule: item.rule, file: ld.path.split('/').pop() ?? ld.path, line: ld.line_num, found: hit !== undefined, by: hit?.rule.id ?? '', viaLine });
    }
  }
  return out;
}

function pct(n: number, d: number): string {
  return d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}% (${n}/${d})`;
}

describe('dlp corpus evaluation', () => {
  it('finds every PEM private key CredSweeper lists and reports token recall', (t) => {
    if (!existsSync(resolve(CREDSWEEPER, 'tests/data/output.json'))) {
      t.skip('corpora folder ../shared/corpora/Samsung-CredSweeper is absent');
      return;
    }
    const outcomes = credSweeperOutcomes();
    const pem = outcomes.filter((o) => o.rule === PEM_RULE);
    const tokens = outcomes.filter((o) => o.rule !== PEM_RULE && !NOT_TOKEN_RULES.has(o.rule));
    const generic = outcomes.filter((o) => NOT_TOKEN_RULES.has(o.rule));
    const pemMissed = pem.filter((o) => !o.found);
    const tokenMissed = tokens.filter((o) => !o.found);
    const lines = [
      `CredSweeper PEM private-key lines found: ${pct(pem.length - pemMissed.length, pem.length)}`,
      `CredSweeper token/key recall: ${pct(tokens.length - tokenMissed.length, tokens.length)} on raw files; ` +
        `${pct(tokens.filter((o) => o.found || o.viaLine).length, tokens.length)} counting lines found through normalize/decoded layers`,
      `CredSweeper generic (password/secret/…) recall, informational: ${pct(generic.filter((o) => o.found).length, generic.length)}`,
      `token misses: ${tokenMissed.map((o) => `${o.rule} @${o.file}:${o.line}${o.viaLine ? ' (found via layers)' : ''}`).join('; ')}`,
      `token hits by rule: ${[...new Set(tokens.filter((o) => o.found).map((o) => `${o.rule}→${o.by}`))].join('; ')}`,
    ];
    t.diagnostic(lines.join('\n'));
    console.log(lines.join('\n'));
    assert.ok(pem.length > 0, 'the corpus lists PEM keys');
    assert.deepEqual(
      pemMissed.map((o) => `${o.file}:${o.line}`),
      [],
      'every PEM private key line is inside a reported key block',
    );
  });

  it('reports tp recall and fp rate on gitleaks rule examples', (t) => {
    if (!existsSync(GITLEAKS)) {
      t.skip('corpora folder ../shared/corpora/gitleaks-gitleaks is absent');
      return;
    }
    const examples = JSON.parse(readFileSync(GITLEAKS, 'utf8')) as { rule_id: string; label: string; text: string }[];
    const scanner = createDlpScanner();
    let tp = 0;
    let tpFound = 0;
    let fp = 0;
    let fpFlagged = 0;
    const fpBy = new Map<string, number>();
    const tpMissedBy = new Map<string, number>();
    for (const ex of examples) {
      const findings = scanner.scan(viewOfText(ex.text), TEST_CTX);
      if (ex.label === 'tp') {
        tp++;
        if (findings.length > 0) tpFound++;
        else tpMissedBy.set(ex.rule_id, (tpMissedBy.get(ex.rule_id) ?? 0) + 1);
      } else {
        fp++;
        if (findings.length > 0) {
          fpFlagged++;
          const key = `${ex.rule_id}→${findings.map((f) => f.rule).join('+')}`;
          fpBy.set(key, (fpBy.get(key) ?? 0) + 1);
        }
      }
    }
    const lines = [
      `gitleaks tp recall: ${pct(tpFound, tp)}`,
      `gitleaks fp rate: ${pct(fpFlagged, fp)}`,
      `tp missed by gitleaks rule: ${[...tpMissedBy].map(([k, v]) => `${k}×${v}`).join(', ')}`,
      `fp flagged: ${[...fpBy].map(([k, v]) => `${k}×${v}`).join(', ')}`,
    ];
    t.diagnostic(lines.join('\n'));
    console.log(lines.join('\n'));
    assert.ok(tp + fp > 0);
  });
});
