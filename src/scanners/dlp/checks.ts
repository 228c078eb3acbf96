// Structural checks shared by the DLP rules: entropy, checksums (Luhn, CRC32/base62, base58check,
// mod-97) and placeholder recognition. Every function is pure, total and bounded by its input length;
// none of them may throw on any string.
import { createHash } from 'node:crypto';
import { createBase58check } from '@scure/base';
import { re } from '../../re/index.ts';

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const n = value.length;
  if (n === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const k of counts.values()) {
    const p = k / n;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Number of character classes present: lower, upper, digit, other. */
export function charClasses(value: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = 1;
    else if (c >= 65 && c <= 90) upper = 1;
    else if (c >= 48 && c <= 57) digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}

export function hasDigit(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

export function hasUpperAndLower(value: string): boolean {
  let upper = false;
  let lower = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
    if (upper && lower) return true;
  }
  return false;
}

/** Longest run of one repeated character. */
export function longestRun(value: string): number {
  let best = value.length > 0 ? 1 : 0;
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    if (value.charCodeAt(i) === value.charCodeAt(i - 1)) {
      run++;
      if (run > best) best = run;
    } else run = 1;
  }
  return best;
}

/** Longest run of consecutive ascending or descending characters ('abcdef', '123456', 'zyx'). */
export function longestSequence(value: string): number {
  let best = value.length > 0 ? 1 : 0;
  let up = 1;
  let down = 1;
  const lower = value.toLowerCase();
  for (let i = 1; i < lower.length; i++) {
    const d = lower.charCodeAt(i) - lower.charCodeAt(i - 1);
    up = d === 1 ? up + 1 : 1;
    down = d === -1 ? down + 1 : 1;
    if (up > best) best = up;
    if (down > best) best = down;
  }
  return best;
}

// Words that mark a value as an illustration rather than a credential. Matched as substrings of the
// lower-cased value. Kept short and specific: a real random token contains any of them with negligible
// probability (each is ≥ 5 letters drawn from a 62-symbol alphabet).
const TOKEN_PLACEHOLDER_WORDS = [
  'example',
  'xxxxx',
  'placeholder',
  'redacted',
  'changeme',
  'dummy',
  'your_',
  'your-',
  'yourkey',
  'yourtoken',
  'insert',
  'replace',
  'sample',
];

// Template and elision marks: <token>, {x}, ${VAR}, $(cmd), %(name)s, ***, ...
const TEMPLATE_MARKS = re('[<>{}]|\\$\\(|%\\(|\\*\\*\\*|\\.\\.\\.');

/** True when the value contains an illustration word (`example`, `placeholder`, `your_`, ...) or a template mark. */
export function hasPlaceholderMark(value: string): boolean {
  const lower = value.toLowerCase();
  for (const w of TOKEN_PLACEHOLDER_WORDS) if (lower.includes(w)) return true;
  return TEMPLATE_MARKS.test(value);
}

/** True for values that are templates or illustrations: `${VAR}`, `<token>`, `xxxx`, `***`, `EXAMPLE`. */
export function isTokenPlaceholder(value: string): boolean {
  if (value.length === 0) return true;
  if (hasPlaceholderMark(value)) return true;
  if (longestRun(value) >= 6) return true;
  if (longestSequence(value) >= 6) return true;
  return false;
}

// Free-form values (`password = ...`, `user:pass@`, Basic and Bearer values). On top of the token
// screening above (illustration words, template marks, long runs and sequences), a value is a
// placeholder when it IS one as a whole: a type name, a reference or path, or nothing but placeholder
// vocabulary such as `your_password_here`. A password that merely contains a common word is a literal:
// `MyPassword2024`, `TokenRing#2024` and `test-Zq8v!` are real passwords.

// Whole values (lower case):
const VALUE_PLACEHOLDER_EXACT = new Set([
  'null',
  'none',
  'nil',
  'true',
  'false',
  'undefined',
  'foo',
  'bar',
  'baz',
  'value',
  'default',
  'hidden',
  'masked',
  'user',
  'username',
  'admin',
  'pass',
  'pwd',
  'empty',
  'blank',
  'n/a',
  'changeit',
  'letmein',
]);

