// A relay's per-message code (HTTP parsing both ways, the session, the scanners, the evidence) is
// a lot of JavaScript run once or twice per message, so it reaches V8's optimizing compiler late:
// a function is optimized once it has used up an "interrupt budget" of bytecode executed (67584
// by default, Node 20). Measured on `tollgate mcp --listen` (1 KB tools/call results, CPU of the
// Tollgate process per call over 2000 calls after 300, interleaved A/B on 2 shared cores):
// 2.5-3.3 ms with the default budget, 1.9-2.5 ms with 4096 (evidence off: 1.7-1.9 vs 1.1-1.4);
// after 4000 calls still 1.5 vs 1.2 ms (evidence off), with no change in RSS. The agent sessions
// Tollgate guards are mostly that short, so the relay asks V8 to tier up sooner. V8 reads the
// flag each time it resets a function's budget, so setting it at run time takes effect (as in
// compiler-hold.ts). Both `tollgate mcp` relays (stdio and --listen) and `tollgate run` call it once
// started (`run`, 10 KB GETs on one connection, requests 200-1200: 2.4-2.8 -> 1.66-1.75 ms CPU per
// request, median 1.7-2.0 -> 1.24-1.29 ms, idle RSS unchanged at ~71 MB; set on the command line
// instead, so start-up code tiers up too, idle RSS was 3-4 MB higher). An interrupt budget the
// operator set on the command line or in NODE_OPTIONS is left as they set it.
import { setFlagsFromString } from 'node:v8';

/** The interrupt budget the relay runs with (bytecode bytes executed before a function is optimized). */
export const RELAY_INTERRUPT_BUDGET = 4096;

/** Whether the process was started with an interrupt budget of the operator's own (command line or NODE_OPTIONS). */
export function operatorSetBudget(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((a) => /^--interrupt[-_]budget(?:=|$)/.test(a));
}

/**
 * Lowers V8's interrupt budget for a long-running relay, unless the operator chose one. Returns
 * whether it did. `set` is for tests.
 */
export function quickenTierUp(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
  set: (flags: string) => void = setFlagsFromString,
): boolean {
  if (operatorSetBudget(execArgv, nodeOptions)) return false;
  set(`--interrupt-budget=${RELAY_INTERRUPT_BUDGET}`);
  return true;
}
