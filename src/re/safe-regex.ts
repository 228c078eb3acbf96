import { createRequire } from 'node:module';
import { RE2JS } from 're2js';
import { TollgateError } from '../core/errors.ts';

/** Flags understood by both engines: i (case-insensitive), s (dot matches newline), m (multi-line anchors). */
export type RegexFlags = '' | 'i' | 's' | 'm' | 'is' | 'im' | 'ms' | 'ims';

export interface RegexMatch {
  /** UTF-16 offset of the match in the subject. */
  readonly index: number;
  readonly end: number;
  readonly text: string;
  /** Capture groups 1..n (undefined when a group did not participate). */
  readonly groups: readonly (string | undefined)[];
}

export interface SafeRegex {
  readonly source: string;
  readonly flags: RegexFlags;
  test(subject: string): boolean;
  /** The first match starting at or after `from` (default 0); text before `from` still counts as context (`\b`, `^`). */
  first(subject: string, from?: number): RegexMatch | null;
  /** All non-overlapping matches, at most `limit` (bounded so a hostile input cannot make a huge list). */
  all(subject: string, limit?: number): RegexMatch[];
  /**
   * The texts of all()'s matches, at most `limit`, without offsets or groups: in the native engine one
   * call for the whole list (all() costs one call, several microseconds, per match). Only for patterns
   * that cannot match the empty string. The native engine lists every match before the cut to
   * `limit`, so callers bound the subject's length (at most one match per character).
   */
  texts(subject: string, limit?: number): string[];
}

interface Re2Ctor {
  new (source: string, flags?: string): Re2Instance;
}
interface Re2Instance {
  lastIndex: number;
  test(s: string | Buffer): boolean;
  exec(s: string | Buffer): (RegExpExecArray & { index: number }) | null;
  match(s: string): string[] | null;
}

function loadNativeRe2(): Re2Ctor | null {
  if (process.env.TOLLGATE_REGEX_ENGINE === 're2js') return null;
  try {
    const require = createRequire(import.meta.url);
    const mod = require('re2') as Re2Ctor;
    // A smoke test: a binding that loads but was built for another ABI fails here, not mid-scan.
    if (!new mod('a+', 'u').test('caab')) return null;
    return mod;
  } catch {
    // Optional dependency absent or unbuildable here: the pure-JS engine is the documented fallback.
    return null;
  }
}

const NativeRe2 = loadNativeRe2();
export const REGEX_ENGINE: 're2' | 're2js' = NativeRe2 ? 're2' : 're2js';
const DEFAULT_LIMIT = 10_000;

class NativeRegex implements SafeRegex {
  // Compiled on first use: start-up would otherwise compile hundreds of patterns (≈0.4 s) that a
  // given process may never run. A compile error then surfaces as a TollgateError at that use,
  // which the engine turns into a fail-closed scanner error; every built-in pattern runs in tests.
  #oneRe?: Re2Instance;
  #globalRe?: Re2Instance;
  constructor(
    readonly source: string,
    readonly flags: RegexFlags,
    private readonly ctor: Re2Ctor,
  ) {}
  get #one(): Re2Instance {
    this.#oneRe ??= compileNative(this.ctor, this.source, `${this.flags}u`);
    return this.#oneRe;
  }
  get #global(): Re2Instance {
    this.#globalRe ??= compileNative(this.ctor, this.source, `${this.flags}gu`);
    return this.#globalRe;
  }
  test(subject: string): boolean {
    return this.#one.test(asciiBytes(subject) ?? subject);
  }
  first(subject: string, from = 0): RegexMatch | null {
    const bytes = asciiBytes(subject);
    let m: (RegExpExecArray & { index: number }) | null;
    if (from > 0) {
      if (from > subject.length) return null;
      const g = this.#global;
      g.lastIndex = from;
      m = g.exec(bytes ?? subject);
      g.lastIndex = 0;
    } else m = this.#one.exec(bytes ?? subject);
    return m ? (bytes ? toAsciiMatch(m, subject) : toMatch(m)) : null;
  }
  all(subject: string, limit = DEFAULT_LIMIT): RegexMatch[] {
    const out: RegexMatch[] = [];
    const g = this.#global;
    // The scratch bytes stay valid through the loop: nothing below runs another regex.
    const bytes = asciiBytes(subject);
    g.lastIndex = 0;
    while (out.length < limit) {
      const m = g.exec(bytes ?? subject);
      if (!m) break;
      out.push(bytes ? toAsciiMatch(m, subject) : toMatch(m));
      if (m[0].length === 0) g.lastIndex = m.index + 1;
    }
    g.lastIndex = 0;
    return out;
  }
  texts(subject: string, limit = DEFAULT_LIMIT): string[] {
    const g = this.#global;
    g.lastIndex = 0;
    const found = g.match(subject);
    g.lastIndex = 0;
    if (found === null) return [];
    return found.length > limit ? found.slice(0, limit) : [...found];
  }
}

/**
 * An ASCII subject is handed to the native engine as bytes in a reused buffer: given a string, the
 * binding converts it to UTF-8 on every call (and maps offsets back), which costs more than the
 * match itself for short texts. For ASCII, byte offsets are UTF-16 offsets, so matches read the same.
 * Longer subjects take the string path, so the scratch never exceeds 3 × ASCII_VIEW_MAX bytes.
 */
const ASCII_VIEW_MAX = 256 * 1024;
let scratch = Buffer.allocUnsafe(3 * 4096);

