// Reads a tool call's arguments back out of the engine's segments: each string leaf with its
// location, key and array position, and decides which are shell commands and which are paths.
import { re } from '../../re/index.ts';
import type { ScanView } from '../types.ts';
import { looksLikePath } from './paths.ts';
import { isWrapper, programName, SHELLS, unversioned } from './shell/index.ts';

export interface ArgLeaf {
  /** The segment's location (`tool.Bash.args.$.command`). */
  readonly location: string;
  /** The nearest object key above the leaf, lower case ('' at the top). */
  readonly key: string;
  /** The leaf's index when it is an array element. */
  readonly index: number | null;
  /** The location of the leaf's parent (the array for elements, the object for keys). */
  readonly parent: string;
  /** Invisible characters removed and NFKC applied (the engine's `clean` view). */
  readonly text: string;
}

/** One step of a location path after `$`: `.name`, `["odd name"]` or `[3]`. */
type Step = { readonly key: string } | { readonly index: number };

function parseSteps(tail: string): Step[] | null {
  const steps: Step[] = [];
  let i = 0;
  while (i < tail.length && steps.length < 128) {
    const c = tail.charAt(i);
    if (c === '.') {
      let j = i + 1;
      while (j < tail.length && tail.charAt(j) !== '.' && tail.charAt(j) !== '[') j++;
      steps.push({ key: tail.slice(i + 1, j) });
      i = j;
    } else if (c === '[' && tail.charAt(i + 1) === '"') {
      // A JSON string literal written by the extractor: find its closing quote.
      let j = i + 2;
      while (j < tail.length && tail.charAt(j) !== '"') j += tail.charAt(j) === '\\' ? 2 : 1;
      let key = '';
      try {
        key = JSON.parse(tail.slice(i + 1, j + 1)) as string;
      } catch {
        // A malformed literal cannot come from the extractor; keep an empty key and go on.
        key = '';
      }
      steps.push({ key });
      i = j + 2;
    } else if (c === '[') {
      const j = tail.indexOf(']', i);
      if (j < 0) return null;
      const n = Number.parseInt(tail.slice(i + 1, j), 10);
      steps.push(Number.isFinite(n) ? { index: n } : { key: '' });
      i = j + 1;
    } else return null;
  }
  return steps;
}

const ARGS_MARK = '.args.$';

/** Every string argument of a tool-call view, in input order (keys excluded). */
export function argumentLeaves(view: ScanView): ArgLeaf[] {
  const out: ArgLeaf[] = [];
  for (const seg of view.segments) {
    if (seg.part !== 'tool-argument' || seg.location.endsWith('.<key>')) continue;
    const at = seg.location.indexOf(ARGS_MARK);
    if (at < 0) continue;
    const head = seg.location.slice(0, at + ARGS_MARK.length);
    const tail = seg.location.slice(at + ARGS_MARK.length).split('|')[0] as string;
    const steps = parseSteps(tail);
    if (!steps) continue;
    const last = steps[steps.length - 1];
    const index = last && 'index' in last ? last.index : null;
    let key = '';
    for (let k = steps.length - 1; k >= 0; k--) {
      const s = steps[k] as Step;
      if ('key' in s) {
        key = s.key.toLowerCase();
        break;
      }
    }
    const parentTail = steps.length > 0 ? tail.slice(0, tail.length - stepText(tail, steps)) : '';
    out.push({ location: seg.location, key, index, parent: head + parentTail, text: seg.prepared.clean });
  }
  return out;
}

/** Length of the last step's text in the tail (so the parent location can be cut off). */
function stepText(tail: string, steps: readonly Step[]): number {
  const last = steps[steps.length - 1] as Step;
  if ('index' in last) return `[${last.index}]`.length;
  const dotted = `.${last.key}`;
  if (tail.endsWith(dotted)) return dotted.length;
  const bracket = tail.lastIndexOf('["');
  return bracket >= 0 ? tail.length - bracket : 0;
}

const normKey = (key: string): string => key.split('-').join('_');

