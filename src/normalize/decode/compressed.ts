// Compressed data inside an encoding: base64 or hex whose bytes are a gzip member (1f 8b 08) or a
// zlib stream (78 01 / 5e / 9c / da, any header with a valid check and no preset dictionary). An
// agent can gzip a key, base64 the result and send a string no pattern reads. The bytes are
// inflated synchronously (pure computation) under an output budget shared by the whole text: the
// normalize limits' decoded-size budget. Raw deflate (no header) is not tried: any bytes start a
// plausible raw deflate stream, so every base64 run would have to be inflated to learn that it is not one.
import { constants, gunzipSync, inflateSync } from 'node:zlib';
import { bytesToText, hexValue } from './bytes.ts';

export type Compression = 'gzip' | 'zlib';

/** What inflating left undone: set when a stream was cut short or its output exceeded the budget. */
export interface InflateState {
  capped: boolean;
  /** Output bytes still allowed for this text (all streams together). */
  budget: number;
}

/** gzip member header: magic and the deflate method. */
function isGzip(b: Uint8Array, at: number): boolean {
  return b[at] === 0x1f && b[at + 1] === 0x8b && b[at + 2] === 0x08;
}

/** zlib header (RFC 1950): deflate with a window of at most 32 KB, a valid check, no preset dictionary. */
function isZlib(b: Uint8Array, at: number): boolean {
  const cmf = b[at];
  const flg = b[at + 1];
  if (cmf === undefined || flg === undefined) return false;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && (cmf * 256 + flg) % 31 === 0 && (flg & 0x20) === 0;
}

/** Shortest compressed input worth trying: a header, a block and a checksum. */
const MIN_STREAM = 10;

/**
 * The text a stream inflates to, or null when the bytes are not one (a data error) or hold nothing
 * readable. A stream cut short gives what it decodes to so far, and one whose output would pass the
 * budget gives nothing; either marks the state capped (the engine blocks an input it could not read
 * whole), except a cut stream whose partial output is not text (random bytes behind a header-like start).
 */
export function inflateToText(bytes: Uint8Array, kind: Compression, minRun: number, state: InflateState): string | null {
  if (bytes.length < MIN_STREAM) return null;
  if (state.budget <= 0) {
    state.capped = true;
    return null;
  }
  const inflate = kind === 'gzip' ? gunzipSync : inflateSync;
  let out: Buffer;
  let cut = false;
  try {
    out = inflate(bytes, { maxOutputLength: state.budget });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      state.capped = true;
      state.budget = 0;
      return null;
    }
    if (code !== 'Z_BUF_ERROR') return null;
    // cut short: what the bytes there are decode to
    try {
      out = inflate(bytes, { maxOutputLength: state.budget, finishFlush: constants.Z_SYNC_FLUSH });
    } catch (again) {
      if ((again as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
        state.capped = true;
        state.budget = 0;
      }
      return null;
    }
    cut = true;
  }
  state.budget -= out.length;
  // A cut stream is believed only when what it gave reads as text for at least minRun bytes: random
  // bytes behind a header-like start often inflate to a few bytes before the input runs out.
  if (cut && out.length < minRun) return null;
  const text = bytesToText(out) ?? printableStrings(out, minRun);
  if (cut && text !== null) state.capped = true;
  return text;
}

/**
 * The runs of printable ASCII (with tab and line breaks) of at least `minRun` bytes in binary
 * output (a tar archive, a file with a binary header), one per line; null when there are none.
 */
export function printableStrings(bytes: Uint8Array, minRun: number): string | null {
  const runs: string[] = [];
  let start = -1;
  for (let i = 0; i <= bytes.length; i++) {
    const b = i < bytes.length ? bytes[i]! : 0;
    const printable = (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d;
    if (printable) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= minRun) runs.push(Buffer.from(bytes.buffer, bytes.byteOffset + start, i - start).toString('latin1'));
    start = -1;
  }
  return runs.length === 0 ? null : runs.join('\n');
}

/** The base64 of a gzip member's first three bytes, at a four-character boundary of its encoding. */
const GZIP_B64 = 'H4sI';
/** Streams looked for per run. */
const MAX_STREAMS_PER_RUN = 16;

/**
 * Compressed streams in a base64-alphabet run: a gzip member wherever `H4sI` starts one (glued to
 * other base64, or several in one run), a zlib stream at the start of the run.
 */
export function inflateBase64Run(run: string, kind: Compression, minRun: number, state: InflateState, out: string[]): void {
  let end = run.length;
  while (end > 0 && run.charCodeAt(end - 1) === 0x3d) end--;
  if (end < 16) return;
  if (kind === 'zlib') {
    const c = run.charCodeAt(0);
    // 0x78 is `e` then one of A–P (78 0x … 78 fx): every zlib stream with a 32 KB window
    if (c !== 0x65) return;
    const bytes = Buffer.from(run.slice(0, end), run.includes('-') || run.includes('_') ? 'base64url' : 'base64');
    if (!isZlib(bytes, 0)) return;
    const text = inflateToText(bytes, 'zlib', minRun, state);
    if (text !== null) out.push(text);
    return;
  }
  let at = run.indexOf(GZIP_B64);
  for (let n = 0; at >= 0 && at < end && n < MAX_STREAMS_PER_RUN; n++) {
    const body = run.slice(at, end);
    const bytes = Buffer.from(body, body.includes('-') || body.includes('_') ? 'base64url' : 'base64');
    if (isGzip(bytes, 0)) {
      const text = inflateToText(bytes, 'gzip', minRun, state);
      if (text !== null) out.push(text);
    }
    at = run.indexOf(GZIP_B64, at + GZIP_B64.length);
  }
}

/**
 * Compressed streams in a hex run (a HEX_RUN match: plain, delimited, `\x` or `0x` prefixed): a
 * gzip member at any byte, a zlib stream at the first byte.
 */
export function inflateHexRun(run: string, kind: Compression, minRun: number, state: InflateState, out: string[]): void {
  const bytes = hexBytes(run);
  if (bytes.length < MIN_STREAM) return;
  if (kind === 'zlib') {
    if (!isZlib(bytes, 0)) return;
    const text = inflateToText(bytes, 'zlib', minRun, state);
    if (text !== null) out.push(text);
    return;
  }
  let n = 0;
  for (let at = bytes.indexOf(0x1f); at >= 0 && n < MAX_STREAMS_PER_RUN; at = bytes.indexOf(0x1f, at + 1)) {
    if (!isGzip(bytes, at)) continue;
    n++;
    const text = inflateToText(bytes.subarray(at), 'gzip', minRun, state);
    if (text !== null) out.push(text);
  }
}

/** The bytes of a hex run: digit pairs, with `\x`, `0x` and the delimiters between bytes skipped. */
function hexBytes(run: string): Buffer {
  const out = Buffer.allocUnsafe(run.length >> 1);
  let o = 0;
  let high = -1;
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if (high < 0 && (c === 0x5c || c === 0x30) && (run.charCodeAt(i + 1) | 0x20) === 0x78) {
      i++;
      continue;
    }
    const v = hexValue(c);
    if (v < 0) continue;
    if (high < 0) high = v;
    else {
      out[o++] = (high << 4) | v;
      high = -1;
    }
  }
  return out.subarray(0, o);
}
