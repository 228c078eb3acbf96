// Secrets carried inside a longer value. A connection string primed as a whole
// (DATABASE_URL=postgres://app:PASSWORD@db/prod) matches only when the whole string travels; an
// agent that sends the password alone would pass. The parts found here are indexed as entries of
// their own, named after the value they came from.

/** Keys of `key=value` settings whose value is a credential (ADO/JDBC/libpq strings, URL queries). */
const SECRET_KEYS = new Set(['password', 'pwd', 'pass', 'passwd', 'secret', 'token', 'apikey', 'api_key', 'access_token', 'accesskey', 'sslpassword', 'sharedaccesskey', 'accountkey']);

/** Longest value searched for embedded parts (the index's own maximum is larger; DSNs are short). */
const MAX_VALUE = 8192;

function decodePercent(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Passwords in `scheme://user:password@host` userinfo, every URL in the value. */
function userinfoPasswords(value: string, out: string[]): void {
  let from = 0;
  for (;;) {
    const sep = value.indexOf('://', from);
    if (sep < 0) return;
    const start = sep + 3;
    // The authority ends at the first '/', '?', '#' or blank; userinfo is what precedes its last '@'.
    let end = start;
    while (end < value.length && !'/?# \t\r\n'.includes(value[end]!)) end++;
    const authority = value.slice(start, end);
    const at = authority.lastIndexOf('@');
    if (at > 0) {
      const colon = authority.indexOf(':');
      if (colon >= 0 && colon < at - 1) out.push(decodePercent(authority.slice(colon + 1, at)));
    }
    from = end > start ? end : start;
  }
}

/** Values of credential keys in `k=v;k=v`, `k=v&k=v` and `k=v k=v` settings. */
function keyedSecrets(value: string, out: string[]): void {
  for (const piece of value.split(/[;&\s?]/)) {
    const eq = piece.indexOf('=');
    if (eq <= 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase().replace(/[\s-]/g, '');
    if (!SECRET_KEYS.has(key)) continue;
    let v = piece.slice(eq + 1).trim();
    if (v.length >= 2 && (v[0] === "'" || v[0] === '"') && v[v.length - 1] === v[0]) v = v.slice(1, -1);
    if (v.length > 0) out.push(decodePercent(v));
  }
}

/**
 * The credential parts of `value` that differ from the value itself, each once: userinfo passwords
 * and the values of password-like keys. Empty for an ordinary secret.
 */
export function embeddedSecrets(value: string): string[] {
  if (value.length > MAX_VALUE) return [];
  const found: string[] = [];
  userinfoPasswords(value, found);
  keyedSecrets(value, found);
  return [...new Set(found)].filter((p) => p !== value && p.length > 0);
}
