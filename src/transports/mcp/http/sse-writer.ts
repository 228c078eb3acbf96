// The client's side of a relayed event stream: event-stream text goes out as soon as it is judged,
// except once the upstream's answer has arrived whole. Then nothing more is waited for, and the
// rest is held to go out with the end of the answer: one write (and one wake-up of the client)
// instead of one for the events and another for the end.

/** What SseWriter writes to (a ServerResponse). */
export interface TextSink {
  readonly destroyed: boolean;
  write(text: string): unknown;
}

export class SseWriter {
  readonly #sink: TextSink;
  readonly #complete: () => boolean;
  readonly #maxHeld: number;
  #held = '';

  /**
   * @param complete whether the upstream answer has been read whole (IncomingMessage.complete)
   * @param maxHeld text held back at most; past it, what is held goes out at once
   */
  constructor(sink: TextSink, complete: () => boolean, maxHeld: number) {
    this.#sink = sink;
    this.#complete = complete;
    this.#maxHeld = maxHeld;
  }

  /** Sends text now, or holds it when the upstream answer is complete (always in order). */
  send(text: string): void {
    if (text.length === 0 || this.#sink.destroyed) return;
    if (this.#complete() && this.#held.length + text.length <= this.#maxHeld) {
      this.#held += text;
      return;
    }
    if (this.#held.length > 0) {
      this.#sink.write(this.#held);
      this.#held = '';
    }
    this.#sink.write(text);
  }

  /** What is held, for the caller to end the answer with (empty when the client is gone); held no more. */
  take(): string {
    const text = this.#sink.destroyed ? '' : this.#held;
    this.#held = '';
    return text;
  }
}
