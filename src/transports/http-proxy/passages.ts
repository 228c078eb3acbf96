// Finding the passages of a body that offend, without offsets. Findings carry a location and a
// redacted preview, not a position, so the offending pieces are found again by asking the engine
// (the approach of transports/fetch/redact.ts): the body is cut into items (lines, JSON string
// leaves), groups of items are scanned, and only a group that offends is split further. A passage
// that straddles a split is caught by widening a window around the split. The scan count is
// bounded; a caller that runs out of budget gets `exhausted` and must not use the result.

export interface Removal {
  /** Which items to drop: the first item of each removed run maps to the rule named there. */
  readonly drop: ReadonlySet<number>;
  readonly ruleAt: ReadonlyMap<number, string>;
  readonly exhausted: boolean;
}

/**
 * `offends(from, to)` scans items [from, to) joined as one piece and returns the rule to name when
 * that piece offends (redact, ask or block), null when it is clean. `whole` is the answer for all
 * items, already known to the caller. At most `budget` further scans are made.
 */
export function findOffending(count: number, offends: (from: number, to: number) => string | null, whole: string, budget: number): Removal {
  const drop = new Set<number>();
  const ruleAt = new Map<number, string>();
  let left = budget;
  let exhausted = false;
  const remove = (lo: number, hi: number, rule: string): void => {
    for (let k = lo; k < hi; k++) drop.add(k);
    if (!ruleAt.has(lo)) ruleAt.set(lo, rule);
  };
  const scan = (lo: number, hi: number): string | null | undefined => {
    if (left-- <= 0) {
      exhausted = true;
      return undefined;
    }
    return offends(lo, hi);
  };
  // Iterative over an explicit stack: a body of many lines must not recurse deeply.
  const stack: { lo: number; hi: number; rule: string }[] = [{ lo: 0, hi: count, rule: whole }];
  while (stack.length > 0 && !exhausted) {
    const { lo, hi, rule } = stack.pop() as { lo: number; hi: number; rule: string };
    if (hi - lo <= 1) {
      remove(lo, hi, rule);
      continue;
    }
    const mid = lo + Math.floor((hi - lo) / 2);
    const a = scan(lo, mid);
    if (a === undefined) break;
    const b = scan(mid, hi);
    if (b === undefined) break;
    if (a !== null) stack.push({ lo, hi: mid, rule: a });
    if (b !== null) stack.push({ lo: mid, hi, rule: b });
    if (a !== null || b !== null) continue;
    // Neither half offends alone: the passage straddles the middle. Widen a window around it until
    // the window offends, and remove that window.
    for (let w = 1; ; w *= 2) {
      const from = Math.max(lo, mid - w);
      const to = Math.min(hi, mid + w);
      if (from === lo && to === hi) {
        remove(lo, hi, rule);
        break;
      }
      const r = scan(from, to);
      if (r === undefined) break;
      if (r !== null) {
        remove(from, to, r);
        break;
      }
    }
  }
  return { drop, ruleAt, exhausted };
}

/** Longest item before an HTML-ish line is cut further, after each `>`. */
const LONG_LINE = 512;

/**
 * Cuts text into items that join back to exactly the text: lines (each keeping its newline), and
 * long lines (minified HTML) further at each tag boundary so one removal does not take the whole page.
 */
export function textItems(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const push = (line: string): void => {
    if (line.length <= LONG_LINE) {
      out.push(line);
      return;
    }
    // Tags and the text between them become separate items, so removing a passage of text
    // leaves the markup around it (a closing </div>) in place.
    let s = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c === 0x3c /* < */ && i > s) {
        out.push(line.slice(s, i));
        s = i;
      } else if (c === 0x3e /* > */) {
        out.push(line.slice(s, i + 1));
        s = i + 1;
      }
    }
    if (s < line.length) out.push(line.slice(s));
  };
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) push(text.slice(start));
  return out;
}
