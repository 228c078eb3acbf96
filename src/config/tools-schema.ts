import { z } from 'zod';
import { re } from '../re/index.ts';

/**
 * Config fields of the MCP tool scanners (tool-poisoning, tool-policy). The common scanner
 * fields (enabled, action, disabledRules, failOpen …) are added in schema.ts. Rules are data:
 * the same shape as the built-in table in src/scanners/tool-policy/rules.ts.
 */

const severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
const mitre = z.string().regex(/^T\d{4}(\.\d{3})?$/, 'an ATT&CK technique id such as T1552.001');
const kebab = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'kebab-case');

/** An RE2 pattern, compiled at load so a bad one is a config error, not a scan-time failure. */
const pattern = z.string().superRefine((src, ctx) => {
  try {
    re(src, 'i').test('');
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `invalid RE2 pattern: ${err instanceof Error ? err.message : String(err)}` });
  }
});

const commandPatternFields = {
  programs: z.array(z.string()).optional().describe('Program base names (lower case); `name*` matches a prefix. Absent: any program.'),
  notPrograms: z.array(z.string()).optional().describe('Programs this pattern never applies to.'),
  all: z.array(pattern).optional().describe('Every regex must match the arguments (joined by spaces, paths normalised, case-insensitive).'),
  any: z.array(pattern).optional().describe('At least one regex must match the arguments.'),
  none: z.array(pattern).optional().describe('No regex may match the arguments.'),
  operands: z.array(pattern).optional().describe('At least one regex must match the operands: the arguments without message options (git -m, gh --title/--body …), echo/printf words and a grep pattern.'),
  last: z.array(pattern).optional().describe('At least one regex must match the last argument alone (a copy\'s destination).'),
  redirect: z.array(pattern).optional().describe('Some redirection (`>> ~/.bashrc`, `> /dev/tcp/…`) must match one regex.'),
  background: z.boolean().optional().describe('The command runs in the background (&).'),
};
const FedBy = z.object(commandPatternFields).strict();
export const CommandPatternConfig = z
  .object({ ...commandPatternFields, fedBy: FedBy.optional().describe('Some command whose output flows into this one (pipe, $(…), <(…)) matches.') })
  .strict();

export const PolicyRuleConfig = z
  .object({
    id: kebab.describe('Findings are reported as tool-policy/<id>; an id equal to a built-in rule replaces it.'),
    description: z.string().min(1),
    severity,
    mitre,
    tags: z.array(kebab).optional().describe('Tags a matching call carries into the session window for chains (credential-read, network-send …).'),
    commands: z.array(CommandPatternConfig).optional().describe('Matches when any pattern matches a simple command of a shell-like argument (after de-obfuscation).'),
    paths: z.array(pattern).optional().describe('Matches a path-like argument (normalised: ~ for home, / separators).'),
    tools: z.array(pattern).optional().describe('Path patterns apply only to tools whose lower-case name matches one of these.'),
    notTools: z.array(pattern).optional().describe('Path patterns never apply to tools whose lower-case name matches one of these.'),
    pathRole: z
      .enum(['read', 'write'])
      .optional()
      .describe("Path patterns apply only to path arguments in this role: write = where a tool writes (write_file's path, a copy's or move's destination), read = every other path argument (the source of a copy, move or upload included)."),
  })
  .strict()
  .refine((r) => (r.commands?.length ?? 0) + (r.paths?.length ?? 0) > 0, 'a rule needs commands or paths');

export const ChainPatternConfig = z
  .object({
    id: kebab.describe('Findings are reported as tool-policy/<id>.'),
    description: z.string().min(1),
    first: kebab.describe('Tag of the earlier call (credential-read).'),
    then: kebab.describe('Tag of the later call (network-send).'),
    within: z.number().int().min(1).max(64).describe('The later call comes at most this many calls after the earlier one (and within scanners.splitSecrets.ttlSeconds: older calls are forgotten).'),
    severity,
    mitre,
  })
  .strict();

export const ChainsConfig = z
  .object({
    enabled: z.boolean().default(true).describe('Flag sequences of calls within a session.'),
    window: z.number().int().min(1).max(64).default(10).describe('Calls remembered per session; calls older than scanners.splitSecrets.ttlSeconds (default 300 s) are forgotten too.'),
    patterns: z.array(ChainPatternConfig).optional().describe('Chain patterns; absent: the built-in credential-read → network-send chain (tollgate rules).'),
    networkPrograms: z.array(z.string()).optional().describe('Programs whose use tags a call network-send; absent: the built-in list (curl, wget, nc, scp …).'),
    networkTools: z.array(z.string()).optional().describe('Tool-name globs whose calls are tagged network-send; absent: the built-in list (*fetch*, *http*, *send* …).'),
    urlArguments: z.boolean().default(true).describe('A call with an http(s) URL argument is tagged network-send.'),
  })
  .strict();

/** Fields of scanners.toolPoisoning beside the common scanner fields. */
export const toolPoisoningFields = {};

/** Fields of scanners.toolPolicy beside the common scanner fields. */
export const toolPolicyFields = {
  builtinRules: z.boolean().default(true).describe('Use the built-in rule table (`tollgate rules` lists it); disable single rules with disabledRules.'),
  rules: z.array(PolicyRuleConfig).default([]).describe('Rules added to the built-in table (same shape).'),
  shellTools: z.array(z.string()).default([]).describe('Tool-name globs whose every string argument is a shell command (beyond the built-in bash/shell/exec/terminal names).'),
  maxCommandChars: z.number().int().positive().default(65_536).describe('Longest command de-obfuscated; longer ones report tool-policy/scan-incomplete (blocks).'),
  maxNesting: z.number().int().min(1).max(8).default(4).describe('Levels of sh -c, eval, $(…) and piped scripts followed; deeper nesting reports tool-policy/scan-incomplete.'),
  chains: ChainsConfig.default(ChainsConfig.parse({})),
};
