// Word expansion as a POSIX shell does it, in order: parameter expansion (${x}, ${x:-w},
// ${x:1:2}, ${!x}, ${x/a/b} …), command substitution, field splitting on IFS of unquoted
// results, brace expansion of unquoted braces, quote removal. Every value is bounded.
import { expandBraces } from './braces.ts';
import { BRACE_CLOSE, BRACE_COMMA, BRACE_OPEN, Lexer, type RawWord, type WordPart } from './lexer.ts';

export interface ExpandHost {
  lookup(name: string): string | undefined;
  /** The elements of `$@` or of an array (`name[@]`), for a quoted expansion that keeps them as separate words. */
  list(name: string): readonly string[] | undefined;
  assign(name: string, value: string): void;
  /** Runs a command substitution; returns its output (unknown output as ''). */
  substitute(src: string, proc: boolean): string;
  /** Spends output budget; false once it is exhausted (the caller stops producing). */
  use(chars: number): boolean;
  /** A value cut to the longest allowed (reporting the cut, since the rest goes unread). */
  cap(text: string): string;
  readonly maxValue: number;
  readonly maxBraceFields: number;
}

const DEFAULT_IFS = ' \t\n';

/** Expands a word into fields (field splitting and brace expansion included). */
export function expandWord(word: RawWord, host: ExpandHost): string[] {
  const fields: string[] = [];
  let cur = '';
  let has = false;
  const ifs = host.lookup('IFS') ?? DEFAULT_IFS;
  const end = (): void => {
    if (has) fields.push(cur);
    cur = '';
    has = false;
  };
  for (const part of word) {
    if (part.t === 'lit') {
      cur += part.v;
      has = has || part.q || part.v.length > 0;
      continue;
    }
    if (part.t === 'var' && part.q && part.op === '' && (part.name === '@' || part.name.endsWith('[@]'))) {
      // "$@" and "${a[@]}": one word per element.
      const elems = host.list(part.name);
      if (elems !== undefined) {
        elems.forEach((e, k) => {
          cur += e;
          has = true;
          if (k < elems.length - 1) end();
        });
        continue;
      }
    }
    const value = partValue(part, host);
    if (part.q) {
      cur += value;
      has = true;
      continue;
    }
    for (let i = 0; i < value.length; i++) {
      const c = value.charAt(i);
      if (ifs.includes(c)) end();
      else {
        // Braces produced by an expansion are plain characters (not markers): never expanded again.
        cur += c;
        has = true;
      }
    }
  }
  end();
  const out: string[] = [];
  for (const f of fields) {
    for (const w of expandBraces(f, host.maxBraceFields)) {
      if (!host.use(w.length + 1)) return out;
      out.push(w);
    }
  }
  return out;
}

/** Expands a word without field splitting or braces (assignment values, redirect targets). */
export function expandFlat(word: RawWord, host: ExpandHost): string {
  let out = '';
  for (const part of word) {
    out += part.t === 'lit' ? unmark(part.v) : partValue(part, host);
    if (out.length > host.maxValue) return host.cap(out);
  }
  host.use(out.length);
  return out;
}

function unmark(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    out += c === BRACE_OPEN ? '{' : c === BRACE_COMMA ? ',' : c === BRACE_CLOSE ? '}' : c;
  }
  return out;
}

function partValue(part: Exclude<WordPart, { t: 'lit' }>, host: ExpandHost): string {
  switch (part.t) {
    case 'sub': {
      return host.cap(host.substitute(part.src, part.proc));
    }
    case 'arith':
      return '';
    case 'arr':
      return arrayElements(part.src, host).join(' ');
    case 'var':
      return host.cap(param(part.name, part.op, part.arg, host));
  }
}

/** The elements of an array assignment's inside `(a "b c" $x)`, expanded. */
export function arrayElements(src: string, host: ExpandHost): string[] {
  const out: string[] = [];
  for (const item of new Lexer(src).parse()) for (const w of item.cmd.words) out.push(...expandWord(w, host));
  return out;
}

const argText = (arg: string, host: ExpandHost): string => expandFlat(new Lexer(arg, true).word(), host);

