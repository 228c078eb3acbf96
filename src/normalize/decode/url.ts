import { hexValue, isMostlyText } from './bytes.ts';

const UTF8_LENIENT = new TextDecoder('utf-8', { fatal: false });

/** Percent-decodes (RFC 3986 §2.1) one level; invalid escapes stay as they are. Returns null if nothing changed. */
export function percentDecode(text: string): string | null {
  if (!text.includes('%')) return null;
  const bytes: number[] = [];
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && i + 2 < text.length + 0) {
      const hi = hexValue(text.charCodeAt(i + 1));
      const lo = hexValue(text.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        bytes.push((hi << 4) | lo);
        i += 2;
        changed = true;
        continue;
      }
    }
    // Non-escaped characters are re-encoded as UTF-8 so mixed text round-trips.
    if (c < 0x80) bytes.push(c);
    else {
      const cp = text.codePointAt(i) ?? c;
      const s = String.fromCodePoint(cp);
      for (const b of Buffer.from(s, 'utf8')) bytes.push(b);
      if (cp > 0xffff) i++;
    }
  }
  if (!changed) return null;
  const decoded = UTF8_LENIENT.decode(Uint8Array.from(bytes));
  return isMostlyText(decoded) ? decoded : null;
}

/** Form encoding (application/x-www-form-urlencoded) writes spaces as '+'. */
export function plusToSpace(text: string): string | null {
  if (!text.includes('+') || /\s/.test(text)) return null;
  return text.split('+').join(' ');
}
