/**
 * Ed25519 signing keys for receipts, through node:crypto only.
 *
 * Key id: the first 16 hex characters (64 bits) of SHA-256 over the raw 32-byte Ed25519 public
 * key (RFC 8032 encoding), e.g. `3f1c09a2d4e5b6c7`. Records name their signer by this id; the
 * genesis and key-rotation records carry the full public key, base64url without padding.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const PRIVATE_KEY_FILE = 'receipts-ed25519.pem';
export const PUBLIC_KEY_FILE = 'receipts-ed25519.pub.pem';

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Raw 32-byte public key. */
  readonly raw: Buffer;
  readonly keyId: string;
}

export interface VerifyingKey {
  readonly publicKey: KeyObject;
  readonly raw: Buffer;
  readonly keyId: string;
}

function assertEd25519(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${what} is a ${key.asymmetricKeyType ?? key.type} key, not Ed25519`);
}

/** The raw 32-byte public key. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  assertEd25519(publicKey, 'public key');
  const jwk = publicKey.export({ format: 'jwk' });
  const raw = Buffer.from(jwk.x ?? '', 'base64url');
  if (raw.length !== 32) throw new Error('Ed25519 public key is not 32 bytes');
  return raw;
}

/** Key id: first 16 hex characters of SHA-256 of the raw public key. */
export function keyIdOf(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

export function verifyingKeyFromRaw(raw: Uint8Array): VerifyingKey {
  if (raw.length !== 32) throw new Error('Ed25519 public key is not 32 bytes');
  const buf = Buffer.from(raw);
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: buf.toString('base64url') }, format: 'jwk' });
  return { publicKey, raw: buf, keyId: keyIdOf(buf) };
}

export function signingKeyFrom(privateKey: KeyObject): SigningKey {
  assertEd25519(privateKey, 'private key');
  const publicKey = createPublicKey(privateKey);
  const raw = rawPublicKey(publicKey);
  return { privateKey, publicKey, raw, keyId: keyIdOf(raw) };
}

export function generateSigningKey(): SigningKey {
  return signingKeyFrom(generateKeyPairSync('ed25519').privateKey);
}

export function signBytes(key: SigningKey, data: Uint8Array): Buffer {
  return sign(null, data, key.privateKey);
}

export function verifyBytes(key: VerifyingKey, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  return verify(null, data, key.publicKey, signature);
}

/** Loads a PKCS#8 PEM private key. */
export function loadSigningKey(file: string): SigningKey {
  return signingKeyFrom(createPrivateKey(readFileSync(file)));
}

/** Loads a public key from an SPKI PEM (a private key PEM is accepted too; its public half is used). */
export function loadVerifyingKey(file: string): VerifyingKey {
  const text = readFileSync(file, 'utf8');
  const key = /PRIVATE KEY-----/.test(text) ? createPublicKey(createPrivateKey(text)) : createPublicKey(text);
  const raw = rawPublicKey(key);
  return { publicKey: key, raw, keyId: keyIdOf(raw) };
}

export function privatePem(key: SigningKey): string {
  return key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function publicPem(key: { publicKey: KeyObject }): string {
  return key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
}

/** Writes a file durably: to a temporary name, fsync, then rename over the target. */
function writeDurably(file: string, data: string, mode: number, overwrite: boolean): void {
  if (!overwrite && existsSync(file)) throw new Error(`${file} exists; use --force to overwrite`);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, mode);
  renameSync(tmp, file);
  fsyncDir(dirname(file));
}

export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot open or fsync a directory; the rename is still atomic there.
  }
}

export interface WrittenKeyPair {
  readonly keyId: string;
  readonly privateFile: string;
  readonly publicFile: string;
}

/**
 * Writes a key pair: the private key (PKCS#8 PEM, mode 0600) and the public key (SPKI PEM,
 * 0644). Refuses to replace an existing private key unless `force`.
 */
export function writeKeyPair(key: SigningKey, privateFile: string, options: { force?: boolean } = {}): WrittenKeyPair {
  mkdirSync(dirname(privateFile), { recursive: true, mode: 0o700 });
  const publicFile = publicFileFor(privateFile);
  writeDurably(privateFile, privatePem(key), 0o600, options.force === true);
  writeDurably(publicFile, publicPem(key), 0o644, true);
  return { keyId: key.keyId, privateFile, publicFile };
}

/** `dir/receipts-ed25519.pem` → `dir/receipts-ed25519.pub.pem`; any other name gets `.pub.pem` appended after its stem. */
export function publicFileFor(privateFile: string): string {
  return privateFile.endsWith('.pem') ? `${privateFile.slice(0, -4)}.pub.pem` : `${privateFile}.pub.pem`;
}

/**
 * Where `keygen --rotate` puts the key that takes over (`x.pem` → `x.next.pem`): the writer
 * signs the rotation into the chain with the current key at its next start, then the next
 * key replaces the current one.
 */
export function nextKeyFileFor(privateFile: string): string {
  return privateFile.endsWith('.pem') ? `${privateFile.slice(0, -4)}.next.pem` : `${privateFile}.next`;
}

/** Makes the next key the current one (after the rotation is in the chain); keeps the old public key as `x.<keyId>.pub.pem`. */
export function promoteNextKey(privateFile: string, retiredKeyId: string): void {
  const next = nextKeyFileFor(privateFile);
  const pub = publicFileFor(privateFile);
  const stem = privateFile.endsWith('.pem') ? privateFile.slice(0, -4) : privateFile;
  if (existsSync(pub)) renameSync(pub, `${stem}.${retiredKeyId}.pub.pem`);
  if (existsSync(publicFileFor(next))) renameSync(publicFileFor(next), pub);
  // The rename replaces the old private key: it is no longer kept anywhere.
  renameSync(next, privateFile);
  fsyncDir(dirname(privateFile));
}

export function defaultKeyFiles(dir: string): { privateFile: string; publicFile: string } {
  return { privateFile: join(dir, PRIVATE_KEY_FILE), publicFile: join(dir, PUBLIC_KEY_FILE) };
}

/** Group/other permission bits on a private key file, or null when the mode is fine (or unknowable). */
export function looseKeyMode(file: string): number | null {
  if (process.platform === 'win32') return null;
  const mode = statSync(file).mode & 0o777;
  return mode & 0o077 ? mode : null;
}
