// Wallet addresses: finding them in text (linear-time patterns), validating their checksums
// (EIP-55, base58check, bech32/bech32m, base58 32-byte keys) and comparing them with allowlisted ones
// for look-alikes (same first and last characters: the address-poisoning trick).
import { base58, bech32, bech32m, createBase58check } from '@scure/base';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';

export type AddressKind = 'eth' | 'btc-base58' | 'btc-segwit' | 'sol' | 'bnb';

export interface ParsedAddress {
  readonly kind: AddressKind;
  readonly text: string;
  /** Comparison form: lower case where the encoding is case-insensitive. */
  readonly normalized: string;
  /** The part compared for look-alikes: fixed prefixes (`0x`, `bc1q`, `bnb1`, version char) removed. */
  readonly body: string;
  /** EIP-55: 'invalid' for a mixed-case address whose case does not match its checksum. */
  readonly checksum: 'valid' | 'invalid' | 'none';
}

const b58check = createBase58check(sha256);
const utf8 = new TextEncoder();

function isHex(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))) return false;
  }
  return true;
}

/** The EIP-55 mixed-case form of a 40-hex-digit address body. */
export function eip55(hex40: string): string {
  const lower = hex40.toLowerCase();
  const hash = keccak_256(utf8.encode(lower));
  let out = '';
  for (let i = 0; i < 40; i++) {
    const ch = lower[i]!;
    const nibble = (hash[i >>> 1]! >>> (i % 2 === 0 ? 4 : 0)) & 0xf;
    out += ch >= 'a' && ch <= 'f' && nibble >= 8 ? ch.toUpperCase() : ch;
  }
  return out;
}

function parseEth(text: string): ParsedAddress | null {
  if (text.length !== 42 || !(text.startsWith('0x') || text.startsWith('0X'))) return null;
  const hex = text.slice(2);
  if (!isHex(hex)) return null;
  const hasLower = hex !== hex.toUpperCase();
  const hasUpper = hex !== hex.toLowerCase();
  const checksum = hasLower && hasUpper ? (eip55(hex) === hex ? 'valid' : 'invalid') : 'none';
  const lower = hex.toLowerCase();
  return { kind: 'eth', text, normalized: `0x${lower}`, body: lower, checksum };
}

function parseBech32(text: string): ParsedAddress | null {
  const lower = text.toLowerCase();
  if (text !== lower && text !== text.toUpperCase()) return null; // bech32 forbids mixed case
  const sep = lower.lastIndexOf('1');
  if (sep < 1) return null;
  const hrp = lower.slice(0, sep);
  if (hrp === 'bnb') {
    const d = bech32.decodeUnsafe(lower, 90);
    if (!d || d.prefix !== 'bnb') return null;
    const bytes = bech32.fromWordsUnsafe(d.words);
    if (!bytes || bytes.length !== 20) return null;
    return { kind: 'bnb', text, normalized: lower, body: lower.slice(4), checksum: 'valid' };
  }
  if (hrp !== 'bc' && hrp !== 'tb') return null;
  const v0 = bech32.decodeUnsafe(lower, 90);
  const vx = v0 ? undefined : bech32m.decodeUnsafe(lower, 90);
  const d = v0 ?? vx;
  if (!d || d.words.length < 1) return null;
  const version = d.words[0]!;
  if ((v0 && version !== 0) || (vx && (version < 1 || version > 16))) return null;
  const program = (v0 ? bech32 : bech32m).fromWordsUnsafe(d.words.slice(1));
  if (!program || program.length < 2 || program.length > 40) return null;
  if (version === 0 && program.length !== 20 && program.length !== 32) return null;
  return { kind: 'btc-segwit', text, normalized: lower, body: lower.slice(sep + 2), checksum: 'valid' };
}

function parseBase58Btc(text: string): ParsedAddress | null {
  if (text.length < 26 || text.length > 35) return null;
  let payload: Uint8Array;
  try {
    payload = b58check.decode(text);
  } catch {
    return null;
  }
  if (payload.length !== 21) return null;
  const version = payload[0]!;
  if (version !== 0x00 && version !== 0x05 && version !== 0x6f && version !== 0xc4) return null;
  return { kind: 'btc-base58', text, normalized: text, body: text.slice(1), checksum: 'valid' };
}

function parseSol(text: string): ParsedAddress | null {
  if (text.length < 32 || text.length > 44) return null;
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(text);
  } catch {
    return null;
  }
  if (bytes.length !== 32) return null;
  return { kind: 'sol', text, normalized: text, body: text, checksum: 'none' };
}

