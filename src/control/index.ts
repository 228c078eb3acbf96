// control: the running process's control plane for `tollgate run`: the live policy that hot
// reload swaps (SIGHUP, the config file watch), the kill switch (API, SIGUSR1, sentinel file) and
// the per-domain budget and agent-name state handed to the listeners. Signals are installed by the
// CLI, not here, so several instances can run in one process (tests).
import { statSync } from 'node:fs';
import type { LoadedConfig, TollgateConfig } from '../config/index.ts';
import { defaultConfig, loadConfigFile } from '../config/index.ts';
import type { DecisionEvent, Severity } from '../core/index.ts';
import { ruleCatalog } from '../engine/index.ts';
import { resolveInDataDir } from '../evidence/data-dir.ts';
import type { Evidence } from '../evidence/index.ts';
import { configChecks, createRuntime } from '../main.ts';
import { createMemorySessionState } from '../scanners/split-secrets/index.ts';
import { createAgentNames, createBudgets, createKillSwitch, type KillSwitch } from '../state/index.ts';
import { createResolver } from '../transports/http-proxy/index.ts';
import { createPolicySignal, type ProxyControl } from '../transports/http-proxy/control.ts';
import { watchConfigFile, type WatchOptions } from './config-watch.ts';
import { killSwitchEvent, reloadEvent } from './events.ts';
import { createLivePolicy, type ActivePolicy, type LivePolicy } from './live.ts';
import { createReloader, type ReloadResult, type ReloadTrigger } from './reload.ts';
import { watchSentinel } from './sentinel.ts';

export { liveProxyContext, type ActivePolicy, type LivePolicy } from './live.ts';
export type { ReloadResult, ReloadTrigger } from './reload.ts';

export interface ControlPlaneOptions {
  readonly loaded: LoadedConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  readonly evidenceKey: Uint8Array;
  readonly evidence: Pick<Evidence, 'metrics' | 'logSystem'>;
  readonly emit: (event: DecisionEvent) => void;
  /** Operational lines for the operator's terminal. */
  readonly note: (line: string) => void;
  /** The file a reload reads (tollgate run --config); without it a reload re-reads the embedded default. */
  readonly configFile?: string;
  /** Accept a reload that weakens the policy (tollgate run --allow-downgrade). */
  readonly allowDowngrade?: boolean;
  /** Watch configFile and reload on change (default on; false turns it off). */
  readonly watchConfig?: boolean | WatchOptions;
  readonly now?: () => number;
}

export interface ControlPlane {
  readonly live: LivePolicy;
  readonly killSwitch: KillSwitch;
  /** What every listener's ProxyContext carries. */
  readonly proxyControl: ProxyControl;
  /** The sentinel file that holds the kill switch on while it exists. */
  readonly sentinelPath: string;
  reload(trigger: ReloadTrigger): ReloadResult;
  /** Checks the sentinel file now (it is also checked every killSwitch.pollMs). */
  checkSentinel(): Promise<void>;
  stop(): void;
}

const SEVERITIES = new Set<string>(['info', 'low', 'medium', 'high', 'critical']);

/**
 * The interception CA certificate file as the proxy loaded it at start (its path, and a stamp of
 * size, mtime and inode), or undefined when interception is off. The CA is read once, when the
 * listener starts; a reload compares the file with this stamp only to say so when it changed
 * (after `tollgate tls init --force`), never to load it.
 */
function caFileStamp(cfg: TollgateConfig, dataDir: string): { file: string; stamp: string } | undefined {
  if (!cfg.proxy.enabled || !cfg.proxy.tlsInterception.enabled) return undefined;
  const file = resolveInDataDir(dataDir, cfg.proxy.tlsInterception.caCert);
  return { file, stamp: stampOf(file) };
}

function stampOf(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return 'missing';
  }
}

