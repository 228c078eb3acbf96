// Keep-alive connection pools for upstream requests. Pools are keyed by the address dialled (the
// one the SSRF check passed, never a name) with port and TLS server name, so a kept connection is
// only ever reused for the same checked address: keep-alive cannot carry a request past the
// DNS-rebinding defence.
import http from 'node:http';
import https from 'node:https';

export interface UpstreamAgents {
  readonly http: http.Agent;
  readonly https: https.Agent;
  destroy(): void;
}

export interface UpstreamAgentOptions {
  /** Open connections per upstream address at most. */
  readonly maxSockets: number;
  /** Idle connections kept per upstream address. */
  readonly maxFreeSockets: number;
  /** An idle kept connection is closed after this. */
  readonly idleMs: number;
}

// The idle bound matches proxy.upstreamIdleSockets' default: below the number of requests in
// flight at once, every burst closes the surplus connections and the next one dials them again.
export const DEFAULT_UPSTREAM_AGENTS: UpstreamAgentOptions = { maxSockets: 256, maxFreeSockets: 128, idleMs: 15_000 };

/** The pools for a config: proxy.upstreamIdleSockets idle connections per upstream, the rest as default. */
export function upstreamAgentOptions(proxy: { readonly upstreamIdleSockets: number }): UpstreamAgentOptions {
  return { ...DEFAULT_UPSTREAM_AGENTS, maxFreeSockets: proxy.upstreamIdleSockets };
}

export function createUpstreamAgents(o: UpstreamAgentOptions = DEFAULT_UPSTREAM_AGENTS): UpstreamAgents {
  const common = { keepAlive: true, maxSockets: o.maxSockets, maxFreeSockets: o.maxFreeSockets, timeout: o.idleMs, scheduling: 'lifo' as const };
  const h = new http.Agent(common);
  const s = new https.Agent(common);
  return {
    http: h,
    https: s,
    destroy() {
      h.destroy();
      s.destroy();
    },
  };
}