function toInt(text: string): number | null {
  const t = text.trim();
  let i = 0;
  let sign = 1;
  if (t.charAt(0) === '-' || t.charAt(0) === '+') {
    sign = t.charAt(0) === '-' ? -1 : 1;
    i = 1;
  }
  if (i >= t.length || t.length - i > 9) return null;
  let v = 0;
  for (; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    v = v * 10 + (c - 48);
  }
  return sign * v;
}

/** `*suffix`, `prefix*` or a literal: the only glob shapes pattern removal handles (others leave the value). */
function removePrefix(value: string, pattern: string, longest: boolean): string {
  const star = pattern.indexOf('*');
  if (pattern.includes('?') || pattern.includes('[')) return value;
  if (star < 0) return value.startsWith(pattern) ? value.slice(pattern.length) : value;
  if (star === 0 && !pattern.slice(1).includes('*')) {
    const lit = pattern.slice(1);
    const at = longest ? value.lastIndexOf(lit) : value.indexOf(lit);
    return at < 0 ? value : value.slice(at + lit.length);
  }
  return value;
}

function removeSuffix(value: string, pattern: string, longest: boolean): string {
  const star = pattern.indexOf('*');
  if (pattern.includes('?') || pattern.includes('[')) return value;
  if (star < 0) return value.endsWith(pattern) ? value.slice(0, value.length - pattern.length) : value;
  if (star === pattern.length - 1 && !pattern.slice(0, -1).includes('*')) {
    const lit = pattern.slice(0, -1);
    const at = longest ? value.indexOf(lit) : value.lastIndexOf(lit);
    return at < 0 ? value : value.slice(0, at);
  }
  return value;
}

function param(rawName: string, op: string, arg: string, host: ExpandHost): string {
  const indirect = rawName.startsWith('!');
  const name = indirect ? rawName.slice(1) : rawName;
  let value = host.lookup(name);
  if (indirect) value = value === undefined ? undefined : host.lookup(value);
  const v = value ?? '';
  switch (op) {
    case '':
      return v;
    case 'len':
      return String(v.length);
    case ':-':
      return v === '' ? argText(arg, host) : v;
    case '-':
      return value === undefined ? argText(arg, host) : v;
    case ':=':
    case '=': {
      if (op === ':=' ? v !== '' : value !== undefined) return v;
      const w = argText(arg, host);
      host.assign(name, w);
      return w;
    }
    case ':+':
      return v !== '' ? argText(arg, host) : '';
    case '+':
      return value !== undefined ? argText(arg, host) : '';
    case ':?':
    case '?':
      return v;
    case '#':
    case '##':
      return removePrefix(v, argText(arg, host), op === '##');
    case '%':
    case '%%':
      return removeSuffix(v, argText(arg, host), op === '%%');
    case '/':
    case '//':
    case '/#':
    case '/%': {
      const slash = arg.indexOf('/');
      const pattern = argText(slash < 0 ? arg : arg.slice(0, slash), host);
      const rep = slash < 0 ? '' : argText(arg.slice(slash + 1), host);
      if (!pattern || pattern.includes('*') || pattern.includes('?') || pattern.includes('[')) return v;
      if (op === '//') return host.cap(v.split(pattern).join(rep));
      if (op === '/#') return v.startsWith(pattern) ? rep + v.slice(pattern.length) : v;
      if (op === '/%') return v.endsWith(pattern) ? v.slice(0, v.length - pattern.length) + rep : v;
      const at = v.indexOf(pattern);
      return at < 0 ? v : v.slice(0, at) + rep + v.slice(at + pattern.length);
    }
    case ':': {
      const text = argText(arg, host);
      const colon = text.indexOf(':');
      const off = toInt(colon < 0 ? text : text.slice(0, colon));
      const len = colon < 0 ? null : toInt(text.slice(colon + 1));
      if (off === null || (colon >= 0 && len === null)) return v;
      const start = off < 0 ? Math.max(0, v.length + off) : Math.min(off, v.length);
      if (len === null) return v.slice(start);
      const stop = len < 0 ? v.length + len : start + len;
      return stop <= start ? '' : v.slice(start, stop);
    }
    case '^^':
      return v.toUpperCase();
    case ',,':
      return v.toLowerCase();
    case '^':
      return v.charAt(0).toUpperCase() + v.slice(1);
    case ',':
      return v.charAt(0).toLowerCase() + v.slice(1);
    default:
      return v;
  }
}
