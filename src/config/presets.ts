import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Presets ship inside the package as commented YAML; `tollgate init` copies one verbatim. */
export const PRESET_DIR = join(dirname(fileURLToPath(import.meta.url)), 'presets');

export const PRESET_NAMES: readonly string[] = readdirSync(PRESET_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();

export function readPresetText(name: string): string | null {
  if (!PRESET_NAMES.includes(name)) return null;
  return readFileSync(join(PRESET_DIR, `${name}.yaml`), 'utf8');
}

/**
 * The first comment paragraph of a preset: what it is for and how it differs. It ends at the first
 * line that is not a comment, or at an empty comment line (`#`), after which a preset may carry the
 * config file's own header ("Tollgate config, version 1. …").
 */
export function presetSummary(name: string): string {
  const text = readPresetText(name) ?? '';
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#') || line.slice(1).trim() === '') break;
    lines.push(line.replace(/^#\s?/, ''));
  }
  return lines.join(' ').replace(/\s+/g, ' ').trim();
}
