import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DecisionEvent } from '../core/index.ts';
import { createLabelGuard, isKebabPath, type LabelGuard } from './label-guard.ts';
import type { DropReason, SinkOutcome } from './sinks/types.ts';

/**
 * Prometheus metrics on a registry of their own (never prom-client's global one, so two
 * instances in one process, or a library user's own metrics, do not collide). Decisions are
 * counted by recordDecision (subscribed to the event bus); tunnels, WebSocket frames, MCP
 * messages, receipts, sinks, reloads and the kill switch have their own recorders that the
 * transport or component owning that fact calls, so nothing is counted twice.
 */
export interface Metrics {
  readonly enabled: boolean;
  /** Prometheus text exposition format. */
  readonly contentType: string;
  recordDecision(event: DecisionEvent): void;
  recordTunnel(intercepted: boolean): void;
  recordWebSocketFrame(direction: 'inbound' | 'outbound', action: string): void;
  recordMcpMessage(method: string, direction: 'inbound' | 'outbound'): void;
  recordReceipts(count?: number): void;
  recordSinkEvents(sink: string, outcome: SinkOutcome, count: number): void;
  recordSinkDrop(sink: string, reason: DropReason | string, count: number): void;
  recordConfigReload(outcome: 'applied' | 'rejected'): void;
  setKillSwitch(on: boolean): void;
  render(): Promise<string>;
}

export interface MetricsOptions {
  /** Default Node.js process metrics (CPU, memory, event loop, GC). */
  readonly processMetrics?: boolean;
  /** Distinct values kept per label; later new values count as "other". */
  readonly maxLabelValues?: number;
}

/** Scan latency buckets in seconds: 0.1 ms to 5 s (scans are usually well under 10 ms). */
export const LATENCY_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export const METRIC_NAMES = [
  'tollgate_decisions_total',
  'tollgate_findings_total',
  'tollgate_scan_latency_seconds',
  'tollgate_bytes_scanned_total',
  'tollgate_tunnels_total',
  'tollgate_websocket_frames_total',
  'tollgate_mcp_messages_total',
  'tollgate_receipts_written_total',
  'tollgate_sink_events_total',
  'tollgate_sink_drops_total',
  'tollgate_config_reloads_total',
  'tollgate_kill_switch',
] as const;

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const guard: LabelGuard = createLabelGuard(opts.maxLabelValues ?? 500);
  const v = (label: string, value: string | undefined): string => guard.value(label, value);
  const rule = (value: string): string => guard.value('rule', value, isKebabPath);

  const decisions = new Counter({ name: 'tollgate_decisions_total', help: 'Decisions made, by transport, enforced action and mode.', labelNames: ['transport', 'action', 'mode'] as const, registers });
  const findings = new Counter({ name: 'tollgate_findings_total', help: 'Findings in decisions, by scanner, rule and severity.', labelNames: ['scanner', 'rule', 'severity'] as const, registers });
  const latency = new Histogram({ name: 'tollgate_scan_latency_seconds', help: 'Time spent deciding, by transport.', labelNames: ['transport'] as const, buckets: LATENCY_BUCKETS, registers });
  const bytes = new Counter({ name: 'tollgate_bytes_scanned_total', help: 'Bytes inspected, by transport.', labelNames: ['transport'] as const, registers });
  const tunnels = new Counter({ name: 'tollgate_tunnels_total', help: 'CONNECT tunnels opened, by whether TLS was intercepted.', labelNames: ['intercepted'] as const, registers });
  const frames = new Counter({ name: 'tollgate_websocket_frames_total', help: 'WebSocket messages adjudicated, by direction and action.', labelNames: ['direction', 'action'] as const, registers });
  const mcp = new Counter({ name: 'tollgate_mcp_messages_total', help: 'MCP messages relayed, by JSON-RPC method and direction.', labelNames: ['method', 'direction'] as const, registers });
  const receipts = new Counter({ name: 'tollgate_receipts_written_total', help: 'Signed receipts appended.', registers });
  const sinkEvents = new Counter({ name: 'tollgate_sink_events_total', help: 'Sink event outcomes: delivered, retried (per event per retry) and dropped.', labelNames: ['sink', 'outcome'] as const, registers });
  const sinkDrops = new Counter({ name: 'tollgate_sink_drops_total', help: 'Events a sink dropped, by reason.', labelNames: ['sink', 'reason'] as const, registers });
  const reloads = new Counter({ name: 'tollgate_config_reloads_total', help: 'Config reloads, by outcome (applied, rejected).', labelNames: ['outcome'] as const, registers });
  const killSwitch = new Gauge({ name: 'tollgate_kill_switch', help: '1 while the kill switch blocks all traffic, else 0.', registers });
  killSwitch.set(0);
  // prom-client samples event-loop delay with a 10 ms timer by default: a hundred wake-ups a second
  // in an idle proxy. 100 ms still catches any stall long enough to matter to a relay.
  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });

  return {
    enabled: true,
    contentType: registry.contentType,
    recordDecision(e) {
      const transport = v('transport', e.transport);
      decisions.inc({ transport, action: v('action', e.action), mode: v('mode', e.mode) });
      for (const f of e.findings) findings.inc({ scanner: v('scanner', String(f.scanner)), rule: rule(String(f.rule)), severity: v('severity', f.severity) });
      if (Number.isFinite(e.latencyMs) && e.latencyMs >= 0) latency.observe({ transport }, e.latencyMs / 1000);
      if (typeof e.bytes === 'number' && Number.isFinite(e.bytes) && e.bytes > 0) bytes.inc({ transport }, e.bytes);
    },
    recordTunnel: (intercepted) => tunnels.inc({ intercepted: intercepted ? 'true' : 'false' }),
    recordWebSocketFrame: (direction, action) => frames.inc({ direction: v('direction', direction), action: v('action', action) }),
    recordMcpMessage: (method, direction) => mcp.inc({ method: v('method', method), direction: v('direction', direction) }),
    recordReceipts: (count = 1) => receipts.inc(count),
    recordSinkEvents: (sink, outcome, count) => sinkEvents.inc({ sink: v('sink', sink), outcome }, count),
    recordSinkDrop: (sink, reason, count) => sinkDrops.inc({ sink: v('sink', sink), reason: v('reason', reason) }, count),
    recordConfigReload: (outcome) => reloads.inc({ outcome }),
    setKillSwitch: (on) => killSwitch.set(on ? 1 : 0),
    render: () => registry.metrics(),
  };
}

/** The stand-in when metrics are disabled: every recorder does nothing, render gives an empty text. */
export function disabledMetrics(): Metrics {
  const noop = (): void => undefined;
  return {
    enabled: false,
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    recordDecision: noop,
    recordTunnel: noop,
    recordWebSocketFrame: noop,
    recordMcpMessage: noop,
    recordReceipts: noop,
    recordSinkEvents: noop,
    recordSinkDrop: noop,
    recordConfigReload: noop,
    setKillSwitch: noop,
    render: () => Promise.resolve(''),
  };
}