const TYPE_NAMES = new Set([
  'string',
  'str',
  'int',
  'integer',
  'number',
  'boolean',
  'bool',
  'bytes',
  'object',
  'any',
  'optional',
  'required',
  'char',
  'text',
]);

// Words illustrative values are made of (`your_api_key_here`, `my-secret-token`, `test_password`,
// `foobar`). A value made only of these (and at most a trivial number such as 123) is a placeholder;
// one other word or number beside them (`MyPassword2024`) makes it a literal.
const PLACEHOLDER_VOCABULARY: readonly string[] = [
  'a', 'an', 'the', 'my', 'your', 'our', 'some', 'this', 'that', 'it', 'me', 'here', 'there', 'goes', 'with', 'to',
  'for', 'of', 'and', 'or', 'put', 'enter', 'insert', 'add', 'set', 'use', 'replace', 'change', 'fill', 'provide',
  'paste', 'type', 'new', 'old', 'real', 'actual', 'own', 'value', 'values', 'default', 'example', 'examples', 'sample',
  'demo', 'test', 'testing', 'tests', 'dummy', 'fake', 'mock', 'stub', 'foo', 'bar', 'baz', 'qux', 'foobar', 'lorem',
  'ipsum', 'dolor', 'xyz', 'abc', 'placeholder', 'redacted', 'hidden', 'masked', 'secret', 'secrets', 'password',
  'passwords', 'passwd', 'pass', 'pwd', 'passphrase', 'passcode', 'pw', 'token', 'tokens', 'key', 'keys', 'api',
  'apikey', 'access', 'auth', 'credential', 'credentials', 'cred', 'creds', 'client', 'app', 'db', 'database', 'user',
  'username', 'name', 'login', 'admin', 'root', 'super', 'strong', 'secure', 'random', 'long', 'string', 'generated',
  'private', 'bearer', 'jwt', 'id', 'changeme', 'todo', 'fixme', 'tbd', 'undefined', 'null', 'none', 'empty',
  'blank', 'sk', 'pk', 'xx', 'xxx', 'xxxx',
];
const VOCAB = new Set(PLACEHOLDER_VOCABULARY);
const VOCAB_MAX = Math.max(...PLACEHOLDER_VOCABULARY.map((w) => w.length));

// References to a value kept elsewhere: $VAR, %VAR%, @VAR@, #{...}, {{...}}; and pure punctuation masks.
const REFERENCE = re('^\\$[A-Za-z_]|^%[A-Za-z_]\\w*%$|^@[A-Za-z_]\\w*@$|^#\\{|\\{\\{|\\}\\}|^[^A-Za-z0-9]+$');
// Code that reads the secret from somewhere else, and secret-store or file references.
const CODE_OR_STORE_REFERENCE = re(
  '(?i)os\\.environ|getenv|process\\.env|secretref|keyvault|vault:|arn:aws:|ssm:|file:|://|^enc\\(|^encrypted:',
);
// Paths and key/config file names.
const PATH_OR_FILE = re(
  '^(?:/|\\.\\.?/|~/|[A-Za-z]:\\\\)|(?i)\\.(?:pem|key|crt|cer|p12|pfx|jks|json|ya?ml|txt|env|properties|xml|ini|conf|cfg|keystore|keytab|pub)$',
);

/** True when a lower-case letter word splits wholly into placeholder vocabulary (`yourpasswordhere`). */
function vocabularyWord(word: string): boolean {
  if (VOCAB.has(word)) return true;
  if (word.length > 64) return false;
  // reach[i] = 1: word[0, i) splits into vocabulary words.
  const reach = new Uint8Array(word.length + 1);
  reach[0] = 1;
  for (let i = 0; i < word.length; i++) {
    if (reach[i] !== 1) continue;
    for (let l = 1; l <= VOCAB_MAX && i + l <= word.length; l++) if (VOCAB.has(word.slice(i, i + l))) reach[i + l] = 1;
  }
  return reach[word.length] === 1;
}

/** A number people put in illustrations: one digit, one digit repeated, or consecutive digits (12, 123, 4321). */
function trivialNumber(digits: string): boolean {
  return digits.length <= 1 || longestRun(digits) === digits.length || longestSequence(digits) === digits.length;
}

/**
 * True when the value is nothing but placeholder vocabulary and trivial numbers, in any case and with
 * any ASCII separators: `your_password_here`, `YourApiKeyHere`, `test-token-123`. Needs at least one word.
 */
