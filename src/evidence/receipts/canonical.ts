/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), strict. Receipts are signed and hashed over
 * these bytes, so two implementations that agree on the value agree on the bytes.
 *
 * - Numbers are written as ECMAScript's Number.prototype.toString writes them (RFC 8785
 *   §3.2.2.3); NaN and ±Infinity are rejected, -0 is written `0`.
 * - Strings are written as ECMAScript's JSON.stringify writes well-formed strings
 *   (§3.2.2.2: `"` `\` and U+0000..U+001F escaped, \b \t \n \f \r short forms, lower-case
 *   \u00XX otherwise, everything else literal). A lone surrogate is rejected, not escaped.
 * - Object keys are sorted by their UTF-16 code units (§3.2.3), which is what the default
 *   string comparison of Array.prototype.sort does.
 * - Only plain objects (prototype Object.prototype or null), arrays, strings, finite numbers,
 *   booleans and null are accepted. An object property whose value is `undefined` is left out,
 *   as JSON.stringify does; `undefined` anywhere else (an array element, the top value), a
 *   function, a symbol, a bigint, a Date or a class instance is an error. Nesting is bounded.
 */

export class CanonicalJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalJsonError';
  }
}

export const DEFAULT_MAX_DEPTH = 32;

const nativeWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;

/** True when the string has no unpaired UTF-16 surrogate. */
export function isWellFormed(s: string): boolean {
  if (nativeWellFormed) return nativeWellFormed.call(s);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c >= 0xdc00) return false;
    const next = s.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/**
 * Where a value sits ("$", "$.a[2].b"), for error messages. The path is kept as a stack of keys
 * and indexes and only turned into text when there is an error to report, so a value that
 * canonicalises costs no path strings.
 */
type Path = (string | number)[];

function where(path: Path): string {
  let at = '$';
  for (const p of path) at += typeof p === 'number' ? `[${p}]` : `.${p}`;
  return at;
}

function str(s: string, path: Path): string {
  if (!isWellFormed(s)) throw new CanonicalJsonError(`lone surrogate in string at ${where(path)}`);
  // For a well-formed string, ES2019+ JSON.stringify produces exactly the RFC 8785 form.
  return JSON.stringify(s);
}

function num(n: number, path: Path): string {
  if (!Number.isFinite(n)) throw new CanonicalJsonError(`non-finite number at ${where(path)}`);
  // JSON.stringify of a finite number is Number.prototype.toString, with -0 written "0".
  return JSON.stringify(n);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** An object's members as canonical `"key":value` texts, in RFC 8785 key order. */
function members(value: object, depth: number, maxDepth: number, path: Path): string[] {
  if (!isPlainObject(value)) throw new CanonicalJsonError(`not a plain object at ${where(path)}`);
  if (Object.getOwnPropertySymbols(value).length > 0) throw new CanonicalJsonError(`symbol key at ${where(path)}`);
  // Own enumerable string keys, as JSON.stringify reads them.
  const names = Object.keys(value).sort();
  const parts: string[] = [];
  for (const k of names) {
    const v: unknown = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    const key = str(k, path);
    path.push(k);
    parts.push(`${key}:${write(v, depth + 1, maxDepth, path)}`);
    path.pop();
  }
  return parts;
}

function write(value: unknown, depth: number, maxDepth: number, path: Path): string {
  switch (typeof value) {
    case 'string':
      return str(value, path);
    case 'number':
      return num(value, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth >= maxDepth) throw new CanonicalJsonError(`nesting deeper than ${maxDepth} at ${where(path)}`);
      if (Array.isArray(value)) {
        const parts: string[] = [];
        for (let i = 0; i < value.length; i++) {
          const el: unknown = value[i];
          path.push(i);
          if (el === undefined) throw new CanonicalJsonError(`undefined array element at ${where(path)}`);
          parts.push(write(el, depth + 1, maxDepth, path));
          path.pop();
        }
        return `[${parts.join(',')}]`;
      }
      return `{${members(value, depth, maxDepth, path).join(',')}}`;
    }
    default:
      throw new CanonicalJsonError(`${typeof value} is not JSON at ${where(path)}`);
  }
}

/**
 * A top-level object canonicalised once, then written with and without one more string member:
 * receipts sign the record without `sig` and store it with `sig`, and both texts come from the
 * one pass (the same bytes canonicalize() gives for each object).
 */
export interface CanonicalObject {
  /** The canonical text of the object as it is. */
  readonly text: string;
  /** The canonical text of the object with `key` set to the string `value` (replacing any member of that name). */
  with(key: string, value: string): string;
}

export function canonicalObject(value: object, options: { maxDepth?: number } = {}): CanonicalObject {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const path: Path = [];
  if (maxDepth <= 0) throw new CanonicalJsonError(`nesting deeper than ${maxDepth} at $`);
  const names = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
  const parts = members(value, 0, maxDepth, path);
  return {
    text: `{${parts.join(',')}}`,
    with(key, v) {
      const member = `${str(key, path)}:${str(v, path)}`;
      const out: string[] = [];
      let placed = false;
      for (let i = 0; i < parts.length; i++) {
        const name = names[i] as string;
        if (!placed && name >= key) {
          out.push(member);
          placed = true;
          if (name === key) continue;
        }
        out.push(parts[i] as string);
      }
      if (!placed) out.push(member);
      return `{${out.join(',')}}`;
    },
  };
}

/** The RFC 8785 canonical JSON text of a value. Throws CanonicalJsonError on anything not strictly JSON. */
export function canonicalize(value: unknown, options: { maxDepth?: number } = {}): string {
  if (value === undefined) throw new CanonicalJsonError('undefined is not JSON at $');
  return write(value, 0, options.maxDepth ?? DEFAULT_MAX_DEPTH, []);
}

/** The canonical JSON as UTF-8 bytes (what receipts sign and hash). */
export function canonicalBytes(value: unknown, options: { maxDepth?: number } = {}): Buffer {
  return Buffer.from(canonicalize(value, options), 'utf8');
}
