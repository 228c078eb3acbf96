/**
 * Reads a receipts file line by line with bounded memory: a line longer than LIMITS.line is
 * reported by its length and skipped, never buffered. Whatever follows the last newline is
 * returned as the torn tail (at most LIMITS.line + 1 bytes of it are kept).
 */
import { open } from 'node:fs/promises';
import { LIMITS } from './format.ts';

export interface LineVisitor {
  line(bytes: Buffer): void;
  oversized(length: number): void;
}

export async function readLines(file: string, visit: LineVisitor, chunkSize = 64 * 1024): Promise<{ torn: Buffer; tornLength: number }> {
  const fh = await open(file, 'r');
  try {
    const chunk = Buffer.alloc(chunkSize);
    let parts: Buffer[] = [];
    let size = 0;
    let skipping = false;
    for (;;) {
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      const data = chunk.subarray(0, bytesRead);
      let start = 0;
      while (start < bytesRead) {
        const nl = data.indexOf(0x0a, start);
        const end = nl < 0 ? bytesRead : nl;
        const piece = data.subarray(start, end);
        size += piece.length;
        if (!skipping && size > LIMITS.line) {
          skipping = true;
          parts = [];
        }
        if (!skipping) parts.push(Buffer.from(piece));
        if (end === bytesRead) break;
        if (skipping) visit.oversized(size);
        else visit.line(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts));
        parts = [];
        size = 0;
        skipping = false;
        start = end + 1;
      }
    }
    return { torn: skipping ? Buffer.alloc(LIMITS.line + 1, 0x20) : Buffer.concat(parts), tornLength: size };
  } finally {
    await fh.close();
  }
}
