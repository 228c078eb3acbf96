// Test fixtures: for every DLP rule, a positive sample built here (random-looking but deterministic,
// with valid checksums where the format has one) and a hard negative that looks close.
// No sample is copied from any corpus or vendor document.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { bech32, createBase58check } from '@scure/base';
import { base62, crc32, ibanMod97 } from './checks.ts';
import type { DlpEngine } from './engine.ts';

// ------------------------------------------------------------------ deterministic randomness

let state = 0x9e3779b9;
function next(): number {
  // mulberry32
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
export const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';
const B64 = `${ALNUM}+/`;
const B64URL = `${ALNUM}-_`;
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Random string over an alphabet; rerolled until it has no long runs or sequences (which read as placeholders). */
export function rand(alphabet: string, n: number): string {
  for (;;) {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet.charAt(Math.floor(next() * alphabet.length));
    if (!/(.)\1{3}/u.test(s) && !hasSequence(s)) return s;
  }
}

function hasSequence(s: string): boolean {
  const l = s.toLowerCase();
  let up = 1;
  let down = 1;
  for (let i = 1; i < l.length; i++) {
    const d = l.charCodeAt(i) - l.charCodeAt(i - 1);
    up = d === 1 ? up + 1 : 1;
    down = d === -1 ? down + 1 : 1;
    if (up >= 4 || down >= 4) return true;
  }
  return false;
}

/** Mixed-case alphanumeric with at least one of each class. */
function mixed(n: number): string {
  for (;;) {
    const s = rand(ALNUM, n);
    if (/[A-Z]/u.test(s) && /[a-z]/u.test(s) && /[0-9]/u.test(s)) return s;
  }
}

function bytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
  return b;
}

function b64(data: Uint8Array | string): string {
  return Buffer.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64');
}

function b64url(data: Uint8Array | string): string {
  return b64(data).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/u, '');
}

// ------------------------------------------------------------------ format builders

/** GitHub / npm style token: prefix + 30 random base62 + base62 CRC-32 of those 30. */
export function crcToken(prefix: string): string {
  const body = rand(ALNUM, 30);
  return `${prefix}${body}${base62(crc32(body), 6)}`;
}

/** The same token with its checksum broken. */
export function badCrc(token: string): string {
  const last = token.charAt(token.length - 1);
  return token.slice(0, -1) + (last === 'A' ? 'B' : 'A');
}

const sha256 = (d: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(d).digest());
const b58check = createBase58check(sha256);

export function wif(compressed = true, version = 0x80, first = 0x3c): string {
  const key = bytes(32);
  key[0] = first; // 0x3c: below the curve order
  const payload = new Uint8Array(compressed ? 34 : 33);
  payload[0] = version;
  payload.set(key, 1);
  if (compressed) payload[33] = 0x01;
  return b58check.encode(payload);
}

export function xprv(version = 0x0488ade4): string {
  const p = new Uint8Array(78);
  p[0] = (version >>> 24) & 0xff;
  p[1] = (version >>> 16) & 0xff;
  p[2] = (version >>> 8) & 0xff;
  p[3] = version & 0xff;
  p.set(bytes(32), 13); // chain code
  p[45] = 0x00;
  const key = bytes(32);
  key[0] = 0x21;
  p.set(key, 46);
  return b58check.encode(p);
}

export function iban(country = 'DE', bbanLength = 18): string {
  const bban = rand(DIGITS, bbanLength);
  let rem = 0;
  for (const ch of `${bban}${country}00`) {
    const code = ch.charCodeAt(0);
    rem = code >= 65 ? (rem * 100 + (code - 55)) % 97 : (rem * 10 + (code - 48)) % 97;
  }
  const check = String(98 - rem).padStart(2, '0');
  const out = `${country}${check}${bban}`;
  if (!ibanMod97(out)) throw new Error('iban fixture');
  return out;
}

