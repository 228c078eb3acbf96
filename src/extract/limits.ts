/** Bounds on what extraction will read. Exceeding one is a finding (fail closed), never a crash. */
export interface ExtractLimits {
  /** Largest body/text/argument size in bytes that is scanned at all. */
  readonly maxInputBytes: number;
  readonly maxUrlLength: number;
  readonly maxHeaderBytes: number;
  readonly maxJsonDepth: number;
  /** Most segments (URL parts, headers, JSON leaves…) one input may produce. */
  readonly maxSegments: number;
  readonly maxMultipartParts: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxInputBytes: 10 * 1024 * 1024,
  maxUrlLength: 16 * 1024,
  maxHeaderBytes: 64 * 1024,
  maxJsonDepth: 64,
  maxSegments: 250_000,
  maxMultipartParts: 256,
};
