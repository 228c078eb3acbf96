// docs/BENCH.md holds one section per benchmark. The engine bench owns the top of the file; the
// transport benches own sections between their own markers, which every writer keeps intact.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const BENCH_DOC = new URL('../docs/BENCH.md', import.meta.url);

const SECTION = /<!-- ([a-z0-9-]+)-bench:start -->[\s\S]*?<!-- \1-bench:end -->\n?/g;

function markers(name: string): { start: string; end: string } {
  return { start: `<!-- ${name}-bench:start -->`, end: `<!-- ${name}-bench:end -->` };
}

/** Every marked section of `text`, in order, each ending with a newline. */
export function markedSections(text: string): string[] {
  return [...text.matchAll(SECTION)].map((m) => (m[0].endsWith('\n') ? m[0] : `${m[0]}\n`));
}

/** Replaces (or appends) the section `name` in docs/BENCH.md, leaving everything else as it was. */
export function writeSection(name: string, body: string): void {
  const { start, end } = markers(name);
  const block = `${start}\n${body.trim()}\n${end}\n`;
  const text = existsSync(BENCH_DOC) ? readFileSync(BENCH_DOC, 'utf8') : '# Benchmarks\n';
  const at = text.indexOf(start);
  const stop = text.indexOf(end);
  let next: string;
  if (at >= 0 && stop > at) {
    const after = text.slice(stop + end.length).replace(/^\n/, '');
    next = `${text.slice(0, at)}${block}${after}`;
  } else {
    next = `${text.replace(/\n*$/, '\n')}\n${block}`;
  }
  writeFileSync(BENCH_DOC, next);
}
