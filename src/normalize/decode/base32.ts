import { bytesToText } from './bytes.ts';

/** Base32 (RFC 4648 §6) runs, upper or lower case (DNS labels are lower case), padded or not. */
function value(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61;
  if (c >= 0x32 && c <= 0x37) return c - 0x32 + 26;
  return -1;
}

export function findBase32(text: string, minRun: number, maxOutputs: number): string[] {
  const outputs: string[] = [];
  let i = 0;
  while (i < text.length && outputs.length < maxOutputs) {
    if (value(text.charCodeAt(i)) < 0) {
      i++;
      continue;
    }
    let j = i;
    let upper = 0;
    let lower = 0;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (value(c) < 0) break;
      if (c >= 0x41 && c <= 0x5a) upper++;
      else if (c >= 0x61 && c <= 0x7a) lower++;
      j++;
    }
    // Mixed case is not base32 (it would be base64 or prose).
    if (j - i >= minRun && (upper === 0 || lower === 0)) {
      const bytes = new Uint8Array(Math.floor(((j - i) * 5) / 8));
      let acc = 0;
      let bits = 0;
      let o = 0;
      for (let k = i; k < j; k++) {
        acc = ((acc << 5) | value(text.charCodeAt(k))) & 0xffff;
        bits += 5;
        if (bits >= 8) {
          bits -= 8;
          bytes[o++] = (acc >> bits) & 0xff;
        }
      }
      const decoded = bytesToText(bytes.subarray(0, o));
      if (decoded !== null) outputs.push(decoded);
    }
    i = j + 1;
  }
  return outputs;
}
