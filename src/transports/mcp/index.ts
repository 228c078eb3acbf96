// transports/mcp: the MCP firewall. `McpSession` is the wire-independent core (a parsed
// JSON-RPC message and who sent it → what to forward, what to answer, one decision event per
// adjudicated message); `stdio.ts` is the newline-delimited stdio wire around it. It never
// imports a concrete scanner or the evidence layer: events leave through the `emit` it is given.
export { LineFramer, type FrameEvent } from './framing.ts';
export {
  validateMessage,
  errorResponse,
  depthExceeds,
  RPC_BLOCKED,
  RPC_INTERNAL_ERROR,
  RPC_INVALID_REQUEST,
  RPC_UPSTREAM_GONE,
  type JsonRpcId,
  type JsonRpcMessage,
  type Validation,
} from './jsonrpc.ts';
export { McpSession, type Outbound, type Side } from './session.ts';
export type { McpSessionOptions } from './context.ts';
export { MCP_RULES, type McpRule } from './rules.ts';
export { buildChildEnv, type ChildEnv } from './env.ts';
export { serverLabel, safeName } from './labels.ts';
export { startStdioRelay, exitStatus, type RelayExit, type StdioRelay, type StdioRelayOptions } from './stdio.ts';
export { deferEmit, type DeferredEmit } from '../../evidence/deferred-emit.ts';

/** The pin identity of a stdio server: its command line, exactly as given. */
export function stdioServerIdentity(command: string, args: readonly string[]): string {
  return `stdio:${JSON.stringify([command, ...args])}`;
}
