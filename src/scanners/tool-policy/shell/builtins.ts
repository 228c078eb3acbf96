// The builtins that bind variables from their input: `read` (the first line split on IFS into
// names, the last taking the rest; `-a` into an array) and `mapfile`/`readarray` (every line into
// an array). Pure: the interpreter assigns what these return.

/** Options that take a value, per builtin (everything else starting with `-` is a flag). */
const VALUE_OPTIONS: Readonly<Record<string, ReadonlySet<string>>> = {
  read: new Set(['-a', '-d', '-i', '-n', '-N', '-p', '-t', '-u']),
  mapfile: new Set(['-d', '-n', '-O', '-s', '-u', '-C', '-c']),
};

export interface Bindings {
  readonly scalars: readonly (readonly [string, string])[];
  readonly arrays: readonly (readonly [string, readonly string[]])[];
}

export const isReader = (program: string): boolean => program === 'read' || program === 'mapfile' || program === 'readarray';

/** What `read`/`mapfile`/`readarray ARGS` binds from a known input; null when the input is unknown. */
export function readBindings(program: string, args: readonly string[], stdin: string | undefined, ifs: string): Bindings | null {
  const isRead = program === 'read';
  const values = VALUE_OPTIONS[isRead ? 'read' : 'mapfile'] as ReadonlySet<string>;
  const names: string[] = [];
  let array: string | null = null;
  let delimiter = '\n';
  let strip = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (values.has(a)) {
      const v = args[++i] ?? '';
      if (a === '-a' && isRead) array = v;
      if (a === '-d') delimiter = v || '\0';
    } else if (a.startsWith('-') && a.length > 1) {
      if (!isRead && a.includes('t')) strip = true;
    } else names.push(a);
  }
  if (stdin === undefined) return null;
  if (!isRead) {
    let lines = stdin.split(delimiter);
    if (lines[lines.length - 1] === '') lines.pop();
    if (!strip) lines = lines.map((l, k) => (k < lines.length - 1 || stdin.endsWith(delimiter) ? l + delimiter : l));
    return { scalars: [], arrays: [[names[0] ?? 'MAPFILE', lines]] };
  }
  const end = stdin.indexOf(delimiter);
  const line = end < 0 ? stdin : stdin.slice(0, end);
  const fields: string[] = [];
  let cur = '';
  for (const c of line) {
    if (ifs.includes(c)) {
      if (cur) fields.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) fields.push(cur);
  if (array !== null) return { scalars: [], arrays: [[array, fields]] };
  const targets = names.length > 0 ? names : ['REPLY'];
  return { scalars: targets.map((name, k) => [name, k < targets.length - 1 ? (fields[k] ?? '') : fields.slice(k).join(' ')] as const), arrays: [] };
}
