import type { Encoding, NormalizeLimits } from '../types.ts';
import { findBase32 } from './base32.ts';
import { findBase64 } from './base64.ts';
import { decodeEntities } from './entities.ts';
import { findHex } from './hex.ts';
import { decodeJsonEscapes } from './json-escapes.ts';
import { percentDecode, plusToSpace } from './url.ts';
import { isQuietShortText, shapeOf, unwrapBase64Lines } from './runs.ts';
import { despace, mayHoldCipher, reversedNamed, rot13Named } from './ciphers.ts';
import { inflateBase64Run, inflateHexRun, type Compression } from './compressed.ts';
import { prefixTrie, reversedPhrases, reversedTokens } from './reversed-tokens.ts';

export interface RawLayer {
  readonly chain: readonly Encoding[];
  readonly text: string;
}

/** Set by a decoder that had to stop at a candidate cap: the layer is incomplete. */
interface DecodeState {
  capped: boolean;
  /** Bytes compressed streams may still inflate to, for the whole text (the decoded-size budget). */
  budget: number;
}

interface Decoder {
  /** The encodings its outputs add to a chain: one, or two for a compressed stream inside base64 or hex. */
  readonly chain: readonly Encoding[];
  decode(text: string, limits: NormalizeLimits, state: DecodeState): string[];
  /** Read the input text (and seeds) only, not the layers decoded from it. */
  readonly rootOnly?: boolean;
}

/**
 * Candidate spans examined per text and decoder. The decoded-size budget is what bounds the
 * work; this cap only stops pathological inputs, and reaching it marks the result truncated
 * (which the engine turns into a blocking finding), never a silent skip.
 */
const MAX_CANDIDATES = 4096;
const SPAN_OUTPUTS = MAX_CANDIDATES;

function runs(text: string, minRun: number, state: DecodeState): readonly string[] {
  if (text.length < minRun) return [];
  const found = shapeOf(unwrapBase64Lines(text), minRun, MAX_CANDIDATES).runs;
  if (found.length > MAX_CANDIDATES) state.capped = true;
  return found.length > MAX_CANDIDATES ? found.slice(0, MAX_CANDIDATES) : found;
}

function hexRuns(text: string, minRun: number, state: DecodeState): readonly string[] {
  if (text.length < 16) return [];
  const found = shapeOf(unwrapBase64Lines(text), minRun, MAX_CANDIDATES).hex;
  if (found.length > MAX_CANDIDATES) state.capped = true;
  return found.length > MAX_CANDIDATES ? found.slice(0, MAX_CANDIDATES) : found;
}

/**
 * Span decoders return every decoded run joined into one layer: a body with many base64
 * values yields one `base64` layer holding all of them, so the layer count stays bounded
 * without dropping any value.
 */
const DECODERS: readonly Decoder[] = [
  {
    chain: ['url'],
    decode(text) {
      const out: string[] = [];
      const pct = percentDecode(text);
      if (pct !== null) out.push(pct);
      const plus = plusToSpace(pct ?? text);
      if (plus !== null) out.push(plus);
      return out;
    },
  },
  { chain: ['html-entities'], decode: (text) => one(decodeEntities(text)) },
  { chain: ['json-escapes'], decode: (text) => one(decodeJsonEscapes(text)) },
  {
    chain: ['base64'],
    decode(text, limits, state) {
      const out: string[] = [];
      for (const run of runs(text, limits.minEncodedRun, state)) {
        for (const h of findBase64(run, limits.minEncodedRun, SPAN_OUTPUTS)) if (out.length < SPAN_OUTPUTS) out.push(h.text);
      }
      return joined(out);
    },
  },
  {
    chain: ['hex'],
    decode: (text, limits, state) => joined(hexRuns(text, limits.minEncodedRun, state).flatMap((run) => findHex(run, Math.ceil(limits.minEncodedRun / 2), SPAN_OUTPUTS))),
  },
  {
    chain: ['base32'],
    decode: (text, limits, state) => joined(runs(text, limits.minEncodedRun, state).flatMap((run) => findBase32(run, limits.minEncodedRun, SPAN_OUTPUTS))),
  },
  // text games a model can be told to undo (ciphers.ts): spaced letters always (the runs only);
  // ROT13 and reversal around each place the input names them (not again in every decoded layer:
  // each would get a copy of its own, and a reading of a reading)
  { chain: ['letter-spacing'], decode: (text) => one(despace(text)) },
  { chain: ['rot13'], decode: (text) => one(rot13Named(text)), rootOnly: true },
  { chain: ['reversed'], decode: (text) => one(reversedNamed(text)), rootOnly: true },
  // a token written backwards without a word saying so: read when it ends with a credential prefix
  // reversed (reversed-tokens.ts), in every layer (a reversed key inside base64 too)
  {
    chain: ['reversed'],
    decode(text, limits, state) {
      const trie = limits.reversedPrefixes === undefined ? null : prefixTrie(limits.reversedPrefixes);
      if (trie === null) return [];
      const found = runs(text, limits.minEncodedRun, state);
      const tokens = found.length === 0 ? null : reversedTokens(unwrapBase64Lines(text), found, trie);
      const phrases = trie.phrases.length === 0 ? null : reversedPhrases(text, trie);
      return tokens === null ? one(phrases) : phrases === null ? [tokens] : [tokens, phrases];
    },
  },
  // compressed streams inside base64 or hex (compressed.ts), inflated under the decoded-size budget
  compressedIn('base64', 'gzip'),
  compressedIn('base64', 'zlib'),
  compressedIn('hex', 'gzip'),
  compressedIn('hex', 'zlib'),
];

