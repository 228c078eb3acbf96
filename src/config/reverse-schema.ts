// The reverse proxy's config: one listener in front of one upstream service, scanning request and
// response bodies like the forward proxy.
import { z } from 'zod';

function isHttpBase(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.search === '' && u.hash === '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

export const ReverseConfig = z
  .object({
    upstream: z
      .string()
      .refine(isHttpBase, 'reverse.upstream is an http(s) URL without query, fragment or credentials, e.g. http://127.0.0.1:3000')
      .optional()
      .describe('The single service every request to the reverse listener is forwarded to. Unset: no reverse listener.'),
    listen: z.string().default('127.0.0.1:8890').describe('host:port the reverse proxy listens on.'),
  })
  .strict();

export type ReverseConfig = z.infer<typeof ReverseConfig>;
