// transports/mcp/http: MCP over Streamable HTTP. `server.ts` is the listener clients connect to,
// `upstream.ts` dials the upstream server at checked addresses only, `inspect.ts` reads JSON
// bodies and event streams (sse.ts) message by message through the McpSession. No content is
// relayed that the session has not judged.
import { createHash } from 'node:crypto';

export { startMcpHttpProxy, type McpHttpProxy, type McpHttpProxyOptions } from './server.ts';
export { createUpstream, upstreamProblem, dialChecked, type McpUpstream, type UpstreamResult } from './upstream.ts';
export { parseHeaderFlag, resolveHeaders, type ResolvedHeaders } from './headers.ts';
export { SseParser, formatSseEvent, type SseEvent } from './sse.ts';
export { SessionTable } from './sessions.ts';
export { newSessionLabel } from './wire.ts';

/**
 * The pin identity of a network server: its URL without credentials or query (a query often
 * carries a key, and pin files are readable). A query is kept only as a short hash, so two
 * servers that differ by it keep separate pins.
 */
export function urlServerIdentity(url: URL): string {
  const query = url.search.length > 1 ? `?sha256:${createHash('sha256').update(url.search).digest('hex').slice(0, 16)}` : '';
  return `${url.protocol}//${url.host}${url.pathname}${query}`;
}
