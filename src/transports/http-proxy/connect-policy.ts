// The CONNECT host and port lists (proxy.connect), with the egress host lists every transport
// meets (proxy.allowHosts/denyHosts, egress-hosts.ts), read from the config they are given. A tunnel is
// judged by them when it opens (connect.ts), each request and WebSocket upgrade inside an inspected
// tunnel again by the lists running when it arrives (tunnel-pin.ts, websocket/upgrade.ts), and an
// open blind tunnel again when a reload changes them (control.ts trackRelays): a host denied on
// reload is denied to the tunnels already open to it too.
import type { TollgateConfig } from '../../config/schema.ts';
import type { Finding } from '../../core/index.ts';
import { transportFinding } from '../decision.ts';
import { egressHostFindings, onHostList } from './egress-hosts.ts';

/** The plain-HTTP port: a CONNECT to it may carry inspected HTTP without being on allowPorts. */
export const PLAIN_HTTP_PORT = 80;

/** Whether host is on a CONNECT list (or passthrough): compared as the egress lists compare (egress-hosts.ts onHostList). */
export function hostMatches(host: string, patterns: readonly string[]): boolean {
  return onHostList(host, patterns);
}

export function connectFinding(rule: string, message: string): Finding {
  return transportFinding(rule, 'connect.authority', message, { scanner: 'engine', category: 'policy', severity: 'high', mitre: 'T1571' });
}

export function portMessage(cfg: TollgateConfig['proxy']['connect'], port: number): string {
  return `CONNECT to port ${port} is not allowed (allowed: ${cfg.allowPorts.join(', ')}).`;
}

/**
 * What the lists say about host:port: the egress host lists, then the CONNECT ones.
 * `inspectedPlain`: the tunnel carries plain HTTP that Tollgate inspects, which may use port 80
 * without an allowPorts entry.
 */
export function connectListFindings(proxy: TollgateConfig['proxy'], host: string, port: number, inspectedPlain: boolean): Finding[] {
  const cfg = proxy.connect;
  const out: Finding[] = egressHostFindings(proxy, host, 'connect.host');
  if (!cfg.allowPorts.includes(port) && !(inspectedPlain && port === PLAIN_HTTP_PORT)) out.push(connectFinding('policy/connect-port', portMessage(cfg, port)));
  if (hostMatches(host, cfg.denyHosts)) out.push(connectFinding('policy/connect-host-denied', 'The host is on proxy.connect.denyHosts.'));
  if (cfg.allowHosts.length > 0 && !hostMatches(host, cfg.allowHosts)) out.push(connectFinding('policy/connect-host-not-allowed', 'The host is not on proxy.connect.allowHosts.'));
  return out;
}