export function startControlPlane(o: ControlPlaneOptions): ControlPlane {
  const now = o.now ?? (() => Date.now());
  const cfg = o.loaded.config;
  const ss = cfg.scanners.splitSecrets;
  // One session store for every engine this process builds, so a reload keeps the windows.
  const state = createMemorySessionState({ maxBytesPerSession: ss.windowBytes, ttlMs: ss.ttlSeconds * 1000, maxSessions: ss.maxSessions });
  const build = (loaded: LoadedConfig): ActivePolicy => ({
    loaded,
    runtime: createRuntime(loaded, o.env, { evidenceKey: o.evidenceKey, state }),
    resolver: createResolver(loaded.config.dns),
  });
  const live = createLivePolicy(build(o.loaded));
  const policy = (): { mode: ActivePolicy['loaded']['config']['mode']; hash: string } => ({ mode: live.get().loaded.config.mode, hash: live.get().loaded.hash });

  const killSwitch = createKillSwitch();
  killSwitch.subscribe((s, prev) => {
    o.evidence.metrics.setKillSwitch(s.on);
    const holds = `manual ${s.manual ? 'on' : 'off'}, file ${s.file ? 'present' : 'absent'}`;
    const msg = s.on === prev.on ? `kill switch still ${s.on ? 'on' : 'off'} (${s.by ?? 'unknown'}: ${holds})` : `kill switch ${s.on ? 'ON' : 'off'} (${s.by ?? 'unknown'}: ${holds})`;
    o.evidence.logSystem({ level: s.on ? 'warn' : 'info', event: 'kill-switch', msg, detail: { on: s.on, manual: s.manual, file: s.file, by: s.by ?? 'unknown' } });
    o.note(msg);
    if (s.on !== prev.on) {
      const p = policy();
      o.emit(killSwitchEvent(s, now(), p.mode, p.hash));
    }
  });
  const sentinelPath = resolveInDataDir(o.dataDir, cfg.killSwitch.file);
  const sentinel = watchSentinel(sentinelPath, killSwitch, { intervalMs: cfg.killSwitch.pollMs, now });

  const catalog = new Map(ruleCatalog().map((r) => [r.id, r.severity]));
  const reloader = createReloader({
    live,
    read: () => (o.configFile ? loadConfigFile(o.configFile, { checks: configChecks() }) : defaultConfig()),
    build,
    allowDowngrade: o.allowDowngrade === true,
    ruleSeverity: (rule) => {
      const s = catalog.get(rule);
      return s !== undefined && SEVERITIES.has(s) ? (s as Severity) : undefined;
    },
  });
  const ca = caFileStamp(cfg, o.dataDir);
  // Tells the listeners after an applied reload, so open tunnels and WebSockets are judged again.
  const reloads = createPolicySignal();
  const reload = (trigger: ReloadTrigger): ReloadResult => {
    const result = reloader(trigger);
    // The CA's files are not part of the config: a new CA (tls init --force) leaves the hash as it
    // was, and the running proxy keeps signing with the CA it loaded. Say so rather than nothing.
    const caChanged = ca !== undefined && stampOf(ca.file) !== ca.stamp;
    const r: ReloadResult = caChanged
      ? { ...result, reason: `${result.reason}; the interception CA file ${ca.file} changed since Tollgate started, but the running CA is kept until a restart (leaf certificates are still signed by the CA loaded at start)` }
      : result;
    const msg = `config reload (${trigger}) ${r.outcome}: ${r.reason}`;
    o.note(msg);
    o.evidence.logSystem({
      level: r.outcome === 'rejected' || caChanged ? 'warn' : 'info',
      event: 'config-reload',
      msg,
      detail: { outcome: r.outcome, trigger, configHash: r.hash, downgrades: r.downgrades.length, restartOnly: r.restartOnly.join(',') },
    });
    if (r.outcome !== 'unchanged') {
      o.evidence.metrics.recordConfigReload(r.outcome);
      const p = policy();
      o.emit(
        reloadEvent({
          applied: r.outcome === 'applied',
          reason: r.reason,
          trigger,
          source: o.configFile ?? '<default: balanced>',
          configHash: r.hash,
          mode: p.mode,
          at: now(),
          problems: r.invalid.length > 0 ? r.invalid : r.outcome === 'rejected' ? r.downgrades : [],
          invalid: r.invalid.length > 0,
        }),
      );
    }
    if (r.outcome === 'applied') reloads.notify();
    return r;
  };
  const watchOpts = typeof o.watchConfig === 'object' ? o.watchConfig : {};
  const stopWatch = o.configFile && o.watchConfig !== false ? watchConfigFile(o.configFile, () => void reload('file'), watchOpts) : null;

  return {
    live,
    killSwitch,
    proxyControl: { killSwitch, reloads, budgets: createBudgets({ maxKeys: cfg.budgets.maxKeys }), agentNames: createAgentNames({ maxNamesPerClient: cfg.identity.maxAgentsPerClient }) },
    sentinelPath,
    reload,
    checkSentinel: () => sentinel.check(),
    stop() {
      sentinel.stop();
      stopWatch?.();
    },
  };
}
