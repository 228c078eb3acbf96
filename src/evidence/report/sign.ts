/**
 * The signed JSON form of a report: `{ report, signature }`, where signature.sig is Ed25519 over
 * the RFC 8785 canonical JSON of `report`, by the key signature.keyId (same key-id rule as
 * receipts). Anyone can check it with verifySignedReport and the public key.
 */
import { canonicalBytes } from '../receipts/canonical.ts';
import { decodeB64url } from '../receipts/format.ts';
import { keyIdOf, signBytes, verifyBytes, verifyingKeyFromRaw, type SigningKey, type VerifyingKey } from '../receipts/keys.ts';
import type { ReportData } from './summarize.ts';

export interface SignedReport {
  readonly report: ReportData;
  readonly signature: { readonly alg: 'Ed25519'; readonly keyId: string; readonly publicKey: string; readonly sig: string };
}

/** JSON round trip: drops undefined and gives plain objects, so the report canonicalises. */
function plain(report: ReportData): ReportData {
  return JSON.parse(JSON.stringify(report)) as ReportData;
}

export function signReport(report: ReportData, key: SigningKey): SignedReport {
  const body = plain(report);
  return {
    report: body,
    signature: { alg: 'Ed25519', keyId: key.keyId, publicKey: key.raw.toString('base64url'), sig: signBytes(key, canonicalBytes(body)).toString('base64url') },
  };
}

/**
 * Checks a signed report. With `trusted`, the signer must be one of those keys; without, the
 * embedded public key is used (which proves integrity, not authorship).
 */
export function verifySignedReport(value: unknown, trusted: readonly VerifyingKey[] = []): { ok: true; keyId: string; pinned: boolean } | { ok: false; error: string } {
  const v = value as Partial<SignedReport> | null;
  const s = v?.signature;
  if (!v || typeof v !== 'object' || !s || s.alg !== 'Ed25519' || typeof s.publicKey !== 'string' || typeof s.sig !== 'string' || typeof s.keyId !== 'string' || v.report === undefined) {
    return { ok: false, error: 'not a signed report' };
  }
  const raw = decodeB64url(s.publicKey, 32);
  const sig = decodeB64url(s.sig, 64);
  if (!raw || !sig) return { ok: false, error: 'bad key or signature encoding' };
  if (keyIdOf(raw) !== s.keyId) return { ok: false, error: 'keyId does not match the public key' };
  const pinned = trusted.find((k) => k.keyId === s.keyId && k.raw.equals(raw));
  if (trusted.length > 0 && !pinned) return { ok: false, error: `signed by ${s.keyId}, not a trusted key` };
  let bytes: Buffer;
  try {
    bytes = canonicalBytes(v.report);
  } catch (err) {
    return { ok: false, error: `report is not canonicalisable JSON: ${(err as Error).message}` };
  }
  return verifyBytes(pinned ?? verifyingKeyFromRaw(raw), bytes, sig) ? { ok: true, keyId: s.keyId, pinned: pinned !== undefined } : { ok: false, error: 'bad signature' };
}
