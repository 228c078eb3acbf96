// tool-policy: the tools/call policy. Shell-like arguments are de-obfuscated into the simple
// commands a shell would run and matched against rules kept as data (destructive deletes,
// credential access, exfiltration, reverse shells, persistence, …); path-like arguments are
// matched against credential and persistence paths; session chains (a credential read, then a
// network send) come from the bounded session state in ctx. Pure: no I/O, no clock, no state.
import type { Finding } from '../../core/index.ts';
import { redactPreview, SEVERITY_RANK } from '../../core/index.ts';
import { FindingSink } from '../common.ts';
import type { ScanContext, ScanView, Scanner } from '../types.ts';
import { argumentLeaves, isPathArgument, isUrlArgument, shellInputs } from './arguments.ts';
import { chainFindings, networkTool } from './chains.ts';
import { compileRules, matchCommands, matchPath, programsOf, viewOf, type CommandView, type CompiledRule } from './match.ts';
import { pathRole } from './path-role.ts';
import { looksLikePath, normalisePath } from './paths.ts';
import { BUILTIN_RULES, DEFAULT_CHAINS, DEFAULT_NETWORK_PROGRAMS, DEFAULT_NETWORK_TOOLS } from './rules.ts';
import { deobfuscate, DEFAULT_SHELL_LIMITS, type ShellLimits, type SimpleCommand } from './shell/index.ts';
import { globMatch } from './shell/glob.ts';
import { CREDENTIAL_FILES } from './sensitive-paths.ts';
import type { ChainOptions, PolicyRule } from './types.ts';

export { BUILTIN_RULES, DEFAULT_CHAINS, DEFAULT_NETWORK_PROGRAMS, DEFAULT_NETWORK_TOOLS, UNTRUSTED_CONTENT_TAG } from './rules.ts';
export { deobfuscate, DEFAULT_SHELL_LIMITS, type ShellLimits } from './shell/index.ts';
export type { ChainOptions, ChainPattern, CommandPattern, PolicyRule } from './types.ts';

export interface ToolPolicyOptions {
  /** The built-in rules, plus any the operator adds. */
  readonly rules: readonly PolicyRule[];
  /** Rule ids (`tool-policy/<id>`) that never fire. */
  readonly disabledRules: readonly string[];
  /** Tool-name globs whose every string argument is a shell command (besides the built-in name heuristics). */
  readonly shellTools: readonly string[];
  readonly shell: ShellLimits;
  readonly chains: ChainOptions;
  readonly maxFindings: number;
}

export const DEFAULT_TOOL_POLICY_OPTIONS: ToolPolicyOptions = {
  rules: BUILTIN_RULES,
  disabledRules: [],
  shellTools: [],
  shell: DEFAULT_SHELL_LIMITS,
  chains: {
    enabled: true,
    window: 10,
    patterns: DEFAULT_CHAINS,
    networkPrograms: DEFAULT_NETWORK_PROGRAMS,
    networkTools: DEFAULT_NETWORK_TOOLS,
    urlArguments: true,
  },
  maxFindings: 50,
};

/** The built-in rules with an operator's rules added; an added rule with a built-in id replaces it. */
export function withRules(builtin: readonly PolicyRule[], extra: readonly PolicyRule[]): PolicyRule[] {
  const ids = new Set(extra.map((r) => r.id));
  return [...builtin.filter((r) => !ids.has(r.id)), ...extra];
}

/** Every rule id the scanner can report with the given rules and chains (for the catalog). */
export function toolPolicyRuleIds(rules: readonly PolicyRule[] = BUILTIN_RULES, chains = DEFAULT_CHAINS): string[] {
  return [...rules.map((r) => `tool-policy/${r.id}`), ...chains.map((c) => `tool-policy/${c.id}`), 'tool-policy/scan-incomplete'];
}

/** A command for evidence: long words shortened, token-like words redacted, at most 120 characters. */
function commandEvidence(cmd: SimpleCommand): string {
  const words = cmd.argv.length > 0 ? cmd.argv : cmd.redirects.map((r) => `${r.op} ${r.target}`);
  const shown = words.slice(0, 16).map((w) => {
    const n = normalisePath(w);
    if (n.length <= 40) return n;
    return n.includes('/') || n.includes(' ') ? `${n.slice(0, 32)}…` : redactPreview(n);
  });
  const redirects = cmd.argv.length > 0 ? cmd.redirects.slice(0, 3).map((r) => `${r.op} ${normalisePath(r.target).slice(0, 40)}`) : [];
  const text = [...shown, ...redirects].join(' ');
  return text.length <= 120 ? text : `${text.slice(0, 119)}…`;
}

