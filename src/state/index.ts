// state: bounded per-session and per-key state behind small interfaces (fragment buffers,
// rate limits). In-memory implementations first; every structure has an explicit bound.
export { createRateLimiter, type RateLimiter } from './rate-limit.ts';
