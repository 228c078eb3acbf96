// Interpreter one-liners: the code given to `python -c`, `perl -e`, `node -e`, `ruby -e`,
// `php -r`, `lua -e`, awk programs and `osascript -e` (or fed to the interpreter on standard
// input) is read for what it runs: shell strings and argument vectors handed to os.system,
// subprocess, system, exec, execSync, spawn, backticks … become command lines and commands, and
// file-system calls with a shell equivalent (shutil.rmtree, fs.rmSync, FileUtils.rm_rf, writes,
// copies) become that command, so the shell rules judge them. A reader, not a parser: it finds
// call names and reads their literal arguments. Pure and bounded.
import { programName, unversioned } from './programs.ts';

export type CodeLanguage = 'python' | 'perl' | 'ruby' | 'node' | 'php' | 'lua' | 'awk' | 'osascript';

/** What a piece of interpreter code runs: a shell command line, or a command as an argument vector. */
export type CodeEffect = { readonly kind: 'script'; readonly text: string; readonly via: string } | { readonly kind: 'argv'; readonly argv: readonly string[]; readonly via: string };

/** A value the code computes at run time: it stands in for the unknown part of a string. */
export const UNKNOWN = '…';

const LANGUAGES: Readonly<Record<string, CodeLanguage>> = {
  python: 'python',
  pypy: 'python',
  perl: 'perl',
  ruby: 'ruby',
  node: 'node',
  nodejs: 'node',
  deno: 'node',
  bun: 'node',
  php: 'php',
  lua: 'lua',
  luajit: 'lua',
  awk: 'awk',
  gawk: 'awk',
  mawk: 'awk',
  nawk: 'awk',
  osascript: 'osascript',
};

/** Options (per language) that take the next word as their value, not as code or a script. */
const VALUE_OPTIONS: Readonly<Record<CodeLanguage, readonly string[]>> = {
  python: ['-W', '-X', '--check-hash-based-pycs'],
  perl: ['-I', '-M', '-m', '-x', '-C'],
  ruby: ['-I', '-r', '-E', '-C', '--encoding'],
  node: ['-r', '--require', '--import', '--loader', '--input-type', '--conditions', '-C', '--env-file'],
  php: ['-c', '-d', '-z'],
  lua: ['-l'],
  awk: ['-F', '-v', '--field-separator', '--assign'],
  osascript: ['-l', '-s'],
};

/**
 * The code an interpreter command runs from its arguments (`-c`, `-e`, `--eval`, `-r`; an awk
 * program), or from standard input when it names no script; null when it runs a script file,
 * a module, or is not an interpreter.
 */
export function interpreterCode(program: string, argv: readonly string[], stdin: string | undefined): { readonly lang: CodeLanguage; readonly code: string; readonly option: string } | null {
  const name = programName(program);
  const lang = LANGUAGES[name] ?? LANGUAGES[unversioned(name)];
  if (!lang) return null;
  const parts: string[] = [];
  let option = '';
  let args = argv.slice(1);
  if (name === 'deno' || name === 'bun') {
    // `deno eval CODE`, `bun -e CODE`; `deno run x.ts` runs a file.
    if (args[0] === 'eval') {
      const code = args.slice(1).find((a) => !a.startsWith('-'));
      return code === undefined ? null : { lang, code, option: 'eval' };
    }
    if (name === 'deno') return null;
  }
  const values = VALUE_OPTIONS[lang];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      args = [];
      break;
    }
    const code = codeOption(lang, a);
    if (code) {
      option ||= code.option;
      if (code.attached !== null) parts.push(code.attached);
      else if (i + 1 < args.length) parts.push(args[++i] as string);
      // awk -e (gawk) is code; perl and osascript take several -e.
      if (lang === 'python' || lang === 'php' || lang === 'lua') break;
      continue;
    }
    if (values.includes(a)) {
      i++;
      continue;
    }
    if (a === '-m' && lang === 'python') return parts.length > 0 ? { lang, code: parts.join('\n'), option } : null;
    if (a === '-f' && lang === 'awk') return null;
    if (a.length > 1 && a.startsWith('-')) continue;
    // The first operand: awk's program, or a script file (`-` is standard input).
    if (parts.length > 0) break;
    if (lang === 'awk') return { lang, code: a, option: 'program' };
    if (a === '-' && stdin !== undefined) return { lang, code: stdin, option: 'stdin' };
    return null;
  }
  if (parts.length > 0) return { lang, code: parts.join('\n'), option };
  return stdin !== undefined && lang !== 'awk' ? { lang, code: stdin, option: 'stdin' } : null;
}