/** Parses and validates one address of any supported kind; null when it is none of them. */
export function parseAddress(text: string): ParsedAddress | null {
  if (text.length < 26 || text.length > 90) return null;
  if (text.startsWith('0x') || text.startsWith('0X')) return parseEth(text);
  const lower = text.toLowerCase();
  if (lower.startsWith('bc1') || lower.startsWith('tb1') || lower.startsWith('bnb1')) return parseBech32(text);
  return parseBase58Btc(text) ?? parseSol(text);
}

/**
 * Classifies an allowlisted address by shape only (an operator's lower-case ETH address or one
 * with a typo in its case is still what they meant to allow).
 */
export function parseAllowlisted(text: string): ParsedAddress | null {
  const t = text.trim();
  const parsed = parseAddress(t);
  if (parsed) return parsed;
  if (t.length === 42 && (t.startsWith('0x') || t.startsWith('0X')) && isHex(t.slice(2))) {
    const lower = t.slice(2).toLowerCase();
    return { kind: 'eth', text: t, normalized: `0x${lower}`, body: lower, checksum: 'invalid' };
  }
  return null;
}

// Candidate shapes; each is validated by parseAddress. Kept as the reference the hand-written
// finder below is tested against (it must report exactly the spans this pattern matches).
export const CANDIDATE_PATTERN =
  '\\b(0[xX][0-9a-fA-F]{40}|(?:bc|tb|BC|TB)1[02-9ac-hj-np-zAC-HJ-NP-Z]{11,71}|(?:bnb|BNB)1[02-9ac-hj-np-zAC-HJ-NP-Z]{38}|[1-9A-HJ-NP-Za-km-z]{26,44})\\b';

/** Every alternative of the candidate pattern is made of ASCII word characters. */
function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

function isHexChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** bech32 data characters in either case (no 1, b, i, o). */
function isBech32Char(c: number): boolean {
  const l = c | 0x20;
  if (c >= 0x30 && c <= 0x39) return c !== 0x31;
  return l >= 0x61 && l <= 0x7a && l !== 0x62 && l !== 0x69 && l !== 0x6f;
}

/** base58: digits 1–9 and letters except 0, O, I, l. */
function isBase58Char(c: number): boolean {
  if (c >= 0x31 && c <= 0x39) return true;
  if (c >= 0x41 && c <= 0x5a) return c !== 0x49 && c !== 0x4f;
  return c >= 0x61 && c <= 0x7a && c !== 0x6c;
}

function all(text: string, from: number, to: number, pred: (c: number) => boolean): boolean {
  for (let i = from; i < to; i++) if (!pred(text.charCodeAt(i))) return false;
  return true;
}

/**
 * True when the maximal word run text[s, e) has one of the candidate shapes. Every alternative is
 * made of word characters and is fenced by \b, so a match is always a whole word run: checking
 * runs one by one finds exactly what the pattern finds, without a regex call per text.
 */
function candidateShape(text: string, s: number, e: number): boolean {
  const len = e - s;
  const c0 = text.charCodeAt(s);
  const c1 = text.charCodeAt(s + 1);
  if (len === 42 && c0 === 0x30 && (c1 === 0x78 || c1 === 0x58) && all(text, s + 2, e, isHexChar)) return true;
  if (len >= 14 && len <= 74 && text.charCodeAt(s + 2) === 0x31) {
    const lowerPrefix = (c0 === 0x62 && c1 === 0x63) || (c0 === 0x74 && c1 === 0x62);
    const upperPrefix = (c0 === 0x42 && c1 === 0x43) || (c0 === 0x54 && c1 === 0x42);
    if ((lowerPrefix || upperPrefix) && all(text, s + 3, e, isBech32Char)) return true;
  }
  if (len === 42 && text.charCodeAt(s + 3) === 0x31) {
    // bech32 allows an all-upper-case address (parseAddress rejects mixed case), as for `BC1`.
    const c2 = text.charCodeAt(s + 2);
    const lowerPrefix = c0 === 0x62 && c1 === 0x6e && c2 === 0x62;
    const upperPrefix = c0 === 0x42 && c1 === 0x4e && c2 === 0x42;
    if ((lowerPrefix || upperPrefix) && all(text, s + 4, e, isBech32Char)) return true;
  }
  return len >= 26 && len <= 44 && all(text, s, e, isBase58Char);
}

export interface FoundAddress {
  readonly address: ParsedAddress;
  readonly index: number;
}

/** parseAddress accepts nothing shorter. */
const MIN_ADDRESS = 26;
/** No candidate shape is longer (bech32: `bc1` + 71). */
const MAX_CANDIDATE = 74;

