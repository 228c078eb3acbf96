/**
 * Headers Tollgate sends to an upstream MCP server (mcp.http.upstreamHeaders, --header). A value
 * is a template: `${NAME}` is replaced by the variable NAME from Tollgate's environment, so a
 * credential lives in the environment, never in a config file or on a command line, and the
 * names of the variables used are returned so their values can be matched as known secrets.
 * Values are never logged; only header names are.
 */

export interface ResolvedHeaders {
  /** Lower-case header name → value. */
  readonly headers: Readonly<Record<string, string>>;
  /** Environment variables the values were built from (for known-secret matching). */
  readonly envNames: readonly string[];
  /** Problems, one sentence each; a non-empty list means the headers must not be used. */
  readonly problems: readonly string[];
}

/** Headers the transport sets itself (framing, protocol, session), which config may not replace. */
const RESERVED = new Set([
  'host',
  'content-length',
  'content-type',
  'content-encoding',
  'accept',
  'accept-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
]);

const TOKEN_CHARS = "!#$%&'*+-.^_`|~";

function isHeaderName(s: string): boolean {
  if (s.length === 0 || s.length > 128) return false;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alnum && !TOKEN_CHARS.includes(ch)) return false;
  }
  return true;
}

function isEnvName(s: string): boolean {
  if (s.length === 0 || s.length > 256) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = c === 0x5f || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (i > 0 && c >= 0x30 && c <= 0x39);
    if (!ok) return false;
  }
  return true;
}

type Piece = { readonly literal: string } | { readonly env: string };

/** Splits a template into literal text and `${NAME}` references. */
export function parseTemplate(template: string): { ok: true; pieces: Piece[] } | { ok: false; problem: string } {
  const pieces: Piece[] = [];
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf('${', at);
    if (open < 0) {
      pieces.push({ literal: template.slice(at) });
      break;
    }
    if (open > at) pieces.push({ literal: template.slice(at, open) });
    const close = template.indexOf('}', open + 2);
    if (close < 0) return { ok: false, problem: 'a "${" without its closing "}"' };
    const name = template.slice(open + 2, close);
    if (!isEnvName(name)) return { ok: false, problem: `"\${${name.slice(0, 40)}}" does not name an environment variable` };
    pieces.push({ env: name });
    at = close + 1;
  }
  return { ok: true, pieces };
}

/** Literal text shaped like a credential: a long word with no spaces mixing three character classes. */
function literalLooksSecret(text: string): boolean {
  for (const word of text.split(/\s+/)) {
    if (word.length < 16) continue;
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(word)).length;
    if (classes >= 3 || (classes >= 2 && /[0-9]/.test(word) && word.length >= 24)) return true;
  }
  return false;
}

/** Parses `--header 'Name: value'`. */
export function parseHeaderFlag(flag: string): { ok: true; name: string; template: string } | { ok: false; problem: string } {
  const colon = flag.indexOf(':');
  if (colon <= 0) return { ok: false, problem: '--header takes "Name: value"' };
  const name = flag.slice(0, colon).trim();
  if (!isHeaderName(name)) return { ok: false, problem: `--header: "${name.slice(0, 40)}" is not a header name` };
  return { ok: true, name, template: flag.slice(colon + 1).trim() };
}

/** Builds the upstream headers from templates, reading `${NAME}` from env. */
export function resolveHeaders(templates: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv): ResolvedHeaders {
  const headers: Record<string, string> = {};
  const envNames = new Set<string>();
  const problems: string[] = [];
  for (const [rawName, template] of Object.entries(templates)) {
    const name = rawName.toLowerCase();
    if (!isHeaderName(rawName)) {
      problems.push(`upstream header "${rawName.slice(0, 40)}" is not a header name`);
      continue;
    }
    if (RESERVED.has(name)) {
      problems.push(`upstream header ${name} is set by Tollgate itself and cannot be configured`);
      continue;
    }
    const parsed = parseTemplate(template);
    if (!parsed.ok) {
      problems.push(`upstream header ${name}: ${parsed.problem}`);
      continue;
    }
    const literal = parsed.pieces.map((p) => ('literal' in p ? p.literal : ' ')).join('');
    if (literalLooksSecret(literal)) {
      problems.push(`upstream header ${name} has a literal value that looks like a credential; put it in an environment variable and write \${NAME}`);
      continue;
    }
    let value = '';
    let missing = false;
    for (const p of parsed.pieces) {
      if ('literal' in p) {
        value += p.literal;
        continue;
      }
      const v = env[p.env];
      if (v === undefined || v.length === 0) {
        problems.push(`upstream header ${name}: the environment variable ${p.env} is not set`);
        missing = true;
        break;
      }
      envNames.add(p.env);
      value += v;
    }
    if (missing) continue;
    if (/[\r\n\0]/.test(value)) {
      problems.push(`upstream header ${name}: the value contains a line break or NUL`);
      continue;
    }
    headers[name] = value;
  }
  return { headers, envNames: [...envNames], problems };
}
