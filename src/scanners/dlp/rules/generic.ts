// Format-independent detectors: credentials in URLs and connection strings, `password=`-style
// assignments, Authorization header values and command-line credential flags. They catch tokens whose
// format no rule knows, so they are tuned for precision: a literal value, a secret-bearing key name,
// no placeholder or reference, and enough randomness.
import { charClasses, decodeBase64, entropy, hasDigit, hasUpperAndLower, isTokenPlaceholder, isValuePlaceholder, printableText } from '../checks.ts';
import type { CheckContext, DlpRule } from '../types.ts';
import { MITRE } from '../types.ts';
import { re } from '../../../re/index.ts';
import { randomMixed, secret } from './helpers.ts';

// ------------------------------------------------------------------ key names

export type SecretKind = 'password' | 'token';

/** Splits `dbPassword`, `DB_PASSWORD`, `api-key`, `APIKey` into lower-case words. */
export function keyWords(key: string): string[] {
  const words: string[] = [];
  let cur = '';
  const kind = (c: number): number => (c >= 97 && c <= 122 ? 1 : c >= 65 && c <= 90 ? 2 : c >= 48 && c <= 57 ? 3 : 0);
  for (let i = 0; i < key.length && i < 120; i++) {
    const k = kind(key.charCodeAt(i));
    if (k === 0) {
      if (cur) words.push(cur);
      cur = '';
      continue;
    }
    const prev = i > 0 ? kind(key.charCodeAt(i - 1)) : 0;
    const next = i + 1 < key.length ? kind(key.charCodeAt(i + 1)) : 0;
    if (k === 2 && cur && (prev === 1 || prev === 3 || (prev === 2 && next === 1))) {
      words.push(cur);
      cur = '';
    }
    cur += key.charAt(i).toLowerCase();
  }
  if (cur) words.push(cur);
  return words;
}

const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'passphrase', 'pass', 'passcode', 'pswd', 'pword', 'pw', 'passwort', 'contrasena']);
const TOKEN_WORDS = new Set(['secret', 'token', 'apikey', 'credential', 'credentials', 'creds', 'auth', 'accesskey', 'secretkey', 'privatekey']);
// Run-together compounds (`dbpassword`, `accesstoken`, `clientsecret`): a known qualifier glued to a secret word.
const PASSWORD_ROOTS = ['pwd', 'pass'];
// Long enough to be unambiguous at the end of any run-together key (`anypassword`, `userpasswd`).
const LONG_PASSWORD_ROOTS = ['password', 'passwd', 'passphrase'];
const TOKEN_ROOTS = ['secret', 'token', 'key'];
const COMPOUND_PREFIXES = new Set([
  'access', 'auth', 'api', 'bearer', 'refresh', 'id', 'session', 'bot', 'app', 'user', 'client', 'oauth', 'db',
  'database', 'admin', 'root', 'master', 'smtp', 'mail', 'email', 'ftp', 'sftp', 'ldap', 'redis', 'mysql', 'postgres',
  'pg', 'sql', 'mongo', 'proxy', 'wifi', 'vpn', 'secret', 'private', 'signing', 'encryption', 'service', 'consumer',
  'webhook', 'deploy', 'account', 'store', 'keystore', 'truststore', 'login', 'sudo', 'personal', 'integration',
]);

