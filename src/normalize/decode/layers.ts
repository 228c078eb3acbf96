import type { Encoding, NormalizeLimits } from '../types.ts';
import { findBase32 } from './base32.ts';
import { findBase64 } from './base64.ts';
import { decodeEntities } from './entities.ts';
import { findHex } from './hex.ts';
import { decodeJsonEscapes } from './json-escapes.ts';
import { percentDecode, plusToSpace } from './url.ts';

export interface RawLayer {
  readonly chain: readonly Encoding[];
  readonly text: string;
}

interface Decoder {
  readonly encoding: Encoding;
  decode(text: string, limits: NormalizeLimits): string[];
}

const SPAN_OUTPUTS = 32;

/**
 * Span decoders return every decoded run joined into one layer: a body with many base64
 * values yields one `base64` layer holding all of them, so the layer count stays bounded
 * without dropping any value.
 */
const DECODERS: readonly Decoder[] = [
  {
    encoding: 'url',
    decode(text) {
      const out: string[] = [];
      const pct = percentDecode(text);
      if (pct !== null) out.push(pct);
      const plus = plusToSpace(pct ?? text);
      if (plus !== null) out.push(plus);
      return out;
    },
  },
  { encoding: 'html-entities', decode: (text) => one(decodeEntities(text)) },
  { encoding: 'json-escapes', decode: (text) => one(decodeJsonEscapes(text)) },
  {
    encoding: 'base64',
    decode(text, limits) {
      const hits = findBase64(text, limits.minEncodedRun, SPAN_OUTPUTS);
      return joined(hits.map((h) => h.text));
    },
  },
  { encoding: 'hex', decode: (text, limits) => joined(findHex(text, Math.ceil(limits.minEncodedRun / 2), SPAN_OUTPUTS)) },
  { encoding: 'base32', decode: (text, limits) => joined(findBase32(text, limits.minEncodedRun, SPAN_OUTPUTS)) },
];

function one(value: string | null): string[] {
  return value === null ? [] : [value];
}

function joined(values: readonly string[]): string[] {
  return values.length === 0 ? [] : [values.join('\n')];
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
  queue.unshift({ chain: [], text });
  while (queue.length > 0) {
    const item = queue.shift() as RawLayer;
    for (const decoder of DECODERS) {
      const outputs = decoder.decode(item.text, limits);
      if (outputs.length === 0) continue;
      if (item.chain.length >= limits.maxDepth) {
        truncated = true;
        break;
      }
      for (const out of outputs) admit({ chain: [...item.chain, decoder.encoding], text: out });
    }
  }
  return { layers, truncated };
}
