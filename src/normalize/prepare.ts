import type { EvasionSignals, NormalizeLimits, Prepared } from './types.ts';
import { DEFAULT_NORMALIZE_LIMITS } from './types.ts';

// Provisional implementation (replaced by the full pipeline): strips nothing but NFKC, no layers.
export function prepare(raw: string, limits: NormalizeLimits = DEFAULT_NORMALIZE_LIMITS): Prepared {
  void limits;
  const clean = raw.normalize('NFKC');
  const folded = clean.toLowerCase().replace(/\s+/g, ' ');
  const signals: EvasionSignals = { zeroWidth: 0, bidi: 0, tags: 0, variationSelectors: 0, confusables: 0, combining: 0 };
  return { raw, clean, folded, leet: folded, layers: [], signals, decodeTruncated: false };
}
