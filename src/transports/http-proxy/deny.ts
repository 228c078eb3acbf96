// The answer an agent gets when Tollgate stops something: a plain reason it can act on, and
// markers a client can check for. Never the secret, never internal errors.
import type { ServerResponse } from 'node:http';
import type { Verdict } from '../../core/index.ts';

export const BLOCK_HEADER = 'x-tollgate-blocked';

export function deny(res: ServerResponse, status: number, verdict: Verdict, requestId: string, extraHeaders?: Readonly<Record<string, string>>): void {
  const rules = [...new Set(verdict.findings.map((f) => f.rule))].slice(0, 8);
  const body = `Tollgate blocked this ${status === 502 ? 'response' : 'request'}: ${verdict.reason}\nrules: ${rules.join(', ') || 'none'}\nrequest id: ${requestId}\n`;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    [BLOCK_HEADER]: '1',
    // The decisive rule (findings are ranked, most severe first), then every rule involved.
    'x-tollgate-block': rules[0] ?? 'unknown',
    'x-tollgate-rules': rules.join(','),
    'x-tollgate-request-id': requestId,
    ...extraHeaders,
    connection: 'close',
  });
  res.end(body);
}