/** Whether an option word introduces code (`-c`, `-e`, `-ne`, `--eval=…`), and the code when attached. */
function codeOption(lang: CodeLanguage, a: string): { option: string; attached: string | null } | null {
  switch (lang) {
    case 'python':
      if (a === '-c') return { option: '-c', attached: null };
      // Flags may be combined before c (`-Sc`), and the code may follow at once (`-cprint(1)`).
      if (a.startsWith('-') && !a.startsWith('--')) {
        let j = 1;
        while (j < a.length && 'bBdEhiIOqsSuvVxP'.includes(a.charAt(j))) j++;
        if (a.charAt(j) === 'c') return { option: '-c', attached: j + 1 < a.length ? a.slice(j + 1) : null };
      }
      return null;
    case 'perl':
    case 'ruby': {
      if (!a.startsWith('-') || a.startsWith('--')) return null;
      let j = 1;
      const flags = lang === 'perl' ? 'lnpaswWtTUXS0123456789' : 'lnpaswvdWSTU';
      while (j < a.length && flags.includes(a.charAt(j))) j++;
      const c = a.charAt(j);
      if (c === 'e' || (c === 'E' && lang === 'perl')) return { option: `-${c}`, attached: j + 1 < a.length ? a.slice(j + 1) : null };
      return null;
    }
    case 'node':
      if (a === '-e' || a === '--eval' || a === '-p' || a === '--print' || a === '-pe') return { option: a, attached: null };
      if (a.startsWith('--eval=') || a.startsWith('--print=')) return { option: a.slice(0, a.indexOf('=')), attached: a.slice(a.indexOf('=') + 1) };
      return null;
    case 'php':
      if (a === '-r') return { option: '-r', attached: null };
      if (a.startsWith('-r')) return { option: '-r', attached: a.slice(2) };
      return null;
    case 'lua':
    case 'osascript':
      if (a === '-e') return { option: '-e', attached: null };
      return null;
    case 'awk':
      if (a === '-e' || a === '--source') return { option: a, attached: null };
      return null;
  }
}

type SinkKind = 'shell' | 'rm' | 'rm-r' | 'rm-rf' | 'write' | 'open' | 'copy' | 'exec-code';

/** Call names that run a command (shell string or argument vector), per language. */
const SHELL_SINKS: Readonly<Record<CodeLanguage, readonly string[]>> = {
  python: ['system', 'popen', 'run', 'call', 'check_call', 'check_output', 'Popen', 'getoutput', 'getstatusoutput', 'spawn', 'execl', 'execle', 'execlp', 'execlpe', 'execv', 'execve', 'execvp', 'execvpe', 'spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe', 'create_subprocess_shell', 'create_subprocess_exec'],
  perl: ['system', 'exec', 'readpipe'],
  ruby: ['system', 'exec', 'spawn', 'popen', 'popen2', 'popen2e', 'popen3', 'capture2', 'capture2e', 'capture3', 'pipeline', 'pipeline_r', 'pipeline_w'],
  node: ['exec', 'execSync', 'execFile', 'execFileSync', 'spawn', 'spawnSync', 'Command', 'spawnSync'],
  php: ['system', 'exec', 'shell_exec', 'passthru', 'popen', 'proc_open', 'pcntl_exec'],
  lua: ['execute', 'popen'],
  awk: ['system'],
  osascript: ['doShellScript'],
};

