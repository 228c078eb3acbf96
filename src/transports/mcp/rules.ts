import type { Action, Category, DecisionFinding, Severity } from '../../core/index.ts';

/**
 * The MCP transport's own rules: protocol hygiene, rug-pull pins and session binding. The
 * scanners judge content; these judge the conversation. Actions come from the `mcp` config
 * (or a `rules:` override); the protocol rules always block, since what cannot be read
 * cannot be forwarded.
 */
export type McpRule =
  | 'mcp/invalid-json'
  | 'mcp/invalid-jsonrpc'
  | 'mcp/invalid-utf8'
  | 'mcp/line-too-long'
  | 'mcp/message-too-large'
  | 'mcp/json-too-deep'
  | 'mcp/unsolicited-response'
  | 'mcp/not-a-notification'
  | 'mcp/too-many-pending'
  | 'mcp/duplicate-request-id'
  | 'mcp/invalid-result'
  | 'mcp/invalid-tool'
  | 'mcp/tool-changed'
  | 'mcp/tool-renamed'
  | 'mcp/tool-removed'
  | 'mcp/pins-full'
  | 'mcp/pins-unavailable'
  | 'mcp/unlisted-tool'
  | 'mcp/tool-withheld'
  | 'mcp/sessions-full';

interface RuleInfo {
  readonly severity: Severity;
  readonly category: Category;
  readonly mitre: string;
  /** Protocol rules cannot be lowered by a rules: override. */
  readonly fixed: boolean;
  readonly summary: string;
}

export const MCP_RULES: Readonly<Record<McpRule, RuleInfo>> = {
  'mcp/invalid-json': { severity: 'high', category: 'engine', mitre: 'T1562.001', fixed: true, summary: 'a line that is not JSON' },
  'mcp/invalid-jsonrpc': { severity: 'high', category: 'engine', mitre: 'T1562.001', fixed: true, summary: 'JSON that is not a valid JSON-RPC 2.0 message' },
  'mcp/invalid-utf8': { severity: 'high', category: 'engine', mitre: 'T1562.001', fixed: true, summary: 'a line that is not UTF-8' },
  'mcp/line-too-long': { severity: 'high', category: 'limits', mitre: 'T1562.001', fixed: true, summary: 'a line over mcp.maxLineBytes' },
  'mcp/message-too-large': { severity: 'high', category: 'limits', mitre: 'T1562.001', fixed: true, summary: 'an HTTP body or event-stream event over mcp.http.maxBodyBytes / maxSseEventBytes' },
  'mcp/json-too-deep': { severity: 'high', category: 'limits', mitre: 'T1562.001', fixed: true, summary: 'a message nested deeper than the limit' },
  'mcp/not-a-notification': { severity: 'high', category: 'policy', mitre: 'T1562.001', fixed: true, summary: 'a message without an id whose method is not an MCP notification (notifications/*), such as a tools/call' },
  'mcp/unsolicited-response': { severity: 'high', category: 'policy', mitre: 'T1562.001', fixed: true, summary: 'a response to no outstanding request' },
  'mcp/too-many-pending': { severity: 'high', category: 'limits', mitre: 'T1499', fixed: true, summary: 'more outstanding requests than mcp.maxPendingRequests' },
  'mcp/duplicate-request-id': { severity: 'medium', category: 'policy', mitre: 'T1562.001', fixed: true, summary: 'a request id already outstanding' },
  'mcp/invalid-result': { severity: 'high', category: 'engine', mitre: 'T1562.001', fixed: true, summary: 'a result that does not have the shape its method requires' },
  'mcp/invalid-tool': { severity: 'high', category: 'tool-poisoning', mitre: 'T1562.001', fixed: true, summary: 'a tool without a usable name or with a definition that cannot be fingerprinted' },
  'mcp/tool-changed': { severity: 'high', category: 'tool-poisoning', mitre: 'T1195', fixed: false, summary: 'a tool whose definition differs from its pin (rug pull)' },
  'mcp/tool-renamed': { severity: 'medium', category: 'tool-poisoning', mitre: 'T1195', fixed: false, summary: 'a pinned tool definition reappearing under a new name' },
  'mcp/tool-removed': { severity: 'low', category: 'tool-poisoning', mitre: 'T1195', fixed: false, summary: 'a pinned tool missing from a complete list' },
  'mcp/pins-full': { severity: 'high', category: 'limits', mitre: 'T1562.001', fixed: false, summary: 'a new tool past mcp.maxPinnedTools' },
  'mcp/pins-unavailable': { severity: 'high', category: 'engine', mitre: 'T1562.001', fixed: false, summary: 'the pin file cannot be read or written' },
  'mcp/unlisted-tool': { severity: 'high', category: 'policy', mitre: 'T1204', fixed: false, summary: 'a tools/call for a tool the client was not shown this session' },
  'mcp/tool-withheld': { severity: 'high', category: 'policy', mitre: 'T1204', fixed: false, summary: 'a tools/call for a tool Tollgate removed from the list' },
  'mcp/sessions-full': { severity: 'medium', category: 'limits', mitre: 'T1499', fixed: true, summary: 'a new Streamable HTTP session while all mcp.http.maxSessions sessions are in use' },
};

/** A transport finding: a decision-event finding plus the action it asks for and a sentence. */
export interface McpFinding extends DecisionFinding {
  readonly rule: McpRule;
  readonly action: Action;
  readonly message: string;
}

export function mcpFinding(
  rule: McpRule,
  location: string,
  message: string,
  opts: { readonly action?: Action; readonly evidence?: string; readonly ruleActions?: Readonly<Record<string, Action>> } = {},
): McpFinding {
  const info = MCP_RULES[rule];
  const override = info.fixed ? undefined : opts.ruleActions?.[rule];
  return {
    scanner: 'mcp',
    rule,
    severity: info.severity,
    category: info.category,
    mitre: info.mitre,
    location,
    ...(opts.evidence !== undefined ? { evidence: opts.evidence } : {}),
    action: override ?? opts.action ?? 'block',
    message,
  };
}
