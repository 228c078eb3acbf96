/**
 * Where Tollgate keeps state between runs. TOLLGATE_HOME (when set and not empty) overrides the
 * config's `dataDir`; a leading `~` is the user's home; a relative dataDir is taken from the
 * working directory. A relative path inside the data dir (receipts.file, keyFile) is joined to it.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export interface DataDirContext {
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
  readonly cwd?: string;
}

function expandHome(path: string, home: string): string {
  return path === '~' || path.startsWith('~/') ? join(home, path.slice(1)) : path;
}

/** The absolute data directory. */
export function resolveDataDir(configured: string, ctx: DataDirContext = {}): string {
  const env = ctx.env ?? process.env;
  const home = ctx.home ?? homedir();
  const chosen = env.TOLLGATE_HOME ? env.TOLLGATE_HOME : configured;
  return resolve(ctx.cwd ?? process.cwd(), expandHome(chosen, home));
}

/** A path from the config: absolute (or `~/…`) as given, otherwise inside dataDir. */
export function resolveInDataDir(dataDir: string, path: string, ctx: DataDirContext = {}): string {
  const p = expandHome(path, ctx.home ?? homedir());
  return isAbsolute(p) ? p : join(dataDir, p);
}
