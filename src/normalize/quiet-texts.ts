/**
 * A bounded memo of short texts that a pure, deterministic check found nothing in, so that a value
 * repeated across requests (a Content-Type, a Host, a URL part) is not checked again. Only the
 * owner's own check may add to it, and only with that check's verdict of "nothing here": a text
 * that is not in the set is simply checked, so a miss or an eviction costs time, never detection.
 *
 * Bounded: texts longer than `maxChars` are never kept, and the set is emptied when it holds
 * `maxEntries`, so it never holds more than maxEntries × maxChars characters. Kept texts are
 * copied first: a short slice of a large body would otherwise keep the whole body alive.
 */
export class QuietTexts {
  readonly #set = new Set<string>();

  constructor(
    readonly maxChars = 256,
    readonly maxEntries = 2048,
  ) {}

  has(text: string): boolean {
    return text.length <= this.maxChars && this.#set.has(text);
  }

  add(text: string): void {
    if (text.length > this.maxChars || this.#set.has(text)) return;
    if (this.#set.size >= this.maxEntries) this.#set.clear();
    this.#set.add(detach(text));
  }

  get size(): number {
    return this.#set.size;
  }
}

/**
 * A copy of `text` that shares no storage with the string it came from. V8 makes a substring of
 * 13 or more characters a view into its parent; concatenating and slicing flattens into a new string.
 */
function detach(text: string): string {
  return ` ${text}`.slice(1);
}
