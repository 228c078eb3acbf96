// Compiles policy rules (data) into matchers and runs them over de-obfuscated commands and
// path arguments. Every regex goes through re() (linear time); bad patterns fail at build time.
import { TollgateError } from '../../core/index.ts';
import { re, type SafeRegex } from '../../re/index.ts';
import { programName, unversioned, type SimpleCommand } from './shell/index.ts';
import { operandWords } from './operands.ts';
import type { PathRole } from './path-role.ts';
import { normalisePath } from './paths.ts';
import type { CommandPattern, PolicyRule } from './types.ts';

interface CompiledPattern {
  readonly programs: ProgramSet | null;
  readonly notPrograms: ProgramSet | null;
  readonly all: readonly SafeRegex[];
  readonly any: readonly SafeRegex[];
  readonly none: readonly SafeRegex[];
  readonly operands: readonly SafeRegex[];
  readonly last: readonly SafeRegex[];
  readonly redirect: readonly SafeRegex[];
  readonly background: boolean | undefined;
  readonly fedBy: CompiledPattern | null;
}

export interface CompiledRule {
  readonly rule: PolicyRule;
  readonly commands: readonly CompiledPattern[];
  readonly paths: readonly SafeRegex[];
  readonly tools: readonly SafeRegex[];
  readonly notTools: readonly SafeRegex[];
  readonly pathRole: PathRole | undefined;
}

class ProgramSet {
  readonly #exact: Set<string>;
  readonly #prefixes: string[];
  constructor(names: readonly string[]) {
    this.#exact = new Set(names.filter((n) => !n.endsWith('*')).map((n) => n.toLowerCase()));
    this.#prefixes = names.filter((n) => n.endsWith('*')).map((n) => n.slice(0, -1).toLowerCase());
  }
  has(program: string): boolean {
    if (this.#exact.has(program) || this.#exact.has(unversioned(program))) return true;
    return this.#prefixes.some((p) => program.startsWith(p));
  }
}

/** Compiles a pattern source now, so a bad one fails when the scanner is built, not mid-scan. */
function compile(source: string, where: string): SafeRegex {
  const r = re(source, 'i');
  try {
    r.test('');
  } catch (err) {
    throw new TollgateError('CONFIG_INVALID', `tool-policy rule ${where}: invalid pattern /${source}/ (${String(err)})`, { cause: err });
  }
  return r;
}

function compilePattern(p: Omit<CommandPattern, 'fedBy'> & { fedBy?: CommandPattern['fedBy'] }, where: string): CompiledPattern {
  return {
    programs: p.programs ? new ProgramSet(p.programs) : null,
    notPrograms: p.notPrograms ? new ProgramSet(p.notPrograms) : null,
    all: (p.all ?? []).map((s) => compile(s, where)),
    any: (p.any ?? []).map((s) => compile(s, where)),
    none: (p.none ?? []).map((s) => compile(s, where)),
    operands: (p.operands ?? []).map((s) => compile(s, where)),
    last: (p.last ?? []).map((s) => compile(s, where)),
    redirect: (p.redirect ?? []).map((s) => compile(s, where)),
    background: p.background,
    fedBy: p.fedBy ? compilePattern(p.fedBy, where) : null,
  };
}

export function compileRules(rules: readonly PolicyRule[]): CompiledRule[] {
  return rules.map((rule) => ({
    rule,
    commands: (rule.commands ?? []).map((p) => compilePattern(p, rule.id)),
    paths: (rule.paths ?? []).map((s) => compile(s, rule.id)),
    tools: (rule.tools ?? []).map((s) => compile(s, rule.id)),
    notTools: (rule.notTools ?? []).map((s) => compile(s, rule.id)),
    pathRole: rule.pathRole,
  }));
}

/** A command in the form patterns read: argument line and redirections with normalised paths. */
export interface CommandView {
  readonly cmd: SimpleCommand;
  readonly line: string;
  /** The operands alone (operands.ts): the line without messages, printed words and grep patterns. */
  readonly operands: string;
  /** The last argument alone (normalised), or '' when there is none. */
  readonly last: string;
  readonly redirects: readonly string[];
}

export function viewOf(cmd: SimpleCommand): CommandView {
  return {
    cmd,
    line: cmd.argv.slice(1).map(normalisePath).join(' '),
    operands: operandWords(cmd.program, cmd.argv).map(normalisePath).join(' '),
    last: cmd.argv.length > 1 ? normalisePath(cmd.argv[cmd.argv.length - 1] as string) : '',
    redirects: cmd.redirects.map((r) => `${r.op} ${normalisePath(r.target)}`),
  };
}

function matchesOne(p: CompiledPattern, views: readonly CommandView[], index: number): boolean {
  const v = views[index];
  if (!v) return false;
  const program = v.cmd.program;
  if (p.programs && !p.programs.has(program)) return false;
  if (p.notPrograms?.has(program)) return false;
  if (p.background !== undefined && v.cmd.background !== p.background) return false;
  for (const r of p.all) if (!r.test(v.line)) return false;
  if (p.any.length > 0 && !p.any.some((r) => r.test(v.line))) return false;
  for (const r of p.none) if (r.test(v.line)) return false;
  if (p.operands.length > 0 && !p.operands.some((r) => r.test(v.operands))) return false;
  if (p.last.length > 0 && !p.last.some((r) => r.test(v.last))) return false;
  if (p.redirect.length > 0 && !v.redirects.some((t) => p.redirect.some((r) => r.test(t)))) return false;
  if (p.fedBy && !fedBy(p.fedBy, views, index)) return false;
  return true;
}

/** Whether some command upstream of `index` (its feeders, their feeders …; at most 32 visited) matches. */
function fedBy(p: CompiledPattern, views: readonly CommandView[], index: number): boolean {
  const seen = new Set<number>([index]);
  const queue = [...(views[index]?.cmd.feeders ?? [])];
  while (queue.length > 0 && seen.size < 32) {
    const i = queue.shift() as number;
    if (seen.has(i)) continue;
    seen.add(i);
    if (matchesOne(p, views, i)) return true;
    queue.push(...(views[i]?.cmd.feeders ?? []));
  }
  return false;
}

/** The first command (index) a rule's command patterns match, or -1. */
export function matchCommands(rule: CompiledRule, views: readonly CommandView[]): number {
  for (let i = 0; i < views.length; i++) {
    if (rule.commands.some((p) => matchesOne(p, views, i))) return i;
  }
  return -1;
}

/** Whether a rule's path patterns match a (normalised) path argument of this tool, in this role (path-role.ts). */
export function matchPath(rule: CompiledRule, path: string, tool: string, role: PathRole): boolean {
  if (rule.paths.length === 0) return false;
  if (rule.pathRole !== undefined && rule.pathRole !== role) return false;
  if (rule.tools.length > 0 && !rule.tools.some((r) => r.test(tool))) return false;
  if (rule.notTools.some((r) => r.test(tool))) return false;
  return rule.paths.some((r) => r.test(path));
}

/** Every program name the rules mention (for glob-spelled programs and argument sniffing). */
export function programsOf(rules: readonly PolicyRule[]): string[] {
  const out = new Set<string>();
  const add = (p: Omit<CommandPattern, 'fedBy'>): void => {
    for (const n of p.programs ?? []) if (n && !n.endsWith('*')) out.add(programName(n));
  };
  for (const r of rules) {
    for (const p of r.commands ?? []) {
      add(p);
      if (p.fedBy) add(p.fedBy);
    }
  }
  return [...out].sort();
}
