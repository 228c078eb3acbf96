// Test-only helpers for the entropy and split-secrets scanners: a URL split into segments with the
// same location vocabulary as src/extract (url.host[i], url.path[i], url.query.<key>), and a seeded
// generator for realistic random identifiers. Not used by any scanner at run time.
import type { Flow, ScanInput } from '../../core/index.ts';
import { prepare } from '../../normalize/index.ts';
import type { ScanView, Segment, SegmentPart } from '../types.ts';

export function urlSegments(url: string, flow: Flow = 'egress', base = 'url'): Segment[] {
  const seg = (location: string, part: SegmentPart, text: string): Segment => ({ location, part, flow, prepared: prepare(text) });
  const out: Segment[] = [seg(base, 'url', url)];
  let rest = url;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const scheme = rest.indexOf('://');
  if (scheme >= 0) rest = rest.slice(scheme + 3);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  const host = authority.slice(authority.lastIndexOf('@') + 1).split(':')[0] ?? '';
  host.split('.').forEach((label, i) => out.push(seg(`${base}.host[${i}]`, 'url-host-label', label)));
  path.split('/').forEach((s, i) => {
    if (s) out.push(seg(`${base}.path[${i}]`, 'url-path-segment', s));
  });
  let index = 0;
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = eq >= 0 ? pair.slice(0, eq) : pair;
    const value = eq >= 0 ? pair.slice(eq + 1) : '';
    out.push(seg(`${base}.query-key[${index}]`, 'url-query-key', key));
    if (value) out.push(seg(`${base}.query.${key.replace(/\./g, '_')}`, 'url-query-value', value));
    index++;
  }
  return out;
}

export function viewOfUrl(url: string, flow: Flow = 'egress'): ScanView {
  const input: ScanInput = { kind: 'url', url };
  return { input, segments: urlSegments(url, flow), url };
}

export const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export const HEX = '0123456789abcdef';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A deterministic random-string source (LCG) so fixtures are realistic yet stable. */
export function seeded(seed: number): (length: number, alphabet: string) => string {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
  return (length, alphabet) => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[(next() >>> 8) % alphabet.length];
    return out;
  };
}
