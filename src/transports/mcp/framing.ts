/**
 * Newline-delimited framing for MCP stdio (spec 2025-06-18, transports: "Messages are
 * delimited by newlines, and MUST NOT contain embedded newlines"). Bytes are split on 0x0A
 * before decoding, so a chunk boundary inside a multi-byte character changes nothing. The
 * buffer is bounded: a line longer than maxLineBytes is discarded up to its newline and
 * reported once, with its full length, when that newline (or the end of the stream) arrives.
 */

export type FrameEvent =
  | { readonly kind: 'line'; readonly text: string; readonly bytes: number }
  | { readonly kind: 'invalid-utf8'; readonly bytes: number }
  | { readonly kind: 'oversize'; readonly bytes: number };

const NEWLINE = 0x0a;

export class LineFramer {
  readonly #max: number;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #parts: Uint8Array[] = [];
  #length = 0;
  /** Bytes of the current line when it is being discarded (over the limit), else -1. */
  #discarding = -1;

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
      return;
    }
    if (this.#length + bytes.length > this.#max) {
      this.#discarding = this.#length + bytes.length;
      this.#parts = [];
      this.#length = 0;
      return;
    }
    // Copy: the caller may reuse its buffer.
    this.#parts.push(Uint8Array.prototype.slice.call(bytes));
    this.#length += bytes.length;
  }

  #finish(): FrameEvent | undefined {
    if (this.#discarding >= 0) {
      const bytes = this.#discarding;
      this.#discarding = -1;
      return { kind: 'oversize', bytes };
    }
    const bytes = this.#length;
    const line = this.#parts.length === 1 ? (this.#parts[0] as Uint8Array) : Buffer.concat(this.#parts, bytes);
    this.#parts = [];
    this.#length = 0;
    try {
      return { kind: 'line', text: this.#decoder.decode(line), bytes };
    } catch {
      return { kind: 'invalid-utf8', bytes };
    }
  }
}
