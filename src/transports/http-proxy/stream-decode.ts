// Content-coding decoders for bodies that are relayed as they arrive (event streams): the same
// codings bodies.ts undoes for whole bodies, as streams. The caller bounds what comes out (per
// event and per stream); an unknown coding is refused here, and a corrupt or truncated stream is
// an error on the decoder, never bytes passed on undecoded.
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

export type StreamDecoders = { ok: true; decoders: Transform[] } | { ok: false; reason: string };

/** Decoders for a Content-Encoding list, in the order to apply them (the reverse of encoding). */
export function streamDecoders(header: string | undefined): StreamDecoders {
  const codings = (header ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c.length > 0 && c !== 'identity');
  if (codings.length > 4) return { ok: false, reason: `${codings.length} stacked content codings` };
  const decoders: Transform[] = [];
  for (const coding of [...codings].reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(createGunzip());
    // RFC 9110 §8.4.1.2: zlib-wrapped. Raw deflate (which some servers send) fails as corrupt.
    else if (coding === 'deflate') decoders.push(createInflate());
    else if (coding === 'br') decoders.push(createBrotliDecompress());
    else return { ok: false, reason: `unknown content coding "${coding.slice(0, 40)}"` };
  }
  return { ok: true, decoders };
}
