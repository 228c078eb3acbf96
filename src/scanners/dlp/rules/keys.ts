// Private keys and signed tokens: PEM/OpenSSH/PGP blocks, PuTTY, JWK, age, Bitcoin WIF and BIP-32,
// Ethereum raw keys, and JWTs.
import { bech32 } from '@scure/base';
import { base58checkDecode, decodeBase64, isTokenPlaceholder, jsonObject, printableText } from '../checks.ts';
import type { CheckContext, DlpRule } from '../types.ts';
import { MITRE } from '../types.ts';
import { END, near, secret } from './helpers.ts';

// ------------------------------------------------------------------ PEM blocks

const PEM_HEADER = '-{4,5} ?BEGIN ?(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)? ?-{4,5}';
const PEM_FOOTER = '-{4,5} ?END ?(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)? ?-{4,5}';
// The whole block, header to footer, whatever sits between (line prefixes, quotes, `\n` escapes, `" +`);
// or, when the footer is missing (a truncated paste), the header and the base64 lines that follow it.
const PEM_PATTERN =
  `${PEM_HEADER}(?:[\\s\\S]*?${PEM_FOOTER}` +
  `|(?:\\\\[nrt]|[^A-Za-z0-9+/=\\\\]){0,64}[A-Za-z0-9+/=]{40,}(?:(?:\\\\[nrt]|[^A-Za-z0-9+/=\\\\-]){1,16}[A-Za-z0-9+/=]{8,})*)`;

interface PemInfo {
  readonly header: string;
  readonly base64Chars: number;
  readonly longestRun: number;
  readonly encrypted: boolean;
}

function isB64(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61;
}

function pemInfo(block: string): PemInfo {
  const keyAt = block.indexOf('PRIVATE KEY');
  let headerEnd = keyAt < 0 ? 0 : keyAt + 'PRIVATE KEY'.length;
  if (block.startsWith(' BLOCK', headerEnd)) headerEnd += 6;
  while (headerEnd < block.length && (block[headerEnd] === '-' || block[headerEnd] === ' ')) headerEnd++;
  const header = block.slice(0, headerEnd).trim();
  let footerAt = block.lastIndexOf('END');
  if (footerAt <= headerEnd) footerAt = block.length;
  else while (footerAt > headerEnd && (block[footerAt - 1] === '-' || block[footerAt - 1] === ' ')) footerAt--;
  // Literal escape sequences (`\n`, `\r`, `\t`) are line breaks in source code, not key material.
  const body = block.slice(headerEnd, footerAt).split('\\n').join(' ').split('\\r').join(' ').split('\\t').join(' ');
  let count = 0;
  let run = 0;
  let longest = 0;
  const material: string[] = [];
  for (let i = 0; i < body.length; i++) {
    if (isB64(body.charCodeAt(i))) {
      count++;
      run++;
      if (run > longest) longest = run;
      if (material.length < 400) material.push(body.charAt(i));
    } else run = 0;
  }
  const encrypted =
    header.includes('ENCRYPTED') || body.includes('Proc-Type: 4,ENCRYPTED') || (header.includes('OPENSSH') && opensshEncrypted(material.join('')));
  return { header, base64Chars: count, longestRun: longest, encrypted };
}

/** An openssh-key-v1 container names its cipher right after the magic; "none" means unencrypted. */
function opensshEncrypted(b64: string): boolean {
  const usable = b64.slice(0, b64.length - (b64.length % 4));
  const bytes = decodeBase64(usable);
  if (!bytes || bytes.length < 23) return false;
  const magic = 'openssh-key-v1';
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  const len = ((bytes[15] as number) << 24) | ((bytes[16] as number) << 16) | ((bytes[17] as number) << 8) | (bytes[18] as number);
  if (len <= 0 || len > 64 || bytes.length < 19 + len) return false;
  let cipher = '';
  for (let i = 0; i < len; i++) cipher += String.fromCharCode(bytes[19 + i] as number);
  return cipher !== 'none';
}

function pemHasMaterial(info: PemInfo): boolean {
  return info.base64Chars >= 64 && info.longestRun >= 16;
}

function pemEvidence(block: string): string {
  return `${pemInfo(block).header} block [${block.length} chars]`;
}

// ------------------------------------------------------------------ base64 DER keys without PEM armour

/** Most characters of key material gathered after a base64 DER key's first line (about 12 KB of DER). */
const DER_GATHER_LIMIT = 16384;

/**
 * The base64 text from `start` on, joined across the line breaks, indentation and literal `\n`
 * escapes that split a key block over lines; stops at anything else, at padding, or at `limit`
 * base64 characters.
 */