export function vocabularyOnly(value: string): boolean {
  let words = 0;
  let i = 0;
  const n = value.length;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      let j = i;
      while (j < n && value.charCodeAt(j) >= 48 && value.charCodeAt(j) <= 57) j++;
      if (!trivialNumber(value.slice(i, j))) return false;
      i = j;
    } else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      // A letter run, split where lower case turns upper (`YourApiKey` → Your, Api, Key).
      let j = i + 1;
      while (j < n) {
        const d = value.charCodeAt(j);
        const upper = d >= 65 && d <= 90;
        if (!upper && !(d >= 97 && d <= 122)) break;
        const p = value.charCodeAt(j - 1);
        if (upper && p >= 97 && p <= 122) break;
        j++;
      }
      if (!vocabularyWord(value.slice(i, j).toLowerCase())) return false;
      words++;
      i = j;
    } else if (c < 128) i++;
    else return false; // letters of other scripts are not in the vocabulary
  }
  return words > 0;
}

/**
 * True for assignment values that are illustrations, references or code rather than a literal secret.
 * `vocabulary: false` (for user names, which are often plain words such as `api` or `deploy`) skips the
 * vocabulary-only test.
 */
export function isValuePlaceholder(value: string, vocabulary = true): boolean {
  if (isTokenPlaceholder(value)) return true;
  const lower = value.toLowerCase();
  if (TYPE_NAMES.has(lower) || VALUE_PLACEHOLDER_EXACT.has(lower)) return true;
  if (REFERENCE.test(value) || CODE_OR_STORE_REFERENCE.test(value) || PATH_OR_FILE.test(value)) return true;
  return vocabulary && vocabularyOnly(value);
}

// ---------------------------------------------------------------- checksums

/** Luhn mod-10 over a string of ASCII digits. */
export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

const CRC_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3) of the low byte of each UTF-16 unit; callers pass ASCII. */
export function crc32(text: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < text.length; i++) c = (CRC_TABLE[(c ^ text.charCodeAt(i)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(n: number, width: number): string {
  let s = '';
  let v = n;
  while (v > 0) {
    s = BASE62[v % 62] + s;
    v = Math.floor(v / 62);
  }
  return s.padStart(width, '0');
}

/**
 * GitHub/npm token checksum: the last 6 characters are the base62 CRC-32 of the random part
 * (the characters between the prefix and the checksum).
 */
export function base62Crc32Ok(token: string, prefixLength: number): boolean {
  if (token.length < prefixLength + 7) return false;
  const body = token.slice(prefixLength, token.length - 6);
  const sum = token.slice(token.length - 6);
  return base62(crc32(body), 6) === sum;
}

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

const b58check = createBase58check(sha256);

/** Base58Check payload (version bytes included), or null when the string or its checksum is invalid. */
export function base58checkDecode(text: string): Uint8Array | null {
  if (text.length === 0 || text.length > 120) return null;
  try {
    return b58check.decode(text);
  } catch {
    return null;
  }
}

// IBAN lengths per ISO 13616 registry country code.
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

export function ibanLength(country: string): number | undefined {
  return IBAN_LENGTHS[country];
}

/** ISO 7064 mod-97-10 check of a compact (no spaces), upper-case IBAN. */
export function ibanMod97(iban: string): boolean {
  if (iban.length < 5) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

// ---------------------------------------------------------------- decoding

const BASE64_TEXT = re('^[A-Za-z0-9+/_-]+={0,2}$');

/** Decodes base64 or base64url (padding optional) to bytes; null when the text is not base64. */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length === 0 || text.length > 1 << 16) return null;
  if (!BASE64_TEXT.test(text)) return null;
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  const normal = text.slice(0, end).replaceAll('-', '+').replaceAll('_', '/');
  if (normal.length % 4 === 1) return null;
  return new Uint8Array(Buffer.from(normal, 'base64'));
}

/** Bytes as text when they are printable UTF-8 (tabs and newlines allowed), else null. */
export function printableText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127 || c === 0xfffd) return null;
  }
  return text;
}

/** Parses text as a JSON object; null on anything else. */
export function jsonObject(text: string): Record<string, unknown> | null {
  if (text.length > 8192) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