/** A path rule's finding for `path` at `location`; `what` names the call (a tool call, resources/read). */
function pathFinding(rule: PolicyRule, location: string, path: string, what: string): Finding {
  return {
    scanner: 'tool-policy',
    rule: `tool-policy/${rule.id}`,
    severity: rule.severity,
    category: 'policy',
    mitre: rule.mitre,
    location,
    evidence: path.length <= 80 ? path : `${path.slice(0, 79)}…`,
    message: `${what}: ${rule.description}.`,
  };
}

const RESOURCES_READ = 'resources/read';
/**
 * MCP requests that name a resource by URI for the server to act on: a read, and a subscription
 * (or its end) to a resource's updates, whose notifications lead the client to read it. All meet the
 * path rules as a read would; only a read joins the chain window (a subscription returns no content).
 */
const RESOURCE_METHODS = new Set([RESOURCES_READ, 'resources/subscribe', 'resources/unsubscribe']);
/** Where the engine's extraction puts the URI of such a request (extract.ts, mcp-client-message). */
const resourceUriLocation = (method: string): string => `mcp.${method}.params.$.uri`;
const MAX_URI = 4096;

/**
 * The file path a resource URI names, in the form the path rules match: a file:// URI without its
 * (empty or localhost) host, percent-decoded as the server will decode it; a bare path as it is.
 * Null for any other URI (a server's own scheme names no file the rules know).
 */
export function resourcePath(uri: string): string | null {
  const text = uri.trim();
  if (text.length === 0 || text.length > MAX_URI) return null;
  if (!text.toLowerCase().startsWith('file:')) return looksLikePath(text) ? normalisePath(text) : null;
  let rest = text.slice('file:'.length);
  if (rest.startsWith('//')) {
    rest = rest.slice(2);
    const slash = rest.indexOf('/');
    const host = slash < 0 ? rest : rest.slice(0, slash);
    // file://HOST/path: only the local host names a local file; a UNC host is kept (//host/share).
    if (host === '' || host.toLowerCase() === 'localhost') rest = slash < 0 ? '/' : rest.slice(slash);
    else rest = `//${rest}`;
  }
  let decoded = rest;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    // A malformed escape: matched as written (the rules still see every plain character).
  }
  return normalisePath(decoded);
}