function compound(word: string, roots: readonly string[]): boolean {
  for (const root of roots) {
    if (word.length > root.length && word.endsWith(root) && COMPOUND_PREFIXES.has(word.slice(0, -root.length))) return true;
  }
  return false;
}
// Words that make `<word>_key` a secret (`api_key`, `signing_key`, `stripe_key`); other keys (`sort_key`,
// `primary_key`, `cache_key`) are not.
const KEY_QUALIFIERS = new Set([
  'api', 'access', 'secret', 'private', 'master', 'auth', 'signing', 'encryption', 'license', 'account', 'app',
  'client', 'subscription', 'service', 'admin', 'write', 'ingest', 'deploy', 'integration', 'server', 'shared',
  'session', 'hmac', 'jwt', 'webhook', 'consumer', 'crypto', 'cipher', 'aes', 'openai', 'anthropic', 'claude',
  'stripe', 'github', 'gitlab', 'slack', 'aws', 'azure', 'gcp', 'google', 'gemini', 'twilio', 'sendgrid',
  'mailgun', 'datadog', 'sentry', 'algolia', 'mapbox', 'firebase', 'supabase', 'pinecone', 'cohere', 'mistral',
  'groq', 'huggingface', 'hf', 'replicate', 'heroku', 'vercel', 'netlify', 'cloudflare', 'openrouter', 'discord',
  'telegram', 'shopify', 'paypal', 'square', 'segment', 'mixpanel', 'newrelic', 'pagerduty', 'okta', 'auth0',
  'jira', 'notion', 'linear', 'airtable', 'figma', 'dropbox', 'zendesk', 'intercom', 'hubspot', 'salesforce',
  'postmark', 'brevo', 'mailchimp', 'elastic', 'serp', 'serpapi', 'tavily', 'exa', 'brave', 'deepl',
  'elevenlabs', 'assemblyai', 'deepgram', 'perplexity', 'xai', 'together', 'fireworks', 'voyage', 'deepseek',
]);
// Qualifiers that may trail the secret word: `password_value`, `api_key_b64`, `token2`.
const TRAILING_QUALIFIERS = new Set([
  'value', 'val', 'str', 'b64', 'base64', 'hex', 'raw', 'plain', 'plaintext', 'literal', 'old', 'new', 'current',
  'prod', 'production', 'dev', 'development', 'staging', 'stage', 'local', 'main', 'primary', 'secondary',
]);
// Keys about something other than a credential value (`csrf_token`, `next_page_token`, `public_key`).
const NOT_A_CREDENTIAL = new Set([
  'public', 'pub', 'publishable', 'csrf', 'xsrf', 'nonce', 'page', 'next', 'continuation', 'cursor', 'sync',
  'cancellation', 'cancel', 'push', 'fcm', 'apns', 'device', 'max', 'min', 'num', 'count', 'limit', 'total',
  'usage', 'input', 'output', 'prompt', 'completion', 'budget', 'remaining', 'tokenizer', 'estimated', 'expected',
  'captcha', 'recaptcha', 'site', 'verification', 'reset', 'forgot', 'confirm', 'confirmation', 'repeat', 'retype',
  'new', 'show', 'hide', 'toggle', 'visible', 'policy', 'strength', 'hint', 'label', 'placeholder', 'error',
]);

/**
 * Key names repeat (every request carries `page`, `state`, `authorization`…): the judgement is
 * memoised, bounded by entry count (keys are at most 100 characters), and cleared when full.
 */
const KIND_MEMO = new Map<string, SecretKind | null>();
const KIND_MEMO_MAX = 4096;

/** What a key name says its value is, or null when it does not name a credential. */
export function secretKeyKind(key: string): SecretKind | null {
  if (key.length === 0 || key.length > 100) return null;
  const memo = KIND_MEMO.get(key);
  if (memo !== undefined) return memo;
  const kind = judgeKeyKind(key);
  if (KIND_MEMO.size >= KIND_MEMO_MAX) KIND_MEMO.clear();
  KIND_MEMO.set(key, kind);
  return kind;
}

function judgeKeyKind(key: string): SecretKind | null {
  const words = keyWords(key);
  if (words.length === 0 || words.some((w) => NOT_A_CREDENTIAL.has(w))) return null;
  let end = words.length;
  while (end > 1 && (TRAILING_QUALIFIERS.has(words[end - 1] as string) || allDigits(words[end - 1] as string))) end--;
  const w = words[end - 1] as string;
  const p = end > 1 ? (words[end - 2] as string) : '';
  if (PASSWORD_WORDS.has(w) || LONG_PASSWORD_ROOTS.some((r) => w.endsWith(r)) || compound(w, PASSWORD_ROOTS)) return 'password';
  if (TOKEN_WORDS.has(w) || compound(w, TOKEN_ROOTS)) return 'token';
  if (w === 'key' && KEY_QUALIFIERS.has(p)) return 'token';
  return null;
}

