// The ask action on MCP: a client request whose verdict is ask (in enforce mode) is held in the
// approval store instead of being forwarded, while every other message keeps flowing. An
// operator approves it (`tollgate approve ID`, POST /api/v1/approvals/<id>) and it is forwarded
// unchanged; denied, expired, or withdrawn (the store closing) the client gets -32001 naming the
// rules and how to approve. A client `notifications/cancelled` for it, or the session ending,
// ends the hold. Exactly one decision event per held request, when it settles (as on HTTP).
// Without an approval store ask is a block whose message says how to get one.
import { APPROVED_LEAD, type DecisionEvent, type DecisionType } from '../../core/index.ts';
import type { ApprovalOutcome } from '../../state/index.ts';
import type { McpApprovals } from './context.ts';
import type { McpDecision } from './decide.ts';
import { errorResponse, idKey, RPC_BLOCKED, RPC_UPSTREAM_GONE, type JsonRpcId, type JsonRpcRequest } from './jsonrpc.ts';
import type { PendingRequest } from './pending.ts';

/** Where and how a held request is recorded (the session's event fields). */
export interface HoldMeta {
  readonly type: DecisionType;
  /** Already safe to log (`tool:NAME`). */
  readonly target: string;
  /** What the client's message calls it (`tools/call NAME`). */
  readonly what: string;
  /** performance.now() when the request arrived. */
  readonly started: number;
  readonly bytes: number | undefined;
}

/** What a settled hold turns into: messages for each side (the session's Outbound shape). */
export interface Released {
  readonly toServer: unknown[];
  readonly toClient: unknown[];
}

export interface AskHooks {
  /** Emits the one decision event of a settled hold. */
  emit(d: McpDecision, meta: HoldMeta, method: string): DecisionEvent;
  /** The approved request is now waiting for the server (the session tracks its response). */
  forwarded(entry: PendingRequest): void;
  /** error.data for a refusal. */
  errorData(d: McpDecision, event: DecisionEvent, extra?: Record<string, unknown>): Record<string, unknown>;
}

export type HoldResult = { readonly refusal: unknown } | { readonly later: Promise<Released> };

interface Held {
  readonly approvalId: string;
  readonly message: JsonRpcRequest;
  readonly entry: PendingRequest;
  readonly decision: McpDecision;
  readonly meta: HoldMeta;
  readonly cancel: () => void;
  /** Settles the promise the wire waits on. */
  readonly resolve: (r: Released) => void;
  /** The client cancelled it (notifications/cancelled): no answer is owed. */
  withdrawn: boolean;
}

const NOTHING: Released = { toServer: [], toClient: [] };
const MAX_SUBJECT_RULES = 16;

const WHY: Readonly<Record<Exclude<ApprovalOutcome, 'approved'>, string>> = {
  denied: 'an operator denied it',
  expired: 'nobody approved it in time',
  cancelled: 'its hold was withdrawn (Tollgate is stopping)',
};

const LEAD = /^(Allowed|Allowed with a warning|Redacted|Held for approval|Blocked): /;

/** A reason without the engine's lead words ("Held for approval: …" → "…"), to put after our own. */
export function detail(reason: string): string {
  return reason.replace(LEAD, '');
}

