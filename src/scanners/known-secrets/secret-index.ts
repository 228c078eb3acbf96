// The known-secret index: every accepted value expanded into the encodings it may travel in, found
// in text by a rolling-hash anchor scan. It holds the values in memory (it must, to match them) but
// never returns or prints one: matches carry the entry's name and the encoding only.
import { base32, base64, base64url } from '@scure/base';
import type { KnownSecretIndex } from '../types.ts';
import { shannonEntropy } from '../entropy/shannon.ts';
import { embeddedSecrets } from './embedded.ts';

export type KnownSecretEncoding = 'raw' | 'url-encoded' | 'json-escaped' | 'base64' | 'base64url' | 'hex' | 'base32' | 'reversed';

export const KNOWN_SECRET_ENCODINGS: readonly KnownSecretEncoding[] = [
  'raw',
  'url-encoded',
  'json-escaped',
  'base64',
  'base64url',
  'hex',
  'base32',
  'reversed',
];

export interface KnownSecretIndexOptions {
  /** Shortest value indexed (UTF-16 code units). Shorter values match too much ordinary text. */
  readonly minLength: number;
  /** Lowest Shannon entropy (bits/char) for a value to be indexed. */
  readonly minEntropy: number;
  /** Longest value indexed. */
  readonly maxLength: number;
  /** Most entries indexed; later ones are rejected. */
  readonly maxEntries: number;
  /** The encodings each value is indexed in. */
  readonly encodings: readonly KnownSecretEncoding[];
  /**
   * Most matches one find() returns. Each needle (a value in one encoding) is reported once, at its
   * first occurrence, so repeats of one secret cannot use this up and hide another.
   */
  readonly maxMatches: number;
}

export const DEFAULT_KNOWN_SECRET_INDEX_OPTIONS: KnownSecretIndexOptions = {
  minLength: 16,
  minEntropy: 3.0,
  maxLength: 65_536,
  maxEntries: 10_000,
  encodings: KNOWN_SECRET_ENCODINGS,
  maxMatches: 100,
};

export interface KnownSecretEntry {
  /** What to call the secret in findings: an environment variable name, a file key. Never the value. */
  readonly name: string;
  readonly value: string;
}

export interface KnownSecretRejection {
  readonly name: string;
  /** Why the value was not indexed, fit for a log line (never contains the value). */
  readonly reason: string;
}

export interface KnownSecretIndexResult {
  readonly index: KnownSecretIndex;
  readonly rejected: readonly KnownSecretRejection[];
}

export interface KnownSecretMatch {
  readonly name: string;
  readonly encoding: string;
  readonly index: number;
  readonly length: number;
}

interface Needle {
  readonly text: string;
  readonly name: string;
  readonly encoding: KnownSecretEncoding;
}

// Roots a filesystem path starts with. A random base64 value can start with `/`, so a bare leading
// slash is not enough: only these roots (or `~/`) mark a value as a path.
const PATH_ROOTS = ['/etc/', '/usr/', '/var/', '/home/', '/opt/', '/tmp/', '/run/', '/root/', '/srv/', '/mnt/', '/Users/', '/Library/', '/private/', '/nix/', '~/'];

/** A path such as `/etc/ssl/certs/ca.pem` or `~/.aws/config`: no whitespace, made of path characters. */
function isFilesystemPath(v: string): boolean {
  if (!PATH_ROOTS.some((r) => v.startsWith(r))) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2f || c === 0x2e || c === 0x2d || c === 0x5f || c === 0x7e || c === 0x40 || c === 0x2b;
    if (!ok) return false;
  }
  return true;
}

/** Why a value must not be indexed, or null when it may. */
export function rejectionReason(value: string, o: KnownSecretIndexOptions = DEFAULT_KNOWN_SECRET_INDEX_OPTIONS): string | null {
  const trimmed = value.trim();
  if (trimmed.length === 0) return 'empty value';
  if (value.length < o.minLength) return `shorter than ${o.minLength} characters (${value.length})`;
  if (value.length > o.maxLength) return `longer than ${o.maxLength} characters`;
  const h = shannonEntropy(value);
  if (h < o.minEntropy) return `low entropy (${h.toFixed(2)} bits/char, need ≥ ${o.minEntropy})`;
  let digits = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
  }
  if (digits === value.length) return 'digits only (a number, not a secret worth matching)';
  // Keyboard walks and counting runs (abcdefghijklmnop, 1234567890123456) are not secrets.
  let steps = 0;
  for (let i = 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1);
    if (d === 1 || d === -1 || d === 0 || d === -9) steps++;
  }
  if (steps >= (value.length - 1) * 0.75) return 'sequential pattern (a counting or alphabet run)';
  if (isFilesystemPath(trimmed)) return 'a filesystem path (where a secret is kept, not the secret)';
  return null;
}

const utf8 = new TextEncoder();

