import type { Severity } from '../../core/index.ts';

/** What a rule's check sees about one candidate. */
export interface CheckContext {
  /** The whole text being matched (a segment's clean text or one decoded layer). */
  readonly text: string;
  /** The full regex match and its capture groups (1..n; undefined when a group did not take part). */
  readonly match: string;
  readonly groups: readonly (string | undefined)[];
  /** Offset of the candidate value in `text`. */
  readonly start: number;
  readonly end: number;
  /** Lower-cased text from `before` characters before the value to `after` characters after it. */
  around(before: number, after: number): string;
  /**
   * Whether a piece starts at `pos` of a text joined from pieces (split-secrets' fragments, glued with
   * nothing between them): there, a check that wants a boundary beside the value has one. Always
   * false for an ordinary text.
   */
  pieceStart(pos: number): boolean;
}

/**
 * One detector. A rule is data: the engine prefilters on `keywords`, matches `pattern` (RE2 syntax,
 * inline flags only), takes the capture `group` as the candidate value, and keeps it when every
 * filter agrees (length, entropy, placeholder, context, check).
 */
export interface DlpRule {
  /** Stable id, `dlp/<kebab>`. */
  readonly id: string;
  readonly name: string;
  readonly severity: Severity;
  readonly category: 'secret' | 'pii';
  /** MITRE ATT&CK technique. */
  readonly mitre: string;
  /**
   * Lower-case literals: the rule runs only on texts containing at least one of them (case-insensitive).
   * Empty: the rule joins the one combined keyword-free pass, so its pattern must be cheap and rarely match.
   */
  readonly keywords: readonly string[];
  readonly pattern: string;
  /**
   * Furthest distance, in characters, between a keyword (or trigger) occurrence and either end of a match
   * it enables. The engine then matches only windows around occurrences. Infinity: the rule always runs
   * over whole texts (unbounded blocks such as PEM keys). Default 512.
   */
  readonly reach?: number;
  /** Capture group holding the value: 0 = whole match (default); -1 = the first group that took part; -2 = the last. */
  readonly group?: number;
  /** Minimum Shannon entropy (bits per character) of the value. */
  readonly minEntropy?: number;
  /** Placeholder screening of the value: 'token' (default) for vendor formats, 'value' for free-form assignments. */
  readonly placeholders?: 'token' | 'value' | 'none';
  /** One of these lower-case words must occur within `before` characters before (or `after` after) the value. */
  readonly context?: { readonly words: readonly string[]; readonly before: number; readonly after?: number };
  /** Structural validation (checksum, decoding). Must be total. */
  readonly check?: (value: string, ctx: CheckContext) => boolean;
  /**
   * True when a failed `check` proves the text is not a live credential (a wrong checksum):
   * the span then also silences generic rules.
   */
  readonly vetoOnFailedCheck?: boolean;
  /** Generic rules yield to any specific rule that matched an overlapping span. */
  readonly generic?: boolean;
  /**
   * A generic rule that judges a value by the credential-named key it is assigned to, not by its
   * shape: a failed checksum of another rule (vetoOnFailedCheck) does not silence it, or writing
   * any secret as `ghp_<secret>` would hide it.
   */
  readonly outranksVetoes?: boolean;
  /** Rule ids this rule yields to on an overlapping span (e.g. the Google key yields to the Gemini key). */
  readonly yieldsTo?: readonly string[];
  /** Evidence text for a value; default `redactPreview(value)`. Must never contain the secret. */
  readonly evidence?: (value: string) => string;
  /** What to do about it, appended to the finding message. */
  readonly advice?: string;
  /**
   * Structured fields: called for leaf segments (JSON leaf, query value, header, form value) with the
   * last key of the location; returns the value to report, or null.
   */
  readonly field?: (key: string, value: string) => string | null;
}

/** The public, documentation-friendly view of a rule. */
export interface DlpRuleInfo {
  readonly id: string;
  readonly name: string;
  readonly severity: Severity;
  readonly category: 'secret' | 'pii';
  readonly mitre: string;
}

export const MITRE = {
  /** Unsecured Credentials: Credentials In Files (API keys, passwords, connection strings). */
  credentialsInFiles: 'T1552.001',
  /** Unsecured Credentials: Private Keys (PEM, JWK, wallet keys). */
  privateKeys: 'T1552.004',
  /** Steal Application Access Token (OAuth, bearer, JWT, bot tokens). */
  appAccessToken: 'T1528',
  /** Data from Local System: personal data leaving with the agent's traffic. */
  personalData: 'T1005',
} as const;
