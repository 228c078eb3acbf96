// The redact action on MCP content a server returns (a tools/call result: text, structuredContent,
// embedded resources; resources/read contents; prompts/get messages), or a client's answer to a
// server's request (a sampling/createMessage or elicitation/create result): each matched secret is
// replaced by `[REDACTED:<rule>]` in every string leaf, and each leaf that still offends (prompt
// injection, a finding with no value to replace) by `[removed by Tollgate: <rule>]`, so the result
// keeps its JSON shape. The same steps as the HTTP proxy's response redaction (redact-json.ts).
// What is returned has been scanned whole and found not to offend; otherwise the caller blocks.
import type { Finding, ScanInput, Verdict } from '../../core/index.ts';
import type { Engine } from '../../engine/index.ts';
import { jsonStringLeaves, offends, removeOffendingLeaves, replaceSecrets, ruleOf, secretReplacements } from '../redact-json.ts';

export interface McpRedactRequest {
  readonly engine: Pick<Engine, 'scan' | 'judge'>;
  /** Milliseconds since the epoch. */
  readonly now: number;
  /** The content as scanned (a result, or an error object): parsed JSON, depth-bounded already. */
  readonly content: unknown;
  readonly name?: string;
  readonly server?: string;
  /** The verdict, action redact. */
  readonly verdict: Verdict;
  /** Matched values of the verdict's findings (ScanCallContext.secretValues). */
  readonly values: ReadonlyMap<Finding, readonly string[]>;
  /**
   * How the content is scanned again (whole, and piece by piece), as it was scanned first: a
   * server's content as a tool-result (the default), a client's answer as an mcp-client-message.
   */
  readonly input?: (content: unknown) => ScanInput;
}

export type McpRedacted = { readonly ok: true; readonly content: unknown; readonly rules: readonly string[] } | { readonly ok: false; readonly why: string };

/** Piece scans allowed per message when passages are removed. */
const SCAN_BUDGET = 256;
/** Passages are removed from content up to this many characters of JSON; larger content is blocked. */
const MAX_PASSAGE_CHARS = 2 * 1024 * 1024;

export function redactContent(r: McpRedactRequest): McpRedacted {
  // A copy: the message as received stays untouched (it may still be recorded or refused).
  const box: { value: unknown } = { value: JSON.parse(JSON.stringify(r.content ?? null)) as unknown };
  const rules = new Set<string>();

  // 1. Secrets, leaf by leaf (replacing in the serialised text could cut through a JSON escape).
  const replacements = secretReplacements(r.verdict, r.values, (f) => r.engine.judge(f));
  if (replacements.length > 0) {
    for (const leaf of jsonStringLeaves(box)) {
      const next = replaceSecrets(leaf.text, replacements, rules);
      if (next !== leaf.text) (leaf.holder as Record<string | number, unknown>)[leaf.key] = next;
    }
  }
  // No session: these checks must not add fragments to the session's window a second time.
  const asInput = r.input ?? ((content: unknown): ScanInput => ({ kind: 'tool-result', content, ...(r.name !== undefined ? { name: r.name } : {}), ...(r.server !== undefined ? { server: r.server } : {}) }));
  const scanWhole = (): Verdict => r.engine.scan(asInput(box.value), { now: r.now });
  let v = scanWhole();

  // 2. Passages: the leaves that still offend.
  if (offends(v)) {
    if (JSON.stringify(box.value).length > MAX_PASSAGE_CHARS) return { ok: false, why: `passages are removed from content up to ${MAX_PASSAGE_CHARS} characters only` };
    const scanPiece = (piece: string): string | null => {
      const pv = r.engine.scan(r.input ? r.input(piece) : { kind: 'tool-result', content: piece }, { now: r.now });
      return offends(pv) ? ruleOf(pv) : null;
    };
    const cut = removeOffendingLeaves(jsonStringLeaves(box), scanPiece, ruleOf(v), SCAN_BUDGET);
    if (!cut) return { ok: false, why: 'the offending passages could not be isolated within the scan budget' };
    for (const rule of cut.rules) rules.add(rule);
    v = scanWhole();
  }
  // 3. Only content scanned whole and found clean is returned.
  if (offends(v)) return { ok: false, why: `the rewritten content still offends (${ruleOf(v)})` };
  return { ok: true, content: box.value, rules: [...rules] };
}
