// A static shell interpreter: it never runs anything, it works out which simple commands a
// command string would run. It follows what obfuscation hides behind: quotes and escapes,
// variables (a=cu; b=rl; $a$b), ${IFS}, brace expansion, $'\x63' and $(printf '\x63url'),
// eval, sh -c / bash -c, scripts piped or fed into a shell, wrappers (sudo, env, nohup, xargs),
// find -exec, glob-spelled program names, and the code of interpreter one-liners (python -c,
// perl -e, node -e …; code.ts). Bounded in depth, commands, words and output.
import { codeEffects, interpreterCode } from './code.ts';
import { arrayElements, expandFlat, expandWord, type ExpandHost } from './expand.ts';
import { isReader, readBindings } from './builtins.ts';
import { staticOutput } from './evaluate.ts';
import { downloadTargets, fileKey, scriptOperand } from './files.ts';
import { globMatch, hasGlob, pathGlobMatch } from './glob.ts';
import { Lexer, literalText, sanitize, type RawCommand, type RawItem, type RawWord } from './lexer.ts';
import { isAssignment, programName, shellScript, unversioned, unwrap } from './programs.ts';
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
/** Loop iterations and function calls followed per input (each runs a body again). */
const MAX_STEPS = 1024;
/** Functions remembered per input. */
const MAX_FUNCTIONS = 32;
/** Files whose written text (or download) is remembered per input. */
const MAX_FILES = 32;
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
  /**
   * Sensitive paths (`~/.ssh/id_rsa`) a glob-spelled operand (`~/.ss?/id_*`) is matched against:
   * a command is also reported with the glob replaced by the first path it could name.
   */
  readonly knownPaths?: readonly string[];
}

/** Resolves a command string into the simple commands a shell would run. Total: never throws. */
export function deobfuscate(text: string, options: DeobfuscateOptions = {}): ShellParse {
  const interp = new Interpreter({ ...DEFAULT_SHELL_LIMITS, ...options.limits }, options.knownPrograms ?? [], options.knownPaths ?? []);
  return interp.run(text);
}

class Interpreter {
  readonly #limits: ShellLimits;
  readonly #known: readonly string[];
  readonly #commands: SimpleCommand[] = [];
  readonly #knownPaths: readonly string[];
  readonly #vars = new Map<string, string>();
  readonly #arrays = new Map<string, string[]>();
  /** Positional parameters ($1 …), set by `set --` and function calls. */
  #positional: readonly string[] = [];
  readonly #functions = new Map<string, readonly RawItem[]>();
  /** Text written to a file by a redirect whose output is known (`echo … > x.sh`), by fileKey. */
  readonly #files = new Map<string, string>();
  /** Files written by a download, by fileKey: the index of the command that wrote them. */
  readonly #downloads = new Map<string, number>();
  /** Output of process substitutions (`<(echo …)`), by the path the command sees. */
  readonly #procs = new Map<string, string>();
  #steps = 0;
  #budget: number;
  #truncated: string | null = null;

  constructor(limits: ShellLimits, known: readonly string[], knownPaths: readonly string[]) {
    this.#limits = limits;
    this.#known = known;
    this.#knownPaths = knownPaths;
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
    const items = splitKeywords(new Lexer(src).parse());
    return this.#items(items, 0, items.length, depth, via, inherit);
  }

  /** One more loop iteration or function call; false (and truncated) past the bound. */
  #step(): boolean {
    if (++this.#steps <= MAX_STEPS) return true;
    this.#truncate(`loops and function calls ran more than ${MAX_STEPS} times`);
    return false;
  }

