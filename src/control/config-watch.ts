// Watches the config file for changes by polling its stat (fs.watchFile: one stat per interval,
// robust to editors that replace the file), then calls back once the changes have settled.
import { unwatchFile, watchFile, type Stats } from 'node:fs';

export interface WatchOptions {
  /** Milliseconds between stats. */
  readonly intervalMs?: number;
  /** Changes within this many milliseconds of each other cause one callback. */
  readonly debounceMs?: number;
}

export function watchConfigFile(path: string, onChange: () => void, opts: WatchOptions = {}): () => void {
  const debounceMs = opts.debounceMs ?? 300;
  let timer: NodeJS.Timeout | null = null;
  const listener = (curr: Stats, prev: Stats): void => {
    if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size && curr.ino === prev.ino) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, debounceMs);
    timer.unref();
  };
  watchFile(path, { interval: opts.intervalMs ?? 1000, persistent: false }, listener);
  return () => {
    unwatchFile(path, listener);
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
