/**
 * The environment a stdio MCP server gets: only the variables the config allows (mcp.env.allow,
 * names or `*` globs) and those passed by name (`--env NAME`, mcp.env.pass). Tollgate's own
 * secrets stay with Tollgate. Passed values that look like secrets are returned so the
 * composition root can add them to known-secret matching.
 */

export interface ChildEnv {
  readonly env: Record<string, string>;
  /** Variables passed by name whose values look like secrets (never the allowlisted defaults). */
  readonly secrets: readonly { readonly name: string; readonly value: string }[];
  /** Names passed by name that Tollgate's environment does not have. */
  readonly missing: readonly string[];
}

function globMatches(glob: string, name: string): boolean {
  if (!glob.includes('*')) return glob === name;
  const parts = glob.split('*');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last)) return false;
  let at = first.length;
  for (const p of parts.slice(1, -1)) {
    const i = name.indexOf(p, at);
    if (i < 0) return false;
    at = i + p.length;
  }
  return at <= name.length - last.length;
}

const SECRET_NAME_WORDS = ['KEY', 'TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PASS', 'PWD', 'CREDENTIAL', 'CREDENTIALS', 'AUTH', 'PRIVATE', 'DSN', 'COOKIE', 'SESSION', 'APIKEY'];

/** A name with a word like KEY, TOKEN or SECRET in it (split on _ and case changes). */
function secretName(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase().split(/[_\-.]+/);
  return words.some((w) => SECRET_NAME_WORDS.includes(w));
}

/** A value shaped like a credential: long, no spaces, not a path, mixing character classes. */
function secretValue(value: string): boolean {
  if (value.length < 16 || value.length > 4096 || /\s/.test(value)) return false;
  if (value.startsWith('/') || value.startsWith('~') || /^[A-Za-z]:\\/.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(value)).length;
  // A URL with userinfo carries a password.
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+:[^/@\s]+@/i.test(value)) return true;
  return classes >= 3 || (classes >= 2 && /[0-9]/.test(value) && value.length >= 24);
}

/**
 * Builds the child's environment from Tollgate's. `pass` names are copied as they are;
 * `allow` entries may use `*` (LC_*).
 */
export function buildChildEnv(parent: NodeJS.ProcessEnv, allow: readonly string[], pass: readonly string[]): ChildEnv {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (allow.some((g) => globMatches(g, name))) env[name] = value;
  }
  const secrets: { name: string; value: string }[] = [];
  const missing: string[] = [];
  for (const name of new Set(pass)) {
    const value = parent[name];
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    env[name] = value;
    if (value.length > 0 && (secretName(name) || secretValue(value))) secrets.push({ name, value });
  }
  return { env, secrets, missing };
}
