// The fetch proxy's config: GET /fetch?url=… on the proxy listener fetches a page for the agent and
// returns its readable text with the verdict.
import { z } from 'zod';

export const FetchConfig = z
  .object({
    enabled: z.boolean().default(true).describe('Serve GET /fetch?url=… on the proxy listener.'),
    onInjection: z
      .enum(['block', 'redact'])
      .default('block')
      .describe(
        'What a page carrying prompt injection gets: block answers 403 with the verdict; redact returns the text with each offending passage replaced by "[removed by Tollgate: <rule>]" (hidden text is never returned either way). Any other stopping finding still blocks.',
      ),
    userAgent: z.string().min(1).max(256).default('Tollgate-Fetch/1').describe('User-Agent sent with the fetch.'),
  })
  .strict();

export type FetchConfig = z.infer<typeof FetchConfig>;
