// The evidence side of the composition root, shared by `tollgate run` (services.ts) and
// `tollgate mcp`: data dir, the fingerprint key, audit log + metrics + sinks, and the receipts
// chain, all subscribed to one bus.
import type { LoadedConfig } from './config/index.ts';
import type { DecisionEvent } from './core/index.ts';
import { resolveDataDir } from './evidence/data-dir.ts';
import { createEvidence, type Evidence } from './evidence/index.ts';
import { openReceipts, type OpenedReceipts } from './evidence/receipts/index.ts';
import { loadEvidenceKey, VERSION } from './main.ts';

export interface EvidenceStack {
  readonly dataDir: string;
  readonly evidenceKey: Uint8Array;
  readonly evidence: Evidence;
  readonly receipts: OpenedReceipts;
  readonly emit: (e: DecisionEvent) => void;
  /** Flushes and closes receipts (close checkpoint), then the audit log and sinks. */
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
}

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
  const rcfg = opts.receiptsFile ? { ...cfg.receipts, file: opts.receiptsFile } : cfg.receipts;
  let receipts: OpenedReceipts;
  try {
    try {
      receipts = await openReceipts(rcfg, dataDir, { onError });
    } catch (err) {
      if (!opts.receiptsFallbackFile || (err as { code?: string }).code !== 'RECEIPTS_LOCKED') throw err;
      note(`receipts: ${(err as Error).message}; writing this process's chain to ${opts.receiptsFallbackFile}`);
      receipts = await openReceipts({ ...rcfg, file: opts.receiptsFallbackFile }, dataDir, { onError });
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
  let closing: Promise<void> | null = null;
  return {
    dataDir,
    evidenceKey,
    evidence,
    receipts,
    emit: (e) => evidence.bus.emit(e),
    close() {
      closing ??= (async () => {
        await receipts.close();
        await evidence.close();
      })();
      return closing;
    },
  };
}
