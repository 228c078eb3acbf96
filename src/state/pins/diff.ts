/**
 * A line diff in unified style (`---`/`+++`, `@@ -a,b +c,d @@` hunks, three lines of
 * context) for showing a pinned tool beside its changed version. Longest common
 * subsequence by dynamic programming, bounded: past MAX_CELLS the whole old text is shown
 * removed and the new one added.
 */

const MAX_CELLS = 4_000_000;
const CONTEXT = 3;

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

function ops(a: readonly string[], b: readonly string[]): Op[] {
  // Common prefix and suffix first: a changed tool usually differs in a few lines.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: Op[] = a.slice(0, start).map((line) => ({ kind: ' ', line }));
  const tail: Op[] = a.slice(endA).map((line) => ({ kind: ' ', line }));
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  const n = x.length;
  const m = y.length;
  const middle: Op[] = [];
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    for (const line of x) middle.push({ kind: '-', line });
    for (const line of y) middle.push({ kind: '+', line });
    return [...head, ...middle, ...tail];
  }
  // lcs[i][j] = LCS length of x[i..] and y[j..], in one flat array.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = x[i] === y[j] ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1 : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      middle.push({ kind: ' ', line: x[i] as string });
      i++;
      j++;
    } else if (i < n && (j >= m || (lcs[(i + 1) * w + j] ?? 0) >= (lcs[i * w + j + 1] ?? 0))) {
      // Removals before additions, as diff(1) writes them.
      middle.push({ kind: '-', line: x[i] as string });
      i++;
    } else {
      middle.push({ kind: '+', line: y[j] as string });
      j++;
    }
  }
  return [...head, ...middle, ...tail];
}

/** Unified diff of two texts; empty string when they are equal. */
export function unifiedDiff(oldText: string, newText: string, oldLabel: string, newLabel: string): string {
  if (oldText === newText) return '';
  const all = ops(oldText.split('\n'), newText.split('\n'));
  const out = [`--- ${oldLabel}`, `+++ ${newLabel}`];
  // Positions (1-based) in the old and new text of each op.
  let oldAt = 1;
  let newAt = 1;
  const pos = all.map((op) => {
    const p = { op, oldAt, newAt };
    if (op.kind !== '+') oldAt++;
    if (op.kind !== '-') newAt++;
    return p;
  });
  let k = 0;
  while (k < pos.length) {
    if (pos[k]?.op.kind === ' ') {
      k++;
      continue;
    }
    // A hunk: from CONTEXT lines before this change to CONTEXT lines after the last change
    // that is at most 2*CONTEXT unchanged lines further on.
    const from = Math.max(0, k - CONTEXT);
    let to = k;
    let quiet = 0;
    let end = k;
    for (let t = k; t < pos.length; t++) {
      if (pos[t]?.op.kind === ' ') {
        quiet++;
        if (quiet > 2 * CONTEXT) break;
      } else {
        quiet = 0;
        end = t;
      }
    }
    to = Math.min(pos.length, end + CONTEXT + 1);
    const slice = pos.slice(from, to);
    const first = slice[0];
    if (!first) break;
    const oldLen = slice.filter((p) => p.op.kind !== '+').length;
    const newLen = slice.filter((p) => p.op.kind !== '-').length;
    out.push(`@@ -${oldLen === 0 ? first.oldAt - 1 : first.oldAt},${oldLen} +${newLen === 0 ? first.newAt - 1 : first.newAt},${newLen} @@`);
    for (const p of slice) out.push(`${p.op.kind}${p.op.line}`);
    k = to;
  }
  return `${out.join('\n')}\n`;
}
