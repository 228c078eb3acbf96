// The keyword prefilter: one linear pass (an Aho–Corasick automaton over case-folded ASCII) tells
// which rule keywords occur in a text, so a rule's regex runs only where its keyword is present.
// A text costs one table lookup per UTF-16 unit, whatever the number of keywords.

const ALPHABET = 128;

export class KeywordMatcher {
  readonly keywords: readonly string[];
  readonly #delta: Int32Array;
  /** For each state, the keyword ids it completes (own and inherited through failure links). */
  readonly #outputs: (readonly number[] | undefined)[];

  constructor(keywords: readonly string[]) {
    this.keywords = keywords;
    // 1. Trie.
    const gotoRows: Int32Array[] = [new Int32Array(ALPHABET).fill(-1)];
    const outputs: number[][] = [[]];
    keywords.forEach((kw, id) => {
      let s = 0;
      for (let i = 0; i < kw.length; i++) {
        const c = fold(kw.charCodeAt(i));
        const row = gotoRows[s] as Int32Array;
        let next = row[c] as number;
        if (next < 0) {
          next = gotoRows.length;
          row[c] = next;
          gotoRows.push(new Int32Array(ALPHABET).fill(-1));
          outputs.push([]);
        }
        s = next;
      }
      (outputs[s] as number[]).push(id);
    });
    // 2. Failure links by breadth-first search, completing the transition table into a DFA.
    const n = gotoRows.length;
    const delta = new Int32Array(n * ALPHABET);
    const fail = new Int32Array(n);
    const queue: number[] = [];
    const root = gotoRows[0] as Int32Array;
    for (let c = 0; c < ALPHABET; c++) {
      const next = root[c] as number;
      if (next > 0) {
        fail[next] = 0;
        delta[c] = next;
        queue.push(next);
      } else delta[c] = 0;
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi] as number;
      const f = fail[s] as number;
      const inherited = outputs[f] as number[];
      if (inherited.length > 0) (outputs[s] as number[]).push(...inherited);
      const row = gotoRows[s] as Int32Array;
      for (let c = 0; c < ALPHABET; c++) {
        const next = row[c] as number;
        if (next > 0) {
          fail[next] = delta[f * ALPHABET + c] as number;
          delta[s * ALPHABET + c] = next;
          queue.push(next);
        } else delta[s * ALPHABET + c] = delta[f * ALPHABET + c] as number;
      }
    }
    this.#delta = delta;
    this.#outputs = outputs.map((o) => (o.length > 0 ? o : undefined));
  }

  /** Marks `found[id] = 1` for every keyword occurring in `text`; returns how many distinct keywords were found. */
  scan(text: string, found: Uint8Array): number {
    const delta = this.#delta;
    const outputs = this.#outputs;
    const total = this.keywords.length;
    let distinct = 0;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c >= ALPHABET) c = 0;
      else if (c >= 65 && c <= 90) c += 32;
      s = delta[s * ALPHABET + c] as number;
      const out = outputs[s];
      if (out !== undefined) {
        for (const id of out) {
          if (found[id] === 0) {
            found[id] = 1;
            distinct++;
          }
        }
        if (distinct === total) break;
      }
    }
    return distinct;
  }
}

function fold(c: number): number {
  if (c >= ALPHABET) return 0;
  return c >= 65 && c <= 90 ? c + 32 : c;
}
