import { createHash } from 'node:crypto';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ZodError } from 'zod';
import { TollgateError } from '../core/index.ts';
import { readPresetText } from './presets.ts';
import { TollgateConfig } from './schema.ts';

export interface ConfigIssue {
  /** Dotted key path, e.g. `scanners.dlp.bogus`. */
  readonly key: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export class ConfigError extends TollgateError {
  constructor(
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super('CONFIG_INVALID', `${file}: invalid config\n${issues.map((i) => `  ${file}:${i.line}:${i.column} ${i.key || '(root)'}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  readonly config: TollgateConfig;
  /** sha256 of the validated config's canonical JSON: which policy made a decision. */
  readonly hash: string;
  readonly source: string;
}

/**
 * Checks that need knowledge the config layer may not import (the engine's rule catalog, the SSRF
 * scanner's CIDR parser). The composition root builds them (`configChecks()` in src/main.ts) and
 * every loader that starts something passes them, so a typo in a rule id or a range is an error
 * rather than an override that silently does nothing.
 */
export interface ConfigChecks {
  /** Every rule id a finding can carry (built-in rules; the config's own tool-policy rules are added here). */
  readonly ruleIds: ReadonlySet<string>;
  /** Whether a `scanners.ssrf.allowCidrs` entry parses, exactly as the SSRF scanner reads it. */
  readonly isCidr: (text: string) => boolean;
  /** Whether a `scanners.crypto.allowlistedAddresses` entry parses as a wallet address, as the crypto scanner reads it. */
  readonly isWalletAddress?: (text: string) => boolean;
}

export interface ParseOptions {
  readonly checks?: ConfigChecks;
}

const YAML_OPTIONS = { uniqueKeys: true, prettyErrors: true, strict: true } as const;

/** The preset a config without a `preset:` key starts from. */
export const DEFAULT_PRESET = 'balanced';

/**
 * Parses and validates YAML text. The file starts from the preset its `preset:` key names, or from
 * the default preset (balanced) when it names none; the file's keys override it.
 */
export function parseConfig(text: string, source = '<config>', opts: ParseOptions = {}): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return { key: '', line: pos?.line ?? 0, column: pos?.col ?? 0, message: e.message.split('\n')[0] ?? e.message };
      }),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 50 }) ?? {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(source, [{ key: '', line: 1, column: 1, message: 'the config must be a mapping of keys to values' }]);
  }
  // Every config starts from a preset: the one it names, or the default (balanced) when it names
  // none, so a file that sets only `mode` or `rules` is never weaker than no file at all.
  const presetName = (raw as Record<string, unknown>).preset ?? DEFAULT_PRESET;
  const base = typeof presetName === 'string' ? resolvePreset(presetName, 0) : null;
  if (base === null) {
    const pos = locate(doc, lineCounter, ['preset']);
    throw new ConfigError(source, [{ key: 'preset', ...pos, message: `unknown preset "${String(presetName)}"` }]);
  }
  const merged = deepMerge(base, raw as Record<string, unknown>);
  const result = TollgateConfig.safeParse(merged);
  if (!result.success) throw new ConfigError(source, issuesOf(result.error, doc, lineCounter));
  const problems = [...fileProblems(result.data), ...(opts.checks ? checkProblems(result.data, opts.checks) : [])];
  if (problems.length > 0) {
    throw new ConfigError(
      source,
      problems
        .map((p) => ({ key: p.path.join('.'), ...locate(doc, lineCounter, p.path), message: p.message }))
        .sort((a, b) => a.line - b.line || a.column - b.column),
    );
  }
  return { config: result.data, hash: configHash(result.data), source };
}

interface Problem {
  readonly path: readonly string[];
  readonly message: string;
}

/** Files the config names must be readable now: a missing one is a config error, not a crash later. */
function fileProblems(c: TollgateConfig): Problem[] {
  const file = c.scanners.knownSecrets.secretsFile;
  if (file === undefined || !c.scanners.knownSecrets.enabled) return [];
  try {
    if (!statSync(file).isFile()) return [{ path: ['scanners', 'knownSecrets', 'secretsFile'], message: `${file} is not a file` }];
    accessSync(file, constants.R_OK);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : (e.code ?? e.message);
    return [{ path: ['scanners', 'knownSecrets', 'secretsFile'], message: `cannot read ${file}: ${why}` }];
  }
  return [];
}

const SCANNER_KEYS = ['dlp', 'knownSecrets', 'entropy', 'splitSecrets', 'ssrf', 'injection', 'crypto', 'toolPoisoning', 'toolPolicy'] as const;

