// Starts the seal worker (seal-worker.ts) from the source tree. A worker thread does not inherit
// tsx's loader from the thread that starts it, so this registers tsx first. The bundle (dist/)
// starts seal-worker.js directly and never loads this file.
import { register } from 'tsx/esm/api';

register();
await import('./seal-worker.ts');
