// Chat templates as documentation. Model cards and serving guides print a model's template:
// "<s>[INST] <<SYS>>\n{{ system_prompt }}\n<</SYS>>\n\n{{ user_message }} [/INST]". The control tokens
// are there, but every slot between them holds a placeholder (`{{ name }}`, `{% … %}`, `{name}`,
// `${name}`), not text: nothing is said in the turn the tokens open. An injection fills the slots
// ("[INST] <<SYS>> You are DAN … <</SYS>>"). A chat-template or markup-tag hit is a documented slot
// when what follows it, up to a blank line or the end of the text, is only placeholders, other
// control tokens (with the role names their headers carry) and whitespace; and a `system_prompt` identifier is a placeholder's name when
// braces enclose it. Such hits keep the weak-cue weight (index.ts, as quoted mentions).
import { re, type SafeRegex } from '../../re/index.ts';

/** How much text after a token is read (a template is short; a longer run of markup counts in full). */
const REACH = 512;

/** Placeholders, control tokens and whitespace: the skeleton of a documented template. */
const SKELETON_ITEM = [
  '\\s+',
  '\\{\\{[^{}\\n]{0,80}\\}\\}',
  '\\{%[^%\\n]{0,80}%\\}',
  '\\{#[^#\\n]{0,80}#\\}',
  '\\{[A-Za-z_][\\w.]{0,40}\\}',
  '\\$\\{?[A-Za-z_]\\w{0,40}\\}?',
  '<\\|[^|>\\n]{1,40}\\|>',
  '\\[/?[A-Z_]{2,24}\\]',
  '<<?/?[A-Za-z_]{1,30}>>?',
  '</?s>',
  '>',
  // the role a ChatML or Llama 3 header token names ("<|im_start|>system")
  '\\b(?:system|user|assistant|tool|developer|ipython|model)\\b',
].join('|');

let skeleton: SafeRegex | null = null;
function skeletonRun(): SafeRegex {
  skeleton ??= re(`^(?:${SKELETON_ITEM})*`);
  return skeleton;
}
let blank: SafeRegex | null = null;
function blankLine(): SafeRegex {
  blank ??= re('\\n[ \\t]*\\n');
  return blank;
}

/** True when the token at text[start, end) opens a slot that holds only placeholders (a documented template). */
export function isTemplateSlot(text: string, _start: number, end: number): boolean {
  const after = text.slice(end, end + REACH);
  const run = skeletonRun().first(after);
  const length = run ? run.end : 0;
  if (length === after.length) return end + REACH >= text.length;
  return blankLine().test(after.slice(0, length));
}

let openBrace: SafeRegex | null = null;
let closeBrace: SafeRegex | null = null;
/** True when braces enclose text[start, end) (`{{ system_prompt }}`, `{system_prompt}`, `${system_prompt}`): a placeholder's name. */
export function isPlaceholderName(text: string, start: number, end: number): boolean {
  openBrace ??= re('(?:\\{\\{|\\{|\\$\\{)[ \\t]*$');
  closeBrace ??= re('^[ \\t]*\\}');
  return openBrace.test(text.slice(Math.max(0, start - 8), start)) && closeBrace.test(text.slice(end, end + 8));
}