/** Lone surrogates replaced by U+FFFD (what TextEncoder does), so encodeURIComponent cannot throw. */
function wellFormed(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
      } else out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\ufffd';
    else out += text[i]!;
  }
  return out;
}

/**
 * The characters of an encoding of `bytes` that do not depend on what surrounds the value in a
 * longer stream, when the value starts `shift` bytes into an encoding group (3 bytes for base64,
 * 5 for base32). `encode` must produce `bitsPerChar` bits per character with no padding.
 */
function stableMiddle(bytes: Uint8Array, shift: number, bitsPerChar: number, encode: (b: Uint8Array) => string): string {
  const padded = new Uint8Array(shift + bytes.length);
  padded.set(bytes, shift);
  const text = encode(padded);
  const start = Math.ceil((8 * shift) / bitsPerChar);
  const end = Math.floor((8 * (shift + bytes.length)) / bitsPerChar);
  return text.slice(start, end);
}

const stripPad = (s: string): string => {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x3d) end--;
  return s.slice(0, end);
};

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16);
  return out;
}

/** Every form a value is indexed in: [text, encoding], duplicates removed. */
export function encodedForms(value: string, encodings: readonly KnownSecretEncoding[] = KNOWN_SECRET_ENCODINGS): [string, KnownSecretEncoding][] {
  const want = new Set(encodings);
  const out: [string, KnownSecretEncoding][] = [];
  const seen = new Set<string>();
  const add = (text: string, encoding: KnownSecretEncoding): void => {
    if (text.length === 0 || seen.has(text)) return;
    seen.add(text);
    out.push([text, encoding]);
  };
  if (want.has('raw')) add(value, 'raw');
  if (want.has('url-encoded')) {
    const enc = encodeURIComponent(wellFormed(value));
    if (enc !== value) {
      add(enc, 'url-encoded');
      add(enc.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), 'url-encoded');
      if (value.includes(' ')) add(enc.replace(/%20/g, '+'), 'url-encoded');
    }
  }
  if (want.has('json-escaped')) {
    const enc = JSON.stringify(value).slice(1, -1);
    if (enc !== value) add(enc, 'json-escaped');
  }
  // written backwards (by code point): a reversal needs no word naming it to hide a value from a search
  if (want.has('reversed')) add([...value].reverse().join(''), 'reversed');
  const bytes = utf8.encode(value);
  for (let shift = 0; shift < 3; shift++) {
    if (want.has('base64')) add(stableMiddle(bytes, shift, 6, (b) => stripPad(base64.encode(b))), 'base64');
    if (want.has('base64url')) add(stableMiddle(bytes, shift, 6, (b) => stripPad(base64url.encode(b))), 'base64url');
  }
  if (want.has('hex')) {
    const h = toHex(bytes);
    add(h, 'hex');
    add(h.toUpperCase(), 'hex');
  }
  if (want.has('base32')) {
    for (let shift = 0; shift < 5; shift++) {
      const b32 = stableMiddle(bytes, shift, 5, (b) => stripPad(base32.encode(b)));
      add(b32, 'base32');
      add(b32.toLowerCase(), 'base32');
    }
  }
  return out;
}

const BLOCK = 4;
const TABLE_BITS = 18;
const TABLE_MASK = (1 << TABLE_BITS) - 1;

/** Hash of the BLOCK characters ending at `end` (exclusive). */
function blockHash(text: string, end: number): number {
  const h =
    Math.imul(text.charCodeAt(end - 4), 0x9e3779b1) ^
    Math.imul(text.charCodeAt(end - 3), 0x85ebca77) ^
    Math.imul(text.charCodeAt(end - 2), 0xc2b2ae3d) ^
    Math.imul(text.charCodeAt(end - 1), 0x27d4eb2f);
  return (h ^ (h >>> 15)) & TABLE_MASK;
}

