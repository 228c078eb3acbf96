// CONNECT authorities and the Host headers checked against them. Pure functions, kept apart so the
// WebSocket upgrade parser can pin a tunnel's upgrades without importing the tunnel servers.

/** Splits `host:port` / `[v6]:port`; null when malformed. */
export function parseAuthority(authority: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s/@]+)):(\d{1,5})$/.exec(authority);
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: (m[1] ?? m[2] ?? '').toLowerCase(), port };
}

/** Whether a Host header names the tunnel's host (and port, when it gives one; `defaultPort` when it does not). */
export function hostHeaderMatches(header: string, tunnel: { readonly host: string; readonly port: number }, defaultPort = 443): boolean {
  const want = tunnel.host.replace(/\.$/, '');
  const h = header.trim().toLowerCase();
  const withPort = parseAuthority(h);
  if (withPort) return withPort.host.replace(/\.$/, '') === want && withPort.port === tunnel.port;
  const bare = h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
  return bare.replace(/\.$/, '') === want && tunnel.port === defaultPort;
}
