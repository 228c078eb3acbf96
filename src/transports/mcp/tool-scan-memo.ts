import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { SEVERITY_RANK, type Finding, type ToolDefinition, type Verdict } from '../../core/index.ts';
import type { Engine, ScanCallContext } from '../../engine/index.ts';
import { canonicalJson, CanonicalError } from '../../state/pins/index.ts';

/** Tool verdicts remembered per engine. */
export const TOOL_MEMO_ENTRIES = 4096;
/**
 * Below every scanner's per-scan finding cap (100): with fewer findings in all, no cap can have
 * cut the whole list's scan short, so the union of the tools' own findings is that scan's.
 */
const MAX_UNION_FINDINGS = 64;

type MemoEngine = Pick<Engine, 'scan' | 'judge'> & Partial<Pick<Engine, 'scanners' | 'config'>>;

/**
 * Verdicts on single tool definitions, per engine (a config reload builds a new engine, so it
 * starts empty; the old one goes with its engine). Keyed by SHA-256 over the canonical JSON of
 * the whole definition (name and every field the scan reads, not only the pinned fields) and the
 * server label, so any change to what is scanned is a miss.
 */
const memos = new WeakMap<object, LRUCache<string, Verdict>>();

function memoOf(engine: object): LRUCache<string, Verdict> {
  let memo = memos.get(engine);
  if (!memo) {
    memo = new LRUCache<string, Verdict>({ max: TOOL_MEMO_ENTRIES });
    memos.set(engine, memo);
  }
  return memo;
}

function keyOf(tool: ToolDefinition, server: string | undefined): string | null {
  try {
    const canonical = canonicalJson(tool);
    return createHash('sha256').update(server ?? '').update('\u0000').update(canonical, 'utf8').digest('hex');
  } catch (err) {
    if (err instanceof CanonicalError) return null;
    throw err;
  }
}

/** An upper bound on the segments the extractor makes of one tool: every key and leaf, and three. */
function segmentBound(value: unknown, budget: number): number {
  let n = 3;
  const stack: unknown[] = [value];
  while (stack.length > 0 && n < budget) {
    const v = stack.pop();
    n++;
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) for (const x of v) stack.push(x);
      else
        for (const x of Object.values(v as Record<string, unknown>)) {
          n++;
          stack.push(x);
        }
    }
  }
  return n;
}

export interface ToolListScan {
  /** The verdict on the whole list, as engine.scan over it returns it. */
  readonly verdict: Verdict;
  /** The verdict on tool k alone (engine.scan over [tool k]). */
  alone(k: number): Verdict;
  /** Engine scans this call ran. */
  readonly scans: number;
}

/**
 * Scans a tools/list. The scan of a list is the union of its tools' scans when no bound of the
 * whole list is reached: tool fields are never joined with one another (injection joins only
 * body leaves and tool results, crypto only egress fields, split secrets skip ingress), the
 * extractor walks each tool alone, and nothing session-bound changes a tools verdict. So each
 * tool's verdict is remembered and a list is judged from them; the whole list is scanned as one
 * input instead whenever that equality is not certain (a tool that cannot be keyed, the list near
 * the size or segment bound, a limit finding, or enough findings that a cap could have bitten).
 */
export function scanToolList(engine: MemoEngine, tools: readonly ToolDefinition[], server: string | undefined, ctx: ScanCallContext): ToolListScan {
  let scans = 0;
  const scan = (list: readonly ToolDefinition[]): Verdict => {
    scans++;
    return engine.scan({ kind: 'tools', tools: list, ...(server !== undefined ? { server } : {}) }, ctx);
  };
  const whole = (): ToolListScan => {
    const verdict = scan(tools);
    const cache = new Map<number, Verdict>();
    return {
      verdict,
      alone: (k) => {
        let v = cache.get(k);
        if (!v) {
          v = scan([tools[k] as ToolDefinition]);
          cache.set(k, v);
        }
        return v;
      },
      get scans() {
        return scans;
      },
    };
  };
  const order = engine.scanners?.map((s) => s.id);
  const limits = engine.config?.limits;
  if (!order || !limits || tools.length === 0) return whole();
  if (Buffer.byteLength(JSON.stringify(tools), 'utf8') > limits.maxInputBytes) return whole();
  let segments = 0;
  const keys: string[] = [];
  for (const tool of tools) {
    segments += segmentBound(tool, limits.maxSegments);
    if (segments >= limits.maxSegments) return whole();
    const key = keyOf(tool, server);
    if (key === null) return whole();
    keys.push(key);
  }
  const memo = memoOf(engine);
  const verdicts: Verdict[] = [];
  for (let k = 0; k < tools.length; k++) {
    const key = keys[k] as string;
    let v = memo.get(key);
    if (!v) {
      v = scan([tools[k] as ToolDefinition]);
      memo.set(key, v);
    }
    verdicts.push(v);
  }
  // The whole list's order: severity, then scanner, then tool, then the tool's own order.
  const rank = new Map(order.map((id, i) => [id as string, i]));
  const union: { f: Finding; s: number; k: number; i: number }[] = [];
  for (let k = 0; k < verdicts.length; k++) {
    const fs = (verdicts[k] as Verdict).findings;
    for (let i = 0; i < fs.length; i++) {
      const f = fs[i] as Finding;
      const s = rank.get(f.scanner);
      if (s === undefined || f.category === 'limits' || f.rule.endsWith('/scan-incomplete')) return whole();
      union.push({ f, s, k, i });
    }
    if (union.length >= MAX_UNION_FINDINGS) return whole();
  }
  union.sort((a, b) => SEVERITY_RANK[b.f.severity] - SEVERITY_RANK[a.f.severity] || a.s - b.s || a.k - b.k || a.i - b.i);
  const verdict = engine.judge(union.map((u) => u.f));
  return { verdict, alone: (k) => verdicts[k] as Verdict, scans };
}
