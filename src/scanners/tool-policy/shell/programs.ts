// What the interpreter needs to know about programs: the base name rules match on, which
// programs only run another command (sudo, env, nohup, xargs …), and which are shells that
// run a script given with -c or on standard input.

/** argv[0] → lower-case base name without `.exe` (`/usr/bin/Curl.exe` → `curl`). */
export function programName(word: string): string {
  let end = word.length;
  while (end > 1 && (word.charAt(end - 1) === '/' || word.charAt(end - 1) === '\\')) end--;
  let start = end;
  while (start > 0 && word.charAt(start - 1) !== '/' && word.charAt(start - 1) !== '\\') start--;
  const base = word.slice(start, end).toLowerCase();
  return base.endsWith('.exe') ? base.slice(0, -4) : base;
}

/** The program name without a trailing version (`python3.11` → `python`, `pip3` → `pip`). */
export function unversioned(program: string): string {
  let end = program.length;
  while (end > 0 && ((program.charAt(end - 1) >= '0' && program.charAt(end - 1) <= '9') || program.charAt(end - 1) === '.')) end--;
  return end > 0 && end < program.length ? program.slice(0, end) : program;
}

export const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'yash', 'fish', 'csh', 'tcsh', 'rbash', 'busybox']);

interface WrapperSpec {
  /** Options that take a separate value (`-u root`). */
  readonly valueOptions?: readonly string[];
  /** Positional words before the wrapped command (timeout's duration, chroot's directory). */
  readonly positional?: number;
  /** NAME=value words are skipped (env). */
  readonly assignments?: boolean;
}

const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  sudo: { valueOptions: ['-u', '-g', '-C', '-D', '-h', '-p', '-U', '-r', '-t', '-T', '--user', '--group', '--chdir', '--prompt', '--host', '--role', '--type', '--close-from', '--other-user', '--command-timeout'] },
  doas: { valueOptions: ['-u', '-C'] },
  env: { valueOptions: ['-u', '-C', '-S', '--unset', '--chdir', '--split-string'], assignments: true },
  nohup: {},
  setsid: {},
  time: { valueOptions: ['-f', '-o', '--format', '--output'] },
  exec: { valueOptions: ['-a'] },
  builtin: {},
  nice: { valueOptions: ['-n', '--adjustment'] },
  ionice: { valueOptions: ['-c', '-n', '-p', '--class', '--classdata'] },
  timeout: { valueOptions: ['-s', '-k', '--signal', '--kill-after'], positional: 1 },
  stdbuf: { valueOptions: ['-i', '-o', '-e', '--input', '--output', '--error'] },
  xargs: { valueOptions: ['-I', '-i', '-n', '-P', '-d', '-L', '-l', '-a', '-E', '-e', '-s', '--max-args', '--max-procs', '--delimiter', '--arg-file', '--replace', '--max-lines', '--eof', '--max-chars'] },
  chroot: { valueOptions: ['--userspec', '--groups'], positional: 1 },
  watch: { valueOptions: ['-n', '-d', '--interval'] },
  strace: { valueOptions: ['-o', '-e', '-p', '-s', '-u'] },
  ltrace: { valueOptions: ['-o', '-e', '-p', '-s', '-u'] },
  unbuffer: {},
  caffeinate: { valueOptions: ['-t', '-w'] },
  torsocks: {},
  proxychains: { valueOptions: ['-f'] },
  proxychains4: { valueOptions: ['-f'] },
  flock: { valueOptions: ['-w', '-E', '--timeout', '--conflict-exit-code'], positional: 1 },
  daemonize: { valueOptions: ['-a', '-c', '-e', '-o', '-p', '-l', '-u', '-E'] },
  'start-stop-daemon': {},
  runuser: { valueOptions: ['-u', '-g', '-G', '--user', '--group'] },
  command: {},
  busybox: {},
  pkexec: { valueOptions: ['--user'] },
  chrt: { positional: 1 },
  taskset: { positional: 1 },
  nsenter: { valueOptions: ['-t', '--target', '-S', '--setuid', '-G', '--setgid'] },
  unshare: { valueOptions: ['--propagation', '--setgroups'] },
  firejail: {},
  'systemd-run': { valueOptions: ['-u', '--unit', '-p', '--property', '-E', '--setenv', '--uid', '--gid', '-M', '--machine', '--description', '--slice'] },
};

/** Whether the program only runs another command (sudo, env, nohup, xargs …). */
export function isWrapper(program: string): boolean {
  return Object.hasOwn(WRAPPERS, program);
}

/**
 * The command a wrapper runs (`sudo -u x rm -rf /` → `rm -rf /`), or null when the program is
 * not a wrapper or wraps nothing. `command -v x` only looks a name up, so it is not a wrapper.
 */
export function unwrap(program: string, argv: readonly string[]): string[] | null {
  const spec = WRAPPERS[program];
  if (!spec) return null;
  if (program === 'command' && argv.slice(1).some((a) => a === '-v' || a === '-V')) return null;
  if (program === 'start-stop-daemon') {
    const at = argv.findIndex((a) => a === '--exec' || a === '-x' || a === '--startas' || a === '-a');
    const dashes = argv.indexOf('--');
    if (at < 0 || at + 1 >= argv.length) return null;
    return [argv[at + 1] as string, ...(dashes > at ? argv.slice(dashes + 1) : [])];
  }
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      i++;
      break;
    }
    if (spec.valueOptions?.includes(a)) {
      i++;
      continue;
    }
    if (a.length > 1 && a.startsWith('-')) continue;
    if (spec.assignments && isAssignment(a)) continue;
    break;
  }
  i += spec.positional ?? 0;
  return i < argv.length ? argv.slice(i) : null;
}

/** `NAME=value` (a shell variable assignment word). */
export function isAssignment(word: string): boolean {
  const eq = word.indexOf('=');
  if (eq <= 0) return false;
  for (let i = 0; i < eq; i++) {
    const c = word.charAt(i);
    const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

/**
 * For a shell (or su), the script it was given with -c, `--command`, or null when it reads a
 * file (then `file` names it) or standard input. `busybox sh -c …` counts too.
 */
export function shellScript(program: string, argv: readonly string[]): { script: string | null; readsStdin: boolean; file?: string } | null {
  let args = argv.slice(1);
  if (program === 'busybox') {
    const inner = programName(args[0] ?? '');
    if (!SHELLS.has(inner) || inner === 'busybox') return null;
    args = args.slice(1);
  } else if (program === 'su') {
    const at = args.findIndex((a) => a === '-c' || a === '--command' || a.startsWith('--command='));
    if (at < 0) return null;
    const a = args[at] as string;
    return { script: a.startsWith('--command=') ? a.slice('--command='.length) : (args[at + 1] ?? ''), readsStdin: false };
  } else if (!SHELLS.has(program)) return null;
  let sawC = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--' || a === '-') {
      const next = args[i + 1];
      if (sawC && next !== undefined) return { script: next, readsStdin: false };
      return { script: null, readsStdin: next === undefined };
    }
    if (a === '-o' || a === '+o' || a === '-O' || a === '+O' || a === '--rcfile' || a === '--init-file') {
      i++;
      continue;
    }
    if ((a.startsWith('-') || a.startsWith('+')) && a.length > 1) {
      if (a.startsWith('-') && !a.startsWith('--') && a.includes('c')) sawC = true;
      continue;
    }
    return sawC ? { script: a, readsStdin: false } : { script: null, readsStdin: false, file: a };
  }
  return { script: null, readsStdin: !sawC };
}
