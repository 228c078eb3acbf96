// A static shell interpreter: it never runs anything, it works out which simple commands a
// command string would run. It follows what obfuscation hides behind: quotes and escapes,
// variables (a=cu; b=rl; $a$b), ${IFS}, brace expansion, $'\x63' and $(printf '\x63url'),
// eval, sh -c / bash -c, scripts piped or fed into a shell, wrappers (sudo, env, nohup, xargs),
// find -exec, glob-spelled program names, and the code of interpreter one-liners (python -c,
// perl -e, node -e …; code.ts). Bounded in depth, commands, words and output.
import { codeEffects, interpreterCode } from './code.ts';
import { expandFlat, expandWord, type ExpandHost } from './expand.ts';
import { staticOutput } from './evaluate.ts';
import { globMatch, hasGlob } from './glob.ts';
import { Lexer, sanitize, type RawCommand, type RawItem, type RawWord } from './lexer.ts';
import { isAssignment, programName, shellScript, unwrap } from './programs.ts';
import { DEFAULT_SHELL_LIMITS, type Redirect, type ShellLimits, type ShellParse, type SimpleCommand } from './types.ts';

const DEFAULT_VARS: Readonly<Record<string, string>> = {
  IFS: ' \t\n',
  HOME: '~',
  PWD: '.',
  OLDPWD: '.',
  SHELL: '/bin/sh',
  PATH: '/usr/local/bin:/usr/bin:/bin',
  USER: 'user',
  LOGNAME: 'user',
  TMPDIR: '/tmp',
  '0': 'sh',
};