// ------------------------------------------------------------------ values

function allDigits(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return value.length > 0;
}

function upperDigitsDashes(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45)) return false;
  }
  return true;
}

function hasAsciiSymbol(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) return true;
  }
  return false;
}

function countSpaces(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) === 32) n++;
  return n;
}

function isIdentifierPath(value: string): boolean {
  // `config.password`, `self.token`, `getPassword`, `DB_PASS`: code, not a literal.
  let sawDigit = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
    if (c >= 48 && c <= 57) sawDigit = true;
    else if (!letter && c !== 46) return false;
  }
  return !sawDigit || value.includes('.');
}

function formatDirective(value: string): boolean {
  return value.includes('%s') || value.includes('%d') || value.includes('%v') || value.includes('{0}');
}

/** Whether a value assigned to a credential-named key is a literal credential. */
export function literalSecret(kind: SecretKind, value: string, quoted: boolean): boolean {
  const v = value;
  if (v.length < (kind === 'password' ? 6 : 12) || v.length > 300) return false;
  if (isValuePlaceholder(v) || formatDirective(v)) return false;
  if (countSpaces(v) >= 2) return false; // prose, a label or a sentence
  if (!quoted && isIdentifierPath(v)) return false;
  if (kind === 'password') {
    if (!(hasDigit(v) || hasAsciiSymbol(v))) return false;
    if (allDigits(v) && v.length < 8) return false;
    return entropy(v) >= 2.3 && charClasses(v) >= 2;
  }
  if (!(hasDigit(v) || (v.length >= 20 && hasUpperAndLower(v)))) return false;
  return entropy(v) >= 3.0 && charClasses(v) >= 2;
}

// ------------------------------------------------------------------ rules

const ASSIGN_KEY = '([A-Za-z0-9_.-]{0,60}(?i:pass|pwd|pw|secret|token|key|cred|auth)[A-Za-z0-9_.-]{0,30})';
const ASSIGN =
  `${ASSIGN_KEY}\\\\?["']?[ \\t]*(?::=|=>|[=:])[ \\t]*` +
  '(?:\\\\?"([^"\\\\\\r\\n]{1,200})\\\\?"|\'([^\'\\r\\n]{1,200})\'|`([^`\\r\\n]{1,200})`' +
  '|([^\\s"\'`,;&<>(){}\\[\\]\\\\=|][^\\s"\'`,;&<>(){}\\[\\]\\\\|]{0,199}))';
const XML_ELEMENT = '<([A-Za-z0-9_.:-]{0,40}(?i:password|passwd|pwd|secret|token|apikey|api_key|credential)[A-Za-z0-9_.-]{0,20})>([^<\\s]{1,200})</';
const DOTNET_SETTING =
  '(?i:key)\\s*=\\s*"([^"]{0,40}(?i:password|pwd|secret|token|apikey|api_key)[^"]{0,20})"\\s+(?i:value)\\s*=\\s*"([^"]{1,200})"';

/**
 * A value that looks issued by a machine rather than chosen by a person: long, one unbroken token,
 * and close to the entropy of random text over its own alphabet (hex keys, base62/base64 tokens).
 * With a key name that says "token" or "key", such a value is a live credential far more often than
 * a sample, so it is reported high where a password-like value stays medium.
 */