/** Call names with a shell equivalent (delete, write, copy), per language. */
const FILE_SINKS: Readonly<Record<CodeLanguage, Readonly<Record<string, SinkKind>>>> = {
  python: { rmtree: 'rm-rf', remove: 'rm', unlink: 'rm', rmdir: 'rm', removedirs: 'rm', open: 'open', copy: 'copy', copy2: 'copy', copyfile: 'copy', copytree: 'copy', move: 'copy', exec: 'exec-code', eval: 'exec-code' },
  perl: { rmtree: 'rm-rf', remove_tree: 'rm-rf', unlink: 'rm', open: 'open', copy: 'copy', move: 'copy', eval: 'exec-code' },
  ruby: { rm_rf: 'rm-rf', rm_r: 'rm-rf', remove_dir: 'rm-rf', remove_entry: 'rm-rf', remove_entry_secure: 'rm-rf', rmtree: 'rm-rf', rm: 'rm', rm_f: 'rm', delete: 'rm', unlink: 'rm', write: 'write', cp: 'copy', cp_r: 'copy', copy: 'copy', mv: 'copy', eval: 'exec-code' },
  node: { rmSync: 'rm-r', rm: 'rm-r', rmdirSync: 'rm-r', rmdir: 'rm-r', rimraf: 'rm-rf', rimrafSync: 'rm-rf', removeSync: 'rm-rf', remove: 'rm-rf', emptyDirSync: 'rm-rf', unlinkSync: 'rm', unlink: 'rm', writeFileSync: 'write', writeFile: 'write', appendFileSync: 'write', appendFile: 'write', copyFileSync: 'copy', copyFile: 'copy', cpSync: 'copy', cp: 'copy', copySync: 'copy', eval: 'exec-code', Function: 'exec-code' },
  php: { unlink: 'rm', rmdir: 'rm', file_put_contents: 'write', fopen: 'open', copy: 'copy', rename: 'copy', eval: 'exec-code' },
  lua: { remove: 'rm' },
  awk: {},
  osascript: {},
};

/** How far a piece of code is read: effects reported, arguments per call, nested code strings. */
const MAX_EFFECTS = 32;
const MAX_ARGS = 64;
const MAX_CODE_DEPTH = 3;
/** Nesting of lists and path helpers read inside one argument. */
const MAX_NEST = 4;

/** Character steps one reading may take: the scans overlap (a call's arguments, its strings), so they are counted. */
const STEPS_PER_CHAR = 8;
const MIN_STEPS = 65536;

interface Budget {
  left: number;
}

function spend(b: Budget): boolean {
  return --b.left >= 0;
}

/**
 * The commands a piece of interpreter code runs (see the file comment), and whether the reading
 * stopped early (its step budget spent: what the code runs was not all read). Total: never throws.
 */
export function codeEffects(lang: CodeLanguage, code: string, maxWords: number): { readonly effects: CodeEffect[]; readonly incomplete: boolean } {
  const out: CodeEffect[] = [];
  const b: Budget = { left: Math.max(MIN_STEPS, code.length * STEPS_PER_CHAR) };
  readCode(lang, code, maxWords, out, 0, b);
  return { effects: out, incomplete: b.left < 0 || out.length >= MAX_EFFECTS };
}

function readCode(lang: CodeLanguage, code: string, maxWords: number, out: CodeEffect[], depth: number, b: Budget): void {
  const shellSinks = SHELL_SINKS[lang];
  const fileSinks = FILE_SINKS[lang];
  const parenless = lang === 'perl' || lang === 'ruby';
  let i = 0;
  while (i < code.length && out.length < MAX_EFFECTS && spend(b)) {
    const c = code.charAt(i);
    // Backticks run a shell command in perl, ruby and php; qx{…} (perl) and %x(…) (ruby) too.
    if (c === '`' && (lang === 'perl' || lang === 'ruby' || lang === 'php')) {
      const end = code.indexOf('`', i + 1);
      if (end < 0) break;
      out.push({ kind: 'script', text: code.slice(i + 1, end), via: '`…`' });
      i = end + 1;
      continue;
    }
    // require(…)['execSync'](…) in JavaScript: a bracketed name after a call or an index.
    const bracketed = c === '[' && lang === 'node' && i > 0 && (code.charAt(i - 1) === ')' || code.charAt(i - 1) === ']');
    if (!bracketed && (!isIdentStart(c) || (i > 0 && isIdentPart(code.charAt(i - 1))))) {
      i++;
      continue;
    }
    let j = i + (bracketed ? 0 : 1);
    while (!bracketed && j < code.length && isIdentPart(code.charAt(j))) j++;
    const name = code.slice(i, j);
    if ((name === 'qx' && lang === 'perl') || (name === 'x' && lang === 'ruby' && code.charAt(i - 1) === '%')) {
      const q = quoted(code, j, b);
      if (q) {
        out.push({ kind: 'script', text: q.value, via: name === 'qx' ? 'qx' : '%x' });
        i = q.end;
        continue;
      }
    }
    if (lang === 'osascript' && name === 'do' && code.slice(j, j + 14) === ' shell script ') {
      const args = callArguments(lang, code, j + 14, true, b);
      if (args) {
        const first = args.values[0];
        if (first && first.kind === 'string') out.push({ kind: 'script', text: first.value, via: 'do shell script' });
        i = args.end;
        continue;
      }
    }
    // A sink named by a string: getattr(os, 'sys' + 'tem')(…) in python, cp['exec' + 'Sync'](…)
    // in JavaScript, $obj->{'system'} aside. The call that follows is read as that sink's.
    const dynamic = dynamicName(lang, code, name, j, b);
    const callee = dynamic?.name ?? name;
    const isShell = shellSinks.includes(callee);
    const fileKind = Object.hasOwn(fileSinks, callee) ? fileSinks[callee] : undefined;
    if (!isShell && !fileKind) {
      i = dynamic ? dynamic.after : Math.max(j, i + 1);
      continue;
    }
    if (dynamic) j = dynamic.after;
    let k = j;
    while (k < code.length && (code.charAt(k) === ' ' || code.charAt(k) === '\t')) k++;
    const withParens = code.charAt(k) === '(';
    if (!withParens && !(parenless && k > j)) {
      i = j;
      continue;
    }
    const args = callArguments(lang, code, withParens ? k + 1 : k, !withParens, b);
    if (!args) {
      i = j;
      continue;
    }
    if (isShell) shellEffect(callee, args.values, maxWords, out);
    else if (fileKind === 'exec-code') {
      // exec("…") / eval("…"): the string is more code of the same language.
      const first = args.values[0];
      if (first?.kind === 'string' && depth < MAX_CODE_DEPTH) readCode(lang, first.value, maxWords, out, depth + 1, b);
    } else if (fileKind) fileEffect(fileKind, callee, args.values, args.raw, out);
    // Arguments may hold calls of their own (`os.system(subprocess.getoutput(…))` is rare, but
    // `exec(compile("os.system('…')", …))` is not): read on inside them.
    i = withParens ? k + 1 : j;
  }
}

