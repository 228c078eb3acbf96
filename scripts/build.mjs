// Builds the CLI into dist/: one esbuild bundle of src/cli/main.ts and its dependencies
// (dist/tollgate.js plus chunks for what is imported only on demand: each command, TLS
// interception, the OTLP sink), so `tollgate` runs as plain JavaScript with no TypeScript loader.
// Native `re2` stays external (it is a compiled addon, loaded from node_modules). The data files
// read at run time by path (presets, the injection cores table) are copied beside the bundle;
// every output file sits directly in dist/, so `../package.json` and `./presets` resolve as
// they do from src/.
//
//   node scripts/build.mjs              build dist/
//   node scripts/build.mjs --if-stale   build only when dist/ is missing or older than src/
//   node scripts/build.mjs --outdir DIR build into DIR instead (DIR must be a direct child of
//                                       the repository, like dist/)
//   node scripts/build.mjs --optional   without esbuild installed (npm install --omit=dev), say so
//                                       and exit 0 instead of failing (npm's prepare uses this)
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, utimesSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { distState, DIST_ENTRY, ROOT } from '../bin/dist-state.js';

function parseArgs(argv) {
  const out = { ifStale: false, outdir: join(ROOT, 'dist'), quiet: false, optional: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--if-stale') out.ifStale = true;
    else if (a === '--quiet') out.quiet = true;
    else if (a === '--optional') out.optional = true;
    else if (a === '--outdir' && argv[i + 1]) out.outdir = resolve(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  if (dirname(out.outdir) !== ROOT.replace(/\/$/, '')) throw new Error(`--outdir must be a direct child of ${ROOT} (the bundle finds ../package.json from there)`);
  return out;
}

// zod keeps error messages in some fifty languages behind its `locales` export; Tollgate uses
// only the English default, which zod imports directly. The bundle gets an empty `locales`
// namespace instead: ~290 KB less JavaScript that `tollgate run` would otherwise hold in memory
// as module source for as long as it runs.
const ZOD_WITHOUT_LOCALES = {
  name: 'zod-without-locales',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/** Builds into outdir (through a temporary directory renamed into place); returns milliseconds taken. */
export async function buildDist(outdir) {
  const { build } = await import('esbuild');
  const started = Date.now();
  const tmp = join(dirname(outdir), `.${basename(outdir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await build({
      absWorkingDir: ROOT,
      // The receipts seal worker is a thread of its own: its module sits in dist/ as seal-worker.js (see evidence/receipts/sealer.ts).
      // So is the scan worker (scan-pool/pool.ts): scan-worker.js.
      entryPoints: { [DIST_ENTRY.replace(/\.js$/, '')]: 'src/cli/main.ts', 'seal-worker': 'src/evidence/receipts/seal-worker.ts', 'scan-worker': 'src/scan-pool/worker.ts' },
      outdir: tmp,
      bundle: true,
      splitting: true,
      chunkNames: '[name]-[hash]',
      platform: 'node',
      format: 'esm',
      target: 'node20.19',
      external: ['re2'],
      // Bundled CommonJS dependencies call require(); give the ES module a real one.
      banner: { js: "import { createRequire as __tollgateRequire } from 'node:module'; const require = __tollgateRequire(import.meta.url);" },
      // Whitespace and syntax only: names stay readable in stack traces. The smaller, ASCII-only
      // source is also what V8 keeps in memory for every loaded module.
      minifyWhitespace: true,
      minifySyntax: true,
      charset: 'ascii',
      legalComments: 'none',
      sourcemap: 'linked',
      logLevel: 'warning',
      plugins: [ZOD_WITHOUT_LOCALES],
    });
    cpSync(join(ROOT, 'src/config/presets'), join(tmp, 'presets'), { recursive: true });
    cpSync(join(ROOT, 'src/scanners/injection/cores.generated.json'), join(tmp, 'cores.generated.json'));
    // The build counts as of when it started, so a source edited during it makes it stale.
    utimesSync(join(tmp, DIST_ENTRY), started / 1000, started / 1000);
    rmSync(outdir, { recursive: true, force: true });
    renameSync(tmp, outdir);
  } finally {
    if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
  }
  return Date.now() - started;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.ifStale && distState(ROOT, opts.outdir) === 'fresh') process.exit(0);
  let ms;
  try {
    ms = await buildDist(opts.outdir);
  } catch (err) {
    if (!(opts.optional && err?.code === 'ERR_MODULE_NOT_FOUND' && /esbuild/.test(err.message))) throw err;
    process.stderr.write('tollgate: esbuild is not installed, so dist/ was not built; bin/tollgate.js runs the source with tsx when it is there\n');
    process.exit(0);
  }
  if (!opts.quiet) process.stderr.write(`tollgate: built ${basename(opts.outdir)}/ in ${(ms / 1000).toFixed(1)} s\n`);
}
