// The HTTP data plane's config: where the proxy listens, which hosts it reaches, what CONNECT may reach, how names resolve.
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const hostPattern = z.string().min(1).describe('A host name, exact (api.example.com) or with a leading wildcard (*.example.com).');

export const DnsConfig = z
  .object({
    overrides: z
      .record(z.string().min(1), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]))
      .default({})
      .describe('Static answers, like curl --resolve: host (or *.suffix) → address(es). Answers still pass the SSRF address check unless also allowed in scanners.ssrf.allowCidrs.'),
    servers: z.array(z.string().min(1)).default([]).describe('Resolvers (ip or ip:port) to ask instead of the system resolver, in turn: each gets its share of timeoutMs before the next is asked too; the first answer wins.'),
    timeoutMs: positiveInt.default(5000).describe('A lookup still unanswered after this fails (and the request is blocked).'),
    cacheTtlMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(2000)
      .describe('A successful lookup is reused for this long (at most 1024 names kept); 0 looks every request up. Every address of a reused answer is still checked on each request, and the checked address is the one dialled.'),
  })
  .strict();

export const TlsInterceptionConfig = z
  .object({
    enabled: z.boolean().default(false).describe('Terminate TLS inside CONNECT tunnels with Tollgate\'s own CA and scan the decrypted requests and responses like plain HTTP. Clients must trust the CA (`tollgate tls show-ca`).'),
    caCert: z.string().min(1).default('tls/ca.pem').describe('The interception CA certificate (PEM). Relative paths are inside dataDir. `tollgate tls init` creates it.'),
    caKey: z.string().min(1).default('tls/ca-key.pem').describe('The interception CA private key (PEM, mode 0600). Relative paths are inside dataDir.'),
    passthrough: z.array(hostPattern).default([]).describe('Hosts tunnelled without interception (certificate-pinned clients); only the host and server name are checked for them.'),
    extraCaFile: z.string().min(1).optional().describe('PEM file of extra CAs trusted for upstream certificates, added to Node\'s bundled roots (relative paths are inside dataDir). Without it Node\'s default store applies. An upstream certificate that does not verify is blocked.'),
    leafCacheSize: positiveInt.default(1000).describe('Most minted leaf certificates kept ready (least recently used dropped first).'),
  })
  .strict();

/** Event streams (text/event-stream) are relayed event by event, each event scanned before it is sent on. */
export const SseConfig = z
  .object({
    maxEventBytes: positiveInt
      .default(1024 * 1024)
      .describe('Largest single event (its field lines, decoded) scanned and relayed; a larger one ends the stream (engine/input-too-large). Never more than limits.maxInputBytes.'),
    maxStreamBytes: positiveInt
      .default(256 * 1024 * 1024)
      .describe('Most decoded bytes one stream may carry; past it the stream is ended (a client reconnects with Last-Event-ID).'),
    idleTimeoutMs: positiveInt
      .default(300_000)
      .describe('A stream that sends nothing (not even a keep-alive comment) for this long is ended.'),
    windowChars: z
      .number()
      .int()
      .min(0)
      .max(65_536)
      .default(1024)
      .describe('Characters of the stream\'s recent text (data, or the text fields of JSON events) scanned together with each new event, so an instruction or a secret split across events (an LLM streaming tokens) is still seen. 0 scans each event alone.'),
  })
  .strict();

export const ProxyConfig = z
  .object({
    enabled: z.boolean().default(true).describe('Run the HTTP proxy (forward, CONNECT). The scan API is served on the same listener.'),
    listen: z.string().default('127.0.0.1:8888').describe('host:port the proxy listens on (agents set HTTP_PROXY/HTTPS_PROXY to it).'),
    allowHosts: z
      .array(hostPattern)
      .default([])
      .describe(
        'When non-empty, the proxy reaches only these hosts, whatever the transport: forwarded requests, CONNECT tunnels and the requests inside them, /fetch and every WebSocket form (policy/host-not-allowed). Open tunnels and WebSockets to a host a reload takes off the list are closed.',
      ),
    denyHosts: z
      .array(hostPattern)
      .default([])
      .describe('The proxy never reaches these hosts, whatever the transport (policy/host-denied); open tunnels and WebSockets to a host a reload adds are closed.'),
    connect: z
      .object({
        allowPorts: z.array(z.number().int().min(1).max(65535)).default([443]).describe('Ports a CONNECT tunnel may reach.'),
        allowHosts: z.array(hostPattern).default([]).describe('When non-empty, CONNECT may reach only these hosts (in addition to proxy.allowHosts, which applies to every transport).'),
        denyHosts: z.array(hostPattern).default([]).describe('CONNECT never reaches these hosts (in addition to proxy.denyHosts, which applies to every transport).'),
      })
      .strict()
      .default({ allowPorts: [443], allowHosts: [], denyHosts: [] }),
    connectTimeoutMs: positiveInt.default(10_000).describe('Upstream connect timeout (TCP, and the TLS handshake for https).'),
    responseTimeoutMs: positiveInt
      .default(60_000)
      .describe('Once connected, the upstream must start its answer within this (silence longer than this is a timeout), and a body read whole must arrive within it. Event streams use sse.idleTimeoutMs instead.'),
    maxDecompressedBytes: positiveInt.default(32 * 1024 * 1024).describe('Largest decompressed body scanned; a body that inflates past it is blocked.'),
    headersTimeoutMs: positiveInt
      .default(30_000)
      .describe('A client must send its whole request head (request line and headers) within this, or gets 408 and is disconnected (slow-header clients).'),
    requestTimeoutMs: positiveInt
      .default(120_000)
      .describe('A client must send its whole request (head and body) within this, or gets 408 and is disconnected (slow-body clients). Never less than headersTimeoutMs.'),
    idleTimeoutMs: positiveInt.default(5_000).describe('An idle keep-alive connection is closed after this long without a new request.'),
    askTimeoutMs: positiveInt
      .default(30_000)
      .describe('How long a request or response whose verdict is ask is held for an operator\'s approval (POST /api/v1/approvals/<id>, `tollgate approve`); unanswered, it is denied.'),
    askMaxPending: positiveInt.default(256).describe('Most exchanges held for approval at once; past it an ask is denied at once.'),
    upstreamIdleSockets: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(128)
      .describe('Idle keep-alive connections kept per upstream address (and port) for reuse; closed after 15 s unused. Set it at least as high as the number of requests agents run at once, or connections are closed and reopened under load. Read at start (a reload does not change it).'),
    tlsInterception: TlsInterceptionConfig.default(TlsInterceptionConfig.parse({})),
    sse: SseConfig.default(SseConfig.parse({})),
    passOversizedResponses: z
      .array(z.string().regex(/^(\*\/\*|[a-z0-9!#$&^_.+-]+\/(\*|[a-z0-9!#$&^_.+-]+))$/, 'a media type (type/subtype), type/* or */*'))
      .max(64)
      .default([])
      .describe(
        'Media types (type/subtype, type/* or */*) of responses that may pass unscanned when their body is larger than limits.maxInputBytes (large downloads). Empty (every shipped preset): an oversized response is blocked. A passed body is logged as passed unscanned (engine/passed-unscanned); its headers are still scanned, and requests are never passed unscanned.',
      ),
  })
  .strict();

export type ProxyConfig = z.infer<typeof ProxyConfig>;
export type DnsConfig = z.infer<typeof DnsConfig>;
export type TlsInterceptionConfig = z.infer<typeof TlsInterceptionConfig>;
export type SseConfig = z.infer<typeof SseConfig>;
