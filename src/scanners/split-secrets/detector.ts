// A small built-in credential detector for re-assembled fragments, used when the engine does not
// pass DLP's matcher in. Prefix-anchored formats only: generic "long random string" rules would
// fire on any two ids glued together.
import { re } from '../../re/index.ts';

export interface SplitDetection {
  readonly rule: string;
  readonly index: number;
  readonly length: number;
}

export type SplitDetector = (text: string) => readonly SplitDetection[];

const PATTERNS: readonly (readonly [string, string])[] = [
  ['aws-access-key-id', '(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}'],
  ['github-token', '(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}'],
  ['github-fine-grained-token', 'github_pat_[A-Za-z0-9_]{82}'],
  ['gitlab-token', 'glpat-[A-Za-z0-9_-]{20}'],
  ['slack-token', 'xox[abposr]-[A-Za-z0-9-]{10,72}'],
  ['anthropic-api-key', 'sk-ant-[A-Za-z0-9_-]{32,120}'],
  ['openai-api-key', 'sk-(?:proj-)?[A-Za-z0-9_-]{40,200}'],
  ['google-api-key', 'AIza[0-9A-Za-z_-]{35}'],
  ['stripe-secret-key', '(?:sk|rk)_live_[0-9A-Za-z]{24,99}'],
  ['npm-token', 'npm_[A-Za-z0-9]{36}'],
  ['huggingface-token', 'hf_[A-Za-z]{34}'],
];

/** Finds prefix-anchored credentials; at most `limit` detections. */
export function builtinSplitDetector(text: string, limit = 100): readonly SplitDetection[] {
  const out: SplitDetection[] = [];
  for (const [rule, pattern] of PATTERNS) {
    for (const m of re(pattern).all(text, limit - out.length)) {
      out.push({ rule: `split-secrets/builtin/${rule}`, index: m.index, length: m.end - m.index });
    }
    if (out.length >= limit) break;
  }
  return out;
}