function duration(ms: number): string {
  return ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/** The decision as enforced: a block, with why in front of the original detail. */
export function asBlock(d: McpDecision, why: string): McpDecision {
  return { ...d, action: 'block', stop: true, reason: `${why}. ${detail(d.reason)}` };
}

function scannerRule(d: McpDecision): string | undefined {
  return d.rules.find((r) => !r.startsWith('+'));
}

/** Requests of one session held for approval, keyed by JSON-RPC id. */
export class HeldRequests {
  readonly #approvals: McpApprovals | undefined;
  readonly #timeoutMs: number;
  readonly #hooks: AskHooks;
  readonly #subject: { readonly transport: string; readonly session: string; readonly agent?: string };
  readonly #note: (line: string) => void;
  readonly #map = new Map<string, Held>();

  constructor(opts: {
    readonly approvals: McpApprovals | undefined;
    readonly timeoutMs: number;
    readonly hooks: AskHooks;
    readonly transport: string;
    readonly session: string;
    readonly agent?: string;
    readonly note?: (line: string) => void;
  }) {
    this.#approvals = opts.approvals;
    this.#timeoutMs = opts.timeoutMs;
    this.#hooks = opts.hooks;
    this.#subject = { transport: opts.transport, session: opts.session, ...(opts.agent !== undefined ? { agent: opts.agent } : {}) };
    this.#note = opts.note ?? (() => undefined);
  }

  get size(): number {
    return this.#map.size;
  }

  has(id: JsonRpcId): boolean {
    return this.#map.has(idKey(id));
  }

  /** Holds a request whose decision is ask; a refusal at once when it cannot be held. */
  hold(message: JsonRpcRequest, entry: PendingRequest, d: McpDecision, meta: HoldMeta): HoldResult {
    const store = this.#approvals?.store;
    if (!store) {
      return this.#refuse(message, d, meta, 'The policy asks an operator to approve this, and this Tollgate has no approval channel', 'To enable approvals, set api.tokenEnv and start `tollgate mcp` with --api 127.0.0.1:0 (or set mcp.approvalsListen); a --listen endpoint serves them itself once api.tokenEnv is set.');
    }
    const rules = d.rules.filter((r) => !r.startsWith('+')).slice(0, MAX_SUBJECT_RULES);
    const held = store.hold({ ...this.#subject, type: meta.type, method: message.method, target: meta.target, rules, reason: d.reason }, this.#timeoutMs);
    if (!held) {
      return this.#refuse(message, d, meta, 'The policy asks an operator to approve this, and too many requests are already waiting for approval (mcp.askMaxPending)', 'Answer the waiting ones (`tollgate approve --list`) and try again.');
    }
    let resolve!: (r: Released) => void;
    const later = new Promise<Released>((r) => {
      resolve = r;
    });
    const h: Held = { approvalId: held.id, message, entry, decision: d, meta, cancel: () => held.cancel(), resolve, withdrawn: false };
    const key = idKey(message.id);
    this.#map.set(key, h);
    this.#note(`held for approval (${held.id}): ${meta.what} [${rules.slice(0, 4).join(', ')}]; answer with \`${(this.#approvals as McpApprovals).command} ${held.id}\` (or --deny) within ${duration(this.#timeoutMs)}`);
    // The store's promise never rejects; once the session has ended the hold (endAll) it is ignored.
    void held.outcome.then((o) => {
      if (this.#map.get(key) !== h) return;
      this.#map.delete(key);
      h.resolve(this.#settle(h, o));
    });
    return { later };
  }

  /** The client cancelled a held request: the hold ends, nothing is sent either way. True when it was held. */
  withdraw(id: JsonRpcId): boolean {
    const h = this.#map.get(idKey(id));
    if (!h) return false;
    h.withdrawn = true;
    h.cancel();
    return true;
  }

  /**
   * The session is ending: every hold ends now, each with its event, and each held request's
   * promise settles with the client's error (so the wire answers it as it answers any outcome).
   */
  endAll(detail: string, code: number = RPC_UPSTREAM_GONE): void {
    for (const [key, h] of [...this.#map]) {
      this.#map.delete(key);
      h.cancel();
      const b = asBlock(h.decision, `Held for approval (${h.approvalId}) when ${detail}; it was not sent`);
      const event = this.#hooks.emit(b, h.meta, h.message.method);
      if (h.withdrawn) {
        h.resolve(NOTHING);
        continue;
      }
      const error = errorResponse(h.message.id, code, `Tollgate was holding ${h.meta.what} for approval when ${detail}; it was not sent.`, this.#hooks.errorData(b, event, { approval: { id: h.approvalId, outcome: 'cancelled' } }));
      h.resolve({ toServer: [], toClient: [error] });
    }
  }

  #settle(h: Held, outcome: ApprovalOutcome): Released {
    if (outcome === 'approved' && !h.withdrawn) {
      this.#hooks.forwarded(h.entry);
      // Recorded as what was enforced (allow); the reason says it was held and approved.
      this.#hooks.emit({ ...h.decision, action: 'allow', stop: false, reason: `${APPROVED_LEAD} (approval ${h.approvalId}): ${detail(h.decision.reason)}` }, h.meta, h.message.method);
      return { toServer: [h.message], toClient: [] };
    }
    const why = h.withdrawn ? 'the client cancelled it' : WHY[outcome as Exclude<ApprovalOutcome, 'approved'>];
    const b = asBlock(h.decision, `Held for approval (${h.approvalId}) and ${why}; it was not sent`);
    const event = this.#hooks.emit(b, h.meta, h.message.method);
    // A cancelled request is owed no answer (MCP cancellation).
    if (h.withdrawn) return NOTHING;
    const command = (this.#approvals as McpApprovals).command;
    const rule = scannerRule(h.decision);
    const text =
      `Tollgate held ${h.meta.what} for approval (${h.decision.rules.join(', ') || 'policy'}) and ${why}; it was not sent. ${detail(h.decision.reason)} ` +
      `An operator approves a held call with \`${command} ID\` (\`${command} --list\` shows them) within mcp.askTimeoutMs (${duration(this.#timeoutMs)})` +
      (rule !== undefined ? `; to stop asking, override the rule in the Tollgate config (rules: { "${rule}": warn }).` : '.');
    return { toServer: [], toClient: [errorResponse(h.message.id, RPC_BLOCKED, text, this.#hooks.errorData(b, event, { approval: { id: h.approvalId, outcome } }))] };
  }

  #refuse(message: JsonRpcRequest, d: McpDecision, meta: HoldMeta, why: string, hint: string): HoldResult {
    const b = asBlock(d, why);
    const event = this.#hooks.emit(b, meta, message.method);
    const rule = scannerRule(d);
    const override = rule !== undefined ? ` Or override the rule in the Tollgate config (rules: { "${rule}": warn }).` : '';
    return { refusal: errorResponse(message.id, RPC_BLOCKED, `Tollgate blocked ${meta.what} (${d.rules.join(', ') || 'policy'}). ${b.reason} ${hint}${override}`, this.#hooks.errorData(b, event)) };
  }
}
