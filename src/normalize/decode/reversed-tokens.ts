// Credentials written backwards with no word saying so. Reversing every text would double the work
// for every scanner and read every sentence as another one, so only a token-shaped run (the base64
// alphabet runs the decoders already list) whose reversal begins with a credential prefix is read
// backwards: the run ends, case aside, with a prefix reversed (`…321_phg`, `…-tna-ks`). The prefixes
// are given by the caller (the engine passes the DLP rules' keywords, `NormalizeLimits.reversedPrefixes`);
// what the reversed token is, DLP then decides with its own rules and checks. A reversed sentence has
// no such run: its words are short and end in reversed words, not reversed prefixes.

/** Characters a token that ends a reversed run may also hold further left: a JWT's dots, padding. */
function isTokenExtension(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x2f || c === 0x3d || c === 0x5f || c === 0x7e
  );
}

/** Longest token read backwards (a JWT or a long connection token fits; the budget binds anyway). */
const MAX_TOKEN = 4096;
/** Shortest prefix used: a two-letter prefix ends one random run in a thousand. */
const MIN_PREFIX = 3;

interface Node {
  readonly next: Map<number, Node>;
  terminal: boolean;
}

/**
 * A trie of the prefixes read from their first character, walked from a run's end leftwards; and the
 * phrases among them (a keyword of words, `private key`) written backwards, in lower and upper case.
 */
export interface PrefixTrie {
  readonly root: Node;
  readonly phrases: readonly string[];
}

/** Shortest phrase looked for backwards: a PEM header's `private key` has 11 characters. */
const MIN_PHRASE = 8;

const TRIES = new WeakMap<readonly string[], PrefixTrie | null>();

/**
 * The trie of `prefixes` (lower case; kept: at least MIN_PREFIX characters, all of them token
 * characters), built once per list.
 */
export function prefixTrie(prefixes: readonly string[]): PrefixTrie | null {
  let trie = TRIES.get(prefixes);
  if (trie !== undefined) return trie;
  const root: Node = { next: new Map(), terminal: false };
  const phrases: string[] = [];
  let any = false;
  for (const p of prefixes) {
    const words = p.trim();
    if (words.length >= MIN_PHRASE && words.includes(' ')) {
      const backwards = [...words].reverse().join('');
      phrases.push(backwards, backwards.toUpperCase());
      any = true;
      continue;
    }
    if (p.length < MIN_PREFIX) continue;
    let ok = true;
    for (let i = 0; i < p.length && ok; i++) ok = isTokenExtension(p.charCodeAt(i)) && !(p.charCodeAt(i) >= 0x41 && p.charCodeAt(i) <= 0x5a);
    if (!ok) continue;
    let node = root;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      let child = node.next.get(c);
      if (!child) node.next.set(c, (child = { next: new Map(), terminal: false }));
      node = child;
    }
    node.terminal = true;
    any = true;
  }
  trie = any ? { root, phrases } : null;
  TRIES.set(prefixes, trie);
  return trie;
}

/** Whether text[…, end) ends with a prefix written backwards (ASCII letters compared without case). */
function endsWithReversedPrefix(text: string, end: number, trie: PrefixTrie): boolean {
  let node: Node | undefined = trie.root;
  for (let i = end - 1; i >= 0; i--) {
    let c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    node = node.next.get(c);
    if (node === undefined) return false;
    if (node.terminal) return true;
  }
  return false;
}

/** The stretch read backwards around a phrase written backwards: a PEM block of a 4096-bit key fits. */
const PHRASE_REACH = 4096;
/** Phrases read per text. */
const MAX_PHRASES = 16;

/**
 * The stretches of `text` around each phrase written backwards (`YEK ETAVIRP` of a PEM block
 * reversed line by line and character by character), PHRASE_REACH either side, overlapping ones
 * merged, each read backwards; null when the text holds none. A few native searches per text.
 */
export function reversedPhrases(text: string, trie: PrefixTrie): string | null {
  const spans: [number, number][] = [];
  for (const phrase of trie.phrases) {
    for (let at = text.indexOf(phrase); at >= 0 && spans.length < MAX_PHRASES; at = text.indexOf(phrase, at + phrase.length)) {
      spans.push([Math.max(0, at - PHRASE_REACH), Math.min(text.length, at + phrase.length + PHRASE_REACH)]);
    }
  }
  if (spans.length === 0) return null;
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged.map(([s, e]) => [...text.slice(s, e)].reverse().join('')).join('\n');
}

/**
 * The reversals of the tokens in `text` that end (at the end of one of `runs`, base64-alphabet runs
 * of `text`, `=` padding aside) with a reversed prefix; each token extends left over the characters
 * a token holds, at most MAX_TOKEN. One per line; null when there is none.
 */
export function reversedTokens(text: string, runs: readonly string[], trie: PrefixTrie): string | null {
  let out: string[] | null = null;
  let from = 0;
  for (const run of runs) {
    let end = run.length;
    while (end > 0 && run.charCodeAt(end - 1) === 0x3d) end--;
    if (!endsWithReversedPrefix(run, end, trie)) continue;
    const at = text.indexOf(run, from);
    const pos = at >= 0 ? at : text.indexOf(run);
    if (pos < 0) continue;
    from = pos + run.length;
    const stop = pos + end;
    let start = pos;
    while (start > 0 && stop - start < MAX_TOKEN && isTokenExtension(text.charCodeAt(start - 1))) start--;
    let reversed = '';
    for (let i = stop - 1; i >= start; i--) reversed += text.charAt(i);
    (out ??= []).push(reversed);
  }
  return out === null ? null : out.join('\n');
}
