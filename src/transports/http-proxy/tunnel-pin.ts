// What plain and intercepted CONNECT tunnels share. Every request inside one must be
// origin-form (RFC 9112 §3.2.1), and its Host header must name the CONNECT host, or it could reach
// another site through the address the tunnel was checked and dialled for; a WebSocket upgrade in
// it is relayed to that same authority and address. Each request is judged by the policy running
// when it arrives, not the one the tunnel opened under: the CONNECT host and port lists and the
// address check apply to it again.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { stops, transportFinding } from '../decision.ts';
import { handleWebSocketUpgrade } from '../websocket/index.ts';
import { hostHeaderMatches } from './authority.ts';
import { addressFindings, type Dial, type ProxyContext } from './context.ts';
import { connectListFindings } from './connect-policy.ts';
import { requestScope, socketRefusedByKillSwitch, type RelayTracker, type Requester } from './control.ts';
import { refuse, type Exchange } from './exchange.ts';
import { first } from './headers.ts';

/** One CONNECT tunnel whose content Tollgate serves (plain HTTP, or TLS it intercepts). */
export interface Tunnel {
  readonly host: string;
  readonly port: number;
  /** The address resolved and checked for the CONNECT; every request in the tunnel goes there. */
  readonly address: string;
  readonly session: string;
  /** Who opened the tunnel; requests inside it are theirs unless they name another agent. */
  readonly requester?: Requester;
  /** The CONNECT socket (tracked for the kill switch): what a WebSocket in the tunnel rides on. */
  readonly carrier?: Duplex;
}

/**
 * Refuses a request that is not origin-form (400), whose Host header names another host or port
 * (403, policy/host-mismatch), or whose tunnel the CONNECT host and port lists running now refuse
 * (403: a reload may have denied the host since the tunnel opened; connect-policy.ts); true when it
 * refused. `defaultPort` is the port a Host without one means (443 inside TLS, 80 for plain HTTP);
 * `kind` says which tunnel, for the message (a plain-HTTP one may use port 80 off allowPorts).
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
  const listed = connectListFindings(x.ctx.config.proxy, tunnel.host, tunnel.port, kind === 'a CONNECT');
  if (listed.length > 0 && stops(x.ctx.engine.judge(listed))) {
    refuse(x, res, 403, 'request', listed);
    return true;
  }
  return false;
}

/**
 * The address the tunnel was dialled at, judged again by the engine running now (a reload may no
 * longer trust it), with what the CONNECT lists running now say: refusedOffTunnel has already
 * refused a request they stop, so here they only reach the request's event when they do not
 * (audit mode, a rule turned down), as the CONNECT's own event records them. `plain`: a plain-HTTP tunnel.
 */
export function tunnelDial(ctx: ProxyContext, tunnel: Tunnel, plain: boolean): Dial {
  const findings = [
    ...connectListFindings(ctx.config.proxy, tunnel.host, tunnel.port, plain),
    ...addressFindings(ctx, [tunnel.address], 'url.host', 'blocked before connecting (SSRF defence)'),
  ];
  return { address: tunnel.address, all: [tunnel.address], findings };
}

/**
 * The inner server's upgrade handler: a WebSocket inside the tunnel is relayed with every message
 * scanned, to `ws(s)://` at the CONNECT authority and the tunnel's checked address (the relay pins
 * the Host and the origin-form target to that authority). `what` names the tunnel kind in notes.
 */
export function tunnelUpgrades(ctx: ProxyContext, tunnels: WeakMap<object, Tunnel>, secure: boolean, what: string, relays?: RelayTracker): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    const tunnel = tunnels.get(req.socket);
    if (!tunnel) {
      socket.destroy();
      return;
    }
    const rq = requestScope(ctx, req, 'proxy', tunnel.requester);
    if (socketRefusedByKillSwitch(rq, req, socket, 'upgrade')) return;
    const opts = {
      secure,
      authority: { host: tunnel.host, port: tunnel.port },
      address: tunnel.address,
      session: rq.session,
      ...(relays !== undefined ? { relays } : {}),
      ...(tunnel.carrier !== undefined ? { carrier: tunnel.carrier } : {}),
    };
    handleWebSocketUpgrade(req, socket, head, rq.ctx, opts).catch((err: unknown) => {
      ctx.note(`${what} WebSocket upgrade handler failed: ${(err as Error).message}`);
      socket.destroy();
    });
  };
}
