// Small helpers shared by the transport benchmarks: percentiles over latency samples, the
// machine line, and the load average (the machine is shared, so readers need it to judge).
import { cpus, loadavg } from 'node:os';

/** The value at percentile p (0..100) of ascending-sorted samples (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Median and p99 of latency samples in milliseconds (the input is not modified). */
export function summarize(samples: readonly number[]): { median: number; p99: number; count: number } {
  const sorted = Float64Array.from(samples).sort();
  return { median: percentile(sorted, 50), p99: percentile(sorted, 99), count: sorted.length };
}

export function ms(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  return v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(1)} ms`;
}

export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

export function machineLine(extra: string): string {
  return `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores visible), Node ${process.version}, ${extra}`;
}

/** A markdown table from a header row and body rows. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
