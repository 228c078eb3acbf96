// The approval endpoints of the admin API: `GET /api/v1/approvals` lists what is held (bounded),
// `POST /api/v1/approvals/<id>` with {"approve": true|false} settles one. They always need the
// API's bearer token: the agent can reach this listener (it is its proxy), and without a token it
// could approve its own held requests. With no token configured they answer 403 (and the proxy
// has no approval store, so `ask` blocks).
import type { Hono } from 'hono';
import { MAX_LISTED_APPROVALS, type ApprovalStore } from '../../state/index.ts';
import { bearerMatches } from './bearer.ts';
import { readSmallBody } from './small-body.ts';

const MAX_BODY = 1024;
const ID = /^[A-Za-z0-9-]{1,64}$/;

function authorized(header: string | undefined, token: string | undefined): boolean {
  return token !== undefined && bearerMatches(header, token);
}

export function registerApprovalRoutes(app: Hono<{ Bindings: { remoteAddress?: string } }>, store: ApprovalStore, token: string | undefined): void {
  const refuse = (hasToken: boolean) =>
    hasToken
      ? { body: { error: 'unauthorized: send Authorization: Bearer <token>' }, status: 401 as const }
      : { body: { error: 'approvals need an API token (api.tokenEnv): without one the agent itself could approve what it sends' }, status: 403 as const };

  app.get('/api/v1/approvals', (c) => {
    if (!authorized(c.req.header('authorization'), token)) {
      const r = refuse(token !== undefined);
      return c.json(r.body, r.status);
    }
    const asked = Number(c.req.query('limit') ?? MAX_LISTED_APPROVALS);
    const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, MAX_LISTED_APPROVALS) : MAX_LISTED_APPROVALS;
    return c.json({ pending: store.pending(limit), total: store.size }, 200, { 'cache-control': 'no-store' });
  });

  app.post('/api/v1/approvals/:id', async (c) => {
    if (!authorized(c.req.header('authorization'), token)) {
      const r = refuse(token !== undefined);
      return c.json(r.body, r.status);
    }
    const id = c.req.param('id');
    if (!ID.test(id)) return c.json({ error: 'not an approval id' }, 400);
    const text = await readSmallBody(c.req.raw, MAX_BODY);
    if (text === null) return c.json({ error: `body over ${MAX_BODY} bytes` }, 413);
    let approve: unknown;
    try {
      approve = (JSON.parse(text) as { approve?: unknown } | null)?.approve;
    } catch {
      return c.json({ error: 'body is not JSON: send {"approve": true} or {"approve": false}' }, 400);
    }
    if (typeof approve !== 'boolean') return c.json({ error: 'send {"approve": true} or {"approve": false}' }, 400);
    if (store.decide(id, approve) === 'unknown') return c.json({ error: 'no such pending approval (never held, already settled, or expired)' }, 404);
    return c.json({ id, decision: approve ? 'approved' : 'denied' });
  });
}
