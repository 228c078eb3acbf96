// The audit log hands the decision lines of one turn of the event loop to its destination as one
// chunk (audit-log.ts). These tests hold that to the bytes, order and drops of writing each line
// on its own turn, which is what the log did before chunks.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DecisionEvent } from '../../core/index.ts';
import { sampleEvent } from '../receipts/testing.ts';
import { auditLine } from './audit-line.ts';
import { createAuditLog, type AuditLog } from './audit-log.ts';
import { toAuditRecord } from './audit-record.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-audit-turns-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const NOW = (): number => Date.UTC(2026, 0, 5, 10);
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

function open(opts: { bufferBytes?: number; level?: 'info' | 'warn' } = {}): { log: AuditLog; path: string; drops: number[] } {
  const path = join(dir, `audit-${++files}.jsonl`);
  const drops: number[] = [];
  const log = createAuditLog({
    destination: path,
    level: opts.level ?? 'info',
    evidencePreviews: true,
    bufferBytes: opts.bufferBytes ?? 1 << 20,
    now: NOW,
    onDrop: (n, reason) => {
      assert.equal(reason, 'buffer-full');
      drops.push(n);
    },
  });
  return { log, path, drops };
}

/** Events of every kind the log writes: plain lines, lines pino writes (strings it escapes), warn lines, odd strings, long strings. */
function events(): DecisionEvent[] {
  const out: DecisionEvent[] = [];
  const odd = ['"quoted"', 'back\\slash', 'line\nbreak', '\u0000nul', 'lone \ud800 surrogate', 'paired \ud83d\ude00', 'é\u2028', 'x'.repeat(3000)];
  for (let i = 0; i < 40; i++) {
    const overrides: Partial<DecisionEvent> = i % 5 === 4 ? { reason: odd[i % odd.length] as string } : i % 7 === 3 ? { target: `https://example.com/${odd[i % odd.length] as string}` } : {};
    out.push(sampleEvent(i, overrides));
  }
  return out;
}

type Step = { readonly kind: 'event'; readonly event: DecisionEvent } | { readonly kind: 'system'; readonly msg: string };

function steps(): Step[] {
  const out: Step[] = [];
  events().forEach((event, i) => {
    out.push({ kind: 'event', event });
    if (i % 9 === 8) out.push({ kind: 'system', msg: `note ${i}` });
  });
  return out;
}

function run(log: AuditLog, step: Step): void {
  if (step.kind === 'event') log.emit(step.event);
  else log.logSystem({ level: 'info', event: 'note', msg: step.msg });
}

describe('audit log: the lines of one turn go out together', () => {
  it('writes the same bytes in the same order whether the lines come in one turn or one turn each', async () => {
    const together = open();
    for (const s of steps()) run(together.log, s);
    await together.log.close();
    const apart = open();
    for (const s of steps()) {
      run(apart.log, s);
      await turn();
    }
    await apart.log.close();
    const a = readFileSync(together.path);
    const b = readFileSync(apart.path);
    assert.ok(a.length > 0);
    assert.ok(a.equals(b), 'byte-identical files');
    // Every step is a line, in order: decisions (info and warn, fast path and pino's) and system lines.
    const lines = a.toString('utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, steps().length);
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { requestId?: string; msg?: string }).requestId ?? (JSON.parse(l) as { msg: string }).msg),
      steps().map((s) => (s.kind === 'event' ? s.event.requestId : s.msg)),
    );
  });

  it('writes the lines of the turn that close() ends, before closing', async () => {
    const { log, path } = open();
    for (let i = 0; i < 5; i++) log.emit(sampleEvent(i));
    await log.close();
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { requestId: string }).requestId),
      ['req-0', 'req-1', 'req-2', 'req-3', 'req-4'],
    );
  });

  it('drops exactly the lines a full buffer would have refused one at a time, and reports each', async () => {
    const lengths = [200, 40, 300, 900, 20, 700, 5, 400, 60, 1000, 1, 250];
    const evs = lengths.map((n, i) => sampleEvent(i, { reason: `reason ${'r'.repeat(n)}` }));
    const texts = evs.map((e) => auditLine(toAuditRecord(e, { evidencePreviews: true }), e.action === 'allow' ? 'info' : 'warn'));
    assert.ok(texts.every((t) => t !== null), 'these events take the direct path');
    const sizes = texts.map((t) => Buffer.byteLength(t as string));
    // A buffer that holds some lines of the burst but not all, so a later, shorter line can still fit.
    const bufferBytes = sizes.slice(0, 3).reduce((a, b) => a + b, 0) + 10;
    // SonicBoom's rule, line by line: a line goes in when what is buffered plus it fits.
    const kept: number[] = [];
    let buffered = 0;
    sizes.forEach((n, i) => {
      if (buffered + n <= bufferBytes) {
        buffered += n;
        kept.push(i);
      }
    });
    assert.ok(kept.length > 0 && kept.length < evs.length, 'the burst is partly dropped');
    const { log, path, drops } = open({ bufferBytes });
    for (const e of evs) log.emit(e);
    await log.close();
    assert.equal(readFileSync(path, 'utf8'), kept.map((i) => texts[i]).join(''));
    assert.deepEqual(drops, new Array(evs.length - kept.length).fill(1));
  });
});
