// Responses larger than the scan limit (limits.maxInputBytes) are blocked, unless the operator
// listed their media type in proxy.passOversizedResponses (no shipped preset does): then the
// head is still scanned, the body is relayed as received (still content-coded, never held whole:
// what was read up to the limit, then the rest as it arrives, with backpressure), the client gets
// `X-Tollgate-Unscanned: 1`, and the decision event says it passed unscanned (rule
// engine/passed-unscanned). In enforce mode requests are never passed unscanned: that would be an
// open channel out.
//
// Audit mode relays what enforce would stop, limit findings included (it is for rollout): there
// an oversized request or response passes unscanned the same way, its head still scanned, and its
// event is `warn` with `wouldHave: block`, the finding engine/input-too-large and a reason that
// says the body was passed unscanned.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Finding, Verdict } from '../../core/index.ts';
import { stops, transportFinding } from '../decision.ts';
import { killVerdict } from './control.ts';
import { deny } from './deny.ts';
import { decide, killedResponse, type Exchange } from './exchange.ts';
import { endToEnd, first } from './headers.ts';
import type { KillWatch } from './kill-watch.ts';
import { mediaTypeMatches, mediaTypeOf, scanResponseHead } from './response-head.ts';

export const UNSCANNED_HEADER = 'x-tollgate-unscanned';

/** Whether an oversized response of this upstream answer may pass unscanned (audit mode, or the operator listed its media type). */
export function mayPassOversized(x: Exchange, upstream: IncomingMessage): boolean {
  if (x.ctx.config.mode === 'audit') return true;
  const patterns = x.ctx.config.proxy.passOversizedResponses;
  // No shipped preset lists any: then nothing passes, whatever the media type.
  return patterns.length > 0 && mediaTypeMatches(patterns, mediaTypeOf(first(upstream.headers['content-type'])));
}

/**
 * Relays an oversized response unscanned (after scanning its head); resolves when it is done. The
 * kill switch cuts it as it turns on (`watch`): the client sees a truncated transfer, the event
 * records the stop.
 */
export async function passUnscanned(x: Exchange, res: ServerResponse, upstream: IncomingMessage, url: URL, kept: readonly Buffer[], watch?: KillWatch): Promise<void> {
  const head = await scanResponseHead(x, upstream, url);
  const limit = x.ctx.config.limits.maxInputBytes;
  let bytes = 0;
  for (const c of kept) bytes += c.length;
  // The switch may have turned on while the Location was looked up: nothing is relayed then.
  if (watch?.stopped === true) {
    killedResponse(x, res, bytes, upstream);
    return;
  }
  if (stops(head)) {
    upstream.destroy();
    const enforced: Verdict = head.action === 'block' ? head : { ...head, action: 'block', reason: `Blocked: an unscanned body cannot be held or rewritten; ${head.reason}` };
    decide(x, 'response', enforced, bytes);
    deny(res, 403, enforced, x.requestId, undefined, 'response');
    return;
  }
  const type = mediaTypeOf(first(upstream.headers['content-type'])) || 'no media type';
  // The operator's list decides first: a listed type passes as it would in enforce mode.
  const listed = x.ctx.config.proxy.passOversizedResponses.length > 0 && mediaTypeMatches(x.ctx.config.proxy.passOversizedResponses, type);
  const finding = listed
    ? transportFinding(
        'engine/passed-unscanned',
        'response.body',
        `The response body is larger than the scan limit (${limit} bytes, limits.maxInputBytes) and its media type (${type.slice(0, 80)}) is listed in proxy.passOversizedResponses, so it was passed on unscanned.`,
        { severity: 'medium', category: 'limits' },
      )
    : auditTooLarge('response', limit);
  return new Promise<void>((resolve) => {
    let done = false;
    const finish = (complete: boolean, killed = false): void => {
      if (done) return;
      done = true;
      watch?.set(undefined);
      const relayed = `${bytes} bytes relayed${complete ? '' : killed ? ' before the kill switch cut the transfer' : ' before the transfer broke off'}`;
      const v: Verdict = killed
        ? { ...killVerdict(), reason: `${killVerdict().reason} The response was being passed on unscanned; ${relayed}.` }
        : listed
        ? {
            action: 'warn',
            findings: [finding, ...head.findings],
            reason: `Passed unscanned: the response body was larger than the scan limit (${limit} bytes) and proxy.passOversizedResponses lists ${type.slice(0, 80)}; ${relayed}.`,
          }
        : auditUnscanned(x, 'response', [finding, ...head.findings], limit, relayed);
      decide(x, 'response', v, bytes);
      resolve();
    };
    // The client must see a truncated transfer, not a clean end; nothing more leaves the upstream.
    watch?.set(() => {
      finish(false, true);
      upstream.destroy();
      res.destroy();
    });
    res.writeHead(upstream.statusCode ?? 502, upstream.statusMessage, { ...endToEnd(upstream.headers), [UNSCANNED_HEADER]: '1' });
    for (const c of kept) res.write(c);
    upstream.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    upstream.once('end', () => finish(true));
    const broken = (): void => {
      // The client must see a truncated transfer, not a clean end.
      res.destroy();
      finish(false);
    };
    upstream.once('aborted', broken);
    upstream.on('error', broken);
    res.once('close', () => {
      if (!res.writableFinished) {
        upstream.destroy();
        finish(false);
      }
    });
    upstream.pipe(res);
  });
}

/** The finding of a body over the scan limit that audit mode passes on unscanned. */
export function auditTooLarge(where: 'request' | 'response', limit: number): Finding {
  return transportFinding(
    'engine/input-too-large',
    `${where}.body`,
    `The ${where} body is larger than the scan limit (${limit} bytes); it could not be inspected. Enforce mode would block it; audit mode passed it on unscanned.`,
  );
}

/**
 * The audit-mode verdict for an oversized body passed on unscanned: the engine's judgement of the
 * findings (audit mode: `warn` with `wouldHave: block`, since the limit finding always blocks in
 * enforce mode), its reason saying the body went on unscanned.
 */
export function auditUnscanned(x: Exchange, where: 'request' | 'response', findings: readonly Finding[], limit: number, relayed: string): Verdict {
  const v = x.ctx.engine.judge(findings);
  const lead = 'Audit mode, allowed; ';
  const rest = v.reason.startsWith(lead) ? v.reason.slice(lead.length) : v.reason;
  return { ...v, action: 'warn', wouldHave: 'block', reason: `Audit mode, passed unscanned (the ${where} body was over the scan limit of ${limit} bytes; ${relayed}); ${rest}` };
}