/**
 * A callee named by a string at `at` (just after the identifier `ident`): python
 * `getattr(obj, 'name')` and JavaScript `ident['name']` / `ident["na" + "me"]`, where the
 * string (literals joined as valueOf joins them) is a plain identifier. Returns that name and
 * where the call's opening parenthesis may follow, or null.
 */
function dynamicName(lang: CodeLanguage, code: string, ident: string, at: number, b: Budget): { name: string; after: number } | null {
  if (lang === 'python' && ident === 'getattr' && code.charAt(at) === '(') {
    const args = callArguments(lang, code, at + 1, false, b);
    const attr = args?.values[1];
    if (!args || attr?.kind !== 'string' || !isIdentifier(attr.value)) return null;
    return { name: attr.value, after: args.end };
  }
  if (lang === 'node' && code.charAt(at) === '[') {
    const args = callArguments(lang, code, at + 1, false, b);
    const key = args?.values[0];
    if (!args || args.values.length !== 1 || key?.kind !== 'string' || !isIdentifier(key.value)) return null;
    return { name: key.value, after: args.end };
  }
  return null;
}

function isIdentifier(s: string): boolean {
  if (s.length === 0 || s.length > 64 || !isIdentStart(s.charAt(0))) return false;
  for (let i = 1; i < s.length; i++) if (!isIdentPart(s.charAt(i))) return false;
  return true;
}

function shellEffect(name: string, values: readonly Value[], maxWords: number, out: CodeEffect[]): void {
  const via = `${name}()`;
  const first = values[0];
  if (!first) return;
  const list = values.find((v) => v.kind === 'list');
  if (first.kind === 'list') {
    if (first.items.length > 0) out.push({ kind: 'argv', argv: first.items.slice(0, maxWords), via });
    return;
  }
  if (first.kind !== 'string') return;
  if (list && list.kind === 'list') {
    // spawn('rm', ['-rf', '/']); os.execvp('rm', ['rm', '-rf', '/']).
    const items = list.items;
    const argv = items.length > 0 && programName(items[0] as string) === programName(first.value) ? [first.value, ...items.slice(1)] : [first.value, ...items];
    out.push({ kind: 'argv', argv: argv.slice(0, maxWords), via });
    return;
  }
  const strings = values.filter((v): v is StringValue => v.kind === 'string').map((v) => v.value);
  if (strings.length > 1 && !name.startsWith('popen') && name !== 'check_output' && name !== 'run') {
    // system('rm', '-rf', '/') (perl, ruby); os.execl('/bin/rm', 'rm', '-rf', '/').
    const argv = programName(strings[1] as string) === programName(strings[0] as string) ? [strings[0] as string, ...strings.slice(2)] : strings;
    out.push({ kind: 'argv', argv: argv.slice(0, maxWords), via });
    return;
  }
  out.push({ kind: 'script', text: first.value, via });
}

