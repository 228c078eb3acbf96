// Static evaluation of the few commands whose output is fully determined by their words and
// input: echo, printf, cat, base64 -d, xxd -r -p, rev, tr, which. They are what obfuscated
// commands use to build a program name or a script ($(printf '\x63url'), echo … | base64 -d | sh).
// Anything else has unknown output (undefined). Output is capped at `max` characters.

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v', '\\': '\\' };

function digitValue(c: string, radix: number): number {
  const v = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c >= 'a' && c <= 'f' ? c.charCodeAt(0) - 87 : c >= 'A' && c <= 'F' ? c.charCodeAt(0) - 55 : 99;
  return v < radix ? v : -1;
}

/** One escape starting at text[i] === '\\': what it stands for and where reading goes on. */
function escapeAt(text: string, i: number): { out: string; next: number; stop: boolean } {
  const e = text.charAt(i + 1);
  if (e === '') return { out: '\\', next: i + 1, stop: false };
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return { out: simple, next: i + 2, stop: false };
  if (e === 'c') return { out: '', next: i + 2, stop: true };
  const radix = e === 'x' || e === 'u' || e === 'U' ? 16 : e >= '0' && e <= '7' ? 8 : 0;
  if (radix === 0) return { out: `\\${e}`, next: i + 2, stop: false };
  const maxDigits = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 3;
  // \0NNN (echo) and \NNN (printf) are both octal; \x, \u, \U are followed by hex digits.
  let j = radix === 16 || e === '0' ? i + 2 : i + 1;
  let cp = 0;
  let n = 0;
  while (n < maxDigits && j < text.length && digitValue(text.charAt(j), radix) >= 0) {
    cp = cp * radix + digitValue(text.charAt(j), radix);
    j++;
    n++;
  }
  if (n === 0 && radix === 16) return { out: `\\${e}`, next: i + 2, stop: false };
  return { out: cp <= 0x10ffff ? String.fromCodePoint(cp) : '', next: j, stop: false };
}

/** Bash `echo -e` / printf `%b` escapes. */
export function backslashEscapes(text: string, max: number): { text: string; stop: boolean } {
  let out = '';
  let i = 0;
  while (i < text.length && out.length < max) {
    const c = text.charAt(i);
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const r = escapeAt(text, i);
    if (r.stop) return { text: out, stop: true };
    out += r.out;
    i = r.next;
  }
  return { text: out.slice(0, max), stop: false };
}

function echo(args: readonly string[], max: number): string {
  let i = 0;
  let newline = true;
  let escapes = false;
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (a.length < 2 || a.length > 8 || a.charAt(0) !== '-' || !Array.from(a.slice(1)).every((ch) => ch === 'n' || ch === 'e' || ch === 'E')) break;
    if (a.includes('n')) newline = false;
    if (a.includes('e')) escapes = true;
    if (a.includes('E')) escapes = false;
  }
  const joined = args.slice(i).join(' ').slice(0, max);
  if (!escapes) return newline ? `${joined}\n` : joined;
  const r = backslashEscapes(joined, max);
  return newline && !r.stop ? `${r.text}\n` : r.text;
}

/** printf FORMAT [ARGS…]: %s %b %c %d %i %x %o %%, with the format reused while arguments remain. */
function printf(args: readonly string[], max: number): string {
  let rest = args[0] === '--' ? args.slice(1) : args;
  if (rest[0] === '-v') rest = rest.slice(2);
  const format = rest[0];
  if (format === undefined) return '';
  const values = rest.slice(1);
  let out = '';
  let v = 0;
  for (let pass = 0; pass < 64 && out.length < max; pass++) {
    const usedBefore = v;
    for (let i = 0; i < format.length && out.length < max; i++) {
      const c = format.charAt(i);
      if (c === '\\') {
        const r = escapeAt(format, i);
        out += r.out;
        i = r.next - 1;
        continue;
      }
      if (c !== '%') {
        out += c;
        continue;
      }
      // Skip flags, width and precision.
      let j = i + 1;
      while (j < format.length && '-+ #0123456789.'.includes(format.charAt(j))) j++;
      const conv = format.charAt(j);
      i = j;
      if (conv === '%') {
        out += '%';
        continue;
      }
      const value = values[v++] ?? '';
      if (conv === 's') out += value;
      else if (conv === 'b') out += backslashEscapes(value, max).text;
      else if (conv === 'c') out += value.charAt(0);
      else if (conv === 'd' || conv === 'i') out += String(Number.parseInt(value, 10) || 0);
      else if (conv === 'x') out += (Number.parseInt(value, 10) || 0).toString(16);
      else if (conv === 'o') out += (Number.parseInt(value, 10) || 0).toString(8);
    }
    if (v >= values.length || v === usedBefore) break;
  }
  return out.slice(0, max);
}

