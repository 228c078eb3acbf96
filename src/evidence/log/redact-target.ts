/**
 * Defence in depth for the `target` field. Callers already redact targets; this pass removes
 * what is obviously a credential anyway: URL userinfo, and the values of query and fragment
 * parameters whose names say they carry one (`?token=`, `#access_token=`, `X-Amz-Signature=`).
 * Hand-written scanning (no regex), bounded input, bounded number of parameters.
 */

export const REDACTED = '[redacted]';
/** Longest target read; the rest is cut before anything else happens. */
const MAX_INPUT = 8192;
/** Longest target written. */
export const MAX_TARGET = 2048;
const MAX_PARAMS = 128;
/** A parameter name longer than this is data, not a name, and is not written either. */
const MAX_NAME = 40;

const EXACT = new Set([
  'token', 'key', 'secret', 'password', 'passwd', 'pwd', 'pass', 'passphrase', 'auth', 'authorization', 'sig', 'signature',
  'jwt', 'bearer', 'code', 'session', 'sid', 'otp', 'ticket', 'credential', 'credentials', 'privatekey', 'cookie',
]);
const SUFFIXES = ['token', 'secret', 'password', 'passwd', 'apikey', 'accesskey', 'secretkey', 'privatekey', 'signature', 'credential', 'credentials', 'sessionid', 'authkey'];

/** Lower-cases and keeps only a-z0-9, so `X-Amz-Signature`, `api_key` and `apiKey` compare alike. */
function squash(name: string): string {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    decoded = name; // a malformed escape: judge the raw spelling
  }
  let out = '';
  for (const ch of decoded.toLowerCase()) if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) out += ch;
  return out;
}

export function isCredentialName(name: string): boolean {
  const n = squash(name);
  return EXACT.has(n) || SUFFIXES.some((s) => n.endsWith(s));
}

function redactParams(params: string): string {
  const parts = params.split('&', MAX_PARAMS + 1);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i === MAX_PARAMS) {
      out.push('…');
      break;
    }
    const part = parts[i] as string;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (name.length > MAX_NAME) out.push(`${REDACTED}=${REDACTED}`);
    else if (eq >= 0 && isCredentialName(name)) out.push(`${name}=${REDACTED}`);
    else out.push(part);
  }
  return out.join('&');
}

function endOfAuthority(s: string, from: number): number {
  let end = s.length;
  for (const ch of ['/', '?', '#']) {
    const i = s.indexOf(ch, from);
    if (i >= 0 && i < end) end = i;
  }
  return end;
}

/**
 * The last target redacted and what it became: a proxied exchange's request and response events
 * carry the same target. Reused only for a target equal to it, compared whole (redactTarget is a
 * pure function of the string).
 */
let lastTarget: string | null = null;
let lastRedacted = '';

/** Returns the target with userinfo and credential-named parameter values replaced, at most MAX_TARGET characters. */
export function redactTarget(target: string): string {
  if (target === lastTarget) return lastRedacted;
  const out = redactTargetText(target);
  if (typeof target === 'string') {
    lastTarget = target;
    lastRedacted = out;
  }
  return out;
}

function redactTargetText(target: string): string {
  let s = target.length > MAX_INPUT ? target.slice(0, MAX_INPUT) : target;
  const scheme = s.indexOf('://');
  if (scheme > 0 && scheme < 32) {
    const start = scheme + 3;
    const end = endOfAuthority(s, start);
    const at = s.lastIndexOf('@', end - 1);
    if (at >= start) s = `${s.slice(0, start)}${REDACTED}${s.slice(at)}`;
  }
  const hash = s.indexOf('#');
  const fragment = hash < 0 ? null : s.slice(hash + 1);
  const beforeHash = hash < 0 ? s : s.slice(0, hash);
  const q = beforeHash.indexOf('?');
  let out = q < 0 ? beforeHash : `${beforeHash.slice(0, q)}?${redactParams(beforeHash.slice(q + 1))}`;
  if (fragment !== null) out += `#${fragment.includes('=') ? redactParams(fragment) : fragment}`;
  return out.length > MAX_TARGET ? `${out.slice(0, MAX_TARGET - 1)}…` : out;
}
