// For tests of the deadline: a scan worker that says it is ready and never answers a job.
import { parentPort } from 'node:worker_threads';

parentPort?.postMessage({ ready: true });
parentPort?.on('message', () => undefined);