export function machineSecret(value: string): boolean {
  const v = value;
  if (v.length < 20 || v.length > 300) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    // one token of base64/base62/hex/url-safe characters (and the dots and dashes of segmented tokens)
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 61 || c === 95 || c === 45 || c === 46)) return false;
  }
  if (isTokenPlaceholder(v)) return false;
  if (!hasDigit(v)) return false;
  const lowerHex = /* only 0-9a-f */ isHex(v);
  if (lowerHex) return v.length >= 32 && entropy(v) >= 3.4;
  return charClasses(v) >= 3 && entropy(v) >= (v.length >= 32 ? 4.2 : 3.9);
}

function isHex(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

function assignmentOk(value: string, ctx: CheckContext, groups: readonly (string | undefined)[]): boolean {
  const key = groups.find((g) => g !== undefined) ?? '';
  const kind = secretKeyKind(key);
  if (!kind) return false;
  const lower = value.toLowerCase();
  if (lower === key.toLowerCase()) return false;
  const before = ctx.start > 0 ? ctx.text.charAt(ctx.start - 1) : '';
  const quoted = before === '"' || before === "'" || before === '`' || before === '>';
  if (!quoted && ctx.text.charAt(ctx.end) === '(') return false;
  // `pkg.name:value` with nothing between (Maven coordinates, namespaces) is not an assignment.
  if (!quoted && ctx.text.charAt(ctx.start - 1) === ':' && key.includes('.') && !keyQuoted(ctx)) return false;
  return literalSecret(kind, value, quoted);
}

/** Whether the key just before the separator was quoted (`"key":value`). */
function keyQuoted(ctx: CheckContext): boolean {
  const colon = ctx.start - 1;
  const before = colon > 0 ? ctx.text.charAt(colon - 1) : '';
  return before === '"' || before === "'";
}

function userinfoOk(ctx: CheckContext, groups: readonly (string | undefined)[]): boolean {
  const user = groups[0] ?? '';
  const pass = groups[1] ?? '';
  if (pass.length < 3 || pass === user) return false;
  if (allDigits(pass) && pass.length <= 5) return false; // host:port@… rather than user:password@
  if (isValuePlaceholder(pass) || formatDirective(pass)) return false;
  // An illustrative user name (`example@…`, `<user>`) marks a template unless the password itself
  // is machine-random: a real password does not turn into a placeholder because of the login's name.
  if (isTokenPlaceholder(user) && !(pass.length >= 8 && randomMixed(pass, 2.9) && !isTokenPlaceholder(pass))) return false;
  void ctx;
  return true;
}

function basicOk(value: string): boolean {
  const bytes = decodeBase64(value);
  const text = bytes ? printableText(bytes) : null;
  if (text === null) return false;
  const colon = text.indexOf(':');
  if (colon < 1) return false;
  const user = text.slice(0, colon);
  const pass = text.slice(colon + 1);
  return pass.length >= 3 && pass !== user && !isValuePlaceholder(pass) && !isValuePlaceholder(user, false) && !formatDirective(pass);
}

/** A bearer-style token value: literal, at least 12 characters, a digit, two classes, some randomness. */
export function bearerOk(value: string): boolean {
  if (isValuePlaceholder(value) || formatDirective(value)) return false;
  return value.length >= 12 && hasDigit(value) && charClasses(value) >= 2 && entropy(value) >= 3.0 && !upperDigitsDashes(value);
}

function cliOk(value: string): boolean {
  const colon = value.indexOf(':');
  if (colon > 0) {
    const user = value.slice(0, colon);
    const pass = value.slice(colon + 1);
    return pass.length >= 4 && pass !== user && !isValuePlaceholder(pass) && !isValuePlaceholder(user, false) && !formatDirective(pass);
  }
  return value.length >= 4 && !isValuePlaceholder(value) && !formatDirective(value) && charClasses(value) >= 2;
}

const DB_SCHEMES =
  'postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?|mssql|sqlserver|clickhouse|cockroachdb|neo4j(?:\\+s|\\+ssc)?|bolt|couchdb|couchbases?|cassandra|oracle|db2|snowflake|memcached|nats|kafka|mqtts?|influxdb|arangodb|rethinkdb|elasticsearch|opensearch';
// Any other scheme (`s3://`, `dbconnection://`, `amqp+ssl://`): the userinfo shape is the same.
const ANY_SCHEME = '[A-Za-z][A-Za-z0-9+.-]{1,30}';
// Database schemes, and the suffixes of `mongodb+srv` / `neo4j+ssc` left alone when a decoded layer
// turned the `+` into a space: those URLs belong to the connection-string rule.
const DB_SCHEME = re(`^(?i:${DB_SCHEMES}|srv|ssc)$`);
// The user may be an e-mail address left unencoded (`smtps://me@example.com:pw@smtp.example.com`).
const USERINFO = '([^\\s:/@?#"\'<>]{1,128}(?:@[A-Za-z0-9.-]{1,100}\\.[A-Za-z]{2,24})?):([^\\s@/?#"\'<>]{1,256})@([A-Za-z0-9._\\[\\]:-]{1,255})';

export const GENERIC_RULES: readonly DlpRule[] = [
  secret({
    id: 'dlp/connection-string-password',
    reach: 800,
    name: 'Database or broker connection string with a password',
    keywords: ['@'],
    pattern: `\\b(?i:${DB_SCHEMES})://${USERINFO}`,
    group: 2,
    placeholders: 'none',
    check: (_v, ctx) => userinfoOk(ctx, ctx.groups),
    advice: 'Change the database password and load it from a secret store instead of the connection string.',
  }),
  secret({
    id: 'dlp/url-credentials',
    reach: 800,
    name: 'Credentials in a URL',
    keywords: ['@'],
    // Database and broker schemes belong to the connection-string rule above.
    pattern: `\\b(${ANY_SCHEME})://${USERINFO}`,
    group: 3,
    placeholders: 'none',
    check: (_v, ctx) => !DB_SCHEME.test(ctx.groups[0] ?? '') && userinfoOk(ctx, ctx.groups.slice(1)),
    advice: 'Change the password and pass credentials in a header or secret store, not in the URL.',
  }),
  secret({
    id: 'dlp/api-key-assignment',
    name: 'Machine-generated key or token assigned to a credential-named key',
    keywords: ['secret', 'token', 'key', 'cred', 'auth'],
    pattern: `${DOTNET_SETTING}|${ASSIGN}|${XML_ELEMENT}`,
    group: -2,
    placeholders: 'none',
    generic: true,
    outranksVetoes: true,
    check: (v, ctx) => assignmentOk(v, ctx, ctx.groups) && secretKeyKind(ctx.groups.find((g) => g !== undefined) ?? '') === 'token' && machineSecret(v),
    field: (key, value) => {
      const v = value.trim();
      return secretKeyKind(key) === 'token' && !v.includes('\n') && literalSecret('token', v, true) && machineSecret(v) ? v : null;
    },
    advice: 'Rotate the key at its issuer and load it from a secret store or environment instead of sending it.',
  }),
  secret({
    id: 'dlp/generic-secret-assignment',
    name: 'Password or secret assigned in text or config',
    severity: 'medium',
    keywords: ['pass', 'pwd', 'pw', 'secret', 'token', 'key', 'cred', 'auth'],
    pattern: `${DOTNET_SETTING}|${ASSIGN}|${XML_ELEMENT}`,
    group: -2,
    placeholders: 'none',
    generic: true,
    yieldsTo: ['dlp/api-key-assignment'],
    check: (v, ctx) => assignmentOk(v, ctx, ctx.groups),
    field: (key, value) => {
      const kind = secretKeyKind(key);
      const v = value.trim();
      return kind && !v.includes('\n') && literalSecret(kind, v, true) ? v : null;
    },
    advice: 'Rotate the credential and load it from a secret store or environment instead of sending it.',
  }),
  secret({
    id: 'dlp/bearer-token',
    reach: 4096,
    name: 'Bearer token in an Authorization value',
    severity: 'medium',
    mitre: MITRE.appAccessToken,
    keywords: ['bearer', 'authorization'],
    pattern:
      '(?i:authorization)\\\\?["\']?[ \\t]*[:=][ \\t]*\\\\?["\']?[ \\t]*(?:(?i:bearer|token|bot|api-?token|api-?key|sso-key|jwt|key)[ \\t]+)?([A-Za-z0-9._~+/:-]{12,}=*)' +
      '|\\b(?i:bearer)[ \\t]+([A-Za-z0-9._~+/-]{16,}=*)',
    group: -1,
    placeholders: 'none',
    generic: true,
    // a bearer value is a credential by where it is sent, not by its shape: `Bearer ghp_<anything>`
    // with a wrong GitHub checksum must not hide it
    outranksVetoes: true,
    yieldsTo: ['dlp/curl-header-credential'],
    check: bearerOk,
    field: (key, value) => {
      const k = key.toLowerCase();
      if (k !== 'authorization' && k !== 'proxy-authorization') return null;
      const v = value.trim();
      const space = v.indexOf(' ');
      const scheme = space > 0 ? v.slice(0, space).toLowerCase() : '';
      if (scheme === 'basic' || scheme === 'digest' || scheme === 'negotiate' || scheme === 'ntlm') return null;
      const token = space > 0 ? v.slice(space + 1).trim() : v;
      return bearerOk(token) ? token : null;
    },
    advice: 'Revoke the token at its issuer if it was not meant to leave; prefer short-lived tokens.',
  }),
  secret({
    id: 'dlp/basic-auth-credentials',
    reach: 4096,
    name: 'HTTP Basic credentials',
    keywords: ['basic'],
    pattern: '\\b(?i:basic)[ \\t]+([A-Za-z0-9+/]{8,}={0,2})(?:[^A-Za-z0-9+/=]|$)',
    placeholders: 'none',
    check: basicOk,
    advice: 'The header decodes to a user name and password: change the password.',
  }),
  secret({
    id: 'dlp/cli-credential-flag',
    name: 'Credential passed as a command-line flag',
    severity: 'medium',
    keywords: ['--pass', '--user', '-u ', '-u"', "-u'", 'mysql', '--secret', '--token', '--api-key', '--apikey', '--client-secret', '--auth-token', '--access-token', '--api-token', '--basic-auth', '--db-password'],
    pattern:
      '(?:^|[\\s"\'`(])(?:--(?i:password|passwd|pass|db-password|client-secret|secret|token|api-key|apikey|auth-token|access-token|api-token)(?:=|[ \\t]+)["\']?([^\\s"\'`]{4,200})' +
      '|(?:-u|--user|--basic-auth)(?:=|[ \\t]*)["\']?([^\\s"\':`]{1,100}:[^\\s"\'`]{3,200})' +
      '|(?:mysql|mysqldump|mysqladmin)\\b[^\\n]{0,200}?[ \\t]-p([^\\s"\'`-][^\\s"\'`]{3,100}))',
    group: -1,
    placeholders: 'none',
    generic: true,
    yieldsTo: ['dlp/curl-user-credential'],
    check: cliOk,
    advice: 'Change the password; pass credentials through environment variables or a secret store, not flags.',
  }),
  secret({
    id: 'dlp/powershell-plaintext-password',
    name: 'Plain-text password in ConvertTo-SecureString',
    severity: 'medium',
    keywords: ['convertto-securestring'],
    pattern: '(?i:convertto-securestring)[ \\t]+(?:-(?i:string)[ \\t]+)?["\']([^"\'\\r\\n]{4,128})["\'][ \\t]+-(?i:asplaintext)',
    placeholders: 'none',
    check: (v) => !isValuePlaceholder(v) && !formatDirective(v),
    advice: 'Change the password and read it from a secret store instead of the script.',
  }),
];
