// Shannon entropy helpers shared by the entropy, split-secrets and known-secrets scanners.
// Pure arithmetic over UTF-16 code units: no regexes, no allocation proportional to the alphabet
// beyond one small counting table per call.

const counts = new Int32Array(128);

/** Shannon entropy in bits per character of text[start, end). Empty spans have entropy 0. */
export function shannonEntropy(text: string, start = 0, end = text.length): number {
  const lo = Math.max(0, start);
  const hi = Math.min(text.length, end);
  const n = hi - lo;
  if (n <= 0) return 0;
  counts.fill(0);
  let other: Map<number, number> | undefined;
  for (let i = lo; i < hi; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) counts[c]! += 1;
    else {
      other ??= new Map();
      other.set(c, (other.get(c) ?? 0) + 1);
    }
  }
  let h = 0;
  for (let c = 0; c < 128; c++) {
    const k = counts[c]!;
    if (k > 0) {
      const p = k / n;
      h -= p * Math.log2(p);
    }
  }
  if (other) {
    for (const k of other.values()) {
      const p = k / n;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

const expectedCache = new Map<number, number>();
const MAX_EXACT_LENGTH = 2048;

/**
 * The expected plug-in Shannon entropy (bits/char) of a string of `length` characters drawn
 * uniformly from an alphabet of `alphabet` symbols. Exact, by linearity of expectation: each
 * symbol's count is Binomial(length, 1/alphabet). Short strings cannot reach log2(alphabet)
 * (at most log2(length)), which is why fixed bits-per-char thresholds misjudge short tokens.
 */
export function expectedRandomEntropy(length: number, alphabet: number): number {
  const n = Math.min(Math.max(1, Math.floor(length)), MAX_EXACT_LENGTH);
  const k = Math.max(2, Math.floor(alphabet));
  const key = n * 1024 + Math.min(k, 1023);
  const hit = expectedCache.get(key);
  if (hit !== undefined) return hit;
  const p = 1 / k;
  const q = 1 - p;
  // pmf(c) computed in log space so long strings do not underflow.
  const logP = Math.log(p);
  const logQ = Math.log(q);
  let logBinom = 0; // log C(n, c)
  let sum = 0;
  for (let c = 1; c <= n; c++) {
    logBinom += Math.log((n - c + 1) / c);
    const pmf = Math.exp(logBinom + c * logP + (n - c) * logQ);
    if (pmf > 0) {
      const f = c / n;
      sum += pmf * -f * Math.log2(f);
    }
  }
  const value = k * sum;
  expectedCache.set(key, value);
  return value;
}

/** The character classes a token-ish run can be drawn from, smallest first. */
export type RunAlphabet = 'digits' | 'hex' | 'base32' | 'alnum-lower' | 'letters' | 'alnum' | 'base64' | 'other';

export const ALPHABET_SIZE: Readonly<Record<RunAlphabet, number>> = {
  digits: 10,
  hex: 16,
  base32: 32,
  'alnum-lower': 36,
  letters: 52,
  alnum: 62,
  base64: 64,
  other: 96,
};

export interface RunProfile {
  readonly alphabet: RunAlphabet;
  readonly length: number;
  readonly digits: number;
  readonly upper: number;
  readonly lower: number;
  readonly entropy: number;
  /** entropy / expected entropy of a random string of the same length over the same alphabet. */
  readonly randomness: number;
}

/** Classifies text[start, end) (trailing '=' padding ignored) and measures how random it looks. */
export function profileRun(text: string, start = 0, end = text.length): RunProfile {
  let hi = Math.min(text.length, end);
  const lo = Math.max(0, start);
  while (hi > lo && text.charCodeAt(hi - 1) === 0x3d) hi--;
  let digits = 0;
  let upper = 0;
  let lower = 0;
  let hexLetterLower = 0;
  let hexLetterUpper = 0;
  let b32Lower = 0;
  let b32Upper = 0;
  let b64Extra = 0;
  let otherChars = 0;
  let digit0189 = 0;
  for (let i = lo; i < hi; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      digits++;
      if (c === 0x30 || c === 0x31 || c === 0x38 || c === 0x39) digit0189++;
    } else if (c >= 0x61 && c <= 0x7a) {
      lower++;
      if (c <= 0x66) hexLetterLower++;
      b32Lower++;
    } else if (c >= 0x41 && c <= 0x5a) {
      upper++;
      if (c <= 0x46) hexLetterUpper++;
      b32Upper++;
    } else if (c === 0x2b || c === 0x2f || c === 0x2d || c === 0x5f) b64Extra++;
    else otherChars++;
  }
  const length = hi - lo;
  let alphabet: RunAlphabet;
  if (otherChars > 0) alphabet = 'other';
  else if (b64Extra > 0) alphabet = 'base64';
  else if (upper === 0 && lower === 0) alphabet = 'digits';
  else if ((upper === 0 && hexLetterLower === lower) || (lower === 0 && hexLetterUpper === upper)) alphabet = 'hex';
  else if (digit0189 === 0 && (upper === 0 || lower === 0) && b32Lower + b32Upper > 0) alphabet = 'base32';
  else if (upper === 0 || lower === 0) alphabet = 'alnum-lower';
  else if (digits === 0) alphabet = 'letters';
  else alphabet = 'alnum';
  const entropy = shannonEntropy(text, lo, hi);
  const expected = length > 0 ? expectedRandomEntropy(length, ALPHABET_SIZE[alphabet]) : 0;
  const randomness = expected > 0 ? entropy / expected : 0;
  return { alphabet, length, digits, upper, lower, entropy, randomness };
}
