// The one check every request inside a CONNECT tunnel gets, plain or intercepted: it must be
// origin-form (RFC 9112 §3.2.1), and its Host header must name the CONNECT host, or it could reach
// another site through the address the tunnel was checked and dialled for.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { transportFinding } from '../decision.ts';
import { hostHeaderMatches } from './authority.ts';
import { refuse, type Exchange } from './exchange.ts';
import { first } from './headers.ts';

/**
 * Refuses a request that is not origin-form (400) or whose Host header names another host or port
 * (403, policy/host-mismatch); true when it refused. `defaultPort` is the port a Host without one
 * means (443 inside TLS, 80 for plain HTTP); `tunnel` says which tunnel, for the message.
 */
export function refusedOffTunnel(x: Exchange, req: IncomingMessage, res: ServerResponse, tunnel: { readonly host: string; readonly port: number }, defaultPort: number, kind: 'a CONNECT' | 'an intercepted'): boolean {
  if (!(req.url ?? '').startsWith('/')) {
    refuse(x, res, 400, 'request', [transportFinding('engine/invalid-input', 'url', `A request inside ${kind} tunnel must be origin-form (/path).`)]);
    return true;
  }
  const hostHeader = first(req.headers.host);
  if (hostHeader !== undefined && !hostHeaderMatches(hostHeader, tunnel, defaultPort)) {
    refuse(x, res, 403, 'request', [
      transportFinding('policy/host-mismatch', 'header.host', 'The Host header differs from the CONNECT host (domain fronting or a request for another site).', { category: 'policy', severity: 'high', mitre: 'T1090.004' }),
    ]);
    return true;
  }
  return false;
}