/** Words that open or close compound commands: skipped before the program name. */
const RESERVED = new Set(['!', '{', '}', 'if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'in', 'esac', '[[', ']]']);
/** Compound commands whose words are not a program and its arguments. */
const SKIPPED = new Set(['for', 'case', 'select', 'function']);
const DECLARERS = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);

interface Inherit {
  readonly feeders: readonly number[];
  readonly stdin: string | undefined;
}

interface Ctx {
  readonly depth: number;
  readonly via: readonly string[];
  /** Commands emitted by substitutions while the current command's words expand. */
  subFeeders: number[];
}

export interface DeobfuscateOptions {
  readonly limits?: Partial<ShellLimits>;
  /** Program names a glob-spelled program (`/???/c?rl`) is matched against. */
  readonly knownPrograms?: readonly string[];
}

/** Resolves a command string into the simple commands a shell would run. Total: never throws. */
export function deobfuscate(text: string, options: DeobfuscateOptions = {}): ShellParse {
  const interp = new Interpreter({ ...DEFAULT_SHELL_LIMITS, ...options.limits }, options.knownPrograms ?? []);
  return interp.run(text);
}

class Interpreter {
  readonly #limits: ShellLimits;
  readonly #known: readonly string[];
  readonly #commands: SimpleCommand[] = [];
  readonly #vars = new Map<string, string>();
  #budget: number;
  #truncated: string | null = null;

  constructor(limits: ShellLimits, known: readonly string[]) {
    this.#limits = limits;
    this.#known = known;
    this.#budget = limits.maxOutputChars;
  }

  run(text: string): ShellParse {
    let src = text;
    if (src.length > this.#limits.maxInputChars) {
      this.#truncate(`the command is longer than ${this.#limits.maxInputChars} characters`);
      src = src.slice(0, this.#limits.maxInputChars);
    }
    this.#script(sanitize(src), 0, [], undefined);
    return { commands: this.#commands, truncated: this.#truncated };
  }

  #truncate(reason: string): void {
    this.#truncated ??= reason;
  }

  #use(chars: number): boolean {
    this.#budget -= chars;
    if (this.#budget >= 0) return true;
    this.#truncate(`expansion produced more than ${this.#limits.maxOutputChars} characters`);
    return false;
  }

  #full(): boolean {
    return this.#truncated !== null && (this.#budget < 0 || this.#commands.length >= this.#limits.maxCommands);
  }

  /** Runs a script; returns its static output when every command's output is known. */
  #script(src: string, depth: number, via: readonly string[], inherit: Inherit | undefined): string | undefined {
    if (depth > this.#limits.maxDepth) {
      this.#truncate(`commands nest deeper than ${this.#limits.maxDepth} levels`);
      return undefined;
    }
    if (!this.#use(src.length)) return undefined;
    const items: RawItem[] = new Lexer(src).parse();
    let output = '';
    let known = true;
    let i = 0;
    let first = true;
    while (i < items.length && !this.#full()) {
      const stages: RawCommand[] = [];
      let sep: RawItem['sep'] = ';';
      do {
        const item = items[i++] as RawItem;
        stages.push(item.cmd);
        sep = item.sep;
      } while (sep === '|' && i < items.length);
      let feeders: readonly number[] = first && inherit ? inherit.feeders : [];
      let stdin = first && inherit ? inherit.stdin : undefined;
      first = false;
      let out: string | undefined;
      for (const stage of stages) {
        const r = this.#command(stage, { depth, via, subFeeders: [] }, feeders, stdin, sep === '&');
        feeders = r.indexes;
        stdin = r.output;
        out = r.output;
      }
      if (out === undefined) known = false;
      else if (output.length <= this.#limits.maxValueChars) output += out;
    }
    // Consumers cap (and report) what they read: a long output nobody reads is no loss.
    return known ? output : undefined;
  }

  #host(ctx: Ctx): ExpandHost {
    return {
      lookup: (name) => this.#vars.get(name) ?? DEFAULT_VARS[name],
      assign: (name, value) => this.#assign(name, value),
      substitute: (src, proc) => {
        const before = this.#commands.length;
        const out = this.#script(src, ctx.depth + 1, [...ctx.via, proc ? '<(…)' : '$(…)'], undefined);
        for (let k = before; k < this.#commands.length; k++) ctx.subFeeders.push(k);
        if (proc) return '/dev/fd/63';
        let text = out ?? '';
        while (text.endsWith('\n')) text = text.slice(0, -1);
        return text;
      },
      use: (chars) => this.#use(chars),
      cap: (text) => this.#cap(text),
      maxValue: this.#limits.maxValueChars,
      maxBraceFields: this.#limits.maxBraceFields,
    };
  }

  #cap(text: string): string {
    if (text.length <= this.#limits.maxValueChars) return text;
    this.#truncate(`a value is longer than ${this.#limits.maxValueChars} characters`);
    return text.slice(0, this.#limits.maxValueChars);
  }

  #assign(name: string, value: string): void {
    if (!this.#vars.has(name) && this.#vars.size >= this.#limits.maxVars) {
      this.#truncate(`more than ${this.#limits.maxVars} variables`);
      return;
    }
    this.#vars.set(name, this.#cap(value));
  }

  #command(raw: RawCommand, ctx: Ctx, feeders: readonly number[], pipeIn: string | undefined, background: boolean): { indexes: number[]; output: string | undefined } {
    const host = this.#host(ctx);
    let k = 0;
    const assignments: [string, string][] = [];
    for (; k < raw.words.length; k++) {
      const a = assignmentOf(raw.words[k] as RawWord);
      if (!a) break;
      assignments.push([a.name, expandFlat(a.value, host)]);
    }
    const argv: string[] = [];
    for (; k < raw.words.length && argv.length < this.#limits.maxWords; k++) argv.push(...expandWord(raw.words[k] as RawWord, host));
    if (argv.length > this.#limits.maxWords) argv.length = this.#limits.maxWords;
    let stdin = pipeIn;
    const redirects: Redirect[] = [];
    for (const r of raw.redirects) {
      const target = expandFlat(r.target, host);
      redirects.push({ op: normaliseOp(r.op, target), fd: r.fd, target });
      if (r.op === '<<<') stdin = `${target}\n`;
      else if (r.heredoc !== undefined) stdin = r.heredoc;
    }
    while (argv.length > 0 && RESERVED.has(argv[0] as string)) argv.shift();
    if (argv.length > 0 && SKIPPED.has(argv[0] as string)) return { indexes: [], output: undefined };
    const allFeeders = [...feeders, ...ctx.subFeeders];
    if (argv.length === 0) {
      // A bare assignment sets the variable; it is also reported (as `export NAME=value`) so rules see it.
      for (const [name, value] of assignments) this.#assign(name, value);
      const shown = assignments.length > 0 ? ['export', ...assignments.map(([n, v]) => `${n}=${v}`)] : [];
      if (shown.length === 0 && redirects.length === 0) return { indexes: [], output: '' };
      const index = this.#emit({ argv: shown, program: shown.length > 0 ? 'export' : '', redirects, background, feeders: allFeeders, via: ctx.via });
      return { indexes: index < 0 ? [] : [index], output: '' };
    }
    const index = this.#emit({ argv, program: programName(argv[0] as string), redirects, background, feeders: allFeeders, via: ctx.via });
    if (index < 0) return { indexes: [], output: undefined };
    const indexes = [index];
    const followed = this.#follow(index, ctx.depth, ctx.via, stdin, indexes);
    const cmd = this.#commands[index] as SimpleCommand;
    const output = staticOutput(cmd.program, cmd.argv.slice(1), stdin, this.#limits.maxValueChars + 1) ?? followed;
    return { indexes, output };
  }

  #emit(cmd: SimpleCommand): number {
    if (this.#commands.length >= this.#limits.maxCommands) {
      this.#truncate(`more than ${this.#limits.maxCommands} commands`);
      return -1;
    }
    this.#commands.push(cmd);
    return this.#commands.length - 1;
  }

  #derive(base: SimpleCommand, argv: readonly string[], via: readonly string[]): number {
    return this.#emit({ ...base, argv, program: programName(argv[0] ?? ''), via });
  }

  /**
   * What a command runs in turn: declarations, eval, shell scripts, wrapped commands, find -exec,
   * glob-spelled programs. Returns the inner output when it is known. Adds derived indexes.
   */
  #follow(index: number, depth: number, via: readonly string[], stdin: string | undefined, indexes: number[]): string | undefined {
    const cmd = this.#commands[index] as SimpleCommand;
    const { program, argv } = cmd;
    const args = argv.slice(1);
    if (DECLARERS.has(program)) {
      for (const a of args) if (isAssignment(a)) this.#assign(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
      return '';
    }
    if (program === 'unset') {
      for (const a of args) this.#vars.delete(a);
      return '';
    }
    const inherit: Inherit = { feeders: cmd.feeders, stdin };
    if (program === 'eval') return this.#script(args.join(' '), depth + 1, [...via, 'eval'], inherit);
    const shell = shellScript(program, argv);
    if (shell) {
      if (shell.script !== null) return this.#script(shell.script, depth + 1, [...via, `${program} -c`], inherit);
      if (shell.readsStdin && stdin !== undefined) return this.#script(this.#cap(stdin), depth + 1, [...via, 'stdin'], undefined);
      return undefined;
    }
    const code = interpreterCode(program, argv, stdin);
    if (code) {
      // python -c, perl -e, node -e …: the shell commands and file-system calls the code makes.
      if (depth + 1 > this.#limits.maxDepth) {
        this.#truncate(`commands nest deeper than ${this.#limits.maxDepth} levels`);
        return undefined;
      }
      if (!this.#use(code.code.length)) return undefined;
      const at = [...via, `${program} ${code.option}`];
      const read = codeEffects(code.lang, this.#cap(code.code), this.#limits.maxWords);
      if (read.incomplete) this.#truncate(`the ${program} code is too large or complex to read whole`);
      for (const effect of read.effects) {
        if (this.#full()) break;
        if (effect.kind === 'script') {
          this.#script(effect.text, depth + 1, [...at, effect.via], undefined);
          continue;
        }
        const d = this.#derive(cmd, effect.argv, [...at, effect.via]);
        if (d < 0) break;
        indexes.push(d);
        this.#follow(d, depth + 1, [...at, effect.via], undefined, indexes);
      }
      return undefined;
    }
    if (program === 'xargs') {
      // xargs runs its command (echo by default) with the words of its standard input appended,
      // or, with -I, once per input line with the placeholder replaced. The input is known here
      // only when it was computed (`<<< /`, `echo / |`); otherwise the command runs as written.
      if (depth + 1 > this.#limits.maxDepth) {
        this.#truncate(`commands nest deeper than ${this.#limits.maxDepth} levels`);
        return undefined;
      }
      for (const inner of xargsCommands(argv, unwrap(program, argv), stdin, this.#limits.maxWords)) {
        const d = this.#derive(cmd, inner, [...via, program]);
        if (d < 0) break;
        indexes.push(d);
        this.#follow(d, depth + 1, [...via, program], undefined, indexes);
      }
      return undefined;
    }
    const inner = unwrap(program, argv);
    if (inner) {
      if (depth + 1 > this.#limits.maxDepth) {
        this.#truncate(`commands nest deeper than ${this.#limits.maxDepth} levels`);
        return undefined;
      }
      const d = this.#derive(cmd, inner, [...via, program]);
      if (d < 0) return undefined;
      indexes.push(d);
      return this.#follow(d, depth + 1, [...via, program], stdin, indexes);
    }
    if (program === 'find') {
      const at = args.findIndex((a) => a === '-exec' || a === '-execdir' || a === '-ok' || a === '-okdir');
      if (at >= 0) {
        const rest = args.slice(at + 1);
        const stop = rest.findIndex((a) => a === ';' || a === '+');
        const inner2 = stop < 0 ? rest : rest.slice(0, stop);
        if (inner2.length > 0) {
          const d = this.#derive(cmd, inner2, [...via, 'find -exec']);
          if (d >= 0) indexes.push(d);
        }
      }
      return undefined;
    }
    if (hasGlob(program) && this.#known.length > 0) {
      let n = 0;
      for (const name of this.#known) {
        if (n >= 4 || !globMatch(program, name)) continue;
        n++;
        const d = this.#derive(cmd, [name, ...args], [...via, 'glob']);
        if (d < 0) break;
        indexes.push(d);
        this.#follow(d, depth + 1, [...via, 'glob'], stdin, indexes);
      }
    }
    return undefined;
  }
}

/** At most this many commands are derived from one `xargs -I` (one per input line). */
const MAX_XARGS_LINES = 8;

/**
 * The commands `xargs` runs for a known input: the wrapped command with the input's words
 * appended (split on blanks, `-0` on NUL, `-d X` on X; simple quotes removed), or with `-I R`
 * (`-i`, `--replace`) once per line with R replaced. An unknown input (or `-a FILE`) leaves the
 * command as written.
 */
function xargsCommands(argv: readonly string[], wrapped: readonly string[] | null, stdin: string | undefined, maxWords: number): string[][] {
  const inner = wrapped ?? ['echo'];
  const optionsEnd = argv.length - (wrapped?.length ?? 0);
  let replace: string | null = null;
  let delimiter: string | null = null;
  let fromFile = false;
  for (let i = 1; i < optionsEnd; i++) {
    const a = argv[i] as string;
    if (a === '-I') replace = argv[i + 1] ?? '{}';
    else if (a.startsWith('-I')) replace = a.slice(2);
    else if (a === '-i' || a === '--replace') replace = '{}';
    else if (a.startsWith('-i') || a.startsWith('--replace=')) replace = a.slice(a.indexOf('=') >= 0 ? a.indexOf('=') + 1 : 2) || '{}';
    else if (a === '-0' || a === '--null') delimiter = '\0';
    else if (a === '-d') delimiter = unescapeDelimiter(argv[i + 1] ?? '\n');
    else if (a.startsWith('--delimiter=')) delimiter = unescapeDelimiter(a.slice('--delimiter='.length));
    else if (a === '-a' || a.startsWith('--arg-file')) fromFile = true;
  }
  if (stdin === undefined || fromFile) return [[...inner]];
  if (replace !== null) {
    const lines = stdin.split(delimiter ?? '\n').filter((l) => l.trim().length > 0).slice(0, MAX_XARGS_LINES);
    if (lines.length === 0) return [[...inner]];
    return lines.map((line) => inner.map((w) => (replace ? w.split(replace).join(line.trim()) : w)));
  }
  const items: string[] = [];
  if (delimiter !== null) {
    for (const item of stdin.split(delimiter)) if (item.length > 0 && item !== '\n' && items.length < maxWords) items.push(item);
  } else {
    let cur = '';
    let quote = '';
    for (let i = 0; i < stdin.length && items.length < maxWords; i++) {
      const c = stdin.charAt(i);
      if (quote) {
        if (c === quote) quote = '';
        else cur += c;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === ' ' || c === '\t' || c === '\n') {
        if (cur) items.push(cur);
        cur = '';
      } else cur += c;
    }
    if (cur && items.length < maxWords) items.push(cur);
  }
  return [[...inner, ...items].slice(0, maxWords)];
}

function unescapeDelimiter(d: string): string {
  if (d === '\\n') return '\n';
  if (d === '\\t') return '\t';
  if (d === '\\0') return '\0';
  return d.charAt(0) || '\n';
}

/** `NAME=value` at the start of a raw word (unquoted name): the name and the value's parts. */
function assignmentOf(word: RawWord): { name: string; value: RawWord } | null {
  const first = word[0];
  if (!first || first.t !== 'lit' || first.q) return null;
  const eq = first.v.indexOf('=');
  if (eq <= 0 || !isAssignment(first.v.slice(0, eq + 1))) return null;
  return { name: first.v.slice(0, eq), value: [{ t: 'lit', v: first.v.slice(eq + 1), q: false }, ...word.slice(1)] };
}

/** `>`, `>|`, `&>`, `>&file` write; `>>`, `&>>` append; `>&2` duplicates. */
function normaliseOp(op: string, target: string): string {
  switch (op) {
    case '>':
    case '>|':
    case '&>':
      return '>';
    case '>>':
    case '&>>':
      return '>>';
    case '>&':
      return target === '-' || /^[0-9]{1,3}$/.test(target.length <= 3 ? target : 'x') ? '>&' : '>';
    case '<&':
      return '<&';
    case '<<-':
      return '<<';
    default:
      return op;
  }
}
