/**
 * Server-sent events (HTML Living Standard, "Interpreting an event stream"): an incremental
 * parser with a bounded buffer, shared by the MCP Streamable HTTP listener and the HTTP proxy's
 * per-event SSE relay. Lines end in CRLF, LF or CR; bytes are split before decoding, so a chunk
 * boundary inside a character changes nothing. An event larger than the limit is discarded up to
 * its blank line without being held, and reported once with its size.
 */

export type SseEvent =
  | {
      readonly kind: 'event';
      /** The data lines joined with "\n"; undefined when the event had no data field. */
      readonly data: string | undefined;
      /** The event type, when the event named one. */
      readonly type: string | undefined;
      /** The id field of this event, when it had a usable one. */
      readonly id: string | undefined;
      readonly retry: number | undefined;
      readonly bytes: number;
    }
  /** A comment-only block (keep-alive). Its text is not kept. */
  | { readonly kind: 'comment' }
  | { readonly kind: 'oversize'; readonly bytes: number; readonly id: string | undefined }
  | { readonly kind: 'invalid-utf8'; readonly bytes: number; readonly id: string | undefined };

const LF = 0x0a;
const CR = 0x0d;
/** Longest event id relayed (they are cursors, not content). */
export const MAX_EVENT_ID = 1024;
const MAX_RETRY_MS = 24 * 3600 * 1000;
/** Bytes of one line kept while an event is discarded: enough for its id field. */
const ID_LINE_MAX = MAX_EVENT_ID + 8;

/** The index of the next `byte` at or after `from`, or chunk.length when there is none. */
function nextByte(chunk: Uint8Array, byte: number, from: number): number {
  const i = chunk.indexOf(byte, from);
  return i < 0 ? chunk.length : i;
}

