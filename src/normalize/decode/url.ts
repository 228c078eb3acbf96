import { isUtf8 } from 'node:buffer';
import { hexValue, isMostlyText } from './bytes.ts';

const UTF8_LENIENT = new TextDecoder('utf-8', { fatal: false });

/** The value of four hex digits at `at`, or -1. */
function hex4(text: string, at: number): number {
  let v = 0;
  for (let k = at; k < at + 4; k++) {
    const d = hexValue(text.charCodeAt(k));
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Index of the first escape at or after `from` that percentDecode reads (`%XX`, `%uXXXX`), or -1. */
function nextEscape(text: string, from: number): number {
  for (let i = text.indexOf('%', from); i >= 0; i = text.indexOf('%', i + 1)) {
    if ((text.charCodeAt(i + 1) | 0x20) === 0x75 && hex4(text, i + 2) >= 0) return i;
    if (i + 2 < text.length && hexValue(text.charCodeAt(i + 1)) >= 0 && hexValue(text.charCodeAt(i + 2)) >= 0) return i;
  }
  return -1;
}

/**
 * Percent-decodes (RFC 3986 §2.1) one level; invalid escapes stay as they are. Returns null if
 * nothing changed. The escaped bytes and the UTF-8 of the characters between them are decoded as one
 * byte string, so an escaped sequence reads the same whatever surrounds it. Text between escapes is
 * encoded a stretch at a time (a stretch ends at a `%`, so it never splits a surrogate pair), and a
 * text with no escape at all (prose with a stray `%`) is answered by one search.
 */
export function percentDecode(text: string): string | null {
  let at = nextEscape(text, 0);
  if (at < 0) return null;
  const parts: Uint8Array[] = [];
  let done = 0; // start of the text not yet encoded
  while (at >= 0) {
    if (at > done) parts.push(Buffer.from(text.slice(done, at), 'utf8'));
    const run: number[] = [];
    // the escapes from `at` on, one after another
    for (;;) {
      if ((text.charCodeAt(at + 1) | 0x20) === 0x75) {
        // %uXXXX (the old JavaScript escape() form, still read by IIS and some WAF-facing apps)
        const unit = hex4(text, at + 2);
        if (unit >= 0) {
          let cp = unit;
          let len = 6;
          const low = unit >= 0xd800 && unit <= 0xdbff && text.charCodeAt(at + 6) === 0x25 && (text.charCodeAt(at + 7) | 0x20) === 0x75 ? hex4(text, at + 8) : -1;
          if (low >= 0xdc00 && low <= 0xdfff) {
            cp = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
            len = 12;
          }
          for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) run.push(b);
          at += len;
          if (text.charCodeAt(at) === 0x25 && nextEscape(text, at) === at) continue;
          break;
        }
      }
      run.push((hexValue(text.charCodeAt(at + 1)) << 4) | hexValue(text.charCodeAt(at + 2)));
      at += 3;
      if (text.charCodeAt(at) !== 0x25 || nextEscape(text, at) !== at) break;
    }
    parts.push(Uint8Array.from(run));
    done = at;
    at = nextEscape(text, done);
  }
  if (done < text.length) parts.push(Buffer.from(text.slice(done), 'utf8'));
  const decoded = UTF8_LENIENT.decode(Buffer.concat(parts));
  if (isMostlyText(decoded)) return decoded;
  // not text as a whole: decode runs of %XX escapes one by one, keeping a run that is not UTF-8 text
  // as written, so that any part of the text decodes as it does inside the whole (the injection
  // scanner's windows of a long text rely on it). One linear pass; %u escapes stay as written.
  let out = '';
  let last = 0;
  let any = false;
  for (let i = 0; i < text.length; ) {
    if (text.charCodeAt(i) !== 0x25) {
      i++;
      continue;
    }
    const start = i;
    const run: number[] = [];
    while (i + 2 < text.length && text.charCodeAt(i) === 0x25) {
      const hi = hexValue(text.charCodeAt(i + 1));
      const lo = hexValue(text.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) break;
      run.push((hi << 4) | lo);
      i += 3;
    }
    if (run.length === 0) {
      i++;
      continue;
    }
    const raw = Buffer.from(run);
    if (!isUtf8(raw)) continue;
    const piece = raw.toString('utf8');
    if (!isMostlyText(piece)) continue;
    out += text.slice(last, start) + piece;
    last = i;
    any = true;
  }
  return any ? out + text.slice(last) : null;
}

/** Form encoding (application/x-www-form-urlencoded) writes spaces as '+'. */
export function plusToSpace(text: string): string | null {
  if (!text.includes('+') || /\s/.test(text)) return null;
  const pieces = text.split('+');
  // Words joined by `+` are short; a base64 blob has a `+` every 64 characters or so. Read as
  // words, a 260 KB image upload became thousands of candidate runs, over the decoders' cap, and
  // was blocked as undecodable (engine/decode-truncated). Its `+` is a data character: no layer.
  if (text.length > PLUS_PIECE_MAX * pieces.length) return null;
  return pieces.join(' ');
}

/** Longest average piece between `+` signs that still reads as `+`-joined words. */
const PLUS_PIECE_MAX = 24;