function gatherBase64(text: string, start: number, limit: number): string {
  const parts: string[] = [];
  let count = 0;
  let runStart = -1;
  const flush = (end: number): void => {
    if (runStart >= 0) parts.push(text.slice(runStart, end));
    runStart = -1;
  };
  let i = start;
  for (; i < text.length && count < limit; i++) {
    const c = text.charCodeAt(i);
    if (isB64(c) && c !== 61) {
      if (runStart < 0) runStart = i;
      count++;
    } else if (c === 61) {
      flush(i);
      break;
    } else if (c === 10 || c === 13 || c === 32 || c === 9) flush(i);
    else if (c === 92 && (text.charCodeAt(i + 1) === 110 || text.charCodeAt(i + 1) === 114)) {
      flush(i);
      i++;
    } else break;
  }
  flush(Math.min(i, text.length));
  return parts.join('');
}

/** A DER length at `at`: [value, bytes used], or null when malformed or over two length bytes. */
function derLength(b: Uint8Array, at: number): [number, number] | null {
  const first = b[at];
  if (first === undefined) return null;
  if (first < 0x80) return [first, 1];
  if (first === 0x81) return b[at + 1] !== undefined && (b[at + 1] as number) >= 0x80 ? [b[at + 1] as number, 2] : null;
  if (first === 0x82 && b[at + 2] !== undefined) return [((b[at + 1] as number) << 8) | (b[at + 2] as number), 3];
  return null;
}

/**
 * Whether base64 text holds a whole DER private key: SEQUENCE { INTEGER 0 or 1, ... } as PKCS#1
 * (RSAPrivateKey: the modulus INTEGER next), PKCS#8 (PrivateKeyInfo: an AlgorithmIdentifier SEQUENCE
 * with an OID next) or SEC1 (ECPrivateKey, version 1: the key OCTET STRING next). Certificates, public
 * keys, CSRs and PKCS#12 files start differently. The text must cover the declared length (60% of
 * it for keys over 200 bytes, see below), so a lone first line is not reported here.
 */
export function derPrivateKeyOk(b64: string): boolean {
  const usable = b64.slice(0, b64.length - (b64.length % 4));
  const b = decodeBase64(usable);
  if (!b || b[0] !== 0x30) return false;
  const outer = derLength(b, 1);
  if (!outer) return false;
  const body = 1 + outer[1];
  const total = body + outer[0];
  // All of a small key (EC, Ed25519); at least 60% of a larger one (RSA): a PKCS#1 or PKCS#8 RSA
  // key's modulus and public and private exponents end before half its length, so a key cut short
  // still gives the key away. A lone first line (48 bytes) of an RSA key stays unreported.
  const need = total <= 200 ? total - 2 : Math.ceil(total * 0.6);
  if (total < 48 || b.length < need) return false;
  if (b[body] !== 0x02 || b[body + 1] !== 0x01) return false;
  const version = b[body + 2];
  const next = body + 3;
  const tag = b[next];
  const len = derLength(b, next + 1);
  if (!len) return false;
  let shaped = false;
  if (version === 0 && tag === 0x02) shaped = len[0] >= 64; // RSA modulus, 512 bits or more
  else if ((version === 0 || version === 1) && tag === 0x30) shaped = b[next + 1 + len[1]] === 0x06; // AlgorithmIdentifier OID
  else if (version === 1 && tag === 0x04) shaped = len[0] >= 20 && len[0] <= 72; // EC private scalar
  return shaped && new Set(b.subarray(next, Math.min(total, next + 256))).size >= 24;
}

// ------------------------------------------------------------------ crypto wallets

const WIF_VERSIONS = new Set([0x80, 0xef]);

/**
 * Whether a string has the only lengths and leading characters a WIF key can have: a version byte
 * and 32 bytes (and 0x01 when compressed) with a 4-byte checksum are 51 base58 characters led by
 * `5` (mainnet) or `9` (testnet), or 52 led by `K`/`L` or `c`. Asked before decoding: joined
 * fragments hold many long base58 runs, and decoding each one costs far more than this.
 */
function wifShaped(value: string): boolean {
  const c = value.charAt(0);
  return value.length === 51 ? c === '5' || c === '9' : value.length === 52 && (c === 'K' || c === 'L' || c === 'c');
}

function wifOk(value: string): boolean {
  if (!wifShaped(value)) return false;
  const bytes = base58checkDecode(value);
  if (!bytes || !WIF_VERSIONS.has(bytes[0] as number)) return false;
  return bytes.length === 33 || (bytes.length === 34 && bytes[33] === 0x01);
}

// BIP-32 / SLIP-132 private version bytes: xprv tprv yprv zprv Yprv Zprv uprv vprv Uprv Vprv.
const XPRV_VERSIONS = new Set([
  0x0488ade4, 0x04358394, 0x049d7878, 0x04b2430c, 0x0295b005, 0x02aa7a99, 0x044a4e28, 0x045f18bc, 0x024285b5, 0x02575048,
]);

