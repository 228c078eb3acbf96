// Whether an attacker-chosen name (a query key, JSON key, cookie or header name, a host label or
// path segment in a target summary) is data rather than a name. Such names are never written into a
// finding location or a target whole: an agent can carry a secret, or a piece of one, in a name as
// easily as in a value, and locations reach API answers, the audit log and receipts.
// Pure string code, no regex: the names are attacker text and this runs for every key of every input.

/**
 * Literal prefixes of the credential formats DLP knows (`dlp/split.test.ts` checks that every rule
 * judged on joined pieces is covered), lower case: a name is compared case-insensitively, since a
 * piece may have been lower-cased on the way (a host name, a header name).
 */
export const CREDENTIAL_PREFIXES: readonly string[] = [
  // code hosts and registries
  'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'glpat-', 'gldt-', 'glptt-', 'glsoat-', 'glcbt-', 'glimt-', 'glagent-',
  'gloas-', 'glft-', 'glffct-', 'glwt-', 'glcst-', 'glrt-', 'glrtr-', 'gr1348941', 'atatt3', 'atctt3', 'atbb', 'bbdc-', 'npm_',
  'pypi-age', 'rubygems_', 'oy2', 'dckr_pat_', 'dckr_oat_', 'sgp_', 'clojars_', 'squ_', 'sqp_', 'sqa_', 'pmak-', 'pmat-', 'akcp',
  'cmvmdgtu', 'swmtkn-', 'swmkey-',
  // cloud
  'akia', 'asia', 'abia', 'acca', 'a3t', 'absk', 'bedrock-api-key-', 'aiza', 'gocspx-', 'ya29.', '1//0', 'hrku-', 'amzn.mws.', 'da2-',
  'ltai', 'cfk_', 'cfut_', 'cfat_', 'v1.0-', 'dop_v1_', 'doo_v1_', 'dor_v1_', 'mii',
  // AI providers
  'sk-', 'sk_', 'hf_', 'api_org_', 'r8_', 'tgp_v1_', 'gsk_', 'xai-', 'fw_', 'pplx-', 'pcsk_', 'tvly-', 'lsv2_', 'llm|', 'llx-',
  // payments and messaging
  'rk_', 'whsec_', 'sq0atp-', 'sq0csp-', 'eaa', 'access_token$', 'shpat_', 'shpca_', 'shppa_', 'shpss_', 'xox', 'xapp-', 'sg.', 'key-',
  'xkeysib-', 'xsmtpsib-', 'igqv', 'igaa', 'hooks.slack.com', 'discord.com/api/webhooks', 'discordapp.com/api/webhooks',
  // infrastructure and SaaS
  'hvs.', 'hvb.', 'hvr.', 'vcp_', 'vci_', 'vck_', 'vca_', 'vcr_', 'sbp_', 'sb_secret_', 'dapi', 'sntrys_', 'sntryu_', 'lin_api_',
  'lin_oauth_', 'secret_', 'ntn_', 'nrak-', 'nrii-', 'nrjs-', 'nrbr-', 'nraa-', 'dp.', 'nfp_', 'nfc_', 'nfo_', 'nfu_', 'nfb_', 'ops_eyj',
  'dt0', 'pscale_', 'phx_', 'phs_', 'pha_', 'phr_', 'sha256~', 'cosmo_', 's-s4t2', 'figd_', 'glc_', 'glsa_', 'eyjrijoi', 'fm1', 'fm2',
  'fo1_', 'sl.', '00d', 'akab-', 'dnkey-', 'api-', 'aaaaaaaaaaaaaaaa',
  // keys and tokens
  'eyj', 'age-secret-key-1', 'putty-user-key-file', 'xprv', 'tprv', 'yprv', 'zprv', 'uprv', 'vprv', 'tlrmtvntuaadaaaa',
];

/** Prefixes by their first character code (lower case), so a name is compared with a few, not all. */
const BY_FIRST = new Map<number, string[]>();
for (const p of CREDENTIAL_PREFIXES) {
  const list = BY_FIRST.get(p.charCodeAt(0));
  if (list) list.push(p);
  else BY_FIRST.set(p.charCodeAt(0), [p]);
}

