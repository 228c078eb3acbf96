// Reversible text games that hide words from a pattern but not from a model told how to read them:
// letters spaced apart ("i g n o r e   a l l"), ROT13 and text written backwards. Letter spacing is
// structural and always undone (the spaced runs only, like a base64 span); ROT13 and reversal turn
// every text into another one, so they are applied only when the text names them (an attacker has
// to tell the model to decode) and only to texts of at most CIPHER_MAX characters.

import { re } from '../../re/index.ts';

/** The stretch read around a naming word: this far before it and CIPHER_AFTER after it. */
export const CIPHER_BEFORE = 4096;
export const CIPHER_AFTER = 16_384;
/** Naming words whose stretches are read, per text and game. */
const MAX_NAMINGS = 16;
/** Fewest spaced characters in a run that is read as one word group ("s e c r e t" has 6). */
const SPACED_MIN = 6;

/** Punctuation that may open or close a spaced run around its first or last character. */
const OPENERS = '"\'(*[_`“‘<';
const CLOSERS = '"\')*]_`”’>,.;:!?';

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
const SPACED = '(?:^|[ \\t\\x{a0}\\r\\n])(?:[^\\s\\x{a0}][ \\t\\x{a0}]{1,3}){5}[^\\s\\x{a0}](?:[\\s\\x{a0},.;:!?)"\'*\\]_`>]|$)';
/**
 * What any of the decoders below needs, in one pass of the regex engine (a character loop over every
 * text cost ~30 ns a character here, and a dozen indexOf passes ~10 us per 10 KB): six one-character
 * words in a row, or a word naming ROT13, a Caesar shift or reversal. Most texts fail it, and then
 * no decoder here reads them.
 */
const CUES = (): ReturnType<typeof re> =>
  re(`${SPACED}|rot[ _-]?13|caesar|backwards?|in reverse|reversed|right[ -]to[ -]left`, 'i');

const LETTER_OR_DIGIT = (): ReturnType<typeof re> => re('[\\pL\\pN]');

let lastText: string | null = null;
let lastCue = false;
/** CUES on `text`, remembered for the last text (the three decoders ask about the same text in turn). */
function cued(text: string): boolean {
  if (text !== lastText) {
    lastCue = CUES().test(text);
    lastText = text;
  }
  return lastCue;
}

export function despace(text: string): string | null {
  if (!cued(text)) return null;
  const n = text.length;
  let out: string[] | null = null;
  let units: string[] = [];
  let gaps: number[] = [];
  const flush = (): void => {
    if (units.length >= SPACED_MIN && units.some((u) => LETTER_OR_DIGIT().test(u))) {
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
    // a word of one character, possibly wrapped in punctuation ("**i", "t**", "(a", "s."): the
    // opening marks may start a run, the closing ones end it
    let a = i;
    let b = j;
    while (b - a > 1 && b - a <= 4 && OPENERS.includes(text.charAt(a))) a++;
    let closes = false;
    while (b - a > 1 && CLOSERS.includes(text.charAt(b - 1))) {
      b--;
      closes = true;
    }
    const code = text.charCodeAt(a);
    const single = b - a === 1 || (b - a === 2 && code >= 0xd800 && code <= 0xdbff);
    if (!single) flush();
    else {
      if (a > i) flush();
      if (units.length > 0 && blanks > 3) flush();
      if (units.length > 0) gaps.push(blanks);
      units.push(text.slice(a, b));
      if (closes) flush();
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

const ROT_WORDS = (): ReturnType<typeof re> => re('rot[ _-]?13|caesar', 'i');
const REVERSAL_WORDS = (): ReturnType<typeof re> => re('backwards?|in reverse|reversed|right[ -]to[ -]left', 'i');

/** Whether the text names ROT13 or a Caesar shift (any case). */
export function namesRot13(text: string): boolean {
  return cued(text) && ROT_WORDS().test(text);
}

/** Whether the text says something is written backwards (any case). */
export function namesReversal(text: string): boolean {
  return cued(text) && REVERSAL_WORDS().test(text);
}

/**
 * The stretches of `text` around the matches of `words` (CIPHER_BEFORE before, CIPHER_AFTER after,
 * overlapping ones merged; at most MAX_NAMINGS namings), each read by `read`, one per line; null
 * when the text names nothing. Bounded: at most MAX_NAMINGS × 20 K characters.
 */
function readAround(text: string, words: ReturnType<typeof re>, read: (stretch: string) => string): string | null {
  if (!cued(text)) return null;
  const spans: [number, number][] = [];
  for (const m of words.all(text, MAX_NAMINGS)) {
    const s = Math.max(0, m.index - CIPHER_BEFORE);
    const e = Math.min(text.length, m.end + CIPHER_AFTER);
    const last = spans[spans.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else spans.push([s, e]);
  }
  return spans.length === 0 ? null : spans.map(([s, e]) => read(text.slice(s, e))).join('\n');
}

/** The ROT13 reading of the stretches around each naming of ROT13 or a Caesar shift, or null. */
export function rot13Named(text: string): string | null {
  return readAround(text, ROT_WORDS(), rot13);
}

/** The backwards reading of the stretches around each word saying text is reversed, or null. */
export function reversedNamed(text: string): string | null {
  return readAround(text, REVERSAL_WORDS(), reversed);
}

/** Fragments every naming word holds in one of its common casings (a short text without any is not cued). */
const NAMING_BITS = ['13', 'aesar', 'AESAR', 'ackward', 'ACKWARD', 'everse', 'EVERSE', 'to left', 'to-left', 'To Left', 'TO LEFT'];

/**
 * Whether a short text (the quiet-text fast path: URL parts, header values) may hold what a decoder
 * here reads: a character loop and a few indexOf calls, cheaper on short texts than a regex call
 * (a regex call per URL part made a clean URL scan 11 → 57 µs). A yes is confirmed by CUES.
 */
export function mayHoldCipher(text: string): boolean {
  let singles = 0;
  let prevBlank = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isBlank(c) || isLineEnd(c)) {
      if (isLineEnd(c)) singles = 0;
      prevBlank = true;
      continue;
    }
    if (prevBlank) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0x20;
      if (isBlank(next) || isLineEnd(next)) {
        if (++singles >= SPACED_MIN - 1) return cued(text);
      } else singles = 0;
    }
    prevBlank = false;
  }
  for (const bit of NAMING_BITS) if (text.indexOf(bit) >= 0) return cued(text);
  return false;
}
