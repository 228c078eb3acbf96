// Scans run somewhere other than the calling thread (a worker pool, scan-pool/): the contract the
// transports see, and the fail-closed verdicts for a scan that did not finish. No threads here.
import type { Finding, ScanInput, Verdict } from '../core/index.ts';
import type { Engine, ScanCallContext } from './engine.ts';

export type OffThreadOutcome =
  /** The worker's verdict (and, when the context asked, its matched values in ctx.secretValues). */
  | { readonly ok: true; readonly verdict: Verdict }
  /** The scan ran past its deadline and was stopped (the worker was terminated). */
  | { readonly ok: false; readonly why: 'deadline'; readonly ms: number }
  /** No worker took it within the pool's bound on waiting (a job with a deadline): fail closed. */
  | { readonly ok: false; readonly why: 'waited'; readonly ms: number }
  /** The pool did not scan it (queue full, no worker for this engine, the scan needed session state): scan inline. */
  | { readonly ok: false; readonly why: 'unavailable' }
  /** The worker failed on it (crashed, out of memory). */
  | { readonly ok: false; readonly why: 'failed'; readonly message: string };

export interface OffThreadScans {
  /**
   * Whether the pool would take this input: at or over its size threshold, and of a kind whose
   * verdict reads no session state (no session, a tool result, which only records one, or an HTTP
   * response, which neither reads nor writes one).
   */
  takes(engine: Engine, input: ScanInput, ctx: ScanCallContext): boolean;
  scan(engine: Engine, input: ScanInput, ctx: ScanCallContext, opts?: { readonly deadlineMs?: number }): Promise<OffThreadOutcome>;
}

function engineFinding(rule: string, message: string): Finding {
  return { scanner: 'engine', rule, severity: 'high', category: 'engine', mitre: rule === 'engine/deadline-exceeded' ? 'T1499' : 'T1562.001', location: 'input', evidence: '', message };
}

/** A verdict that blocks for `finding` (audit mode: allowed, recording that enforce would block). */
export function failClosed(mode: Engine['config']['mode'], findings: readonly Finding[], finding: Finding): Verdict {
  const detail = `${finding.rule} at ${finding.location}: ${finding.message.replace(/\.$/, '')}.`;
  return mode === 'audit'
    ? { action: 'warn', wouldHave: 'block', findings: [...findings, finding], reason: `Audit mode, allowed; enforce mode would have blocked: ${detail}` }
    : { action: 'block', findings: [...findings, finding], reason: `Blocked: ${detail}` };
}

/** The verdict on a scan that ran `ms` past a deadline of `deadlineMs` (its findings so far, if any). */
export function lateVerdict(mode: Engine['config']['mode'], findings: readonly Finding[], ms: number, deadlineMs: number, stopped: boolean): Verdict {
  const what = stopped ? `The scan was stopped after ${ms} ms, at the ${deadlineMs} ms deadline` : `The scan took ${ms} ms, over the ${deadlineMs} ms deadline`;
  return failClosed(mode, findings, engineFinding('engine/deadline-exceeded', `${what}.`));
}

/**
 * Scans `input` in the pool when it takes it, inline otherwise (or when the pool could not):
 * a stopped scan is a late verdict, a failed one blocks (engine/scanner-error).
 */
export async function scanOffThread(
  engine: Engine,
  pool: OffThreadScans | undefined,
  input: ScanInput,
  ctx: ScanCallContext,
  deadlineMs?: number,
  /** How an input the pool does not scan is scanned here (default: engine.scan at once; the HTTP proxy runs it in a turn, cpu-turns.ts). */
  inline: () => Verdict | Promise<Verdict> = () => engine.scan(input, ctx),
): Promise<{ verdict: Verdict; offThread: boolean }> {
  if (!pool || !pool.takes(engine, input, ctx)) return { verdict: await inline(), offThread: false };
  const out = await pool.scan(engine, input, ctx, deadlineMs !== undefined ? { deadlineMs } : {});
  if (out.ok) return { verdict: out.verdict, offThread: true };
  if (out.why === 'unavailable') return { verdict: await inline(), offThread: false };
  if (out.why === 'deadline') return { verdict: lateVerdict(engine.config.mode, [], out.ms, deadlineMs ?? out.ms, true), offThread: true };
  if (out.why === 'waited') return { verdict: failClosed(engine.config.mode, [], engineFinding('engine/deadline-exceeded', `No scan worker took the scan within ${out.ms} ms (queued behind others, or a worker starting); failing closed.`)), offThread: true };
  return { verdict: failClosed(engine.config.mode, [], engineFinding('engine/scanner-error', `The scan worker failed (${out.message.slice(0, 200)}); failing closed.`)), offThread: true };
}
