// A POSIX-shell lexer (with the bash extensions agents meet: $'…', <(…), &>, <<<) that turns a
// command string into raw simple commands joined by control operators. It does not expand
// anything: words keep their quoted and unquoted parts, variables and command substitutions,
// so the interpreter can expand them the way a shell would. Linear in the input; a command
// substitution's text is kept as a string and lexed again only when the interpreter recurses.
import { BRACE_CLOSE, BRACE_COMMA, BRACE_OPEN, literalText, matchClose, parseParam } from './text.ts';

export { BRACE_CLOSE, BRACE_COMMA, BRACE_OPEN, literalText, matchClose, sanitize, unmarkBraces } from './text.ts';

/** One piece of a word. `q` is true when the piece was quoted (no field splitting, no braces). */
export type WordPart =
  | { readonly t: 'lit'; readonly v: string; readonly q: boolean }
  | { readonly t: 'var'; readonly name: string; readonly op: string; readonly arg: string; readonly q: boolean }
  | { readonly t: 'sub'; readonly src: string; readonly q: boolean; readonly proc: boolean }
  | { readonly t: 'arith'; readonly q: boolean }
  /** The inside of an array assignment `name=(a b c)`, as written (lexed again when assigned). */
  | { readonly t: 'arr'; readonly src: string; readonly q: false };

export type RawWord = readonly WordPart[];

export interface RawRedirect {
  /** The operator as written: `>`, `>>`, `>|`, `>&`, `&>`, `&>>`, `<`, `<&`, `<>`, `<<`, `<<-`, `<<<`. */
  readonly op: string;
  /** The file-descriptor number written before the operator, or ''. */
  readonly fd: string;
  readonly target: RawWord;
  /** The body of a here-document (`<<`), as written. */
  heredoc?: string;
}

export interface RawCommand {
  readonly words: RawWord[];
  readonly redirects: RawRedirect[];
  /** Set when the command is a function header `name()` (its body is the next command or `{ … }` group). */
  fn?: true;
}

/** The operator that ends a raw command: how it connects to the next one. */
export type Separator = ';' | '&&' | '||' | '|' | '&';

export interface RawItem {
  readonly cmd: RawCommand;
  readonly sep: Separator;
}

const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\r';
const isMeta = (c: string): boolean => c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '<' || c === '>';
const isNameStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isNameChar = (c: string): boolean => isNameStart(c) || (c >= '0' && c <= '9');
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/** `name=` or `name+=` (the text before an array assignment's parenthesis). */
function isArrayTarget(lit: string): boolean {
  const end = lit.endsWith('+=') ? lit.length - 2 : lit.length - 1;
  if (end <= 0 || !lit.endsWith('=') || !isNameStart(lit.charAt(0))) return false;
  for (let i = 1; i < end; i++) if (!isNameChar(lit.charAt(i))) return false;
  return true;
}

const REDIRECT_OPS = ['<<<', '<<-', '&>>', '>>', '>&', '>|', '&>', '<<', '<&', '<>', '>', '<'] as const;

export class Lexer {
  #pos = 0;
  readonly #src: string;
  /** Read the whole input as one word: blanks and operators are literal (the argument of `${x:-…}`). */
  readonly #whole: boolean;

  constructor(src: string, whole = false) {
    this.#src = src;
    this.#whole = whole;
  }

  /** The whole input as one word (see `whole`). */
  word(): RawWord {
    return this.#readWord();
  }

