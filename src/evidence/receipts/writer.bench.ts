// Receipts writer throughput with and without fdatasync: `npx tsx src/evidence/receipts/writer.bench.ts`.
// burst: 20,000 events emitted at once (group commit makes batches of up to 64 events).
// one-by-one: 500 events, each awaited before the next (one batch, one write and one fsync per receipt).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey } from './keys.ts';
import { sampleEvent } from './testing.ts';
import { createReceiptWriter } from './writer.ts';

const key = generateSigningKey();

async function run(fsync: boolean, mode: 'burst' | 'one-by-one'): Promise<{ perSecond: number; batches: number; n: number }> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'tollgate-bench-'));
  const w = await createReceiptWriter({ file: join(dir, 'r.jsonl'), privateKey: key.privateKey, fsync, maxQueue: 100_000 });
  const n = mode === 'burst' ? 20_000 : 500;
  const t0 = process.hrtime.bigint();
  if (mode === 'burst') {
    for (let i = 0; i < n; i++) w.emit(sampleEvent(i));
    await w.flush();
  } else {
    for (let i = 0; i < n; i++) {
      w.emit(sampleEvent(i));
      await w.flush();
    }
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const { batches } = w.stats();
  await w.close();
  rmSync(dir, { recursive: true, force: true });
  return { perSecond: Math.round((n / ms) * 1000), batches, n };
}

const rows: string[] = ['| mode | fsync | events | batches | receipts/s |', '|---|---|---:|---:|---:|'];
for (const mode of ['burst', 'one-by-one'] as const) {
  for (const fsync of [false, true]) {
    const r = await run(fsync, mode);
    rows.push(`| ${mode} | ${fsync ? 'on' : 'off'} | ${r.n} | ${r.batches} | ${r.perSecond} |`);
  }
}
process.stdout.write(`${rows.join('\n')}\n`);
