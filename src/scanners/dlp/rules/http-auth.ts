// HTTP authentication material that is not a bearer token: NTLM and Kerberos (Negotiate) exchanges,
// and credentials written into curl / wget command lines (`-u user:password`, `-H "Authorization: …"`).
import { decodeBase64, entropy, hasPlaceholderMark, hasUpperAndLower, isTokenPlaceholder, isValuePlaceholder } from '../checks.ts';
import type { CheckContext, DlpRule } from '../types.ts';
import { MITRE } from '../types.ts';
import { bearerOk, literalSecret, secretKeyKind } from './generic.ts';
import { secret } from './helpers.ts';

// ------------------------------------------------------------------ NTLM / Negotiate

/** MITRE ATT&CK: Use Alternate Authentication Material (pass the hash, pass the ticket). */
const ALTERNATE_AUTH = 'T1550';
const NTLMSSP = 'NTLMSSP\u0000';
/** How far into a (SPNEGO-wrapped) token the NTLMSSP signature is looked for. */
const NTLMSSP_SEARCH = 256;

/** Offset of the NTLMSSP signature in the first bytes of a token, or -1. */
function ntlmsspAt(bytes: Uint8Array): number {
  const last = Math.min(bytes.length - NTLMSSP.length, NTLMSSP_SEARCH);
  outer: for (let i = 0; i <= last; i++) {
    for (let k = 0; k < NTLMSSP.length; k++) if (bytes[i + k] !== NTLMSSP.charCodeAt(k)) continue outer;
    return i;
  }
  return -1;
}

const u16 = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);

/**
 * Whether an NTLM / Negotiate / Kerberos authorization token carries credential material. An NTLM
 * NEGOTIATE (type 1) or CHALLENGE (type 2) message holds none; an AUTHENTICATE (type 3) message holds the
 * NT response (crackable offline, relayable); anything else in that header (a Kerberos AP-REQ, a SPNEGO
 * token) is a replayable ticket. Fails closed: only a well-formed type 1 or 2 message is let through.
 */
export function negotiateTokenOk(value: string): boolean {
  if (hasPlaceholderMark(value)) return false;
  const bytes = decodeBase64(value);
  if (!bytes || bytes.length < 16) return false;
  const at = ntlmsspAt(bytes);
  if (at < 0) return new Set(bytes.subarray(0, 512)).size >= 12;
  if (bytes.length < at + 28) return false;
  const type = bytes[at + 8];
  if (type !== 3) return false;
  // NtChallengeResponseFields: length at offset 20. An anonymous AUTHENTICATE has none.
  return u16(bytes, at + 20) >= 16;
}

const NEGOTIATE_SCHEMES = new Set(['ntlm', 'negotiate', 'kerberos']);

// ------------------------------------------------------------------ curl / wget command lines

const COMMAND_WORDS = ['curl', 'wget'];
/** How far back the command word is looked for, in characters and in continued lines. */
const COMMAND_REACH = 1600;
const COMMAND_LINES = 12;

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
}

/** A command word (`curl`, `wget`, `/usr/bin/curl`) starting at `i`: not inside a longer name, followed by a blank. */
function commandWordAt(text: string, i: number, word: string): boolean {
  if (i > 0 && isWordChar(text.charCodeAt(i - 1))) return false;
  for (let k = 0; k < word.length; k++) if ((text.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  const after = text.charCodeAt(i + word.length);
  return after === 32 || after === 9 || after === 10 || after === 13 || after === 92;
}

/** Where command words and line breaks are in one text; computed once per text, then searched. */
interface CommandMap {
  readonly text: string;
  readonly words: ReadonlyMap<string, readonly number[]>;
  /** Line breaks that end a command (not escaped with a backslash, next line not indented). */
  readonly breaks: readonly number[];
  readonly newlines: readonly number[];
}

// One entry: the checks of one scan ask about the same text many times (every candidate flag in it).
let lastMap: CommandMap | null = null;

function commandMap(text: string): CommandMap {
  if (lastMap !== null && lastMap.text === text) return lastMap;
  const words = new Map<string, number[]>(COMMAND_WORDS.map((w) => [w, []]));
  const breaks: number[] = [];
  const newlines: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      newlines.push(i);
      let j = i - 1;
      if (j >= 0 && text.charCodeAt(j) === 13) j--;
      const escaped = j >= 0 && text.charCodeAt(j) === 92;
      const next = text.charCodeAt(i + 1);
      if (!escaped && next !== 32 && next !== 9) breaks.push(i);
    } else if (c === 99 || c === 67 || c === 119 || c === 87) {
      for (const w of COMMAND_WORDS) if (commandWordAt(text, i, w)) words.get(w)?.push(i);
    }
  }
  lastMap = { text, words, breaks, newlines };
  return lastMap;
}

/** Index of the last element below `x` in a sorted list, or -1. */
function lastBelow(list: readonly number[], x: number): number {
  let lo = 0;
  let hi = list.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as number) < x) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at;
}

/**
 * Whether the flag at `start` belongs to a curl (or wget) command: the command word occurs earlier on
 * the same logical line. A line break continues the command when it is escaped with a backslash or the
 * next line is indented (how multi-line commands are written in docs).
 */
export function inHttpClientCommand(text: string, start: number, words: readonly string[] = COMMAND_WORDS): boolean {
  const map = commandMap(text);
  let word = -1;
  for (const w of words) {
    const list = map.words.get(w) ?? [];
    const at = lastBelow(list, start);
    if (at >= 0) word = Math.max(word, list[at] as number);
  }
  if (word < 0 || start - word > COMMAND_REACH) return false;
  const brk = lastBelow(map.breaks, start);
  if (brk >= 0 && (map.breaks[brk] as number) > word) return false;
  return lastBelow(map.newlines, start) - lastBelow(map.newlines, word) <= COMMAND_LINES;
}

