// The running text of an event stream, for scanning across events. An LLM streaming API sends a
// few characters per event inside JSON (`choices[0].delta.content`, `delta.text`, `delta`,
// `response`, …), so an instruction or a credential is whole only when the pieces are joined.
// Each event is scanned on its own as well; this window only catches what straddles events.

/** Keys whose string values carry streamed text in the common LLM streaming formats. */
const TEXT_KEYS = new Set([
  'text', // Anthropic delta.text, Gemini parts[].text, TGI token.text, Cohere
  'content', // OpenAI choices[].delta.content, Ollama message.content
  'delta', // OpenAI Responses API output_text deltas
  'response', // Ollama /api/generate
  'completion',
  'partial_json', // Anthropic tool-use input deltas
  'arguments', // OpenAI tool_calls[].function.arguments
  'thinking',
  'reasoning',
  'reasoning_content',
]);

const MAX_DEPTH = 12;
const MAX_NODES = 512;

/** Parses event data that looks like JSON; undefined when it is not JSON. */
export function jsonOf(data: string): unknown {
  let i = 0;
  while (i < data.length && (data.charCodeAt(i) === 0x20 || data.charCodeAt(i) === 0x09)) i++;
  const c = data.charCodeAt(i);
  if (c !== 0x7b && c !== 0x5b) return undefined; // { or [
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

/** The streamed text in one JSON event: string values under TEXT_KEYS, in document order (bounded walk). */
export function streamedText(value: unknown): string {
  const parts: string[] = [];
  let nodes = 0;
  const walk = (v: unknown, key: string | undefined, depth: number): void => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) return;
    if (typeof v === 'string') {
      if (key !== undefined && TEXT_KEYS.has(key)) parts.push(v);
      return;
    }
    if (Array.isArray(v)) {
      for (const item of v) walk(item, key, depth + 1);
      return;
    }
    if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) walk(item, k, depth + 1);
    }
  };
  walk(value, undefined, 0);
  return parts.join('');
}

/** What stands for the middle of a long piece in a joined text (that middle is scanned with its own event). */
const CUT = '\n\n';

/** One event's share of the stream's text, and what joins it to the text before it. */
export interface StreamPiece {
  readonly text: string;
  readonly separator: string;
}

/**
 * A bounded window over a stream's text. `add` returns the text to scan for what straddles the
 * previous events and this one (the window before it plus the start of the new piece), or
 * undefined when there is nothing before it to join with. `addAll` does the same for the events
 * of one read at once, so a read of many small events costs one scan, not one per event.
 */
export class StreamWindow {
  readonly #max: number;
  #tail = '';

  constructor(maxChars: number) {
    this.#max = maxChars;
  }

  /** A window holding the same text, that goes on apart from this one. */
  copy(): StreamWindow {
    const w = new StreamWindow(this.#max);
    w.#tail = this.#tail;
    return w;
  }

  add(piece: string, separator: string): string | undefined {
    if (this.#max === 0 || piece.length === 0) return undefined;
    const prior = this.#tail;
    this.#append(piece, separator);
    return prior.length > 0 ? prior + separator + piece.slice(0, this.#max) : undefined;
  }

  /**
   * Adds the pieces in order and returns one text holding every text `add` would have returned for
   * them (the window before the first, then each piece whole, or its first and last maxChars when
   * it is longer than twice that), or undefined when there is nothing to join (no window before, and
   * at most one piece). Its length is at most maxChars plus, per piece, its separator and
   * min(its length, 2 × maxChars + 2).
   */
  addAll(pieces: readonly StreamPiece[]): string | undefined {
    if (this.#max === 0) return undefined;
    const live = pieces.filter((p) => p.text.length > 0);
    if (live.length === 0) return undefined;
    let out = this.#tail;
    const join = out.length > 0 || live.length > 1;
    for (const p of live) {
      const t = p.text.length > 2 * this.#max ? p.text.slice(0, this.#max) + CUT + p.text.slice(-this.#max) : p.text;
      out = out.length > 0 ? out + p.separator + t : t;
      this.#append(p.text, p.separator);
    }
    return join ? out : undefined;
  }

  #append(piece: string, separator: string): void {
    const joined = this.#tail.length > 0 ? this.#tail + separator : '';
    this.#tail = (joined + (piece.length > this.#max ? piece.slice(-this.#max) : piece)).slice(-this.#max);
  }
}