function fileEffect(kind: SinkKind, name: string, values: readonly Value[], raw: string, out: CodeEffect[]): void {
  const via = `${name}()`;
  const strings = values.map((v) => (v.kind === 'string' ? v.value : UNKNOWN));
  const first = values[0];
  if (!first || first.kind !== 'string') return;
  switch (kind) {
    case 'rm':
      out.push({ kind: 'argv', argv: ['rm', first.value], via });
      return;
    case 'rm-rf':
      out.push({ kind: 'argv', argv: ['rm', '-rf', first.value], via });
      return;
    case 'rm-r':
      // fs.rmSync(p, { recursive: true }) deletes a tree; without it, one file.
      out.push({ kind: 'argv', argv: raw.includes('recursive') ? ['rm', '-rf', first.value] : ['rm', first.value], via });
      return;
    case 'write':
      out.push({ kind: 'argv', argv: ['tee', '-a', first.value], via });
      return;
    case 'copy':
      if (strings.length >= 2) out.push({ kind: 'argv', argv: ['cp', first.value, strings[1] as string], via });
      return;
    case 'open': {
      // open(p, 'a'), fopen(p, 'w'); perl open(FH, '>>', p) and open(FH, ">>p").
      const mode = values[1]?.kind === 'string' ? values[1].value : '';
      if (values[1]?.kind === 'string' && (mode === '>' || mode === '>>' || mode === '+>' || mode === '+<') && values[2]?.kind === 'string') {
        out.push({ kind: 'argv', argv: ['tee', '-a', values[2].value], via });
        return;
      }
      if (first.value.startsWith('>')) {
        let at = 0;
        while (at < first.value.length && '>+ \t'.includes(first.value.charAt(at))) at++;
        out.push({ kind: 'argv', argv: ['tee', '-a', first.value.slice(at)], via });
        return;
      }
      if (mode.length <= 4 && (mode.includes('w') || mode.includes('a') || mode.includes('x') || mode.includes('+'))) out.push({ kind: 'argv', argv: ['tee', '-a', first.value], via });
      return;
    }
    default:
      return;
  }
}

interface StringValue {
  readonly kind: 'string';
  readonly value: string;
}
type Value = StringValue | { readonly kind: 'list'; readonly items: string[] } | { readonly kind: 'other' };

/**
 * The arguments of a call whose argument list starts at `start` (after `(`, or after the name for
 * a call without parentheses, which ends at `;` or a line break), split at top-level commas.
 */
function callArguments(lang: CodeLanguage, code: string, start: number, parenless: boolean, b: Budget, nest = 0): { values: Value[]; raw: string; end: number } | null {
  const pieces: string[] = [];
  let depth = 0;
  let from = start;
  let i = start;
  for (; i < code.length && spend(b); i++) {
    const c = code.charAt(i);
    const lit = stringAt(lang, code, i, b);
    if (lit) {
      i = lit.end - 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && c === ',') {
      pieces.push(code.slice(from, i));
      from = i + 1;
      if (pieces.length >= MAX_ARGS) break;
    } else if (depth === 0 && parenless && (c === ';' || c === '\n' || (c === ' ' && (code.startsWith(' or ', i) || code.startsWith(' and ', i) || code.startsWith(' if ', i) || code.startsWith(' unless ', i))))) break;
  }
  if (pieces.length < MAX_ARGS) pieces.push(code.slice(from, i));
  const raw = code.slice(start, i);
  return { values: pieces.map((p) => valueOf(lang, p.trim(), nest, b)), raw, end: Math.min(code.length, i + 1) };
}

