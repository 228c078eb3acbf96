import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { DecisionEvent, Verdict } from '../../core/index.ts';
import { lateVerdict, parseScanInput, scanOffThread, type Engine, type OffThreadScans } from '../../engine/index.ts';
import type { ApprovalStore, KillSwitch, RateLimiter } from '../../state/index.ts';
import { registerApprovalRoutes } from './approvals.ts';
import { bearerMatches, bearerToken } from './bearer.ts';
import { registerKillSwitchRoutes } from './killswitch.ts';
import { scanDecisionEvent } from './decision.ts';
import { nodeHandler, type NodeHandler } from './node-handler.ts';
import { readSmallBody } from './small-body.ts';

export interface ScanApiOptions {
  readonly engine: Engine;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly maxBodyBytes: number;
  readonly deadlineMs: number;
  readonly limiter: RateLimiter;
  readonly now: () => number;
  readonly info: Readonly<Record<string, unknown>>;
  /** Called once per adjudicated scan (the decision event's first consumer). */
  readonly onDecision?: (event: { verdict: Verdict; kind: string; latencyMs: number; session?: string }) => void;
  /** Receives one decision event per adjudicated scan (the evidence bus). */
  readonly emit?: (event: DecisionEvent) => void;
  /** Policy hash written into decision events. */
  readonly configHash?: string;
  /** Request ids for decision events; random UUIDs by default. */
  readonly newRequestId?: () => string;
  /** Served on GET /metrics (behind the bearer token when one is set). */
  readonly metrics?: { render(): Promise<string> | string; readonly contentType: string };
  /** Held `ask` verdicts: served on GET /api/v1/approvals and POST /api/v1/approvals/<id> (token required). */
  readonly approvals?: ApprovalStore;
  /** Served on GET/POST /api/v1/killswitch (killswitch.ts: token, or loopback and on-only without one). */
  readonly killSwitch?: KillSwitch;
  /** Large inputs are scanned here, off the event loop, and stopped at the deadline. */
  readonly offThread?: OffThreadScans;
}

/** Result shape shared with `tollgate scan --batch`. */
export function verdictJson(id: unknown, verdict: Verdict): Record<string, unknown> {
  const out: Record<string, unknown> = { id: id ?? null, action: verdict.action, findings: verdict.findings, reason: verdict.reason };
  if (verdict.wouldHave) out.wouldHave = verdict.wouldHave;
  return out;
}

/**
 * The scan API: `POST /api/v1/scan` takes one scan input (the same JSON as a batch line) and
 * answers the verdict. A verdict of block is a 200 answer; errors in the request are 4xx.
 */