  /** Runs items[from, to): pipelines, loops (bodies run once per value) and function definitions. */
  #items(items: readonly RawItem[], from: number, to: number, depth: number, via: readonly string[], inherit: Inherit | undefined): string | undefined {
    let output = '';
    let known = true;
    let i = from;
    let first = true;
    while (i < to && !this.#full()) {
      const item = items[i] as RawItem;
      const head = headWord(item.cmd);
      if (head === 'for' || head === 'select') {
        const next = this.#forLoop(items, i, to, depth, via);
        if (next !== null) {
          i = next;
          known = false;
          first = false;
          continue;
        }
      }
      if (item.cmd.fn) {
        // A definition: remembered for its calls. Its body still runs below as written (unbound).
        const words = item.cmd.words;
        this.#define(literalText(words[words.length - 1] as RawWord), items, i + 1, to);
        i++;
        continue;
      }
      if (head === 'function' && item.cmd.words.length > 2) {
        // `function name { …; }`: the body starts in this item.
        const name = literalText(item.cmd.words[1] as RawWord);
        const body = splitKeywords([{ cmd: { words: item.cmd.words.slice(2), redirects: item.cmd.redirects }, sep: item.sep }, ...items.slice(i + 1, to)]);
        this.#define(name, body, 0, body.length);
      }
      const stages: number[] = [];
      let sep: RawItem['sep'] = ';';
      do {
        stages.push(i);
        sep = (items[i++] as RawItem).sep;
      } while (sep === '|' && i < to);
      let feeders: readonly number[] = first && inherit ? inherit.feeders : [];
      let stdin = first && inherit ? inherit.stdin : undefined;
      first = false;
      let out: string | undefined;
      for (let s = 0; s < stages.length; s++) {
        const at = stages[s] as number;
        const stage = (items[at] as RawItem).cmd;
        const h = headWord(stage);
        if (s === stages.length - 1 && (h === 'while' || h === 'until')) {
          const next = this.#whileLoop(items, at, to, depth, via, stdin);
          if (next !== null) {
            i = next;
            out = undefined;
            break;
          }
        }
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

  /**
   * `for NAME [in WORDS]; do …; done`: the body runs once per (distinct) value with NAME bound,
   * or once with NAME unbound when the list is empty or unknown. Returns the index after `done`,
   * or null when the loop is not written so it can be followed (then it runs as written).
   */
  #forLoop(items: readonly RawItem[], i: number, to: number, depth: number, via: readonly string[]): number | null {
    const words = (items[i] as RawItem).cmd.words;
    const name = words[1] ? plainText(words[1]) : null;
    if (name === null || !isName(name)) return null;
    const done = matchDone(items, i, to);
    if (done < 0) return null;
    let values: string[];
    if (words[2] && plainText(words[2]) === 'in') {
      const host = this.#host({ depth, via, subFeeders: [] });
      values = [];
      for (const w of words.slice(3)) {
        for (const v of expandWord(w, host)) if (!values.includes(v) && values.length < this.#limits.maxWords) values.push(v);
      }
    } else values = [...new Set(this.#positional)];
    if (values.length === 0) {
      this.#vars.delete(name);
      this.#items(items, i + 1, done, depth, via, undefined);
      return done + 1;
    }
    for (const v of values) {
      if (this.#full() || !this.#step()) break;
      this.#assign(name, v);
      this.#items(items, i + 1, done, depth, via, undefined);
    }
    return done + 1;
  }

  /**
   * `while COND; do …; done [<<< text | <<EOF | < file]` (or `… | while …`): with a known input,
   * the condition (which reads it: `read line`) and the body run once per input line; otherwise once.
   */
  #whileLoop(items: readonly RawItem[], i: number, to: number, depth: number, via: readonly string[], piped: string | undefined): number | null {
    const done = matchDone(items, i, to);
    if (done < 0) return null;
    let body = -1;
    for (let j = i + 1; j < done; j++) {
      if (headWord((items[j] as RawItem).cmd) === 'do') {
        body = j;
        break;
      }
    }
    if (body < 0) return null;
    let input = piped;
    const host = this.#host({ depth, via, subFeeders: [] });
    for (const r of (items[done] as RawItem).cmd.redirects) {
      if (r.op === '<<<') input = `${expandFlat(r.target, host)}\n`;
      else if (r.heredoc !== undefined) input = `${r.heredoc}\n`;
      else if (r.op === '<') input = this.#fileText(expandFlat(r.target, host), undefined);
    }
    if (input === undefined) {
      this.#items(items, i, body, depth, via, undefined);
      this.#items(items, body, done, depth, via, undefined);
      return done + 1;
    }
    const lines = input.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) {
      if (this.#full() || !this.#step()) break;
      this.#items(items, i, body, depth, via, { feeders: [], stdin: `${line}\n` });
      this.#items(items, body, done, depth, via, undefined);
    }
    return done + 1;
  }

  /** Remembers `name() { … }` (or `name() cmd`) whose body starts at items[i]: the items of its body. */
  #define(name: string, items: readonly RawItem[], i: number, to: number): void {
    if (i >= to || (!this.#functions.has(name) && this.#functions.size >= MAX_FUNCTIONS)) return;
    let end = i;
    if (headWord((items[i] as RawItem).cmd) === '{') {
      let level = 0;
      for (let j = i; j < to; j++) {
        const h = headWord((items[j] as RawItem).cmd);
        if (h === '{') level++;
        else if (h === '}') level--;
        if (level === 0) {
          end = j;
          break;
        }
        end = j;
      }
    }
    this.#functions.set(name, items.slice(i, end + 1));
  }

  /** The text of a file this command line wrote or a process substitution produced, or standard input read as a file. */
  #fileText(path: string, stdin: string | undefined): string | undefined {
    if (path === '/dev/stdin' || path === '-' || path === '/proc/self/fd/0' || path === '/dev/fd/0') return stdin;
    return this.#procs.get(path) ?? this.#files.get(fileKey(path));
  }

  #host(ctx: Ctx): ExpandHost {
    return {
      lookup: (name) => this.#lookup(name),
      list: (name) => (name === '@' ? this.#positional : this.#arrays.get(name.slice(0, name.indexOf('[')))),
      assign: (name, value) => this.#assign(name, value),
      substitute: (src, proc) => {
        const before = this.#commands.length;
        const out = this.#script(src, ctx.depth + 1, [...ctx.via, proc ? '<(…)' : '$(…)'], undefined);
        for (let k = before; k < this.#commands.length; k++) ctx.subFeeders.push(k);
        if (proc) {
          if (out !== undefined && this.#procs.size < MAX_FILES) this.#procs.set('/dev/fd/63', this.#cap(out));
          return '/dev/fd/63';
        }
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

  #lookup(name: string): string | undefined {
    const bracket = name.indexOf('[');
    if (bracket > 0 && name.endsWith(']')) {
      const base = name.slice(0, bracket);
      const sub = name.slice(bracket + 1, -1);
      const arr = this.#arrays.get(base);
      if (sub === '@' || sub === '*') return arr?.join(' ') ?? this.#vars.get(base);
      const n = Number.parseInt(sub, 10);
      if (!Number.isFinite(n)) return undefined;
      return arr ? arr[n] : n === 0 ? this.#vars.get(base) : undefined;
    }
    const c = name.charAt(0);
    if (c >= '1' && c <= '9') return this.#positional[Number.parseInt(name, 10) - 1];
    if (name === '@' || name === '*') return this.#positional.join(' ');
    if (name === '#') return String(this.#positional.length);
    return this.#vars.get(name) ?? this.#arrays.get(name)?.[0] ?? DEFAULT_VARS[name];
  }

  #assignArray(name: string, values: readonly string[]): void {
    if (!this.#arrays.has(name) && this.#arrays.size + this.#vars.size >= this.#limits.maxVars) {
      this.#truncate(`more than ${this.#limits.maxVars} variables`);
      return;
    }
    this.#vars.delete(name);
    this.#arrays.set(name, values.slice(0, this.#limits.maxWords).map((v) => this.#cap(v)));
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
    this.#arrays.delete(name);
    this.#vars.set(name, this.#cap(value));
  }

  #command(raw: RawCommand, ctx: Ctx, feeders: readonly number[], pipeIn: string | undefined, background: boolean): { indexes: number[]; output: string | undefined } {
    const host = this.#host(ctx);
    let k = 0;
    const assignments: [string, string][] = [];
    const arrays: [string, string[]][] = [];
    for (; k < raw.words.length; k++) {
      const a = assignmentOf(raw.words[k] as RawWord);
      if (!a) break;
      const arr = a.value.find((p) => p.t === 'arr');
      if (arr && arr.t === 'arr') {
        const elems = arrayElements(arr.src, host);
        arrays.push([a.name, elems]);
        assignments.push([a.name, elems.join(' ')]);
      } else assignments.push([a.name, expandFlat(a.value, host)]);
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
      for (const [name, elems] of arrays) this.#assignArray(name, elems);
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
    let output = staticOutput(cmd.program, cmd.argv.slice(1), stdin, this.#limits.maxValueChars + 1) ?? followed;
    if (cmd.program === 'printf' && cmd.argv[1] === '-v' && cmd.argv[2] !== undefined) {
      // printf -v NAME …: the output goes into the variable.
      if (output !== undefined) this.#assign(cmd.argv[2], output);
      output = '';
    }
    this.#recordFiles(index, output);
    return { indexes, output };
  }

  /** Remembers what a command wrote to files: known text through `>`/`>>`, downloads (curl -o, wget, or a fetcher's `>`). */
  #recordFiles(index: number, output: string | undefined): void {
    const cmd = this.#commands[index] as SimpleCommand;
    const fetcher = cmd.program === 'curl' || cmd.program === 'wget';
    for (const r of cmd.redirects) {
      if ((r.op !== '>' && r.op !== '>>') || (r.fd !== '' && r.fd !== '1') || r.target.startsWith('/dev/')) continue;
      const key = fileKey(r.target);
      if (fetcher) this.#remember(this.#downloads, key, index);
      else if (output !== undefined) this.#remember(this.#files, key, this.#cap((r.op === '>>' ? (this.#files.get(key) ?? '') : '') + output));
      else this.#files.delete(key);
    }
    if (fetcher) for (const f of downloadTargets(cmd.program, cmd.argv.slice(1))) this.#remember(this.#downloads, fileKey(f), index);
    if ((cmd.program === 'cp' || cmd.program === 'mv') && cmd.argv.length === 3) {
      // `mv /tmp/x /tmp/y`: the copy is the same download (or the same text).
      const from = fileKey(cmd.argv[1] as string);
      const to = fileKey(cmd.argv[2] as string);
      const dl = this.#downloads.get(from);
      if (dl !== undefined) this.#remember(this.#downloads, to, dl);
      const text = this.#files.get(from);
      if (text !== undefined) this.#remember(this.#files, to, text);
    }
  }

  #remember<V>(map: Map<string, V>, key: string, value: V): void {
    if (map.has(key) || map.size < MAX_FILES) map.set(key, value);
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
      for (const a of args) {
        this.#vars.delete(a);
        this.#arrays.delete(a);
      }
      return '';
    }
    const fn = this.#functions.get(argv[0] as string);
    if (fn) return this.#call(fn, cmd, depth, via, stdin);
    if (this.#builtin(program, args, stdin)) return '';
    this.#globPaths(index, via, indexes);
    const inherit: Inherit = { feeders: cmd.feeders, stdin };
    if (program === 'eval') return this.#script(args.join(' '), depth + 1, [...via, 'eval'], inherit);
    const shell = shellScript(program, argv);
    if (shell) {
      if (shell.script !== null) return this.#script(shell.script, depth + 1, [...via, `${program} -c`], inherit);
      if (shell.readsStdin && stdin !== undefined) return this.#script(this.#cap(stdin), depth + 1, [...via, 'stdin'], undefined);
      if (shell.file !== undefined) return this.#runFile(index, shell.file, depth, via, stdin, indexes, false);
      return undefined;
    }
    if (program === 'source' || program === '.') {
      if (args[0] === undefined) return undefined;
      return this.#runFile(index, args[0], depth, via, stdin, indexes, false);
    }
    const operand = scriptOperand(argv);
    if (operand !== null) this.#runFile(index, operand, depth, via, stdin, indexes, false);
    else if ((argv[0] as string).includes('/')) this.#runFile(index, argv[0] as string, depth, via, stdin, indexes, true);
    const code = interpreterCode(program, argv, stdin);
    if (code) {
      // python -c, perl -e, node -e …: the shell commands and file-system calls the code makes.
      this.#code(index, code, depth, via, indexes);
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


  /** The shell commands and file-system calls of interpreter code, as commands derived from index. */
  #code(index: number, code: NonNullable<ReturnType<typeof interpreterCode>>, depth: number, via: readonly string[], indexes: number[]): void {
    const cmd = this.#commands[index] as SimpleCommand;
    const program = cmd.program;
    if (depth + 1 > this.#limits.maxDepth) {
      this.#truncate(`commands nest deeper than ${this.#limits.maxDepth} levels`);
      return;
    }
    if (!this.#use(code.code.length)) return;
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
  }

  /** Runs a function's body with the call's words as $1 …; its output is the body's. */
  #call(body: readonly RawItem[], cmd: SimpleCommand, depth: number, via: readonly string[], stdin: string | undefined): string | undefined {
    if (depth + 1 > this.#limits.maxDepth) {
      this.#truncate(`commands nest deeper than ${this.#limits.maxDepth} levels`);
      return undefined;
    }
    if (!this.#step()) return undefined;
    const saved = this.#positional;
    this.#positional = cmd.argv.slice(1);
    const out = this.#items(body, 0, body.length, depth + 1, [...via, `${cmd.argv[0]}()`], { feeders: cmd.feeders, stdin });
    this.#positional = saved;
    return out;
  }

  /**
   * Builtins that bind variables: `read` and `mapfile`/`readarray` from a known input, `set --`
   * and `shift` (positional parameters). True when the command was one of them.
   */
  #builtin(program: string, args: readonly string[], stdin: string | undefined): boolean {
    if (program === 'set') {
      const dashes = args.indexOf('--');
      if (dashes >= 0) this.#positional = args.slice(dashes + 1);
      else if (args.length > 0 && !args[0]?.startsWith('-') && !args[0]?.startsWith('+')) this.#positional = [...args];
      return true;
    }
    if (program === 'shift') {
      const n = Number.parseInt(args[0] ?? '1', 10);
      this.#positional = this.#positional.slice(Number.isFinite(n) && n > 0 ? n : 1);
      return true;
    }
    if (!isReader(program)) return false;
    const bound = readBindings(program, args, stdin, this.#lookup('IFS') ?? ' \t\n');
    for (const [name, value] of bound?.scalars ?? []) this.#assign(name, value);
    for (const [name, values] of bound?.arrays ?? []) this.#assignArray(name, values);
    return true;
  }

  /**
   * A file run as a script (`sh f`, `source f`, `python3 f`, `./f`): a file this command line
   * downloaded makes the run fed by the download (the rules' `curl … | sh` shape); a file it
   * wrote with known text (or a process substitution, or standard input) runs as that text.
   */
  #runFile(index: number, path: string, depth: number, via: readonly string[], stdin: string | undefined, indexes: number[], direct: boolean): string | undefined {
    const cmd = this.#commands[index] as SimpleCommand;
    const dl = this.#downloads.get(fileKey(path));
    if (dl !== undefined) {
      const argv = direct ? ['sh', ...cmd.argv] : cmd.argv;
      const d = this.#emit({ ...cmd, argv, program: programName(argv[0] as string), feeders: [...cmd.feeders, dl], via: [...via, 'downloaded file'] });
      if (d >= 0) indexes.push(d);
      return undefined;
    }
    const text = this.#fileText(path, stdin);
    if (text === undefined) return undefined;
    if (scriptOperand(cmd.argv) === path) {
      // python3 f.py, node f.js …: read as the interpreter's code.
      const code = interpreterCode(cmd.program, [cmd.program, codeFlag(cmd.program), text], undefined);
      if (code) this.#code(index, code, depth, via, indexes);
      return undefined;
    }
    return this.#script(this.#cap(text), depth + 1, [...via, `${cmd.program || 'run'} ${path}`], undefined);
  }

  /**
   * A glob-spelled operand that could name a sensitive path (`cat ~/.ss?/id_*`): the command is
   * also reported with the operand replaced by the first such path, so the path rules see it.
   */
  #globPaths(index: number, via: readonly string[], indexes: number[]): void {
    if (this.#knownPaths.length === 0) return;
    const cmd = this.#commands[index] as SimpleCommand;
    let argv: string[] | null = null;
    for (let k = 1; k < cmd.argv.length; k++) {
      const a = cmd.argv[k] as string;
      if (!hasGlob(a) || a.length > 128 || (!a.includes('/') && !a.startsWith('.'))) continue;
      const pattern = homeAsTilde(a);
      const hit = this.#knownPaths.find((p) => pathGlobMatch(pattern, p));
      if (hit === undefined) continue;
      argv ??= [...cmd.argv];
      argv[k] = hit;
    }
    if (!argv) return;
    const d = this.#derive(cmd, argv, [...via, 'glob']);
    if (d >= 0) indexes.push(d);
  }
}

/** The flag that gives an interpreter its code on the command line. */
function codeFlag(program: string): string {
  const p = unversioned(program);
  return p === 'node' || p === 'perl' || p === 'ruby' || p === 'lua' ? '-e' : p === 'php' ? '-r' : '-c';
}

/** `/home/u/…`, `/Users/u/…`, `/root/…` written as `~/…` (the sensitive paths are spelled so). */
function homeAsTilde(path: string): string {
  for (const prefix of ['/home/', '/Users/']) {
    if (!path.startsWith(prefix)) continue;
    const slash = path.indexOf('/', prefix.length);
    if (slash > prefix.length && !hasGlob(path.slice(prefix.length, slash))) return `~${path.slice(slash)}`;
  }
  if (path.startsWith('/root/')) return `~${path.slice('/root'.length)}`;
  return path;
}

/** Keywords that may open a command's words (`do rm …`, `then …`, `{ …`): split into items of their own, so loops and groups nest by item. */
const LEADING_KEYWORDS = new Set(['do', 'then', 'else', 'elif', 'if', '{', '!']);

/** Splits leading keywords off their commands (`do for x in …` → `do`, `for x in …`). */
function splitKeywords(items: readonly RawItem[]): RawItem[] {
  const out: RawItem[] = [];
  for (const item of items) {
    let words = item.cmd.words;
    while (words.length > 1 && LEADING_KEYWORDS.has(plainText(words[0] as RawWord) ?? '')) {
      out.push({ cmd: { words: [words[0] as RawWord], redirects: [] }, sep: ';' });
      words = words.slice(1);
    }
    out.push(words === item.cmd.words ? item : { cmd: { ...item.cmd, words }, sep: item.sep });
  }
  return out;
}

/** A word with no quotes or expansions: its text (compound-command keywords are only keywords so). */
function plainText(word: RawWord): string | null {
  if (!word.every((p) => p.t === 'lit' && !p.q)) return null;
  return literalText(word);
}

/** The first word of a raw command when it is written plainly ('' otherwise). */
function headWord(cmd: RawCommand): string {
  const w = cmd.words[0];
  return w ? (plainText(w) ?? '') : '';
}

function isName(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

/** The index of the `done` that closes the loop opened at items[i], or -1. */
function matchDone(items: readonly RawItem[], i: number, to: number): number {
  let level = 1;
  for (let j = i + 1; j < to; j++) {
    const h = headWord((items[j] as RawItem).cmd);
    if (h === 'for' || h === 'while' || h === 'until' || h === 'select') level++;
    else if (h === 'done' && --level === 0) return j;
  }
  return -1;
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
