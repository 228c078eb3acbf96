// Which words of a simple command a program reads as files or sends as data, as opposed to text it
// is given: a commit or PR message (`git commit -m "add .env to .gitignore"`), the words `echo` and
// `printf` print, a grep pattern (`grep -rn "\.env" src/`). Credential rules match the operands, so
// a message that names `~/.ssh/id_rsa` is not a read of it. Unknown options are taken as flags
// without a value, which can only keep a word in (a rule may fire), never leave a file out.
import { unversioned } from './shell/index.ts';

/** Version-control and forge clients, with their options whose value is a message, a title or a body (case-sensitive). */
const MESSAGE_OPTIONS: Readonly<Record<string, { readonly short: string; readonly long: readonly string[] }>> = {
  git: { short: 'm', long: ['--message', '--grep', '--author', '--committer'] },
  hg: { short: 'm', long: ['--message'] },
  svn: { short: 'm', long: ['--message'] },
  jj: { short: 'm', long: ['--message'] },
  bzr: { short: 'm', long: ['--message'] },
  fossil: { short: 'm', long: ['--comment'] },
  gh: { short: 'tb', long: ['--title', '--body', '--subject', '--notes', '--description'] },
  glab: { short: 'td', long: ['--title', '--description', '--message', '--notes'] },
};

/** git subcommands whose `-m` is a message (elsewhere it is a flag: `git branch -m`, `git log -m`, `git checkout -m`). */
const GIT_MESSAGE_SUBCOMMANDS = new Set(['commit', 'tag', 'merge', 'stash', 'notes']);
/** git's options whose value is text to search for, in any subcommand (`git log --grep .env`). */
const GIT_SEARCH = { short: '', long: ['--grep', '--author', '--committer'] };
/** git's global options that take a separate value (before the subcommand). */
const GIT_GLOBAL_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env']);

/** Where git's subcommand is in its arguments: the first word after the global options, or -1. */
function gitSubcommandAt(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as string;
    if (GIT_GLOBAL_VALUE.has(w)) {
      i++;
      continue;
    }
    if (!w.startsWith('-')) return i;
  }
  return -1;
}

/** Programs that print their arguments: none of them is a file read. */
const PRINTERS = new Set(['echo', 'printf']);

/** grep-like programs: a pattern, then files. Short options that take a value (the pattern's `e` among them). */
const GREPS: Readonly<Record<string, { readonly short: string; readonly long: readonly string[] }>> = {
  grep: { short: 'efABCmdD', long: ['--regexp', '--file', '--after-context', '--before-context', '--context', '--max-count', '--include', '--exclude', '--exclude-dir', '--exclude-from', '--label', '--devices', '--directories', '--binary-files'] },
  rg: { short: 'efgtTABCmMjErd', long: ['--regexp', '--file', '--glob', '--iglob', '--type', '--type-not', '--type-add', '--replace', '--max-depth', '--max-count', '--threads', '--sort', '--sortr', '--max-columns', '--encoding', '--engine', '--pre', '--pre-glob', '--ignore-file', '--max-filesize', '--after-context', '--before-context', '--context'] },
  ag: { short: 'GgABCmp', long: ['--file-search-regex', '--after', '--before', '--context', '--max-count', '--path-to-ignore', '--ignore', '--depth'] },
  ack: { short: 'ABCmg', long: ['--after-context', '--before-context', '--context', '--max-count', '--type', '--ignore-dir', '--ignore-file', '--match'] },
};
const GREP_ALIASES: Readonly<Record<string, string>> = { egrep: 'grep', fgrep: 'grep', zgrep: 'grep', 'ack-grep': 'ack' };

