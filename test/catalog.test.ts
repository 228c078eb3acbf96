import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ruleCatalog } from '../src/engine/index.ts';
import { transportRules } from '../src/transports/rules.ts';

const SRC = resolve(import.meta.dirname, '../src');
const PREFIXES = ['dlp', 'known-secrets', 'entropy', 'split-secrets', 'ssrf', 'injection', 'crypto', 'tool-poisoning', 'tool-policy', 'engine', 'policy', 'mcp'];
const LITERAL = new RegExp(`['"\`]((?:${PREFIXES.join('|')})/[a-z0-9]+(?:-[a-z0-9]+)*)['"\`]`, 'g');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.bench.ts') && !p.includes('testing') && !p.includes('fixtures') ? [p] : [];
  });
}

describe('rule catalog', () => {
  it('lists every rule id the code can put in a finding (tollgate rules is complete)', () => {
    const known = new Set([...ruleCatalog(), ...transportRules()].map((r) => r.id));
    const missing: string[] = [];
    for (const file of sources(SRC)) {
      for (const m of readFileSync(file, 'utf8').matchAll(LITERAL)) {
        const id = m[1] as string;
        if (!known.has(id)) missing.push(`${id} (${relative(SRC, file)})`);
      }
    }
    assert.deepEqual([...new Set(missing)].sort(), []);
  });

  it('has no duplicate ids and a technique id on every rule', () => {
    const all = [...ruleCatalog(), ...transportRules()];
    const ids = all.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const r of all) assert.match(r.mitre, /^T\d{4}(\.\d{3})?$/, r.id);
  });
});
