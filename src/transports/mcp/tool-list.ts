import type { Action, ToolDefinition, Verdict } from '../../core/index.ts';
import { CanonicalError, fingerprintTool, type ObserveReport, type ToolFingerprint } from '../../state/pins/index.ts';
import { decide, type McpDecision } from './decide.ts';
import { safeName } from './labels.ts';
import { scanToolList } from './tool-scan-memo.ts';
import { mcpFinding, type McpFinding } from './rules.ts';
import type { SessionContext } from './context.ts';

/** Longest tool name accepted; MCP (2025-11-25) asks for 1 to 128 characters. */
const MAX_TOOL_NAME = 256;

export interface ToolListOutcome {
  /** The result to forward (poisoned or changed tools removed), or undefined to block the whole response. */
  readonly result?: Record<string, unknown>;
  readonly decision: McpDecision;
  /** Names the client is shown. */
  readonly shown: readonly string[];
  /** Names removed, with the rules that removed them. */
  readonly withheld: ReadonlyMap<string, readonly string[]>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stops(v: Verdict): boolean {
  const a: Action = v.wouldHave ?? v.action;
  return a === 'block' || a === 'ask' || a === 'redact';
}

function short(fp: string): string {
  return `${fp.slice(0, 19)}…`;
}

/**
 * Judges one tools/list result: tool shapes, the engine's verdict on every definition
 * (poisoning), and the pins (rug pull). Poisoned tools are removed, or the whole response
 * blocked, per mcp.poisonedTools; changed tools are removed until approved.
 */
export function judgeToolList(ctx: SessionContext, result: unknown, laterPage: boolean): ToolListOutcome {
  const mcp = ctx.config.mcp;
  const ruleActions = ctx.config.rules;
  const own: McpFinding[] = [];
  if (!isObject(result) || !Array.isArray(result.tools)) {
    own.push(mcpFinding('mcp/invalid-result', 'mcp.tools/list.result', 'The tools/list result has no tools array; it was blocked.'));
    return { decision: decide(ctx.config.mode, undefined, own), shown: [], withheld: new Map() };
  }
  const tools = result.tools as unknown[];
  const removed = new Map<number, string[]>();
  const remove = (i: number, rule: string): void => {
    const list = removed.get(i) ?? [];
    if (!list.includes(rule)) list.push(rule);
    removed.set(i, list);
  };
  const nameOf = (i: number): string => {
    const t = tools[i];
    return isObject(t) && typeof t.name === 'string' ? t.name : `#${i}`;
  };

  // Shape: a usable, unique name.
  const count = new Map<string, number>();
  for (const t of tools) if (isObject(t) && typeof t.name === 'string') count.set(t.name, (count.get(t.name) ?? 0) + 1);
  const valid: { i: number; tool: ToolDefinition }[] = [];
  tools.forEach((t, i) => {
    if (!isObject(t) || typeof t.name !== 'string' || t.name.length === 0 || t.name.length > MAX_TOOL_NAME) {
      own.push(mcpFinding('mcp/invalid-tool', `mcp.tools/list[${i}]`, `Tool #${i} has no usable name (a string of 1 to ${MAX_TOOL_NAME} characters); it was removed from the list.`));
      remove(i, 'mcp/invalid-tool');
    } else if ((count.get(t.name) ?? 0) > 1) {
      own.push(mcpFinding('mcp/invalid-tool', `mcp.tools/list.${safeName(t.name)}`, `Tool "${safeName(t.name)}" is listed more than once; every copy was removed from the list.`));
      remove(i, 'mcp/invalid-tool');
    } else {
      valid.push({ i, tool: t as ToolDefinition });
    }
  });

  // Poisoning: the whole list first (cross-tool rules see every tool); only when it does not
  // pass, each tool alone, to find which ones to remove. Tools scanned before under this engine
  // are judged from their remembered verdicts (tool-scan-memo.ts).
  const scanned = scanToolList(ctx.engine, valid.map((v) => v.tool), ctx.serverLabel, ctx.scanContext());
  const verdict = scanned.verdict;
  let unattributed = false;
  let poisoned = 0;
  if (stops(verdict)) {
    valid.forEach((v, k) => {
      const alone = scanned.alone(k);
      if (!stops(alone)) return;
      poisoned++;
      for (const f of alone.findings) remove(v.i, f.rule);
    });
    unattributed = poisoned === 0;
  }

  // Rug pull: fingerprints of the tools that passed, against their pins.
  let pinsBroken = false;
  if (mcp.rugPull !== 'off' && ctx.pins) {
    const pinAction: Action = mcp.rugPull === 'block' ? 'block' : 'warn';
    const fps: ToolFingerprint[] = [];
    for (const v of valid) {
      if (removed.has(v.i)) continue;
      try {
        fps.push(fingerprintTool(v.tool, mcp.maxPinTextBytes));
      } catch (err) {
        if (!(err instanceof CanonicalError)) throw err;
        own.push(mcpFinding('mcp/invalid-tool', `mcp.tools/list.${safeName(v.tool.name)}`, `Tool "${safeName(v.tool.name)}" cannot be fingerprinted (${err.message}); it was removed from the list.`));
        remove(v.i, 'mcp/invalid-tool');
      }
    }
    const complete = !laterPage && (result.nextCursor === undefined || result.nextCursor === null);
    let report: ObserveReport | undefined;
    try {
      report = ctx.pins.observe(ctx.serverIdentity, fps, { complete });
    } catch (err) {
      pinsBroken = true;
      own.push(
        mcpFinding('mcp/pins-unavailable', 'mcp.pins', `The tool pins for this server cannot be used (${(err as Error).message.slice(0, 300)}); fix or remove the file (tollgate mcp pins reset --server ${ctx.pinId}).`, {
          action: pinAction,
          ruleActions,
        }),
      );
    }
    if (report) {
      const index = new Map(valid.map((v) => [v.tool.name, v.i]));
      for (const c of report.changed) {
        const pinned = c.pendingOf ?? c.name;
        const what =
          c.pendingOf === undefined
            ? `Tool "${safeName(c.name)}" changed since it was pinned`
            : `Tool "${safeName(c.name)}" is new but carries the changed definition of "${safeName(c.pendingOf)}", which waits for approval`;
        const f = mcpFinding(
          'mcp/tool-changed',
          `mcp.tools/list.${safeName(c.name)}`,
          `${what}; review it with \`tollgate mcp pins diff --server ${ctx.pinId} ${safeName(pinned)}\` and accept it with \`tollgate mcp pins approve --server ${ctx.pinId} ${safeName(pinned)}\`.`,
          { action: pinAction, ruleActions, evidence: `pinned ${short(c.pinned)} now ${short(c.current)}` },
        );
        own.push(f);
        const i = index.get(c.name);
        if (i !== undefined && f.action === 'block') remove(i, f.rule);
      }
      for (const [name, status] of report.status) {
        if (status !== 'over-limit') continue;
        const f = mcpFinding('mcp/pins-full', `mcp.tools/list.${safeName(name)}`, `Tool "${safeName(name)}" cannot be pinned: the server already has ${mcp.maxPinnedTools} pinned tools (mcp.maxPinnedTools).`, {
          action: pinAction,
          ruleActions,
        });
        own.push(f);
        const i = index.get(name);
        if (i !== undefined && f.action === 'block') remove(i, f.rule);
      }
      for (const r of report.renamed) {
        const f = mcpFinding('mcp/tool-renamed', `mcp.tools/list.${safeName(r.to)}`, `Tool "${safeName(r.to)}" has the pinned definition of "${safeName(r.from)}", which is gone: a rename.`, {
          action: 'warn',
          ruleActions,
        });
        own.push(f);
        const i = index.get(r.to);
        if (i !== undefined && f.action === 'block') remove(i, f.rule);
      }
      for (const name of report.removed) {
        own.push(mcpFinding('mcp/tool-removed', `mcp.tools/list.${safeName(name)}`, `Pinned tool "${safeName(name)}" is no longer offered by the server.`, { action: 'warn', ruleActions }));
      }
    }
  }

  const base = decide(ctx.config.mode, verdict, own);
  const pinsBlock = pinsBroken && own.some((f) => f.rule === 'mcp/pins-unavailable' && f.action === 'block');
  // Whatever stops the response but cannot be pinned on single tools stops all of it.
  const wholeBlock = unattributed || pinsBlock || (poisoned > 0 && mcp.poisonedTools === 'block') || removed.size === 0;
  const allNames = tools.map((_, i) => nameOf(i));
  if (base.stop && wholeBlock) return { decision: base, shown: [], withheld: new Map() };
  if (!base.stop) {
    // Allowed, warned, or audit mode: every tool passes.
    const partial = removed.size > 0 && base.wouldHave !== undefined;
    return { result, decision: partial ? { ...base, wouldHave: 'redact' } : base, shown: allNames, withheld: new Map() };
  }
  const kept = tools.filter((_, i) => !removed.has(i));
  const withheld = new Map<string, readonly string[]>();
  for (const [i, rules] of removed) withheld.set(nameOf(i), rules);
  return {
    result: { ...result, tools: kept },
    decision: { ...base, action: 'redact', stop: false, reason: `Removed ${removed.size} of ${tools.length} tools (${withheldSummary(withheld)}): ${base.reason}` },
    shown: tools.flatMap((_, i) => (removed.has(i) ? [] : [nameOf(i)])),
    withheld,
  };
}

/** Most withheld tools named in a decision's reason; the event's findings name every one. */
const REASON_TOOLS = 8;

/** "a: rule, b: rule, c: rule and 3 more" for a reason line, each tool with its first rule. */
function withheldSummary(withheld: ReadonlyMap<string, readonly string[]>): string {
  const parts = [...withheld].slice(0, REASON_TOOLS).map(([name, rules]) => `${safeName(name)}: ${rules[0] ?? 'withheld'}${rules.length > 1 ? ` +${rules.length - 1}` : ''}`);
  const more = withheld.size - parts.length;
  return parts.join(', ') + (more > 0 ? ` and ${more} more` : '');
}
