// Messages between the scan pool (pool.ts) and its workers (worker.ts).
import type { ScanInput, Verdict } from '../core/index.ts';
import type { TollgateConfig } from '../config/schema.ts';
import type { RecordedToolEvent } from './recording-state.ts';

/** What a worker builds its engine from (workerData). */
export interface WorkerRecipe {
  readonly config: TollgateConfig;
  readonly knownSecrets: readonly { readonly name: string; readonly value: string }[];
  readonly evidenceKey?: Uint8Array;
}

export interface ScanJob {
  readonly id: number;
  readonly input: ScanInput;
  readonly now: number;
  readonly session?: string;
  readonly agent?: string;
  /** Whether the caller wants the matched values (redaction). */
  readonly values: boolean;
}

/** The worker's first message: its engine is built and it takes jobs from now on. */
export interface WorkerReady {
  readonly ready: true;
}

export type ScanReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly verdict: Verdict;
      /** Matched values by index into verdict.findings. */
      readonly values: readonly (readonly [number, readonly string[]])[];
      /** Session writes to replay on the main thread. */
      readonly events: readonly RecordedToolEvent[];
    }
  /** The scan read session state: the caller scans inline. */
  | { readonly id: number; readonly ok: false; readonly stateRead: true }
  | { readonly id: number; readonly ok: false; readonly stateRead?: false; readonly message: string };
