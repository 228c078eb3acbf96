// Enforcing a verdict on one step of a proxied HTTP exchange, with exactly one decision event:
// - allow, warn: passed on;
// - block: 403 with the reason and the X-Tollgate-Block markers;
// - redact on a request: blocked. A request is never rewritten: the upstream would still act on a
//   request the agent did not write (a POST missing a field still creates something), a signature
//   or digest over the body would break, and another copy of the secret (encoded, split) could
//   still leave. The event records the block and says why;
// - redact on a response: the body is rewritten (redact-response.ts) and sent identity-encoded
//   with a fixed Content-Length; a body that cannot be rewritten and re-scanned clean is blocked;
// - ask: held until an operator approves (POST /api/v1/approvals/<id>, `tollgate approve`), denies,
//   or proxy.askTimeoutMs passes (denied). Without an approval store (no API token configured, so
//   nobody but the agent could answer) ask is a block. The kill switch withdraws a hold (503).
//   The event records what was enforced: allow once approved, block otherwise; the reason says
//   it was held.
import type { ServerResponse } from 'node:http';
import { APPROVED_LEAD, type Finding, type Verdict } from '../../core/index.ts';
import type { ApprovalOutcome } from '../../state/index.ts';
import { targetFor } from '../decision.ts';
import { killVerdict } from './control.ts';
import { decide, type Exchange } from './exchange.ts';
import { deny } from './deny.ts';
import type { KillWatch } from './kill-watch.ts';
import { redactResponse } from './redact-response.ts';

export const APPROVAL_HEADER = 'x-tollgate-approval';
export const REDACTED_HEADER = 'x-tollgate-redacted';

type Step = 'request' | 'response';

/** The verdict's reason without its lead word ("Redacted: …" → "…"). */
function detail(v: Verdict): string {
  const i = v.reason.indexOf(': ');
  return i > 0 && i < 40 ? v.reason.slice(i + 2) : v.reason;
}

function blocked(v: Verdict, why: string): Verdict {
  return { ...v, action: 'block', reason: `Blocked: ${why}; ${detail(v)}` };
}

/** Holds the exchange for an operator's decision; resolves with the outcome (never rejects). */
async function holdForApproval(x: Exchange, res: ServerResponse, step: Step, v: Verdict, watch?: KillWatch): Promise<ApprovalOutcome | 'unavailable' | 'full'> {
  const store = x.ctx.approvals;
  if (!store) return 'unavailable';
  const held = store.hold(
    {
      transport: x.transport,
      type: step,
      method: x.method,
      target: targetFor(x.target, v.findings),
      session: x.session,
      ...(x.ctx.config.agent !== undefined ? { agent: x.ctx.config.agent } : {}),
      rules: [...new Set(v.findings.map((f) => f.rule))].slice(0, 16),
      reason: v.reason,
    },
    x.ctx.config.proxy.askTimeoutMs,
  );
  if (!held) return 'full';
  x.ctx.note(`held for approval (${held.id}): ${x.method} ${targetFor(x.target, v.findings)} [${[...new Set(v.findings.map((f) => f.rule))].slice(0, 4).join(', ')}]; answer with \`tollgate approve ${held.id}\` or --deny`);
  // A client that gives up while held withdraws its request.
  const onClose = (): void => held.cancel();
  res.once('close', onClose);
  // The kill switch withdraws it too: nothing held is let through once the switch is on.
  watch?.set(onClose);
  const outcome = await held.outcome;
  watch?.set(undefined);
  res.off('close', onClose);
  return outcome;
}

const DENIED_WHY: Readonly<Record<Exclude<ApprovalOutcome, 'approved'> | 'unavailable' | 'full', string>> = {
  denied: 'an operator denied it',
  expired: 'nobody approved it in time',
  cancelled: 'its hold was withdrawn (the client went away, or Tollgate is stopping)',
  unavailable: 'it needs approval and no approval channel is configured (set api.tokenEnv)',
  full: 'it needs approval and too many exchanges are already waiting for one',
};

/**
 * Settles an ask: the verdict as enforced when approved (action allow, the reason saying it was
 * held and approved; the caller records it), null after denying with one event (action block). Once the kill switch is on (`watch`), whatever the outcome, it is a 503 recorded
 * as the kill switch's block.
 */
async function settleAsk(x: Exchange, res: ServerResponse, step: Step, v: Verdict, bytes: number, watch?: KillWatch): Promise<Verdict | null> {
  const outcome = await holdForApproval(x, res, step, v, watch);
  if (watch?.stopped === true) {
    const killed = killVerdict();
    decide(x, step, killed, bytes);
    deny(res, 503, killed, x.requestId, { 'retry-after': '60' }, step);
    return null;
  }
  if (outcome === 'approved') return { ...v, action: 'allow', reason: `${APPROVED_LEAD}: ${detail(v)}` };
  const enforced = blocked(v, `the ${step} was held for approval and ${DENIED_WHY[outcome]}`);
  decide(x, step, enforced, bytes);
  deny(res, 403, enforced, x.requestId, { [APPROVAL_HEADER]: outcome }, step);
  return null;
}

