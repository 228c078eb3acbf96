/**
 * Newline-delimited framing for MCP stdio (spec 2025-06-18, transports: "Messages are
 * delimited by newlines, and MUST NOT contain embedded newlines"). Bytes are split on 0x0A
 * before decoding, so a chunk boundary inside a multi-byte character changes nothing. The
 * buffer is bounded: a line longer than maxLineBytes is discarded up to its newline and
 * reported once, with its full length, when that newline (or the end of the stream) arrives.
 * An unreadable line comes with the bytes a JSON-RPC id may be read from (recover-id.ts): the
 * whole line when it is not UTF-8 (it is held anyway), the first and last ID_WINDOW bytes of an
 * oversized one (all that is kept of it).
 */

import { ID_WINDOW } from './recover-id.ts';

export type FrameEvent =
  | { readonly kind: 'line'; readonly text: string; readonly bytes: number }
  | { readonly kind: 'invalid-utf8'; readonly bytes: number; readonly raw: Uint8Array }
  | { readonly kind: 'oversize'; readonly bytes: number; readonly head: Uint8Array; readonly tail: Uint8Array };

const NEWLINE = 0x0a;

export class LineFramer {
  readonly #max: number;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #parts: Uint8Array[] = [];
  #length = 0;
  /** Bytes of the current line when it is being discarded (over the limit), else -1. */
  #discarding = -1;
  /** Of a line being discarded: its first ID_WINDOW bytes, and its last ones so far. */
  #head: Uint8Array = new Uint8Array(0);
  #headLength = 0;
  #tail: TailWindow | undefined;

  constructor(maxLineBytes: number) {
    this.#max = maxLineBytes;
  }

  /** Feeds a chunk; returns the events of every line it completes. */
  push(chunk: Uint8Array): FrameEvent[] {
    const out: FrameEvent[] = [];
    let at = 0;
    while (at < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, at);
      const end = nl < 0 ? chunk.length : nl;
      this.#take(chunk.subarray(at, end));
      if (nl < 0) break;
      const ev = this.#finish();
      if (ev) out.push(ev);
      at = nl + 1;
    }
    return out;
  }

  /** The end of the stream: a last line without its newline is still a line. */
  end(): FrameEvent[] {
    if (this.#discarding < 0 && this.#length === 0) return [];
    const ev = this.#finish();
    return ev ? [ev] : [];
  }

  #take(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.#discarding >= 0) {
      this.#discarding += bytes.length;
      this.#fillHead(bytes);
      this.#tail?.push(bytes);
      return;
    }
    if (this.#length + bytes.length > this.#max) {
      this.#discarding = this.#length + bytes.length;
      const all = [...this.#parts, bytes];
      this.#head = new Uint8Array(ID_WINDOW);
      this.#headLength = 0;
      for (const p of all) if (!this.#fillHead(p)) break;
      this.#tail = new TailWindow(ID_WINDOW);
      // Only the parts the window can still hold are pushed (from the last one back).
      let from = all.length;
      for (let have = 0; from > 0 && have < ID_WINDOW; ) have += (all[--from] as Uint8Array).length;
      for (let i = from; i < all.length; i++) this.#tail.push(all[i] as Uint8Array);
      this.#parts = [];
      this.#length = 0;
      return;
    }
    // Copy: the caller may reuse its buffer.
    this.#parts.push(Uint8Array.prototype.slice.call(bytes));
    this.#length += bytes.length;
  }

  /** Adds to the first bytes kept of a line being discarded; false once they are complete. */
  #fillHead(bytes: Uint8Array): boolean {
    const room = this.#head.length - this.#headLength;
    if (room <= 0) return false;
    const take = Math.min(room, bytes.length);
    this.#head.set(bytes.subarray(0, take), this.#headLength);
    this.#headLength += take;
    return this.#headLength < this.#head.length;
  }

  #finish(): FrameEvent | undefined {
    if (this.#discarding >= 0) {
      const bytes = this.#discarding;
      const ev: FrameEvent = { kind: 'oversize', bytes, head: this.#head.subarray(0, this.#headLength), tail: this.#tail?.bytes() ?? new Uint8Array(0) };
      this.#discarding = -1;
      this.#head = new Uint8Array(0);
      this.#headLength = 0;
      this.#tail = undefined;
      return ev;
    }
    const bytes = this.#length;
    const line = this.#parts.length === 1 ? (this.#parts[0] as Uint8Array) : Buffer.concat(this.#parts, bytes);
    this.#parts = [];
    this.#length = 0;
    try {
      return { kind: 'line', text: this.#decoder.decode(line), bytes };
    } catch {
      return { kind: 'invalid-utf8', bytes, raw: line };
    }
  }
}

/**
 * The last `size` bytes of a stream, in a buffer of twice that: bytes are appended, and only when
 * it is full are the last `size` moved to its front, so keeping them costs O(1) a byte however
 * small the chunks.
 */
class TailWindow {
  readonly #size: number;
  readonly #buf: Uint8Array;
  #len = 0;

  constructor(size: number) {
    this.#size = size;
    this.#buf = new Uint8Array(2 * size);
  }

  push(bytes: Uint8Array): void {
    if (bytes.length >= this.#size) {
      this.#buf.set(bytes.subarray(bytes.length - this.#size), 0);
      this.#len = this.#size;
      return;
    }
    if (this.#len + bytes.length > this.#buf.length) {
      this.#buf.copyWithin(0, this.#len - this.#size, this.#len);
      this.#len = this.#size;
    }
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  /** A copy of the last `size` bytes pushed. */
  bytes(): Uint8Array {
    return this.#buf.slice(Math.max(0, this.#len - this.#size), this.#len);
  }
}