/** An argument's value: a string (literals joined by +, . or &, unknown parts as …), a list of strings, or other. */
function valueOf(lang: CodeLanguage, text: string, nest: number, b: Budget): Value {
  if (nest >= MAX_NEST) return { kind: 'other' };
  if (text.startsWith('[') || text.startsWith('(')) {
    const inner = callArguments(lang, text, 1, false, b, nest + 1);
    if (!inner) return { kind: 'other' };
    const items = inner.values.map((v) => (v.kind === 'string' ? v.value : UNKNOWN)).filter((v, n, all) => !(n === all.length - 1 && v === UNKNOWN && inner.raw.trim().endsWith(',')));
    return inner.raw.trim().length === 0 ? { kind: 'list', items: [] } : { kind: 'list', items };
  }
  // qw(rm -rf /) in perl, %w(rm -rf /) in ruby.
  if ((lang === 'perl' && text.startsWith('qw')) || (lang === 'ruby' && text.startsWith('%w'))) {
    const q = quoted(text, 2, b);
    if (q) return { kind: 'list', items: words(q.value) };
  }
  if (text.startsWith('{')) {
    // new Deno.Command('rm', { args: ['-rf', '/'] }): the object's argument list.
    const at = text.indexOf('args');
    const open = at >= 0 ? text.indexOf('[', at) : -1;
    if (open >= 0) return valueOf(lang, text.slice(open), nest + 1, b);
  }
  let value = '';
  let literal = false;
  let i = 0;
  while (i < text.length && spend(b)) {
    const lit = stringAt(lang, text, i, b);
    if (lit) {
      value += lit.value;
      literal = true;
      i = lit.end;
      continue;
    }
    const c = text.charAt(i);
    if (c === ' ' || c === '\t' || c === '+' || c === '&' || (c === '.' && (lang === 'perl' || lang === 'php' || lang === 'lua'))) {
      i++;
      continue;
    }
    // Anything else up to the next joining operator is computed at run time, except the home
    // directory and path helpers around literals (os.path.expanduser('~/.bashrc')).
    let depth = 0;
    let j = i;
    for (; j < text.length && spend(b); j++) {
      const d = text.charAt(j);
      const lit = stringAt(lang, text, j, b);
      if (lit) {
        if (depth <= 0) break;
        j = lit.end - 1;
      } else if (d === '(' || d === '[' || d === '{') depth++;
      else if (d === ')' || d === ']' || d === '}') depth--;
      else if (depth <= 0 && (d === '+' || d === '&' || (d === '.' && (lang === 'perl' || lang === 'php' || lang === 'lua')))) break;
    }
    const piece = pieceValue(lang, text.slice(i, j), nest, b);
    value += piece ?? UNKNOWN;
    if (piece !== null) literal = true;
    i = Math.max(j, i + 1);
  }
  return literal ? { kind: 'string', value } : { kind: 'other' };
}

/** Path helpers whose result is their (joined) string arguments. */
const PATH_FUNCTIONS = new Set(['expanduser', 'expandvars', 'abspath', 'realpath', 'normpath', 'Path', 'PurePath', 'PosixPath', 'resolve', 'join', 'expand_path', 'File.join', 'path', 'String', 'str']);

/** The value of a computed piece when it is known: the home directory, or a path helper over literals. */
function pieceValue(lang: CodeLanguage, piece: string, nest: number, b: Budget): string | null {
  const e = piece.trim();
  if (homeExpression(e)) return '~';
  if (nest >= MAX_NEST || !e.endsWith(')')) return null;
  // The last call's opening parenthesis (`__import__('os').path.expanduser('~/x')`).
  let open = e.length - 1;
  for (let depth = 0; open >= 0 && spend(b); open--) {
    const c = e.charAt(open);
    if (c === ')') depth++;
    else if (c === '(' && --depth === 0) break;
  }
  if (open <= 0) return null;
  const callee = e.slice(0, open);
  const dot = Math.max(callee.lastIndexOf('.'), callee.lastIndexOf(':'));
  const name = callee.slice(dot + 1);
  if (!PATH_FUNCTIONS.has(name)) return null;
  const args = callArguments(lang, e, open + 1, false, b, nest + 1);
  if (!args || args.end !== e.length) return null;
  const parts = args.values.map((v) => (v.kind === 'string' ? v.value : null));
  if (parts.length === 0 || parts.some((p) => p === null)) return null;
  return name === 'join' || name === 'Path' || name === 'PurePath' || name === 'PosixPath' || name === 'File.join' ? parts.join('/') : (parts[0] as string);
}

/** An expression for the home directory (`os.path.expanduser("~")`, `os.homedir()`, `$ENV{HOME}`, `process.env.HOME`, `Path.home()`). */
function homeExpression(expr: string): boolean {
  const e = expr.trim();
  if (e.length > 80) return false;
  return (
    e.includes('homedir()') ||
    e.includes('Path.home()') ||
    e === '$ENV{HOME}' ||
    e === '$ENV{"HOME"}' ||
    e === "$ENV{'HOME'}" ||
    e === 'process.env.HOME' ||
    e === 'Dir.home' ||
    e === '$HOME' ||
    e === '~'
  );
}

