/** Deterministic text for benchmarks: English-like prose from a fixed word list and a seeded PRNG. */
const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she ' +
  'there been one all we their has would when if so no will can more about up out them some could into only other time new ' +
  'these two may first then do any like my now over such our man me even most made after also did many before must through ' +
  'back years where much your way well down should because each just those people how too little state good very make world ' +
  'still own see men work long get here between both life being under never day same another know while last might us great ' +
  'old year off come since against go came right used take three request response server client config deploy build release ' +
  'function return value object array string number error message data file path user account project repository branch'
).split(' ');

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
    let w = WORDS[Math.floor(rnd() * WORDS.length)] as string;
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