/** Keys whose value is a command line (or, as an array, an argument vector or a list of command lines). */
const COMMAND_KEYS = new Set(['command', 'cmd', 'commands', 'cmds', 'script', 'scripts', 'shell', 'commandline', 'command_line', 'command_lines', 'cmdline', 'cmdlines', 'bash', 'sh', 'exec', 'run', 'shell_command', 'shell_commands', 'bash_command', 'terminal_command']);
/** Keys whose array value is an argument vector (with a sibling program key). */
const ARGV_KEYS = new Set(['args', 'argv', 'arguments', 'params', 'parameters', 'cmd_args', 'command_args', 'program_args', 'argument_list', 'arg_list']);
/** Keys naming the program an argument vector beside them is given to (`{program: "sh", arguments: ["-c", "…"]}`). */
const PROGRAM_KEYS = new Set([...COMMAND_KEYS, 'program', 'executable', 'exe', 'bin', 'binary', 'prog', 'interpreter', 'program_name', 'executable_path', 'program_path']);
/** Keys whose value is prose: never sniffed as a command. */
const PROSE_KEYS = new Set(['message', 'text', 'body', 'content', 'description', 'title', 'comment', 'note', 'notes', 'query', 'prompt', 'subject', 'summary', 'reason', 'explanation', 'input', 'question', 'answer', 'commit_message', 'instructions']);
/** Keys beside a command that are never themselves commands. */
const NOT_COMMAND_KEYS = new Set(['description', 'title', 'reason', 'explanation', 'comment', 'cwd', 'workdir', 'working_directory', 'timeout', 'env', 'shell_type', 'language', 'name', 'id']);
const PATH_KEY = re('^(?:path|paths|file|files|filename|filenames|file_?path|file_?paths|filepath|source|source_?path|src|destination|destination_?path|dest|target|target_?path|dir|directory|folder|uri|location|old_?path|new_?path|absolute_?path|relative_?path|notebook_?path|input_?file|output_?file|root|cwd|workdir)$');
const SHELL_TOOL = re('(?:^|[_.-])(?:bash|sh|zsh|shell|terminal|exec|execute|run_?command|run_?shell|run_?terminal_?cmd|command|cmd|powershell|pwsh|console|subprocess|spawn|system|ssh_?exec|tmux|screen|tty|pty|send_?keys|keystrokes)(?:$|[_.-])');
/** Tools that run program code: every argument (but descriptive, prose and path keys) is read as code. */
const CODE_TOOL = re('(?:^|[_.-])(?:python|python3|py|ipython|jupyter|notebook|node|nodejs|js|javascript|typescript|ts|deno|ruby|rb|perl|php|exec|execute|eval|evaluate|repl|code_?interpreter|run_?code|execute_?code)(?:$|[_.-])');
/** Tools that write or edit files: what they write is not run, so their values are not read as code or scripts. */
const WRITE_TOOL = re('(?:^|[_.-])(?:write|edit|create|save|patch|replace|str_?replace|update|append|insert|put|upload|commit)(?:$|[_.-])');
/** Keys whose value is program code wherever they appear. */
const CODE_KEYS = new Set(['code', 'source_code', 'snippet', 'cell', 'code_snippet', 'python_code', 'py_code', 'js_code', 'javascript_code', 'node_code', 'ruby_code', 'perl_code', 'php_code']);
/** Keys whose value is program code under a code tool, or when it reads like code (a call). */
const MAYBE_CODE_KEYS = new Set(['source', 'script', 'program', 'expression', 'expr', 'statement', 'statements']);
/** Keys holding a file's new text (editor tools): a multi-line value there is not sniffed line by line. */
const FILE_TEXT_KEYS = new Set(['file_text', 'new_str', 'old_str', 'new_string', 'old_string', 'contents', 'data', 'patch', 'diff', 'new_content', 'code_edit', 'replacement', 'markdown', 'html', 'template']);
/** Longest multi-line value sniffed line by line, and lines read from it. */
const MAX_SNIFF_CHARS = 64 * 1024;
const MAX_SNIFF_LINES = 256;
/** A word a shell reads as itself: no blank, quote, operator, expansion or glob character. */
const PLAIN_WORD = re('^[A-Za-z0-9._/:=@%+,~-]*$');

export interface ShellInput {
  readonly location: string;
  readonly text: string;
}