export function luhnComplete(partial: string): string {
  for (let d = 0; d <= 9; d++) {
    const candidate = `${partial}${d}`;
    let sum = 0;
    let dbl = false;
    for (let i = candidate.length - 1; i >= 0; i--) {
      let v = candidate.charCodeAt(i) - 48;
      if (dbl) {
        v *= 2;
        if (v > 9) v -= 9;
      }
      sum += v;
      dbl = !dbl;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

export function card(prefix = '4', length = 16): string {
  return luhnComplete(prefix + rand(DIGITS, length - prefix.length - 1));
}

export function jwt(alg = 'HS256'): string {
  const header = b64url(JSON.stringify({ alg, typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ sub: `user-${rand(DIGITS, 6)}`, iat: 1_700_000_000, scope: 'read write' }));
  return `${header}.${payload}.${rand(B64URL, 43)}`;
}

function pemBody(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(rand(B64, 64));
  return out.join('\n');
}

export function pem(kind = 'RSA PRIVATE KEY', lines = 12): string {
  return `-----BEGIN ${kind}-----\n${pemBody(lines)}\n${rand(B64, 20)}==\n-----END ${kind}-----`;
}

export function opensshKey(cipher: string): string {
  const enc = new TextEncoder();
  const magic = enc.encode('openssh-key-v1\0');
  const name = enc.encode(cipher);
  const len = new Uint8Array([0, 0, 0, name.length]);
  const rest = bytes(300);
  const all = new Uint8Array(magic.length + 4 + name.length + rest.length);
  all.set(magic, 0);
  all.set(len, magic.length);
  all.set(name, magic.length + 4);
  all.set(rest, magic.length + 4 + name.length);
  const body = b64(all).match(/.{1,70}/gu)?.join('\n') ?? '';
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----`;
}

function discordToken(): string {
  const id = `1${rand(DIGITS, 17)}`;
  return `${b64url(id)}.${rand(B64URL, 6)}.${rand(B64URL, 38)}`;
}

function ageKey(): string {
  return bech32.encode('age-secret-key-', bech32.toWords(bytes(32)), 200).toUpperCase();
}

function flipLast(s: string): string {
  return s.slice(0, -1) + (s.endsWith('Q') ? 'P' : 'Q');
}

function ethKey(): string {
  return `4${rand(HEX, 63)}`;
}

function ssn(): string {
  return `${518 + Math.floor(next() * 100)}-${rand('123456789', 2)}-${rand('123456789', 4)}`;
}

/** A key in Microsoft's common annotated format, with `version` as the character after JQQJ9. */
function caskKey(version: string): string {
  return `${mixed(52)}JQQJ9${version}${rand(ALNUM, 1)}C${rand(ALNUM, 16)}Q${rand(ALNUM, 7)}${rand(ALNUM, 2)}==`;
}

/** Atlassian Data Center PAT: base64 of a 12-digit token id, a colon and 20 secret bytes. */
function atlassianPat(secret: Uint8Array): string {
  const id = new TextEncoder().encode(`${1 + Math.floor(next() * 9)}${rand(DIGITS, 11)}:`);
  const all = new Uint8Array(id.length + secret.length);
  all.set(id, 0);
  all.set(secret, id.length);
  return b64(all);
}

/** An NTLM message of the given type: signature, type, and (for AUTHENTICATE) 24-byte LM and NT responses. */
export function ntlmMessage(type: number): Uint8Array {
  const m = bytes(112);
  m.set(new TextEncoder().encode('NTLMSSP\0'), 0);
  m.set([type, 0, 0, 0], 8);
  m.set([24, 0, 24, 0, 64, 0, 0, 0], 12); // LmChallengeResponseFields
  m.set([24, 0, 24, 0, 88, 0, 0, 0], 20); // NtChallengeResponseFields
  return m;
}

// ------------------------------------------------------------------ the samples

export interface Sample {
  readonly positive: string;
  readonly negative: string;
}

function build(): Record<string, Sample> {
  const awsId = `AKIA${rand(`${UPPER}234567`, 16)}`;
  const awsSecret = mixed(40).slice(0, 38) + '/+';
  const ghp = crcToken('ghp_');
  const gho = crcToken('gho_');
  const npm = crcToken('npm_');
  const jwtValue = jwt();
  const googleKey = `AIza${rand(`${ALNUM}_-`, 35)}`;
  const cardNo = card('4', 16);
  const sa = {
    type: 'service_account',
    project_id: 'demo-project-184',
    private_key_id: rand(HEX, 40),
    private_key: `${pem('PRIVATE KEY', 8)}\n`,
    client_email: 'builder@demo-project-184.iam.gserviceaccount.com',
  };
  return {
    // ---- keys
    'dlp/private-key': {
      positive: `config:\n  key: |\n${pem('RSA PRIVATE KEY').replace(/^/gmu, '    ')}\n`,
      negative: '-----BEGIN PRIVATE KEY-----\nreplace with your key\n-----END PRIVATE KEY-----',
    },
    'dlp/encrypted-private-key': {
      positive: pem('ENCRYPTED PRIVATE KEY'),
      negative: '-----BEGIN ENCRYPTED PRIVATE KEY----------END ENCRYPTED PRIVATE KEY-----',
    },
    'dlp/putty-private-key': {
      positive: `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: build-bot\nPublic-Lines: 2\n${rand(B64, 64)}\n${rand(B64, 20)}\nPrivate-Lines: 1\n${rand(B64, 44)}\nPrivate-MAC: ${rand(HEX, 64)}\n`,
      negative: 'Open the file in PuTTYgen (PuTTY-User-Key-File format) and export it.',
    },
    'dlp/jwk-private-key': {
      positive: `{"kty":"EC","crv":"P-256","x":"${rand(B64URL, 43)}","y":"${rand(B64URL, 43)}","d":"${rand(B64URL, 43)}"}`,
      negative: `{"kty":"EC","crv":"P-256","x":"${rand(B64URL, 43)}","y":"${rand(B64URL, 43)}"}`,
    },
    'dlp/age-secret-key': {
      positive: `# created: 2024-05-01\n${ageKey()}`,
      negative: flipLast(ageKey()),
    },
    'dlp/bitcoin-wif-private-key': {
      positive: `import this key: ${wif(true)}`,
      negative: `address 1${rand(B58, 50)}`,
    },
    'dlp/bip32-extended-private-key': {
      positive: `root: ${xprv()}`,
      negative: `root: xprv${rand(B58, 107)}`,
    },
    'dlp/ethereum-private-key': {
      positive: `WALLET_PRIVATE_KEY=0x${ethKey()}`,
      negative: `sha256 checksum of the release: ${rand(HEX, 64)}`,
    },
    'dlp/jwt': {
      positive: `token: ${jwtValue}`,
      negative: `${b64url('{"typ":"JWT"}')}.${b64url('{"a":1}')}.${rand(B64URL, 43)}`,
    },
    // ---- cloud
    'dlp/aws-access-key-id': { positive: `aws_access_key_id = ${awsId}`, negative: 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE' },
    'dlp/aws-secret-access-key': {
      positive: `aws_secret_access_key = ${awsSecret}`,
      negative: `git commit ${rand(HEX, 40)} touched the aws secret rotation docs`,
    },
    'dlp/aws-bedrock-api-key': {
      positive: `AWS_BEARER_TOKEN_BEDROCK=ABSK${b64(`BedrockAPIKey-${rand(ALNUM, 20)}-at-${rand(DIGITS, 12)}:${rand(B64, 60)}`)}`,
      negative: 'AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9ja0FQSUtleS1EXAMPLE',
    },
    'dlp/gcp-service-account-key': {
      positive: JSON.stringify(sa, null, 2),
      negative: JSON.stringify({ type: 'service_account', project_id: 'demo', client_email: 'a@b.iam.gserviceaccount.com' }),
    },
    'dlp/google-api-key': { positive: `maps key: ${googleKey}`, negative: 'apiKey: "AIzaSyabcdefghijklmnopqrstuvwxyz1234567"' },
    'dlp/google-gemini-api-key': {
      positive: `GEMINI_API_KEY=AIza${rand(`${ALNUM}_-`, 35)}`,
      negative: `GEMINI_API_KEY=AIza${'x'.repeat(35)}`,
    },
    'dlp/google-oauth-client-secret': { positive: `client_secret: GOCSPX-${rand(B64URL, 28)}`, negative: 'client_secret: GOCSPX-xxxxxxxxxxxxxxxxxxxxxxxxxxxx' },
    'dlp/google-oauth-token': { positive: `access_token=ya29.${rand(B64URL, 120)}`, negative: 'access_token=ya29.<your access token>' },
    'dlp/azure-storage-account-key': {
      positive: `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${rand(B64, 86)}==;EndpointSuffix=core.windows.net`,
      negative: 'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=<account-key>;EndpointSuffix=core.windows.net',
    },
    'dlp/azure-sas-token': {
      positive: `https://acme.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig=${rand(ALNUM, 40)}%3D`,
      negative: 'https://acme.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=o&sp=r&sig=<signature>',
    },
    'dlp/azure-ad-client-secret': {
      positive: `AZURE_CLIENT_SECRET=${rand(ALNUM, 3)}8Q~${rand(`${ALNUM}_-`, 34)}`,
      negative: 'AZURE_CLIENT_SECRET=abc8Q~short',
    },
    'dlp/digitalocean-token': { positive: `DIGITALOCEAN_TOKEN=dop_v1_${rand(HEX, 64)}`, negative: `dop_v1_${rand(HEX, 40)}` },
    'dlp/alibaba-access-key-id': { positive: `ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI${mixed(20)}`, negative: 'LTAIXXXXXXXXXXXXXXXXXXXX' },
    'dlp/cloudflare-api-token': { positive: `CLOUDFLARE_API_TOKEN=${mixed(40)}`, negative: `cache key ${mixed(40)}` },
    'dlp/heroku-api-key': { positive: `HEROKU_API_KEY=HRKU-${rand(B64URL, 60)}`, negative: `request id ${rand(HEX, 8)}-${rand(HEX, 4)}-4${rand(HEX, 3)}-a${rand(HEX, 3)}-${rand(HEX, 12)}` },
    // ---- code hosts
    'dlp/github-pat': { positive: `GITHUB_TOKEN=${ghp}`, negative: `the token ${badCrc(crcToken('ghp_'))} was rejected` },
    'dlp/github-oauth-token': { positive: `oauth: ${gho}`, negative: `oauth: ${badCrc(crcToken('gho_'))}` },
    'dlp/github-fine-grained-pat': {
      positive: `token github_pat_${rand(ALNUM, 22)}_${rand(ALNUM, 59)}`,
      negative: 'token github_pat_xxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    },
    'dlp/gitlab-pat': { positive: `GITLAB_TOKEN=glpat-${rand(B64URL, 20)}`, negative: 'GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx' },
    'dlp/gitlab-token': { positive: `deploy: gldt-${rand(B64URL, 20)}`, negative: 'deploy: gldt-short' },
    'dlp/gitlab-runner-token': { positive: `token = "glrt-${rand(B64URL, 20)}"`, negative: 'token = "glrt-${RUNNER_TOKEN}"' },
    'dlp/atlassian-api-token': { positive: `JIRA_TOKEN=ATATT3${rand(B64URL, 180)}=${rand(HEX, 8).toUpperCase()}`, negative: 'JIRA_TOKEN=ATATT3xxxxxxxx' },
    'dlp/npm-token': { positive: `//registry.npmjs.org/:_authToken=${npm}`, negative: `//registry.npmjs.org/:_authToken=${badCrc(crcToken('npm_'))}` },
    'dlp/pypi-token': { positive: `password = pypi-AgEIcHlwaS5vcmc${rand(B64URL, 120)}`, negative: 'password = pypi-AgEIcHlwaS5vcmc' },
    'dlp/rubygems-api-key': { positive: `:rubygems_api_key: rubygems_${rand(HEX, 48)}`, negative: 'rubygems_api_key: <key>' },
    'dlp/nuget-api-key': { positive: `nuget push -k oy2${rand(`${LOWER}${DIGITS}`, 43)}`, negative: 'nuget push -k oy2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
    'dlp/docker-hub-token': { positive: `docker login -p dckr_pat_${rand(B64URL, 27)}`, negative: 'docker login -p dckr_pat_${DOCKER_PAT}' },
    'dlp/terraform-cloud-token': { positive: `token = "${mixed(14)}.atlasv1.${rand(B64URL, 67)}"`, negative: 'token = "xxxxxxxxxxxxxx.atlasv1.xxxx"' },
    'dlp/sourcegraph-token': { positive: `SRC_ACCESS_TOKEN=sgp_${rand(HEX, 16)}_${rand(HEX, 40)}`, negative: 'SRC_ACCESS_TOKEN=sgp_<token>' },
    'dlp/clojars-token': { positive: `CLOJARS_${rand(`${LOWER}${DIGITS}`, 60)}`, negative: 'CLOJARS_USERNAME=me' },
    'dlp/sonarqube-token': { positive: `sonar.token=squ_${rand(HEX, 40)}`, negative: 'sonar.token=squ_' },
    'dlp/postman-api-key': { positive: `x-api-key: PMAK-${rand(HEX, 24)}-${rand(HEX, 34)}`, negative: 'x-api-key: PMAK-{{postman_key}}' },
    'dlp/jfrog-token': { positive: `artifactory_api_key=AKCp${mixed(69)}`, negative: 'artifactory_api_key=AKCp' },
    // ---- AI
    'dlp/anthropic-api-key': { positive: `ANTHROPIC_API_KEY=sk-ant-api03-${rand(B64URL, 93)}AA`, negative: 'ANTHROPIC_API_KEY=sk-ant-api03-...' },
    'dlp/anthropic-admin-key': { positive: `sk-ant-admin01-${rand(B64URL, 93)}AA`, negative: 'sk-ant-admin01-xxxxxxxx' },
    'dlp/openai-api-key': { positive: `OPENAI_API_KEY=sk-proj-${rand(B64URL, 74)}T3BlbkFJ${rand(B64URL, 74)}`, negative: 'OPENAI_API_KEY=sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' },
    'dlp/huggingface-token': { positive: `HF_TOKEN=hf_${rand(UPPER + LOWER, 34)}`, negative: 'from huggingface_hub import hf_hub_download' },
    'dlp/replicate-api-token': { positive: `REPLICATE_API_TOKEN=r8_${rand(ALNUM, 37)}`, negative: 'REPLICATE_API_TOKEN=r8_xxxx' },
    'dlp/together-api-key': { positive: `TOGETHER_API_KEY=${rand(HEX, 64)}`, negative: `image digest sha256:${rand(HEX, 64)}` },
    'dlp/groq-api-key': { positive: `GROQ_API_KEY=gsk_${rand(ALNUM, 52)}`, negative: 'GROQ_API_KEY=gsk_...' },
    'dlp/xai-api-key': { positive: `XAI_API_KEY=xai-${rand(ALNUM, 80)}`, negative: 'model: xai-grok-beta' },
    'dlp/fireworks-api-key': { positive: `FIREWORKS_API_KEY=fw_${mixed(24)}`, negative: 'fw_version_string_parser' },
    'dlp/openrouter-api-key': { positive: `OPENROUTER_API_KEY=sk-or-v1-${rand(HEX, 64)}`, negative: 'OPENROUTER_API_KEY=sk-or-v1-xxxx' },
    'dlp/perplexity-api-key': { positive: `PPLX_API_KEY=pplx-${rand(ALNUM, 48)}`, negative: 'PPLX_API_KEY=pplx-your-key' },
    'dlp/pinecone-api-key': { positive: `PINECONE_API_KEY=pcsk_${rand(ALNUM, 6)}_${rand(ALNUM, 64)}`, negative: 'PINECONE_API_KEY=pcsk_...' },
    'dlp/tavily-api-key': { positive: `TAVILY_API_KEY=tvly-dev-${rand(ALNUM, 32)}`, negative: 'TAVILY_API_KEY=tvly-YOUR_API_KEY' },
    'dlp/langsmith-api-key': { positive: `LANGSMITH_API_KEY=lsv2_pt_${rand(HEX, 32)}_${rand(HEX, 10)}`, negative: 'LANGSMITH_API_KEY=lsv2_pt_...' },
    'dlp/deepseek-api-key': { positive: `DEEPSEEK_API_KEY=sk-${rand(HEX, 32)}`, negative: `session sk-${rand(HEX, 32)} closed` },
    'dlp/mistral-api-key': { positive: `MISTRAL_API_KEY=${mixed(32)}`, negative: `mistral-7b-instruct checksum ${rand(HEX, 32)}` },
    'dlp/cohere-api-key': { positive: `COHERE_API_KEY=${mixed(40)}`, negative: `cohere embeddings run ${rand(LOWER, 40)}` },
    'dlp/elevenlabs-api-key': { positive: `ELEVENLABS_API_KEY=sk_${rand(HEX, 48)}`, negative: `id sk_${rand(HEX, 48)}` },
    // ---- payments
    'dlp/stripe-secret-key': { positive: `STRIPE_SECRET_KEY=sk_live_${rand(ALNUM, 99)}`, negative: 'STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxx' },
    'dlp/stripe-restricted-key': { positive: `rk_live_${rand(ALNUM, 99)}`, negative: 'rk_live_1234567890abcdefghijklmn' },
    'dlp/stripe-test-key': { positive: `sk_test_${rand(ALNUM, 99)}`, negative: 'sk_test_' },
    'dlp/stripe-webhook-secret': { positive: `STRIPE_WEBHOOK_SECRET=whsec_${rand(ALNUM, 32)}`, negative: 'STRIPE_WEBHOOK_SECRET=whsec_...' },
    'dlp/square-token': { positive: `SQUARE_ACCESS_TOKEN=EAAA${rand(B64URL, 60)}`, negative: 'SQUARE_ACCESS_TOKEN=EAAA' },
    'dlp/braintree-access-token': { positive: `access_token$production$${rand(`${LOWER}${DIGITS}`, 16)}$${rand(HEX, 32)}`, negative: 'access_token$production$<merchant>$<token>' },
    'dlp/shopify-token': { positive: `X-Shopify-Access-Token: shpat_${rand(HEX, 32)}`, negative: 'X-Shopify-Access-Token: shpat_{{token}}' },
    // ---- messaging
    'dlp/slack-bot-token': { positive: `SLACK_BOT_TOKEN=xoxb-${rand(DIGITS, 12)}-${rand(DIGITS, 13)}-${rand(ALNUM, 24)}`, negative: 'SLACK_BOT_TOKEN=xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx' },
    'dlp/slack-user-token': { positive: `xoxp-${rand(DIGITS, 12)}-${rand(DIGITS, 12)}-${rand(DIGITS, 13)}-${rand(HEX, 32)}`, negative: 'xoxp-123-456' },
    'dlp/slack-app-token': { positive: `xapp-1-A${rand(UPPER + DIGITS, 10)}-${rand(DIGITS, 13)}-${rand(HEX, 64)}`, negative: 'xapp-1-<app-id>' },
    'dlp/slack-token': { positive: `xoxe-1-${rand(B64URL.replace('_', ''), 140)}`, negative: 'xoxe-1-short' },
    'dlp/slack-webhook-url': {
      positive: `curl -X POST https://hooks.slack.com/services/T${rand(UPPER + DIGITS, 8)}/B${rand(UPPER + DIGITS, 10)}/${rand(ALNUM, 24)}`,
      negative: 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
    },
    'dlp/discord-bot-token': { positive: `client.login("${discordToken()}")`, negative: `client.login("${b64url('1234567890abcdefgh')}.${rand(B64URL, 6)}.${rand(B64URL, 38)}")` },
    'dlp/discord-webhook-url': {
      positive: `https://discord.com/api/webhooks/1${rand(DIGITS, 18)}/${rand(B64URL, 68)}`,
      negative: 'https://discord.com/api/webhooks/{webhook.id}/{webhook.token}',
    },
    'dlp/telegram-bot-token': { positive: `TELEGRAM_BOT_TOKEN=${rand(DIGITS, 10)}:AA${rand(B64URL, 33)}`, negative: 'TELEGRAM_BOT_TOKEN=123456:ABC-DEF1234ghIkl' },
    'dlp/twilio-api-key': { positive: `TWILIO_API_KEY=SK${rand(HEX, 32)}`, negative: `SKU${rand(DIGITS, 10)}` },
    'dlp/twilio-auth-token': { positive: `TWILIO_ACCOUNT_SID=AC${rand(HEX, 32)}\nTWILIO_AUTH_TOKEN=${rand(HEX, 32)}`, negative: `TWILIO_ACCOUNT_SID=AC${rand(HEX, 32)}` },
    'dlp/sendgrid-api-key': { positive: `SENDGRID_API_KEY=SG.${rand(B64URL, 22)}.${rand(B64URL, 43)}`, negative: 'SENDGRID_API_KEY=SG.xxxxx.yyyyy' },
    'dlp/mailgun-api-key': { positive: `MAILGUN_API_KEY=key-${rand(HEX, 32)}`, negative: 'the key-value store' },
    'dlp/mailchimp-api-key': { positive: `MAILCHIMP_KEY=${rand(HEX, 32)}-us21`, negative: 'locale en-us' },
    'dlp/brevo-api-key': { positive: `BREVO_API_KEY=xkeysib-${rand(HEX, 64)}-${rand(ALNUM, 16)}`, negative: 'BREVO_API_KEY=xkeysib-...' },
    'dlp/facebook-access-token': { positive: `FACEBOOK_TOKEN=EAA${mixed(180)}`, negative: 'EAAGLE brand logo' },
    // ---- infra
    'dlp/vault-token': { positive: `VAULT_TOKEN=hvs.${rand(B64URL, 90)}`, negative: 'VAULT_TOKEN=hvs.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' },
    'dlp/vercel-token': { positive: `VERCEL_TOKEN=${mixed(24)}`, negative: `vercel deploy id ${rand(LOWER, 24)}` },
    'dlp/supabase-token': { positive: `SUPABASE_ACCESS_TOKEN=sbp_${rand(HEX, 40)}`, negative: 'SUPABASE_ACCESS_TOKEN=sbp_...' },
    'dlp/databricks-token': { positive: `DATABRICKS_TOKEN=dapi${rand(HEX, 32)}`, negative: 'use the dapi endpoint' },
    'dlp/sentry-token': { positive: `SENTRY_AUTH_TOKEN=sntryu_${rand(HEX, 64)}`, negative: 'SENTRY_AUTH_TOKEN=sntryu_' },
    'dlp/linear-api-key': { positive: `LINEAR_API_KEY=lin_api_${rand(ALNUM, 40)}`, negative: 'LINEAR_API_KEY=lin_api_xxx' },
    'dlp/notion-token': { positive: `NOTION_TOKEN=ntn_${rand(DIGITS, 11)}${mixed(35)}`, negative: 'secret_santa_assignments' },
    'dlp/new-relic-key': { positive: `NEW_RELIC_API_KEY=NRAK-${rand(UPPER + DIGITS, 27)}`, negative: 'NEW_RELIC_API_KEY=NRAK-XXXXXXXXXXXXXXXXXXXXXXXXXXX' },
    'dlp/datadog-api-key': { positive: `DD_API_KEY=${rand(HEX, 32)}`, negative: `commit ${rand(HEX, 32)} fixed datadog tagging` },
    'dlp/doppler-token': { positive: `DOPPLER_TOKEN=dp.st.${rand(ALNUM, 43)}`, negative: 'DOPPLER_TOKEN=dp.st.xxxx' },
    'dlp/netlify-token': { positive: `NETLIFY_AUTH_TOKEN=nfp_${rand(ALNUM, 36)}`, negative: 'NETLIFY_AUTH_TOKEN=nfp_...' },
    'dlp/1password-service-account-token': { positive: `OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ${rand(B64URL, 300)}`, negative: 'OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ...' },
    'dlp/dynatrace-token': { positive: `DT_API_TOKEN=dt0c01.${rand(UPPER + DIGITS, 24)}.${rand(UPPER + DIGITS, 64)}`, negative: 'DT_API_TOKEN=dt0c01.ABC.DEF' },
    'dlp/planetscale-token': { positive: `PLANETSCALE_TOKEN=pscale_tkn_${rand(B64URL, 43)}`, negative: 'PLANETSCALE_TOKEN=pscale_tkn_' },
    'dlp/posthog-personal-key': { positive: `POSTHOG_PERSONAL_API_KEY=phx_${rand(ALNUM, 43)}`, negative: `POSTHOG_PROJECT_KEY=phc_${rand(ALNUM, 43)}` },
    'dlp/figma-token': { positive: `FIGMA_TOKEN=figd_${rand(B64URL, 40)}`, negative: 'FIGMA_TOKEN=figd_' },
    'dlp/grafana-token': { positive: `GRAFANA_TOKEN=glsa_${rand(ALNUM, 32)}_${rand(HEX, 8)}`, negative: 'GRAFANA_TOKEN=glsa_xxx' },
    'dlp/flyio-token': { positive: `FLY_API_TOKEN=FlyV1 fm2_${rand(B64, 200)}`, negative: 'fm2_radio_station' },
    'dlp/aws-mws-key': { positive: `MWS_AUTH_TOKEN=amzn.mws.${rand(HEX, 8)}-${rand(HEX, 4)}-${rand(HEX, 4)}-${rand(HEX, 4)}-${rand(HEX, 12)}`, negative: 'MWS_AUTH_TOKEN=amzn.mws.<token>' },
    'dlp/alibaba-access-key-secret': { positive: `access_key_id=LTAI${mixed(20)}\naccess_key_secret=${mixed(30)}`, negative: `build id ${mixed(30)}` },
    'dlp/docker-swarm-token': { positive: `docker swarm join --token SWMTKN-1-${rand(LOWER + DIGITS, 50)}-${rand(LOWER + DIGITS, 25)} 10.0.0.1:2377`, negative: 'docker swarm join --token SWMTKN-1-<token> 10.0.0.1:2377' },
    'dlp/instagram-access-token': { positive: `IG_TOKEN=IGQV${rand(B64URL, 180)}`, negative: 'IG_TOKEN=IGQV...' },
    'dlp/x-bearer-token': { positive: `TWITTER_BEARER=AAAAAAAAAAAAAAAAAAAAA${mixed(90)}`, negative: `padding ${'A'.repeat(110)}` },
    'dlp/llama-api-key': { positive: `LLAMA_API_KEY=LLM|${rand(DIGITS, 15)}|${rand(B64URL, 27)}`, negative: 'LLAMA_API_KEY=LLM|<id>|<secret>' },
    'dlp/dropbox-token': { positive: `DROPBOX_TOKEN=sl.${rand(B64URL, 140)}`, negative: 'openssl.cnf and ssl.conf' },
    'dlp/salesforce-token': { positive: `sid=00D${rand(ALNUM, 12)}!${rand(ALNUM + '._', 96)}`, negative: `color #00d${rand(HEX, 3)} and 00D!` },
    'dlp/akamai-credentials': { positive: `client_token = akab-${rand(LOWER + DIGITS, 16)}-${rand(LOWER + DIGITS, 16)}`, negative: 'client_token = akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx' },
    'dlp/defined-networking-api-key': { positive: `DN_API_KEY=dnkey-${rand(LOWER + DIGITS, 26)}-${rand(LOWER + DIGITS, 52)}`, negative: 'DN_API_KEY=dnkey-...' },
    'dlp/nkey-seed': { positive: `seed: SU${rand('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 56)}`, negative: `heading: SUPERCALIFRAGILISTICEXPIALIDOCIOUSANDOTHERVERYLONGWORDSXX` },
    // ---- PII
    'dlp/credit-card': {
      positive: `card: ${cardNo.slice(0, 4)} ${cardNo.slice(4, 8)} ${cardNo.slice(8, 12)} ${cardNo.slice(12)}`,
      negative: `order ${cardNo.slice(0, 15)}${(Number(cardNo.slice(15)) + 1) % 10}`,
    },
    'dlp/iban': { positive: `IBAN: ${iban('DE', 18)}`, negative: 'IBAN: DE00123456781234567890' },
    'dlp/us-ssn': { positive: `SSN ${ssn()}`, negative: 'SSN 666-12-3456 and 900-12-3456' },
    'dlp/us-ssn-unformatted': { positive: `ssn: ${ssn().replaceAll('-', '')}`, negative: `order number ${ssn().replaceAll('-', '')}` },
    // ---- generic
    'dlp/connection-string-password': {
      positive: `DATABASE_URL=postgresql://app_user:${mixed(12)}@db.internal:5432/app`,
      negative: 'DATABASE_URL=postgresql://user:password@localhost:5432/app',
    },
    'dlp/url-credentials': { positive: `git remote add origin https://deploy:${mixed(14)}@git.example.net/team/repo.git`, negative: 'https://user:${PASSWORD}@git.example.net/repo.git' },
    'dlp/generic-secret-assignment': { positive: `db_password = "${mixed(10)}!"`, negative: 'db_password = os.environ["DB_PASSWORD"]' },
    'dlp/bearer-token': { positive: `Authorization: Bearer ${mixed(40)}`, negative: 'Authorization: Bearer <YOUR_TOKEN>' },
    'dlp/basic-auth-credentials': { positive: `Authorization: Basic ${b64(`svc-deploy:${mixed(14)}`)}`, negative: `Authorization: Basic ${b64('user:password')}` },
    'dlp/cli-credential-flag': { positive: `mysqladmin --password=${mixed(14)} status`, negative: 'mysqladmin --password="$DB_PASS" status' },
    'dlp/powershell-plaintext-password': {
      positive: `$pw = ConvertTo-SecureString "${mixed(12)}!" -AsPlainText -Force`,
      negative: '$pw = ConvertTo-SecureString $env:ADMIN_PW -AsPlainText -Force',
    },
    // ---- added with the provider-token recall work (kept last so earlier samples keep their values)
    'dlp/aws-appsync-api-key': { positive: `apiKey: "da2-${rand(LOWER + DIGITS, 24)}7q"`, negative: `apiKey: "da2-${rand(LOWER + DIGITS, 24)}7"` },
    'dlp/azure-identifiable-key': {
      positive: `AccountKey=${caskKey('9')}`,
      negative: `AccountKey=${caskKey('7')}`,
    },
    'dlp/gitlab-session-cookie': { positive: `Cookie: _gitlab_session=${rand(HEX, 30)}4e`, negative: 'Cookie: _gitlab_session=<session id>' },
    'dlp/atlassian-dc-pat': {
      positive: `JIRA_PAT=${atlassianPat(bytes(20))}`,
      negative: `JIRA_PAT=${atlassianPat(new Uint8Array(20).fill(0x41))}`,
    },
    'dlp/openshift-token': { positive: `oc login --token=sha256~${mixed(43)}`, negative: `oc login --token=sha256~${mixed(20)}` },
    'dlp/octopus-deploy-api-key': { positive: `OCTOPUS_API_KEY=API-${rand(UPPER, 20)}${rand(DIGITS, 6)}`, negative: 'see API-REFERENCEDOCUMENTATIONPAGE' },
    'dlp/wundergraph-cosmo-api-key': { positive: `COSMO_API_KEY=cosmo_${rand(HEX, 30)}9a`, negative: `COSMO_API_KEY=cosmo_${rand(HEX, 28)}` },
    'dlp/intra42-client-secret': { positive: `FT_CLIENT_SECRET=s-s4t2ud-${rand(HEX, 64)}`, negative: `FT_CLIENT_SECRET=s-s4t2ud-${rand(HEX, 40)}` },
    'dlp/dropbox-long-lived-token': {
      positive: `DROPBOX_TOKEN=${mixed(11)}AAAAAAAAAA${mixed(43)}`,
      negative: `DROPBOX_TOKEN=${mixed(11)}AAAAAAAAA${mixed(44)}`,
    },
    'dlp/ntlm-negotiate-token': { positive: `Authorization: NTLM ${b64(ntlmMessage(3))}`, negative: `Authorization: NTLM ${b64(ntlmMessage(1))}` },
    'dlp/curl-user-credential': { positive: `curl -u deploy:${mixed(14)} https://api.internal/`, negative: 'curl -u "$USER:$PASS" https://api.internal/' },
    'dlp/curl-header-credential': {
      positive: `curl -s -H "X-Api-Key: ${mixed(32)}" https://api.internal/v1/items`,
      negative: `grep -H "X-Api-Key: ${mixed(32)}" access.log`,
    },
    // ---- added with the context-aware generic work: a token-named key with a machine-made value is high
    'dlp/api-key-assignment': { positive: `PAYMENTS_API_KEY = "${mixed(36)}"`, negative: `PAYMENTS_API_KEY = "Blue-Harbor-2024"` },
  };
}

const BASE = build();
export const FIXED = { ghp: crcToken('ghp_'), jwt: jwt(), google: `AIza${rand(`${ALNUM}_-`, 35)}` };

// ------------------------------------------------------------------ CredSweeper-recall detectors

/** One DER element: tag, definite length, content. */
function der(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const head = n < 0x80 ? [tag, n] : n < 0x100 ? [tag, 0x81, n] : [tag, 0x82, n >> 8, n & 0xff];
  const out = new Uint8Array(head.length + n);
  out.set(head, 0);
  out.set(content, head.length);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A positive big-endian integer of n random bytes (top bit clear, so no sign byte is needed). */
function bigInt(n: number): Uint8Array {
  const b = bytes(n);
  b[0] = ((b[0] as number) & 0x7f) | 0x40;
  return der(0x02, b);
}

/**
 * A synthetic RSAPrivateKey (PKCS#1) shape: SEQUENCE { version, n, e, d, p, q, dp, dq, qi } with random
 * integers, as base64 in 64-character lines. `version` 3 gives the PKCS#12 (PFX) opening instead.
 */
export function derRsaKeyLines(version = 0): string[] {
  const seq = der(0x30, concat([der(0x02, new Uint8Array([version])), bigInt(64), der(0x02, new Uint8Array([1, 0, 1])), bigInt(64), bigInt(32), bigInt(32), bigInt(32), bigInt(32), bigInt(32)]));
  return b64(seq).match(/.{1,64}/gu) ?? [];
}

function recallSamples(): Record<string, Sample> {
  const key = derRsaKeyLines();
  return {
    'dlp/der-private-key': {
      positive: `<root>\n  <data>\n    ${key.join('\n    ')}\n  </data>\n</root>`,
      negative: `<root>\n  <data>\n    ${derRsaKeyLines(3).join('\n    ')}\n  </data>\n</root>`,
    },
    'dlp/sk-hex-api-key': { positive: `{"api_key": "sk-${rand(HEX, 30)}a7"}`, negative: `mount scan-disk-${rand(HEX, 30)}a7` },
    'dlp/mailgun-private-key': { positive: `${rand(HEX, 30)}b1-${rand(HEX, 8)}-${rand(HEX, 8)}`, negative: `${rand(HEX, 8)}-${rand(HEX, 4)}-${rand(HEX, 4)}-${rand(HEX, 4)}-${rand(HEX, 12)}` },
    'dlp/facebook-app-token': { positive: `${rand(DIGITS, 16)}|${mixed(27)}`, negative: `${rand(DIGITS, 16)}|${rand(LOWER, 27)}` },
  };
}

export const SAMPLES: Readonly<Record<string, Sample>> = { ...BASE, ...recallSamples() };

/**
 * Asserts that `a` (fast paths on) found the same hits in its last scanText as `reference` (fast paths
 * off) did for `b`, and left the same quiet and incomplete state: call with each engine's result,
 * reading `a`'s state before `reference` scans.
 */
export function assertSameScan(
  a: readonly { rule: { id: string }; value: string; start: number; end: number }[],
  aState: { readonly quiet: boolean; readonly incomplete: DlpEngine['lastTextIncomplete'] },
  reference: DlpEngine,
  b: readonly { rule: { id: string }; value: string; start: number; end: number }[],
): void {
  assert.deepEqual(
    a.map((h) => [h.rule.id, h.value, h.start, h.end]),
    b.map((h) => [h.rule.id, h.value, h.start, h.end]),
  );
  assert.equal(aState.quiet, reference.lastTextQuiet);
  assert.equal(aState.incomplete, reference.lastTextIncomplete);
}
