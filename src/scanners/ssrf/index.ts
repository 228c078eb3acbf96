// ssrf: owns deciding, from URL and address text alone, whether a request would reach an internal,
// loopback, link-local or cloud-metadata destination, a forbidden scheme, or a parser-confusion trick.
// It must never resolve names, open sockets or import node:net/dns/http; checkAddress is the hook
// a transport calls on the address it actually dialled (the DNS-rebinding defence).
export { createSsrfScanner, analyzeUrl, type UrlHit } from './scanner.ts';
export {
  DEFAULT_SSRF_OPTIONS,
  SSRF_RULES,
  checkAddress,
  compilePolicy,
  decideHost,
  type AddressCheck,
  type HostDecision,
  type SsrfOptions,
  type SsrfPolicy,
  type SsrfRuleId,
} from './policy.ts';
export { classifyHost, type HostClass, type HostClassification, type HostReading } from './host.ts';
export { parseUrl, type ParsedUrl } from './url.ts';
export { parseCidr, type AddressClass } from './ip.ts';
