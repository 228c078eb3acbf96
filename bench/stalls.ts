// `npm run bench:stalls [-- --seconds=N]`: how much of the wall clock this machine actually gives a
// busy thread. A loop that allocates nothing and makes no system call reads the monotonic clock
// every few microseconds; any gap over 5 ms between two reads is time the thread did not run
// (another process had the core, or the hypervisor did not run the virtual CPU at all). On an idle
// dedicated core the gaps sum to about zero. The kernel may still count a stalled virtual CPU as
// the process's CPU time, so on such a machine CPU-time figures are inflated too: compare rows
// measured in one run (interleaved), not runs made at different times.
import { loadAverage, machineLine } from './stats.ts';

export interface StallReport {
  readonly wallMs: number;
  readonly stalls: number;
  readonly stalledMs: number;
  readonly longestMs: number;
}

/** Spins for `seconds` and reports the gaps over `thresholdMs` between consecutive clock reads. */
export function measureStalls(seconds: number, thresholdMs = 5): StallReport {
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let last = start;
  let stalls = 0;
  let stalledMs = 0;
  let longestMs = 0;
  let sink = 0;
  for (;;) {
    for (let i = 0; i < 200; i++) sink += i;
    const now = process.hrtime.bigint();
    const gap = Number(now - last) / 1e6;
    if (gap > thresholdMs) {
      stalls++;
      stalledMs += gap;
      if (gap > longestMs) longestMs = gap;
    }
    last = now;
    if (now >= end) break;
  }
  if (sink < 0) process.stdout.write(''); // keeps the loop's work observable
  return { wallMs: Number(last - start) / 1e6, stalls, stalledMs, longestMs };
}

/** One line for a bench's header: the share of a short busy spin the thread did not run. */
export function stallLine(r: StallReport): string {
  const share = r.wallMs > 0 ? (100 * r.stalledMs) / r.wallMs : 0;
  return `a ${(r.wallMs / 1000).toFixed(1)} s busy loop did not run for ${share.toFixed(0)}% of it (${r.stalls} gaps over 5 ms, longest ${r.longestMs.toFixed(0)} ms)`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 10);
  const before = loadAverage();
  const r = measureStalls(seconds);
  process.stdout.write(`${machineLine(`load average before ${before}, after ${loadAverage()}`)}\n${stallLine(r)}\n`);
}
