// Is the built CLI (dist/tollgate.js) there, and was it built after the last change to what it is
// built from? Plain JavaScript, no dependencies: bin/tollgate.js asks this on every start
// (a stat of each file under src/: 10–20 ms) and scripts/build.mjs asks it for --if-stale.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST_ENTRY = 'tollgate.js';

/**
 * Newest modification time (ms) under dir of a file that can be in a build (tests cannot) or of a
 * directory (a file removed or renamed changes only its directory's time), 0 when dir does not exist.
 */
function newestUnder(dir) {
  let newest;
  let names;
  try {
    newest = statSync(dir).mtimeMs;
    names = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const d of names) {
    const p = join(dir, d.name);
    if (d.isDirectory()) newest = Math.max(newest, newestUnder(p));
    else if (d.isFile() && !d.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function mtimeOf(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * 'missing' (no build), 'stale' (a file under src/ other than a test, a directory under src/ (a file added,
 * removed or renamed), package.json or package-lock.json is newer than the build), or 'fresh'. Without src/ (an installed package) a build that exists is fresh.
 */
export function distState(root = ROOT, outdir = join(root, 'dist')) {
  const built = mtimeOf(join(outdir, DIST_ENTRY));
  if (built === 0) return 'missing';
  const inputs = Math.max(newestUnder(join(root, 'src')), mtimeOf(join(root, 'package.json')), mtimeOf(join(root, 'package-lock.json')));
  return inputs > built ? 'stale' : 'fresh';
}