/** Rule ids that name no rule, CIDRs the SSRF scanner would drop, and wallet addresses the crypto scanner would. */
function checkProblems(c: TollgateConfig, checks: ConfigChecks): Problem[] {
  const tp = c.scanners.toolPolicy;
  const own = [...tp.rules.map((r) => `tool-policy/${r.id}`), ...(tp.chains.patterns ?? []).map((p) => `tool-policy/${p.id}`)];
  const known = new Set([...checks.ruleIds, ...own]);
  const out: Problem[] = [];
  const rule = (path: readonly string[], id: string): void => {
    if (known.has(id)) return;
    const near = nearest(id, known);
    out.push({ path, message: `unknown rule id "${id}"${near ? ` (did you mean "${near}"?)` : ''}; \`tollgate rules\` lists them` });
  };
  for (const id of Object.keys(c.rules)) rule(['rules', id], id);
  for (const key of SCANNER_KEYS) {
    c.scanners[key].disabledRules.forEach((id, i) => rule(['scanners', key, 'disabledRules', String(i)], id));
  }
  for (const id of Object.keys(c.scanners.dlp.destinations)) rule(['scanners', 'dlp', 'destinations', id], id);
  const wallet = checks.isWalletAddress;
  if (wallet) {
    c.scanners.crypto.allowlistedAddresses.forEach((address, i) => {
      if (!wallet(address)) {
        out.push({ path: ['scanners', 'crypto', 'allowlistedAddresses', String(i)], message: `"${address}" is not a wallet address Tollgate can read (Ethereum, Bitcoin, Solana or BNB, with a valid checksum); look-alikes of it would not be caught` });
      }
    });
  }
  c.scanners.ssrf.allowCidrs.forEach((cidr, i) => {
    if (!checks.isCidr(cidr)) {
      out.push({ path: ['scanners', 'ssrf', 'allowCidrs', String(i)], message: `"${cidr}" is not an IP address or CIDR range (10.0.0.0/8, fd00::/8, 127.0.0.1)` });
    }
  });
  return out;
}

/** The known id closest to a typo (edit distance at most 1 per 4 characters, at least 2), or undefined. */
function nearest(id: string, known: ReadonlySet<string>): string | undefined {
  const limit = Math.max(2, Math.floor(id.length / 4));
  let best: string | undefined;
  let bestD = limit + 1;
  for (const k of known) {
    if (Math.abs(k.length - id.length) >= bestD) continue;
    const d = editDistance(id, k, bestD);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `cap`) once every entry of a row reaches it. */
function editDistance(a: string, b: string, cap: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let min = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      if (v < min) min = v;
    }
    if (min >= cap) return cap;
    prev = row;
  }
  return prev[b.length] ?? cap;
}

export function loadConfigFile(path: string, opts: ParseOptions = {}): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TollgateError('CONFIG_READ', `cannot read config ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseConfig(text, path, opts);
}

/** The embedded default: the `balanced` preset. */
export function defaultConfig(): LoadedConfig {
  return parseConfig(`preset: ${DEFAULT_PRESET}\n`, `<default: ${DEFAULT_PRESET}>`);
}

export function configHash(config: TollgateConfig): string {
  return createHash('sha256').update(stableStringify(config)).digest('hex');
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A preset may itself start from another preset (`preset: balanced`); resolved to a bounded depth. */
function resolvePreset(name: string, depth: number): Record<string, unknown> | null {
  const text = readPresetText(name);
  if (text === null || depth > 4) return null;
  const own = (parseDocument(text, YAML_OPTIONS).toJS() ?? {}) as Record<string, unknown>;
  const parent = typeof own.preset === 'string' && own.preset !== name ? resolvePreset(own.preset, depth + 1) : {};
  if (parent === null) return null;
  return { ...deepMerge(parent, own), preset: name };
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function issuesOf(error: ZodError, doc: Document, lc: LineCounter): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ key: [...path, key].join('.'), ...locate(doc, lc, [...path, key]), message: `unknown key "${key}"` });
      }
      continue;
    }
    // A bad record key (e.g. a malformed rule id) carries the useful message one level down.
    const nested = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
    issues.push({ key: path.join('.'), ...locate(doc, lc, path), message: nested ?? issue.message });
  }
  return issues;
}

/** Finds the line:column of a key path in the YAML document; falls back to the deepest ancestor present. */
function locate(doc: Document, lc: LineCounter, path: readonly string[]): { line: number; column: number } {
  let node: unknown = doc.contents;
  let offset = 0;
  for (const key of path) {
    if (isSeq(node)) {
      // A list item: point at the item itself (`- dlp/nonexistent`, or `[a, b]`'s b).
      const item: unknown = /^\d+$/.test(key) ? node.items[Number(key)] : undefined;
      const range = item && typeof item === 'object' && 'range' in item ? (item as { range?: readonly number[] }).range : undefined;
      if (!range || range[0] === undefined) break;
      offset = range[0];
      node = item;
      continue;
    }
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
    if (!pair || !isPair(pair)) break;
    const keyNode = pair.key;
    if (isScalar(keyNode) && keyNode.range) offset = keyNode.range[0];
    node = pair.value;
  }
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col };
}