function lowerCode(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

/** The credential prefix `name` starts with (compared without case), or ''. */
export function credentialPrefixOf(name: string): string {
  if (name.length === 0) return '';
  const list = BY_FIRST.get(lowerCode(name.charCodeAt(0)));
  if (!list) return '';
  let best = '';
  for (const p of list) {
    if (p.length <= best.length || p.length > name.length) continue;
    let ok = true;
    for (let i = 1; ok && i < p.length; i++) ok = lowerCode(name.charCodeAt(i)) === p.charCodeAt(i);
    if (ok) best = p;
  }
  return best;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}
function isLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

/**
 * A name that starts like a credential: a known prefix followed by something a word after that
 * prefix would not hold (a digit or a capital letter). `ghp_oEOLj3` and `AKIAZ7QW4E` are; `key-name`
 * and `secret_token` (mailgun's and notion's prefixes before a plain word) are not.
 */
export function startsLikeCredential(name: string): boolean {
  const prefix = credentialPrefixOf(name);
  if (prefix === '' || prefix.length === name.length) return false;
  for (let i = prefix.length; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (isDigit(c) || isUpper(c)) return true;
  }
  return false;
}

/**
 * Short names (SHORT_MIN to 11 characters) that read as random: letters and digits alternating
 * four times or more (`RT5YUI6OPA`, `a3f9c2e1b7`), or all of upper case, lower case and digits with
 * two case changes (`oEOLj34nAx`). Identifiers such as `x509cert`, `utf8mb4`, `v1beta2`, `page2Size`
 * and `oauth2Token` stay readable.
 */
const SHORT_MIN = 6;

function looksRandomShort(name: string): boolean {
  let transitions = 0;
  let caseChanges = 0;
  let upper = false;
  let lower = false;
  let digit = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    upper ||= isUpper(c);
    lower ||= isLower(c);
    digit ||= isDigit(c);
    if (i === 0) continue;
    const p = name.charCodeAt(i - 1);
    const letter = isUpper(c) || isLower(c);
    const prevLetter = isUpper(p) || isLower(p);
    if ((letter && isDigit(p)) || (isDigit(c) && prevLetter)) transitions++;
    if ((isUpper(c) && isLower(p)) || (isLower(c) && isUpper(p))) caseChanges++;
  }
  return transitions >= 4 || (upper && lower && digit && caseChanges >= 2);
}

/**
 * Whether a name looks like data rather than a name: long; or starting like a credential; or, from
 * 12 characters, with digits inside it or many case changes; or, shorter, random-looking (above).
 */
export function looksLikeData(name: string): boolean {
  if (name.length > 40) return true;
  if (startsLikeCredential(name)) return true;
  if (name.length < SHORT_MIN) return false;
  if (name.length < 12) return looksRandomShort(name);
  // A digit counts as inside when a non-digit follows it somewhere (`v2beta`, not `page10`).
  let lastNonDigit = -1;
  for (let i = name.length - 1; i >= 0 && lastNonDigit < 0; i--) if (!isDigit(name.charCodeAt(i))) lastNonDigit = i;
  let digitsInside = false;
  let caseChanges = 0;
  for (let i = 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const p = name.charCodeAt(i - 1);
    if (isDigit(c) && i < lastNonDigit) digitsInside = true;
    if ((isUpper(c) && isLower(p)) || (isLower(c) && isUpper(p))) caseChanges++;
  }
  return digitsInside || caseChanges >= 4;
}

/**
 * A short stand-in for a data-like name: its length, after its first four characters when it is
 * long enough that four are a small part of it, or after the credential prefix it starts with (the
 * format, not the secret). A short random-looking name (a piece of a split secret) shows nothing.
 */
export function redactedName(name: string): string {
  const chars = Array.from(name);
  const prefix = credentialPrefixOf(name);
  const keep = name.length >= 12 ? 4 : Math.min(4, prefix.length);
  return `${printable(chars.slice(0, keep).join(''))}…(${name.length})`;
}

/** Printable ASCII other than a dot (a location separator); anything else becomes `_`. */
function printable(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c > 0x20 && c < 0x7f && c !== 0x2e ? text[i] : '_';
  }
  return out;
}

/**
 * Whether a value found only once its letter case was changed holds a digit after its first four
 * characters. Read in upper case, a host label of words is an AWS key id's shape (`asiapacificcustomers`,
 * `accacommunityportals`: a prefix and 16 letters); a real key id is base32 and holds one of `2`–`7`
 * in its 16 characters 96% of the time ((26/32)^16 ≈ 3.6% hold none: those are left to the entropy
 * scanner's host-label check). Words rarely hold digits, so this keeps DNS names off the list.
 */
export function plausibleWithoutCase(value: string): boolean {
  for (let i = 4; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) return true;
  }
  return false;
}
