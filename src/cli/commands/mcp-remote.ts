import { randomUUID } from 'node:crypto';
import type { LoadedConfig } from '../../config/index.ts';
import type { DecisionEvent } from '../../core/index.ts';
import { serverPinId } from '../../state/pins/index.ts';
import { createResolver, type ProxyContext } from '../../transports/http-proxy/index.ts';
import { startHttpBridge, startWsBridge, type Bridge } from '../../transports/mcp/bridge/index.ts';
import { createUpstream, newSessionLabel, parseHeaderFlag, resolveHeaders, startMcpHttpProxy, upstreamProblem, urlServerIdentity } from '../../transports/mcp/http/index.ts';
import { RPC_BLOCKED, safeName } from '../../transports/mcp/index.ts';
import { quickenTierUp } from '../tier-up.ts';
import { parseListen } from '../../transports/scan-api/index.ts';
import { loadConfigOrExit } from '../load-config.ts';
import { startMcpApprovals } from './mcp-approvals.ts';
import { startMcpRuntime, type McpRuntime } from './mcp-runtime.ts';

/**
 * `tollgate mcp --upstream URL [--listen ADDR]`: Tollgate in front of a network MCP server. With
 * --listen it serves Streamable HTTP to clients; without, it bridges a stdio client to the
 * upstream (Streamable HTTP for http(s)://, a WebSocket for ws(s)://). See docs/MCP.md.
 */
export interface RemoteOptions {
  readonly config?: string;
  readonly serverId?: string;
  readonly quiet?: boolean;
  readonly listen?: string;
  readonly upstream: string;
  readonly header: readonly string[];
  /** --api ADDR: serve the approval endpoints there (see mcp-approvals.ts). */
  readonly api?: string;
  /** Writes one stderr line for a decision that was not a plain allow. */
  readonly report: (e: DecisionEvent) => void;
}

function fail(message: string): never {
  process.stderr.write(`tollgate mcp: ${message}\n`);
  process.exit(1);
}

