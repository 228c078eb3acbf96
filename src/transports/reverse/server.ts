// The reverse proxy listener: every request (and every WebSocket upgrade) goes to the one upstream
// the operator configured, scanned both ways. The upstream passes the same SSRF policy as any
// destination: an internal service is reached only when the operator trusts it explicitly
// (scanners.ssrf.allowCidrs / allowHosts); startup refuses an upstream the policy would block on
// every request, rather than serve a listener that can only answer 403.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { stops, summarizeUrl } from '../decision.ts';
import { resolveChecked, type ProxyContext } from '../http-proxy/context.ts';
import { handleWebSocketUpgrade } from '../websocket/index.ts';
import { handleReverse } from './handler.ts';
import { followClientLimits, guardClientErrors, httpServerOptions, wellFramed } from '../http-proxy/http-limits.ts';
import { listen, trackSockets } from '../http-proxy/listen.ts';
import { refusedByKillSwitch, requestScope, socketRefusedByKillSwitch, trackRelays } from '../http-proxy/control.ts';

export interface ReverseServer {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The upstream every request goes to. */
  readonly upstream: string;
  close(): Promise<void>;
}

export interface ReverseOptions {
  readonly upstream: string;
  readonly listen: { host: string; port: number };
}

const TRUST_HINT = 'to put Tollgate in front of an internal service, trust it explicitly in scanners.ssrf.allowCidrs (or allowHosts)';

/** Why the policy would refuse every request to this upstream, or null when it would not. */
export async function upstreamProblem(ctx: ProxyContext, upstream: URL): Promise<string | null> {
  const shown = summarizeUrl(upstream.href);
  const v = ctx.engine.scan({ kind: 'url', url: upstream.href }, { now: ctx.now() });
  if (stops(v)) return `reverse.upstream ${shown} is blocked by the policy (${v.findings[0]?.rule ?? 'policy'}); ${TRUST_HINT}`;
  const d = await resolveChecked(ctx, upstream.hostname, 'url.host');
  const ssrf = d.findings.filter((f) => f.category === 'ssrf');
  if (ssrf.length > 0 && stops(ctx.engine.judge(ssrf))) return `reverse.upstream ${shown} resolves to an address the policy blocks (${ssrf[0]?.rule ?? 'ssrf'}); ${TRUST_HINT}`;
  if (d.findings.length > 0) ctx.note(`reverse.upstream ${shown}: ${d.findings[0]?.message ?? 'not resolvable now'}`);
  return null;
}

export async function startReverse(ctx: ProxyContext, opts: ReverseOptions): Promise<ReverseServer> {
  const upstream = new URL(opts.upstream);
  const problem = await upstreamProblem(ctx, upstream);
  if (problem) throw new Error(problem);
  // WebSockets: closed when the kill switch turns on, judged again after a reload.
  const relays = trackRelays(ctx);

  // The same strict parsing, bounded head and slow-client timeouts as the proxy (http-limits.ts).
  const server = http.createServer(httpServerOptions(ctx, { hostChecked: true }), wellFramed(ctx, 'reverse', (req: IncomingMessage, res: ServerResponse) => {
    const rq = requestScope(ctx, req, 'reverse');
    if (refusedByKillSwitch(rq, req, res, 'reverse')) return;
    handleReverse(req, res, rq.ctx, upstream, rq.session).catch((err: unknown) => {
      ctx.note(`reverse handler failed: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', 'x-tollgate-blocked': '1' });
      res.end('Tollgate could not complete this request.\n');
    });
  }));
  // A hot reload's head limit and client timeouts reach the connections that open after it.
  followClientLimits(server, ctx);
  const sockets = trackSockets(server);
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const rq = requestScope(ctx, req, 'reverse');
    if (socketRefusedByKillSwitch(rq, req, socket, 'upgrade')) return;
    relays.add(socket);
    handleWebSocketUpgrade(req, socket, head, rq.ctx, { secure: false, base: upstream, session: rq.session, relays }).catch((err: unknown) => {
      ctx.note(`reverse WebSocket upgrade failed: ${(err as Error).message}`);
      socket.destroy();
    });
  });
  guardClientErrors(server, ctx, 'reverse');

  const bound = await listen(server, opts.listen, sockets, () => relays.stop());
  return { ...bound, upstream: upstream.href };
}