/** The arguments (argv without the program) a program reads or sends, in order; text it is given is left out. */
export function operandWords(program: string, argv: readonly string[]): readonly string[] {
  const args = argv.slice(1);
  const name = unversioned(program);
  if (PRINTERS.has(program)) return [];
  const grep = GREPS[GREP_ALIASES[program] ?? program];
  if (grep) return grepOperands(args, grep);
  const vcs = MESSAGE_OPTIONS[program] ?? MESSAGE_OPTIONS[name];
  if (!vcs) return args;
  if (program === 'git') {
    const at = gitSubcommandAt(args);
    const sub = at < 0 ? '' : (args[at] as string);
    // `git grep PATTERN -- paths`: its pattern is text too.
    if (sub === 'grep') {
      return [...args.slice(0, at + 1), ...grepOperands(args.slice(at + 1), GREPS.grep as { short: string; long: string[] })];
    }
    if (!GIT_MESSAGE_SUBCOMMANDS.has(sub)) return withoutMessages(args, GIT_SEARCH);
  }
  return withoutMessages(args, vcs);
}

/** Drops the values of message options: `-m MSG`, `-mMSG`, `-am MSG`, `--message MSG`, `--message=MSG`. */
function withoutMessages(args: readonly string[], o: { readonly short: string; readonly long: readonly string[] }): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as string;
    if (w === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const key = eq < 0 ? w : w.slice(0, eq);
      if (o.long.includes(key)) {
        if (eq < 0) i++; // the value is the next word
        continue;
      }
      out.push(w);
      continue;
    }
    if (w.length > 1 && w.startsWith('-')) {
      // Combined short flags: the first message letter takes the rest of the word, or the next word.
      const at = firstOf(w, o.short);
      if (at < 0) {
        out.push(w);
        continue;
      }
      if (at > 1) out.push(w.slice(0, at));
      if (at === w.length - 1) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

/** Index (≥ 1) of the first letter of a short-option word that is in `letters`, or -1. */
function firstOf(word: string, letters: string): number {
  for (let j = 1; j < word.length; j++) if (letters.includes(word.charAt(j))) return j;
  return -1;
}

/**
 * A grep's operands: its files. The pattern (the first word that is not an option, unless `-e`/
 * `--regexp` gave it) and `-e` values are left out; `-f FILE` (patterns read from a file) is kept.
 */
function grepOperands(args: readonly string[], o: { readonly short: string; readonly long: readonly string[] }): string[] {
  const out: string[] = [];
  // With `-e`/`--regexp` anywhere, every word that is not an option is a file (GNU grep permutes options).
  let patternGiven = false;
  for (const w of args) {
    if (w === '--') break;
    if (w === '--regexp' || w.startsWith('--regexp=') || (!w.startsWith('--') && w.length > 1 && w.startsWith('-') && w.charAt(firstOf(w, o.short)) === 'e')) patternGiven = true;
  }
  let options = true;
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as string;
    if (options && w === '--') {
      options = false;
      continue;
    }
    if (options && w.startsWith('--') && w.length > 2) {
      const eq = w.indexOf('=');
      const key = eq < 0 ? w : w.slice(0, eq);
      if (key === '--regexp') {
        patternGiven = true;
        if (eq < 0) i++;
        continue;
      }
      out.push(w);
      if (eq < 0 && o.long.includes(key) && i + 1 < args.length) out.push(args[++i] as string);
      continue;
    }
    if (options && w.length > 1 && w.startsWith('-')) {
      const at = firstOf(w, o.short);
      if (at < 0) {
        out.push(w);
        continue;
      }
      const letter = w.charAt(at);
      const attached = at < w.length - 1;
      const value = attached ? w.slice(at + 1) : i + 1 < args.length ? (args[i + 1] as string) : '';
      if (!attached) i++;
      if (letter === 'e') {
        patternGiven = true;
        if (at > 1) out.push(w.slice(0, at));
        continue;
      }
      out.push(w);
      if (!attached && value !== '') out.push(value);
      continue;
    }
    if (!patternGiven) {
      patternGiven = true; // this word is the pattern
      continue;
    }
    out.push(w);
  }
  return out;
}