/**
 * Spans of candidate-shaped word runs of ≥ 26 characters (the ones parseAddress can accept), in order,
 * at most `limit`. These are the matches of CANDIDATE_PATTERN of that length. Runs are found by probing
 * one character in 26: a probe on a non-word character rules out every long run through it, so
 * ordinary text is crossed without reading most of it.
 */
export function addressCandidates(text: string, limit = 200): { index: number; end: number }[] {
  const out: { index: number; end: number }[] = [];
  const n = text.length;
  let lo = 0; // every run of ≥ MIN_ADDRESS characters starting before lo has been handled
  while (out.length < limit && lo + MIN_ADDRESS <= n) {
    const p = lo + MIN_ADDRESS - 1;
    if (!isWordChar(text.charCodeAt(p))) {
      lo = p + 1;
      continue;
    }
    let s = p;
    while (s > lo && isWordChar(text.charCodeAt(s - 1))) s--;
    let e = p + 1;
    while (e < n && isWordChar(text.charCodeAt(e))) e++;
    // text[e] is not a word character (or is the end): the next run starts after it.
    if (e - s >= MIN_ADDRESS && e - s <= MAX_CANDIDATE && candidateShape(text, s, e)) out.push({ index: s, end: e });
    lo = e + 1;
  }
  return out;
}

/** Finds valid addresses in text; at most `limit` candidates (of a length parseAddress accepts) are examined. */
export function findAddresses(text: string, limit = 200): FoundAddress[] {
  return scanAddresses(text, limit).addresses;
}

/** Addresses found and whether every candidate was examined (false: the text holds more than `limit`). */
export interface AddressScan {
  readonly addresses: FoundAddress[];
  readonly complete: boolean;
}

/** findAddresses, telling whether the candidate limit cut the search short. */
export function scanAddresses(text: string, limit: number): AddressScan {
  const out: FoundAddress[] = [];
  if (text.length < MIN_ADDRESS) return { addresses: out, complete: true };
  const candidates = addressCandidates(text, limit + 1);
  for (let k = 0; k < candidates.length && k < limit; k++) {
    const m = candidates[k]!;
    const a = parseAddress(text.slice(m.index, m.end));
    if (a) out.push({ address: a, index: m.index });
  }
  return { addresses: out, complete: candidates.length <= limit };
}

/**
 * The ETH addresses among findAddresses' results, found from the `0x`/`0X` prefixes alone (a native
 * substring search): for callers that only act on ETH addresses. At most `limit` candidates.
 */
export function findEthAddresses(text: string, limit = 200): FoundAddress[] {
  return scanEthAddresses(text, limit).addresses;
}

/** findEthAddresses, telling whether the candidate limit cut the search short. */
export function scanEthAddresses(text: string, limit: number): AddressScan {
  const out: FoundAddress[] = [];
  if (text.length < 42) return { addresses: out, complete: true };
  const starts: number[] = [];
  for (const prefix of ['0x', '0X']) {
    // The first `limit` of each prefix hold the first `limit` of both; one more tells whether there are more.
    const before = starts.length;
    for (let i = text.indexOf(prefix); i >= 0 && starts.length - before <= limit; i = text.indexOf(prefix, i + 2)) {
      if (i > 0 && isWordChar(text.charCodeAt(i - 1))) continue;
      if (i + 42 > text.length || (i + 42 < text.length && isWordChar(text.charCodeAt(i + 42)))) continue;
      if (all(text, i + 2, i + 42, isHexChar)) starts.push(i);
    }
  }
  starts.sort((a, b) => a - b);
  for (let k = 0; k < starts.length && k < limit; k++) {
    const i = starts[k]!;
    const a = parseAddress(text.slice(i, i + 42));
    if (a) out.push({ address: a, index: i });
  }
  return { addresses: out, complete: starts.length <= limit };
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function commonSuffix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

export interface LookAlike {
  readonly allowlisted: ParsedAddress;
  readonly prefix: number;
  readonly suffix: number;
}

/** The allowlisted address `a` imitates (same kind, ≥ minPrefix first and ≥ minSuffix last characters), if any. */
export function lookAlikeOf(
  a: ParsedAddress,
  allowlist: readonly ParsedAddress[],
  minPrefix: number,
  minSuffix: number,
): LookAlike | null {
  let best: LookAlike | null = null;
  for (const w of allowlist) {
    if (w.kind !== a.kind) continue;
    if (w.normalized === a.normalized) return null; // it is an allowlisted address
    const prefix = commonPrefix(a.body, w.body);
    const suffix = commonSuffix(a.body, w.body);
    if (prefix >= minPrefix && suffix >= minSuffix && (!best || prefix + suffix > best.prefix + best.suffix)) {
      best = { allowlisted: w, prefix, suffix };
    }
  }
  return best;
}
