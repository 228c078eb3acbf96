/**
 * Deterministic text for benchmarks: English-like prose from a fixed word list and a seeded PRNG. The list
 * is in rough order of English frequency and words are drawn with Zipf-like weights (rank r weighs
 * 1/(r + 4)), as in real text, where a handful of function words (the, of, and, to...) make up a large
 * share of all words. Drawn uniformly, the 75 BIP-39 words among the 165 made runs of twelve of them common
 * enough for a checksum-valid seed phrase to turn up in about one 1 KB body in 600.
 */
const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she ' +
  'there been one all we their has would when if so no will can more about up out them some could into only other time new ' +
  'these two may first then do any like my now over such our man me even most made after also did many before must through ' +
  'back years where much your way well down should because each just those people how too little state good very make world ' +
  'still own see men work long get here between both life being under never day same another know while last might us great ' +
  'old year off come since against go came right used take three request response server client config deploy build release ' +
  'function return value object array string number error message data file path user account project repository branch'
).split(' ');

/** Cumulative Zipf-like weights of WORDS (see above), for drawing a rank with one binary search. */
const CUMULATIVE: readonly number[] = (() => {
  const out: number[] = [];
  let total = 0;
  for (let r = 0; r < WORDS.length; r++) out.push((total += 1 / (r + 4)));
  return out.map((c) => c / total);
})();

function drawWord(u: number): string {
  let lo = 0;
  let hi = CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((CUMULATIVE[mid] as number) < u) lo = mid + 1;
    else hi = mid;
  }
  return WORDS[lo] as string;
}

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function prose(bytes: number, seed = 1): string {
  const rnd = prng(seed);
  const parts: string[] = [];
  let size = 0;
  let sentence = 0;
  while (size < bytes) {
    let w = drawWord(rnd());
    if (sentence === 0) w = w[0]?.toUpperCase() + w.slice(1);
    sentence++;
    const end = sentence > 8 && rnd() < 0.15;
    const piece = end ? `${w}.${rnd() < 0.2 ? '\n\n' : ' '}` : `${w}${rnd() < 0.06 ? ',' : ''} `;
    if (end) sentence = 0;
    parts.push(piece);
    size += piece.length;
  }
  return parts.join('').slice(0, bytes);
}