function compressedIn(outer: 'base64' | 'hex', kind: Compression): Decoder {
  return {
    chain: [outer, kind],
    decode(text, limits, state) {
      const out: string[] = [];
      if (outer === 'base64') {
        for (const run of runs(text, limits.minEncodedRun, state)) if (out.length < SPAN_OUTPUTS) inflateBase64Run(run, kind, limits.minEncodedRun, state, out);
      } else {
        for (const run of hexRuns(text, limits.minEncodedRun, state)) if (out.length < SPAN_OUTPUTS) inflateHexRun(run, kind, limits.minEncodedRun, state, out);
      }
      return joined(out);
    },
  };
}

function one(value: string | null): string[] {
  return value === null ? [] : [value];
}

function joined(values: readonly string[]): string[] {
  return values.length === 0 ? [] : [values.join('\n')];
}

/**
 * Whether decodeLayers could find a layer in `text` (without a seed): false only for a short text
 * with nothing any decoder starts from (see isQuietShortText and mayHoldCipher).
 */
export function mayDecode(text: string, limits: NormalizeLimits): boolean {
  return !isQuietShortText(text, limits.minEncodedRun) || mayHoldCipher(text);
}

export interface LayerResult {
  readonly layers: RawLayer[];
  readonly truncated: boolean;
}

/**
 * Peels encodings breadth-first: each decoded output is decoded again until `maxDepth`,
 * `maxLayers` or `maxDecodedChars` is reached (then `truncated` is set). Identical outputs are
 * kept once, so a text cannot loop or fan out through equivalent decodings.
 */
export function decodeLayers(text: string, seed: readonly RawLayer[], limits: NormalizeLimits): LayerResult {
  // Fast path: a short text with nothing any decoder starts from (most header values and URL parts).
  if (seed.length === 0 && !mayDecode(text, limits)) return { layers: [], truncated: false };
  const state: DecodeState = { capped: false, budget: limits.maxDecodedChars };
  // The input's own decodings first, before any bookkeeping is made: most texts (a URL, a header
  // value) decode to nothing, and then nothing else is needed.
  let rootOutputs: (readonly string[])[] | undefined;
  let rootDecoders: Decoder[] | undefined;
  for (const decoder of DECODERS) {
    const outputs = decoder.decode(text, limits, state);
    if (outputs.length === 0) continue;
    (rootOutputs ??= []).push(outputs);
    (rootDecoders ??= []).push(decoder);
  }
  if (seed.length === 0 && rootOutputs === undefined) return { layers: [], truncated: state.capped };
  const layers: RawLayer[] = [];
  const seen = new Set<string>([text]);
  let budget = limits.maxDecodedChars;
  let truncated = false;
  const queue: RawLayer[] = [];
  const admit = (layer: RawLayer): void => {
    if (seen.has(layer.text)) return;
    if (layers.length >= limits.maxLayers || layer.text.length > budget) {
      truncated = true;
      return;
    }
    seen.add(layer.text);
    budget -= layer.text.length;
    layers.push(layer);
    queue.push(layer);
  };
  for (const s of seed) admit(s);
  // The input is decoded first (its outputs are known), then the queue breadth-first.
  for (let k = 0; rootOutputs !== undefined && k < rootOutputs.length; k++) {
    if (limits.maxDepth <= 0) {
      truncated = true;
      break;
    }
    for (const out of rootOutputs[k]!) admit({ chain: rootDecoders![k]!.chain, text: out });
  }
  while (queue.length > 0) {
    const item = queue.shift() as RawLayer;
    for (const decoder of DECODERS) {
      if (decoder.rootOnly === true && item.chain.length > 0 && !seed.includes(item)) continue;
      const outputs = decoder.decode(item.text, limits, state);
      if (outputs.length === 0) continue;
      // past the depth limit only a reading not seen yet is lost (a decoding that gives back a
      // known text, such as a second reversal, loses nothing)
      if (item.chain.length >= limits.maxDepth) {
        if (outputs.some((out) => !seen.has(out))) {
          truncated = true;
          break;
        }
        continue;
      }
      for (const out of outputs) admit({ chain: [...item.chain, ...decoder.chain], text: out });
    }
  }
  return { layers, truncated: truncated || state.capped };
}