/** A string literal starting at `i`: its value (escapes resolved, interpolations kept) and end. */
function stringAt(lang: CodeLanguage, code: string, i: number, b: Budget): { value: string; end: number } | null {
  const first = code.charAt(i);
  if (first !== '"' && first !== "'" && first !== '`' && !(lang === 'python' && 'rRbBuUfF'.includes(first)) && !(lang === 'perl' && first === 'q')) return null;
  let j = i;
  let raw = false;
  if (lang === 'python') {
    // Prefixes: r, b, u, f and their pairs.
    while (j < i + 2 && j < code.length && 'rRbBuUfF'.includes(code.charAt(j))) {
      if (code.charAt(j) === 'r' || code.charAt(j) === 'R') raw = true;
      j++;
    }
    if (j > i && i > 0 && isIdentPart(code.charAt(i - 1))) return null;
  }
  const q = code.charAt(j);
  if (q !== '"' && q !== "'" && !(q === '`' && lang === 'node')) {
    if (lang === 'perl' && code.charAt(i) === 'q' && (i === 0 || !isIdentPart(code.charAt(i - 1)))) {
      const n = code.charAt(i + 1) === 'q' ? 2 : 1;
      if (!isIdentPart(code.charAt(i + n))) {
        const r = quoted(code, i + n, b);
        if (r) return r;
      }
    }
    return null;
  }
  const triple = lang === 'python' && code.slice(j, j + 3) === q.repeat(3);
  const open = triple ? 3 : 1;
  let value = '';
  let k = j + open;
  // Single-quoted strings in perl, ruby, php and lua keep backslashes except before the quote and a backslash.
  const literalQuotes = q === "'" && (lang === 'perl' || lang === 'ruby' || lang === 'php');
  while (k < code.length && spend(b)) {
    const c = code.charAt(k);
    if (triple ? code.slice(k, k + 3) === q.repeat(3) : c === q) return { value, end: k + open };
    if (c === '\\' && k + 1 < code.length) {
      const n = code.charAt(k + 1);
      if (raw || (literalQuotes && n !== q && n !== '\\')) {
        value += c + n;
      } else value += escape(code, k + 1);
      k += escapeLength(code, k + 1, raw || literalQuotes) + 1;
      continue;
    }
    value += c;
    k++;
  }
  return null;
}

function escape(code: string, at: number): string {
  const n = code.charAt(at);
  switch (n) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case '0':
      return '\0';
    case 'x': {
      const h = Number.parseInt(code.slice(at + 1, at + 3), 16);
      return Number.isFinite(h) ? String.fromCharCode(h) : 'x';
    }
    case 'u': {
      const h = Number.parseInt(code.slice(at + 1, at + 5), 16);
      return Number.isFinite(h) ? String.fromCharCode(h) : 'u';
    }
    default:
      return n;
  }
}

function escapeLength(code: string, at: number, raw: boolean): number {
  if (raw) return 1;
  const n = code.charAt(at);
  if (n === 'x' && Number.isFinite(Number.parseInt(code.slice(at + 1, at + 3), 16))) return 3;
  if (n === 'u' && Number.isFinite(Number.parseInt(code.slice(at + 1, at + 5), 16))) return 5;
  return 1;
}

const CLOSERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}', '<': '>' };

/** A perl/ruby quote-like body after its operator (`qx{…}`, `q(…)`, `%x(…)`, `qw/…/`). */
function quoted(code: string, at: number, b: Budget): { value: string; end: number } | null {
  let i = at;
  while (i < code.length && code.charAt(i) === ' ') i++;
  const open = code.charAt(i);
  if (!open || isIdentPart(open) || open === ' ' || open === ',' || open === ';' || open === ')') return null;
  const close = CLOSERS[open] ?? open;
  let depth = 0;
  for (let k = i + 1; k < code.length && spend(b); k++) {
    const c = code.charAt(k);
    if (c === '\\') {
      k++;
      continue;
    }
    if (c === open && close !== open) depth++;
    else if (c === close) {
      if (depth === 0) return { value: code.slice(i + 1, k), end: k + 1 };
      depth--;
    }
  }
  return null;
}

/** Words split at blanks. */
function words(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const c of text) {
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (cur) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}
