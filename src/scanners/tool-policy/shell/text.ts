// Small text helpers of the shell lexer: brace markers, marker-safe input, bracket matching,
// and the inside of `${…}`. Pure string work, linear in the input.
import type { RawWord, WordPart } from './lexer.ts';

/** Private-use markers for unquoted brace characters, so brace expansion can tell them from quoted ones. */
export const BRACE_OPEN = '\ue000';
export const BRACE_COMMA = '\ue001';
export const BRACE_CLOSE = '\ue002';

/** Removes the private-use marker characters from attacker text before lexing, so no input can forge a marker. */
export function sanitize(text: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xe000 && c <= 0xe002) {
      out += `${text.slice(last, i)}\ufffd`;
      last = i + 1;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

/** The text of a word with quotes removed, expansions left as written (here-document delimiters). */
export function literalText(word: RawWord): string {
  return unmarkBraces(word.map((p) => (p.t === 'lit' ? p.v : p.t === 'var' ? `$${p.name}` : '')).join(''));
}

/** Turns brace markers back into the characters they stand for. */
export function unmarkBraces(text: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    const plain = c === BRACE_OPEN ? '{' : c === BRACE_COMMA ? ',' : c === BRACE_CLOSE ? '}' : '';
    if (!plain) continue;
    out += text.slice(last, i) + plain;
    last = i + 1;
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * Index of the character that closes an opening bracket whose content starts at `start`,
 * skipping quoted text and escapes; the input length when it is never closed.
 */
export function matchClose(src: string, start: number, open: string, close: string): number {
  let depth = 1;
  let i = start;
  while (i < src.length) {
    const c = src.charAt(i);
    if (c === '\\') i += 2;
    else if (c === "'") {
      const end = src.indexOf("'", i + 1);
      i = end < 0 ? src.length : end + 1;
    } else if (c === '"') {
      i++;
      while (i < src.length && src.charAt(i) !== '"') i += src.charAt(i) === '\\' ? 2 : 1;
      i++;
    } else if (c === open) {
      depth++;
      i++;
    } else if (c === close) {
      depth--;
      if (depth === 0) return i;
      i++;
    } else i++;
  }
  return src.length;
}

const PARAM_OPS = [':-', ':=', ':+', ':?', '##', '%%', '//', '/#', '/%', '^^', ',,', '-', '=', '+', '?', '#', '%', '/', ':', '^', ','] as const;

const isNameStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isNameChar = (c: string): boolean => isNameStart(c) || (c >= '0' && c <= '9');

/** Parses the inside of `${…}`: `name`, `#name`, `!name`, `name<op>arg`. */
export function parseParam(body: string, q: boolean): WordPart {
  let i = 0;
  let prefix = '';
  if ((body.charAt(0) === '#' || body.charAt(0) === '!') && body.length > 1) {
    prefix = body.charAt(0);
    i = 1;
  }
  let j = i;
  if (isNameStart(body.charAt(j))) while (j < body.length && isNameChar(body.charAt(j))) j++;
  else if (j < body.length) j++;
  // `a[1]`, `a[@]`: the subscript is part of the name.
  if (j > i && body.charAt(j) === '[') {
    const close = body.indexOf(']', j);
    if (close > j) j = close + 1;
  }
  const name = body.slice(i, j);
  const rest = body.slice(j);
  if (prefix === '#' && rest === '') return { t: 'var', name, op: 'len', arg: '', q };
  const op = PARAM_OPS.find((o) => rest.startsWith(o)) ?? '';
  const arg = op ? rest.slice(op.length) : '';
  return { t: 'var', name: prefix === '!' ? `!${name}` : name, op, arg, q };
}