function xprvOk(value: string): boolean {
  const bytes = base58checkDecode(value);
  if (!bytes || bytes.length !== 78) return false;
  const version = (((bytes[0] as number) << 24) | ((bytes[1] as number) << 16) | ((bytes[2] as number) << 8) | (bytes[3] as number)) >>> 0;
  return XPRV_VERSIONS.has(version) && bytes[45] === 0x00;
}

// secp256k1 group order: a private key is an integer in [1, n-1].
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const ETH_STRONG = ['priv', 'wallet', 'ethereum', 'eth_', '_eth', 'eth-', 'eth ', 'web3', 'signer', 'metamask', 'mnemonic', 'secret'];

function ethOk(value: string, ctx: CheckContext): boolean {
  const hex = value.startsWith('0x') || value.startsWith('0X') ? value.slice(2) : value;
  if (isTokenPlaceholder(hex)) return false;
  const n = BigInt(`0x${hex}`);
  if (n === 0n || n >= SECP256K1_N) return false;
  // Strong words make any 64-hex a key; a 0x prefix (the Ethereum convention) needs only "key" nearby.
  if (near(ctx, ETH_STRONG, 80, 0)) return true;
  return hex.length !== value.length && near(ctx, ['key'], 60, 0);
}

// ------------------------------------------------------------------ JWT

function jwtHeader(value: string): Record<string, unknown> | null {
  const dot = value.indexOf('.');
  if (dot < 0 || dot > 4096) return null;
  const bytes = decodeBase64(value.slice(0, dot));
  const text = bytes ? printableText(bytes) : null;
  return text === null ? null : jsonObject(text);
}

/** A JWT whose header names a signing algorithm (not `none`) and whose payload is base64. */
export function jwtOk(value: string): boolean {
  const header = jwtHeader(value);
  if (!header || typeof header.alg !== 'string' || header.alg.toLowerCase() === 'none') return false;
  const parts = value.split('.');
  return parts.length === 3 && decodeBase64(parts[1] ?? '') !== null;
}

function isAlnum(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
  }
  return s.length > 0;
}

function jwtEvidence(value: string): string {
  const alg = jwtHeader(value)?.alg;
  const shown = typeof alg === 'string' && alg.length <= 10 && isAlnum(alg) ? alg : '?';
  return `JWT alg=${shown} [${value.length} chars]`;
}

function age(value: string): boolean {
  try {
    bech32.decode(value.toLowerCase() as `${string}1${string}`, 120);
    return true;
  } catch {
    return false;
  }
}

function hasDigitOrAllBase32(v: string): boolean {
  let digits = 0;
  for (let i = 2; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 50 && c <= 55) digits++;
  }
  return digits >= 4; // random base32 has about 1 in 5 digits; upper-case words have none
}

