// http-proxy: the HTTP data plane (forward proxy, CONNECT tunnels, TLS interception) on one listener.
export { startProxy, type ProxyOptions, type ProxyServer } from './server.ts';
export { createResolver, DNS_CACHE_MAX_ENTRIES, overrideFor, type Resolver, type ResolverDeps, type ResolverOptions } from './resolver.ts';
export type { ProxyContext } from './context.ts';
export { parseClientHello } from './sni.ts';
export { decodeContent, readBody } from './bodies.ts';
export { parseAuthority, hostMatches } from './connect.ts';
export type { LoadedProxyTls } from './tls/index.ts';
/** TLS interception's CA and leaf minting (@peculiar/x509), imported only when interception is on. */
export async function loadProxyTls(...args: Parameters<typeof import('./tls/index.ts').loadProxyTls>): Promise<import('./tls/index.ts').LoadedProxyTls> {
  return (await import('./tls/index.ts')).loadProxyTls(...args);
}
export type { ProxyTls } from './context.ts';
export { createUpstreamAgents, DEFAULT_UPSTREAM_AGENTS, upstreamAgentOptions, type UpstreamAgents, type UpstreamAgentOptions } from './upstream-agents.ts';
