// For pool.test.ts: a scan worker that takes 2.5 s to start (a slow machine, a cold disk), so a
// test can tell a deadline that counts the worker's start from one that counts only the scan.
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2500);
await import('./worker-boot.mjs');
