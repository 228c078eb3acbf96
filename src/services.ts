// The composition root for a running Tollgate: config → engine → evidence (audit log, metrics,
// sinks, receipts) → transports (proxy with the admin API beside it). `tollgate run` and
// `npm start` call startServices; tests call it too.
import { randomUUID } from 'node:crypto';
import type { LoadedConfig } from './config/index.ts';
import type { DecisionEvent } from './core/index.ts';
import type { Evidence } from './evidence/index.ts';
import type { OpenedReceipts } from './evidence/receipts/index.ts';
import { startEvidence, type EvidenceStackOptions } from './evidence-stack.ts';
import { REGEX_ENGINE, VERSION, type Runtime } from './main.ts';
import { liveProxyContext, startControlPlane, type ControlPlane } from './control/index.ts';
import { createApprovalStore, createRateLimiter } from './state/index.ts';
import { createUpstreamAgents, loadProxyTls, upstreamAgentOptions, startProxy, type ProxyContext, type ProxyServer } from './transports/http-proxy/index.ts';
import { ReverseConfig } from './config/reverse-schema.ts';
import { startReverse, type ReverseServer } from './transports/reverse/index.ts';
import { createAdminHandler } from './transports/scan-api/app.ts';
import { livePool } from './scan-pool/index.ts';
import { healthOnlyHandler, parseListen, startScanApi, type ListeningServer } from './transports/scan-api/index.ts';

export interface ServicesOptions {
  /** Overrides proxy.listen (or api.listen when the proxy is off). */
  readonly listen?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Operational notes (startup, notices); one line each. */
  readonly note?: (line: string) => void;
  /** Overrides reverse.upstream / reverse.listen (tollgate run --reverse-upstream / --reverse-listen). */
  readonly reverse?: { readonly upstream?: string; readonly listen?: string };
  /** The config file a hot reload re-reads (SIGHUP, file watch); tollgate run --config. */
  readonly configFile?: string;
  /** Accept a reload that weakens the policy (tollgate run --allow-downgrade). */
  readonly allowDowngrade?: boolean;
  /** Watch configFile and reload when it changes (default on). */
  readonly watchConfig?: boolean;
  /** How the data plane's deferred events wait (evidence-stack.ts; defaults: 20 ms, 64 events). */
  readonly deferEvents?: Pick<EvidenceStackOptions, 'deferWindowMs' | 'deferMaxBatch'>;
}

export interface Services {
  /** The engine and config running now (a hot reload replaces it). */
  readonly runtime: Runtime;
  /** Hot reload, kill switch, budgets (src/control). */
  readonly control: ControlPlane;
  readonly dataDir: string;
  readonly evidence: Evidence;
  readonly receipts: OpenedReceipts;
  readonly proxy: ProxyServer | null;
  /** The reverse proxy, when reverse.upstream is set. */
  readonly reverse: ReverseServer | null;
  /** The scan API on its own listener, when api.listen is configured apart from the proxy. */
  readonly api: ListeningServer | null;
  /** Where the scan API answers. */
  readonly apiUrl: string;
  /**
   * Records now the data plane's decision events still waiting (they are handed to the evidence
   * layer a moment after the answer is written; see startServices). GET /metrics does this itself.
   */
  flushEvents(): void;
  /** Stops listening, then records the events still waiting, then flushes and closes the evidence (receipts get their close checkpoint). */
  close(): Promise<void>;
}

export { recordTransportMetrics } from './evidence-stack.ts';

