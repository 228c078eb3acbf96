// The DLP matching engine: keyword prefilter, one combined pass for keyword-free rules, per-rule
// regex runs, value filters, and overlap resolution between specific and generic rules.
import { re } from '../../re/index.ts';
import type { RegexMatch, SafeRegex } from '../../re/index.ts';
import { entropy, isTokenPlaceholder, isValuePlaceholder } from './checks.ts';
import { KeywordMatcher } from './keywords.ts';
import type { CheckContext, DlpRule } from './types.ts';

/** Matches of one rule in one text (bounded so a hostile input cannot make a huge list). */
const MATCH_LIMIT = 200;
/** Matches of the combined keyword-free trigger; past this, every keyword-free rule just runs. */
const TRIGGER_LIMIT = 64;
/** Accepted candidates kept per text before overlap resolution. */
const HIT_LIMIT = 1000;

export interface Hit {
  readonly rule: DlpRule;
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

interface Span {
  readonly start: number;
  readonly end: number;
}

interface Compiled {
  readonly rule: DlpRule;
  readonly rx: SafeRegex;
}

function pickGroup(m: RegexMatch, group: number): number {
  if (group >= 0) return group;
  if (group === -1) {
    for (let i = 0; i < m.groups.length; i++) if (m.groups[i] !== undefined) return i + 1;
    return 0;
  }
  for (let i = m.groups.length - 1; i >= 0; i--) if (m.groups[i] !== undefined) return i + 1;
  return 0;
}

/** Offset of group `g`'s text inside the match: searched after the text of the groups before it. */
function groupOffset(m: RegexMatch, g: number, value: string): number {
  if (g === 0) return 0;
  let floor = 0;
  for (let i = 0; i < g - 1; i++) floor += m.groups[i]?.length ?? 0;
  const at = m.text.indexOf(value, floor);
  return at >= 0 ? at : Math.max(0, m.text.indexOf(value));
}

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

export class DlpEngine {
  readonly rules: readonly DlpRule[];
  readonly #compiled: readonly Compiled[];
  readonly #matcher: KeywordMatcher;
  readonly #keywordRules: readonly (readonly number[])[];
  readonly #free: readonly number[];
  readonly #trigger: SafeRegex | null;
  readonly #fieldRules: readonly number[];

  constructor(rules: readonly DlpRule[]) {
    this.rules = rules;
    this.#compiled = rules.map((rule) => ({ rule, rx: re(rule.pattern) }));
    const ids = new Map<string, number>();
    const keywordRules: number[][] = [];
    const free: number[] = [];
    const fieldRules: number[] = [];
    rules.forEach((rule, index) => {
      if (rule.field) fieldRules.push(index);
      if (rule.keywords.length === 0) {
        free.push(index);
        return;
      }
      for (const raw of rule.keywords) {
        const kw = raw.toLowerCase();
        let id = ids.get(kw);
        if (id === undefined) {
          id = ids.size;
          ids.set(kw, id);
          keywordRules.push([]);
        }
        const list = keywordRules[id] as number[];
        if (!list.includes(index)) list.push(index);
      }
    });
    this.#matcher = new KeywordMatcher([...ids.keys()]);
    this.#keywordRules = keywordRules;
    this.#free = free;
    this.#fieldRules = fieldRules;
    this.#trigger = free.length > 0 ? re(free.map((i) => `(?:${(rules[i] as DlpRule).pattern})`).join('|')) : null;
  }

  /**
   * Accepted hits in one text, after overlap resolution. `field` (the last key of a structured
   * location) lets field-aware rules judge the whole text as that key's value.
   */
  scanText(text: string, fieldKey?: string): Hit[] {
    const hits: Hit[] = [];
    const vetoes: Span[] = [];
    if (text.length > 0) {
      const candidate = this.#candidates(text);
      for (let i = 0; i < candidate.length; i++) {
        if (candidate[i] === 1) this.#run(this.#compiled[i] as Compiled, text, hits, vetoes);
        if (hits.length >= HIT_LIMIT) break;
      }
    }
    if (fieldKey !== undefined && fieldKey.length > 0) this.#fields(fieldKey, text, hits);
    return resolve(hits, vetoes);
  }

