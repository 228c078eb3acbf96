import { z } from 'zod';

/**
 * The `mcp` config section: one policy for every MCP wire (stdio, Streamable HTTP and the
 * bridges to Streamable HTTP and WebSocket upstreams). Every object is `.strict()`, like the rest of the config.
 */

const positiveInt = z.number().int().positive();
/** An environment variable name, or a glob of names with `*` (LC_*). */
const envPattern = z.string().regex(/^[A-Za-z_*][A-Za-z0-9_*]*$/, 'an environment variable name, optionally with * wildcards');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

/**
 * What a stdio MCP server inherits from Tollgate's environment by default: enough to find
 * programs, a home directory, a locale and a temp dir; no credentials. Windows names are
 * listed so the same config works there.
 */
export const DEFAULT_MCP_ENV_ALLOW: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LC_*',
  'TERM',
  'TMPDIR',
  'TZ',
  'SYSTEMROOT',
  'SYSTEMDRIVE',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'TEMP',
  'TMP',
  'USERPROFILE',
  'USERNAME',
  'APPDATA',
  'LOCALAPPDATA',
  'PROGRAMFILES',
  'HOMEDRIVE',
  'HOMEPATH',
];

export const McpEnvConfig = z
  .object({
    allow: z
      .array(envPattern)
      .default([...DEFAULT_MCP_ENV_ALLOW])
      .describe('Variables (or globs of names) a stdio MCP server inherits from Tollgate. Everything else is withheld.'),
    pass: z
      .array(envName)
      .default([])
      .describe('More variables passed to the server, like --env NAME. Values that look like secrets are also matched as known secrets.'),
  })
  .strict();

/** A header name (RFC 9110 token). */
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'an HTTP header name');

export const McpHttpConfig = z
  .object({
    maxBodyBytes: positiveInt
      .default(4 * 1024 * 1024)
      .describe('Largest Streamable HTTP body (a client POST, or an upstream JSON response) in bytes; a larger one is refused and recorded, never forwarded.'),
    maxSseEventBytes: positiveInt
      .default(4 * 1024 * 1024)
      .describe('Largest server-sent event from an upstream MCP server in bytes; a larger one is dropped and recorded without being held in memory.'),
    upstreamHeaders: z
      .record(headerName, z.string().max(4096))
      .default({})
      .describe('Headers sent to the upstream MCP server (Streamable HTTP or WebSocket), e.g. Authorization: "Bearer ${MCP_TOKEN}". ${NAME} is read from Tollgate\'s environment, and those values are matched as known secrets; values are never logged.'),
    sessionTtlSeconds: positiveInt
      .max(7 * 24 * 3600)
      .default(3600)
      .describe('A Streamable HTTP session with no request and no open stream for this long is ended (upstream too).'),
    maxSessions: positiveInt
      .max(100_000)
      .default(256)
      .describe('Most Streamable HTTP sessions kept at once; past it the least recently used idle one is ended, and while every one is in use (an open GET stream, a request in flight or held for approval) a new session is refused with 503.'),
  })
  .strict();

export const McpConfig = z
  .object({
    maxLineBytes: positiveInt
      .default(4 * 1024 * 1024)
      .describe('Longest JSON-RPC line (stdio) in bytes; a longer line is dropped up to its newline, recorded, and never forwarded.'),
    maxPendingRequests: positiveInt
      .max(1_000_000)
      .default(4096)
      .describe('Requests awaiting an answer per session, in each direction; past it a new request is refused with a JSON-RPC error.'),
    askTimeoutMs: positiveInt
      .max(24 * 3600 * 1000)
      .default(45_000)
      .describe('How long a request whose verdict is ask (a tools/call) is held for an operator (`tollgate approve ID`, POST /api/v1/approvals/<id>); unanswered, it is denied with -32001. Below the usual 60 s client request timeout by default.'),
    askMaxPending: positiveInt
      .max(100_000)
      .default(64)
      .describe('Most requests held for approval at once per Tollgate process; past it an ask is denied at once.'),
    approvalsListen: z
      .string()
      .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]*):\d{1,5}$/, 'host:port')
      .optional()
      .describe('host:port where `tollgate mcp` serves the approval endpoints (GET /api/v1/approvals, POST /api/v1/approvals/<id>), behind the api.tokenEnv token; like --api. Port 0 picks a free port (printed on stderr). Unset: stdio servers and bridges have no approval channel and ask blocks; a --listen endpoint serves them itself when api.tokenEnv is set.'),
    poisonedTools: z
      .enum(['remove', 'block'])
      .default('remove')
      .describe('A tools/list with a poisoned tool: remove that tool from the list the client sees, or block the whole response.'),
    sessionBinding: z
      .enum(['block', 'warn', 'off'])
      .default('block')
      .describe('A tools/call for a tool the client was not shown in this session (or before any tools/list): block, warn, or allow silently.'),
    rugPull: z
      .enum(['block', 'warn', 'off'])
      .default('block')
      .describe('A tool whose definition differs from its pin (first sighting, kept in <dataDir>/pins): block it until approved, warn, or keep no pins.'),
    maxPinnedTools: positiveInt.max(100_000).default(2000).describe('Most tools pinned per server; tools past it are withheld (they cannot be pinned).'),
    maxPinTextBytes: positiveInt
      .default(64 * 1024)
      .describe('Most bytes of a tool definition kept in the pin for `tollgate mcp pins diff` (the fingerprint always covers all of it).'),
    scanInstructions: z
      .boolean()
      .default(false)
      .describe('Scan the server instructions in the initialize result (removed when blocked). Off by default: instructions address the model by design and trip injection rules.'),
    env: McpEnvConfig.default(McpEnvConfig.parse({})),
    http: McpHttpConfig.default(McpHttpConfig.parse({})),
  })
  .strict();

export type McpConfig = z.infer<typeof McpConfig>;
