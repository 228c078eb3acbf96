// The key a per-domain budget is counted under: the registrable domain from the public suffix
// list (a.example.com and b.example.co.uk count as example.com and example.co.uk), so an agent
// cannot spread a slow drip over many subdomains of one site. Only ICANN suffixes are used:
// names under shared hosting suffixes (x.github.io, y.ngrok.io) share their operator's budget,
// the stricter reading. Addresses count as themselves (an IPv4-mapped IPv6 address as its IPv4).
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { getDomain } from 'tldts';

const MAX_HOST = 253;

export function registrableDomain(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  h = h.slice(0, MAX_HOST);
  if (isIP(h) === 6) {
    try {
      const a = ipaddr.IPv6.parse(h);
      return a.isIPv4MappedAddress() ? a.toIPv4Address().toString() : a.toNormalizedString();
    } catch {
      return h;
    }
  }
  if (isIP(h) === 4) return h;
  return getDomain(h, { allowPrivateDomains: false }) ?? (h || '(none)');
}