/**
 * The last few subjects of at least NON_ASCII_MEMO_MIN characters found not to be ASCII. Callers
 * hand the same text to many patterns in turn (DLP's rules over one decoded layer, the injection
 * patterns over one view, each owner's locator over the same few stretches of a view), and without
 * it each call wrote the whole text out as UTF-8 only to learn again that it is not ASCII: for a
 * long non-ASCII text with its decoded layers, thousands of full-length writes per scan. A short
 * subject is cheaper to write than to compare; a comparison costs at most one read of both texts.
 */
const nonAscii: (string | null)[] = [null, null, null, null];
let nonAsciiNext = 0;
const NON_ASCII_MEMO_MIN = 256;

function knownNonAscii(subject: string): boolean {
  for (const s of nonAscii) if (s !== null && s.length === subject.length && s === subject) return true;
  return false;
}

/**
 * `subject` as bytes in a shared scratch buffer when it is all ASCII (else null). The bytes are
 * valid until the next call: use them for one synchronous native call (or one loop of them).
 */
export function asciiBytes(subject: string): Buffer | null {
  const n = subject.length;
  if (n > ASCII_VIEW_MAX) return null;
  if (n >= NON_ASCII_MEMO_MIN && knownNonAscii(subject)) return null;
  // Room for the worst UTF-8 expansion (3 bytes per UTF-16 unit), so the write never stops early and
  // writing exactly n bytes means every character was ASCII.
  if (scratch.length < 3 * n) scratch = Buffer.allocUnsafe(Math.min(3 * ASCII_VIEW_MAX, Math.max(3 * n, 2 * scratch.length)));
  const written = scratch.write(subject, 0, 'utf8');
  if (written === n) return scratch.subarray(0, n);
  if (n >= NON_ASCII_MEMO_MIN) {
    nonAscii[nonAsciiNext] = subject;
    nonAsciiNext = (nonAsciiNext + 1) % nonAscii.length;
  }
  return null;
}

/** toMatch for a match made on asciiBytes(subject): offsets are the string's, texts are cut from it. */
function toAsciiMatch(m: RegExpExecArray, subject: string): RegexMatch {
  const whole = m[0] as unknown as Buffer;
  const groups: (string | undefined)[] = new Array<string | undefined>(m.length - 1);
  for (let i = 1; i < m.length; i++) {
    const g = m[i] as unknown as Buffer | undefined;
    groups[i - 1] = g === undefined ? undefined : g.toString('latin1');
  }
  return { index: m.index, end: m.index + whole.length, text: subject.slice(m.index, m.index + whole.length), groups };
}

function compileNative(ctor: Re2Ctor, source: string, flags: string): Re2Instance {
  try {
    return new ctor(source, flags);
  } catch (err) {
    throw new TollgateError('REGEX_COMPILE', `cannot compile pattern /${source}/${flags}: ${String(err)}`, { cause: err });
  }
}

function toMatch(m: RegExpExecArray): RegexMatch {
  return { index: m.index, end: m.index + m[0].length, text: m[0], groups: m.slice(1) };
}

class JsRegex implements SafeRegex {
  readonly #re: RE2JS;
  constructor(
    readonly source: string,
    readonly flags: RegexFlags,
  ) {
    let f = 0;
    if (flags.includes('i')) f |= RE2JS.CASE_INSENSITIVE;
    if (flags.includes('s')) f |= RE2JS.DOTALL;
    if (flags.includes('m')) f |= RE2JS.MULTILINE;
    this.#re = RE2JS.compile(source, f);
  }
  test(subject: string): boolean {
    return this.#re.matcher(subject).find();
  }
  first(subject: string, from = 0): RegexMatch | null {
    if (from > subject.length) return null;
    const m = this.#re.matcher(subject);
    if (!m.find(from)) return null;
    const groups: (string | undefined)[] = [];
    for (let i = 1; i <= m.groupCount(); i++) groups.push(m.group(i) ?? undefined);
    return { index: m.start(), end: m.end(), text: subject.slice(m.start(), m.end()), groups };
  }
  all(subject: string, limit = DEFAULT_LIMIT): RegexMatch[] {
    const out: RegexMatch[] = [];
    const m = this.#re.matcher(subject);
    const groupCount = m.groupCount();
    let from = 0;
    while (out.length < limit && from <= subject.length && m.find(from)) {
      const start = m.start();
      const end = m.end();
      const groups: (string | undefined)[] = [];
      for (let i = 1; i <= groupCount; i++) groups.push(m.group(i) ?? undefined);
      out.push({ index: start, end, text: subject.slice(start, end), groups });
      from = end === start ? end + 1 : end;
    }
    return out;
  }
  texts(subject: string, limit = DEFAULT_LIMIT): string[] {
    return this.all(subject, limit).map((m) => m.text);
  }
}

const cache = new Map<string, SafeRegex>();

/** Compiles (and caches) a linear-time regex. Throws TollgateError('REGEX_COMPILE') on a bad pattern. */
export function re(source: string, flags: RegexFlags = ''): SafeRegex {
  const key = `${flags}/${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let compiled: SafeRegex;
  try {
    compiled = NativeRe2 ? new NativeRegex(source, flags, NativeRe2) : new JsRegex(source, flags);
  } catch (err) {
    throw new TollgateError('REGEX_COMPILE', `cannot compile pattern /${source}/${flags}: ${String(err)}`, { cause: err });
  }
  cache.set(key, compiled);
  return compiled;
}
