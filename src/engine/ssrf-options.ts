import type { TollgateConfig } from '../config/schema.ts';
import { TollgateError } from '../core/index.ts';
import { parseCidr, type SsrfOptions } from '../scanners/ssrf/index.ts';

/** The SSRF policy a config describes: one mapping for the URL scanner and for address checks. */
export function ssrfOptionsOf(c: TollgateConfig): SsrfOptions {
  const s = c.scanners.ssrf;
  // Config loading reports these with their line; an engine built from an unchecked config must
  // not drop an allowance it cannot read and run with a policy other than the one written.
  const bad = s.allowCidrs.find((t) => parseCidr(t) === null);
  if (bad !== undefined) throw new TollgateError('CONFIG_INVALID', `scanners.ssrf.allowCidrs: "${bad}" is not an IP address or CIDR range`);
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
