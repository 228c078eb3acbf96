// Messaging, e-mail and social platforms.
import { decodeBase64, hasDigit, longestRun, printableText } from '../checks.ts';
import type { CheckContext, DlpRule } from '../types.ts';
import { MITRE } from '../types.ts';
import { END, near, randomMixed, secret } from './helpers.ts';

/** Discord bot tokens start with the base64 of the bot's numeric user id (a 17–20 digit snowflake). */
function discordIdPart(value: string): boolean {
  const first = value.slice(0, value.indexOf('.'));
  const bytes = decodeBase64(first);
  if (!bytes) return false;
  const text = printableText(bytes);
  if (text === null || text.length < 17 || text.length > 20) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return text.charCodeAt(0) !== 48;
}

function hasUpperHex(v: string): boolean {
  for (let i = 2; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 65 && c <= 70) return true;
  }
  return false;
}

function hasLowerHex(v: string): boolean {
  for (let i = 2; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 97 && c <= 102) return true;
  }
  return false;
}

function isLowerHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}

/** The first 32 characters are lower-case hex (the documented Mailchimp key body). */
function lowerHex32(v: string): boolean {
  for (let i = 0; i < 32; i++) if (!isLowerHex(v.charCodeAt(i))) return false;
  return true;
}

/** 15 or 16 digits, and no more, right before the bar in front of the value. */
function appIdBefore(ctx: CheckContext): boolean {
  const bar = ctx.start - 1;
  let i = bar - 1;
  while (i >= 0 && bar - i <= 17) {
    const c = ctx.text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i--;
  }
  const digits = bar - 1 - i;
  if (digits < 15 || digits > 16) return false;
  // A piece boundary in joined fragments is as good as a space.
  if (i < 0 || ctx.pieceStart(i + 1)) return true;
  const c = ctx.text.charCodeAt(i);
  return !((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95);
}

const FACEBOOK_WORDS = ['facebook', 'fb_', 'fb-', 'graph.facebook'];

export const MESSAGING_RULES: readonly DlpRule[] = [
  secret({
    id: 'dlp/slack-bot-token',
    name: 'Slack bot token',
    severity: 'critical',
    mitre: MITRE.appAccessToken,
    keywords: ['xoxb-'],
    pattern: '\\b(xoxb-[0-9]{8,14}-(?:[0-9]{8,14}-)?[A-Za-z0-9]{20,34})\\b',
    minEntropy: 3.5,
    advice: 'Revoke the token (Slack app settings → OAuth & Permissions) and reinstall the app.',
  }),
  secret({
    id: 'dlp/slack-user-token',
    name: 'Slack user token',
    severity: 'critical',
    mitre: MITRE.appAccessToken,
    keywords: ['xoxp-'],
    pattern: '\\b(xoxp-(?:[0-9]{8,14}-){2,3}[A-Za-z0-9]{20,64})\\b',
    minEntropy: 3.5,
    advice: 'Revoke the token (Slack app settings → OAuth & Permissions).',
  }),
  secret({
    id: 'dlp/slack-app-token',
    name: 'Slack app-level token',
    mitre: MITRE.appAccessToken,
    keywords: ['xapp-'],
    pattern: '\\b(xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,16}-[A-Za-z0-9]{32,80})\\b',
    minEntropy: 3.5,
    advice: 'Revoke the app-level token in the Slack app settings (Basic Information).',
  }),
  secret({
    id: 'dlp/slack-token',
    name: 'Slack token (legacy, configuration or refresh)',
    mitre: MITRE.appAccessToken,
    keywords: ['xoxa-', 'xoxo-', 'xoxr-', 'xoxs-', 'xoxe-', 'xoxe.', 'xoxp-', 'xoxb-'],
    // Rotating-token forms (`xoxe.xoxp-1-…`, `xoxp-1-…`) and legacy/workspace tokens (xoxa/xoxo/xoxr/xoxs).
    pattern: '\\b((?:xoxe\\.)?xox[bpe]-[0-9]-[A-Za-z0-9-]{20,400}|xox[aors]-[0-9]{1,14}-[A-Za-z0-9-]{20,400})(?:[^A-Za-z0-9-]|$)',
    minEntropy: 3.5,
    check: (v) => {
      const first = v.indexOf('-');
      return randomMixed(v.slice(v.indexOf('-', first + 1) + 1), 3.5);
    },
    yieldsTo: ['dlp/slack-bot-token', 'dlp/slack-user-token'],
  }),
  secret({
    id: 'dlp/slack-webhook-url',
    name: 'Slack incoming-webhook URL',
    keywords: ['hooks.slack.com'],
    pattern:
      '(hooks\\.slack\\.com/(?:services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{20,32}|(?:workflows|triggers)/T[A-Z0-9]{6,12}/A[A-Z0-9]{6,12}/[0-9]{10,24}/[A-Za-z0-9]{20,32}))',
    advice: 'Regenerate the webhook URL in the Slack app settings; anyone holding it can post to the channel.',
  }),
  secret({
    id: 'dlp/discord-bot-token',
    name: 'Discord bot token',
    severity: 'critical',
    mitre: MITRE.appAccessToken,
    keywords: [],
    pattern: `\\b([MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38})${END}`,
    minEntropy: 4.0,
    check: discordIdPart,
    advice: 'Reset the token in the Discord developer portal (Bot → Reset Token).',
  }),
  secret({
    id: 'dlp/discord-webhook-url',
    name: 'Discord webhook URL',
    keywords: ['discord'],
    pattern: `((?:discord|discordapp)\\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68})${END}`,
    advice: 'Delete the webhook in the channel settings (Integrations → Webhooks).',
  }),
  secret({
    id: 'dlp/telegram-bot-token',
    name: 'Telegram bot token',
    mitre: MITRE.appAccessToken,
    keywords: [':aa'],
    pattern: `\\b([0-9]{8,10}:AA[A-Za-z0-9_-]{33})${END}`,
    minEntropy: 3.5,
    advice: 'Revoke it with @BotFather (/revoke).',
  }),
  secret({
    id: 'dlp/twilio-api-key',
    name: 'Twilio API key SID',
    keywords: [],
    pattern: '\\b(SK[0-9a-fA-F]{32})\\b',
    minEntropy: 3.2,
    check: (v) => !(hasUpperHex(v) && hasLowerHex(v)),
    advice: 'Delete the API key in the Twilio console.',
  }),
  secret({
    id: 'dlp/twilio-auth-token',
    reach: 640,
    name: 'Twilio auth token',
    severity: 'critical',
    keywords: ['twilio'],
    pattern: '\\b([0-9a-f]{32})\\b',
    minEntropy: 3.2,
    context: { words: ['twilio', 'auth_token', 'authtoken', 'auth-token', 'auth token'], before: 120 },
    check: (v, ctx) => hasDigit(v) && near(ctx, ['twilio'], 400, 200),
    advice: 'Rotate the auth token in the Twilio console.',
  }),
  secret({
    id: 'dlp/sendgrid-api-key',
    name: 'SendGrid API key',
    keywords: ['sg.'],
    pattern: `\\b(SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})${END}`,
    minEntropy: 4.0,
  }),
  secret({
    id: 'dlp/mailgun-api-key',
    name: 'Mailgun API key',
    keywords: ['key-', 'mailgun'],
    pattern: '\\b(key-[0-9a-f]{32})\\b',
    minEntropy: 3.0,
  }),
  secret({
    id: 'dlp/mailgun-private-key',
    name: 'Mailgun private API key or webhook signing key',
    keywords: [],
    // `<32 hex>-<8 hex>-<8 hex>`: no other common identifier has that shape (UUIDs are 8-4-4-4-12).
    pattern: '\\b([0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})\\b',
    minEntropy: 3.0,
    check: hasDigit,
    advice: 'Rotate the key in the Mailgun control panel (API Security).',
  }),
  secret({
    id: 'dlp/mailchimp-api-key',
    name: 'Mailchimp API key',
    keywords: ['-us'],
    // `<32 hex>-us<datacenter>`; other 32-character bodies only next to a Mailchimp name.
    pattern: '\\b([0-9A-Za-z]{32}-us[0-9]{1,2})\\b',
    minEntropy: 3.0,
    check: (v, ctx) => lowerHex32(v) || (randomMixed(v.slice(0, 32), 3.8) && near(ctx, ['mailchimp', 'mandrill', 'chimp'], 120)),
  }),
  secret({
    id: 'dlp/brevo-api-key',
    name: 'Brevo (Sendinblue) API or SMTP key',
    keywords: ['xkeysib-', 'xsmtpsib-'],
    pattern: '\\b(x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16})\\b',
    minEntropy: 3.0,
  }),
  secret({
    id: 'dlp/facebook-access-token',
    name: 'Facebook / Meta access token',
    mitre: MITRE.appAccessToken,
    keywords: ['eaa', 'facebook'],
    // User/page tokens (EAA…; shorter ones only next to a Facebook name).
    pattern: '\\b(EAA[A-Za-z0-9]{60,400})\\b',
    check: (v, ctx) => randomMixed(v, 4.0) && (v.length >= 93 || near(ctx, FACEBOOK_WORDS, 200)),
  }),
  secret({
    id: 'dlp/facebook-app-token',
    name: 'Facebook / Meta app access token',
    mitre: MITRE.appAccessToken,
    keywords: [],
    // `<app id>|<27 base64url>` as the Graph API issues it; the value is the secret half. The pattern
    // starts at the bar and the check reads the app id before it, so the prefilter's match of this rule
    // never starts where a card number (another keyword-free rule) does. A random-looking secret half
    // stands alone; any other only next to a Facebook name.
    pattern: '\\|([A-Za-z0-9_-]{27})(?:[^A-Za-z0-9_-]|$)',
    check: (v, ctx) => appIdBefore(ctx) && (near(ctx, FACEBOOK_WORDS, 220) || randomMixed(v, 3.8)),
    advice: 'Reset the app secret in the Meta developer dashboard (App settings → Basic); app tokens derive from it.',
  }),
  secret({
    id: 'dlp/instagram-access-token',
    name: 'Instagram access token',
    mitre: MITRE.appAccessToken,
    keywords: ['igqv', 'igaa'],
    pattern: `\\b((?:IGQV|IGAA)[A-Za-z0-9_-]{100,400})${END}`,
    minEntropy: 4.0,
  }),
  secret({
    id: 'dlp/x-bearer-token',
    name: 'X (Twitter) app-only bearer token',
    mitre: MITRE.appAccessToken,
    // Shorter than the 20-A minimum: the prefilter reports non-overlapping keyword occurrences, so a
    // keyword that ends in A (`:aa`) can take the first characters of the run.
    keywords: ['aaaaaaaaaaaaaaaa'],
    // App-only bearer tokens open with a long run of A (leading zero bytes), so the run check is skipped.
    pattern: '\\b(A{20,24}[A-Za-z0-9%]{60,140})\\b',
    placeholders: 'none',
    check: (v) => {
      let i = 0;
      while (i < v.length && v.charCodeAt(i) === 65) i++;
      const rest = v.slice(i);
      return rest.length >= 50 && randomMixed(rest, 4.0) && longestRun(rest) < 12;
    },
  }),
];
