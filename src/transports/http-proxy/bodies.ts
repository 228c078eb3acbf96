// Bounded body reading and content-coding decoding for scanning. Nothing here trusts a length
// header: bodies are counted as they arrive and decoding stops at a cap. An unknown coding or a
// truncated stream is an error the caller turns into a block, never a pass.
import type { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

export type BodyRead =
  | { ok: true; body: Buffer }
  /** `kept`: with keepOnOverflow, what was read of an oversized body (at most limit + one chunk); the stream is left paused after it. */
  | { ok: false; reason: 'too-large' | 'aborted' | 'timeout'; received: number; kept?: Buffer[] };

/**
 * Reads a whole body, at most `limit` bytes; past it (or on abort or timeout) resolves not ok and
 * drains the rest unread, or with `keepOnOverflow` hands back what it read and leaves the stream
 * paused, for a caller that may pass an oversized body on unscanned.
 */
export function readBody(stream: Readable, limit: number, timeoutMs: number, keepOnOverflow = false): Promise<BodyRead> {
  // Already torn down (a parse error or reset that came before the read began): nothing more will arrive.
  if (stream.destroyed) return Promise.resolve({ ok: false, reason: 'aborted', received: 0 });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyRead): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onFailed);
      stream.off('aborted', onFailed);
      if (!r.ok && r.kept !== undefined) stream.pause();
      else if (!r.ok) stream.resume(); // drain and discard what is still coming
      resolve(r);
    };
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) finish({ ok: false, reason: 'too-large', received: size, ...(keepOnOverflow ? { kept: [...chunks, c] } : {}) });
      else chunks.push(c);
    };
    // A body that came in one chunk is that chunk (each socket read gets a buffer of its own): no copy.
    const onEnd = (): void => finish({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
    const onFailed = (): void => finish({ ok: false, reason: 'aborted', received: size });
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout', received: size }), timeoutMs);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onFailed);
    stream.on('aborted', onFailed);
  });
}

/**
 * A message whose body has already arrived whole, taken without waiting: null unless the parser
 * has seen the whole message (`complete`), nothing has read from the stream yet and everything it
 * holds is within `limit`. Then it is what readBody would have resolved with, and the stream ends
 * as if it had been read (its socket goes back to the pool). Every other case (still arriving,
 * over the limit, failed) is readBody's. A small upstream answer usually arrives in the same read
 * as its head, so this skips readBody's listeners, timer and promise for most responses.
 */
export function readBodyNow(stream: Readable & { readonly complete?: boolean }, limit: number): BodyRead | null {
  if (stream.complete !== true || stream.destroyed || stream.readableFlowing !== null || stream.readableDidRead) return null;
  const size = stream.readableLength;
  // Nothing buffered (an empty body) or too much: readBody decides.
  if (size === 0 || size > limit) return null;
  // A paused byte stream hands over everything it holds in one read: the one chunk, or a copy of all of them.
  const body = stream.read() as Buffer | null;
  if (body === null) return null;
  // Never expected (the read takes all `size` bytes); a body not taken whole is never passed on.
  if (body.length !== size) return { ok: false, reason: 'aborted', received: body.length };
  return { ok: true, body };
}

/**
 * readBody for a request whose handler runs as its head is parsed: a small body usually came in
 * the same read, and the parser has taken it in by the time one microtask has passed; then it is
 * taken at once (readBodyNow), else read as it arrives (readBody).
 */
export async function readRequestBody(stream: Readable & { readonly complete?: boolean }, limit: number, timeoutMs: number, keepOnOverflow = false): Promise<BodyRead> {
  await undefined;
  return readBodyNow(stream, limit) ?? readBody(stream, limit, timeoutMs, keepOnOverflow);
}

const EMPTY = Buffer.alloc(0);

/**
 * Whether an HTTP/1.1 request has no body by its framing (RFC 9112 §6.3): neither
 * Transfer-Encoding nor Content-Length, or Content-Length 0. The parser reads no body bytes for
 * such a request (anything after its head is the next request), so there is nothing to wait for.
 */
export function bodiless(headers: { readonly [k: string]: string | string[] | undefined }): boolean {
  if (headers['transfer-encoding'] !== undefined) return false;
  const length = headers['content-length'];
  return length === undefined || length === '0';
}

/** The body of a request that has none by its framing (see bodiless). */
export const NO_BODY: BodyRead = Object.freeze({ ok: true as const, body: EMPTY });

/**
 * A body that could not be decoded names the rule that says why: `engine/body-truncated` when a
 * compressed stream ends before its end (zlib and brotli report Z_BUF_ERROR), otherwise
 * `engine/unsupported-encoding` (an unknown or stacked coding, corrupt data, or the size cap).
 */
export type DecodeRule = 'engine/body-truncated' | 'engine/unsupported-encoding';
export type Decoded = { ok: true; body: Buffer; codings: string[] } | { ok: false; reason: string; rule: DecodeRule };

/**
 * Undoes a Content-Encoding list (applied in order, so undone in reverse) with a cap on the
 * decompressed size. `identity` and an absent header are no-ops.
 */
export function decodeContent(body: Buffer, header: string | undefined, maxBytes: number): Decoded {
  if (header === undefined || header === '') return { ok: true, body, codings: [] };
  const codings = (header ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c.length > 0 && c !== 'identity');
  if (codings.length > 4) return { ok: false, reason: `${codings.length} stacked content codings`, rule: 'engine/unsupported-encoding' };
  let out = body;
  for (const coding of [...codings].reverse()) {
    try {
      const opts = { maxOutputLength: maxBytes };
      if (coding === 'gzip' || coding === 'x-gzip') out = gunzipSync(out, opts);
      else if (coding === 'deflate') out = inflateDeflate(out, maxBytes);
      else if (coding === 'br') out = brotliDecompressSync(out, opts);
      else return { ok: false, reason: `unknown content coding "${coding.slice(0, 40)}"`, rule: 'engine/unsupported-encoding' };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || (err instanceof RangeError && /output length/i.test(err.message))) {
        return { ok: false, reason: `decompressed body exceeds ${maxBytes} bytes`, rule: 'engine/unsupported-encoding' };
      }
      if (code === 'Z_BUF_ERROR') return { ok: false, reason: `${coding} stream ends before its end (truncated)`, rule: 'engine/body-truncated' };
      return { ok: false, reason: `${coding} body is corrupt (${(err as Error).message.slice(0, 80)})`, rule: 'engine/unsupported-encoding' };
    }
  }
  return { ok: true, body: out, codings };
}

/** HTTP "deflate" is zlib-wrapped by the RFC, raw deflate by some servers: accept both. */
function inflateDeflate(body: Buffer, maxBytes: number): Buffer {
  try {
    return inflateSync(body, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw err;
    try {
      return inflateRawSync(body, { maxOutputLength: maxBytes });
    } catch (rawErr) {
      // A zlib stream that ran out (its header checked, then Z_BUF_ERROR) is truncated, whatever
      // reading it as raw deflate says; otherwise the raw reading's error is the one that applies.
      throw (err as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' ? err : rawErr;
    }
  }
}