  #candidates(text: string): Uint8Array {
    const candidate = new Uint8Array(this.#compiled.length);
    const found = new Uint8Array(this.#matcher.keywords.length);
    if (this.#matcher.scan(text, found) > 0) {
      for (let id = 0; id < found.length; id++) {
        if (found[id] === 1) for (const r of this.#keywordRules[id] as number[]) candidate[r] = 1;
      }
    }
    if (this.#trigger) {
      const triggers = this.#trigger.all(text, TRIGGER_LIMIT);
      if (triggers.length >= TRIGGER_LIMIT) for (const r of this.#free) candidate[r] = 1;
      else {
        for (const m of triggers) {
          for (const r of this.#free) {
            if (candidate[r] === 0 && (this.#compiled[r] as Compiled).rx.test(m.text)) candidate[r] = 1;
          }
        }
      }
    }
    return candidate;
  }

  #run(c: Compiled, text: string, hits: Hit[], vetoes: Span[]): void {
    const rule = c.rule;
    for (const m of c.rx.all(text, MATCH_LIMIT)) {
      const g = pickGroup(m, rule.group ?? 0);
      const value = g === 0 ? m.text : m.groups[g - 1];
      if (value === undefined || value.length === 0) continue;
      const start = m.index + groupOffset(m, g, value);
      const end = start + value.length;
      const verdict = this.#judge(rule, value, text, m, start, end);
      if (verdict === 'accept') {
        hits.push({ rule, value, start, end });
        if (hits.length >= HIT_LIMIT) return;
      } else if (verdict === 'veto') vetoes.push({ start, end });
    }
  }

  #judge(rule: DlpRule, value: string, text: string, m: RegexMatch, start: number, end: number): 'accept' | 'reject' | 'veto' {
    if (rule.minEntropy !== undefined && entropy(value) < rule.minEntropy) return 'reject';
    const screen = rule.placeholders ?? 'token';
    if (screen === 'token' && isTokenPlaceholder(value)) return 'reject';
    if (screen === 'value' && isValuePlaceholder(value)) return 'reject';
    const ctx: CheckContext = {
      text,
      match: m.text,
      groups: m.groups,
      start,
      end,
      around: (before, after) =>
        `${text.slice(Math.max(0, start - before), start)}\u0000${text.slice(end, Math.min(text.length, end + after))}`.toLowerCase(),
    };
    if (rule.context) {
      const window = ctx.around(rule.context.before, rule.context.after ?? 0);
      if (!rule.context.words.some((w) => window.includes(w))) return 'reject';
    }
    if (rule.check) {
      let ok = false;
      try {
        ok = rule.check(value, ctx);
      } catch {
        ok = false; // a check that throws rejects its candidate; the scanner itself never throws
      }
      if (!ok) return rule.vetoOnFailedCheck ? 'veto' : 'reject';
    }
    return 'accept';
  }

  #fields(key: string, text: string, hits: Hit[]): void {
    for (const i of this.#fieldRules) {
      const rule = (this.#compiled[i] as Compiled).rule;
      let value: string | null = null;
      try {
        value = rule.field ? rule.field(key, text) : null;
      } catch {
        value = null;
      }
      if (value === null || value.length === 0) continue;
      if (hits.some((h) => h.rule === rule && h.value === value)) continue;
      const at = Math.max(0, text.indexOf(value));
      hits.push({ rule, value, start: at, end: at + value.length });
    }
  }
}

/** Generic hits yield to overlapping specific hits and to vetoed spans; `yieldsTo` rules yield to the named ones. */
function resolve(hits: Hit[], vetoes: readonly Span[]): Hit[] {
  if (hits.length <= 1 && vetoes.length === 0) return hits;
  const specific = hits.filter((h) => !h.rule.generic);
  return hits.filter((h) => {
    if (h.rule.generic) {
      if (specific.some((s) => overlaps(s, h))) return false;
      if (vetoes.some((v) => overlaps(v, h))) return false;
    }
    const yields = h.rule.yieldsTo;
    if (yields && hits.some((o) => o !== h && yields.includes(o.rule.id) && overlaps(o, h))) return false;
    return true;
  });
}

/** The last key of a finding location: `body.$.db.password` → `password`, `header.x-api-key` → `x-api-key`. */
export function lastKey(location: string): string {
  let s = location;
  for (let guard = 0; guard < 32 && s.endsWith(']'); guard++) {
    const open = s.lastIndexOf('[');
    if (open < 0) break;
    const inner = s.slice(open + 1, -1);
    const q = inner.charAt(0);
    if (inner.length >= 2 && (q === '"' || q === "'") && inner.endsWith(q)) return inner.slice(1, -1);
    let digits = inner.length > 0;
    for (let i = 0; i < inner.length; i++) {
      const c = inner.charCodeAt(i);
      if (c < 48 || c > 57) digits = false;
    }
    if (!digits) return inner;
    s = s.slice(0, open);
  }
  const dot = s.lastIndexOf('.');
  return dot >= 0 ? s.slice(dot + 1) : s;
}
