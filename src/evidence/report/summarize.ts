/**
 * A receipts file → the numbers of a security review. Only records the chain vouches for are
 * counted: when verification breaks at seq N, records from N on are left out (and the report
 * says so). Every table is bounded, whatever the file holds.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { ACTIONS, type Action } from '../../core/index.ts';
import { parseLine, ReceiptVerifier, readLines, type DecisionRecord, type VerifyOptions, type VerifyResult } from '../receipts/index.ts';
import { describeVerify } from '../receipts/verify-text.ts';
import { frameworksFor, MITRE_NAMES, OWASP_AGENTIC, type FrameworkEntry } from './mapping.ts';

/** Distinct keys kept per table (rules, targets, sessions); the rest are counted as "other". */
export const MAX_KEYS = 10_000;
const TOP = { rules: 25, targets: 50, sessions: 50, recentBlocks: 50, rulesPerRow: 8 } as const;

export interface CountRow {
  readonly key: string;
  readonly count: number;
}
export interface RuleRow {
  readonly rule: string;
  readonly count: number;
  readonly blocked: number;
  readonly categories: readonly string[];
  readonly mitre: readonly string[];
}
export interface TargetRow {
  readonly targetHash: string;
  readonly count: number;
  readonly rules: readonly string[];
  readonly first: string;
  readonly last: string;
}
export interface SessionRow {
  readonly session: string;
  readonly agents: readonly string[];
  readonly decisions: number;
  readonly blocked: number;
  readonly first: string;
  readonly last: string;
}
export interface FrameworkRow extends FrameworkEntry {
  readonly decisions: number;
  readonly rules: readonly string[];
}
export interface MitreRow {
  readonly id: string;
  readonly name: string;
  readonly decisions: number;
  readonly rules: readonly string[];
}
export interface BlockRow {
  readonly seq: number;
  readonly time: string;
  readonly transport: string;
  readonly session: string | null;
  readonly action: Action;
  readonly rules: readonly string[];
  readonly reason: string;
  readonly targetHash: string | null;
}

export interface ReportData {
  readonly v: 1;
  readonly generatedAt: string;
  readonly input: { readonly name: string; readonly bytes: number; readonly sha256: string };
  readonly chain: {
    readonly status: VerifyResult['status'];
    readonly records: number;
    readonly head: string | null;
    readonly chainId: string | null;
    readonly keys: VerifyResult['keys'];
    readonly broken: VerifyResult['broken'] | null;
    readonly warnings: VerifyResult['warnings'];
    readonly summary: readonly string[];
    /** Lines after the break, not counted. */
    readonly linesExcluded: number;
  };
  readonly period: { readonly first: string | null; readonly last: string | null };
  readonly totals: {
    readonly decisions: number;
    readonly byAction: readonly CountRow[];
    readonly byCategory: readonly CountRow[];
    readonly byTransport: readonly CountRow[];
    /** Audit-mode decisions by what enforce would have done. */
    readonly auditWouldHave: readonly CountRow[];
    readonly gapsRecorded: number;
    readonly eventsLost: number;
  };
  readonly topRules: readonly RuleRow[];
  readonly blockedTargets: readonly TargetRow[];
  readonly sessions: readonly SessionRow[];
  readonly recentBlocks: readonly BlockRow[];
  readonly frameworks: readonly FrameworkRow[];
  readonly mitre: readonly MitreRow[];
  /** Distinct keys not tabulated because a table reached MAX_KEYS. */
  readonly overflow: number;
}

class BoundedMap<V> {
  readonly map = new Map<string, V>();
  overflow = 0;
  get(key: string, make: () => V): V | undefined {
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    if (this.map.size >= MAX_KEYS) {
      this.overflow++;
      return undefined;
    }
    const v = make();
    this.map.set(key, v);
    return v;
  }
}

const bump = (m: Map<string, number>, k: string, n = 1): void => void m.set(k, (m.get(k) ?? 0) + n);
const rows = (m: Map<string, number>): CountRow[] => [...m].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
const addCapped = (set: Set<string>, v: string, cap: number): void => void (set.size < cap ? set.add(v) : undefined);
const isBlockLike = (r: DecisionRecord): boolean => r.action === 'block' || r.action === 'ask' || r.action === 'redact';

