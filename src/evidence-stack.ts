// The evidence side of the composition root, shared by `tollgate run` (services.ts) and
// `tollgate mcp`: data dir, the fingerprint key, audit log + metrics + sinks, and the receipts
// chain, all subscribed to one bus.
import type { LoadedConfig } from './config/index.ts';
import type { DecisionEvent } from './core/index.ts';
import { resolveDataDir } from './evidence/data-dir.ts';
import { createEvidence, type Evidence, type SystemEvent } from './evidence/index.ts';
import { openReceipts, type OpenedReceipts } from './evidence/receipts/index.ts';
import { loadEvidenceKey, VERSION } from './main.ts';
import { DEFER_WINDOW_MS, deferEmit } from './evidence/deferred-emit.ts';

export interface EvidenceStack {
  readonly dataDir: string;
  readonly evidenceKey: Uint8Array;
  readonly evidence: Evidence;
  readonly receipts: OpenedReceipts;
  /** Records the event now, after any deferred events still waiting (so the order holds). */
  readonly emit: (e: DecisionEvent) => void;
  /**
   * Records the event a moment later, off the emitter's critical path: events wait, in order with
   * everything emitted here, until the window closes or the batch is full, and then go to the bus
   * together (evidence/deferred-emit.ts). The event that fills the batch records it at once,
   * on its emitter's time: that is the bound (backpressure), and nothing is dropped. After close()
   * began, events are recorded at once.
   */
  readonly emitDeferred: (e: DecisionEvent) => void;
  /** Records every deferred event still waiting, now, in order (before reading /metrics, in tests). */
  flushDeferred(): void;
  /** A system line (startup, shutdown, notes), written after any deferred events still waiting. */
  logSystem(event: SystemEvent): void;
  /** Records the deferred events still waiting, then flushes and closes receipts (close checkpoint), then the audit log and sinks. */
  close(): Promise<void>;
}

export interface EvidenceStackOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly note?: (line: string) => void;
  /**
   * Receipts file to use instead of receipts.file, relative to dataDir (for processes that run
   * side by side, like one `tollgate mcp` per server).
   */
  readonly receiptsFile?: string;
  /** When the receipts file is held by another live process, use this one instead. */
  readonly receiptsFallbackFile?: string;
  /** How long the first deferred event waits for others (default DEFER_WINDOW_MS, 20 ms). */
  readonly deferWindowMs?: number;
  /** Most deferred events that wait; the one that makes it this many records them all (default DEFER_MAX_BATCH). */
  readonly deferMaxBatch?: number;
}

/**
 * The most deferred events that wait at once. Each costs about 150–270 µs to record on the
 * reference VM (audit line, metrics, canonical receipt body, then its Ed25519 seal in the receipts
 * writer's loop), so a full batch holds the event loop for about 10–17 ms: a bound on the stall
 * that whichever request is under way when it is recorded sees, and on the memory held.
 */
export const DEFER_MAX_BATCH = 64;

/**
 * The per-transport counters, read off the one decision event (decisions, findings, latency and
 * bytes are counted by the metrics module itself): tunnels, WebSocket frames, MCP messages.
 */
export function recordTransportMetrics(evidence: Pick<Evidence, 'metrics'>, e: DecisionEvent): void {
  const m = evidence.metrics;
  if (e.type === 'tunnel') m.recordTunnel(e.transport === 'https-intercept');
  else if (e.type === 'frame') m.recordWebSocketFrame(e.method === 'inbound' ? 'inbound' : 'outbound', e.action);
  if (e.transport.startsWith('mcp-')) {
    const inbound = e.type === 'tool-list' || e.type === 'tool-result';
    m.recordMcpMessage(e.method ?? e.type, inbound ? 'inbound' : 'outbound');
  }
}

export async function startEvidence(loaded: LoadedConfig, opts: EvidenceStackOptions = {}): Promise<EvidenceStack> {
  const env = opts.env ?? process.env;
  const note = opts.note ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const cfg = loaded.config;
  const dataDir = resolveDataDir(cfg.dataDir, { env });
  const evidenceKey = loadEvidenceKey(dataDir);
  const evidence = await createEvidence(cfg, dataDir, { env, version: VERSION });
  const onError = (err: Error): void => evidence.logSystem({ level: 'error', event: 'receipts-error', msg: err.message });
  const onInfo = (msg: string): void => evidence.logSystem({ level: 'info', event: 'receipts', msg });
  const rcfg = opts.receiptsFile ? { ...cfg.receipts, file: opts.receiptsFile } : cfg.receipts;
  let receipts: OpenedReceipts;
  try {
    try {
      receipts = await openReceipts(rcfg, dataDir, { onError, onInfo });
    } catch (err) {
      if (!opts.receiptsFallbackFile || (err as { code?: string }).code !== 'RECEIPTS_LOCKED') throw err;
      note(`receipts: ${(err as Error).message}; writing this process's chain to ${opts.receiptsFallbackFile}`);
      receipts = await openReceipts({ ...rcfg, file: opts.receiptsFallbackFile }, dataDir, { onError, onInfo });
    }
  } catch (err) {
    await evidence.close();
    throw err;
  }
  for (const n of receipts.notices) {
    evidence.logSystem({ level: n.level, event: 'receipts', msg: n.msg });
    note(n.msg);
  }
  evidence.bus.subscribe(receipts.sink, 'receipts');
  if (receipts.writer) evidence.bus.subscribe({ emit: () => evidence.metrics.recordReceipts(1) }, 'receipts-metric');
  evidence.bus.subscribe({ emit: (e) => recordTransportMetrics(evidence, e) }, 'transport-metrics');
  const record = (e: DecisionEvent): void => evidence.bus.emit(e);
  const deferred = deferEmit(record, { windowMs: opts.deferWindowMs ?? DEFER_WINDOW_MS, maxBatch: opts.deferMaxBatch ?? DEFER_MAX_BATCH });
  const flushDeferred = deferred.flush;
  let closed = false;
  let closing: Promise<void> | null = null;
  return {
    dataDir,
    evidenceKey,
    evidence,
    receipts,
    // queued behind whatever waits and handed on at once (inside a flush, the running flush takes it in order)
    emit: deferred.emitNow,
    emitDeferred: (e) => {
      deferred.emit(e);
      if (closed) flushDeferred();
    },
    flushDeferred,
    logSystem: (e) => {
      flushDeferred();
      evidence.logSystem(e);
    },
    close() {
      closing ??= (async () => {
        closed = true;
        flushDeferred();
        await receipts.close();
        await evidence.close();
      })();
      return closing;
    },
  };
}
