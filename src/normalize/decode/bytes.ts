/** Turning decoded bytes back into text, and deciding whether a decoding produced text at all. */

import { isUtf8 } from 'node:buffer';

const UTF8 = new TextDecoder('utf-8');

/**
 * Decodes UTF-8 strictly; returns null for invalid UTF-8 (binary data: an image, a compressed
 * blob, a misaligned decode) or text that is mostly control characters. Validity is checked
 * natively first: a throwing strict decoder costs microseconds per rejected candidate.
 */
export function bytesToText(bytes: Uint8Array): string | null {
  if (bytes.length === 0 || !isUtf8(bytes)) return null;
  const text = UTF8.decode(bytes);
  return isMostlyText(text) ? text : null;
}

/** True when at most 1 in 32 characters is a control character (tab, CR and LF are text). */
export function isMostlyText(text: string): boolean {
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f || c === 0xfffd) bad++;
  }
  return bad * 32 <= text.length && bad < text.length;
}

export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}