export async function startServices(loaded: LoadedConfig, opts: ServicesOptions = {}): Promise<Services> {
  const env = opts.env ?? process.env;
  const note = opts.note ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const cfg = loaded.config;
  const stack = await startEvidence(loaded, { env, note, ...opts.deferEvents });
  // The data plane (proxy, reverse proxy) hands its decision events on deferred: the audit line,
  // metrics and signed receipt of an exchange are made after its answer is written, in batches
  // (evidence-stack.ts emitDeferred), not on its latency. Everything else (kill switch and reload
  // events, the scan API's decisions, system lines) is recorded at once, after whatever still
  // waits, so the evidence keeps the order things happened in. Only evidence waits: the kill
  // switch, budgets, approvals and the session state are read and written as each request runs.
  const { dataDir, evidence, receipts, emit } = stack;
  const logSystem = stack.logSystem;
  const tokenEnv = cfg.api.tokenEnv;
  const token = tokenEnv ? env[tokenEnv] : undefined;
  if (tokenEnv && !token) {
    await stack.close();
    throw new Error(`api.tokenEnv is ${tokenEnv} but that variable is empty; refusing to start an unauthenticated API`);
  }
  let control: ControlPlane;
  try {
    control = startControlPlane({
      loaded,
      env,
      dataDir,
      evidenceKey: stack.evidenceKey,
      evidence: { metrics: evidence.metrics, logSystem },
      emit,
      note,
      ...(opts.configFile !== undefined ? { configFile: opts.configFile } : {}),
      allowDowngrade: opts.allowDowngrade === true,
      watchConfig: opts.watchConfig !== false,
    });
  } catch (err) {
    await stack.close();
    throw err;
  }
  const live = control.live;
  // Held `ask` verdicts need someone to answer them: only with an API token can that be someone
  // other than the agent (the admin API may sit on the agent's proxy listener). Without one, ask blocks.
  const approvals = token ? createApprovalStore({ maxPending: cfg.proxy.askMaxPending, now: () => Date.now(), newId: () => randomUUID() }) : undefined;
  // Large scan API inputs are scanned in a worker thread, stopped at api.deadlineMs; the pool
  // follows the live engine, so a reload rebuilds its worker with the new policy.
  const scanPool = livePool();
  const apiOptions = {
    offThread: scanPool,
    // Read per request, so a hot reload reaches the scan API too.
    get engine() {
      return live.get().runtime.engine;
    },
    killSwitch: control.killSwitch,
    ...(approvals ? { approvals } : {}),
    ...(token ? { token } : {}),
    maxBodyBytes: cfg.api.maxBodyBytes,
    deadlineMs: cfg.api.deadlineMs,
    limiter: createRateLimiter(cfg.api.rateLimitPerMinute),
    now: () => Date.now(),
    info: {
      version: VERSION,
      regexEngine: REGEX_ENGINE,
      get preset() {
        return live.get().loaded.config.preset ?? null;
      },
      get mode() {
        return live.get().loaded.config.mode;
      },
      get configHash() {
        return live.get().loaded.hash;
      },
      get scanners() {
        return live.get().runtime.engine.scanners.map((s) => s.id);
      },
      get killSwitch() {
        return control.killSwitch.on;
      },
    },
    emit,
    get configHash() {
      return live.get().loaded.hash;
    },
    // A scrape sees every decision whose answer was already written.
    metrics: {
      render: () => {
        stack.flushDeferred();
        return evidence.metrics.render();
      },
      contentType: evidence.metrics.contentType,
    },
  };

  let proxy: ProxyServer | null = null;
  let reverse: ReverseServer | null = null;
  let api: ListeningServer | null = null;
  const upstreamAgents = createUpstreamAgents(upstreamAgentOptions(cfg.proxy));
  // What every data-plane listener (proxy, reverse proxy) is handed.
  // Engine, config and resolver are read from the live policy (a reload swaps them).
  const fixed = {
    emit: stack.emitDeferred,
    now: () => Date.now(),
    newRequestId: () => randomUUID(),
    note: (msg: string) => logSystem({ level: 'info', event: 'proxy', msg }),
    ...(approvals ? { approvals } : {}),
    control: control.proxyControl,
    upstreamAgents,
    // Large responses are scanned in the same pool as the scan API's large inputs (response-scan.ts).
    offThread: scanPool,
  };
  const dataPlane: ProxyContext = liveProxyContext(live, fixed);
  // The admin API (scan, status, kill switch, approvals, /metrics) is served on the proxy's
  // listener only when it has no listener of its own: with `api.listen` set apart from the proxy,
  // the agent-facing port answers /health and /healthz and nothing else of it.
  const proxyListen = opts.listen ?? cfg.proxy.listen;
  const separate = cfg.api.enabled && cfg.api.listen !== undefined && (!cfg.proxy.enabled || cfg.api.listen !== proxyListen);
  try {
    if (cfg.proxy.enabled) {
      const listen = parseListen(proxyListen);
      const tls = cfg.proxy.tlsInterception.enabled ? await loadProxyTls(cfg.proxy.tlsInterception, dataDir) : null;
      for (const w of tls?.warnings ?? []) note(`tls interception: ${w}`);
      // With the API turned off (`api.enabled: false`) the proxy answers /health and /healthz only, too.
      const adminHere = cfg.api.enabled && !separate;
      proxy = await startProxy(tls ? liveProxyContext(live, { ...fixed, tls: tls.tls }) : dataPlane, { listen, admin: adminHere ? createAdminHandler(apiOptions) : healthOnlyHandler() });
    }
    const rev = ReverseConfig.safeParse({ ...cfg.reverse, ...opts.reverse });
    if (!rev.success) throw new Error(`reverse proxy: ${rev.error.issues[0]?.message ?? 'invalid settings'}`);
    if (rev.data.upstream !== undefined) reverse = await startReverse(dataPlane, { upstream: rev.data.upstream, listen: parseListen(rev.data.listen) });
    if (cfg.api.enabled && (separate || !proxy)) {
      api = await startScanApi((proxy ? cfg.api.listen : opts.listen ?? cfg.api.listen) ?? '127.0.0.1:8888', apiOptions);
    }
  } catch (err) {
    control.stop();
    await proxy?.close();
    await reverse?.close();
    upstreamAgents.destroy();
    await scanPool.close();
    await stack.close();
    throw err;
  }
  logSystem({ level: 'info', event: 'start', msg: `tollgate ${VERSION} started`, detail: { configHash: loaded.hash, proxy: proxy?.url ?? null, reverse: reverse?.url ?? null, api: api?.url ?? null } });
  let closing: Promise<void> | null = null;
  return {
    get runtime() {
      return live.get().runtime;
    },
    control,
    dataDir,
    evidence,
    receipts,
    proxy,
    reverse,
    api,
    apiUrl: cfg.api.enabled ? (api?.url ?? proxy?.url ?? '') : '',
    flushEvents: stack.flushDeferred,
    close() {
      closing ??= (async () => {
        approvals?.close();
        control.stop();
        await Promise.allSettled([proxy?.close(), reverse?.close(), api?.close()]);
        upstreamAgents.destroy();
        await scanPool.close();
        logSystem({ level: 'info', event: 'stop', msg: 'tollgate stopping' });
        await stack.close();
      })();
      return closing;
    },
  };
}