/** The text of a shell word with its quotes removed: `kevin:'pa ss'` → `kevin:pa ss`. */
function unquote(word: string): string {
  let out = '';
  let quote = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
      else out += word.charAt(i);
    } else if (c === 34 || c === 39) quote = c;
    else out += word.charAt(i);
  }
  return out;
}

/** A literal password or token: not a placeholder or reference, and random enough to be real. */
function literalCredential(v: string): boolean {
  if (v.length < 4 || v.length > 256) return false;
  if (literalSecret('password', v, true)) return true;
  return v.length >= 12 && hasUpperAndLower(v) && entropy(v) >= 3.3 && !isValuePlaceholder(v);
}

/** `user:password`, `:password` or `token:` (an API key as the user name, empty password). */
export function curlUserOk(raw: string): boolean {
  if (raw.length > 600) return false;
  const word = unquote(raw);
  const colon = word.indexOf(':');
  if (colon < 0) return false; // a user name alone: curl asks for the password
  const user = word.slice(0, colon);
  const pass = word.slice(colon + 1);
  if (user.length > 0 && (isTokenPlaceholder(user) || user.charCodeAt(0) === 36)) return false;
  if (pass.length === 0) return literalCredential(user);
  if (pass === user) return false;
  return literalCredential(pass);
}

/** A credential header value inside a curl / wget command: Authorization (bearer-like schemes) or an API-key header. */
function curlHeaderOk(token: string, ctx: CheckContext): boolean {
  const name = (ctx.groups[0] ?? '').toLowerCase();
  const scheme = ctx.groups[1]?.toLowerCase();
  if (name === 'authorization' || name === 'proxy-authorization') {
    if (scheme !== undefined && (scheme === 'basic' || scheme === 'digest' || NEGOTIATE_SCHEMES.has(scheme))) return false;
  } else if (scheme !== undefined || secretKeyKind(name) === null) return false;
  return bearerOk(token) && inHttpClientCommand(ctx.text, ctx.start);
}

// A shell word: unquoted characters and quoted pieces, no blanks outside quotes.
// Unbounded here (RE2 rejects nested counted repeats of this size); the check bounds the length.
const SHELL_WORD = '((?:[^\\s"\'`\\\\]|"[^"\\r\\n]*"|\'[^\'\\r\\n]*\')+)';

export const HTTP_AUTH_RULES: readonly DlpRule[] = [
  secret({
    id: 'dlp/ntlm-negotiate-token',
    reach: 16384,
    name: 'NTLM or Kerberos (Negotiate) authentication token',
    mitre: ALTERNATE_AUTH,
    keywords: ['ntlm', 'negotiate', 'kerberos', 'tlrmtvntuaadaaaa'],
    // An Authorization value with one of those schemes, or a bare base64 NTLM AUTHENTICATE message.
    pattern:
      '(?i:authorization)\\\\?["\']?[ \\t]*[:=][ \\t]*\\\\?["\']?[ \\t]*(?i:ntlm|negotiate|kerberos)[ \\t]+([A-Za-z0-9+/]{20,}={0,2})(?:[^A-Za-z0-9+/=]|$)' +
      '|\\b(TlRMTVNTUAADAAAA[A-Za-z0-9+/]{40,}={0,2})(?:[^A-Za-z0-9+/=]|$)',
    group: -1,
    // NTLM messages hold runs of A (zero bytes); the check decodes and judges the structure instead.
    placeholders: 'none',
    check: negotiateTokenOk,
    evidence: (v) => `NTLM or Kerberos auth token [${v.length} chars]`,
    field: (key, value) => {
      const k = key.toLowerCase();
      if (k !== 'authorization' && k !== 'proxy-authorization') return null;
      const v = value.trim();
      const space = v.indexOf(' ');
      if (space < 0 || !NEGOTIATE_SCHEMES.has(v.slice(0, space).toLowerCase())) return null;
      const token = v.slice(space + 1).trim();
      return negotiateTokenOk(token) ? token : null;
    },
    advice: 'The header can be replayed or cracked offline: change the account password and check for relayed logons.',
  }),
  secret({
    id: 'dlp/curl-user-credential',
    reach: 2048,
    name: 'Password in a curl --user option',
    keywords: ['curl'],
    pattern: `(?:^|[\\s"'\`(])(?:-u|-U|--user|--proxy-user)(?:=|[ \\t]*)${SHELL_WORD}`,
    placeholders: 'none',
    check: (v, ctx) => curlUserOk(v) && inHttpClientCommand(ctx.text, ctx.start, ['curl']),
    evidence: (v) => `curl user:password [${v.length} chars]`,
    advice: 'Change the password; pass it to curl from a netrc file or an environment variable, not on the command line.',
  }),
  secret({
    id: 'dlp/curl-header-credential',
    reach: 2048,
    name: 'Credential in a curl or wget request header',
    mitre: MITRE.appAccessToken,
    keywords: ['curl', 'wget'],
    // -H / --header "Name: [Scheme ]value"; the check keeps Authorization and API-key headers.
    pattern:
      '(?:^|[\\s"\'`(])(?:-H|--header)(?:=|[ \\t]*)["\']?[ \\t]*([A-Za-z][A-Za-z0-9_-]{0,60})[ \\t]*:[ \\t]*(?:([A-Za-z][A-Za-z0-9_-]{0,24})[ \\t]+)?([^\\s"\'`\\\\]{12,})',
    group: 3,
    placeholders: 'none',
    check: curlHeaderOk,
    advice: 'Revoke the token or key at its issuer; pass it to curl from an environment variable or a config file.',
  }),
];
