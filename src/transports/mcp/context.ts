import type { TollgateConfig } from '../../config/schema.ts';
import type { DecisionEvent, TransportId } from '../../core/index.ts';
import type { Engine, OffThreadScans, ScanCallContext } from '../../engine/index.ts';
import type { ApprovalStore } from '../../state/index.ts';
import type { PinStore } from '../../state/pins/index.ts';

/** Where a session holds requests whose verdict is ask, and how an operator answers them. */
export interface McpApprovals {
  readonly store: ApprovalStore;
  /** The command an operator runs, without the id, for messages (e.g. `tollgate approve --api http://127.0.0.1:4100`). */
  readonly command: string;
}

/** What one MCP session needs from its surroundings; the same for every wire. */
export interface McpSessionOptions {
  readonly engine: Pick<Engine, 'scan' | 'judge'> & Partial<Pick<Engine, 'scanners' | 'config'>>;
  readonly config: TollgateConfig;
  /** Policy hash written into decision events. */
  readonly configHash: string;
  /** Identity of the server for pins: the command line (stdio) or the upstream URL (HTTP). */
  readonly serverIdentity: string;
  /** A short loggable name for the server (no arguments, no secrets). */
  readonly serverLabel: string;
  /** Tool pins; absent (or mcp.rugPull: off) means no rug-pull checks. */
  readonly pins?: PinStore;
  /** The pin file id of this server, for the commands named in messages. */
  readonly pinId: string;
  readonly transport: TransportId;
  /** Receives exactly one decision event per adjudicated message. Must not throw. */
  readonly emit?: (event: DecisionEvent) => void;
  /** Session id written into events and used for per-session scanner state. */
  readonly session: string;
  readonly now?: () => number;
  /** Requests whose verdict is ask are held here (mcp.askTimeoutMs); absent, ask blocks. */
  readonly approvals?: McpApprovals;
  /** Operator notes (a held request and how to answer it); stderr in the CLI. Must not throw. */
  readonly note?: (line: string) => void;
  /**
   * Whether the kill switch is on (tollgate mcp: SIGUSR1 and the sentinel file). While it is, no
   * message passes either way, in any mode: a request is answered with an error, a notification
   * dropped. Absent: never on.
   */
  readonly killed?: () => boolean;
  /**
   * Large results (tools/call and other content results) scanned in a worker pool, off the event
   * loop: held (Outbound.held) until their verdict. Only for a wire that delivers a server
   * message's held outcomes (stdio and the bridges through delivery.ts, the Streamable HTTP
   * listener); `engine` is the same engine.
   */
  readonly offThread?: { readonly pool: OffThreadScans; readonly engine: Engine };
}

/** The slice of a session the per-method judges read. */
export interface SessionContext {
  readonly engine: Pick<Engine, 'scan' | 'judge'> & Partial<Pick<Engine, 'scanners' | 'config'>>;
  readonly config: TollgateConfig;
  readonly serverIdentity: string;
  readonly serverLabel: string;
  readonly pins?: PinStore;
  readonly pinId: string;
  scanContext(): ScanCallContext;
}
