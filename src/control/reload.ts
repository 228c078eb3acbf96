// Hot reload: read and validate the config again, refuse it when it is invalid or weaker than the
// running one (unless started with --allow-downgrade), otherwise build a new engine and swap it in
// with one assignment. Synchronous from read to swap, so no request ever sees half a reload.
import type { LoadedConfig, TollgateConfig } from '../config/index.ts';
import { ConfigError } from '../config/index.ts';
import { configDowngrades, type Downgrade } from '../config/downgrade.ts';
import type { Severity } from '../core/index.ts';
import type { ActivePolicy, LivePolicy } from './live.ts';

export type ReloadTrigger = 'signal' | 'file';

export interface ReloadResult {
  readonly outcome: 'applied' | 'rejected' | 'unchanged';
  /** One line a person can act on. */
  readonly reason: string;
  readonly trigger: ReloadTrigger;
  /** The hash of the policy running after the attempt. */
  readonly hash: string;
  /** Weakening changes: why it was refused, or what --allow-downgrade let through. */
  readonly downgrades: readonly Downgrade[];
  /** Invalid keys (with line:column in `change`) when the new config did not validate. */
  readonly invalid: readonly Downgrade[];
  /** Changed settings that only take effect after a restart (listener addresses, evidence, …). */
  readonly restartOnly: readonly string[];
}

export interface ReloaderDeps {
  readonly live: LivePolicy;
  /** Reads and validates the config (throws ConfigError or TollgateError). */
  readonly read: () => LoadedConfig;
  /** Builds the engine and resolver for a validated config (may throw: e.g. an unreadable secrets file). */
  readonly build: (loaded: LoadedConfig) => ActivePolicy;
  readonly allowDowngrade: boolean;
  readonly ruleSeverity?: (rule: string) => Severity | undefined;
}

/** Settings read once at start; a reload that changes them says so and keeps the running values. */
export const RESTART_ONLY: readonly string[] = [
  'dataDir',
  'proxy.enabled',
  'proxy.listen',
  'proxy.tlsInterception.enabled',
  'proxy.tlsInterception.caCert',
  'proxy.tlsInterception.caKey',
  'proxy.tlsInterception.extraCaFile',
  'proxy.tlsInterception.leafCacheSize',
  // the keep-alive pools are made once, for every listener, when Tollgate starts
  'proxy.upstreamIdleSockets',
  'api',
  'reverse',
  'logging',
  'sinks',
  'metrics',
  'receipts',
  'killSwitch',
  'budgets.maxKeys',
  'identity.maxAgentsPerClient',
  'scanners.splitSecrets.windowBytes',
  'scanners.splitSecrets.ttlSeconds',
  'scanners.splitSecrets.maxSessions',
];

function at(config: TollgateConfig, path: string): string {
  let v: unknown = config;
  for (const k of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return JSON.stringify(v) ?? 'undefined';
}

export function restartOnlyChanges(before: TollgateConfig, after: TollgateConfig): string[] {
  return RESTART_ONLY.filter((p) => at(before, p) !== at(after, p));
}

function oneLine(text: string, max = 600): string {
  const t = text.replace(/\s*\n\s*/g, '; ');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function listed(d: readonly Downgrade[]): string {
  const shown = d.slice(0, 6).map((x) => `${x.key} (${x.change})`);
  return d.length > 6 ? `${shown.join(', ')} and ${d.length - 6} more` : shown.join(', ');
}

export function createReloader(deps: ReloaderDeps): (trigger: ReloadTrigger) => ReloadResult {
  return (trigger) => {
    const before = deps.live.get();
    const base = { trigger, downgrades: [] as Downgrade[], invalid: [] as Downgrade[], restartOnly: [] as string[] };
    const rejected = (reason: string, extra: Partial<ReloadResult> = {}): ReloadResult => ({ ...base, ...extra, outcome: 'rejected', hash: before.loaded.hash, reason: `${reason}; the running config (${before.loaded.hash.slice(0, 12)}) stays` });
    let loaded: LoadedConfig;
    try {
      loaded = deps.read();
    } catch (err) {
      const invalid = err instanceof ConfigError ? err.issues.map((i) => ({ key: i.key, change: `${i.line}:${i.column} ${i.message}` })) : [];
      return rejected(`the new config is invalid: ${oneLine((err as Error).message)}`, { invalid });
    }
    if (loaded.hash === before.loaded.hash) return { ...base, outcome: 'unchanged', hash: loaded.hash, reason: `the config is unchanged (${loaded.hash.slice(0, 12)})` };
    const downgrades = configDowngrades(before.loaded.config, loaded.config, deps.ruleSeverity ? { ruleSeverity: deps.ruleSeverity } : {});
    if (downgrades.length > 0 && !deps.allowDowngrade) {
      return rejected(`the new config weakens the policy: ${listed(downgrades)} (start with --allow-downgrade to accept weaker configs)`, { downgrades });
    }
    let next: ActivePolicy;
    try {
      next = deps.build(loaded);
    } catch (err) {
      return rejected(`the new config could not be put in place: ${oneLine((err as Error).message)}`);
    }
    deps.live.swap(next);
    const restartOnly = restartOnlyChanges(before.loaded.config, loaded.config);
    const notes = [
      downgrades.length > 0 ? `weaker settings accepted (--allow-downgrade): ${listed(downgrades)}` : '',
      restartOnly.length > 0 ? `changed but kept until a restart (listeners and evidence are not reloaded): ${restartOnly.join(', ')}` : '',
    ].filter(Boolean);
    return {
      ...base,
      outcome: 'applied',
      hash: loaded.hash,
      downgrades,
      restartOnly,
      reason: `config ${loaded.hash.slice(0, 12)} applied (was ${before.loaded.hash.slice(0, 12)})${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`,
    };
  };
}
