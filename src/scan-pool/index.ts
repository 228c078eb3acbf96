// scan-pool: worker threads that run engine.scan for large inputs, off the event loop (pool.ts).
import type { TollgateConfig } from '../config/schema.ts';
import { recipeOf } from '../main.ts';
import { ScanPool } from './pool.ts';

export { ScanPool, type ScanPoolOptions } from './pool.ts';

/**
 * The pool for a config whose policy does not change (tollgate mcp), or undefined when its
 * limits.workerScanBytes is 0. The pool reads the threshold and size from the engine it is handed.
 */
export function scanPoolFor(config: TollgateConfig): ScanPool | undefined {
  if (config.limits.workerScanBytes <= 0) return undefined;
  return new ScanPool({ recipeOf });
}

/** A pool that follows the live engine (tollgate run: a reload may turn it on or off). */
export function livePool(): ScanPool {
  return new ScanPool({ recipeOf });
}