/**
 * Enforces the request verdict. A request that stops is answered here with its one request event;
 * one that may be forwarded returns the verdict to record, and the caller emits the request event
 * once the destination's address check is known (exchange.ts), so a request refused there has one
 * event too.
 */
export async function enforceRequest(x: Exchange, res: ServerResponse, v: Verdict, bytes: number, watch?: KillWatch): Promise<Verdict | null> {
  switch (v.action) {
    case 'allow':
    case 'warn':
      return v;
    case 'block':
      decide(x, 'request', v, bytes);
      deny(res, 403, v, x.requestId);
      return null;
    case 'redact': {
      const enforced = blocked(v, 'the policy redacts this, and Tollgate never rewrites a request, so it is not sent');
      decide(x, 'request', enforced, bytes);
      deny(res, 403, enforced, x.requestId);
      return null;
    }
    case 'ask':
      return settleAsk(x, res, 'request', v, bytes, watch);
  }
}

export interface UpstreamAnswer {
  readonly url: URL;
  readonly status: number;
  readonly statusMessage?: string;
  /** End-to-end response headers as received. */
  readonly headers: Record<string, string | string[]>;
  readonly contentType?: string;
  /** The body as received (still content-coded). */
  readonly raw: Buffer;
  /** The decoded body that was scanned; absent when decoding failed (the verdict then blocks). */
  readonly decoded?: Buffer;
  /** Matched values of the verdict's findings, for redaction. */
  readonly values: ReadonlyMap<Finding, readonly string[]>;
}

/**
 * Answers the client with the upstream's answer as received: its headers in their order, with the
 * length of the body as it is sent. An answer that has no body by its method or status (RFC 9110
 * §6.4.1) keeps the upstream's Content-Length, which describes the body a GET would get (HEAD,
 * 304), and a 1xx or 204 carries none (§8.6: a server must not send one).
 */
export function relayAnswer(res: ServerResponse, a: UpstreamAnswer, method: string): void {
  const headers: Record<string, string | string[]> = {};
  for (const k of Object.keys(a.headers)) if (k !== 'content-length') headers[k] = a.headers[k] as string | string[];
  const bodyless = method === 'HEAD' || a.status === 304 || a.status === 204 || (a.status >= 100 && a.status < 200);
  if (!bodyless) headers['content-length'] = String(a.raw.length);
  else if (a.status !== 204 && a.status >= 200 && a.headers['content-length'] !== undefined) headers['content-length'] = a.headers['content-length'];
  res.writeHead(a.status, a.statusMessage, headers);
  res.end(a.raw);
}

/** Enforces the response verdict and answers the client. Emits the one response event. */
export async function enforceResponse(x: Exchange, res: ServerResponse, v: Verdict, a: UpstreamAnswer, watch?: KillWatch): Promise<void> {
  const bytes = a.raw.length;
  switch (v.action) {
    case 'allow':
    case 'warn':
      decide(x, 'response', v, bytes);
      relayAnswer(res, a, x.method);
      return;
    case 'block':
      decide(x, 'response', v, bytes);
      deny(res, 403, v, x.requestId, undefined, 'response');
      return;
    case 'ask':
    {
      const approved = await settleAsk(x, res, 'response', v, bytes, watch);
      if (approved === null) return;
      decide(x, 'response', approved, bytes);
      relayAnswer(res, a, x.method);
      return;
    }
    case 'redact': {
      const r = a.decoded
        ? redactResponse({
            engine: x.ctx.engine,
            now: x.ctx.now(),
            url: a.url.href,
            status: a.status,
            headers: withoutCoding(a.headers),
            ...(a.contentType !== undefined ? { contentType: a.contentType } : {}),
            body: a.decoded,
            verdict: v,
            values: a.values,
          })
        : ({ ok: false, why: 'the body could not be decoded' } as const);
      if (!r.ok) {
        const enforced = blocked(v, `the policy redacts this response, but it could not be redacted safely (${r.why})`);
        decide(x, 'response', enforced, bytes);
        deny(res, 403, enforced, x.requestId, undefined, 'response');
        return;
      }
      decide(x, 'response', v, bytes);
      // Sent identity-encoded: the rewritten body is not re-compressed, and its length is exact.
      res.writeHead(a.status, a.statusMessage, {
        ...r.headers,
        'content-length': String(r.body.length),
        [REDACTED_HEADER]: r.rules.slice(0, 16).join(',') || 'none',
      });
      res.end(r.body);
      return;
    }
  }
}

function withoutCoding(h: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (k !== 'content-encoding' && k !== 'content-length') out[k] = v;
  return out;
}
