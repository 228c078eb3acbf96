// Cloud providers: AWS, Google Cloud, Azure, DigitalOcean, Alibaba, Cloudflare, Heroku.
import { decodeBase64, entropy, hasDigit, hasUpperAndLower, isTokenPlaceholder } from '../checks.ts';
import { re } from '../../../re/index.ts';
import type { CheckContext, DlpRule } from '../types.ts';
import { MITRE } from '../types.ts';
import { END, near, randomMixed, secret } from './helpers.ts';

/** A Google OAuth client id ends within the 300 characters before the value. */
function googleClientIdBefore(ctx: CheckContext): boolean {
  const before = ctx.text.slice(Math.max(0, ctx.start - 300), ctx.start);
  return GOOGLE_CLIENT_ID.test(before);
}
const ALIBABA_ID = re('(?:^|[^A-Za-z0-9])LTAI[A-Za-z0-9]{12,20}(?:[^A-Za-z0-9]|$)');
const ALIBABA_WORD = re('alibaba|aliyun|accesskeysecret|access_key_secret', 'i');

/** An AccessKey ID or an Alibaba word in the 160 characters before the value (case kept for the ID). */
function alibabaCue(ctx: CheckContext): boolean {
  const before = ctx.text.slice(Math.max(0, ctx.start - 160), ctx.start);
  return ALIBABA_ID.test(before) || ALIBABA_WORD.test(before);
}

/** Whether the value sits inside a run of base64 characters much longer than itself (a blob, not a key). */
function insideBase64Blob(ctx: CheckContext): boolean {
  const isB64 = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2b || c === 0x2f;
  let from = ctx.start;
  while (from > 0 && ctx.start - from < 64 && isB64(ctx.text.charCodeAt(from - 1))) from--;
  let to = ctx.end;
  while (to < ctx.text.length && to - ctx.end < 64 && isB64(ctx.text.charCodeAt(to))) to++;
  return to - from >= ctx.end - ctx.start + 64;
}

const GOOGLE_CLIENT_ID = re('[0-9]{6,14}-[a-z0-9]{32}\\.apps\\.googleusercontent\\.com');

/** The base64 body begins with the text of a Bedrock presigned request (`bedrock.amazonaws.com/…`). */
function presignedStart(body: string): boolean {
  const bytes = decodeBase64(body.slice(0, 16));
  if (!bytes) return false;
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return text.startsWith('bedrock.');
}

const GEMINI_WORDS = ['gemini', 'generativelanguage', 'genai', 'google_ai', 'googleai', 'google-ai', 'aistudio', 'ai studio'];

