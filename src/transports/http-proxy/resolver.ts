// Name resolution for the data plane: static overrides (like curl --resolve), chosen resolvers
// (asked in turn, each with its share of the timeout) or the system's, bounded by a timeout. Returns addresses only; the caller checks every one
// against the SSRF policy and then dials exactly the address it checked (no second lookup).
// A successful answer is reused for dns.cacheTtlMs (bounded in entries), and lookups of one name
// in flight at once are shared; the caller still checks every address of a reused answer.
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface Resolver {
  /** Every address the name resolves to (IP literals resolve to themselves). Rejects on failure. */
  resolve(host: string): Promise<string[]>;
  /**
   * The same answer when it is known without waiting (an IP literal, an override, a fresh cached
   * answer), else undefined: then resolve() is the way. Optional; a caller without it awaits resolve().
   */
  resolveNow?(host: string): string[] | undefined;
}

export interface ResolverOptions {
  readonly overrides: Readonly<Record<string, string | readonly string[]>>;
  readonly servers: readonly string[];
  readonly timeoutMs: number;
  /** How long a successful answer is reused; 0 or absent: every call looks the name up. */
  readonly cacheTtlMs?: number;
}

/** What a resolver depends on, replaceable in tests. */
export interface ResolverDeps {
  /** The system lookup (dns.lookup, all addresses, in the resolver's order). */
  readonly lookup?: (host: string) => Promise<string[]>;
  /** Monotonic milliseconds. */
  readonly now?: () => number;
}

/** Names whose answers are kept at most; past it the oldest entry goes. */
export const DNS_CACHE_MAX_ENTRIES = 1024;

/** The override for a host: an exact entry first, then the longest matching `*.suffix`. */
export function overrideFor(host: string, overrides: ResolverOptions['overrides']): readonly string[] | null {
  const lower = host.toLowerCase();
  const h = lower.endsWith('.') ? lower.slice(0, -1) : lower;
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

function mayBeIp(host: string): boolean {
  const c = host.charCodeAt(0);
  return (c >= 0x30 && c <= 0x39) || host.includes(':');
}

const systemLookup = async (host: string): Promise<string[]> => (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** DNS error codes that are an answer (no such name, no address of the type), not a resolver failing. */
const ANSWERED = new Set(['ENOTFOUND', 'ENODATA']);

/** One listed resolver asked for A and AAAA: the addresses, or why not ("answered" when it said there are none). */
async function askOne(r: dns.Resolver, host: string): Promise<string[]> {
  const [v4, v6] = await Promise.allSettled([r.resolve4(host), r.resolve6(host)]);
  const out = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  if (out.length > 0) return out;
  const codes = [v4, v6].map((v) => (v.status === 'rejected' ? String((v.reason as { code?: unknown }).code ?? 'error') : 'ENODATA'));
  throw Object.assign(new Error(`${host} did not resolve (${[...new Set(codes)].join(', ')})`), { answered: codes.every((c) => ANSWERED.has(c)) });
}

/**
 * dns.servers asked in turn: each listed resolver gets its share of dns.timeoutMs before the next is
 * asked too (one that fails at once, refused or SERVFAIL, hands on at once), and a slower earlier
 * one may still answer. The first answer wins: addresses, or a resolver saying the name has none.
 * When every one has failed the lookup fails (the caller refuses the request). c-ares's own failover
 * is not used: its per-server wait grows past the share it is given, so a silent first resolver
 * used up the whole timeout before the second was asked.
 */
function listedResolvers(servers: readonly string[], timeoutMs: number): (host: string) => Promise<string[]> {
  const share = perServerTimeout(timeoutMs, servers.length);
  const resolvers = servers.map((server) => {
    const r = new dns.Resolver({ timeout: share, tries: 1 });
    r.setServers([server]);
    return r;
  });
  return (host) =>
    new Promise<string[]>((resolve, reject) => {
      let launched = 0;
      let failed = 0;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        settled = true;
        clearTimeout(timer);
      };
      const launch = (): void => {
        clearTimeout(timer);
        if (settled || launched >= resolvers.length) return;
        const r = resolvers[launched++] as dns.Resolver;
        askOne(r, host).then(
          (addresses) => {
            if (settled) return;
            finish();
            resolve(addresses);
          },
          (err: Error & { answered?: boolean }) => {
            if (settled) return;
            failed++;
            if (err.answered === true || failed === resolvers.length) {
              finish();
              reject(err.answered === true || resolvers.length === 1 ? err : new Error(`no listed resolver answered for ${host} (last: ${err.message.slice(0, 80)})`));
            } else if (failed === launched) launch();
          },
        );
        if (launched < resolvers.length) timer = setTimeout(launch, share);
      };
      launch();
    });
}

/** Each listed resolver's share of the overall timeout (at least 1 ms). */
function perServerTimeout(timeoutMs: number, servers: number): number {
  return Math.max(1, Math.floor(timeoutMs / Math.max(1, servers)));
}

export function createResolver(opts: ResolverOptions, deps: ResolverDeps = {}): Resolver {
  const listed = opts.servers.length > 0 ? listedResolvers(opts.servers, opts.timeoutMs) : null;
  const lookup = deps.lookup ?? systemLookup;
  const now = deps.now ?? (() => performance.now());
  const ttl = opts.cacheTtlMs ?? 0;
  const cache = new Map<string, { readonly addresses: readonly string[]; readonly until: number }>();
  const pending = new Map<string, Promise<string[]>>();

  const query = async (host: string): Promise<string[]> => {
    if (listed) return withTimeout(listed(host), opts.timeoutMs, `resolving ${host}`);
    const found = await withTimeout(lookup(host), opts.timeoutMs, `resolving ${host}`);
    if (found.length === 0) throw new Error(`${host} did not resolve`);
    return found;
  };

  // One lookup per name at a time; a success is kept for ttl ms. Failures are never kept.
  const cached = (host: string): Promise<string[]> => {
    const key = host.toLowerCase();
    const hit = cache.get(key);
    if (hit !== undefined) {
      if (now() < hit.until) return Promise.resolve([...hit.addresses]);
      cache.delete(key);
    }
    const inFlight = pending.get(key);
    if (inFlight) return inFlight.then((a) => [...a]);
    if (pending.size >= DNS_CACHE_MAX_ENTRIES) return query(host);
    const p = query(host).then(
      (addresses) => {
        pending.delete(key);
        if (cache.size >= DNS_CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
        cache.set(key, { addresses: [...addresses], until: now() + ttl });
        return addresses;
      },
      (err: unknown) => {
        pending.delete(key);
        throw err;
      },
    );
    pending.set(key, p);
    return p.then((a) => [...a]);
  };

  const unbracketed = (hostIn: string): string => (hostIn.startsWith('[') && hostIn.endsWith(']') ? hostIn.slice(1, -1) : hostIn);
  // An IP literal starts with a digit (IPv4) or holds a colon (IPv6); a name skips the check.
  const literalOrOverride = (host: string): string[] | undefined => {
    if (mayBeIp(host) && isIP(host)) return [host];
    const o = overrideFor(host, opts.overrides);
    return o ? [...o] : undefined;
  };

  return {
    async resolve(hostIn) {
      const host = unbracketed(hostIn);
      return literalOrOverride(host) ?? (ttl > 0 ? cached(host) : query(host));
    },
    resolveNow(hostIn) {
      const host = unbracketed(hostIn);
      const known = literalOrOverride(host);
      if (known !== undefined || ttl <= 0) return known;
      const hit = cache.get(host.toLowerCase());
      return hit !== undefined && now() < hit.until ? [...hit.addresses] : undefined;
    },
  };
}
