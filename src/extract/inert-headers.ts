// Header values whose grammar leaves no room for anything a scanner looks for. An HTTP date is
// written exactly one way (RFC 9110 §5.6.7 IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`, 29 fixed
// characters) and a Content-Length is a short run of digits; such a value holds no credential, no
// URL, no encoding, no instruction. The engine may leave these out of the segments it scans (see
// extract's `inertHeaders`), which saves the fixed cost of a fresh text on every proxied response.
// Exact on purpose: a value that differs from the grammar by one byte is not inert and gets the full scan.

/** Headers whose value is an HTTP date. */
const DATE_HEADERS: ReadonlySet<string> = new Set(['date', 'last-modified', 'expires', 'if-modified-since', 'if-unmodified-since']);

const DAYS: readonly string[] = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS: readonly string[] = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Most digits in an inert Content-Length: 10 digits is over 9 GB, more than any body the engine reads,
 * and far below the length of a payment card number or any numeric token a rule looks for.
 */
const MAX_LENGTH_DIGITS = 10;

function isDigit(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}

function digitsAt(text: string, from: number, count: number): boolean {
  for (let i = from; i < from + count; i++) if (!isDigit(text, i)) return false;
  return true;
}

function charAt(text: string, i: number, c: string): boolean {
  return text.charCodeAt(i) === c.charCodeAt(0);
}

/** `Sun, 06 Nov 1994 08:49:37 GMT`: day name, 2-digit day, month name, 4-digit year, hh:mm:ss, GMT (case as written). */
export function isImfFixdate(value: string): boolean {
  return (
    value.length === 29 &&
    DAYS.includes(value.slice(0, 3)) &&
    charAt(value, 3, ',') &&
    charAt(value, 4, ' ') &&
    digitsAt(value, 5, 2) &&
    charAt(value, 7, ' ') &&
    MONTHS.includes(value.slice(8, 11)) &&
    charAt(value, 11, ' ') &&
    digitsAt(value, 12, 4) &&
    charAt(value, 16, ' ') &&
    digitsAt(value, 17, 2) &&
    charAt(value, 19, ':') &&
    digitsAt(value, 20, 2) &&
    charAt(value, 22, ':') &&
    digitsAt(value, 23, 2) &&
    value.slice(25) === ' GMT'
  );
}

/** Whether header `name` (lower case) with `value` follows one of the inert grammars above exactly. */
export function isInertHeader(name: string, value: string): boolean {
  if (name === 'content-length') return value.length >= 1 && value.length <= MAX_LENGTH_DIGITS && digitsAt(value, 0, value.length);
  return DATE_HEADERS.has(name) && isImfFixdate(value);
}