export async function runRemote(opts: RemoteOptions): Promise<never> {
  let url: URL;
  try {
    url = new URL(opts.upstream);
  } catch {
    fail('--upstream takes a URL (http://, https://, ws:// or wss://)');
  }
  const ws = url.protocol === 'ws:' || url.protocol === 'wss:';
  if (!ws && url.protocol !== 'http:' && url.protocol !== 'https:') fail(`--upstream: ${url.protocol.slice(0, 16)} is not a scheme Tollgate speaks MCP over (http, https, ws, wss)`);
  if (ws && opts.listen !== undefined) fail('--listen serves Streamable HTTP and needs an http(s):// upstream; a ws:// upstream is bridged to stdio (leave out --listen)');
  if (url.username !== '' || url.password !== '') fail('--upstream must not carry credentials; send them as a header (mcp.http.upstreamHeaders or --header \'Authorization: Bearer ${NAME}\')');
  const listen = opts.listen !== undefined ? (() => {
    try {
      return parseListen(opts.listen);
    } catch (err) {
      return fail(`--listen: ${(err as Error).message}`);
    }
  })() : undefined;

  const loaded = loadConfigOrExit(opts.config);
  const cfg = loaded.config;

  // Upstream headers: the config's, then --header (a flag replaces the same name).
  const templates: Record<string, string> = { ...cfg.mcp.http.upstreamHeaders };
  for (const flag of opts.header) {
    const h = parseHeaderFlag(flag);
    if (!h.ok) fail(h.problem);
    for (const name of Object.keys(templates)) if (name.toLowerCase() === h.name.toLowerCase()) delete templates[name];
    templates[h.name] = h.template;
  }
  const headers = resolveHeaders(templates, process.env);
  if (headers.problems.length > 0) fail(headers.problems.join('; '));

  // Values sent to the upstream must never come back out through it, nor leave in a tool call.
  const ks = cfg.scanners.knownSecrets;
  const primed: LoadedConfig = { ...loaded, config: { ...cfg, scanners: { ...cfg.scanners, knownSecrets: { ...ks, env: [...new Set([...ks.env, ...headers.envNames])] } } } };
  const identity = opts.serverId ?? urlServerIdentity(url);
  const pinId = serverPinId(identity);
  const label = safeName(url.hostname.replace(/^\[|\]$/g, '') || 'server');

  const note = (line: string): void => {
    if (!opts.quiet) process.stderr.write(`[tollgate] ${line}\n`);
  };
  const approvalChannel = await startMcpApprovals(cfg, process.env, { ...(opts.api !== undefined ? { api: opts.api } : {}), onListener: listen !== undefined, note });
  if ('problem' in approvalChannel) fail(approvalChannel.problem);
  const channel = approvalChannel;
  // A bridge's stdout is the protocol channel, as for stdio servers (mcp-runtime.ts).
  const bridged = listen === undefined;
  let started: McpRuntime;
  try {
    started = await startMcpRuntime({ loaded, primed, pinId, protocolOnStdout: bridged, quiet: opts.quiet === true, report: opts.report, note });
  } catch (err) {
    fail((err as Error).message);
  }
  const runtime = started;
  const { rt, evidence, deferred, kill, pins, pool } = runtime;
  const emit = deferred.emit;
  const ctx: ProxyContext = {
    engine: rt.engine,
    config: cfg,
    configHash: loaded.hash,
    resolver: createResolver(cfg.dns),
    emit,
    now: () => Date.now(),
    newRequestId: () => randomUUID(),
    note: (msg) => {
      // after the decisions still waiting, so the audit log keeps the order things happened in
      deferred.flush();
      evidence.evidence.logSystem({ level: 'info', event: 'mcp', msg });
      note(`mcp: ${msg}`);
    },
  };
  const stopWith = async (code: number, message?: string): Promise<never> => {
    if (message !== undefined) process.stderr.write(`tollgate mcp: ${message}\n`);
    await channel.close();
    await runtime.close();
    process.exit(code);
  };

  const problem = await upstreamProblem(ctx, url);
  if (problem) return stopWith(1, problem);
  const transport = ws ? 'mcp-ws' : 'mcp-http';
  const shownHeaders = Object.keys(headers.headers).join(', ') || 'none';
  const summary = `server ${pinId.slice(0, 12)}, mode ${cfg.mode}, rug-pull ${cfg.mcp.rugPull}, session binding ${cfg.mcp.sessionBinding}, upstream headers: ${shownHeaders}, ${rt.knownSecrets.indexed.length} known secrets, kill switch: SIGUSR1 or create ${kill.sentinelPath}`;

  if (listen !== undefined) {
    const upstream = createUpstream({ ctx, url, headers: headers.headers, transport: 'mcp-http' });
    let proxy;
    try {
      proxy = await startMcpHttpProxy({
        ctx,
        upstream,
        listen,
        serverIdentity: identity,
        serverLabel: label,
        pinId,
        ...(pins ? { pins } : {}),
        ...(channel.approvals ? { approvals: channel.approvals } : {}),
        ...(channel.admin ? { admin: channel.admin } : {}),
        killed: kill.killed,
        // Large results are scanned in worker threads, so one session's big result does not stall the others.
        ...(pool ? { offThread: pool } : {}),
      });
    } catch (err) {
      return stopWith(1, `cannot listen on ${opts.listen}: ${(err as Error).message}`);
    }
    const listening = proxy;
    // Calls held for approval when the switch turns on are denied, not left waiting.
    kill.onOn(() => listening.cancelHeld('the Tollgate kill switch turned on', RPC_BLOCKED));
    // Always printed: it is how a client (or a test) learns a port chosen with :0.
    process.stderr.write(`[tollgate] mcp: listening on ${proxy.url}, guarding ${upstream.shown} (${summary})\n`);
    // Start-up is done: from here the relay's per-message code tiers up sooner (tier-up.ts).
    quickenTierUp();
    if (channel.admin) {
      channel.url = new URL(proxy.url).origin;
      process.stderr.write(`[tollgate] mcp: approvals on ${channel.url}/api/v1/approvals (token from ${cfg.api.tokenEnv ?? ''})\n`);
    }
    const server = proxy;
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.once('SIGHUP', stop);
    });
    await server.close();
    return stopWith(0);
  }

  const sessionLabel = newSessionLabel();
  // The same session, pool and held-result delivery as a stdio server's (mcp-runtime.ts, bridge/client-side.ts).
  const session = runtime.session({ serverIdentity: identity, serverLabel: label, transport, session: sessionLabel, ...(channel.approvals ? { approvals: channel.approvals } : {}) });
  note(`mcp: bridging stdio to ${ws ? 'the WebSocket' : 'the Streamable HTTP'} server ${url.protocol}//${url.host}${url.pathname} (${summary})`);
  let bridge: Bridge;
  const common = { session, label: sessionLabel, maxLineBytes: cfg.mcp.maxLineBytes, clientIn: process.stdin, clientOut: process.stdout, note };
  if (ws) {
    try {
      bridge = await startWsBridge({ ...common, ctx, url, headers: headers.headers });
    } catch (err) {
      return stopWith(1, `cannot open the WebSocket to ${url.protocol}//${url.host}: ${(err as Error).message}`);
    }
  } else {
    const upstream = createUpstream({ ctx, url, headers: headers.headers, transport: 'mcp-http' });
    bridge = startHttpBridge({ ...common, upstream, maxBodyBytes: cfg.mcp.http.maxBodyBytes, maxSseEventBytes: cfg.mcp.http.maxSseEventBytes });
  }
  const code = await bridge.done;
  return stopWith(code);
}
