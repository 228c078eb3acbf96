// Tollgate's own HTTP endpoints as node:http handlers.
//
// Health checks and Prometheus scrapes are answered here, on node:http directly. Everything else
// goes to a Hono app through @hono/node-server, which is loaded on the first such request:
// importing it makes Node build its fetch implementation (undici, with its WebAssembly HTTP
// parser: ~6 MB resident, measured on `tollgate run`), which a proxy that is only health-checked
// and scraped never needs. If that load fails, the request gets a 500, never a pass.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerMatches } from './bearer.ts';

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Anything that answers a fetch Request (a Hono app), given the peer's address. */
export interface FetchApp {
  fetch(req: Request, env: { remoteAddress?: string | undefined }): Response | Promise<Response>;
}

/** The routes answered without the fetch app. */
export interface PlainRoutes {
  /** Served on GET /metrics (behind the bearer token when one is set); /metrics is 404 without it. */
  readonly metrics?: { render(): Promise<string> | string; readonly contentType: string };
  readonly token?: string;
}

type FetchListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** GET (or HEAD) /health, /healthz, /metrics: true when answered here. */
function answerPlain(req: IncomingMessage, res: ServerResponse, plain: PlainRoutes): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (path === '/health' || path === '/healthz') {
    sendJson(res, 200, { ok: true });
    return true;
  }
  const metrics = plain.metrics;
  if (path !== '/metrics' || !metrics) return false;
  if (plain.token !== undefined && !bearerMatches(req.headers.authorization, plain.token)) {
    sendJson(res, 401, { error: 'unauthorized: send Authorization: Bearer <token>' }, { 'www-authenticate': 'Bearer' });
    return true;
  }
  Promise.resolve()
    .then(() => metrics.render())
    .then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) });
        res.end(text);
      },
      (err: unknown) => {
        process.stderr.write(`tollgate: /metrics failed: ${(err as Error).message}\n`);
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      },
    );
  return true;
}

/**
 * What a listener that does not serve the admin API answers for origin-form requests: GET (or
 * HEAD) /health and /healthz, and 404 for everything else (the proxy's listener when `api.listen`
 * gives the API a listener of its own).
 */
export function healthOnlyHandler(): NodeHandler {
  return (req, res) => {
    if (answerPlain(req, res, {})) return;
    sendJson(res, 404, { error: 'not found: the admin API is not served on this listener' });
  };
}

/** A handler for `app`, with `plain` routes answered first; @hono/node-server loads on first use. */
export function nodeHandler(app: FetchApp, plain: PlainRoutes = {}): NodeHandler {
  let listener: Promise<FetchListener> | undefined;
  const load = (): Promise<FetchListener> =>
    (listener ??= import('@hono/node-server').then(({ getRequestListener }) =>
      getRequestListener((request, env) => app.fetch(request, { remoteAddress: (env as { incoming?: IncomingMessage }).incoming?.socket.remoteAddress })),
    ));
  return (req, res) => {
    if (answerPlain(req, res, plain)) return;
    load()
      .then((l) => l(req, res))
      .catch((err: unknown) => {
        listener = undefined;
        process.stderr.write(`tollgate: admin API unavailable: ${(err as Error).message}\n`);
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error; request not served' });
        else res.destroy();
      });
  };
}
