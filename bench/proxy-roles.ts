// One process per role in the proxy bench (`node --import tsx bench/proxy-roles.ts ROLE JSON`), so
// the load generator, the upstream and the proxy under test never share an event loop. Each role
// says {type:'ready'} over IPC with its ports, answers {type:'stats'} with its counters and
// {type:'cpu'} with process.cpuUsage(), and exits on {type:'stop'}.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/index.ts';
import type { DecisionEvent } from '../src/core/index.ts';
import { startEvidence, type EvidenceStack } from '../src/evidence-stack.ts';
import { quickenTierUp } from '../src/cli/tier-up.ts';
import { createRuntime } from '../src/main.ts';
import { livePool } from '../src/scan-pool/index.ts';
import { createResolver, createUpstreamAgents, loadProxyTls, startProxy, type ProxyContext } from '../src/transports/http-proxy/index.ts';
import { startFloorProxy } from './floor-proxy.ts';
import { startBenchUpstream } from './upstream.ts';

export type RoleMessage = { type: 'ready'; ports: Record<string, number> } | { type: 'stats'; stats: unknown } | { type: 'cpu'; cpu: NodeJS.CpuUsage };

interface RoleOptions {
  /** upstream: PEM files of the https leaf. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** floor: static name → address map. */
  readonly hosts?: Record<string, string>;
  /** floor, diagnostics only: read each body whole before sending it on (floor-proxy.ts). */
  readonly buffered?: boolean;
  /** tollgate: config YAML appended to `preset: balanced`, and the data dir relative paths resolve in. */
  readonly yaml?: string;
  readonly dataDir?: string;
  /**
   * tollgate, diagnostics only (proxy-cpu.ts --stub-scan): engine.scan answers allow without
   * scanning, so what is left is the transport's own cost. Never used by proxy.bench.ts.
   */
  readonly stubScan?: boolean;
  /**
   * tollgate: decision events also go to the evidence layer as `tollgate run` wires it (audit log,
   * metrics, signed receipts with fsync; handed on deferred, after the answer is written, as
   * services.ts does) in a fresh data dir, so the CPU a user's proxy spends per request is measured
   * whole (proxy.bench.ts; proxy-cpu.ts target `evidence`). Otherwise they are only counted.
   */
  readonly evidence?: boolean;
}

async function start(role: string, opts: RoleOptions): Promise<{ ports: Record<string, number>; stats: () => unknown; close: () => Promise<void> }> {
  if (role === 'upstream') {
    const tls = opts.certFile && opts.keyFile ? { cert: readFileSync(opts.certFile, 'utf8'), key: readFileSync(opts.keyFile, 'utf8') } : undefined;
    const up = await startBenchUpstream(tls);
    return { ports: { http: up.httpPort, ...(up.httpsPort ? { https: up.httpsPort } : {}) }, stats: () => up.counts, close: () => up.close() };
  }
  if (role === 'floor') {
    const floor = await startFloorProxy(opts.hosts ?? {}, opts.buffered === true);
    return { ports: { proxy: floor.port }, stats: () => floor.counts, close: () => floor.close() };
  }
  if (role === 'tollgate') {
    const loaded = parseConfig(`preset: balanced\n${opts.yaml ?? ''}`);
    const config = loaded.config;
    const runtime = createRuntime(loaded, process.env);
    // Decision events are counted by type, then action (no key string built per event: that was the
    // bench's cost, not Tollgate's; stats() reports them as `type:action`), and written by the evidence
    // layer when `evidence` is set.
    const counted = new Map<string, Map<string, number>>();
    const notes: string[] = [];
    const evidenceHome = opts.evidence ? mkdtempSync(join(tmpdir(), 'tollgate-bench-evidence-')) : null;
    const stack: EvidenceStack | null = evidenceHome ? await startEvidence(loaded, { env: { ...process.env, TOLLGATE_HOME: evidenceHome }, note: () => undefined }) : null;
    // As services.ts hands the data plane's events on.
    const record = stack?.emitDeferred;
    const emit = (e: DecisionEvent): void => {
      let byAction = counted.get(e.type);
      if (byAction === undefined) counted.set(e.type, (byAction = new Map()));
      byAction.set(e.action, (byAction.get(e.action) ?? 0) + 1);
      record?.(e);
    };
    const decisions = (): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const [type, byAction] of counted) for (const [action, n] of byAction) out[`${type}:${action}`] = n;
      return out;
    };
    const tls = config.proxy.tlsInterception.enabled ? await loadProxyTls(config.proxy.tlsInterception, opts.dataDir ?? process.cwd()) : null;
    const engine = opts.stubScan ? { ...runtime.engine, scan: () => ({ action: 'allow' as const, findings: [], reason: 'Allowed (scan stubbed for a diagnostic run).' }) } : runtime.engine;
    const pool = livePool();
    const ctx: ProxyContext = {
      engine,
      config,
      configHash: loaded.hash,
      resolver: createResolver(config.dns),
      emit,
      now: () => Date.now(),
      newRequestId: () => randomUUID(),
      note: (m) => {
        if (notes.length < 50) notes.push(m);
      },
      ...(tls ? { tls: tls.tls } : {}),
      upstreamAgents: createUpstreamAgents(),
      // As services.ts wires it: responses of limits.workerScanBytes or more are scanned in a worker.
      ...(opts.stubScan ? {} : { offThread: pool }),
    };
    const server = await startProxy(ctx, { listen: { host: '127.0.0.1', port: 0 } });
    // As `tollgate run` does once started (cli/tier-up.ts).
    quickenTierUp();
    return {
      ports: { proxy: server.port },
      stats: () => ({ decisions: decisions(), notes }),
      close: async () => {
        await server.close();
        await pool.close();
        await stack?.close();
        // The data dir holds a receipts signing key made for this run: nothing of it is kept.
        if (evidenceHome) rmSync(evidenceHome, { recursive: true, force: true });
      },
    };
  }
  throw new Error(`unknown role ${role}`);
}

const [role = '', json = '{}'] = process.argv.slice(2);
const send = (m: RoleMessage): void => void process.send?.(m);
start(role, JSON.parse(json) as RoleOptions).then(
  (r) => {
    process.on('message', (m: { type?: string }) => {
      if (m.type === 'stats') send({ type: 'stats', stats: r.stats() });
      // The process's own CPU time (user + system µs), for per-request CPU (proxy-cpu.ts).
      if (m.type === 'cpu') send({ type: 'cpu', cpu: process.cpuUsage() });
      if (m.type === 'stop') void r.close().finally(() => process.exit(0));
    });
    process.on('disconnect', () => process.exit(0));
    send({ type: 'ready', ports: r.ports });
  },
  (err: unknown) => {
    process.stderr.write(`proxy-roles ${role}: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
