// Reversible text games that hide words from a pattern but not from a model told how to read them:
// letters spaced apart ("i g n o r e   a l l"), ROT13 and text written backwards. Letter spacing is
// structural and always undone (the spaced runs only, like a base64 span); ROT13 and reversal turn
// every text into another one, so they are applied only when the text names them (an attacker has
// to tell the model to decode) and only to texts of at most CIPHER_MAX characters.

import { re } from '../../re/index.ts';

/** Longest text given a ROT13 or reversed reading. */
export const CIPHER_MAX = 64 * 1024;
/** Fewest spaced characters in a run that is read as one word group ("s e c r e t" has 6). */
const SPACED_MIN = 6;

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0xa0;
}

function isLineEnd(c: number): boolean {
  return c === 0x0a || c === 0x0d;
}

/**
 * The letter-spaced runs of `text` with their spacing undone, one run per line: within a run one
 * blank separates characters of one word and two or three separate words ("i g n o r e   a l l" →
 * "ignore all"). A run is SPACED_MIN or more one-character words in a row on one line. Null when
 * there is none. One pass; the output is never longer than the text.
 */
/**
 * Six one-character words in a row (a necessary condition for a run, tested by the regex engine
 * first: a character loop over every text costs ~30 ns a character here, the automaton ~2).
 */
const SPACED_RUN = (): ReturnType<typeof re> => re('(?:^|[ \\t\\x{a0}\\r\\n])(?:[^\\s\\x{a0}][ \\t\\x{a0}]{1,3}){5}[^\\s\\x{a0}]');

export function despace(text: string): string | null {
  if (!SPACED_RUN().test(text)) return null;
  const n = text.length;
  let out: string[] | null = null;
  let units: string[] = [];
  let gaps: number[] = [];
  const flush = (): void => {
    if (units.length >= SPACED_MIN) {
      let s = units[0] as string;
      for (let k = 1; k < units.length; k++) s += ((gaps[k - 1] as number) >= 2 ? ' ' : '') + (units[k] as string);
      (out ??= []).push(s);
    }
    if (units.length > 0) {
      units = [];
      gaps = [];
    }
  };
  let i = 0;
  while (i < n) {
    let blanks = 0;
    while (i < n && isBlank(text.charCodeAt(i))) {
      blanks++;
      i++;
    }
    if (i >= n) break;
    const c = text.charCodeAt(i);
    if (isLineEnd(c)) {
      flush();
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && !isBlank(text.charCodeAt(j)) && !isLineEnd(text.charCodeAt(j))) j++;
    // one character: one code unit, or a surrogate pair
    const single = j - i === 1 || (j - i === 2 && c >= 0xd800 && c <= 0xdbff);
    // the last letter of a run may carry the sentence's punctuation ("s.")
    const closing = !single && j - i === 2 && units.length > 0 && ',.;:!?)"\''.includes(text.charAt(i + 1));
    if (!single && !closing) flush();
    else {
      if (units.length > 0 && blanks > 3) flush();
      if (units.length > 0) gaps.push(blanks);
      units.push(text.slice(i, j));
      if (closing) flush();
    }
    i = j;
  }
  flush();
  return out === null ? null : (out as string[]).join('\n');
}

/** ROT13 of the ASCII letters; everything else unchanged. */
export function rot13(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) out += String.fromCharCode(((c - 0x41 + 13) % 26) + 0x41);
    else if (c >= 0x61 && c <= 0x7a) out += String.fromCharCode(((c - 0x61 + 13) % 26) + 0x61);
    else out += text.charAt(i);
  }
  return out;
}

/** The text backwards, by code point (a surrogate pair stays one character). */
export function reversed(text: string): string {
  const parts: string[] = [];
  for (const ch of text) parts.push(ch);
  return parts.reverse().join('');
}

function hasAny(text: string, needles: readonly string[]): boolean {
  for (const s of needles) if (text.indexOf(s) >= 0) return true;
  return false;
}

/** Whether the text names ROT13 or a Caesar shift (in a common casing). */
export function namesRot13(text: string): boolean {
  return hasAny(text, ['rot13', 'ROT13', 'Rot13', 'rot-13', 'ROT-13', 'Rot-13', 'rot 13', 'ROT 13', 'aesar', 'AESAR']);
}

/** Whether the text says something is written backwards (in a common casing). */
export function namesReversal(text: string): boolean {
  return hasAny(text, ['backwards', 'Backwards', 'BACKWARDS', 'in reverse', 'In reverse', 'IN REVERSE', 'reversed', 'Reversed', 'REVERSED', 'right to left', 'right-to-left']);
}

/**
 * Whether `text` may hold what a cipher decoder above reads (a cheap test for the short texts the
 * decoders are otherwise spared): SPACED_MIN one-character words in a row, or a word naming ROT13,
 * a Caesar shift or reversal (the decoders check the exact words).
 */
export function mayHoldCipher(text: string): boolean {
  let singles = 0;
  let prevBlank = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) {
      prevBlank = true;
      continue;
    }
    if (isLineEnd(c)) {
      singles = 0;
      prevBlank = true;
      continue;
    }
    // a character after a blank that is followed by a blank (or the end) is a one-character word
    if (prevBlank) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0x20;
      if (isBlank(next) || isLineEnd(next)) {
        if (++singles >= SPACED_MIN) return true;
      } else singles = 0;
    }
    prevBlank = false;
  }
  return hasAny(text, ['13', 'aesar', 'AESAR', 'ackward', 'ACKWARD', 'everse', 'EVERSE', 'to left', 'to-left']);
}
