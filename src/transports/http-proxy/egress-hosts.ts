// The egress host lists (proxy.allowHosts, proxy.denyHosts): which hosts the HTTP data plane may
// reach at all, whatever the transport. Every outbound destination is judged by them: a forwarded
// absolute-URI request (forward.ts), a CONNECT tunnel and each request or WebSocket upgrade inside
// one (connect-policy.ts adds them to the CONNECT lists), /fetch (fetch/handler.ts), every
// WebSocket form (websocket/upgrade.ts), and what is open when a reload changes them (the reload
// re-checks of blind tunnels and WebSocket relays). proxy.connect.allowHosts/denyHosts stay as
// CONNECT-only additions. Pure: the host is compared as WHATWG URL parsing reads it, so
// `EXAMPLE.com.`, `0x7f.1` or a Unicode name match the entry written in its usual form.
import type { TollgateConfig } from '../../config/schema.ts';
import type { Finding } from '../../core/index.ts';
import { transportFinding } from '../decision.ts';

/**
 * A host as a URL parser reads it: lower case, IPv4 in dotted decimal, IDNs as punycode, IPv6
 * without brackets, no trailing dots. A host a URL cannot carry is only lower-cased.
 */
export function canonicalHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  const literal = h.includes(':') ? `[${h}]` : h;
  try {
    const parsed = new URL(`http://${literal}/`).hostname;
    if (parsed.length > 0) h = parsed;
  } catch {
    // Not a host a URL can carry: compared as written (lower case).
  }
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/**
 * Whether `host` is on `patterns`: an entry is an exact host or `*.suffix`, which matches any name
 * under suffix but not suffix itself (list `example.com` too for the apex).
 */
export function onHostList(host: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return false;
  const h = canonicalHost(host);
  return compiled(patterns).some((p) => (p.exact ? h === p.host : h.length > p.host.length + 1 && h.endsWith(`.${p.host}`)));
}

interface Pattern {
  readonly exact: boolean;
  /** Canonical host, or the suffix under which a wildcard matches. */
  readonly host: string;
}

/** A list's patterns in canonical form, once per list (a config's arrays live as long as it runs). */
const compiledLists = new WeakMap<readonly string[], readonly Pattern[]>();

function compiled(patterns: readonly string[]): readonly Pattern[] {
  let out = compiledLists.get(patterns);
  if (out === undefined) {
    out = patterns
      .map((p): Pattern => {
        const t = p.trim().toLowerCase();
        return t.startsWith('*.') ? { exact: false, host: canonicalHost(t.slice(2)) } : { exact: true, host: canonicalHost(t) };
      })
      .filter((p) => p.host.length > 0);
    compiledLists.set(patterns, out);
  }
  return out;
}

function egressFinding(rule: string, location: string, message: string): Finding {
  return transportFinding(rule, location, message, { scanner: 'engine', category: 'policy', severity: 'high', mitre: 'T1567' });
}

/**
 * What proxy.denyHosts and proxy.allowHosts say about a destination host: policy/host-denied when
 * it is denied, policy/host-not-allowed when an allow list is set and does not name it.
 */
export function egressHostFindings(proxy: Pick<TollgateConfig['proxy'], 'allowHosts' | 'denyHosts'>, host: string, location = 'url.host'): Finding[] {
  const out: Finding[] = [];
  if (onHostList(host, proxy.denyHosts)) out.push(egressFinding('policy/host-denied', location, 'The host is on proxy.denyHosts.'));
  if (proxy.allowHosts.length > 0 && !onHostList(host, proxy.allowHosts)) out.push(egressFinding('policy/host-not-allowed', location, 'The host is not on proxy.allowHosts.'));
  return out;
}
