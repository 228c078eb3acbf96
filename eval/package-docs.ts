// Real documentation every install has: the Markdown files (over 1 KB) of the packages in the
// project's own node_modules, pinned by package-lock.json, read in 16 KB pieces as a fetched page
// or tool result would arrive. Benign by construction (READMEs, licences, security policies,
// changelogs). Several injection rules were corrected against it (2026-11-21), so its row is
// in-sample: a regression check, not a held-out measure.
//
// The same on every machine with the same lockfile: only packages the lockfile lists for every
// platform are read (an `os` or `cpu` restriction, such as fsevents on macOS, leaves a package
// out), symbolic links are never followed (an `npm link` adds nothing), and files are ordered by
// their path inside node_modules.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT = fileURLToPath(new URL('..', import.meta.url));
const PIECE = 16 * 1024;
const MIN_BYTES = 1024;
const MAX_DEPTH = 12;

interface LockPackage {
  readonly os?: unknown;
  readonly cpu?: unknown;
  readonly link?: unknown;
}

/** Package folders (relative, "node_modules/…") the lockfile installs on every platform. */
function portablePackages(): string[] {
  const lock = JSON.parse(readFileSync(join(PROJECT, 'package-lock.json'), 'utf8')) as { packages?: Record<string, LockPackage> };
  return Object.entries(lock.packages ?? {})
    .filter(([path, p]) => path.startsWith('node_modules/') && p.os === undefined && p.cpu === undefined && p.link !== true)
    .map(([path]) => path);
}

/** Markdown files under one package folder, without entering nested packages or following links. */
function markdownIn(dir: string, depth: number, out: string[]): void {
  if (depth > MAX_DEPTH) return;
  let entries: string[];
  try {
    entries = readdirSync(join(PROJECT, dir));
  } catch {
    return;
  }
  for (const name of entries) {
    const rel = `${dir}/${name}`;
    const st = lstatSync(join(PROJECT, rel));
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) {
      // nested packages are listed in the lockfile themselves
      if (name !== 'node_modules') markdownIn(rel, depth + 1, out);
    } else if (st.isFile() && name.toLowerCase().endsWith('.md') && st.size > MIN_BYTES) out.push(rel);
  }
}

/** The pieces, in a stable order; empty when node_modules or the lockfile is absent. */
export function packageDocs(): string[] {
  let packages: string[];
  try {
    packages = portablePackages();
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const p of packages) markdownIn(p, 0, files);
  files.sort();
  const pieces: string[] = [];
  for (const f of files) {
    const text = readFileSync(join(PROJECT, f), 'utf8');
    for (let i = 0; i < text.length; i += PIECE) pieces.push(text.slice(i, i + PIECE));
  }
  return pieces;
}
