// Bash brace expansion ({a,b}, {1..5}, {a..e}) over words whose unquoted braces were marked by
// the lexer. Bounded: an expansion that would produce more than `max` words is left as written.
import { BRACE_CLOSE, BRACE_COMMA, BRACE_OPEN, unmarkBraces } from './lexer.ts';

interface Group {
  readonly start: number;
  readonly end: number;
  readonly alternatives: readonly string[];
}

/** The first brace group (left to right) that expands, with its alternatives. */
function firstGroup(word: string, maxSeq: number): Group | null {
  for (let start = word.indexOf(BRACE_OPEN); start >= 0; start = word.indexOf(BRACE_OPEN, start + 1)) {
    let depth = 0;
    const commas: number[] = [];
    for (let i = start; i < word.length; i++) {
      const c = word.charAt(i);
      if (c === BRACE_OPEN) depth++;
      else if (c === BRACE_COMMA && depth === 1) commas.push(i);
      else if (c === BRACE_CLOSE) {
        depth--;
        if (depth > 0) continue;
        const inner = word.slice(start + 1, i);
        if (commas.length > 0) {
          const alternatives: string[] = [];
          let from = start + 1;
          for (const at of [...commas, i]) {
            alternatives.push(word.slice(from, at));
            from = at + 1;
          }
          return { start, end: i, alternatives };
        }
        const seq = sequence(unmarkBraces(inner), maxSeq);
        if (seq) return { start, end: i, alternatives: seq };
        break;
      }
    }
  }
  return null;
}

/** `a..e`, `1..10`, `10..1..2`: the items, or null when not a sequence or longer than max. */
function sequence(inner: string, max: number): string[] | null {
  const parts = inner.split('..');
  if (parts.length < 2 || parts.length > 3) return null;
  const [a, b, s] = parts as [string, string, string | undefined];
  const step = s === undefined ? 1 : Math.abs(Number.parseInt(s, 10)) || 1;
  const isInt = (x: string): boolean => x.length > 0 && x.length <= 9 && /^-?[0-9]+$/.test(x);
  if (isInt(a) && isInt(b) && (s === undefined || isInt(s))) {
    const from = Number.parseInt(a, 10);
    const to = Number.parseInt(b, 10);
    if (Math.abs(to - from) / step + 1 > max) return null;
    const out: string[] = [];
    for (let v = from; from <= to ? v <= to : v >= to; v += from <= to ? step : -step) out.push(String(v));
    return out;
  }
  if (a.length === 1 && b.length === 1 && s === undefined) {
    const from = a.charCodeAt(0);
    const to = b.charCodeAt(0);
    if (Math.abs(to - from) + 1 > max) return null;
    const out: string[] = [];
    for (let v = from; from <= to ? v <= to : v >= to; v += from <= to ? 1 : -1) out.push(String.fromCharCode(v));
    return out;
  }
  return null;
}

/** Expands every brace group of a marked word; returns plain words (markers turned back into braces). */
export function expandBraces(word: string, max: number): string[] {
  if (!word.includes(BRACE_OPEN)) return [unmarkBraces(word)];
  const done: string[] = [];
  let work = [word];
  // Each round expands the first group of every pending word; groups are finite, so this ends.
  for (let round = 0; work.length > 0 && round < 64; round++) {
    const next: string[] = [];
    for (const w of work) {
      const g = firstGroup(w, max);
      if (!g) {
        done.push(w);
        continue;
      }
      for (const alt of g.alternatives) next.push(w.slice(0, g.start) + alt + w.slice(g.end + 1));
      if (done.length + next.length > max) return [unmarkBraces(word)];
    }
    work = next;
  }
  if (work.length > 0) return [unmarkBraces(word)];
  return done.map(unmarkBraces);
}
