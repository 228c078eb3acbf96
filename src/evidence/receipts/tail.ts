/**
 * What the end of an existing receipts file holds, read without loading the whole file: the
 * last complete line, and any bytes after the last newline (a write cut short by a crash).
 */
import type { FileHandle } from 'node:fs/promises';
import { LIMITS } from './format.ts';

export interface FileTail {
  readonly size: number;
  /** Size up to and including the last newline. */
  readonly validSize: number;
  /** The last complete line (without its newline), null when the file has none. */
  readonly lastLine: Buffer | null;
  /** Bytes after the last newline; empty when the file ends with one. */
  readonly torn: Buffer;
}

/** A torn piece is at most one record long; a record is at most LIMITS.line bytes. */
const WINDOW = 2 * LIMITS.line + 2;

export async function readTail(fh: FileHandle): Promise<FileTail> {
  const { size } = await fh.stat();
  if (size === 0) return { size, validSize: 0, lastLine: null, torn: Buffer.alloc(0) };
  const length = Math.min(size, WINDOW);
  const start = size - length;
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, start + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  const window = buf.subarray(0, got);
  const lastNl = window.lastIndexOf(0x0a);
  if (lastNl < 0) {
    // No newline in the window: either the whole (small) file is one torn line, or the tail is garbage.
    return start === 0 ? { size, validSize: 0, lastLine: null, torn: Buffer.from(window) } : { size, validSize: size, lastLine: window.subarray(0, 0), torn: Buffer.alloc(0) };
  }
  const torn = Buffer.from(window.subarray(lastNl + 1));
  // (Buffer#lastIndexOf counts a negative offset from the end, so lastNl 0 is handled apart.)
  const prevNl = lastNl === 0 ? -1 : window.lastIndexOf(0x0a, lastNl - 1);
  if (prevNl < 0 && start > 0) return { size, validSize: start + lastNl + 1, lastLine: window.subarray(0, 0), torn };
  return { size, validSize: start + lastNl + 1, lastLine: Buffer.from(window.subarray(prevNl + 1, lastNl)), torn };
}
