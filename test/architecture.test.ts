import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

/**
 * Dependency direction, checked rather than hoped:
 *   cli → transports → engine → scanners → normalize → core
 * Scanners are pure: no sockets, files, processes or DNS; no transport or evidence code.
 */
const SRC = resolve(import.meta.dirname, '../src');
const IO_MODULES = ['net', 'http', 'https', 'http2', 'tls', 'dns', 'fs', 'fs/promises', 'child_process', 'dgram', 'worker_threads', 'cluster'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.bench.ts') ? [p] : [];
  });
}

/** Every module specifier a file imports, statically or dynamically, or requires. */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s+['"]([^'"]+)['"]/gm];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1] as string);
  return out;
}

/** Which top-level src/ folder an import lands in, or null for packages and node builtins. */
function targetLayer(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const rel = relative(SRC, resolve(dirname(file), spec));
  return rel.startsWith('..') ? 'outside-src' : (rel.split('/')[0] ?? null);
}

function isIo(spec: string): boolean {
  const bare = spec.replace(/^node:/, '');
  return IO_MODULES.includes(bare);
}

const FORBIDDEN: Record<string, readonly string[]> = {
  core: ['config', 'normalize', 're', 'extract', 'scanners', 'engine', 'state', 'transports', 'evidence', 'cli', 'main.ts'],
  re: ['config', 'normalize', 'extract', 'scanners', 'engine', 'state', 'transports', 'evidence', 'cli', 'main.ts'],
  normalize: ['config', 'extract', 'scanners', 'engine', 'state', 'transports', 'evidence', 'cli', 'main.ts'],
  extract: ['config', 'engine', 'state', 'transports', 'evidence', 'cli', 'main.ts'],
  scanners: ['config', 'extract', 'engine', 'state', 'transports', 'evidence', 'cli', 'main.ts'],
  engine: ['state', 'transports', 'evidence', 'cli', 'main.ts'],
  config: ['engine', 'scanners', 'transports', 'evidence', 'cli', 'main.ts'],
  transports: ['cli', 'main.ts'],
  evidence: ['engine', 'scanners', 'extract', 'normalize', 'transports', 'cli', 'main.ts'],
};
const PURE_LAYERS = new Set(['core', 're', 'normalize', 'extract', 'scanners', 'engine']);

export function violations(file: string, source: string): string[] {
  const layer = relative(SRC, file).split('/')[0] as string;
  const out: string[] = [];
  for (const spec of importsOf(source)) {
    if (PURE_LAYERS.has(layer) && isIo(spec)) out.push(`${relative(SRC, file)} imports ${spec} (I/O in a pure layer)`);
    const target = targetLayer(file, spec);
    if (target && FORBIDDEN[layer]?.includes(target)) out.push(`${relative(SRC, file)} imports ${spec} (${layer} must not depend on ${target})`);
  }
  return out;
}

describe('architecture', () => {
  it('keeps every layer inside its allowed dependencies, and scanners free of I/O', () => {
    const all = files(SRC).flatMap((f) => violations(f, readFileSync(f, 'utf8')));
    assert.deepEqual(all, []);
  });

  it('catches a scanner that imports a socket, a file API or a transport (the check can fail)', () => {
    const fake = join(SRC, 'scanners/dlp/fake.ts');
    assert.equal(violations(fake, "import net from 'node:net';").length, 1);
    assert.equal(violations(fake, "import { readFileSync } from 'fs';").length, 1);
    assert.equal(violations(fake, "const cp = await import('node:child_process');").length, 1);
    assert.equal(violations(fake, "import { x } from '../../transports/scan-api/index.ts';").length, 1);
    assert.equal(violations(fake, "import type { Finding } from '../../core/index.ts';").length, 0);
  });
});
