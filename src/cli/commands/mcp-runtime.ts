// What every `tollgate mcp` wire runs on (a stdio server, the bridges, the --listen endpoint):
// evidence, the engine, decisions recorded after their message has gone on, tool pins, the kill
// switch and the scan pool, built once here so the same policy applies whatever the wire (issue 3).
import { join } from 'node:path';
import type { LoadedConfig } from '../../config/index.ts';
import type { DecisionEvent, TransportId } from '../../core/index.ts';
import { resolveDataDir } from '../../evidence/data-dir.ts';
import { startEvidence, type EvidenceStack } from '../../evidence-stack.ts';
import { createRuntime, type Runtime } from '../../main.ts';
import { scanPoolFor, type ScanPool } from '../../scan-pool/index.ts';
import { createPinStore, type PinStore } from '../../state/pins/index.ts';
import type { McpApprovals } from '../../transports/mcp/context.ts';
import { deferEmit, McpSession, RPC_BLOCKED, type DeferredEmit } from '../../transports/mcp/index.ts';
import { startMcpKillSwitch, type McpKillSwitch } from './mcp-kill.ts';

export interface McpRuntimeOptions {
  /** The config as loaded (evidence is written under it). */
  readonly loaded: LoadedConfig;
  /** The same, with known secrets primed with what this process hands its server (the engine's). */
  readonly primed: LoadedConfig;
  readonly pinId: string;
  /** stdout carries the protocol (a stdio server, the bridges): the audit log and sinks keep off it. */
  readonly protocolOnStdout: boolean;
  readonly quiet: boolean;
  /** One stderr line for a decision that was not a plain allow (not called when quiet). */
  readonly report: (e: DecisionEvent) => void;
  /** Operational notes (stderr, unless quiet). */
  readonly note: (line: string) => void;
}

/** One client's session with the server, as a wire names it. */
export interface McpSessionSpec {
  readonly serverIdentity: string;
  readonly serverLabel: string;
  readonly transport: TransportId;
  readonly session: string;
  readonly approvals?: McpApprovals;
}

export interface McpRuntime {
  readonly rt: Runtime;
  readonly evidence: EvidenceStack;
  readonly deferred: DeferredEmit;
  readonly pins?: PinStore;
  readonly kill: McpKillSwitch;
  /** Large results are scanned in worker threads (undefined when limits.workerScanBytes is 0). */
  readonly pool?: ScanPool;
  /** A session under this process's policy, pins, kill switch and scan pool; the switch turning on denies its held calls. */
  session(spec: McpSessionSpec): McpSession;
  /** Stops the kill switch and the pool, then records the decisions still waiting and closes the evidence. */
  close(): Promise<void>;
}

/** Starts the evidence (rejects with the reason when it cannot), then the engine, pins, kill switch and pool. */
export async function startMcpRuntime(o: McpRuntimeOptions): Promise<McpRuntime> {
  const cfg = o.loaded.config;
  const logging = o.protocolOnStdout && cfg.logging.destination === 'stdout' ? { ...cfg.logging, destination: 'stderr' } : cfg.logging;
  if (logging !== cfg.logging) o.note('mcp: logging.destination is stdout, the protocol channel; the audit log goes to stderr instead');
  const sinks = o.protocolOnStdout ? cfg.sinks.filter((k) => k.type !== 'stdout') : cfg.sinks;
  if (sinks.length !== cfg.sinks.length) o.note('mcp: stdout sinks are skipped (stdout is the protocol channel)');
  // Each server's process keeps its own receipts chain: clients start several `tollgate mcp` at
  // once, and a receipts file has one writer.
  const chain = `mcp/${o.pinId.slice(0, 16)}`;
  const evidence = await startEvidence({ ...o.loaded, config: { ...cfg, logging, sinks } }, { note: o.note, receiptsFile: `${chain}.receipts.jsonl`, receiptsFallbackFile: `${chain}.${process.pid}.receipts.jsonl` });
  const rt = createRuntime(o.primed, process.env, { evidenceKey: evidence.evidenceKey });
  // Evidence is written after the message it records has gone on: the relay never waits on it.
  const deferred = deferEmit((e: DecisionEvent): void => {
    evidence.emit(e);
    if (!o.quiet) o.report(e);
  });
  const pins = cfg.mcp.rugPull === 'off' ? undefined : createPinStore({ dir: join(resolveDataDir(cfg.dataDir), 'pins'), maxPinnedTools: cfg.mcp.maxPinnedTools });
  const kill = startMcpKillSwitch(cfg, o.loaded.hash, deferred.emit, (line) => process.stderr.write(`[tollgate] ${line}\n`));
  // Large results are scanned in a worker thread: the wire keeps passing other messages meanwhile.
  const pool = scanPoolFor(cfg);
  return {
    rt,
    evidence,
    deferred,
    ...(pins ? { pins } : {}),
    kill,
    ...(pool ? { pool } : {}),
    session: (spec) => {
      const session = new McpSession({
        engine: rt.engine,
        config: cfg,
        configHash: o.loaded.hash,
        serverIdentity: spec.serverIdentity,
        serverLabel: spec.serverLabel,
        ...(pins ? { pins } : {}),
        pinId: o.pinId,
        transport: spec.transport,
        session: spec.session,
        emit: deferred.emit,
        ...(spec.approvals ? { approvals: spec.approvals } : {}),
        // Always written: it is how the operator learns the id of a held call.
        note: (line) => process.stderr.write(`[tollgate] mcp: ${line}\n`),
        killed: kill.killed,
        ...(pool ? { offThread: { pool, engine: rt.engine } } : {}),
      });
      // Calls held for approval when the switch turns on are denied, not left waiting.
      kill.onOn(() => session.cancelHeld('the Tollgate kill switch turned on', RPC_BLOCKED));
      return session;
    },
    close: async () => {
      kill.stop();
      await pool?.close();
      deferred.flush();
      await evidence.close().catch((err: unknown) => process.stderr.write(`[tollgate] mcp: closing evidence: ${(err as Error).message}\n`));
    },
  };
}
