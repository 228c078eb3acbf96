// The composition root for a running Tollgate: config → engine → evidence (audit log, metrics,
// sinks, receipts) → transports (proxy with the admin API beside it). `tollgate run` and
// `npm start` call startServices; tests call it too.
import { randomUUID } from 'node:crypto';
import type { LoadedConfig } from './config/index.ts';
import type { DecisionEvent } from './core/index.ts';
import type { Evidence } from './evidence/index.ts';
import type { OpenedReceipts } from './evidence/receipts/index.ts';
import { startEvidence } from './evidence-stack.ts';
import { createRuntime, REGEX_ENGINE, VERSION, type Runtime } from './main.ts';
import { createRateLimiter } from './state/index.ts';
import { createResolver, loadProxyTls, startProxy, type ProxyContext, type ProxyServer } from './transports/http-proxy/index.ts';
import { ReverseConfig } from './config/reverse-schema.ts';
import { startReverse, type ReverseServer } from './transports/reverse/index.ts';
import { createScanApi } from './transports/scan-api/app.ts';
import { parseListen, startScanApi, type ListeningServer } from './transports/scan-api/index.ts';

export interface ServicesOptions {
  /** Overrides proxy.listen (or api.listen when the proxy is off). */
  readonly listen?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Operational notes (startup, notices); one line each. */
  readonly note?: (line: string) => void;
  /** Overrides reverse.upstream / reverse.listen (tollgate run --reverse-upstream / --reverse-listen). */
  readonly reverse?: { readonly upstream?: string; readonly listen?: string };
}

export interface Services {
  readonly runtime: Runtime;
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
  /** Stops listening, then flushes and closes the evidence (receipts get their close checkpoint). */
  close(): Promise<void>;
}

export { recordTransportMetrics } from './evidence-stack.ts';

export async function startServices(loaded: LoadedConfig, opts: ServicesOptions = {}): Promise<Services> {
  const env = opts.env ?? process.env;
  const note = opts.note ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const cfg = loaded.config;
  const stack = await startEvidence(loaded, { env, note });
  const { dataDir, evidence, receipts, emit } = stack;
  const runtime = createRuntime(loaded, env, { evidenceKey: stack.evidenceKey });

  const tokenEnv = cfg.api.tokenEnv;
  const token = tokenEnv ? env[tokenEnv] : undefined;
  if (tokenEnv && !token) {
    await stack.close();
    throw new Error(`api.tokenEnv is ${tokenEnv} but that variable is empty; refusing to start an unauthenticated API`);
  }
  const apiOptions = {
    engine: runtime.engine,
    ...(token ? { token } : {}),
    maxBodyBytes: cfg.api.maxBodyBytes,
    deadlineMs: cfg.api.deadlineMs,
    limiter: createRateLimiter(cfg.api.rateLimitPerMinute),
    now: () => Date.now(),
    info: { version: VERSION, regexEngine: REGEX_ENGINE, preset: cfg.preset ?? null, mode: cfg.mode, configHash: loaded.hash, scanners: runtime.engine.scanners.map((s) => s.id) },
    emit,
    configHash: loaded.hash,
    metrics: { render: () => evidence.metrics.render(), contentType: evidence.metrics.contentType },
  };

  let proxy: ProxyServer | null = null;
  let reverse: ReverseServer | null = null;
  let api: ListeningServer | null = null;
  // What every data-plane listener (proxy, reverse proxy) is handed.
  const dataPlane: ProxyContext = {
    engine: runtime.engine,
    config: cfg,
    configHash: loaded.hash,
    resolver: createResolver(cfg.dns),
    emit,
    now: () => Date.now(),
    newRequestId: () => randomUUID(),
    note: (msg) => evidence.logSystem({ level: 'info', event: 'proxy', msg }),
  };
  try {
    if (cfg.proxy.enabled) {
      const listen = parseListen(opts.listen ?? cfg.proxy.listen);
      const tls = cfg.proxy.tlsInterception.enabled ? await loadProxyTls(cfg.proxy.tlsInterception, dataDir) : null;
      for (const w of tls?.warnings ?? []) note(`tls interception: ${w}`);
      proxy = await startProxy({ ...dataPlane, ...(tls ? { tls: tls.tls } : {}) }, { listen, admin: createScanApi(apiOptions) });
    }
    const rev = ReverseConfig.safeParse({ ...cfg.reverse, ...opts.reverse });
    if (!rev.success) throw new Error(`reverse proxy: ${rev.error.issues[0]?.message ?? 'invalid settings'}`);
    if (rev.data.upstream !== undefined) reverse = await startReverse(dataPlane, { upstream: rev.data.upstream, listen: parseListen(rev.data.listen) });
    const separate = cfg.api.enabled && cfg.api.listen !== undefined && (!proxy || cfg.api.listen !== (opts.listen ?? cfg.proxy.listen));
    if (cfg.api.enabled && (separate || !proxy)) {
      api = await startScanApi((proxy ? cfg.api.listen : opts.listen ?? cfg.api.listen) ?? '127.0.0.1:8888', apiOptions);
    }
  } catch (err) {
    await proxy?.close();
    await reverse?.close();
    await stack.close();
    throw err;
  }
  evidence.logSystem({ level: 'info', event: 'start', msg: `tollgate ${VERSION} started`, detail: { configHash: loaded.hash, proxy: proxy?.url ?? null, reverse: reverse?.url ?? null, api: api?.url ?? null } });
  let closing: Promise<void> | null = null;
  return {
    runtime,
    dataDir,
    evidence,
    receipts,
    proxy,
    reverse,
    api,
    apiUrl: api?.url ?? proxy?.url ?? '',
    close() {
      closing ??= (async () => {
        await Promise.allSettled([proxy?.close(), reverse?.close(), api?.close()]);
        evidence.logSystem({ level: 'info', event: 'stop', msg: 'tollgate stopping' });
        await stack.close();
      })();
      return closing;
    },
  };
}
