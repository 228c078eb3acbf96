#!/usr/bin/env node
// Runs the built CLI (dist/tollgate.js, plain JavaScript: `npm run build`, done by `npm install`
// and before `npm start`). When there is no build, or src/ changed after it, the CLI runs from
// source through tsx's loader instead, so an edit is never answered by old code.
// TOLLGATE_FROM_SOURCE=1 forces the source path.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { distState, DIST_ENTRY, ROOT } from './dist-state.js';

const state = process.env.TOLLGATE_FROM_SOURCE === '1' ? 'forced' : distState();

async function fromSource() {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    return false;
  }
  if (state === 'stale' && process.stderr.isTTY) process.stderr.write('tollgate: dist/ is older than src/; running from source (npm run build to rebuild)\n');
  register();
  await import('../src/cli/main.ts');
  return true;
}

const built = pathToFileURL(join(ROOT, 'dist', DIST_ENTRY)).href;
if (state === 'fresh') {
  await import(built);
} else if (!(await fromSource())) {
  if (state === 'stale') {
    process.stderr.write('tollgate: dist/ is older than src/ and tsx is not installed; running the old build (npm run build)\n');
    await import(built);
  } else {
    process.stderr.write(`tollgate: ${state === 'forced' ? 'TOLLGATE_FROM_SOURCE=1 needs tsx' : 'no build in dist/ and no tsx to run the source'}: run \`npm install\` (or \`npm run build\`)\n`);
    process.exit(1);
  }
}