/** Builds the index; values that would match ordinary text are rejected with a reason. */
export function createKnownSecretIndex(
  entries: readonly KnownSecretEntry[],
  options: Partial<KnownSecretIndexOptions> = {},
): KnownSecretIndexResult {
  const merged: KnownSecretIndexOptions = { ...DEFAULT_KNOWN_SECRET_INDEX_OPTIONS, ...options };
  // Values under 8 characters would match ordinary text and defeat the block-shift search.
  const o: KnownSecretIndexOptions = { ...merged, minLength: Math.max(8, merged.minLength) };
  const rejected: KnownSecretRejection[] = [];
  const accepted: KnownSecretEntry[] = [];
  // A connection string's password is indexed on its own too ("DATABASE_URL (password)"), so it is
  // caught when it travels without the rest of the string.
  const expanded: KnownSecretEntry[] = [];
  for (const entry of entries) {
    expanded.push(entry);
    if (typeof entry.value !== 'string' || typeof entry.name !== 'string' || entry.name.length === 0) continue;
    for (const part of embeddedSecrets(entry.value)) expanded.push({ name: `${entry.name} (password)`, value: part });
  }
  for (const entry of expanded) {
    const name = typeof entry.name === 'string' ? entry.name : '';
    if (name.length === 0) {
      rejected.push({ name: '(unnamed)', reason: 'no name to report it by' });
      continue;
    }
    if (typeof entry.value !== 'string') {
      rejected.push({ name, reason: 'value is not a string' });
      continue;
    }
    const reason = rejectionReason(entry.value, o);
    if (reason) {
      rejected.push({ name, reason });
      continue;
    }
    if (accepted.length >= o.maxEntries) {
      rejected.push({ name, reason: `index full (${o.maxEntries} entries)` });
      continue;
    }
    accepted.push({ name, value: entry.value });
  }

  const needles: Needle[] = [];
  for (const entry of accepted) {
    for (const [text, encoding] of encodedForms(entry.value, o.encodings)) needles.push({ text, name: entry.name, encoding });
  }
  // Without case: the values as configured, lower-cased (only ASCII letters change case, so a match
  // in lower-cased text is at the same offsets as in the text itself).
  const folded = (): WuManberIndex => {
    const lower: Needle[] = [];
    const seen = new Set<string>();
    for (const entry of accepted) {
      const text = asciiLower(entry.value);
      if (seen.has(`${entry.name}\u0000${text}`)) continue;
      seen.add(`${entry.name}\u0000${text}`);
      lower.push({ text, name: entry.name, encoding: 'raw' });
    }
    return new WuManberIndex(lower, accepted.length, o.maxMatches);
  };
  return { index: new WuManberIndex(needles, accepted.length, o.maxMatches, folded), rejected };
}

/** ASCII letters in lower case, every other character as it is (the length never changes). */
function asciiLower(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      out += text.slice(from, i) + String.fromCharCode(c + 32);
      from = i + 1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * Wu–Manber multi-pattern search: every needle is represented by its first m characters (m = the
 * shortest needle); a shift table over 4-character blocks lets the scan jump up to m − 3 characters
 * at a time, and only windows whose last block ends some needle's prefix are compared in full.
 * Worst case O(text × bucket), typical sub-linear; the text is never copied.
 */
class WuManberIndex implements KnownSecretIndex {
  readonly #m: number;
  readonly #shift: Uint8Array;
  readonly #buckets = new Map<number, Needle[]>();
  readonly #maxMatches: number;
  /** Builds the index of the values without case, on first use (most configurations never need it). */
  readonly #makeFolded: (() => WuManberIndex) | undefined;
  #folded: WuManberIndex | undefined;

  constructor(
    needles: readonly Needle[],
    readonly size: number,
    maxMatches: number,
    makeFolded?: () => WuManberIndex,
  ) {
    this.#maxMatches = maxMatches;
    this.#makeFolded = makeFolded;
    let m = 255;
    for (const n of needles) m = Math.min(m, n.text.length);
    this.#m = needles.length === 0 ? 0 : m;
    const maxShift = Math.max(1, m - BLOCK + 1);
    this.#shift = new Uint8Array(1 << TABLE_BITS).fill(maxShift);
    if (this.#m < BLOCK) return;
    for (const n of needles) {
      for (let q = BLOCK; q <= m; q++) {
        const h = blockHash(n.text, q);
        const s = m - q;
        if (s < this.#shift[h]!) this.#shift[h] = s;
      }
      const h = blockHash(n.text, m);
      const bucket = this.#buckets.get(h);
      if (bucket) bucket.push(n);
      else this.#buckets.set(h, [n]);
    }
  }

  findIgnoringCase(text: string): readonly KnownSecretMatch[] {
    if (this.size === 0 || !this.#makeFolded) return [];
    this.#folded ??= this.#makeFolded();
    return this.#folded.find(asciiLower(text));
  }

  find(text: string): readonly KnownSecretMatch[] {
    const out: KnownSecretMatch[] = [];
    const m = this.#m;
    if (this.size === 0 || m < BLOCK || text.length < m) return out;
    const shift = this.#shift;
    const n = text.length;
    let end = m; // exclusive end of the current window's prefix
    let reported: Set<Needle> | undefined;
    while (end <= n) {
      const h = blockHash(text, end);
      const s = shift[h]!;
      if (s > 0) {
        end += s;
        continue;
      }
      const bucket = this.#buckets.get(h);
      if (bucket) {
        const start = end - m;
        for (const needle of bucket) {
          if (text.startsWith(needle.text, start)) {
            if (reported?.has(needle)) continue;
            (reported ??= new Set()).add(needle);
            out.push({ name: needle.name, encoding: needle.encoding, index: start, length: needle.text.length });
            if (out.length >= this.#maxMatches) return out;
          }
        }
      }
      end += 1;
    }
    return out;
  }
}
