// The kill switch's sentinel file: checked at start and then once per interval (one stat each);
// the switch is held on while the file exists.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { KillSwitch } from '../state/index.ts';

export interface Sentinel {
  /** Checks now; resolves once the switch reflects the file. */
  check(): Promise<void>;
  stop(): void;
}

export function watchSentinel(path: string, killSwitch: KillSwitch, opts: { readonly intervalMs: number; readonly now: () => number }): Sentinel {
  // Present at start: hold the switch before the first request can arrive.
  if (existsSync(path)) killSwitch.setFile(true, opts.now());
  let running: Promise<void> | null = null;
  const check = (): Promise<void> => {
    running ??= stat(path)
      .then(
        () => true,
        (err: NodeJS.ErrnoException) => err.code !== 'ENOENT' && err.code !== 'ENOTDIR',
      )
      .then((present) => {
        // A stat that fails for another reason (permissions) keeps the switch on: fail closed.
        killSwitch.setFile(present, opts.now());
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void check(), opts.intervalMs);
  timer.unref();
  return {
    check,
    stop: () => clearInterval(timer),
  };
}
