// The rules transports raise themselves (limits on the wire, resolution, tunnel and control
// policy, MCP protocol and pins), for `tollgate rules` and the catalog test. Scanner rules are in
// the engine's catalog; together the two lists name every rule a decision event can carry.
import type { RuleEntry } from '../engine/index.ts';
import { MCP_RULES } from './mcp/rules.ts';

const HTTP_RULES: readonly RuleEntry[] = [
  { id: 'engine/malformed-request', severity: 'high', mitre: 'T1027', description: 'an HTTP message with ambiguous or invalid framing (request smuggling shapes, bad headers)' },
  { id: 'engine/headers-too-large', severity: 'high', mitre: 'T1027', description: 'request or response headers over limits.maxHeaderBytes' },
  { id: 'engine/body-timeout', severity: 'high', mitre: 'T1027', description: 'a body that did not arrive within the timeout (never passed on unread)' },
  { id: 'engine/body-aborted', severity: 'high', mitre: 'T1027', description: 'a body cut off before its end (never passed on unread)' },
  { id: 'engine/passed-unscanned', severity: 'medium', mitre: 'T1027', description: 'a response over the scan limit passed unscanned because proxy.passOversizedResponses lists its media type' },
  { id: 'engine/client-timeout', severity: 'medium', mitre: 'T1499', description: 'a client too slow to send its request (header or body timeout)' },
  { id: 'engine/unsupported-scheme', severity: 'high', mitre: 'T1071', description: 'a scheme the forward proxy does not carry' },
  { id: 'engine/unresolvable-host', severity: 'high', mitre: 'T1071', description: 'a host that did not resolve; nothing was sent' },
  { id: 'engine/upstream-error', severity: 'medium', mitre: 'T1071', description: 'the upstream could not be reached or answered badly' },
  { id: 'engine/upstream-cert-invalid', severity: 'high', mitre: 'T1557', description: 'an upstream TLS certificate that did not verify (always blocks)' },
  { id: 'engine/intercept-failed', severity: 'high', mitre: 'T1557', description: 'TLS interception could not mint a certificate for the host' },
  { id: 'engine/redacted', severity: 'info', mitre: 'T1027', description: 'a response passed after secrets or injected passages were redacted' },
  { id: 'engine/invalid-config', severity: 'high', mitre: 'T1562.001', description: 'a config reload that did not validate (the old config stays)' },
  { id: 'ssrf/internal-address', severity: 'high', mitre: 'T1190', description: 'a host that resolves to an internal address (checked at connect time)' },
  { id: 'policy/host-denied', severity: 'high', mitre: 'T1567', description: 'a destination host on proxy.denyHosts (forward, CONNECT, /fetch, WebSocket)' },
  { id: 'policy/host-not-allowed', severity: 'high', mitre: 'T1567', description: 'a destination host outside a non-empty proxy.allowHosts (forward, CONNECT, /fetch, WebSocket)' },
  { id: 'policy/connect-port', severity: 'high', mitre: 'T1571', description: 'CONNECT to a port outside proxy.connect.allowPorts' },
  { id: 'policy/connect-host-denied', severity: 'high', mitre: 'T1571', description: 'CONNECT to a host on proxy.connect.denyHosts' },
  { id: 'policy/connect-host-not-allowed', severity: 'high', mitre: 'T1571', description: 'CONNECT to a host outside proxy.connect.allowHosts' },
  { id: 'policy/connect-not-tls', severity: 'high', mitre: 'T1572', description: 'a tunnel that does not carry TLS (its content could not be inspected)' },
  { id: 'policy/connect-bad-hello', severity: 'high', mitre: 'T1572', description: 'a TLS ClientHello that could not be read' },
  { id: 'policy/sni-mismatch', severity: 'high', mitre: 'T1090.004', description: 'a TLS server name other than the CONNECT host (domain fronting)' },
  { id: 'policy/host-mismatch', severity: 'high', mitre: 'T1090.004', description: 'a Host header inside a tunnel naming another site' },
  { id: 'policy/websocket-disabled', severity: 'high', mitre: 'T1071.001', description: 'a WebSocket upgrade while WebSocket inspection is off' },
  { id: 'policy/origin-not-allowed', severity: 'high', mitre: 'T1189', description: 'a foreign Origin or Host at the MCP HTTP listener (DNS rebinding of a local endpoint)' },
  { id: 'policy/kill-switch', severity: 'critical', mitre: 'T1489', description: 'the kill switch is on: all traffic stops' },
  { id: 'policy/rate-limit', severity: 'high', mitre: 'T1030', description: 'requests per minute to one registrable domain over budget' },
  { id: 'policy/data-budget', severity: 'high', mitre: 'T1030', description: 'bytes per hour to one registrable domain over budget (slow-drip exfiltration)' },
  { id: 'policy/config-downgrade', severity: 'high', mitre: 'T1562.001', description: 'a config reload that would weaken protection (refused without --allow-downgrade)' },
];

export function transportRules(): RuleEntry[] {
  return [...HTTP_RULES, ...Object.entries(MCP_RULES).map(([id, r]) => ({ id, severity: r.severity, mitre: r.mitre, description: r.summary }))];
}
