// The approval endpoints on their own, for processes that have no scan API: `tollgate mcp` serves
// them on a listener of their own (--api ADDR, mcp.approvalsListen) or on its Streamable HTTP
// listener. Same routes, same bearer-token rule as on the proxy's admin API (approvals.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Hono } from 'hono';
import type { ApprovalStore } from '../../state/index.ts';
import { registerApprovalRoutes } from './approvals.ts';
import { nodeHandler } from './node-handler.ts';
import { listenApp, type ListeningServer } from './server.ts';

/** GET /api/v1/approvals, POST /api/v1/approvals/<id> and GET /healthz, nothing else. */
export function createApprovalsApi(store: ApprovalStore, token: string): Hono<{ Bindings: { remoteAddress?: string } }> {
  const app = new Hono<{ Bindings: { remoteAddress?: string } }>();
  app.get('/healthz', (c) => c.json({ ok: true }));
  registerApprovalRoutes(app, store, token);
  app.notFound((c) => c.json({ error: 'not found: GET /api/v1/approvals, POST /api/v1/approvals/<id>' }, 404));
  app.onError((err, c) => {
    process.stderr.write(`tollgate: approvals API error: ${err.stack ?? String(err)}\n`);
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}

/** The approval routes as a node:http handler, to mount on a listener that serves something else. */
export function approvalsHandler(store: ApprovalStore, token: string): (req: IncomingMessage, res: ServerResponse) => void {
  return nodeHandler(createApprovalsApi(store, token));
}

/** Starts the approval routes on host:port (port 0 picks a free one). */
export function startApprovalsApi(listen: string, store: ApprovalStore, token: string): Promise<ListeningServer> {
  return listenApp(listen, createApprovalsApi(store, token));
}