export function createScanApi(opts: ScanApiOptions): Hono<{ Bindings: { remoteAddress?: string } }> {
  const app = new Hono<{ Bindings: { remoteAddress?: string } }>();

  // GET /health, /healthz and /metrics are answered before this app (plain-routes.ts).
  const started = opts.now();
  // Status and info say which mode and scanners run: behind the token when one is set, like
  // /metrics, so an agent on this listener cannot learn that it is only audited.
  const unauthorized = (header: string | undefined): boolean => opts.token !== undefined && !bearerMatches(header, opts.token);
  const denied = { error: 'unauthorized: send Authorization: Bearer <token>' };
  app.get('/api/v1/status', (c) =>
    unauthorized(c.req.header('authorization'))
      ? c.json(denied, 401, { 'www-authenticate': 'Bearer' })
      : c.json({ ok: true, ...opts.info, uptimeSeconds: Math.max(0, Math.round((opts.now() - started) / 1000)) }),
  );
  app.get('/api/v1/info', (c) => (unauthorized(c.req.header('authorization')) ? c.json(denied, 401, { 'www-authenticate': 'Bearer' }) : c.json(opts.info)));

  app.post('/api/v1/scan', async (c) => {
    let key = c.env?.remoteAddress ?? 'local';
    if (opts.token !== undefined) {
      const given = bearerToken(c.req.header('authorization'));
      if (!bearerMatches(c.req.header('authorization'), opts.token)) {
        return c.json({ error: 'unauthorized: send Authorization: Bearer <token>' }, 401, { 'www-authenticate': 'Bearer' });
      }
      key = `token:${given.slice(0, 8)}`;
    }
    if (!opts.limiter.take(key, opts.now())) return c.json({ error: 'rate limit exceeded; retry later' }, 429, { 'retry-after': '1' });

    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > opts.maxBodyBytes) return c.json({ error: `body over ${opts.maxBodyBytes} bytes` }, 413);
    const raw = await readSmallBody(c.req.raw, opts.maxBodyBytes);
    if (raw === null) return c.json({ error: `body over ${opts.maxBodyBytes} bytes` }, 413);

    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      // A body we cannot read is refused, not guessed at.
      return c.json({ error: 'body is not valid JSON' }, 400);
    }
    const { id, session, agent, ...rest } = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
    const parsed = parseScanInput(rest);
    if (!parsed.ok) return c.json({ id: id ?? null, error: parsed.error }, 400);

    const started = opts.now();
    const engine = opts.engine;
    const ctx = {
      now: started,
      ...(typeof session === 'string' ? { session } : {}),
      ...(typeof agent === 'string' ? { agent } : {}),
    };
    // A large input is scanned in a worker, which is stopped at the deadline (a block,
    // engine/deadline-exceeded); the rest is scanned here, where the deadline can only be checked
    // once the synchronous scan returns: a late verdict is not trusted to be complete either.
    const scanned = await scanOffThread(engine, opts.offThread, parsed.input, ctx, opts.deadlineMs);
    let verdict = scanned.verdict;
    const latencyMs = opts.now() - started;
    if (!scanned.offThread && latencyMs > opts.deadlineMs) verdict = lateVerdict(engine.config.mode, verdict.findings, latencyMs, opts.deadlineMs, false);
    opts.onDecision?.({ verdict, kind: parsed.input.kind, latencyMs, ...(typeof session === 'string' ? { session } : {}) });
    if (opts.emit) {
      const agentName = typeof agent === 'string' ? agent : opts.engine.config.agent;
      opts.emit(
        scanDecisionEvent({
          input: parsed.input,
          verdict,
          requestId: opts.newRequestId?.() ?? randomUUID(),
          at: started + latencyMs,
          latencyMs,
          bytes: Buffer.byteLength(raw),
          mode: opts.engine.config.mode,
          configHash: opts.configHash ?? 'unknown',
          ...(agentName !== undefined ? { agent: agentName } : {}),
          ...(typeof session === 'string' ? { session } : {}),
        }),
      );
    }
    return c.json(verdictJson(id, verdict), 200, { 'x-tollgate-action': verdict.action });
  });
  // The path exists; only the method is wrong (RFC 9110 §15.5.6: 405 with Allow).
  app.all('/api/v1/scan', (c) => c.json({ error: 'method not allowed: send POST /api/v1/scan' }, 405, { allow: 'POST' }));

  if (opts.approvals) registerApprovalRoutes(app, opts.approvals, opts.token);
  if (opts.killSwitch) registerKillSwitchRoutes(app, { killSwitch: opts.killSwitch, now: opts.now, ...(opts.token !== undefined ? { token: opts.token } : {}) });

  app.notFound((c) => c.json({ error: 'not found: POST /api/v1/scan, GET /api/v1/info, GET /api/v1/status, GET /health, GET /metrics' }, 404));
  app.onError((err, c) => {
    // Internal failure: never an allow. The detail goes to the operator's log, not the client.
    process.stderr.write(`tollgate: scan API error: ${err.stack ?? String(err)}\n`);
    return c.json({ action: 'block', error: 'internal error; request blocked' }, 500);
  });
  return app;
}

/** The admin API as a node:http handler: health and metrics answered directly, the rest by the Hono app. */
export function createAdminHandler(opts: ScanApiOptions): NodeHandler {
  return nodeHandler(createScanApi(opts), { ...(opts.metrics ? { metrics: opts.metrics } : {}), ...(opts.token !== undefined ? { token: opts.token } : {}) });
}
