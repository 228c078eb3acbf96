import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from './config/index.ts';
import type { DecisionEvent } from './core/index.ts';
import { startEvidence, type EvidenceStack, type EvidenceStackOptions } from './evidence-stack.ts';
import { sampleEvent } from './evidence/receipts/testing.ts';
import { verifyReceiptsFile } from './evidence/receipts/index.ts';

interface Started {
  readonly stack: EvidenceStack;
  readonly home: string;
  /** Request ids of the events the bus delivered, in the order it delivered them. */
  readonly seen: string[];
  /** Resolves once the bus has delivered `n` events. */
  delivered(n: number): Promise<void>;
}

// A window no test waits out: waiting events go on only through flushDeferred, a full batch or close.
const LONG_WINDOW = 60_000;

async function start(opts: EvidenceStackOptions = {}): Promise<Started> {
  const home = mkdtempSync(join(tmpdir(), 'tollgate-evidence-stack-'));
  const stack = await startEvidence(parseConfig('preset: balanced\nreceipts:\n  fsync: false\n'), { env: { TOLLGATE_HOME: home }, note: () => undefined, deferWindowMs: LONG_WINDOW, ...opts });
  const seen: string[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  stack.evidence.bus.subscribe(
    {
      emit: (e: DecisionEvent) => {
        seen.push(e.requestId);
        for (const w of waiters.splice(0)) {
          if (seen.length >= w.n) w.resolve();
          else waiters.push(w);
        }
      },
    },
    'probe',
  );
  const delivered = (n: number): Promise<void> => (seen.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })));
  return { stack, home, seen, delivered };
}

async function stop(t: Started): Promise<void> {
  await t.stack.close();
  rmSync(t.home, { recursive: true, force: true });
}

const ids = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `req-${from + i}`);

describe('evidence stack: deferred decision events', () => {
  it('emitDeferred returns before the event is recorded; flushDeferred records the waiting events in order', async () => {
    const t = await start();
    try {
      for (let i = 0; i < 3; i++) t.stack.emitDeferred(sampleEvent(i));
      assert.deepEqual(t.seen, [], 'nothing is recorded on the emitter’s time');
      t.stack.flushDeferred();
      assert.deepEqual(t.seen, ids(0, 3));
      t.stack.flushDeferred();
      assert.deepEqual(t.seen, ids(0, 3), 'a second flush records nothing twice');
      const metrics = await t.stack.evidence.metrics.render();
      assert.match(metrics, /tollgate_receipts_written_total 3/);
    } finally {
      await stop(t);
    }
  });

  it('emit records the deferred events still waiting first, so the evidence keeps the order of emission', async () => {
    const t = await start();
    try {
      t.stack.emitDeferred(sampleEvent(0));
      t.stack.emitDeferred(sampleEvent(1));
      t.stack.emit(sampleEvent(2));
      assert.deepEqual(t.seen, ids(0, 3));
    } finally {
      await stop(t);
    }
  });

  it('a system line is written after the deferred events still waiting', async () => {
    const t = await start();
    t.stack.emitDeferred(sampleEvent(1));
    t.stack.logSystem({ level: 'info', event: 'test-line', msg: 'after the decision' });
    assert.deepEqual(t.seen, ['req-1']);
    await t.stack.close();
    const lines = readFileSync(join(t.home, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; event: string; requestId?: string });
    const order = lines.filter((l) => l.requestId === 'req-1' || l.event === 'test-line').map((l) => l.kind);
    assert.deepEqual(order, ['decision', 'system']);
    rmSync(t.home, { recursive: true, force: true });
  });

  it('the event that fills the batch records the whole batch at once: the queue is bounded, never dropped', async () => {
    const t = await start({ deferMaxBatch: 4 });
    try {
      for (let i = 0; i < 3; i++) t.stack.emitDeferred(sampleEvent(i));
      assert.deepEqual(t.seen, []);
      t.stack.emitDeferred(sampleEvent(3));
      assert.deepEqual(t.seen, ids(0, 4), 'the fourth event records all four before emitDeferred returns');
      t.stack.emitDeferred(sampleEvent(4));
      assert.deepEqual(t.seen, ids(0, 4), 'the next batch starts empty and waits again');
      t.stack.flushDeferred();
      assert.deepEqual(t.seen, ids(0, 5));
    } finally {
      await stop(t);
    }
  });

  it('waiting events are recorded when the window closes, without a flush', async () => {
    const t = await start({ deferWindowMs: 1 });
    try {
      t.stack.emitDeferred(sampleEvent(0));
      t.stack.emitDeferred(sampleEvent(1));
      await t.delivered(2);
      assert.deepEqual(t.seen, ids(0, 2));
    } finally {
      await stop(t);
    }
  });

  it('close records every waiting event exactly once, in order, in the receipts chain and the audit log; later events are recorded at once', async () => {
    const t = await start();
    for (let i = 0; i < 5; i++) t.stack.emitDeferred(sampleEvent(i));
    assert.deepEqual(t.seen, []);
    const closing = t.stack.close();
    assert.deepEqual(t.seen, ids(0, 5), 'close hands the waiting events on before it closes anything');
    t.stack.emitDeferred(sampleEvent(5));
    assert.deepEqual(t.seen, ids(0, 6), 'once closing, nothing waits');
    await closing;
    const receipts = await verifyReceiptsFile(join(t.home, 'receipts.jsonl'));
    assert.equal(receipts.status, 'ok', JSON.stringify(receipts.broken ?? receipts.warnings));
    assert.equal(receipts.counts.decision, 5);
    const audit = readFileSync(join(t.home, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; requestId?: string })
      .filter((l) => l.kind === 'decision')
      .map((l) => l.requestId);
    assert.deepEqual(audit.slice(0, 5), ids(0, 5));
    assert.equal(new Set(audit).size, audit.length, 'no event is written twice');
    rmSync(t.home, { recursive: true, force: true });
  });
});
