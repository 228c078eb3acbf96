// The answer an agent gets when Tollgate stops something: a plain reason it can act on, and
// markers a client can check for. Never the secret, never internal errors.
import type { ServerResponse } from 'node:http';
import type { Verdict } from '../../core/index.ts';
import { blockRule } from '../decision.ts';

export const BLOCK_HEADER = 'x-tollgate-blocked';

/**
 * `what` is the step that was blocked, for the first line of the body; without it a 502 reads as a
 * response and anything else as a request.
 */
export function deny(
  res: ServerResponse,
  status: number,
  verdict: Verdict,
  requestId: string,
  extraHeaders?: Readonly<Record<string, string>>,
  what: 'request' | 'response' = status === 502 ? 'response' : 'request',
): void {
  const rules = [...new Set(verdict.findings.map((f) => f.rule))].slice(0, 8);
  const body = `Tollgate blocked this ${what}: ${verdict.reason}\nrules: ${rules.join(', ') || 'none'}\nrequest id: ${requestId}\n`;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    [BLOCK_HEADER]: '1',
    // The rule that decided (the one the reason names), then every rule involved.
    'x-tollgate-block': blockRule(verdict),
    'x-tollgate-rules': rules.join(','),
    'x-tollgate-request-id': requestId,
    ...extraHeaders,
    connection: 'close',
  });
  res.end(body);
}
