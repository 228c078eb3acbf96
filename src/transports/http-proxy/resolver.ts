// Name resolution for the data plane: static overrides (like curl --resolve), chosen resolvers or
// the system's, each bounded by a timeout. Returns addresses only; the caller checks every one
// against the SSRF policy and then dials exactly the address it checked (no second lookup).
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';

export interface Resolver {
  /** Every address the name resolves to (IP literals resolve to themselves). Rejects on failure. */
  resolve(host: string): Promise<string[]>;
}

export interface ResolverOptions {
  readonly overrides: Readonly<Record<string, string | readonly string[]>>;
  readonly servers: readonly string[];
  readonly timeoutMs: number;
}

/** The override for a host: an exact entry first, then the longest matching `*.suffix`. */
export function overrideFor(host: string, overrides: ResolverOptions['overrides']): readonly string[] | null {
  const h = host.toLowerCase().replace(/\.$/, '');
  const exact = overrides[h];
  if (exact !== undefined) return typeof exact === 'string' ? [exact] : exact;
  let best: readonly string[] | null = null;
  let bestLen = -1;
  for (const [pattern, value] of Object.entries(overrides)) {
    if (!pattern.startsWith('*.')) continue;
    const suffix = pattern.slice(1).toLowerCase(); // ".example.com"
    if (h.endsWith(suffix) && suffix.length > bestLen) {
      best = typeof value === 'string' ? [value] : value;
      bestLen = suffix.length;
    }
  }
  return best;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export function createResolver(opts: ResolverOptions): Resolver {
  let custom: dns.Resolver | null = null;
  if (opts.servers.length > 0) {
    custom = new dns.Resolver({ timeout: opts.timeoutMs, tries: 1 });
    custom.setServers([...opts.servers]);
  }
  return {
    async resolve(hostIn) {
      const host = hostIn.startsWith('[') && hostIn.endsWith(']') ? hostIn.slice(1, -1) : hostIn;
      if (isIP(host)) return [host];
      const o = overrideFor(host, opts.overrides);
      if (o) return [...o];
      if (custom) {
        const r = custom;
        const [v4, v6] = await withTimeout(Promise.allSettled([r.resolve4(host), r.resolve6(host)]), opts.timeoutMs, `resolving ${host}`);
        const out = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
        if (out.length === 0) throw new Error(`${host} did not resolve`);
        return out;
      }
      const found = await withTimeout(dns.lookup(host, { all: true, verbatim: true }), opts.timeoutMs, `resolving ${host}`);
      if (found.length === 0) throw new Error(`${host} did not resolve`);
      return found.map((a) => a.address);
    },
  };
}
