// Mentions versus instructions: "what does the phrase 'ignore previous instructions' mean?" talks
// about an attack phrase; it does not address the model. A hit counts as a mention when it sits
// inside a short quotation that the surrounding words introduce as a phrase, string, example or
// name. Only the quoted phrase itself is discounted: anything outside the quotes scores as usual,
// and a long quotation (a whole planted paragraph) is never a mention.
import { re, type SafeRegex } from '../../re/index.ts';

/** The weight a mentioned phrase keeps: a weak cue that only corroborates strong evidence elsewhere. */
export const MENTION_WEIGHT = 1.5;

/** Most characters a quotation may hold beyond the hit itself and still be "just the phrase". */
const SLACK = 24;
/** How far before the opening quote (or after the closing one) the introducing words may sit. */
const CUE_REACH = 48;

const OPENERS = '"\'`“‘«「『';
const CLOSER_OF: Readonly<Record<string, string>> = { '"': '"', "'": "'", '`': '`', '“': '”', '‘': '’', '«': '»', '「': '」', '『': '』' };

let before: SafeRegex | null = null;
let after: SafeRegex | null = null;
/** Words that introduce a quoted phrase as an object of discussion, at the end of the text before the quote. */
function cueBefore(): SafeRegex {
  before ??= re(
    "\\b(?:phrases?|strings?|words?|texts?|prompts?|lines?|sentences?|commands?|inputs?|payloads?|examples?|like|such as|e\\.g\\.?|for (?:example|instance)|called|named|known as|term|keywords?|query|meaning of|mean by|as in|labell?ed|titled)(?:\\s+(?:is|are|was|were))?[\\s:,'\"]*$",
    'i',
  );
  return before;
}
/** Words right after a closing quote that talk about the quoted phrase. */
function cueAfter(): SafeRegex {
  after ??= re(
    "^[\\s'\"”’»」』)]*(?:means?\\b|mean\\b|is (?:a|an|the|one|often|usually|typically|commonly)\\b|are (?:common|typical|classic)\\b|(?:is|was) (?:used|written|known)\\b|attacks?\\b|injections?\\b|jailbreaks?\\b|phrases?\\b|strings?\\b|prompts?\\b|trick\\b|works?\\b|does(?:n['’]t| not)?\\b|do(?:n['’]t| not)\\b|in (?:prompt|an? (?:attack|injection|jailbreak))|\\?)",
    'i',
  );
  return after;
}

/** True when text[start, end) lies inside a short quotation introduced as a mention. */
export function isMention(text: string, start: number, end: number): boolean {
  // the opening quote: at most SLACK characters before the hit, with no quote in between
  let open = -1;
  for (let i = start - 1; i >= 0 && i >= start - SLACK; i--) {
    const ch = text[i] as string;
    if (OPENERS.includes(ch) || ch === '”' || ch === '’') {
      if (OPENERS.includes(ch)) open = i;
      break;
    }
    if (ch === '\n' || ch === '.' || ch === '!' || ch === '?') break;
  }
  if (open < 0) return false;
  const q = text[open] as string;
  // an apostrophe inside a word ("don't") is no opening quote
  if (q === "'" && open > 0 && /* letter before */ isWordChar(text.charCodeAt(open - 1))) return false;
  const closer = CLOSER_OF[q] ?? q;
  let close = -1;
  for (let i = Math.max(end, start); i < text.length && i <= end + SLACK; i++) {
    const ch = text[i] as string;
    if (ch === closer && !(closer === "'" && isWordChar(text.charCodeAt(i + 1)))) {
      close = i;
      break;
    }
    if (ch === '\n') break;
  }
  if (close < 0) return false;
  const pre = text.slice(Math.max(0, open - CUE_REACH), open);
  const post = text.slice(close + 1, close + 1 + CUE_REACH);
  return cueBefore().test(pre) || cueAfter().test(post);
}

function isWordChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
}