/** Accumulates decision records; finish() gives the tables. */
export class ReportBuilder {
  #decisions = 0;
  #first: string | null = null;
  #last: string | null = null;
  readonly #byAction = new Map<string, number>(ACTIONS.map((a) => [a, 0]));
  readonly #byCategory = new Map<string, number>();
  readonly #byTransport = new Map<string, number>();
  readonly #auditWouldHave = new Map<string, number>();
  readonly #rules = new BoundedMap<{ count: number; blocked: number; categories: Set<string>; mitre: Set<string> }>();
  readonly #targets = new BoundedMap<{ count: number; rules: Set<string>; first: string; last: string }>();
  readonly #sessions = new BoundedMap<{ agents: Set<string>; decisions: number; blocked: number; first: string; last: string }>();
  readonly #frameworks = new Map<string, { entry: FrameworkEntry; decisions: number; rules: Set<string> }>();
  readonly #mitre = new Map<string, { decisions: number; rules: Set<string> }>();
  #recent: BlockRow[] = [];
  #gaps = 0;
  #lost = 0;

  gap(lost: number | undefined): void {
    this.#gaps++;
    this.#lost += lost ?? 0;
  }

  decision(r: DecisionRecord): void {
    this.#decisions++;
    if (this.#first === null || r.time < this.#first) this.#first = r.time;
    if (this.#last === null || r.time > this.#last) this.#last = r.time;
    bump(this.#byAction, r.action);
    bump(this.#byTransport, r.transport.slice(0, 64));
    if (r.mode === 'audit' && r.wouldHave) bump(this.#auditWouldHave, r.wouldHave);
    for (const c of r.categories) if (this.#byCategory.size < 64 || this.#byCategory.has(c)) bump(this.#byCategory, c);
    const blocked = isBlockLike(r) || (r.mode === 'audit' && r.wouldHave !== undefined && r.wouldHave !== 'allow' && r.wouldHave !== 'warn');
    for (const rule of r.rules) {
      const row = this.#rules.get(rule, () => ({ count: 0, blocked: 0, categories: new Set<string>(), mitre: new Set<string>() }));
      if (!row) continue;
      row.count++;
      if (blocked) row.blocked++;
      for (const c of r.categories) addCapped(row.categories, c, 4);
      for (const m of r.mitre) addCapped(row.mitre, m, 4);
    }
    if (isBlockLike(r) && r.targetHash) {
      const t = this.#targets.get(r.targetHash, () => ({ count: 0, rules: new Set<string>(), first: r.time, last: r.time }));
      if (t) {
        t.count++;
        for (const rule of r.rules) addCapped(t.rules, rule, TOP.rulesPerRow);
        if (r.time < t.first) t.first = r.time;
        if (r.time > t.last) t.last = r.time;
      }
    }
    const s = this.#sessions.get(r.session ?? '(none)', () => ({ agents: new Set<string>(), decisions: 0, blocked: 0, first: r.time, last: r.time }));
    if (s) {
      s.decisions++;
      if (isBlockLike(r)) s.blocked++;
      if (r.agent) addCapped(s.agents, r.agent, 4);
      if (r.time < s.first) s.first = r.time;
      if (r.time > s.last) s.last = r.time;
    }
    const seen = new Set<string>();
    for (const c of r.categories) {
      for (const entry of r.rules.length ? r.rules.flatMap((rule) => frameworksFor(c, rule)) : frameworksFor(c, '')) {
        const key = `${entry.framework}|${entry.id}`;
        let f = this.#frameworks.get(key);
        if (!f) this.#frameworks.set(key, (f = { entry, decisions: 0, rules: new Set() }));
        if (!seen.has(key)) {
          seen.add(key);
          f.decisions++;
        }
        for (const rule of r.rules) addCapped(f.rules, rule, TOP.rulesPerRow);
      }
    }
    for (const m of r.mitre) {
      if (this.#mitre.size >= 256 && !this.#mitre.has(m)) continue;
      let row = this.#mitre.get(m);
      if (!row) this.#mitre.set(m, (row = { decisions: 0, rules: new Set() }));
      row.decisions++;
      for (const rule of r.rules) addCapped(row.rules, rule, TOP.rulesPerRow);
    }
    if (isBlockLike(r)) {
      this.#recent.push({ seq: r.seq, time: r.time, transport: r.transport, session: r.session ?? null, action: r.action, rules: r.rules.slice(0, TOP.rulesPerRow), reason: r.reason, targetHash: r.targetHash ?? null });
      if (this.#recent.length > TOP.recentBlocks * 2) this.#recent = this.#recent.slice(-TOP.recentBlocks);
    }
  }

  finish(chain: ReportData['chain'], input: ReportData['input'], now: Date): ReportData {
    const byCount = <T extends { count: number }>(a: [string, T], b: [string, T]): number => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1);
    const frameworks = [...this.#frameworks.values()]
      .map((f) => ({ ...f.entry, decisions: f.decisions, rules: [...f.rules] }))
      .sort((a, b) => (a.framework < b.framework ? -1 : a.framework > b.framework ? 1 : a.id < b.id ? -1 : 1));
    // The receipts chain itself is the control for repudiation; say how it stands.
    frameworks.push({ ...OWASP_AGENTIC.repudiation, decisions: this.#decisions, rules: [`receipts chain: ${chain.status}`] });
    return {
      v: 1,
      generatedAt: now.toISOString(),
      input,
      chain,
      period: { first: this.#first, last: this.#last },
      totals: {
        decisions: this.#decisions,
        byAction: ACTIONS.map((a) => ({ key: a, count: this.#byAction.get(a) ?? 0 })),
        byCategory: rows(this.#byCategory),
        byTransport: rows(this.#byTransport),
        auditWouldHave: rows(this.#auditWouldHave),
        gapsRecorded: this.#gaps,
        eventsLost: this.#lost,
      },
      topRules: [...this.#rules.map]
        .sort(byCount)
        .slice(0, TOP.rules)
        .map(([rule, r]) => ({ rule, count: r.count, blocked: r.blocked, categories: [...r.categories], mitre: [...r.mitre] })),
      blockedTargets: [...this.#targets.map]
        .sort(byCount)
        .slice(0, TOP.targets)
        .map(([targetHash, t]) => ({ targetHash, count: t.count, rules: [...t.rules], first: t.first, last: t.last })),
      sessions: [...this.#sessions.map]
        .map(([k, s]): [string, typeof s & { count: number }] => [k, { ...s, count: s.decisions }])
        .sort(byCount)
        .slice(0, TOP.sessions)
        .map(([session, s]) => ({ session, agents: [...s.agents], decisions: s.decisions, blocked: s.blocked, first: s.first, last: s.last })),
      recentBlocks: this.#recent.slice(-TOP.recentBlocks).reverse(),
      frameworks,
      mitre: [...this.#mitre]
        .map(([id, m]) => ({ id, name: MITRE_NAMES[id] ?? '(not in the table)', decisions: m.decisions, rules: [...m.rules] }))
        .sort((a, b) => b.decisions - a.decisions || (a.id < b.id ? -1 : 1)),
      overflow: this.#rules.overflow + this.#targets.overflow + this.#sessions.overflow,
    };
  }
}

async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      bytes += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Reads, verifies and summarises a receipts file (bounded memory). */
export async function summarizeReceipts(file: string, options: VerifyOptions & { now?: Date } = {}): Promise<ReportData> {
  const verifier = new ReceiptVerifier(options);
  const builder = new ReportBuilder();
  let excluded = 0;
  const { torn, tornLength } = await readLines(file, {
    line(b) {
      verifier.line(b);
      if (verifier.isBroken) {
        excluded++;
        return;
      }
      const parsed = parseLine(b);
      if (!parsed.ok) return;
      if (parsed.record.type === 'decision') builder.decision(parsed.record);
      else if (parsed.record.type === 'gap') builder.gap(parsed.record.lost);
    },
    oversized(length) {
      verifier.oversized(length);
      excluded++;
    },
  });
  if (tornLength > 0) excluded++;
  const result = verifier.end(torn, tornLength);
  const digest = await sha256File(file);
  const name = basename(file);
  return builder.finish(
    {
      status: result.status,
      records: result.records,
      head: result.head,
      chainId: result.chainId,
      keys: result.keys,
      broken: result.broken ?? null,
      warnings: result.warnings,
      summary: describeVerify(result, name),
      linesExcluded: excluded,
    },
    { name, bytes: digest.bytes, sha256: digest.sha256 },
    options.now ?? new Date(),
  );
}
