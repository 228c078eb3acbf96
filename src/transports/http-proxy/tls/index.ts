// tls: the interception CA (generate, write with a 0600 key, load and check), leaf minting with a
// fresh key per host, the bounded SecureContext cache, and the upstream trust store. It makes
// certificates; it never decides what traffic may pass.
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import type { TlsInterceptionConfig } from '../../../config/proxy-schema.ts';
import { resolveInDataDir } from '../../../evidence/data-dir.ts';
import type { ProxyTls } from '../context.ts';
import { caFiles, loadCa, type InterceptionCa } from './ca.ts';
import { createLeafCache } from './leaf.ts';

export { CA_CERT_FILE, CA_KEY_FILE, caFiles, generateCa, initCa, loadCa, randomSerial, type GeneratedCa, type InterceptionCa, type WrittenCa } from './ca.ts';
export { createLeafCache, leafName, mintLeaf, type LeafCache, type LeafCacheOptions, type MintedLeaf } from './leaf.ts';

const MAX_CA_FILE_BYTES = 4 * 1024 * 1024;

/** The certificates in a PEM file, each checked to parse; throws on a file with none. */
export function readPemCertificates(file: string): string[] {
  if (statSync(file).size > MAX_CA_FILE_BYTES) throw new Error(`${file} is larger than ${MAX_CA_FILE_BYTES} bytes`);
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const BEGIN = '-----BEGIN CERTIFICATE-----';
  const END = '-----END CERTIFICATE-----';
  let at = text.indexOf(BEGIN);
  while (at >= 0) {
    const end = text.indexOf(END, at);
    if (end < 0) break;
    const pem = `${text.slice(at, end + END.length)}\n`;
    try {
      new X509Certificate(pem);
    } catch (err) {
      throw new Error(`${file}: certificate ${out.length + 1} does not parse (${(err as Error).message.slice(0, 120)})`);
    }
    out.push(pem);
    at = text.indexOf(BEGIN, end);
  }
  if (out.length === 0) throw new Error(`${file} holds no PEM certificate`);
  return out;
}

/**
 * The trust for upstream certificates: Node's bundled roots plus `extraCaFile`. Without an extra
 * file there is no custom context and Node's default store applies (its bundled roots, plus
 * NODE_EXTRA_CA_CERTS, or OpenSSL's store under --use-openssl-ca).
 */
export function upstreamTrust(extraCaFile: string | undefined): SecureContext | undefined {
  if (extraCaFile === undefined) return undefined;
  return createSecureContext({ ca: [...rootCertificates, ...readPemCertificates(extraCaFile)] });
}

export interface LoadedProxyTls {
  readonly tls: ProxyTls;
  readonly ca: InterceptionCa;
  readonly certFile: string;
  /** Start-up warnings (CA expiring, key readable by others). */
  readonly warnings: readonly string[];
}

/** Loads what interception needs from config; throws with an actionable message when it cannot. */
export async function loadProxyTls(cfg: TlsInterceptionConfig, dataDir: string): Promise<LoadedProxyTls> {
  const { certFile, keyFile } = caFiles(dataDir, cfg);
  const ca = await loadCa(certFile, keyFile);
  let upstream: SecureContext | undefined;
  try {
    upstream = upstreamTrust(cfg.extraCaFile === undefined ? undefined : resolveInDataDir(dataDir, cfg.extraCaFile));
  } catch (err) {
    throw new Error(`proxy.tlsInterception.extraCaFile: ${(err as Error).message}`);
  }
  const leaves = createLeafCache(ca, { max: cfg.leafCacheSize });
  return { tls: { leaves, ...(upstream ? { upstream } : {}) }, ca, certFile, warnings: ca.warnings };
}
