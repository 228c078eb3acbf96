// The derived prefilter data of every rule pattern, precomputed into cores.generated.json (see
// scripts/gen-injection-cores.ts) and looked up at start-up; anything missing is derived on the spot.
import { createRequire } from 'node:module';
import { coresOf, needsNonAscii, relaxForFolded } from './cores.ts';

export interface CoreTable {
  /** Pattern source → its cores' sources, or null when it has no usable core. */
  readonly cores: Readonly<Record<string, readonly string[] | null>>;
  /** Pattern source → its cores allowed to bridge filler windows (the per-pattern locator), or null. */
  readonly wild: Readonly<Record<string, readonly string[] | null>>;
  /** Pattern source → true when every match needs a non-ASCII character. */
  readonly nonAscii: Readonly<Record<string, boolean>>;
  /** Core source of a clean-view pattern → the core relaxed for the folded view of an ASCII text. */
  readonly relaxed: Readonly<Record<string, string>>;
}

export function deriveCoreTable(specs: readonly { readonly src: string; readonly view: 'folded' | 'plain' | 'clean' }[]): CoreTable {
  const cores: Record<string, readonly string[] | null> = {};
  const wild: Record<string, readonly string[] | null> = {};
  const nonAscii: Record<string, boolean> = {};
  const relaxed: Record<string, string> = {};
  for (const p of specs) {
    if (!(p.src in cores)) cores[p.src] = coresOf(p.src)?.map((c) => c.src) ?? null;
    if (!(p.src in wild)) wild[p.src] = coresOf(p.src, true)?.map((c) => c.src) ?? null;
    if (!(p.src in nonAscii)) nonAscii[p.src] = needsNonAscii(p.src);
    if (p.view === 'clean') for (const c of cores[p.src] ?? []) if (!(c in relaxed)) relaxed[c] = relaxForFolded(c);
  }
  return { cores, wild, nonAscii, relaxed };
}

function load(): CoreTable {
  try {
    return createRequire(import.meta.url)('./cores.generated.json') as CoreTable;
  } catch {
    // No generated table (e.g. while regenerating it): every lookup derives on the spot.
    return { cores: {}, wild: {}, nonAscii: {}, relaxed: {} };
  }
}

const TABLE = load();

export function coresFor(src: string): readonly string[] | null {
  const hit = TABLE.cores[src];
  return hit !== undefined ? hit : (coresOf(src)?.map((c) => c.src) ?? null);
}

export function wildCoresFor(src: string): readonly string[] | null {
  const hit = TABLE.wild[src];
  return hit !== undefined ? hit : (coresOf(src, true)?.map((c) => c.src) ?? null);
}

export function needsNonAsciiFor(src: string): boolean {
  const hit = TABLE.nonAscii?.[src];
  return hit !== undefined ? hit : needsNonAscii(src);
}

export function relaxedFor(core: string): string {
  const hit = TABLE.relaxed?.[core];
  return hit !== undefined ? hit : relaxForFolded(core);
}
