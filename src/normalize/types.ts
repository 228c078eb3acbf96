/** Encodings the layered decoder understands, named as they appear in finding locations (`|base64`). */
export type Encoding =
  | 'url'
  | 'base64'
  | 'base64url'
  | 'hex'
  | 'base32'
  | 'html-entities'
  | 'json-escapes'
  | 'unicode-tags'
  | 'letter-spacing'
  | 'rot13'
  | 'reversed'
  | 'gzip'
  | 'zlib';

/** One decoded layer found inside a text (a span, or the whole text), possibly after several decodings. */
export interface DecodedLayer {
  /** The decodings applied, outermost first: ['url', 'base64']. */
  readonly chain: readonly Encoding[];
  /** The decoded text (raw, before cleaning). */
  readonly text: string;
  /** Same as Prepared.clean, for the decoded text. */
  readonly clean: string;
  /** Same as Prepared.folded, for the decoded text. */
  readonly folded: string;
}

/** Counts of evasion characters seen (and removed) while cleaning; a signal in its own right. */
export interface EvasionSignals {
  readonly zeroWidth: number;
  readonly bidi: number;
  readonly tags: number;
  readonly variationSelectors: number;
  /** Characters that the confusable skeleton changed (outside plain ASCII). */
  readonly confusables: number;
  /** Combining marks removed. */
  readonly combining: number;
}

/**
 * A text prepared once for every scanner. All fields are computed on first access and memoized,
 * so a scanner pays only for the views it reads and no view is computed twice.
 */
export interface Prepared {
  readonly raw: string;
  /** Invisible characters (zero-width, bidi controls, tags, variation selectors) removed, then NFKC. Case kept: DLP matches this. */
  readonly clean: string;
  /** clean → combining marks removed → confusable skeleton → lower case → whitespace collapsed. Injection matches this. */
  readonly folded: string;
  /** folded with leetspeak folded (0→o, 1→i, 3→e, 4→a, 5→s, 7→t, @→a, $→s). */
  readonly leet: string;
  /** Every decoded layer, bounded in depth, count and total size. */
  readonly layers: readonly DecodedLayer[];
  readonly signals: EvasionSignals;
  /** True when decoding stopped at a bound (depth, count or size); scanners may treat this as suspicious. */
  readonly decodeTruncated: boolean;
}

export interface NormalizeLimits {
  /** Maximum decoding depth (layers of encoding peeled). */
  readonly maxDepth: number;
  /** Maximum number of decoded layers kept per text. */
  readonly maxLayers: number;
  /** Maximum total UTF-16 length of all decoded layers of one text. */
  readonly maxDecodedChars: number;
  /** Shortest encoded run considered for base64/hex/base32 decoding. */
  readonly minEncodedRun: number;
  /**
   * Credential prefixes (lower case) a token written backwards is recognised by: a token-shaped run
   * ending with one reversed is also read backwards (`decode/reversed-tokens.ts`). The engine passes
   * the DLP rules' keywords; without them no unnamed reversal is read.
   */
  readonly reversedPrefixes?: readonly string[];
}

export const DEFAULT_NORMALIZE_LIMITS: NormalizeLimits = {
  maxDepth: 4,
  maxLayers: 64,
  maxDecodedChars: 8 << 20,
  minEncodedRun: 16,
};
