// Leaf certificates for intercepted hosts: one fresh ECDSA P-256 key per leaf, the SAN naming
// exactly the host (a DNS name or an IP address), a short validity and a random serial, signed
// by the interception CA. Each leaf is kept as a ready SecureContext in a bounded LRU keyed by
// host; concurrent handshakes for one host share one minting.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { LRUCache } from 'lru-cache';
import { EC_P256, randomSerial, type InterceptionCa } from './ca.ts';

const crypto = webcrypto as unknown as Crypto;

export interface LeafCacheOptions {
  /** Most SecureContexts kept; the least recently used is dropped past it. */
  readonly max: number;
  /** Leaf validity (default 7 days); cached contexts are re-minted a day before they expire. */
  readonly validityDays?: number;
  readonly now?: () => number;
}

export interface LeafCache {
  /** The SecureContext presenting a leaf for `host`; rejects for a host no certificate can name. */
  contextFor(host: string): Promise<SecureContext>;
  /** Contexts held now. */
  readonly size: number;
  /** Leaves minted since creation (a cache hit does not mint). */
  readonly minted: number;
}

/** A DNS name (LDH labels, `_` tolerated) or an IP literal, lower-cased; null for anything else. */
export function leafName(hostIn: string): { type: 'dns' | 'ip'; value: string } | null {
  let host = hostIn.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (isIP(host)) return { type: 'ip', value: host };
  if (host.length === 0 || host.length > 253) return null;
  for (const label of host.split('.')) {
    if (label.length === 0 || label.length > 63 || label.startsWith('-') || label.endsWith('-')) return null;
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f;
      if (!ok) return null;
    }
  }
  return { type: 'dns', value: host };
}

export interface MintedLeaf {
  readonly certPem: string;
  readonly keyPem: string;
}

/** Mints one leaf for `host` signed by `ca`. */
export async function mintLeaf(ca: InterceptionCa, host: string, opts: { now?: number; validityDays?: number } = {}): Promise<MintedLeaf> {
  const name = leafName(host);
  if (!name) throw new Error('the host is not a DNS name or IP address a certificate can name');
  const now = opts.now ?? Date.now();
  const keys = (await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  // A subject CN is at most 64 characters (RFC 5280 upper bound); without it the SAN must be critical.
  const withCn = name.value.length <= 64;
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: withCn ? [{ CN: [name.value] }] : [],
      issuer: ca.cert.subjectName,
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + (opts.validityDays ?? 7) * 86_400_000),
      publicKey: keys.publicKey,
      signingKey: ca.key,
      signingAlgorithm: ca.signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension([{ type: name.type, value: name.value }], !withCn),
        await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

export function createLeafCache(ca: InterceptionCa, opts: LeafCacheOptions): LeafCache {
  const validityDays = opts.validityDays ?? 7;
  const now = opts.now ?? Date.now;
  const cache = new LRUCache<string, Promise<SecureContext>>({
    max: Math.max(1, opts.max),
    // Re-mint a day before the leaf expires (at half its life for leaves of two days or less).
    ttl: Math.max(60_000, validityDays > 2 ? (validityDays - 1) * 86_400_000 : (validityDays * 86_400_000) / 2),
    perf: { now },
    ttlResolution: 0,
  });
  let minted = 0;
  return {
    contextFor(host) {
      const name = leafName(host);
      if (!name) return Promise.reject(new Error('the host is not a DNS name or IP address a certificate can name'));
      const hit = cache.get(name.value);
      if (hit) return hit;
      minted++;
      const p = mintLeaf(ca, name.value, { now: now(), validityDays }).then((leaf) => createSecureContext({ key: leaf.keyPem, cert: leaf.certPem }));
      cache.set(name.value, p);
      p.catch(() => {
        if (cache.peek(name.value) === p) cache.delete(name.value);
      });
      return p;
    },
    get size() {
      return cache.size;
    },
    get minted() {
      return minted;
    },
  };
}
