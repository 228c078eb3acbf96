import { bytesToText } from './bytes.ts';

/**
 * Base64 (RFC 4648 §4) and base64url (§5), padded or not, found as runs inside a text.
 * A run is tried at each of the four alignments, so a blob glued to preceding
 * alphanumerics ("key=abcZ2hw…") still decodes.
 */

const STD = 1;
const URLSAFE = 2;
const ALNUM = 4;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9]/.test(ch)) CLASS[c] = ALNUM;
}
CLASS[0x2b] = STD; // +
CLASS[0x2f] = STD; // /
CLASS[0x2d] = URLSAFE; // -
CLASS[0x5f] = URLSAFE; // _

const VALUE = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('').forEach((ch, i) => {
  VALUE[ch.charCodeAt(0)] = i;
});

/** Decoding scratch space, grown on demand: most candidates are rejected, so they should not allocate. */
let scratch = new Uint8Array(1024);

/**
 * Decodes `run` from character `from` into the scratch buffer and returns the bytes (a view that the
 * next call overwrites), or null when a character is outside the alphabet or the bytes are plainly
 * not text (control bytes past the tolerance isMostlyText applies, or bytes that are not UTF-8), the
 * common case for runs that merely look like base64.
 */
function decodeRun(run: string, from: number, urlsafe: boolean): Uint8Array | null {
  let len = run.length - from;
  while (len > 0 && run.charCodeAt(from + len - 1) === 0x3d) len--;
  if (len % 4 === 1) len--; // a dangling sextet cannot encode a byte
  if (len < 2) return null;
  const size = Math.floor((len * 3) / 4);
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, scratch.length * 2));
  const out = scratch;
  let acc = 0;
  let bits = 0;
  let o = 0;
  let control = 0;
  // Continuation bytes still owed by the UTF-8 sequence in progress. Only what is invalid in any
  // UTF-8 (a stray continuation byte, a lead byte never used, a lead without its continuations)
  // stops the decoding early; bytesToText still checks the whole result.
  let owed = 0;
  for (let i = 0; i < len; i++) {
    const c = run.charCodeAt(from + i);
    let v: number;
    if (c === 0x2b || c === 0x2d) v = urlsafe ? (c === 0x2d ? 62 : -1) : c === 0x2b ? 62 : -1;
    else if (c === 0x2f || c === 0x5f) v = urlsafe ? (c === 0x5f ? 63 : -1) : c === 0x2f ? 63 : -1;
    else v = c < 128 ? (VALUE[c] ?? -1) : -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const b = (acc >> bits) & 0xff;
      out[o++] = b;
      if (owed > 0) {
        if ((b & 0xc0) !== 0x80) return null;
        owed--;
      } else if (b >= 0x80) {
        if (b >= 0xc2 && b <= 0xdf) owed = 1;
        else if (b >= 0xe0 && b <= 0xef) owed = 2;
        else if (b >= 0xf0 && b <= 0xf4) owed = 3;
        else return null;
      }
      // Same tolerance as isMostlyText (one control character in 32), checked as bytes arrive.
      if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) {
        control++;
        if (control * 32 > size) return null;
      }
    }
  }
  return out.subarray(0, o);
}

export interface Base64Hit {
  readonly text: string;
  readonly urlsafe: boolean;
}

/** Finds base64/base64url runs of at least `minRun` characters and returns those that decode to text. */
export function findBase64(text: string, minRun: number, maxOutputs: number): Base64Hit[] {
  const hits: Base64Hit[] = [];
  let i = 0;
  while (i < text.length && hits.length < maxOutputs) {
    const c = text.charCodeAt(i);
    if (c >= 128 || CLASS[c] === 0) {
      i++;
      continue;
    }
    let j = i;
    let kinds = 0;
    while (j < text.length) {
      const cj = text.charCodeAt(j);
      if (cj >= 128 || CLASS[cj] === 0) break;
      kinds |= CLASS[cj] as number;
      j++;
    }
    let end = j;
    while (end < text.length && end - j < 2 && text.charCodeAt(end) === 0x3d) end++;
    if (j - i >= minRun && !((kinds & STD) !== 0 && (kinds & URLSAFE) !== 0)) {
      tryRun(text.slice(i, end), (kinds & URLSAFE) !== 0, minRun, hits);
    } else if (j - i >= minRun) {
      // Mixed alphabets: try each side of the first alphabet switch as its own run.
      for (const piece of text.slice(i, end).split(/[+/]/)) if (piece.length >= minRun) tryRun(piece, true, minRun, hits);
    }
    i = end > j ? end : j + 1;
  }
  return hits;
}

function tryRun(run: string, urlsafe: boolean, minRun: number, hits: Base64Hit[]): void {
  for (let shift = 0; shift < 4 && run.length - shift >= minRun; shift++) {
    const bytes = decodeRun(run, shift, urlsafe);
    const decoded = bytes ? bytesToText(bytes) : null;
    if (decoded !== null) {
      hits.push({ text: decoded, urlsafe });
      return;
    }
  }
  // A path-like run ("/v1/Z2hw…/x") may hold base64 between slashes (only long pieces are cut out).
  if (!urlsafe && run.includes('/')) {
    for (let from = 0; from <= run.length; ) {
      let to = run.indexOf('/', from);
      if (to < 0) to = run.length;
      if (to - from >= minRun && to - from < run.length) tryRun(run.slice(from, to), false, minRun, hits);
      from = to + 1;
    }
  }
}
