// For tests of a worker failure: a scan worker that says it is ready and exits on its first job.
import { parentPort } from 'node:worker_threads';

parentPort?.postMessage({ ready: true });
parentPort?.on('message', () => process.exit(3));