export const KEY_RULES: readonly DlpRule[] = [
  secret({
    id: 'dlp/private-key',
    reach: Infinity,
    name: 'Private key (PEM / OpenSSH / PGP)',
    severity: 'critical',
    mitre: MITRE.privateKeys,
    keywords: ['private key'],
    pattern: PEM_PATTERN,
    group: 0,
    placeholders: 'none',
    check: (v) => {
      const info = pemInfo(v);
      return pemHasMaterial(info) && !info.encrypted;
    },
    evidence: pemEvidence,
    advice: 'Treat the key pair as compromised: revoke certificates or authorized_keys entries that use it and generate a new key.',
  }),
  secret({
    id: 'dlp/encrypted-private-key',
    reach: Infinity,
    name: 'Passphrase-protected private key',
    severity: 'high',
    mitre: MITRE.privateKeys,
    keywords: ['private key'],
    pattern: PEM_PATTERN,
    group: 0,
    placeholders: 'none',
    check: (v) => {
      const info = pemInfo(v);
      return pemHasMaterial(info) && info.encrypted;
    },
    evidence: pemEvidence,
    advice: 'The key is encrypted but can be brute-forced offline: rotate it if the passphrase is weak or also exposed.',
  }),
  secret({
    id: 'dlp/putty-private-key',
    reach: Infinity,
    name: 'PuTTY private key file',
    severity: 'critical',
    mitre: MITRE.privateKeys,
    keywords: ['putty-user-key-file'],
    pattern: '(PuTTY-User-Key-File-[23]: [^\\r\\n]{1,100}[\\s\\S]*?Private-Lines: *[0-9]{1,3}\\r?\\n[A-Za-z0-9+/=\\r\\n]{40,})',
    placeholders: 'none',
    evidence: (v) => `PuTTY key file [${v.length} chars]`,
  }),
  secret({
    id: 'dlp/der-private-key',
    name: 'Private key in base64 DER without PEM armour',
    severity: 'critical',
    mitre: MITRE.privateKeys,
    keywords: [],
    // The first line of a base64 PKCS#1, PKCS#8 or SEC1 key: SEQUENCE, then INTEGER 0 or 1 (long,
    // 0x81 and short length forms). The check joins the following lines and parses the structure.
    pattern: '(?:^|[^A-Za-z0-9+/])((?:MII[A-Za-z0-9+/]{2}[AQgw]IBA|MI[GH][A-Za-z0-9+/]AgE[AB]|M[A-H][A-Za-z0-9+/]CAQ[AE])[A-Za-z0-9+/]{16,})',
    placeholders: 'none',
    check: (_v, ctx) => derPrivateKeyOk(gatherBase64(ctx.text, ctx.start, DER_GATHER_LIMIT)),
    yieldsTo: ['dlp/private-key', 'dlp/encrypted-private-key'],
    evidence: (v) => `base64 DER private key [first line ${v.length} chars]`,
    advice: 'Treat the key pair as compromised: revoke what trusts its public key and generate a new key.',
  }),
  secret({
    id: 'dlp/jwk-private-key',
    reach: 1600,
    name: 'JSON Web Key with private parameters',
    severity: 'critical',
    mitre: MITRE.privateKeys,
    keywords: ['kty'],
    // The private exponent or scalar `d` of an RSA/EC/OKP key, or the key value `k` of a symmetric
    // (`"kty": "oct"`) key, with the key's `kty` member nearby.
    pattern: '\\\\?"(d|k)\\\\?"\\s*:\\s*\\\\?"([A-Za-z0-9_-]{20,})\\\\?"',
    group: 2,
    minEntropy: 3.5,
    check: (_v, ctx) => near(ctx, ['kty'], 1500, 1500) && (ctx.groups[0] !== 'k' || near(ctx, ['"oct"', '\\"oct\\"'], 1500, 1500)),
  }),
  secret({
    id: 'dlp/age-secret-key',
    name: 'age encryption secret key',
    severity: 'critical',
    mitre: MITRE.privateKeys,
    keywords: ['age-secret-key-1'],
    pattern: '\\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\\b',
    check: age,
  }),
  secret({
    id: 'dlp/bitcoin-wif-private-key',
    name: 'Bitcoin private key (WIF)',
    severity: 'critical',
    mitre: MITRE.privateKeys,
    keywords: [],
    pattern: '\\b([5KL9c][1-9A-HJ-NP-Za-km-z]{50,51})\\b',
    check: wifOk,
    vetoOnFailedCheck: false,
    advice: 'Move the funds to a new wallet now: anyone holding this key controls them.',
  }),
  secret({
    id: 'dlp/bip32-extended-private-key',
    name: 'BIP-32 extended private key (xprv)',
    severity: 'critical',
    mitre: MITRE.privateKeys,
    keywords: ['prv'],
    pattern: '\\b([xtyzuvYZUV]prv[1-9A-HJ-NP-Za-km-z]{100,112})\\b',
    check: xprvOk,
    advice: 'Every key derived from it is exposed: move the funds to a wallet with a new seed.',
  }),
  secret({
    id: 'dlp/ethereum-private-key',
    name: 'Ethereum private key',
    severity: 'critical',
    mitre: MITRE.privateKeys,
    keywords: ['priv', 'wallet', 'eth', 'web3', 'signer', 'metamask', 'mnemonic', 'secret', 'key'],
    pattern: '(?:^|[^0-9A-Za-z])((?:0[xX])?[0-9a-fA-F]{64})(?:[^0-9A-Za-z]|$)',
    check: ethOk,
    advice: 'Move the funds to a new account now: anyone holding this key controls it.',
  }),
  secret({
    id: 'dlp/jwt',
    reach: 8192,
    name: 'JSON Web Token',
    mitre: MITRE.appAccessToken,
    keywords: ['eyj'],
    pattern: `\\b(eyJ[A-Za-z0-9_-]{10,}={0,2}\\.[A-Za-z0-9_-]{4,}={0,2}\\.[A-Za-z0-9_-]{16,}={0,2})${END}`,
    check: jwtOk,
    evidence: jwtEvidence,
    advice: 'Revoke the session or token at its issuer, or wait out its expiry if it cannot be revoked.',
  }),
  secret({
    id: 'dlp/nkey-seed',
    name: 'NATS nkey seed',
    severity: 'critical',
    mitre: MITRE.privateKeys,
    keywords: [],
    // A seed is 'S' + the key type (User, Account, Operator, Server, Cluster) + base32 of the 32-byte seed.
    pattern: '\\b(S[UAONC][A-Z2-7]{56})\\b',
    minEntropy: 3.5,
    check: (v) => hasDigitOrAllBase32(v),
  }),
];
