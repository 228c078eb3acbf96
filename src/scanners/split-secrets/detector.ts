// A small built-in credential detector for re-assembled fragments, used when no detector is passed
// in (the engine passes DLP's, `dlp/split.ts`, which knows every format DLP does). Prefix-anchored
// formats only: generic "long random string" rules would fire on any two ids glued together.
import { re } from '../../re/index.ts';

export interface SplitDetection {
  readonly rule: string;
  readonly index: number;
  readonly length: number;
}

/**
 * Finds credentials in re-assembled text; `starts`, when given, are the offsets where the joined
 * fragments begin (a detector may use them: DLP's treats them as token boundaries). `maxMatchLength`,
 * when set, is the longest match it can return: the scanner then re-joins only that much of a
 * session's history.
 */
export type SplitDetector = ((text: string, starts?: readonly number[]) => readonly SplitDetection[]) & {
  readonly maxMatchLength?: number;
  /** Why the last call could not read all of its text (null or absent: it did). */
  readonly incomplete?: () => string | null;
  /**
   * When set, every match contains at least one of these characters: pieces of which none holds one
   * cannot be joined into a match, so the scanner does not join them to ask.
   */
  readonly anyOfChars?: string;
};

/** Each match contains one of these characters (a cheap first gate); index 0, 1 or 2 below. */
const KEY_CHARS = ['A', '_', '-'] as const;

const PATTERNS: readonly (readonly [string, string, readonly string[], 0 | 1 | 2])[] = [
  // [rule, pattern, literals of which every match contains one, the KEY_CHARS entry every match contains]
  ['aws-access-key-id', '(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}', ['AKIA', 'ASIA', 'ABIA', 'ACCA'], 0],
  ['github-token', '(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], 1],
  ['github-fine-grained-token', 'github_pat_[A-Za-z0-9_]{82}', ['github_pat_'], 1],
  ['gitlab-token', 'glpat-[A-Za-z0-9_-]{20}', ['glpat-'], 2],
  ['slack-token', 'xox[abposr]-[A-Za-z0-9-]{10,72}', ['xox'], 2],
  ['anthropic-api-key', 'sk-ant-[A-Za-z0-9_-]{32,120}', ['sk-ant-'], 2],
  ['openai-api-key', 'sk-(?:proj-)?[A-Za-z0-9_-]{40,200}', ['sk-'], 2],
  ['google-api-key', 'AIza[0-9A-Za-z_-]{35}', ['AIza'], 0],
  ['stripe-secret-key', '(?:sk|rk)_live_[0-9A-Za-z]{24,99}', ['_live_'], 1],
  ['npm-token', 'npm_[A-Za-z0-9]{36}', ['npm_'], 1],
  ['huggingface-token', 'hf_[A-Za-z]{34}', ['hf_'], 1],
];

const COMPILED = PATTERNS.map(([rule, pattern, literals, key]) => ({ rule: `split-secrets/builtin/${rule}`, regex: re(pattern), literals, key }));

/** No pattern matches fewer characters (slack: `xoxb-` and 10 more). */
const MIN_MATCH = 15;

function containsAny(text: string, literals: readonly string[]): boolean {
  for (const l of literals) if (text.includes(l)) return true;
  return false;
}

/** Finds prefix-anchored credentials; at most `limit` detections. */
function detect(text: string, limit = 100): readonly SplitDetection[] {
  const out: SplitDetection[] = [];
  if (text.length < MIN_MATCH) return out;
  let keys = 0;
  for (let k = 0; k < KEY_CHARS.length; k++) if (text.includes(KEY_CHARS[k]!)) keys |= 1 << k;
  if (keys === 0) return out;
  for (const { rule, regex, literals, key } of COMPILED) {
    // Case-sensitive patterns: a text without any of the literal prefixes cannot match.
    if ((keys & (1 << key)) === 0 || !containsAny(text, literals)) continue;
    for (const m of regex.all(text, limit - out.length)) {
      out.push({ rule, index: m.index, length: m.end - m.index });
    }
    if (out.length >= limit) break;
  }
  return out;
}

/** The longest match any pattern above can produce (openai: `sk-proj-` and 200 more). */
const MAX_MATCH = 208;

export const builtinSplitDetector: SplitDetector = Object.assign((text: string) => detect(text), { maxMatchLength: MAX_MATCH, anyOfChars: KEY_CHARS.join('') });