export const CLOUD_RULES: readonly DlpRule[] = [
  secret({
    id: 'dlp/aws-access-key-id',
    name: 'AWS access key ID',
    severity: 'critical',
    // Long-term (AKIA), temporary STS (ASIA), bearer (ABIA), context-specific (ACCA) and the old A3T form.
    // The 16 characters are base32 in real keys; [A-Z0-9] is accepted so hand-made fixtures match too.
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    pattern: '\\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16})\\b',
    minEntropy: 3.0,
    advice: 'Deactivate the key in IAM and rotate it.',
  }),
  secret({
    id: 'dlp/aws-secret-access-key',
    name: 'AWS secret access key',
    severity: 'critical',
    keywords: ['aws', 'secret_access', 'secretaccess', 'secret-access', 'akia', 'asia'],
    pattern: '(?:^|[^A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)',
    minEntropy: 4.0,
    check: (v, ctx) => {
      if (!hasUpperAndLower(v) || !(hasDigit(v) || v.includes('/') || v.includes('+'))) return false;
      const w = ctx.around(160, 0);
      if (w.includes('akia') || w.includes('asia')) return true; // next to its key id
      if (w.includes('secret') && (w.includes('aws') || w.includes('access') || w.includes('amazon'))) return true;
      return w.includes('aws') && w.includes('key');
    },
    advice: 'Deactivate the access key in IAM and rotate it.',
  }),
  secret({
    id: 'dlp/aws-bedrock-api-key',
    reach: 8192,
    name: 'Amazon Bedrock API key',
    keywords: ['absk', 'bedrock-api-key-'],
    // Long-term keys (ABSK + base64) and short-term keys (`bedrock-api-key-` + base64 of a presigned
    // request, over 100 characters). A shorter body that decodes to the start of that request is a
    // truncated illustration; a shorter random body after AWS's own prefix is still stopped.
    pattern: '\\b(ABSK[A-Za-z0-9+/]{100,400}={0,2}|bedrock-api-key-[A-Za-z0-9+/]{24,}={0,2})(?:[^A-Za-z0-9+/=]|$)',
    minEntropy: 4.0,
    check: (v) => v.startsWith('ABSK') || v.length >= 116 || (randomMixed(v.slice(16), 3.5) && !presignedStart(v.slice(16))),
  }),
  secret({
    id: 'dlp/gcp-service-account-key',
    reach: 128,
    name: 'Google Cloud service-account key file',
    severity: 'critical',
    mitre: MITRE.privateKeys,
    keywords: ['service_account'],
    // The marker of the key file; reported only when the same JSON carries a private key.
    pattern: '(\\\\?"type\\\\?"\\s*:\\s*\\\\?"service_account\\\\?")',
    placeholders: 'none',
    check: (_v, ctx) => {
      const w = ctx.around(4096, 4096);
      return w.includes('private_key') && (w.includes('private key') || w.includes('private_key_id'));
    },
    evidence: () => 'service-account key file with a private key',
    advice: 'Delete the key in the Google Cloud console (IAM → Service accounts → Keys) and issue a new one.',
  }),
  secret({
    id: 'dlp/google-api-key',
    name: 'Google API key',
    keywords: ['aiza'],
    pattern: `\\b(AIza[0-9A-Za-z_-]{35})${END}`,
    minEntropy: 3.5,
    yieldsTo: ['dlp/google-gemini-api-key'],
    advice: 'Restrict or regenerate the key in the Google Cloud console.',
  }),
  secret({
    id: 'dlp/google-gemini-api-key',
    name: 'Google Gemini API key',
    keywords: ['aiza'],
    pattern: `\\b(AIza[0-9A-Za-z_-]{35})${END}`,
    minEntropy: 3.5,
    context: { words: GEMINI_WORDS, before: 240, after: 120 },
    advice: 'Delete the key in Google AI Studio and create a new one.',
  }),
  secret({
    id: 'dlp/google-oauth-client-secret',
    name: 'Google OAuth client secret',
    keywords: ['gocspx-', '.apps.googleusercontent.com'],
    // GOCSPX- secrets, and the older 24-character secrets, recognised only after their client id
    // (`<project number>-<32>.apps.googleusercontent.com`) in the same stretch of text.
    pattern: `\\b(GOCSPX-[A-Za-z0-9_-]{28})${END}|(?:^|[^A-Za-z0-9_-])([A-Za-z0-9_-]{24})${END}`,
    group: -1,
    minEntropy: 3.5,
    check: (v, ctx) => v.startsWith('GOCSPX-') || (randomMixed(v, 3.8) && googleClientIdBefore(ctx)),
  }),
  secret({
    id: 'dlp/google-oauth-token',
    reach: 4096,
    name: 'Google OAuth access or refresh token',
    mitre: MITRE.appAccessToken,
    keywords: ['ya29.', '1//0'],
    pattern: `(?:\\b|^)(ya29\\.[0-9A-Za-z_-]{30,}|1//0[0-9A-Za-z_-]{40,500})${END}`,
    minEntropy: 3.5,
    advice: 'Revoke the token (https://myaccount.google.com/permissions or the OAuth client) and rotate the client secret if it leaked too.',
  }),
  secret({
    id: 'dlp/azure-storage-account-key',
    name: 'Azure storage account key',
    severity: 'critical',
    keywords: ['accountkey', 'account_key', 'account-key'],
    pattern: '(?i:account[_-]?key)\\\\?["\']?\\s*[=:]\\s*\\\\?["\']?([A-Za-z0-9+/]{86}==)',
    minEntropy: 4.0,
    advice: 'Rotate the storage account key in the Azure portal.',
  }),
  secret({
    id: 'dlp/azure-sas-token',
    reach: Infinity,
    name: 'Azure shared access signature',
    keywords: ['sig='],
    // sv=<version> … sig=<signature> in either order within one URL or query string.
    pattern:
      '\\bsv=\\d{4}-\\d\\d-\\d\\d[^\\s"\'<>]*?[?&;]sig=([A-Za-z0-9%+/=]{40,120})|[?&;]sig=([A-Za-z0-9%+/=]{40,120})[^\\s"\'<>]*?[&;]sv=\\d{4}-\\d\\d-\\d\\d',
    group: -1,
    minEntropy: 3.5,
    advice: 'Revoke the SAS (rotate the signing key or its stored access policy) and issue a narrower one.',
  }),
  secret({
    id: 'dlp/azure-ad-client-secret',
    name: 'Azure AD (Entra ID) client secret',
    keywords: ['q~'],
    pattern: '(?:^|[^A-Za-z0-9_~.-])([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?:[^A-Za-z0-9_~.-]|$)',
    minEntropy: 3.5,
    advice: 'Delete the client secret in the app registration and create a new one.',
  }),
  secret({
    id: 'dlp/digitalocean-token',
    name: 'DigitalOcean token',
    severity: 'critical',
    keywords: ['_v1_'],
    pattern: '\\b(do[opr]_v1_[a-f0-9]{64})\\b',
    minEntropy: 3.0,
  }),
  secret({
    id: 'dlp/alibaba-access-key-id',
    name: 'Alibaba Cloud AccessKey ID',
    keywords: ['ltai'],
    pattern: '\\b(LTAI[A-Za-z0-9]{12,20})\\b',
    minEntropy: 3.0,
    check: (v) => hasDigit(v) && hasUpperAndLower(v.slice(4)),
  }),
  secret({
    id: 'dlp/cloudflare-api-token',
    name: 'Cloudflare API token or key',
    keywords: ['cloudflare', 'cf_api', 'cf-api', 'cf_token', 'v1.0-', 'cfk_', 'cfut_', 'cfat_'],
    // Scannable credentials (global key cfk_, user token cfut_, account token cfat_: 40 characters and a
    // checksum), Origin CA keys (v1.0-), and legacy 40-character tokens next to a Cloudflare name.
    pattern: `\\b(cf(?:k|ut|at)_[A-Za-z0-9]{44,52}|v1\\.0-[a-f0-9]{24}-[a-f0-9]{146})\\b|(?:^|[^A-Za-z0-9_-])([A-Za-z0-9_-]{40})${END}`,
    group: -1,
    check: (v, ctx) => {
      if (v.startsWith('v1.0-')) return true;
      if (v.length >= 48 && v.startsWith('cfk_')) return randomMixed(v.slice(4), 4.0);
      if (v.length >= 48 && (v.startsWith('cfut_') || v.startsWith('cfat_'))) return randomMixed(v.slice(5), 4.0);
      return randomMixed(v, 4.0) && near(ctx, ['cloudflare', 'cf_api', 'cf-api', 'cf_token', 'cf-token'], 160);
    },
  }),
  secret({
    id: 'dlp/heroku-api-key',
    name: 'Heroku API key',
    keywords: ['hrku-', 'heroku'],
    pattern: `\\b(HRKU-[0-9A-Za-z_-]{36,80})${END}|\\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\b`,
    group: -1,
    check: (v, ctx) => v.startsWith('HRKU-') || near(ctx, ['heroku'], 120),
  }),
  secret({
    id: 'dlp/aws-mws-key',
    name: 'Amazon MWS auth token',
    minEntropy: 3.0,
    keywords: ['amzn.mws.'],
    pattern: '\\b(amzn\\.mws\\.[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12})\\b',
  }),
  secret({
    id: 'dlp/aws-appsync-api-key',
    name: 'AWS AppSync GraphQL API key',
    // AppSync API keys are `da2-` and 26 lower-case base32-like characters.
    keywords: ['da2-'],
    pattern: '\\b(da2-[a-z0-9]{26})\\b',
    minEntropy: 3.5,
    check: (v) => hasDigit(v.slice(4)),
    advice: 'Delete the API key in the AppSync console (Settings → API keys) and issue a new one.',
  }),
  secret({
    id: 'dlp/azure-identifiable-key',
    name: 'Azure identifiable key (common annotated security key)',
    severity: 'critical',
    // Microsoft's common annotated key format: 52 random base62 characters, the fixed signature JQQJ9
    // with a version character, a provider and time stamp block, and an optional `xx==` tail (storage
    // account, Cosmos DB, DevOps, API Management and other keys issued since 2024).
    keywords: ['jqqj9'],
    pattern:
      '(?:^|[^A-Za-z0-9+/])([A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9][A-L][A-Za-z0-9]{16}[A-Za-z][A-Za-z0-9]{7}(?:[A-Za-z0-9]{2}==)?)(?:[^A-Za-z0-9+/=]|$)',
    // The fixed blocks hold runs of A (zero bytes), so only the random part is screened.
    placeholders: 'none',
    check: (v) => {
      const random = v.slice(0, 52);
      return !isTokenPlaceholder(random) && entropy(random) >= 3.5 && hasDigit(random);
    },
    advice: 'Regenerate the key on the Azure resource that issued it (its Keys or Access keys blade).',
  }),
  secret({
    id: 'dlp/alibaba-access-key-secret',
    name: 'Alibaba Cloud AccessKey secret',
    severity: 'critical',
    keywords: ['ltai', 'alibaba', 'aliyun'],
    pattern: '(?:^|[^A-Za-z0-9])([A-Za-z0-9]{30})(?:[^A-Za-z0-9]|$)',
    context: { words: ['ltai', 'alibaba', 'aliyun', 'accesskeysecret', 'access_key_secret'], before: 160 },
    // "ltai" in any case occurs by chance in large base64 (an image upload: 2 in 40 random 600 KB
    // JPEGs), where `+` and `/` also cut 30-character alphanumeric runs: the cue must be a real
    // AccessKey ID (upper-case LTAI and its 12-20 characters) or a word, and the value no piece of a blob.
    check: (v, ctx) => randomMixed(v, 4.0) && alibabaCue(ctx) && !insideBase64Blob(ctx),
  }),
];

