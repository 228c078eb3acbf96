// Starts the scan worker (worker.ts) from the source tree. A worker thread does not inherit
// tsx's loader from the thread that starts it, so this registers tsx first. The bundle (dist/)
// starts scan-worker.js directly and never loads this file.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
