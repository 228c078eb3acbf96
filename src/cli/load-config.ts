import { ConfigError, defaultConfig, loadConfigFile, type LoadedConfig } from '../config/index.ts';
import { configChecks } from '../main.ts';

/** Loads --config FILE or the embedded default; on an invalid config prints every issue and exits 1. */
export function loadConfigOrExit(file: string | undefined): LoadedConfig {
  try {
    return file ? loadConfigFile(file, { checks: configChecks() }) : defaultConfig();
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`tollgate: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
