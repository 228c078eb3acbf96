// The control plane's config: the kill switch's sentinel file, per-domain rate limits and data
// budgets, and how a request names its agent.
import { z } from 'zod';

const positiveInt = z.number().int().positive();

/** Agent names: short and printable, so they are safe in logs, metrics labels and session keys. */
export const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
const agentName = z.string().regex(AGENT_NAME, 'an agent name is 1-64 characters of A-Z a-z 0-9 . _ : / - and starts with a letter or digit');

export const KillSwitchConfig = z
  .object({
    file: z
      .string()
      .min(1)
      .default('KILL')
      .describe('Sentinel file: while it exists every proxied request, tunnel, fetch and WebSocket gets 503. Relative paths are inside dataDir. Read at start; a reload does not move it.'),
    pollMs: z.number().int().min(100).max(60_000).default(1000).describe('How often the sentinel file is checked (one stat per interval).'),
  })
  .strict();

const BudgetNumbers = {
  requestsPerMinute: positiveInt.describe('Requests per minute to one registrable domain (a bucket that refills over a minute).'),
  egressBytesPerHour: positiveInt.describe('Bytes sent (request target, headers and body) to one registrable domain per hour (a bucket that refills over an hour).'),
};

const BudgetOverride = z.object(BudgetNumbers).partial().strict();

export const BudgetsConfig = z
  .object({
    enabled: z.boolean().default(true).describe('Count requests and bytes per agent and per session for each registrable domain; over budget is a 429 (policy/rate-limit, policy/data-budget).'),
    // 20 a second sustained, 1200 at once: an agent paging through an API or a site, or an install
    // inside an intercepted tunnel, stays under it; a loop hammering one host does not.
    requestsPerMinute: BudgetNumbers.requestsPerMinute.default(1200),
    egressBytesPerHour: BudgetNumbers.egressBytesPerHour.default(50 * 1024 * 1024),
    session: BudgetOverride.default({}).describe('Tighter numbers for one session (one agent at one client address); unset numbers are the per-agent ones.'),
    perDomain: z
      .record(z.string().min(1).max(253), BudgetOverride)
      .default({})
      .describe('Numbers for particular registrable domains (example.com, or an IP address), replacing the defaults above for that domain.'),
    maxKeys: positiveInt.max(1_000_000).default(50_000).describe('Buckets kept at once (least recently used dropped; a dropped bucket starts full again).'),
  })
  .strict();

export const IdentityConfig = z
  .object({
    header: z.boolean().default(true).describe('Take the agent name from the X-Tollgate-Agent request header (validated; always removed before forwarding).'),
    listeners: z
      .object({ proxy: agentName.optional(), reverse: agentName.optional() })
      .strict()
      .default({})
      .describe('The agent name for requests on this listener without a valid header (before `agent`).'),
    maxAgentsPerClient: positiveInt
      .max(1000)
      .default(8)
      .describe('Distinct header names one client address may use; further new names are ignored (and logged) so an agent cannot reset its budgets by renaming itself.'),
  })
  .strict();

export type KillSwitchConfig = z.infer<typeof KillSwitchConfig>;
export type BudgetsConfig = z.infer<typeof BudgetsConfig>;
export type IdentityConfig = z.infer<typeof IdentityConfig>;