function decodeBase64(text: string): string | undefined {
  let clean = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') continue;
    clean += c === '-' ? '+' : c === '_' ? '/' : c;
  }
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charAt(i);
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '+' || c === '/' || c === '=')) return undefined;
  }
  return Buffer.from(clean, 'base64').toString('utf8');
}

function decodeHex(text: string): string | undefined {
  let clean = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (digitValue(c, 16) >= 0) clean += c;
    else if (c !== ' ' && c !== '\n' && c !== '\t' && c !== '\r') return undefined;
  }
  return Buffer.from(clean.length % 2 ? clean.slice(0, -1) : clean, 'hex').toString('utf8');
}

/** tr's character sets: ranges (a-z), escapes (\n, \\), no classes. Null when too long. */
function trSet(spec: string): string[] | null {
  const out: string[] = [];
  const chars = Array.from(backslashEscapes(spec, 512).text);
  for (let i = 0; i < chars.length && out.length <= 512; i++) {
    const a = chars[i] as string;
    const b = chars[i + 2];
    if (chars[i + 1] === '-' && b !== undefined) {
      const from = a.codePointAt(0) as number;
      const to = b.codePointAt(0) as number;
      if (to < from || to - from > 512) return null;
      for (let c = from; c <= to; c++) out.push(String.fromCodePoint(c));
      i += 2;
    } else out.push(a);
  }
  return out.length > 512 ? null : out;
}

function tr(args: readonly string[], input: string): string | undefined {
  if (args[0] === '-d' && args[1] !== undefined) {
    const del = trSet(args[1]);
    if (!del) return undefined;
    const set = new Set(del);
    return Array.from(input)
      .filter((c) => !set.has(c))
      .join('');
  }
  if (args.length !== 2 || (args[0] as string).startsWith('-')) return undefined;
  const from = trSet(args[0] as string);
  const to = trSet(args[1] as string);
  if (!from || !to || to.length === 0) return undefined;
  const map = new Map<string, string>();
  from.forEach((c, i) => map.set(c, to[Math.min(i, to.length - 1)] as string));
  return Array.from(input)
    .map((c) => map.get(c) ?? c)
    .join('');
}

const hasFlag = (args: readonly string[], ...flags: string[]): boolean => args.some((a) => flags.includes(a));

/**
 * The output of one simple command whose result is determined by its words and its standard
 * input, or undefined when it is not one of the commands this knows (or needs input it lacks).
 */
export function staticOutput(program: string, args: readonly string[], stdin: string | undefined, max: number): string | undefined {
  const fileArgs = args.filter((a) => !a.startsWith('-'));
  let out: string | undefined;
  switch (program) {
    case 'echo':
      out = echo(args, max);
      break;
    case 'printf':
      out = printf(args, max);
      break;
    case 'cat':
      out = fileArgs.length === 0 ? stdin : undefined;
      break;
    case 'base64':
    case 'base32':
      if (program === 'base64' && hasFlag(args, '-d', '--decode', '-D', '-di', '-id') && fileArgs.length === 0 && stdin !== undefined) out = decodeBase64(stdin);
      break;
    case 'openssl':
      if ((args[0] === 'base64' || args[0] === 'enc') && hasFlag(args, '-d') && stdin !== undefined && !args.includes('-in')) out = decodeBase64(stdin);
      break;
    case 'xxd':
      if (hasFlag(args, '-r', '-revert') && hasFlag(args, '-p', '-ps', '-plain', '-rp', '-pr') && stdin !== undefined) out = decodeHex(stdin);
      break;
    case 'rev':
      if (fileArgs.length === 0 && stdin !== undefined) {
        out = stdin
          .split('\n')
          .map((line) => Array.from(line).reverse().join(''))
          .join('\n');
      }
      break;
    case 'tr':
      if (stdin !== undefined) out = tr(args, stdin);
      break;
    case 'which':
    case 'type':
      if (fileArgs[0] !== undefined) out = `/usr/bin/${fileArgs[0]}\n`;
      break;
    case 'command':
      if (hasFlag(args, '-v', '-V') && fileArgs[0] !== undefined) out = `/usr/bin/${fileArgs[0]}\n`;
      break;
    default:
      out = undefined;
  }
  return out === undefined ? undefined : out.slice(0, max);
}
