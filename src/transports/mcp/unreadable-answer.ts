import { errorResponse, RPC_INTERNAL_ERROR } from './jsonrpc.ts';
import { recoverResponseId } from './recover-id.ts';
import type { McpSession, Outbound } from './session.ts';

/**
 * A line from the server that could not be read (over mcp.maxLineBytes, or not UTF-8): dropped
 * and recorded, as any unreadable line. When it is plainly the answer to a client request still
 * waiting (its id read from its first and last bytes, recover-id.ts), that request is answered at
 * once with -32603, as the HTTP wires answer a request whose response they dropped, instead of
 * waiting for an answer that will not come; otherwise the request stays waiting (an id that
 * cannot be read cannot be answered) and the record says so.
 */
export function unreadableAnswer(
  session: McpSession,
  rule: 'mcp/line-too-long' | 'mcp/invalid-utf8',
  bytes: number,
  maxLineBytes: number,
  head: Uint8Array,
  tail: Uint8Array | undefined,
): Outbound {
  const problem = rule === 'mcp/line-too-long' ? `the line is ${bytes} bytes, over the ${maxLineBytes}-byte limit (mcp.maxLineBytes)` : 'the line is not valid UTF-8';
  const id = recoverResponseId(head, tail);
  const shown = id === undefined ? '' : JSON.stringify(id).slice(0, 80);
  if (id !== undefined && session.isPending(id)) {
    // Off the waiting list (abandon's own error is replaced by one that says what happened).
    session.abandon([id], 'answered with a line Tollgate could not read');
    const out = session.dropped('server', rule, `${problem}; it answered request ${shown}, which Tollgate answered with error -32603 in its place`, bytes);
    const error = errorResponse(id, RPC_INTERNAL_ERROR, `Tollgate dropped the MCP server's response to this request: ${problem}.`, { tollgate: { action: 'block', rules: [rule] } });
    return { ...out, toClient: [...out.toClient, error] };
  }
  const why = id === undefined ? 'no response id could be read from it' : `its id ${shown} names no request waiting for the server`;
  return session.dropped('server', rule, `${problem}; ${why}, so a request it may answer is still waiting`, bytes);
}
