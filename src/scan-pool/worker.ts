/**
 * A scan worker: a thread with its own engine, built from the recipe it was started with, that
 * runs one scan at a time for the pool (pool.ts). It holds no session state (recording-state.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Finding } from '../core/index.ts';
import { engineFromRecipe } from '../main.ts';
import type { ScanJob, ScanReply, WorkerReady, WorkerRecipe } from './protocol.ts';
import { RecordingState } from './recording-state.ts';

const recipe = workerData as WorkerRecipe;
const state = new RecordingState();
const { engine } = engineFromRecipe(recipe, state);
// The pool starts a job's deadline when this arrives: building the engine is not the scan's time.
parentPort?.postMessage({ ready: true } satisfies WorkerReady);

parentPort?.on('message', (job: ScanJob) => {
  let reply: ScanReply;
  state.reset();
  try {
    const values = job.values ? new Map<Finding, string[]>() : undefined;
    const verdict = engine.scan(job.input, {
      now: job.now,
      ...(job.session !== undefined ? { session: job.session } : {}),
      ...(job.agent !== undefined ? { agent: job.agent } : {}),
      ...(values ? { secretValues: values } : {}),
    });
    if (state.read) reply = { id: job.id, ok: false, stateRead: true };
    else {
      const indexed: [number, string[]][] = [];
      if (values) verdict.findings.forEach((f, i) => {
        const v = values.get(f);
        if (v) indexed.push([i, v]);
      });
      reply = { id: job.id, ok: true, verdict, values: indexed, events: [...state.events] };
    }
  } catch (err) {
    reply = { id: job.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(reply);
});