  /** Lexes the whole string into raw commands. Never throws; unterminated quotes run to the end. */
  parse(): RawItem[] {
    const src = this.#src;
    const items: RawItem[] = [];
    let cmd: RawCommand = { words: [], redirects: [] };
    let pendingHeredocs: { redirect: RawRedirect; delimiter: string; stripTabs: boolean }[] = [];
    const flush = (sep: Separator): void => {
      if (cmd.words.length > 0 || cmd.redirects.length > 0) items.push({ cmd, sep });
      else if (sep === '&' && items.length > 0) {
        // `a & ;` — the & still applies to the previous command.
        const prev = items[items.length - 1] as RawItem;
        items[items.length - 1] = { cmd: prev.cmd, sep: '&' };
      }
      cmd = { words: [], redirects: [] };
    };
    while (this.#pos < src.length) {
      const c = src.charAt(this.#pos);
      const n = src.charAt(this.#pos + 1);
      if (isBlank(c)) {
        this.#pos++;
      } else if (c === '\\' && n === '\n') {
        this.#pos += 2;
      } else if (c === '\n') {
        this.#pos++;
        flush(';');
        if (pendingHeredocs.length > 0) {
          for (const h of pendingHeredocs) h.redirect.heredoc = this.#readHeredoc(h.delimiter, h.stripTabs);
          pendingHeredocs = [];
        }
      } else if (c === '#') {
        while (this.#pos < src.length && src.charAt(this.#pos) !== '\n') this.#pos++;
      } else if (c === ';') {
        this.#pos += n === ';' ? 2 : 1;
        flush(';');
      } else if (c === '&' && n === '&') {
        this.#pos += 2;
        flush('&&');
      } else if (c === '|' && n === '|') {
        this.#pos += 2;
        flush('||');
      } else if (c === '|') {
        this.#pos += n === '&' ? 2 : 1;
        flush('|');
      } else if (c === '&' && n !== '>') {
        this.#pos++;
        flush('&');
      } else if (c === '(' && this.#emptyParens() && (cmd.words.length === 1 || (cmd.words.length === 2 && literalText(cmd.words[0] as RawWord) === 'function'))) {
        // `name() …` or `function name() …`: a function definition header.
        this.#pos = src.indexOf(')', this.#pos) + 1;
        cmd.fn = true;
        flush(';');
      } else if (c === '(' || c === ')') {
        // Subshells and groups run their commands all the same: a separator is enough here.
        this.#pos++;
        flush(';');
      } else if ((c === '<' || c === '>') && n === '(') {
        const word = this.#readWord();
        if (word.length > 0) cmd.words.push(word);
      } else if (c === '<' || c === '>' || c === '&' || (isDigit(c) && this.#fdRedirectAhead())) {
        const r = this.#readRedirect();
        if (r) {
          cmd.redirects.push(r.redirect);
          if (r.heredocDelimiter !== undefined) pendingHeredocs.push({ redirect: r.redirect, delimiter: r.heredocDelimiter, stripTabs: r.redirect.op === '<<-' });
        }
      } else {
        const word = this.#readWord();
        if (word.length > 0) cmd.words.push(word);
        else this.#pos++; // defensive: never loop without progress
      }
    }
    flush(';');
    return items;
  }

  /** Whether `(` at the current position is followed by blanks and `)`. */
  #emptyParens(): boolean {
    let j = this.#pos + 1;
    while (j < this.#src.length && isBlank(this.#src.charAt(j))) j++;
    return this.#src.charAt(j) === ')';
  }

  #fdRedirectAhead(): boolean {
    let j = this.#pos;
    while (j < this.#src.length && j - this.#pos < 4 && isDigit(this.#src.charAt(j))) j++;
    const c = this.#src.charAt(j);
    return c === '<' || c === '>';
  }

  #readRedirect(): { redirect: RawRedirect; heredocDelimiter?: string } | null {
    const src = this.#src;
    let fd = '';
    while (isDigit(src.charAt(this.#pos))) fd += src.charAt(this.#pos++);
    const op = REDIRECT_OPS.find((o) => src.startsWith(o, this.#pos));
    if (!op) {
      this.#pos++;
      return null;
    }
    this.#pos += op.length;
    while (isBlank(src.charAt(this.#pos))) this.#pos++;
    const target = this.#readWord();
    const redirect: RawRedirect = { op, fd, target };
    if (op === '<<' || op === '<<-') return { redirect, heredocDelimiter: literalText(target) };
    return { redirect };
  }

  #readHeredoc(delimiter: string, stripTabs: boolean): string {
    const src = this.#src;
    const lines: string[] = [];
    while (this.#pos < src.length) {
      let end = src.indexOf('\n', this.#pos);
      if (end < 0) end = src.length;
      let line = src.slice(this.#pos, end);
      this.#pos = Math.min(src.length, end + 1);
      if (stripTabs) {
        let k = 0;
        while (line.charAt(k) === '\t') k++;
        line = line.slice(k);
      }
      if (line === delimiter) break;
      lines.push(line);
    }
    return lines.join('\n');
  }

  /** Reads one word (possibly empty when the next character is a metacharacter). */
  #readWord(): WordPart[] {
    const src = this.#src;
    const parts: WordPart[] = [];
    let lit = '';
    const flushLit = (): void => {
      if (lit) parts.push({ t: 'lit', v: lit, q: false });
      lit = '';
    };
    // Process substitution at the start of a word: <(cmd) or >(cmd).
    if ((src.charAt(this.#pos) === '<' || src.charAt(this.#pos) === '>') && src.charAt(this.#pos + 1) === '(') {
      const start = this.#pos + 2;
      const end = matchClose(src, start, '(', ')');
      parts.push({ t: 'sub', src: src.slice(start, end), q: false, proc: true });
      this.#pos = Math.min(src.length, end + 1);
    }
    while (this.#pos < src.length) {
      const c = src.charAt(this.#pos);
      if (c === '(' && !this.#whole && parts.length === 0 && isArrayTarget(lit)) {
        // `name=(a b c)`: an array assignment; its elements are lexed again when it is assigned.
        const start = this.#pos + 1;
        const end = matchClose(src, start, '(', ')');
        parts.push({ t: 'lit', v: lit, q: false }, { t: 'arr', src: src.slice(start, end), q: false });
        lit = '';
        this.#pos = Math.min(src.length, end + 1);
        continue;
      }
      if (!this.#whole && (isBlank(c) || c === '\n' || isMeta(c))) break;
      if (c === "'") {
        flushLit();
        const end = src.indexOf("'", this.#pos + 1);
        const stop = end < 0 ? src.length : end;
        parts.push({ t: 'lit', v: src.slice(this.#pos + 1, stop), q: true });
        this.#pos = stop + 1;
      } else if (c === '"') {
        flushLit();
        this.#pos++;
        this.#readDouble(parts);
      } else if (c === '\\') {
        const next = src.charAt(this.#pos + 1);
        if (next === '\n') this.#pos += 2;
        else {
          flushLit();
          parts.push({ t: 'lit', v: next || '\\', q: true });
          this.#pos += next ? 2 : 1;
        }
      } else if (c === '$') {
        flushLit();
        this.#readDollar(parts, false);
      } else if (c === '`') {
        flushLit();
        parts.push(this.#readBacktick(false));
      } else if (c === '{') {
        lit += BRACE_OPEN;
        this.#pos++;
      } else if (c === ',') {
        lit += BRACE_COMMA;
        this.#pos++;
      } else if (c === '}') {
        lit += BRACE_CLOSE;
        this.#pos++;
      } else {
        lit += c;
        this.#pos++;
      }
    }
    flushLit();
    return parts;
  }

  #readDouble(parts: WordPart[]): void {
    const src = this.#src;
    let lit = '';
    let any = false;
    const flushLit = (): void => {
      if (lit) parts.push({ t: 'lit', v: lit, q: true });
      lit = '';
    };
    while (this.#pos < src.length) {
      const c = src.charAt(this.#pos);
      if (c === '"') {
        this.#pos++;
        break;
      }
      if (c === '\\') {
        const next = src.charAt(this.#pos + 1);
        if (next === '\n') this.#pos += 2;
        else if (next === '$' || next === '`' || next === '"' || next === '\\') {
          lit += next;
          this.#pos += 2;
        } else {
          lit += c;
          this.#pos++;
        }
      } else if (c === '$') {
        flushLit();
        any = true;
        this.#readDollar(parts, true);
      } else if (c === '`') {
        flushLit();
        any = true;
        parts.push(this.#readBacktick(true));
      } else {
        lit += c;
        this.#pos++;
      }
    }
    // "" is an empty word of its own: keep a quoted empty literal so the word exists.
    if (lit || !any) parts.push({ t: 'lit', v: lit, q: true });
  }

  #readBacktick(q: boolean): WordPart {
    const src = this.#src;
    let inner = '';
    this.#pos++;
    while (this.#pos < src.length) {
      const c = src.charAt(this.#pos);
      if (c === '`') {
        this.#pos++;
        break;
      }
      if (c === '\\') {
        const next = src.charAt(this.#pos + 1);
        if (next === '`' || next === '\\' || next === '$') {
          inner += next;
          this.#pos += 2;
          continue;
        }
      }
      inner += c;
      this.#pos++;
    }
    return { t: 'sub', src: inner, q, proc: false };
  }

  #readDollar(parts: WordPart[], q: boolean): void {
    const src = this.#src;
    const n = src.charAt(this.#pos + 1);
    if (n === "'" && !q) {
      this.#pos += 2;
      parts.push({ t: 'lit', v: this.#readAnsiC(), q: true });
    } else if (n === '"' && !q) {
      this.#pos += 2;
      this.#readDouble(parts);
    } else if (n === '(' && src.charAt(this.#pos + 2) === '(') {
      const end = matchClose(src, this.#pos + 2, '(', ')');
      this.#pos = Math.min(src.length, end + 1);
      if (src.charAt(this.#pos) === ')') this.#pos++;
      parts.push({ t: 'arith', q });
    } else if (n === '(') {
      const start = this.#pos + 2;
      const end = matchClose(src, start, '(', ')');
      parts.push({ t: 'sub', src: src.slice(start, end), q, proc: false });
      this.#pos = Math.min(src.length, end + 1);
    } else if (n === '{') {
      const start = this.#pos + 2;
      const end = matchClose(src, start, '{', '}');
      parts.push(parseParam(src.slice(start, end), q));
      this.#pos = Math.min(src.length, end + 1);
    } else if (isNameStart(n)) {
      let j = this.#pos + 1;
      while (j < src.length && isNameChar(src.charAt(j))) j++;
      parts.push({ t: 'var', name: src.slice(this.#pos + 1, j), op: '', arg: '', q });
      this.#pos = j;
    } else if (n !== '' && (isDigit(n) || '@*#?$!-'.includes(n))) {
      parts.push({ t: 'var', name: n, op: '', arg: '', q });
      this.#pos += 2;
    } else {
      parts.push({ t: 'lit', v: '$', q });
      this.#pos++;
    }
  }

  /** Bash ANSI-C quoting ($'…'): backslash escapes, hex, octal and Unicode code points. */
  #readAnsiC(): string {
    const src = this.#src;
    let out = '';
    while (this.#pos < src.length) {
      const c = src.charAt(this.#pos);
      if (c === "'") {
        this.#pos++;
        break;
      }
      if (c !== '\\') {
        out += c;
        this.#pos++;
        continue;
      }
      const e = src.charAt(this.#pos + 1);
      this.#pos += 2;
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
      if (e in simple) out += simple[e];
      else if (e === 'x') out += this.#readCode(16, 2);
      else if (e === 'u') out += this.#readCode(16, 4);
      else if (e === 'U') out += this.#readCode(16, 8);
      else if (e >= '0' && e <= '7') {
        this.#pos--;
        out += this.#readCode(8, 3);
      } else if (e === 'c') {
        const ch = src.charAt(this.#pos++);
        out += String.fromCharCode(ch.toUpperCase().charCodeAt(0) & 0x1f);
      } else out += `\\${e}`;
    }
    return out;
  }

  #readCode(radix: number, maxDigits: number): string {
    const src = this.#src;
    let digits = '';
    while (digits.length < maxDigits && this.#pos < src.length) {
      const c = src.charAt(this.#pos);
      if (Number.isNaN(Number.parseInt(c, radix))) break;
      digits += c;
      this.#pos++;
    }
    if (!digits) return '';
    const cp = Number.parseInt(digits, radix);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
  }
}
