/**
 * Server-sent events for MCP's Streamable HTTP transport: the parser is shared
 * (transports/sse/parser.ts); this file holds the writer for events Tollgate re-emits.
 */
export { MAX_EVENT_ID, SseParser, type SseEvent } from '../../sse/parser.ts';

/** One event as Tollgate writes it: JSON.stringify never emits CR or LF, so data is one line. */
export function formatSseEvent(e: { readonly message?: unknown; readonly id?: string; readonly retry?: number }): string {
  let out = '';
  if (e.id !== undefined) out += `id: ${e.id}\n`;
  if (e.retry !== undefined) out += `retry: ${e.retry}\n`;
  // An event with no message still carries a data line, so clients that only record ids on
  // dispatched events (eventsource-parser) see the id: the SDK's priming events look the same.
  out += e.message !== undefined ? `data: ${JSON.stringify(e.message)}\n\n` : 'data: \n\n';
  return out;
}

/** A keep-alive comment, with none of the upstream's comment text. */
export const SSE_KEEPALIVE = ':\n\n';
