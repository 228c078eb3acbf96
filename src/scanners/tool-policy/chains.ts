// Session chains: a call tagged `first` (a credential read) followed within N calls by one
// tagged `then` (a network send). The scanner keeps no state: the session's recent call tags
// come from ctx.state (bounded there), and each call's own tags come from its matches.
import type { Finding } from '../../core/index.ts';
import type { ScanContext } from '../types.ts';
import { globMatch } from './shell/glob.ts';
import type { ChainOptions } from './types.ts';

/** Most tags recorded per call; a call rarely has more than two. */
const MAX_TAGS = 8;

export function networkTool(options: ChainOptions, tool: string): boolean {
  const name = tool.toLowerCase();
  return options.networkTools.some((g) => globMatch(g.toLowerCase(), name));
}

/**
 * Records this call's tags in the session window and returns the chain findings it completes.
 * No session or no state: nothing is recorded and no chain can be seen.
 */
export function chainFindings(options: ChainOptions, tags: ReadonlySet<string>, ctx: ScanContext, location: string): Finding[] {
  if (!options.enabled || ctx.session === undefined || !ctx.state) return [];
  const own = [...tags].sort().slice(0, MAX_TAGS);
  const previous = ctx.state.recordToolEvent(ctx.session, own, ctx.now, options.window);
  const out: Finding[] = [];
  for (const p of options.patterns) {
    if (!tags.has(p.then)) continue;
    const within = Math.max(1, Math.min(p.within, options.window));
    const recent = previous.slice(Math.max(0, previous.length - within));
    let last = -1;
    for (let i = recent.length - 1; i >= 0 && last < 0; i--) if ((recent[i] as readonly string[]).includes(p.first)) last = i;
    if (last < 0) continue;
    const back = recent.length - last;
    out.push({
      scanner: 'tool-policy',
      rule: `tool-policy/${p.id}`,
      severity: p.severity,
      category: 'policy',
      mitre: p.mitre,
      location,
      evidence: `${p.first} → ${p.then} (${back} call${back === 1 ? '' : 's'} apart)`,
      message: `Tool-call chain: ${p.description}. This call is tagged ${p.then} and one of the session's previous ${within} calls was tagged ${p.first}.`,
    });
  }
  return out;
}
