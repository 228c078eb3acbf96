// Shell pattern matching (`*`, `?`, `[…]`) for program names written as globs (`/???/c?rl`).
// Iterative with single-star backtracking: O(pattern × text), and both are short here.

const MAX = 128;

function classMatch(pattern: string, at: number, c: string): { ok: boolean; next: number } | null {
  let i = at + 1;
  const negate = pattern.charAt(i) === '!' || pattern.charAt(i) === '^';
  if (negate) i++;
  let ok = false;
  let first = true;
  while (i < pattern.length && (first || pattern.charAt(i) !== ']')) {
    first = false;
    const a = pattern.charAt(i);
    if (pattern.charAt(i + 1) === '-' && i + 2 < pattern.length && pattern.charAt(i + 2) !== ']') {
      if (c >= a && c <= pattern.charAt(i + 2)) ok = true;
      i += 3;
    } else {
      if (c === a) ok = true;
      i++;
    }
  }
  if (i >= pattern.length) return null; // no closing bracket: `[` is literal
  return { ok: ok !== negate, next: i + 1 };
}

/** Whether `text` matches the shell pattern. Inputs longer than 128 characters never match. */
export function globMatch(pattern: string, text: string): boolean {
  if (pattern.length > MAX || text.length > MAX) return false;
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = pattern.charAt(p);
    if (p < pattern.length && pc === '*') {
      starP = p++;
      starT = t;
      continue;
    }
    if (p < pattern.length && pc === '[') {
      const m = classMatch(pattern, p, text.charAt(t));
      if (m ? m.ok : text.charAt(t) === '[') {
        p = m ? m.next : p + 1;
        t++;
        continue;
      }
    } else if (p < pattern.length && (pc === '?' || pc === text.charAt(t))) {
      p++;
      t++;
      continue;
    }
    if (starP < 0) return false;
    p = starP + 1;
    t = ++starT;
  }
  while (pattern.charAt(p) === '*') p++;
  return p === pattern.length;
}

export const hasGlob = (word: string): boolean => word.includes('*') || word.includes('?') || word.includes('[');

/**
 * Whether a path pattern (`~/.ss?/id_*`) could name `path`, segment by segment as a shell
 * expands it: `*`, `?` and `[…]` never match `/`, and a leading dot must be written (no dotglob).
 */
export function pathGlobMatch(pattern: string, path: string): boolean {
  if (pattern.length > MAX || path.length > MAX) return false;
  const ps = pattern.split('/');
  const ts = path.split('/');
  if (ps.length !== ts.length) return false;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i] as string;
    const t = ts[i] as string;
    if (t.startsWith('.') && !p.startsWith('.')) return false;
    if (!globMatch(p, t)) return false;
  }
  return true;
}
