import { bytesToText, hexValue } from './bytes.ts';

/**
 * Hex-encoded text: plain runs ("6768705f…"), byte-delimited forms ("67:68:70", "67-68",
 * "67 68", "67,68"), C escapes ("\x67\x68") and 0x prefixes ("0x6768…", "0x67 0x68").
 */

function isDelimiter(c: number): boolean {
  return c === 0x3a || c === 0x2d || c === 0x20 || c === 0x2c;
}

/**
 * Decodes the run; if it is not text, retries without up to three bytes at either end, since
 * a word ending in hex letters ("see 6768…") or a trailing "be" glues onto a real hex run.
 */
function decodeTrimmed(bytes: Uint8Array, minBytes: number): string | null {
  for (let head = 0; head <= 3; head++) {
    for (let tail = 0; tail <= 3; tail++) {
      if (bytes.length - head - tail < minBytes) continue;
      const text = bytesToText(bytes.subarray(head, bytes.length - tail));
      if (text !== null) return text;
    }
  }
  return null;
}

/** Returns decoded texts of hex runs with at least `minBytes` bytes. */
export function findHex(text: string, minBytes: number, maxOutputs: number): string[] {
  const outputs: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n && outputs.length < maxOutputs) {
    if (hexValue(text.charCodeAt(i)) < 0 && text.charCodeAt(i) !== 0x5c) {
      i++;
      continue;
    }
    const bytes: number[] = [];
    let j = i;
    let pendingNibble = -1;
    while (j < n) {
      const c = text.charCodeAt(j);
      // "\x" and "0x" prefixes are skipped wherever a byte may start.
      if (pendingNibble < 0 && c === 0x5c && (text.charCodeAt(j + 1) | 0x20) === 0x78) {
        j += 2;
        continue;
      }
      if (pendingNibble < 0 && c === 0x30 && (text.charCodeAt(j + 1) | 0x20) === 0x78 && hexValue(text.charCodeAt(j + 2)) >= 0) {
        j += 2;
        continue;
      }
      const v = hexValue(c);
      if (v >= 0) {
        if (pendingNibble < 0) pendingNibble = v;
        else {
          bytes.push((pendingNibble << 4) | v);
          pendingNibble = -1;
        }
        j++;
        continue;
      }
      if (pendingNibble < 0 && isDelimiter(c) && j + 1 < n && (hexValue(text.charCodeAt(j + 1)) >= 0 || text.charCodeAt(j + 1) === 0x5c || text.charCodeAt(j + 1) === 0x30)) {
        j++;
        continue;
      }
      break;
    }
    if (bytes.length >= minBytes) {
      const decoded = decodeTrimmed(Uint8Array.from(bytes), minBytes);
      if (decoded !== null) outputs.push(decoded);
    }
    i = j > i ? j : i + 1;
  }
  return outputs;
}
