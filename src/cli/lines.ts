import type { Readable } from 'node:stream';

/**
 * Newline-delimited input with a per-line bound: a longer line is reported as oversized and
 * skipped up to its newline, never buffered whole.
 */
export async function* boundedLines(stream: Readable, maxLine: number): AsyncGenerator<{ line: string } | { oversized: number }> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  let skipped = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (skipping) skipped += piece.length;
      else if (size + piece.length > maxLine) {
        skipping = true;
        skipped = size + piece.length;
        parts = [];
        size = 0;
      } else {
        parts.push(piece);
        size += piece.length;
      }
      if (nl < 0) break;
      if (skipping) yield { oversized: skipped };
      else yield { line: Buffer.concat(parts).toString('utf8').replace(/\r$/, '') };
      parts = [];
      size = 0;
      skipping = false;
      skipped = 0;
      start = nl + 1;
    }
  }
  if (skipping) yield { oversized: skipped };
  else if (size > 0) yield { line: Buffer.concat(parts).toString('utf8').replace(/\r$/, '') };
}
