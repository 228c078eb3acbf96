// The HTTP data plane's config: where the proxy listens, what CONNECT may reach, how names resolve.
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const hostPattern = z.string().min(1).describe('A host name, exact (api.example.com) or with a leading wildcard (*.example.com).');

export const DnsConfig = z
  .object({
    overrides: z
      .record(z.string().min(1), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]))
      .default({})
      .describe('Static answers, like curl --resolve: host (or *.suffix) → address(es). Answers still pass the SSRF address check unless also allowed in scanners.ssrf.allowCidrs.'),
    servers: z.array(z.string().min(1)).default([]).describe('Resolvers (ip or ip:port) to ask instead of the system resolver.'),
    timeoutMs: positiveInt.default(5000).describe('A lookup still unanswered after this fails (and the request is blocked).'),
  })
  .strict();

export const ProxyConfig = z
  .object({
    enabled: z.boolean().default(true).describe('Run the HTTP proxy (forward, CONNECT). The scan API is served on the same listener.'),
    listen: z.string().default('127.0.0.1:8888').describe('host:port the proxy listens on (agents set HTTP_PROXY/HTTPS_PROXY to it).'),
    connect: z
      .object({
        allowPorts: z.array(z.number().int().min(1).max(65535)).default([443]).describe('Ports a CONNECT tunnel may reach.'),
        allowHosts: z.array(hostPattern).default([]).describe('When non-empty, CONNECT may reach only these hosts.'),
        denyHosts: z.array(hostPattern).default([]).describe('CONNECT never reaches these hosts.'),
      })
      .strict()
      .default({ allowPorts: [443], allowHosts: [], denyHosts: [] }),
    connectTimeoutMs: positiveInt.default(10_000).describe('Upstream TCP connect timeout.'),
    responseTimeoutMs: positiveInt.default(60_000).describe('Whole upstream response (headers and body) must arrive within this.'),
    maxDecompressedBytes: positiveInt.default(32 * 1024 * 1024).describe('Largest decompressed body scanned; a body that inflates past it is blocked.'),
  })
  .strict();

export type ProxyConfig = z.infer<typeof ProxyConfig>;
export type DnsConfig = z.infer<typeof DnsConfig>;