export function createToolPolicyScanner(partial: Partial<ToolPolicyOptions> = {}): Scanner {
  const o: ToolPolicyOptions = { ...DEFAULT_TOOL_POLICY_OPTIONS, ...partial };
  const disabled = new Set(o.disabledRules);
  const compiled: CompiledRule[] = compileRules(o.rules.filter((r) => !disabled.has(`tool-policy/${r.id}`)));
  const commandRules = compiled.filter((r) => r.commands.length > 0);
  const pathRules = compiled.filter((r) => r.paths.length > 0);
  const known = programsOf(o.rules);
  const knownSet = new Set([...known, ...o.chains.networkPrograms]);
  const networkPrograms = new Set(o.chains.networkPrograms);
  const chains: ChainOptions = { ...o.chains, patterns: o.chains.patterns.filter((p) => !disabled.has(`tool-policy/${p.id}`)) };
  const shellTool = (name: string): boolean => o.shellTools.some((g) => globMatch(g.toLowerCase(), name));

  /**
   * An MCP resources/read: the client asks the server to read a resource, which for a file:// URI
   * (or a bare path) is a file read like a read tool's. Only the path rules apply (as to a tool
   * named `resources/read`), and the read goes into the session's chain window with its tags.
   * resources/subscribe and resources/unsubscribe name a resource the same way: the same path rules
   * (still as `resources/read`, so a rule scoped to read tools applies), without the chain window.
   */
  const resourceRequest = (view: ScanView, ctx: ScanContext, method: string): Finding[] => {
    const at = resourceUriLocation(method);
    const seg = view.segments.find((x) => x.location === at);
    const path = seg ? resourcePath(seg.prepared.clean) : null;
    const out: Finding[] = [];
    const tags = new Set<string>();
    if (seg && path !== null) {
      for (const rule of pathRules) {
        if (!matchPath(rule, path, RESOURCES_READ, 'read')) continue;
        for (const t of rule.rule.tags ?? []) tags.add(t);
        out.push(pathFinding(rule.rule, seg.location, path, `MCP ${method}`));
        if (out.length >= o.maxFindings) break;
      }
    }
    if (method !== RESOURCES_READ) return out;
    return [...out, ...chainFindings(chains, tags, ctx, 'mcp.resources/read')];
  };

  return {
    id: 'tool-policy',
    scan(view: ScanView, ctx: ScanContext): readonly Finding[] {
      const input = view.input;
      if (input.kind === 'mcp-client-message') return RESOURCE_METHODS.has(input.method) ? resourceRequest(view, ctx, input.method) : [];
      if (input.kind !== 'tool-call') return [];
      const tool = typeof input.name === 'string' ? input.name : '';
      const candidates: { f: Finding; key: string }[] = [];
      const push = (f: Finding, key: string): void => {
        candidates.push({ f, key });
      };
      const tags = new Set<string>();
      const leaves = argumentLeaves(view);
      const nameSegment = view.segments.find((seg) => seg.part === 'tool-name');
      const toolLocation = nameSegment ? nameSegment.location.slice(0, nameSegment.location.length - '.name'.length) : 'tool';

      for (const arg of shellInputs(tool, leaves, knownSet, shellTool)) {
        const parsed = deobfuscate(arg.text, { limits: o.shell, knownPrograms: known, knownPaths: CREDENTIAL_FILES });
        if (parsed.truncated) {
          push(
            {
              scanner: 'tool-policy',
              rule: 'tool-policy/scan-incomplete',
              severity: 'high',
              category: 'limits',
              mitre: 'T1027',
              location: arg.location,
              evidence: '',
              message: `The command could not be fully de-obfuscated (${parsed.truncated}); what it runs was not all inspected, so it is blocked.`,
            },
            `incomplete|${arg.location}`,
          );
        }
        const views: CommandView[] = parsed.commands.map(viewOf);
        for (const v of views) if (networkPrograms.has(v.cmd.program)) tags.add('network-send');
        for (const rule of commandRules) {
          const at = matchCommands(rule, views);
          if (at < 0) continue;
          for (const t of rule.rule.tags ?? []) tags.add(t);
          const cmd = (views[at] as CommandView).cmd;
          const via = cmd.via.length > 0 ? ` It was found after de-obfuscation (${cmd.via.join(' → ')}).` : '';
          push(
            {
              scanner: 'tool-policy',
              rule: `tool-policy/${rule.rule.id}`,
              severity: rule.rule.severity,
              category: 'policy',
              mitre: rule.rule.mitre,
              location: arg.location,
              evidence: commandEvidence(cmd),
              message: `Tool call ${tool.slice(0, 64)} runs a command that ${rule.rule.description}.${via}`,
            },
            `${rule.rule.id}|${arg.location}`,
          );
        }
      }

      const lowerTool = tool.toLowerCase();
      for (const leaf of leaves) {
        if (o.chains.urlArguments && isUrlArgument(leaf)) tags.add('network-send');
        if (pathRules.length === 0 || !isPathArgument(leaf)) continue;
        const path = normalisePath(leaf.text.trim());
        const role = pathRole(lowerTool, leaf.key.split('-').join('_'));
        for (const rule of pathRules) {
          if (!matchPath(rule, path, lowerTool, role)) continue;
          for (const t of rule.rule.tags ?? []) tags.add(t);
          push(
            pathFinding(rule.rule, leaf.location, path, `Tool call ${tool.slice(0, 64)}`),
            `${rule.rule.id}|${leaf.location}`,
          );
        }
      }

      if (networkTool(o.chains, tool)) tags.add('network-send');
      for (const f of chainFindings(chains, tags, ctx, toolLocation)) push(f, `${f.rule}|chain`);
      // Most severe first, so the cap can only leave out the least severe; leaving out a medium or
      // worse one would hide something that acts, so that fails closed.
      const sink = new FindingSink(o.maxFindings);
      let overflow = false;
      for (const { f, key } of candidates.sort((a, b) => SEVERITY_RANK[b.f.severity] - SEVERITY_RANK[a.f.severity])) {
        if (sink.full && !sink.has(key) && SEVERITY_RANK[f.severity] >= SEVERITY_RANK.medium) overflow = true;
        sink.push(f, key);
      }
      if (!overflow) return sink.findings;
      return [...sink.findings, { scanner: 'tool-policy', rule: 'tool-policy/scan-incomplete', severity: 'high', category: 'limits', mitre: 'T1027', location: toolLocation, evidence: '', message: `The call produced more than ${o.maxFindings} policy findings; the rest were not reported, so it is blocked.` }];
    },
  };
}