/** Quotes a word for the shell so an argument vector can be re-read as one command line. */
function shellQuote(word: string): string {
  return `'${word.split("'").join(`'\\''`)}'`;
}

/** The first word of a command line, after sudo/env-style prefixes and assignments. */
function firstProgram(text: string): string {
  const words: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length && words.length < 8; i++) {
    const c = text.charAt(i);
    if (c === ' ' || c === '\t') {
      if (cur) words.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur && words.length < 8) words.push(cur);
  for (const w of words) {
    if (w === 'sudo' || w === 'env' || w === 'nohup' || w.includes('=')) continue;
    const base = w.slice(w.lastIndexOf('/') + 1).toLowerCase();
    return base;
  }
  return '';
}

/** Whether a single word names a program the rules know, a shell or a wrapper (`rm`, `/bin/bash`, `python3`, `sudo`). */
function isProgramWord(word: string, known: ReadonlySet<string>): boolean {
  if (word.length === 0 || word.length > 256 || !PLAIN_WORD.test(word)) return false;
  const name = programName(word);
  return known.has(name) || known.has(unversioned(name)) || SHELLS.has(name) || isWrapper(name);
}

/**
 * The arguments to read as shell commands: every string of a shell-like tool, command-like
 * keys, argument vectors, and values that start with a known program (unless their key is prose).
 *
 * Arrays are read by shape, not only by key: an array under a command key is both an argument
 * vector and possibly a list of command lines (each element that is not a plain word is also
 * read as its own command line); an array under an argument key joins a sibling program key
 * (`program`, `executable`, `cmd` …); and an array under any key whose first element names a
 * known program, shell or wrapper is read as an argument vector.
 */
export function shellInputs(tool: string, leaves: readonly ArgLeaf[], known: ReadonlySet<string>, shellTools: (tool: string) => boolean): ShellInput[] {
  const name = tool.toLowerCase();
  const shellTool = SHELL_TOOL.test(name) || shellTools(name);
  const codeTool = CODE_TOOL.test(name);
  const writeTool = WRITE_TOOL.test(name) && !codeTool && !shellTool;
  const langs = codeLanguages(name);
  const out: ShellInput[] = [];
  /** Program code: read as the code of an interpreter one-liner (python3 -c …), so the same code analysis judges it. */
  const code = (leaf: ArgLeaf, key: string): void => {
    const t = leaf.text;
    if (writeTool || t.length === 0 || PLAIN_WORD.test(t) || NOT_COMMAND_KEYS.has(key)) return;
    const isCode = CODE_KEYS.has(key) || (MAYBE_CODE_KEYS.has(key) && (codeTool || t.includes('('))) || (codeTool && !PROSE_KEYS.has(key) && !PATH_KEY.test(key));
    if (!isCode) return;
    const keyLang: Lang | null = key.startsWith('py') ? 'python' : key.startsWith('js') || key.startsWith('javascript') || key.startsWith('node') ? 'node' : key.startsWith('ruby') ? 'ruby' : key.startsWith('perl') ? 'perl' : key.startsWith('php') ? 'php' : null;
    for (const lang of keyLang ? [keyLang] : langs) out.push({ location: leaf.location, text: `${CODE_RUNNER[lang]} ${shellQuote(t)}` });
  };
  const arrays = new Map<string, ArgLeaf[]>();
  /** The program key beside an argument key in the same object, if any. */
  const programSibling = (leaf: ArgLeaf, objectPath: string): ArgLeaf | undefined =>
    leaves.find((l) => l !== leaf && l.index === null && l.parent === objectPath && PROGRAM_KEYS.has(normKey(l.key)) && l.text.length > 0);
  const objectOf = (arrayPath: string, key: string): string => {
    // The array's own location ends with `.key` or `["key"]`; its object is what comes before.
    if (arrayPath.toLowerCase().endsWith(`.${key}`)) return arrayPath.slice(0, arrayPath.length - key.length - 1);
    const bracket = arrayPath.lastIndexOf('["');
    return bracket >= 0 ? arrayPath.slice(0, bracket) : arrayPath;
  };
  const single = (leaf: ArgLeaf, key: string): void => {
    if (leaf.text.length === 0) return;
    code(leaf, key);
    if (COMMAND_KEYS.has(key) || (shellTool && !NOT_COMMAND_KEYS.has(key))) {
      out.push({ location: leaf.location, text: leaf.text });
      return;
    }
    if (PROSE_KEYS.has(key)) return;
    if (leaf.text.length <= 4096 && !leaf.text.includes('\n')) {
      if (known.has(firstProgram(leaf.text))) out.push({ location: leaf.location, text: leaf.text });
      return;
    }
    // A multi-line value (`steps: "cd /tmp\nrm -rf ~"`): each line that starts with a known program
    // is a command line of its own, as a single-line value would be. Not a file's text in an editor tool.
    if (writeTool || FILE_TEXT_KEYS.has(key) || leaf.text.length > MAX_SNIFF_CHARS) return;
    let n = 0;
    for (const raw of leaf.text.split('\n')) {
      if (++n > MAX_SNIFF_LINES) break;
      const line = raw.trim();
      if (line.length > 0 && line.length <= 4096 && known.has(firstProgram(line))) out.push({ location: leaf.location, text: line });
    }
  };
  for (const leaf of leaves) {
    const key = normKey(leaf.key);
    if (leaf.index !== null) {
      const list = arrays.get(leaf.parent) ?? [];
      list.push(leaf);
      arrays.set(leaf.parent, list);
      continue;
    }
    if (ARGV_KEYS.has(key) && leaf.text.length > 0) {
      // `{"program": "sh", "arguments": "-c 'rm -rf ~'"}`: the arguments as a command-line tail.
      const sibling = programSibling(leaf, leaf.parent);
      if (sibling) {
        out.push({ location: leaf.location, text: `${shellQuote(sibling.text)} ${leaf.text}` });
        continue;
      }
    }
    single(leaf, key);
  }
  for (const [parent, elems] of arrays) {
    const rawKey = elems[0]?.key ?? '';
    const key = normKey(rawKey);
    const words = elems.map((e) => e.text);
    const commandKey = COMMAND_KEYS.has(key);
    const sibling = ARGV_KEYS.has(key) ? programSibling(elems[0] as ArgLeaf, objectOf(parent, rawKey)) : undefined;
    const argvShaped = elems[0]?.index === 0 && isProgramWord((elems[0] as ArgLeaf).text, known);
    if (sibling) {
      // `{"command": "bash", "args": ["-c", "…"]}`: the sibling is argv[0]; the elements are its
      // arguments, never command lines of their own.
      out.push({ location: parent, text: [sibling.text, ...words].map(shellQuote).join(' ') });
      continue;
    }
    if (commandKey || argvShaped || (shellTool && ARGV_KEYS.has(key))) out.push({ location: parent, text: words.map(shellQuote).join(' ') });
    for (const e of elems) {
      // Under a command key an array may be a list of command lines (`{"commands": ["ls", "rm -rf /"]}`):
      // an element a shell would split or expand is read as one. Elsewhere, as any other value.
      if (commandKey) {
        if (e.text.length > 0 && !PLAIN_WORD.test(e.text)) out.push({ location: e.location, text: e.text });
      } else single(e, key);
    }
  }
  return out;
}

type Lang = 'python' | 'node' | 'ruby' | 'perl' | 'php';
const CODE_RUNNER: Readonly<Record<Lang, string>> = { python: 'python3 -c', node: 'node -e', ruby: 'ruby -e', perl: 'perl -e', php: 'php -r' };

/** The languages a code tool's name says (`execute_python` → python); both python and node when it says none. */
function codeLanguages(tool: string): Lang[] {
  const has = (...words: string[]): boolean => words.some((w) => tool.includes(w));
  if (has('python', 'ipython', 'jupyter', 'notebook', 'pandas') || tool.startsWith('py') || tool.includes('_py')) return ['python'];
  if (has('node', 'javascript', 'typescript', 'deno') || tool.startsWith('js') || tool.includes('_js') || tool.endsWith('_ts')) return ['node'];
  if (has('ruby')) return ['ruby'];
  if (has('perl')) return ['perl'];
  if (has('php')) return ['php'];
  return ['python', 'node'];
}

export function isPathArgument(leaf: ArgLeaf): boolean {
  if (leaf.text.length === 0 || leaf.text.length > 4096 || leaf.text.includes('\n')) return false;
  return PATH_KEY.test(normKey(leaf.key)) || looksLikePath(leaf.text);
}

/** Whether an argument is an http(s) URL (a network destination). */
export function isUrlArgument(leaf: ArgLeaf): boolean {
  const t = leaf.text.trimStart().slice(0, 8).toLowerCase();
  return t.startsWith('http://') || t.startsWith('https://');
}
