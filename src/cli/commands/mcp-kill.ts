// The kill switch of a `tollgate mcp` process: SIGUSR1 flips its manual hold and the sentinel file
// (killSwitch.file in dataDir, the same file `tollgate run` watches) holds it on while it exists.
// While it is on, the MCP session stops every message both ways (McpSession's `killed`), held
// calls are denied, and each change is recorded as a kill-switch event.
import type { TollgateConfig } from '../../config/index.ts';
import type { DecisionEvent } from '../../core/index.ts';
import { killSwitchEvent } from '../../control/events.ts';
import { watchSentinel } from '../../control/sentinel.ts';
import { resolveDataDir, resolveInDataDir } from '../../evidence/data-dir.ts';
import { createKillSwitch } from '../../state/index.ts';

export interface McpKillSwitch {
  readonly killed: () => boolean;
  /** The sentinel file that holds the switch on while it exists. */
  readonly sentinelPath: string;
  /** Calls `fn` each time the switch turns on. */
  onOn(fn: () => void): void;
  stop(): void;
}

export function startMcpKillSwitch(cfg: TollgateConfig, configHash: string, emit: (e: DecisionEvent) => void, note: (line: string) => void): McpKillSwitch {
  const ks = createKillSwitch();
  const ons: (() => void)[] = [];
  ks.subscribe((s, previous) => {
    emit(killSwitchEvent(s, Date.now(), cfg.mode, configHash));
    note(`mcp: kill switch ${s.on ? 'on: every MCP message is stopped' : 'off: messages are inspected and relayed again'} (${s.by ?? 'unknown'})`);
    if (s.on && !previous.on) for (const fn of ons) fn();
  });
  const sentinelPath = resolveInDataDir(resolveDataDir(cfg.dataDir), cfg.killSwitch.file);
  const sentinel = watchSentinel(sentinelPath, ks, { intervalMs: cfg.killSwitch.pollMs, now: Date.now });
  const toggle = (): void => void ks.toggleManual('signal', Date.now());
  process.on('SIGUSR1', toggle);
  return {
    killed: () => ks.on,
    sentinelPath,
    onOn: (fn) => void ons.push(fn),
    stop: () => {
      sentinel.stop();
      process.off('SIGUSR1', toggle);
    },
  };
}
