// The WebSocket relay's config (ws:// through the forward proxy, GET /ws?url=…, wss:// through
// intercepted CONNECT).
import { z } from 'zod';

export const WebSocketConfig = z
  .object({
    enabled: z.boolean().default(true).describe('Relay and inspect WebSocket upgrades; when off, every upgrade is refused.'),
    maxMessageBytes: z
      .number()
      .int()
      .positive()
      .max(64 * 1024 * 1024)
      .default(1024 * 1024)
      .describe('Largest message (after reassembling fragments, and after decompression) relayed; a larger one closes both sockets with 1009.'),
    perMessageDeflate: z
      .boolean()
      .default(false)
      .describe(
        'Negotiate permessage-deflate (RFC 7692) with the agent and with the upstream, each hop on its own. Off by default: frames then travel uncompressed on both hops. When on, the decompressed size of each message is still bounded by maxMessageBytes.',
      ),
  })
  .strict();

export type WebSocketConfig = z.infer<typeof WebSocketConfig>;