function isDigits(s: string, max: number): boolean {
  if (s.length === 0 || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

// ignoreBOM: a mark is removed only where the stream starts (SseParser), never from every line.
// Lines are decoded whole (never with { stream: true }), and a non-streaming decode starts afresh
// every call (WHATWG Encoding), so one decoder serves every parser: a decoder with ignoreBOM set
// costs about ten times a line's decoding the first time it is used, once per event stream.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class SseParser {
  readonly #max: number;
  /** The current line's bytes (while discarding, only as much as an id line can need). */
  #line: Uint8Array[] = [];
  #lineLength = 0;
  /** The current line was too long to keep (only while discarding an event). */
  #lineDropped = false;
  /** A CR ended the previous chunk: an LF starting the next one belongs to it. */
  #afterCr = false;
  #firstLine = true;
  // The event being read.
  #bytes = 0;
  #data: string[] = [];
  #type: string | undefined;
  #id: string | undefined;
  #retry: number | undefined;
  #fields = false;
  #comment = false;
  /** Why the current event is being discarded, if it is. */
  #discard: 'oversize' | 'invalid-utf8' | undefined;

  constructor(maxEventBytes: number) {
    this.#max = maxEventBytes;
  }

  /**
   * Why the event being read is being discarded (over the limit, or not UTF-8), as soon as that is
   * known and before its blank line reports it; undefined while the event is kept. A relay that
   * ends the stream at such an event need not wait for an end that may never come.
   */
  get discarding(): 'oversize' | 'invalid-utf8' | undefined {
    return this.#discard;
  }

  /** Feeds a chunk; returns every event it completes. */
  push(chunk: Uint8Array): SseEvent[] {
    const out: SseEvent[] = [];
    let at = 0;
    if (this.#afterCr && chunk.length > 0) {
      this.#afterCr = false;
      if (chunk[0] === LF) at = 1;
    }
    // The next LF and CR at or after `at` (chunk.length: none left), each looked up again only
    // once the scan has passed it: native searches, and every byte read a bounded number of times
    // however the line ends mix (a stream with no CR at all costs one search for it per chunk).
    let lf = -1;
    let cr = -1;
    while (at < chunk.length) {
      if (lf < at) lf = nextByte(chunk, LF, at);
      if (cr < at) cr = nextByte(chunk, CR, at);
      let end = lf < cr ? lf : cr;
      this.#take(chunk.subarray(at, end));
      if (end >= chunk.length) break;
      if (chunk[end] === CR) {
        if (end + 1 >= chunk.length) this.#afterCr = true;
        else if (chunk[end + 1] === LF) end++;
      }
      const ev = this.#lineDone();
      if (ev) out.push(ev);
      at = end + 1;
    }
    return out;
  }

  /** The end of the stream: an event without its closing blank line is not dispatched (as the standard says). */
  end(): SseEvent[] {
    this.#clearLine();
    this.#resetEvent();
    return [];
  }

  #take(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#bytes += bytes.length;
    if (this.#discard === undefined && this.#bytes > this.#max) this.#startDiscard('oversize');
    if (this.#discard !== undefined) {
      if (this.#lineDropped) return;
      if (this.#lineLength + bytes.length > ID_LINE_MAX) {
        this.#clearLine();
        this.#lineDropped = true;
        return;
      }
    }
    // Copy: the caller may reuse its buffer.
    this.#line.push(Uint8Array.prototype.slice.call(bytes));
    this.#lineLength += bytes.length;
  }

  #startDiscard(why: 'oversize' | 'invalid-utf8'): void {
    this.#discard = why;
    this.#data = [];
    if (this.#lineLength > ID_LINE_MAX) {
      this.#clearLine();
      this.#lineDropped = true;
    }
  }

  #clearLine(): void {
    this.#line = [];
    this.#lineLength = 0;
    this.#lineDropped = false;
  }

  #resetEvent(): void {
    this.#bytes = 0;
    this.#data = [];
    this.#type = undefined;
    this.#id = undefined;
    this.#retry = undefined;
    this.#fields = false;
    this.#comment = false;
    this.#discard = undefined;
  }

  #lineDone(): SseEvent | undefined {
    const { length, parts, dropped } = { length: this.#lineLength, parts: this.#line, dropped: this.#lineDropped };
    this.#clearLine();
    const first = this.#firstLine;
    this.#firstLine = false;
    if (length === 0 && !dropped) return this.#dispatch();
    this.#bytes += 1;
    if (this.#discard === undefined && this.#bytes > this.#max) this.#startDiscard('oversize');
    if (dropped) return undefined;
    let text: string;
    try {
      text = UTF8.decode(parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts, length));
    } catch {
      if (this.#discard === undefined) this.#startDiscard('invalid-utf8');
      return undefined;
    }
    // A byte order mark may open the stream, and only there.
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    this.#field(text);
    return undefined;
  }

  #field(line: string): void {
    if (line.startsWith(':')) {
      this.#comment = true;
      return;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (name) {
      case 'data':
        this.#fields = true;
        if (this.#discard === undefined) this.#data.push(value);
        return;
      case 'event':
        this.#fields = true;
        this.#type = value.slice(0, 128);
        return;
      case 'id':
        this.#fields = true;
        if (!value.includes('\0') && value.length <= MAX_EVENT_ID && value.length > 0) this.#id = value;
        return;
      case 'retry':
        this.#fields = true;
        if (isDigits(value, 9)) this.#retry = Math.min(Number(value), MAX_RETRY_MS);
        return;
      default:
        // Unknown fields are ignored (the standard), and never relayed.
        return;
    }
  }

  #dispatch(): SseEvent | undefined {
    const bytes = this.#bytes;
    let ev: SseEvent | undefined;
    if (this.#discard !== undefined) {
      ev = { kind: this.#discard, bytes, id: this.#id };
    } else if (this.#fields) {
      ev = { kind: 'event', data: this.#data.length > 0 ? this.#data.join('\n') : undefined, type: this.#type, id: this.#id, retry: this.#retry, bytes };
    } else if (this.#comment) {
      ev = { kind: 'comment' };
    }
    this.#resetEvent();
    return ev;
  }
}
