// The interception CA: generated once by `tollgate tls init`, loaded by `tollgate run` when
// proxy.tlsInterception is enabled. ECDSA P-256, CA:true with pathlen 0 (it signs leaves only),
// key usage keyCertSign. The private key is written with mode 0600 and never logged.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { resolveInDataDir } from '../../../evidence/data-dir.ts';

const crypto = webcrypto as unknown as Crypto;
export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Default paths, relative to the data directory. */
export const CA_CERT_FILE = 'tls/ca.pem';
export const CA_KEY_FILE = 'tls/ca-key.pem';

export interface InterceptionCa {
  readonly cert: x509.X509Certificate;
  readonly certPem: string;
  readonly key: CryptoKey;
  /** Signing parameters that match the key (ECDSA or RSA). */
  readonly signingAlgorithm: Algorithm | EcdsaParams;
  /** Things worth saying at start-up (expiry soon, a key file others can read). */
  readonly warnings: readonly string[];
}

/** A positive, non-zero, 16-byte serial in hex (RFC 5280 §4.1.2.2 allows up to 20 octets). */
export function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = ((b[0] as number) & 0x7f) | 0x40;
  return b.toString('hex');
}

export interface CaOptions {
  readonly now?: Date;
  readonly validityDays?: number;
}

export interface GeneratedCa {
  readonly certPem: string;
  readonly keyPem: string;
  readonly name: string;
}

/** A fresh interception CA (ECDSA P-256), valid from an hour ago for `validityDays` (730). */
export async function generateCa(opts: CaOptions = {}): Promise<GeneratedCa> {
  const now = opts.now ?? new Date();
  const keys = (await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const name = `Tollgate interception CA ${randomBytes(4).toString('hex')}`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: [{ CN: [name] }, { O: ['Tollgate'] }],
      notBefore: new Date(now.getTime() - 3_600_000),
      notAfter: new Date(now.getTime() + (opts.validityDays ?? 730) * 86_400_000),
      keys,
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: `${cert.toString('pem')}\n`, keyPem: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n`, name };
}

/** Writes a file atomically (temp file + rename) with the given mode. */
function writeAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { mode, flag: 'wx' });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

export interface WrittenCa extends GeneratedCa {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Generates a CA and writes it: the key with mode 0600, the certificate 0644, the directory 0700
 * when created. Refuses to replace an existing certificate or key unless `force`.
 */
export async function initCa(certFile: string, keyFile: string, opts: CaOptions & { force?: boolean } = {}): Promise<WrittenCa> {
  if (!opts.force) {
    const existing = [certFile, keyFile].filter((f) => existsSync(f));
    if (existing.length > 0) throw new Error(`${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; use --force to replace the CA (clients that trust the old one must then trust the new one)`);
  }
  for (const dir of new Set([dirname(certFile), dirname(keyFile)])) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = await generateCa(opts);
  writeAtomic(keyFile, ca.keyPem, 0o600);
  writeAtomic(certFile, ca.certPem, 0o644);
  return { ...ca, certFile, keyFile };
}

/** The WebCrypto algorithm for a private key in PEM (PKCS#8, SEC1 or PKCS#1): EC P-256/P-384 or RSA. */
function algorithmFor(keyPem: string): { der: ArrayBuffer; importAlg: EcKeyImportParams | RsaHashedImportParams; sign: Algorithm | EcdsaParams } {
  const ko = createPrivateKey(keyPem);
  const der = ko.export({ type: 'pkcs8', format: 'der' });
  const ab = der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
  if (ko.asymmetricKeyType === 'ec') {
    const curve = ko.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return { der: ab, importAlg: EC_P256, sign: ECDSA_SHA256 };
    if (curve === 'secp384r1') return { der: ab, importAlg: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } as EcdsaParams };
    throw new Error(`the CA key uses curve ${curve ?? 'unknown'}; P-256 or P-384 is supported`);
  }
  if (ko.asymmetricKeyType === 'rsa') {
    return { der: ab, importAlg: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } };
  }
  throw new Error(`the CA key is ${ko.asymmetricKeyType ?? 'of an unknown type'}; EC (P-256, P-384) or RSA is supported`);
}

/**
 * Loads the CA for interception and checks it: a CA certificate (basicConstraints CA:true, may
 * sign certificates), currently valid, and the key matches the certificate's public key.
 */
export async function loadCa(certFile: string, keyFile: string, now: Date = new Date()): Promise<InterceptionCa> {
  const missing = [certFile, keyFile].filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`the interception CA is missing (${missing.join(', ')}); run \`tollgate tls init\` to create it, or set proxy.tlsInterception.caCert/caKey`);
  const certPem = readFileSync(certFile, 'utf8');
  const keyPem = readFileSync(keyFile, 'utf8');
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(certPem);
  } catch (err) {
    throw new Error(`${certFile} is not a PEM certificate (${(err as Error).message.slice(0, 120)})`);
  }
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  if (!bc?.ca) throw new Error(`${certFile} is not a CA certificate (basicConstraints CA:true is missing)`);
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  if (ku && (ku.usages & x509.KeyUsageFlags.keyCertSign) === 0) throw new Error(`${certFile} may not sign certificates (keyUsage lacks keyCertSign)`);
  if (now < cert.notBefore || now > cert.notAfter) throw new Error(`${certFile} is not valid now (valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}); run \`tollgate tls init --force\``);
  let alg: ReturnType<typeof algorithmFor>;
  try {
    alg = algorithmFor(keyPem);
  } catch (err) {
    throw new Error(`${keyFile}: ${(err as Error).message.slice(0, 200)}`);
  }
  const key = await crypto.subtle.importKey('pkcs8', alg.der, alg.importAlg, false, ['sign']);
  // The key must belong to the certificate, or every leaf it signs would fail to verify.
  const probe = randomBytes(32);
  const signature = await crypto.subtle.sign(alg.sign, key, probe);
  const publicKey = await cert.publicKey.export(alg.importAlg, ['verify'], crypto);
  if (!(await crypto.subtle.verify(alg.sign, publicKey, signature, probe))) {
    throw new Error(`${keyFile} does not match the certificate in ${certFile}`);
  }
  const warnings: string[] = [];
  const daysLeft = Math.floor((cert.notAfter.getTime() - now.getTime()) / 86_400_000);
  if (daysLeft < 30) warnings.push(`the interception CA expires in ${daysLeft} days (${cert.notAfter.toISOString()}); run \`tollgate tls init --force\` and re-install it`);
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) warnings.push(`${keyFile} is readable by other users (mode ${mode.toString(8).padStart(4, '0')}); chmod 600 it`);
  return { cert, certPem, key, signingAlgorithm: alg.sign, warnings };
}

/** The CA files for a config: absolute (or `~/…`) paths as given, relative ones inside dataDir. */
export function caFiles(dataDir: string, cfg: { readonly caCert: string; readonly caKey: string }): { certFile: string; keyFile: string } {
  return { certFile: resolveInDataDir(dataDir, cfg.caCert), keyFile: resolveInDataDir(dataDir, cfg.caKey) };
}
