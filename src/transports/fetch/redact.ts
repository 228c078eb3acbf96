// Redacting a page's readable text passage by passage. Findings carry a clipped, normalised
// preview rather than an offset, so the offending passages are found again by asking the engine:
// the text is split at line breaks, and halves are scanned recursively, descending only into a
// half that still offends. Whatever is returned has been scanned whole and found clean; when that
// cannot be reached within the scan budget, nothing of the text is returned (fail closed).
import { ACTION_RANK, type Verdict } from '../../core/index.ts';

export interface Redaction {
  readonly text: string;
  /** The rule named in each removed passage, in order. */
  readonly removed: readonly string[];
  /** True when no clean form was found and the whole text was withheld. */
  readonly withheld: boolean;
}

/** Scans at most this many pieces of one page. */
const SCAN_BUDGET = 256;

/** Whether a verdict asks for the text to be changed or stopped (redact, ask, block). */
export function offends(v: Verdict): boolean {
  return ACTION_RANK[v.action] >= ACTION_RANK.redact;
}

export function marker(rule: string): string {
  return `[removed by Tollgate: ${rule}]`;
}

function ruleOf(v: Verdict): string {
  const top = v.findings.find((f) => f.category === 'injection') ?? v.findings[0];
  return top?.rule ?? 'engine/redacted';
}

/**
 * Removes the passages of `text` the scanner objects to. `scan` is the engine over one piece of
 * text as page content; it is called at most SCAN_BUDGET + 2 times.
 */
export function redactPassages(text: string, scan: (piece: string) => Verdict): Redaction {
  const whole = scan(text);
  if (!offends(whole)) return { text, removed: [], withheld: false };
  const lines = text.split('\n');
  let budget = SCAN_BUDGET;
  const keep: (string | null)[] = lines.slice();
  const removed: { at: number; rule: string }[] = [];
  const drop = (lo: number, hi: number, rule: string): void => {
    for (let k = lo; k < hi; k++) keep[k] = null;
    removed.push({ at: lo, rule });
  };
  let exhausted = false;

  // Returns whether [lo, hi) offended when scanned alone (and cleans it if so).
  const clean = (lo: number, hi: number, known?: Verdict): boolean => {
    if (exhausted) return true;
    let v = known;
    if (!v) {
      if (budget-- <= 0) {
        exhausted = true;
        return true;
      }
      v = scan(lines.slice(lo, hi).join('\n'));
    }
    if (!offends(v)) return false;
    if (hi - lo === 1) {
      drop(lo, hi, ruleOf(v));
      return true;
    }
    const mid = lo + Math.floor((hi - lo) / 2);
    const left = clean(lo, mid);
    const right = clean(mid, hi);
    if (!left && !right) {
      // Neither half offends alone: the passage straddles the middle. Widen a window around it
      // until the window offends, and remove that window.
      for (let w = 1; ; w *= 2) {
        const a = Math.max(lo, mid - w);
        const b = Math.min(hi, mid + w);
        if (a === lo && b === hi) {
          drop(lo, hi, ruleOf(v));
          break;
        }
        if (budget-- <= 0) {
          exhausted = true;
          break;
        }
        const wv = scan(lines.slice(a, b).join('\n'));
        if (offends(wv)) {
          drop(a, b, ruleOf(wv));
          break;
        }
      }
    }
    return true;
  };
  clean(0, lines.length, whole);

  const out: string[] = [];
  removed.sort((x, y) => x.at - y.at);
  const ruleAt = new Map(removed.map((r) => [r.at, r.rule]));
  for (let k = 0; k < lines.length; k++) {
    const line = keep[k];
    if (line !== null && line !== undefined) out.push(line);
    else if (ruleAt.has(k)) out.push(marker(ruleAt.get(k) as string));
  }
  const result = out.join('\n');
  if (exhausted || offends(scan(result))) {
    return { text: marker(ruleOf(whole)), removed: [ruleOf(whole)], withheld: true };
  }
  return { text: result, removed: removed.map((r) => r.rule), withheld: false };
}
