import type { JsonRpcId } from './jsonrpc.ts';

/**
 * The id of a JSON-RPC response that could not be read whole (a stdio line over mcp.maxLineBytes,
 * or one that is not UTF-8), read from its raw bytes, so the request it answers can be answered
 * with an error instead of waiting for good. Only the first and last bytes are looked at (the
 * framer keeps at most ID_WINDOW of each of an oversized line): serializers put `id` near the
 * start (`{"jsonrpc":"2.0","id":3,"result":…`) or at the end (`{"result":…,"jsonrpc":"2.0","id":3}`,
 * the TypeScript SDK). Both scans are linear in the window and never decode more than the id.
 *
 * An id is given only when what was seen is plainly a response: a top-level object with a
 * `result` or `error` member and no `method` member in the parts read, and one `id` that is a
 * number or a string (the same in both parts when both show one). The caller trusts it only
 * when it names a request still waiting for the server.
 */

/** Bytes kept and scanned at each end of an unreadable line. */
export const ID_WINDOW = 4096;
/** A longer id token is not taken (ids are short; this bounds the decode). */
const MAX_ID_BYTES = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;

interface Seen {
  id?: JsonRpcId;
  /** More than one id, or one that could not be read: nothing is trusted. */
  conflict?: boolean;
  response?: boolean;
  method?: boolean;
}

const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A member of the top-level object, by its key's raw bytes (quotes included). */
function note(seen: Seen, key: Uint8Array, value: Uint8Array | undefined): void {
  const k = keyName(key);
  if (k === 'result' || k === 'error') seen.response = true;
  else if (k === 'method') seen.method = true;
  else if (k === 'id' && value !== undefined) {
    // (No value: the window ended inside it, so it is unknown here, not wrong.)
    const id = idValue(value);
    if (id === undefined || (seen.id !== undefined && seen.id !== id)) seen.conflict = true;
    else seen.id = id;
  }
}

/** The key's name when it is one of the few looked for, spelled plainly (an escaped spelling is another key to us, and not trusted). */
function keyName(raw: Uint8Array): string | undefined {
  if (raw.length > 10) return undefined;
  let s = '';
  for (let i = 1; i < raw.length - 1; i++) s += String.fromCharCode(raw[i] as number);
  return s === 'id' || s === 'result' || s === 'error' || s === 'method' ? s : undefined;
}

/** A JSON number or string literal, exactly; anything else (null, an object, a cut-off token) is undefined. */
function idValue(raw: Uint8Array): JsonRpcId | undefined {
  let a = 0;
  let b = raw.length;
  while (a < b && isSpace(raw[a])) a++;
  while (b > a && isSpace(raw[b - 1])) b--;
  if (b - a === 0 || b - a > MAX_ID_BYTES) return undefined;
  const first = raw[a] as number;
  if (first !== QUOTE && first !== 0x2d && (first < 0x30 || first > 0x39)) return undefined;
  try {
    const v = JSON.parse(UTF8.decode(raw.subarray(a, b))) as unknown;
    return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Where the string starting at `open` (a quote) ends (its closing quote), or -1 when not within the window. */
function stringEnd(b: Uint8Array, open: number): number {
  for (let i = open + 1; i < b.length; i++) {
    const c = b[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/** The head of the line: the members of the top-level object, read from its start until the window ends. */
function scanHead(b: Uint8Array, seen: Seen): void {
  let i = 0;
  while (i < b.length && isSpace(b[i])) i++;
  if (b[i] !== 0x7b) return;
  i++;
  let depth = 1;
  let key: Uint8Array | undefined;
  let valueAt = -1;
  for (; i < b.length; i++) {
    const c = b[i] as number;
    if (c === QUOTE) {
      const end = stringEnd(b, i);
      if (end < 0) break;
      if (depth === 1 && key === undefined && valueAt < 0) key = b.subarray(i, end + 1);
      i = end;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) {
        if (key !== undefined) note(seen, key, valueAt < 0 ? undefined : b.subarray(valueAt, i));
        return;
      }
    } else if (depth === 1 && c === COLON && key !== undefined && valueAt < 0) valueAt = i + 1;
    else if (depth === 1 && c === COMMA) {
      if (key !== undefined) note(seen, key, valueAt < 0 ? undefined : b.subarray(valueAt, i));
      key = undefined;
      valueAt = -1;
    }
  }
  // The window ended inside a member: its key counts, its value (maybe cut off) does not.
  if (key !== undefined) note(seen, key, undefined);
}

/** Whether the quote at `q` is escaped (an odd run of backslashes before it); undefined when the run reaches the window's start. */
function escaped(b: Uint8Array, q: number): boolean | undefined {
  let n = 0;
  let i = q - 1;
  while (i >= 0 && b[i] === BACKSLASH) {
    n++;
    i--;
  }
  if (i < 0) return undefined;
  return n % 2 === 1;
}

/** The tail of the line: the members of the top-level object, read backwards from its end until the window starts. */
function scanTail(b: Uint8Array, seen: Seen): void {
  let j = b.length - 1;
  while (j >= 0 && isSpace(b[j])) j--;
  if (b[j] !== 0x7d) return;
  let depth = 1;
  // The current depth-1 member, right to left: where its value ends, where it starts (after the colon).
  let valueEnd = j;
  let valueAt = -1;
  let keyWanted = false;
  for (j--; j >= 0; j--) {
    const c = b[j] as number;
    if (c === QUOTE) {
      // A closing quote: find the opening one.
      let k = j - 1;
      for (;;) {
        while (k >= 0 && b[k] !== QUOTE) k--;
        if (k < 0) return;
        const esc = escaped(b, k);
        if (esc === undefined) return;
        if (!esc) break;
        k--;
      }
      if (depth === 1 && keyWanted) {
        note(seen, b.subarray(k, j + 1), b.subarray(valueAt, valueEnd));
        keyWanted = false;
      }
      j = k;
    } else if (c === 0x7d || c === 0x5d) depth++;
    else if (c === 0x7b || c === 0x5b) {
      depth--;
      if (depth === 0) return;
    } else if (depth === 1 && c === COLON) {
      valueAt = j + 1;
      keyWanted = true;
    } else if (depth === 1 && c === COMMA) valueEnd = j;
  }
}

/**
 * The id of the response these bytes hold, when it can be read and what was read is plainly a
 * response. `head` is the line's start (or the whole line), `tail` its end when the line was
 * longer than both windows together.
 */
export function recoverResponseId(head: Uint8Array, tail: Uint8Array | undefined): JsonRpcId | undefined {
  const seen: Seen = {};
  scanHead(head, seen);
  if (tail !== undefined) scanTail(tail, seen);
  if (seen.conflict === true || seen.method === true || seen.response !== true) return undefined;
  return seen.id;
}

/** The parts of a whole (but unreadable) line that recoverResponseId looks at. */
export function idWindows(line: Uint8Array): { head: Uint8Array; tail: Uint8Array | undefined } {
  if (line.length <= 2 * ID_WINDOW) return { head: line, tail: undefined };
  return { head: line.subarray(0, ID_WINDOW), tail: line.subarray(line.length - ID_WINDOW) };
}
