// Where a relayed response is scanned: in the scan pool (a worker thread) when the context has one
// and the body has at least limits.workerScanBytes of text, so the event loop keeps relaying other
// connections while a large body is scanned; inline otherwise, in a turn of the event loop
// (cpu-turns.ts). A response's verdict reads and writes no session state (its segments are all
// ingress: split secrets skip them, tool-policy ignores them, and only a tool result marks a
// session), so the worker's verdict is the inline one (scan-pool/pool.ts).
import type { ScanInput, Verdict } from '../../core/index.ts';
import { scanOffThread, type ScanCallContext } from '../../engine/index.ts';
import type { ProxyContext } from './context.ts';
import { inTurn } from './cpu-turns.ts';

type ResponseInput = Extract<ScanInput, { kind: 'response' }>;

/**
 * The verdict on `input` (matched values in `call.secretValues` when it is given). A pool scan
 * is stopped at proxy.responseTimeoutMs (block, engine/deadline-exceeded) and a worker that fails
 * is a block (engine/scanner-error); audit mode answers warn for both (engine/off-thread.ts).
 */
export async function scanResponse(ctx: ProxyContext, input: ResponseInput, call: ScanCallContext): Promise<Verdict> {
  const engine = ctx.engine;
  const pool = ctx.offThread;
  const inline = (): Promise<Verdict> => inTurn(() => engine.scan(input, call));
  if (pool === undefined) return inline();
  const out = await scanOffThread(engine, pool, input, call, ctx.config.proxy.responseTimeoutMs, inline);
  return out.verdict;
}
