// Real documentation every install has: the Markdown files (over 1 KB) of the packages in the
// project's own node_modules, pinned by package-lock.json, read in 16 KB pieces as a fetched page
// or tool result would arrive. Benign by construction (READMEs, licences, security policies,
// changelogs). Several injection rules were corrected against it (2026-11-21), so its row is
// in-sample: a regression check, not a held-out measure.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../node_modules', import.meta.url));
const PIECE = 16 * 1024;
const MIN_BYTES = 1024;

/** The pieces, in a stable order (sorted paths); empty when node_modules is absent. */
export function packageDocs(): string[] {
  let names: string[];
  try {
    names = readdirSync(ROOT, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  const files = names
    .filter((n) => n.toLowerCase().endsWith('.md'))
    .map((n) => join(ROOT, n))
    .filter((f) => {
      try {
        const s = statSync(f);
        return s.isFile() && s.size > MIN_BYTES;
      } catch {
        return false;
      }
    })
    .sort();
  const pieces: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (let i = 0; i < text.length; i += PIECE) pieces.push(text.slice(i, i + PIECE));
  }
  return pieces;
}
