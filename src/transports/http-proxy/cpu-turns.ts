/**
 * The forward proxy's scans, run in turns of the event loop with a time budget each.
 *
 * libuv accepts one new connection each time it polls the listening socket (libuv#3696, in every
 * Node release since 2022). A loop that runs every scan that became due before it polls again
 * polls seldom under load: with 50 clients fetching 100 KB pages (~5 ms of scanning each), new
 * connections were accepted one every 60-140 ms, the last of 50 after ~3-5 s, and their first
 * requests waited that long (the bench's 100 KB p99 of 1.7-2 s was that wait). Here a scan runs at
 * once while the current turn has spent less than `TURN_BUDGET_MS` since its first scan; past that,
 * and while any scan waits, scans queue in arrival order and run in later turns, each after a poll.
 * Measured (bench:proxy, A/B against the tree without turns, two runs each, 50 connections):
 * 100 KB p99 1,720-1,962 -> 464-700 ms; 1 KB 1,462-1,581 -> 1,996-2,285 req/s and 10 KB
 * 999-1,143 -> 1,244-1,447, the connections being served sooner in each timed run; one connection
 * unchanged within noise. A budget of 10 ms left the 100 KB p99 at 1.1-1.2 s.
 */
import { performance } from 'node:perf_hooks';

/** Scanning time one turn of the event loop spends before it lets the loop poll again. */
export const TURN_BUDGET_MS = 4;

interface Job {
  readonly work: () => unknown;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
}

const queue: Job[] = [];
/** When the current turn's first scan began (-1: no scan yet in this turn). */
let turnStart = -1;
let drainScheduled = false;

function endTurn(): void {
  if (queue.length === 0) turnStart = -1;
}

function runJob(job: Job): void {
  try {
    job.resolve(job.work());
  } catch (err) {
    job.reject(err);
  }
}

/** Runs queued scans for one budget, then leaves the rest to the next turn (after its poll). */
function drain(): void {
  drainScheduled = false;
  // a job that queued another (inTurn from inside a job) can have scheduled a second drain
  if (queue.length === 0) return;
  const start = performance.now();
  turnStart = start;
  do runJob(queue.shift() as Job);
  while (queue.length > 0 && performance.now() - start < TURN_BUDGET_MS);
  if (queue.length > 0) {
    // set from this check phase, the immediate runs in the next turn, after its poll
    drainScheduled = true;
    setImmediate(drain);
  } else turnStart = -1;
}

function scheduleDrain(): void {
  if (drainScheduled) return;
  drainScheduled = true;
  // Two hops: an immediate set in the poll phase (where scans become due) runs before the loop
  // polls again; one set from the check phase runs in the next turn, after its poll.
  setImmediate(() => setImmediate(drain));
}

/** `work()` now when the turn has budget left and nothing waits, else in a later turn; its result (or error) either way. */
export function inTurn<T>(work: () => T): Promise<T> {
  const now = performance.now();
  if (queue.length === 0 && (turnStart < 0 || now - turnStart < TURN_BUDGET_MS)) {
    if (turnStart < 0) {
      turnStart = now;
      setImmediate(endTurn);
    }
    try {
      return Promise.resolve(work());
    } catch (err) {
      return Promise.reject(err);
    }
  }
  return new Promise<T>((resolve, reject) => {
    queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
    scheduleDrain();
  });
}
