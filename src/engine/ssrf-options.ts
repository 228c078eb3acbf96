import type { TollgateConfig } from '../config/schema.ts';
import type { SsrfOptions } from '../scanners/ssrf/index.ts';

/** The SSRF policy a config describes: one mapping for the URL scanner and for address checks. */
export function ssrfOptionsOf(c: TollgateConfig): SsrfOptions {
  const s = c.scanners.ssrf;
  return {
    allowSchemes: s.allowSchemes,
    allowCidrs: s.allowCidrs,
    allowHosts: s.allowHosts,
    blockHosts: s.blockHosts,
    blockPrivate: s.blockPrivate,
    blockMetadata: s.blockMetadata,
    maxUrlLength: c.limits.maxUrlLength,
    // Agents reach URLs through tools too: a fetch tool's `url` argument is an SSRF path.
    scanParts: s.scanToolArguments ? ['url', 'tool-argument'] : ['url'],
  };
}
