// fetch: GET /fetch?url=… on the proxy listener — Tollgate fetches a page for the agent and returns
// its readable text, title, status and verdict as JSON. It never follows redirects and never
// returns hidden page text or anything the engine stopped.
export { handleFetch } from './handler.ts';
export { htmlTitle, readable, type Readable } from './readable.ts';
export { redactPassages, type Redaction } from './redact.ts';

/** Whether an origin-form request target is the fetch endpoint. */
export function isFetchPath(target: string): boolean {
  return target === '/fetch' || target.startsWith('/fetch?');
}
