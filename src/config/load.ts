import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
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

const YAML_OPTIONS = { uniqueKeys: true, prettyErrors: true, strict: true } as const;

/** The preset a config without a `preset:` key starts from. */
export const DEFAULT_PRESET = 'balanced';

/**
 * Parses and validates YAML text. The file starts from the preset its `preset:` key names, or from
 * the default preset (balanced) when it names none; the file's keys override it.
 */
export function parseConfig(text: string, source = '<config>'): LoadedConfig {
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
  return { config: result.data, hash: configHash(result.data), source };
}

export function loadConfigFile(path: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TollgateError('CONFIG_READ', `cannot read config ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseConfig(text, path);
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
