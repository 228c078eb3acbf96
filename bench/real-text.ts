// Real text for the engine bench, read from the evaluation corpora beside the project
// (../shared/corpora, read-only; nothing is copied into the repo). The generator in corpus-gen.ts
// draws from a few hundred words, so after a few thousand scans the regex automata have built every
// state its text needs; real text keeps needing new ones. These texts say what that costs.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CORPORA = resolve(fileURLToPath(new URL('..', import.meta.url)), '../shared/corpora');

export interface RealText {
  /** Benign chat prompts (WildGuard, label 0): run through the engine first, as earlier traffic. */
  readonly warmUp: readonly string[];
  /** Emails, tables and Stack Overflow answers with their code (BIPIA contexts, every split), interleaved. */
  readonly pool: string;
  /** Where the texts came from, for the bench's notes. */
  readonly sources: string;
}

const jsonl = (file: string): Record<string, unknown>[] =>
  readFileSync(join(CORPORA, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const text = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.filter((x) => typeof x === 'string').join('\n') : '');

/** The corpora's real text, or null when ../shared/corpora is not beside the project (or not as expected). */
export function loadRealText(): RealText | null {
  if (!existsSync(join(CORPORA, 'microsoft-BIPIA')) || !existsSync(join(CORPORA, 'leolee99-InjecGuard'))) return null;
  try {
    return readRealText();
  } catch (err) {
    process.stderr.write(`real text: ${(err as Error).message}; the real-text rows are skipped\n`);
    return null;
  }
}

function readRealText(): RealText {
  const wild = JSON.parse(readFileSync(join(CORPORA, 'leolee99-InjecGuard/datasets/wildguard.json'), 'utf8')) as { prompt?: unknown; label?: unknown }[];
  const warmUp = wild.filter((r) => r.label === 0 && typeof r.prompt === 'string').map((r) => r.prompt as string);
  // BIPIA repeats contexts across records and splits: each text is kept once, so a piece never
  // holds text an earlier row (or the warm-up) already scanned
  const seen = new Set<string>();
  const kinds = ['email', 'table', 'code'].map((k) =>
    ['test', 'train']
      .flatMap((split) => jsonl(`microsoft-BIPIA/benchmark/${k}/${split}.jsonl`).map((r) => [text(r.context), text(r.code)].filter(Boolean).join('\n\n')))
      .filter((t) => t.length > 0 && !seen.has(t) && seen.add(t)),
  );
  // records of the three kinds merged in proportion to their sizes (the kind furthest behind goes
  // next), so that every slice of the pool mixes prose, tables and code alike
  const totals = kinds.map((k) => k.reduce((n, r) => n + r.length, 0));
  const used = kinds.map(() => 0);
  const next = kinds.map(() => 0);
  const parts: string[] = [];
  for (;;) {
    let pick = -1;
    kinds.forEach((k, i) => {
      if ((next[i] as number) < k.length && (pick < 0 || (used[i] as number) / (totals[i] as number) < (used[pick] as number) / (totals[pick] as number))) pick = i;
    });
    if (pick < 0) break;
    const record = (kinds[pick] as string[])[next[pick] as number] as string;
    parts.push(record);
    used[pick] = (used[pick] as number) + record.length;
    next[pick] = (next[pick] as number) + 1;
  }
  return {
    warmUp,
    pool: parts.join('\n\n'),
    sources: 'WildGuard benign prompts (warm-up); BIPIA email, table and code contexts (measured)',
  };
}

/**
 * `count` consecutive pieces of `size` characters from `pool`, starting at `*cursor`, which moves
 * past them: rows that take their pieces one after another never see the same text.
 */
export function takePieces(pool: string, size: number, count: number, cursor: { at: number }): string[] {
  const out: string[] = [];
  while (out.length < count && cursor.at + size <= pool.length) {
    out.push(pool.slice(cursor.at, cursor.at + size));
    cursor.at += size;
  }
  return out;
}
