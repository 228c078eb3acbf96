// Reads a tool call's arguments back out of the engine's segments: each string leaf with its
// location, key and array position, and decides which are shell commands and which are paths.
import { re } from '../../re/index.ts';
import type { ScanView } from '../types.ts';
import { looksLikePath } from './paths.ts';

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

/** Keys whose value is a command line. */
const COMMAND_KEYS = new Set(['command', 'cmd', 'commands', 'script', 'shell', 'commandline', 'command_line', 'cmdline', 'bash', 'sh', 'exec', 'run', 'shell_command', 'bash_command', 'terminal_command']);
/** Keys whose array value is an argument vector (with a sibling `command`). */
const ARGV_KEYS = new Set(['args', 'argv', 'arguments', 'params']);
/** Keys whose value is prose: never sniffed as a command. */
const PROSE_KEYS = new Set(['message', 'text', 'body', 'content', 'description', 'title', 'comment', 'note', 'notes', 'query', 'prompt', 'subject', 'summary', 'reason', 'explanation', 'input', 'question', 'answer', 'commit_message', 'instructions']);
/** Keys beside a command that are never themselves commands. */
const NOT_COMMAND_KEYS = new Set(['description', 'title', 'reason', 'explanation', 'comment', 'cwd', 'workdir', 'working_directory', 'timeout', 'env', 'shell_type', 'language', 'name', 'id']);
const PATH_KEY = re('^(?:path|paths|file|files|filename|filenames|file_?path|file_?paths|filepath|source|source_?path|src|destination|destination_?path|dest|target|target_?path|dir|directory|folder|uri|location|old_?path|new_?path|absolute_?path|relative_?path|notebook_?path|input_?file|output_?file|root|cwd|workdir)$');
const SHELL_TOOL = re('(?:^|[_.-])(?:bash|sh|zsh|shell|terminal|exec|execute|run_?command|run_?shell|run_?terminal_?cmd|command|cmd|powershell|pwsh|console|subprocess|spawn|system|ssh_?exec)(?:$|[_.-])');

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

/**
 * The arguments to read as shell commands: every string of a shell-like tool, command-like
 * keys, argument vectors, and values that start with a known program (unless their key is prose).
 */
export function shellInputs(tool: string, leaves: readonly ArgLeaf[], known: ReadonlySet<string>, shellTools: (tool: string) => boolean): ShellInput[] {
  const name = tool.toLowerCase();
  const shellTool = SHELL_TOOL.test(name) || shellTools(name);
  const out: ShellInput[] = [];
  const arrays = new Map<string, ArgLeaf[]>();
  for (const leaf of leaves) {
    const key = normKey(leaf.key);
    if (leaf.index !== null && (ARGV_KEYS.has(key) || COMMAND_KEYS.has(key))) {
      const list = arrays.get(leaf.parent) ?? [];
      list.push(leaf);
      arrays.set(leaf.parent, list);
      continue;
    }
    if (leaf.text.length === 0) continue;
    if (COMMAND_KEYS.has(key) || (shellTool && !NOT_COMMAND_KEYS.has(key))) {
      out.push({ location: leaf.location, text: leaf.text });
      continue;
    }
    if (!PROSE_KEYS.has(key) && leaf.text.length <= 4096 && !leaf.text.includes('\n') && known.has(firstProgram(leaf.text))) {
      out.push({ location: leaf.location, text: leaf.text });
    }
  }
  for (const [parent, elems] of arrays) {
    const key = normKey(elems[0]?.key ?? '');
    const words = elems.map((e) => e.text);
    if (ARGV_KEYS.has(key)) {
      // `{"command": "bash", "args": ["-c", "…"]}`: the sibling command is argv[0].
      const objectPath = parent.slice(0, parent.length - `.${elems[0]?.key ?? ''}`.length);
      const sibling = leaves.find((l) => l.index === null && l.parent === objectPath && COMMAND_KEYS.has(normKey(l.key)));
      if (!sibling && !shellTool) continue;
      if (sibling) words.unshift(sibling.text);
    }
    out.push({ location: parent, text: words.map(shellQuote).join(' ') });
  }
  return out;
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
