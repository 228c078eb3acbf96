import type { DecisionEvent, DecisionType, Finding, ScanInput, Verdict } from '../../core/index.ts';
import { scanOffThread, type ScanCallContext } from '../../engine/index.ts';
import { killVerdict } from '../decision.ts';
import { asBlock, detail, HeldRequests } from './ask.ts';
import type { McpSessionOptions, SessionContext } from './context.ts';
import { decide, type McpDecision } from './decide.ts';
import {
  depthExceeds,
  errorResponse,
  isErrorResponse,
  isNotification,
  isNotificationMethod,
  isRequest,
  RPC_BLOCKED,
  RPC_INTERNAL_ERROR,
  RPC_INVALID_REQUEST,
  RPC_UPSTREAM_GONE,
  textDepthExceeds,
  validateMessage,
  type JsonRpcErrorResponse,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResultResponse,
} from './jsonrpc.ts';
import { safeName } from './labels.ts';
import { PendingRequests, type PendingRequest } from './pending.ts';
import { redactContent } from './redact.ts';
import { mcpFinding, type McpFinding, type McpRule } from './rules.ts';
import { judgeToolList } from './tool-list.ts';

/** Who sent a message: the client (agent side) or the server. */
export type Side = 'client' | 'server';

/** What to write after one inbound line or message: each entry is one JSON-RPC message or batch. */
export interface Outbound {
  readonly toServer: unknown[];
  readonly toClient: unknown[];
  /**
   * Requests held for approval (verdict ask): each settles later into what to write then (the
   * request for the server once approved, or the client's error). Never rejects. A wire delivers
   * each when it settles and keeps relaying everything else meanwhile.
   */
  readonly held?: readonly Promise<Outbound>[];
  /**
   * Set when a client message was taken as meant with nothing to pass on (a notifications/cancelled
   * for a request Tollgate still held): accepted, not dropped.
   */
  readonly absorbed?: true;
}

interface Handled {
  /** The message to pass on to the other side (possibly rewritten), if any. */
  forward?: unknown;
  toClient: unknown[];
  toServer: unknown[];
  held?: Promise<Outbound>[];
  absorbed?: true;
}

/** JSON-RPC/MCP envelope levels above the content the engine's depth limit applies to. */
const ENVELOPE_DEPTH = 8;
const MAX_BATCH = 1024;
/** Methods whose results reach the model as content (always recorded). */
const CONTENT_RESULTS = new Set(['tools/call', 'tasks/result', 'resources/read', 'prompts/get']);
/**
 * Methods whose results are protocol answers with nothing for the model: ping's empty result, and
 * initialize's capabilities (its instructions are judged apart, with mcp.scanInstructions). Every
 * other result and error response (tasks/get and tasks/list status messages, completion/complete
 * values, the resource and prompt lists' descriptions, an unknown method's answer…) is content the
 * client may show the model, and is scanned as ingress like a tool result.
 */
const PROTOCOL_RESULTS = new Set(['initialize', 'ping']);
/** JSON nodes looked at to tell an empty result from one with text; past it, the result is scanned. */
const MAX_TEXT_PROBE = 10_000;
/** Requests a server sends whose content reaches the model or the user. */
const SERVER_REQUESTS_SCANNED = new Set(['sampling/createMessage', 'elicitation/create']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether a parsed JSON value holds any text (a non-empty string leaf or object key): an empty
 * result (`{}`, `{ "_meta": {} }`, numbers and booleans only) carries nothing to scan. Bounded:
 * past MAX_TEXT_PROBE nodes the answer is yes, so the value is scanned.
 */
function hasText(value: unknown): boolean {
  const stack: unknown[] = [value];
  let seen = 0;
  while (stack.length > 0) {
    if (++seen > MAX_TEXT_PROBE) return true;
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.length > 0) return true;
    } else if (Array.isArray(v)) {
      for (const el of v) stack.push(el);
    } else if (isObject(v)) {
      for (const [k, el] of Object.entries(v)) {
        if (k.length > 0) return true;
        stack.push(el);
      }
    }
  }
  return false;
}

/** Methods of the MCP specification whose messages carry nothing to scan when they have no params. */
const BARE_METHODS = new Set([
  'initialize',
  'ping',
  'tools/list',
  'resources/list',
  'resources/templates/list',
  'prompts/list',
  'notifications/initialized',
  'notifications/roots/list_changed',
]);

/**
 * The params of a client request or notification as scanned. `progressToken` (in `_meta`, and in
 * notifications/progress) is an opaque correlation id the protocol happens to name a token: its value
 * is scanned under a neutral key, so the field-name rules (a "…Token" holding a random string) do
 * not take every string id for a credential, while a real secret in it is still found.
 */
function paramsForScan(params: unknown): unknown {
  if (!isObject(params)) return params;
  const neutral = (o: Record<string, unknown>): Record<string, unknown> => {
    if (typeof o.progressToken !== 'string') return o;
    const { progressToken, ...rest } = o;
    return { ...rest, 'progress-ref': progressToken };
  };
  const out = neutral(params);
  return isObject(out._meta) ? { ...out, _meta: neutral(out._meta) } : out;
}

/**
 * What the server sends is never held for approval: the tool already ran, and on an event stream
 * holding one message would stall or reorder everything behind it. A result (or server request)
 * whose verdict is ask is therefore withheld as a block, saying so; redact on a server request
 * (sampling, elicitation) is a block too, as a request is never rewritten.
 */
function enforcedOnServer(d: McpDecision, method: string): McpDecision {
  if (!d.stop || d.action === 'block') return d;
  if (d.action === 'ask') return asBlock(d, `The policy asks an operator to approve this ${method} message; Tollgate holds only client requests (before anything runs), so what the server sent was withheld`);
  return asBlock(d, `The policy redacts this ${method} request, and Tollgate never rewrites a request, so it was withheld`);
}

/**
 * One MCP session seen by the firewall, independent of the wire: given a parsed message and
 * who sent it, it returns what to forward and what to answer. Stdio, Streamable HTTP and
 * WebSocket transports all frame and parse, then call this.
 */
export class McpSession {
  readonly #opts: McpSessionOptions;
  readonly #ctx: SessionContext;
  readonly #now: () => number;
  /** Requests from the client awaiting the server's response. */
  readonly #pending: PendingRequests;
  /** Requests from the server relayed to the client and awaiting its response. */
  readonly #serverPending: PendingRequests;
  /** Tools the client was shown this session, and those removed from its lists (with why). */
  #shown = new Set<string>();
  #withheld = new Map<string, readonly string[]>();
  #listed = false;
  #decisions = 0;
  /** Requests from the client held for an operator's approval (not yet sent to the server). */
  readonly #held: HeldRequests;

  constructor(opts: McpSessionOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#pending = new PendingRequests(opts.config.mcp.maxPendingRequests);
    this.#serverPending = new PendingRequests(opts.config.mcp.maxPendingRequests);
    this.#held = new HeldRequests({
      approvals: opts.approvals,
      timeoutMs: opts.config.mcp.askTimeoutMs,
      transport: opts.transport,
      session: opts.session,
      ...(opts.config.agent !== undefined ? { agent: opts.config.agent } : {}),
      ...(opts.note ? { note: opts.note } : {}),
      hooks: {
        emit: (d, meta, method) => this.#emit(meta.type, method, meta.target, d, meta.started, meta.bytes),
        forwarded: (entry) => this.#pending.add(entry),
        errorData: (d, event, extra) => this.#errorData(d, event, extra),
      },
    });
    const scanContext = (): ScanCallContext => ({ now: this.#now(), session: opts.session, ...(opts.config.agent !== undefined ? { agent: opts.config.agent } : {}) });
    this.#ctx = {
      engine: opts.engine,
      config: opts.config,
      serverIdentity: opts.serverIdentity,
      serverLabel: opts.serverLabel,
      ...(opts.pins && opts.config.mcp.rugPull !== 'off' ? { pins: opts.pins } : {}),
      pinId: opts.pinId,
      scanContext,
    };
  }

  /** Tool names the client has been shown this session. */
  get shownTools(): ReadonlySet<string> {
    return this.#shown;
  }

  /** Requests from the client still waiting for the server. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Requests from the client held for approval (not sent yet). */
  get heldCount(): number {
    return this.#held.size;
  }

  /** One line as read from a stream (stdio framing): parsed, validated and judged. */
  line(from: Side, text: string, bytes: number): Outbound {
    if (text.trim().length === 0) return { toServer: [], toClient: [] };
    const maxDepth = this.#opts.config.limits.maxJsonDepth + ENVELOPE_DEPTH;
    // A server's over-deep line is refused before parsing (a million `[` costs a scan, not a
    // million arrays). A client's is parsed, so its id can be answered and the client not hang.
    if (from === 'server' && textDepthExceeds(text, maxDepth)) {
      return this.#outbound(this.#invalid(from, 'mcp/json-too-deep', `the message is nested deeper than ${maxDepth} levels`, bytes), from);
    }
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      return this.#outbound(this.#invalid(from, 'mcp/invalid-json', 'the line is not JSON', bytes), from);
    }
    return this.message(from, value, bytes);
  }

  /** A line that could not be read at all (over the size limit, or not UTF-8). */
  unreadable(from: Side, rule: 'mcp/line-too-long' | 'mcp/invalid-utf8', bytes: number): Outbound {
    const problem = rule === 'mcp/line-too-long' ? `the line is ${bytes} bytes, over the ${this.#opts.config.mcp.maxLineBytes}-byte limit (mcp.maxLineBytes)` : 'the line is not valid UTF-8';
    return this.#outbound(this.#invalid(from, rule, problem, bytes), from);
  }

  /** One parsed JSON value (a message or a batch) from a peer. */
  message(from: Side, value: unknown, bytes?: number): Outbound {
    if (depthExceeds(value, this.#opts.config.limits.maxJsonDepth + ENVELOPE_DEPTH)) {
      const id = isObject(value) ? value.id : undefined;
      const method = isObject(value) && typeof value.method === 'string' ? value.method : undefined;
      return this.#outbound(
        this.#invalid(from, 'mcp/json-too-deep', `the message is nested deeper than ${this.#opts.config.limits.maxJsonDepth + ENVELOPE_DEPTH} levels`, bytes, {
          ...(typeof id === 'string' || typeof id === 'number' ? { id } : {}),
          ...(method !== undefined ? { method } : {}),
          request: isObject(value) && !('result' in value) && !('error' in value),
        }),
        from,
      );
    }
    if (!Array.isArray(value)) return this.#outbound(this.#one(from, value, bytes), from);
    if (value.length === 0 || value.length > MAX_BATCH) {
      return this.#outbound(this.#invalid(from, 'mcp/invalid-jsonrpc', value.length === 0 ? 'an empty batch' : `a batch of more than ${MAX_BATCH} messages`, bytes), from);
    }
    // A batch is judged message by message; what passes goes on as a (smaller) batch.
    const forward: unknown[] = [];
    const out: Outbound = { toServer: [], toClient: [] };
    const held: Promise<Outbound>[] = [];
    let absorbed = false;
    for (const el of value) {
      const h = this.#one(from, el, undefined);
      if (h.absorbed) absorbed = true;
      if (h.forward !== undefined) forward.push(h.forward);
      out.toClient.push(...h.toClient);
      // What a client message sends the server in its place (an error for a withheld answer)
      // travels in the batch, so a wire that forwards one body per client message sends it too.
      if (from === 'client') forward.push(...h.toServer);
      else out.toServer.push(...h.toServer);
      if (h.held) held.push(...h.held);
    }
    if (forward.length > 0) (from === 'client' ? out.toServer : out.toClient).unshift(forward);
    return { ...out, ...(held.length > 0 ? { held } : {}), ...(absorbed ? { absorbed: true as const } : {}) };
  }

  /**
   * A message a wire could not read (an HTTP body or SSE event over its limit, not UTF-8, not
   * JSON, an event that is not a message): dropped and recorded, like an unreadable line.
   */
  dropped(from: Side, rule: McpRule, problem: string, bytes?: number): Outbound {
    return this.#outbound(this.#invalid(from, rule, problem, bytes), from);
  }

  /**
   * Some requests will get no answer from the server (their HTTP exchange failed): those still
   * waiting are forgotten and answered with an error each. Returns those errors (for the client).
   */
  abandon(ids: readonly JsonRpcId[], detail: string, code: number = RPC_UPSTREAM_GONE): unknown[] {
    const out: unknown[] = [];
    for (const id of ids) {
      const p = this.#pending.take(id);
      if (p) out.push(errorResponse(p.id, code, `The MCP server ${detail} before answering ${p.method}.`));
    }
    return out;
  }

  /** Whether a request from the client is still waiting for the server. */
  isPending(id: JsonRpcId): boolean {
    return this.#pending.has(id);
  }

  /**
   * The server went away: every request still waiting gets an error, so the client does not
   * hang. Returns those errors (for the client).
   */
  upstreamClosed(detail: string): unknown[] {
    this.#held.endAll(`the MCP server ${detail}`);
    this.#serverPending.drain();
    return this.#pending.drain().map((p) => errorResponse(p.id, RPC_UPSTREAM_GONE, `The MCP server ${detail} before answering ${p.method}.`));
  }

  /**
   * Ends the holds of requests held for approval (the client closed its side, or the session is
   * ending): each is recorded, and its held promise (Outbound.held) settles with the client's
   * error. Requests already sent are untouched. Also done by upstreamClosed.
   */
  cancelHeld(detail: string, code: number = RPC_UPSTREAM_GONE): void {
    this.#held.endAll(detail, code);
  }

  /** The client gave up on these requests (its HTTP exchange closed): those still held stop waiting, unanswered. */
  withdrawHeld(ids: readonly JsonRpcId[]): void {
    for (const id of ids) this.#held.withdraw(id);
  }

  #outbound(h: Handled, from: Side): Outbound {
    const out: Outbound = { toServer: [...h.toServer], toClient: [...h.toClient], ...(h.held ? { held: h.held } : {}), ...(h.absorbed ? { absorbed: true as const } : {}) };
    if (h.forward !== undefined) (from === 'client' ? out.toServer : out.toClient).unshift(h.forward);
    return out;
  }

  #one(from: Side, value: unknown, bytes: number | undefined): Handled {
    const v = validateMessage(value);
    if (!v.ok) {
      return this.#invalid(from, 'mcp/invalid-jsonrpc', v.problem, bytes, {
        ...(v.id !== undefined ? { id: v.id } : {}),
        ...(v.method !== undefined ? { method: v.method } : {}),
        request: v.request === true,
      });
    }
    if (this.#opts.killed?.() === true) return this.#killed(from, v.message, bytes);
    return from === 'client' ? this.#fromClient(v.message, bytes) : this.#fromServer(v.message, bytes);
  }

  /**
   * The kill switch is on: nothing passes. A request (either side's) is answered with an error in
   * its place; the client's pending request gets an error for the server's late answer; a
   * notification, or the client's answer to a server request, is dropped. One event per message.
   */
  #killed(from: Side, m: JsonRpcMessage, bytes: number | undefined): Handled {
    const started = performance.now();
    const { wouldHave: _w, ...d } = { ...decide(this.#opts.config.mode, killVerdict(), []), action: 'block' as const, stop: true };
    const request = isRequest(m);
    const id = isNotification(m) ? null : (m as { id: JsonRpcId | null }).id;
    const asked = !request && id !== null ? (from === 'client' ? this.#serverPending.take(id) : this.#pending.take(id)) : undefined;
    const method = request || isNotification(m) ? (m as { method: string }).method : (asked?.method ?? 'response');
    const event = this.#emit('mcp-message', safeName(method), this.#serverTarget(), d, started, bytes);
    const text = this.#blockText(safeName(method), d);
    if (request) {
      const refusal = errorResponse(m.id, RPC_BLOCKED, text, this.#errorData(d, event));
      return from === 'client' ? { toClient: [refusal], toServer: [] } : { toClient: [], toServer: [refusal] };
    }
    // The server's late answer: the client still gets one, an error in its place.
    if (from === 'server' && asked && id !== null) return { toClient: [errorResponse(id, RPC_BLOCKED, text, this.#errorData(d, event))], toServer: [] };
    return { toClient: [], toServer: [] };
  }

  // ── client → server ────────────────────────────────────────────────────────────────

  #fromClient(m: JsonRpcMessage, bytes: number | undefined): Handled {
    if (isNotification(m)) {
      // MCP's notifications are all notifications/*: a tools/call (or any request method) without an
      // id would skip the tool policy and session binding, and a server that ignores the id runs it.
      if (!isNotificationMethod(m.method)) return this.#notANotification('client', m, bytes);
      // A cancelled request's late response is not for the client any more (MCP cancellation).
      if (m.method === 'notifications/cancelled' && isObject(m.params)) {
        const rid = m.params.requestId;
        // A request still held never reached the server: its hold ends and the server hears nothing.
        if ((typeof rid === 'string' || typeof rid === 'number') && this.#held.withdraw(rid)) return { toClient: [], toServer: [], absorbed: true };
      }
      // A notification is answered by nobody: a stopped one is dropped (and recorded).
      if (this.#clientNotification(m, bytes)) return { toClient: [], toServer: [] };
      if (m.method === 'notifications/cancelled' && isObject(m.params)) {
        const rid = m.params.requestId;
        if (typeof rid === 'string' || typeof rid === 'number') this.#pending.take(rid);
      }
      return { forward: m, toClient: [], toServer: [] };
    }
    if (!isRequest(m)) {
      // A response: only one to a request the server sent (and the client was shown) goes on.
      const response = m as JsonRpcResultResponse | JsonRpcErrorResponse;
      const id = response.id;
      const asked = id === null ? undefined : this.#serverPending.take(id);
      if (asked) return this.#clientAnswer(asked, response, bytes);
      return this.#invalid('client', 'mcp/unsolicited-response', `a response to id ${JSON.stringify(id).slice(0, 80)}, which no outstanding request of the server has`, bytes);
    }
    if (this.#pending.has(m.id) || this.#held.has(m.id)) {
      return this.#refuse(m, 'mcp/duplicate-request-id', `Request id ${JSON.stringify(m.id).slice(0, 80)} is already waiting for an answer; the new request was refused.`, RPC_INVALID_REQUEST, bytes);
    }
    if (this.#pending.full || this.#pending.size + this.#held.size >= this.#opts.config.mcp.maxPendingRequests) {
      return this.#refuse(m, 'mcp/too-many-pending', `${this.#pending.size + this.#held.size} requests are already waiting for the server (mcp.maxPendingRequests); the new request was refused.`, RPC_BLOCKED, bytes);
    }
    const params = isObject(m.params) ? m.params : {};
    const entry: PendingRequest = {
      id: m.id,
      method: m.method,
      ...(m.method === 'tools/call' && typeof params.name === 'string' ? { tool: params.name } : {}),
      ...(m.method === 'tools/list' ? { cursor: params.cursor !== undefined && params.cursor !== null } : {}),
    };
    if (m.method === 'tools/call') {
      const refused = this.#toolCall(m, entry, params, bytes);
      if (refused) return refused;
    } else {
      const refused = this.#clientRequest(m, entry, bytes);
      if (refused) return refused;
    }
    this.#pending.add(entry);
    return { forward: m, toClient: [], toServer: [] };
  }

  /**
   * The client's answer to a server's request (a sampling/createMessage completion, the user's
   * elicitation/create input, the roots/list roots…): egress like tool-call arguments. It is
   * rewritten when the policy redacts and the rewrite scans clean; otherwise a stopping verdict
   * (an ask included: the server is waiting on it, so it is not held) sends the server an error
   * in its place. Recorded when there is anything to record (a finding or a stop).
   */
  #clientAnswer(asked: PendingRequest, response: JsonRpcResultResponse | JsonRpcErrorResponse, bytes: number | undefined): Handled {
    const started = performance.now();
    const content = isErrorResponse(response) ? response.error : response.result;
    const input = (c: unknown): ScanInput => ({ kind: 'mcp-client-message', method: asked.method, params: c, server: this.#opts.serverLabel });
    const values = new Map<Finding, string[]>();
    const verdict = this.#opts.engine.scan(input(content), { ...this.#ctx.scanContext(), secretValues: values });
    let d = decide(this.#opts.config.mode, verdict, []);
    const what = `the client's answer to ${safeName(asked.method)}`;
    if (d.stop && d.action === 'redact') {
      const r = redactContent({ engine: this.#opts.engine, now: this.#now(), content: content ?? null, server: this.#opts.serverLabel, verdict, values, input });
      if (r.ok) {
        this.#emit('mcp-message', asked.method, this.#serverTarget(), { ...d, stop: false, reason: `Redacted (${r.rules.join(', ') || 'nothing matched'}): ${detail(d.reason)}` }, started, bytes);
        const rewritten = isErrorResponse(response) ? { ...response, error: r.content } : { ...response, result: r.content };
        return { forward: rewritten, toClient: [], toServer: [] };
      }
      d = asBlock(d, `The policy redacts ${what}, but it could not be redacted safely (${r.why})`);
    } else if (d.stop && d.action === 'ask') {
      d = asBlock(d, `The policy asks an operator to approve ${what}; Tollgate holds only client requests, and the server is waiting on this answer, so it was withheld`);
    }
    if (!d.stop && d.findings.length === 0) return { forward: response, toClient: [], toServer: [] };
    const event = this.#emit('mcp-message', asked.method, this.#serverTarget(), d, started, bytes);
    if (!d.stop) return { forward: response, toClient: [], toServer: [] };
    // The server asked and waits: it gets an error in place of the answer.
    return { toClient: [], toServer: [errorResponse(asked.id, RPC_BLOCKED, this.#blockText(what, d), this.#errorData(d, event))] };
  }

  /**
   * Scans what a client request or notification other than tools/call sends the server: its
   * params, as egress (DLP, known secrets…; resources/read, resources/subscribe and
   * resources/unsubscribe URIs also meet the tool policy's sensitive-path rules). Undefined when there is nothing to scan (a bare initialize, ping or list).
   */
  #scanClientMessage(m: JsonRpcRequest | JsonRpcNotification): { judged: McpDecision; started: number } | undefined {
    const params = m.params;
    if (BARE_METHODS.has(m.method) && (params === undefined || (isObject(params) && Object.keys(params).length === 0))) return undefined;
    const started = performance.now();
    const verdict = this.#opts.engine.scan({ kind: 'mcp-client-message', method: m.method, params: paramsForScan(params), server: this.#opts.serverLabel }, this.#ctx.scanContext());
    return { judged: decide(this.#opts.config.mode, verdict, []), started };
  }

  /**
   * Scans text the server sends that reaches the client without being a result of the client's
   * (a notification, a request of the server's, a list's or an initialize's extra keys): as a tool
   * result is scanned. The decision, and when the scan started (for the event's duration).
   */
  #scanServerText(content: unknown): { d: McpDecision; started: number } {
    const started = performance.now();
    const verdict = this.#opts.engine.scan({ kind: 'tool-result', content: content ?? null, server: this.#opts.serverLabel }, this.#ctx.scanContext());
    return { d: decide(this.#opts.config.mode, verdict, []), started };
  }

  /**
   * A stopping decision on a client message as enforced: redact is a block (a message is never
   * rewritten: the server would act on what nobody wrote), and so is ask when it cannot be held.
   * Recorded when there is anything to record (a finding or a stop); returns the event if so.
   */
  #enforceClientMessage(m: JsonRpcRequest | JsonRpcNotification, judged: McpDecision, started: number, bytes: number | undefined): { d: McpDecision; event?: DecisionEvent } {
    const kind = 'id' in m ? 'request' : 'notification';
    let d = judged;
    if (judged.stop && judged.action === 'redact') d = asBlock(judged, `The policy redacts this, and Tollgate never rewrites a ${kind}, so it was not sent`);
    else if (judged.stop && judged.action === 'ask') d = asBlock(judged, `The policy asks an operator to approve this, and Tollgate holds only requests, so this ${kind} was not sent`);
    if (!d.stop && d.findings.length === 0) return { d };
    return { d, event: this.#emit('mcp-message', m.method, this.#serverTarget(), d, started, bytes) };
  }

  /** Judges a client notification; true when it must be dropped (recorded already). */
  #clientNotification(m: JsonRpcNotification, bytes: number | undefined): boolean {
    const scanned = this.#scanClientMessage(m);
    if (!scanned) return false;
    return this.#enforceClientMessage(m, scanned.judged, scanned.started, bytes).d.stop;
  }

  /** Judges a client request other than tools/call; returns the refusal (or the hold), or undefined to forward it. */
  #clientRequest(m: JsonRpcRequest, entry: PendingRequest, bytes: number | undefined): Handled | undefined {
    const scanned = this.#scanClientMessage(m);
    if (!scanned) return undefined;
    const { judged, started } = scanned;
    if (judged.stop && judged.action === 'ask') {
      const r = this.#held.hold(m, entry, judged, { type: 'mcp-message', target: this.#serverTarget(), what: safeName(m.method), started, bytes });
      return 'refusal' in r ? { toClient: [r.refusal], toServer: [] } : { toClient: [], toServer: [], held: [r.later] };
    }
    const { d, event } = this.#enforceClientMessage(m, judged, started, bytes);
    if (!d.stop || !event) return undefined;
    return { toClient: [errorResponse(m.id, RPC_BLOCKED, this.#blockText(safeName(m.method), d), this.#errorData(d, event))], toServer: [] };
  }

  /** Judges a tools/call; returns the refusal (or the hold), or undefined to forward it. */
  #toolCall(m: JsonRpcRequest, entry: PendingRequest, params: Record<string, unknown>, bytes: number | undefined): Handled | undefined {
    const started = performance.now();
    const mcp = this.#opts.config.mcp;
    const ruleActions = this.#opts.config.rules;
    const name = params.name;
    if (typeof name !== 'string' || name.length === 0) {
      return this.#refuse(m, 'mcp/invalid-tool', 'The tools/call has no tool name; it was refused.', RPC_INVALID_REQUEST, bytes);
    }
    const label = safeName(name);
    const own: McpFinding[] = [];
    const withheld = this.#withheld.get(name);
    if (withheld) {
      own.push(mcpFinding('mcp/tool-withheld', `mcp.tools/call.${label}`, `Tool "${label}" was removed from this session's tool list (${withheld.join(', ')}).`, { ruleActions }));
    } else if (!this.#shown.has(name) && mcp.sessionBinding !== 'off') {
      own.push(
        mcpFinding(
          'mcp/unlisted-tool',
          `mcp.tools/call.${label}`,
          this.#listed
            ? `Tool "${label}" was not in any tools/list the client received this session.`
            : `Tool "${label}" was called before the client received any tools/list this session.`,
          { action: mcp.sessionBinding, ruleActions },
        ),
      );
    }
    const verdict = this.#opts.engine.scan({ kind: 'tool-call', name, arguments: params.arguments, server: this.#opts.serverLabel }, this.#ctx.scanContext());
    const judged = decide(this.#opts.config.mode, verdict, own);
    if (judged.stop && judged.action === 'ask') {
      const r = this.#held.hold(m, entry, judged, { type: 'tool-call', target: `tool:${label}`, what: `tools/call ${label}`, started, bytes });
      return 'refusal' in r ? { toClient: [r.refusal], toServer: [] } : { toClient: [], toServer: [], held: [r.later] };
    }
    // A call is never rewritten (as on HTTP, where a redacted request is blocked): the tool would
    // act on arguments nobody wrote, and another copy of the value (encoded, split) could still leave.
    const d = judged.stop && judged.action === 'redact' ? asBlock(judged, 'The policy redacts this, and Tollgate never rewrites a tool call, so it was not sent') : judged;
    const event = this.#emit('tool-call', 'tools/call', `tool:${label}`, d, started, bytes);
    if (!d.stop) return undefined;
    return { toClient: [errorResponse(m.id, RPC_BLOCKED, this.#blockText(`tools/call ${label}`, d, name), this.#errorData(d, event))], toServer: [] };
  }

  #refuse(m: JsonRpcRequest, rule: McpRule, message: string, code: number, bytes: number | undefined): Handled {
    const started = performance.now();
    const d = decide(this.#opts.config.mode, undefined, [mcpFinding(rule, `mcp.client.${safeName(m.method)}`, message)]);
    // Protocol refusals hold in audit mode too: the request cannot be tracked, so it cannot be relayed.
    const enforced: McpDecision = { ...d, action: 'block', stop: true };
    const { wouldHave: _w, ...rest } = enforced;
    const event = this.#emit('mcp-message', m.method, this.#serverTarget(), rest, started, bytes);
    return { toClient: [errorResponse(m.id, code, `Tollgate: ${message}`, this.#errorData(rest, event))], toServer: [] };
  }

  // ── server → client ────────────────────────────────────────────────────────────────

  #fromServer(m: JsonRpcMessage, bytes: number | undefined): Handled {
    if (isNotification(m)) return isNotificationMethod(m.method) ? this.#serverNotification(m, bytes) : this.#notANotification('server', m, bytes);
    if (isRequest(m)) {
      const out = this.#serverRequest(m, bytes);
      if (out.forward !== m) return out;
      if (this.#serverPending.full) {
        const refused = this.#invalid('server', 'mcp/too-many-pending', `request ${JSON.stringify(m.id).slice(0, 80)} (${safeName(m.method)}) while ${this.#serverPending.size} requests of the server already wait for the client (mcp.maxPendingRequests)`, bytes, { request: true });
        refused.toServer.push(errorResponse(m.id, RPC_BLOCKED, `Tollgate: too many requests of the server are already waiting for the client (mcp.maxPendingRequests); ${safeName(m.method)} was refused.`));
        return refused;
      }
      // Remembered so that only the client's answer to it is relayed back (mcp/unsolicited-response).
      this.#serverPending.add({ id: m.id, method: m.method });
      return out;
    }
    const response = m as JsonRpcResultResponse | JsonRpcErrorResponse;
    const id = response.id;
    const pending = id === null ? undefined : this.#pending.take(id);
    if (!pending) {
      return this.#invalid('server', 'mcp/unsolicited-response', `a response to id ${JSON.stringify(id).slice(0, 80)}, which no outstanding request has`, bytes);
    }
    if (isErrorResponse(response)) {
      // Error texts reach the model too: a tool call's always recorded, any other's when it offends.
      if (pending.method === 'tools/call') return this.#content(pending, response, response.error, bytes);
      return this.#otherContent(pending, response, response.error, bytes);
    }
    const result = (response as JsonRpcResultResponse).result;
    if (pending.method === 'tools/list') return this.#toolList(pending, response as JsonRpcResultResponse, bytes);
    if (CONTENT_RESULTS.has(pending.method)) return this.#content(pending, response, result, bytes);
    if (pending.method === 'initialize') {
      const refused = this.#initializeInfo(response as JsonRpcResultResponse, bytes);
      if (refused) return refused;
    }
    if (pending.method === 'initialize' && this.#opts.config.mcp.scanInstructions) return this.#instructions(response as JsonRpcResultResponse, bytes);
    if (PROTOCOL_RESULTS.has(pending.method)) return { forward: response, toClient: [], toServer: [] };
    return this.#otherContent(pending, response, result, bytes);
  }

  /**
   * Any other result or error response (tasks/get, tasks/list, completion/complete, the lists, an
   * unknown method's answer…): its text reaches the client, and perhaps the model, so it is scanned
   * as a tool result is (injection, DLP…; redact rewrites it, a stop answers the client -32001), but
   * recorded only when there is anything to record (a finding or a stop), and not at all when it
   * holds no text (an empty result).
   */
  #otherContent(pending: PendingRequest, response: JsonRpcResultResponse | JsonRpcErrorResponse, content: unknown, bytes: number | undefined): Handled {
    if (!hasText(content)) return { forward: response, toClient: [], toServer: [] };
    return this.#content(pending, response, content, bytes, true);
  }

  #serverNotification(m: JsonRpcNotification, bytes: number | undefined): Handled {
    // What a notification says reaches the client, and a client may show it to the model (a log
    // line, a progress message, a task's status): any text in it is scanned as a tool result is.
    // Nobody answers a notification, so a stopped one is dropped (and recorded); one with no
    // finding is not recorded (notifications/progress can come hundreds a second).
    // notifications/tools/list_changed carries nothing: every tools/list is judged and compared
    // with the pins, so the client's re-list after it is.
    if (m.params !== undefined && hasText(paramsForScan(m.params))) {
      const scanned = this.#scanServerText(paramsForScan(m.params));
      const started = scanned.started;
      let d = scanned.d;
      if (d.stop && d.action !== 'block') {
        d = asBlock(d, `The policy ${d.action === 'ask' ? 'asks an operator to approve' : 'redacts'} this ${safeName(m.method)} notification; Tollgate neither holds nor rewrites a server notification, so it was dropped`);
      }
      if (d.stop || d.findings.length > 0) this.#emit('mcp-message', safeName(m.method), this.#serverTarget(), d, started, bytes);
      if (d.stop) return { toClient: [], toServer: [] };
    }
    // The server gave up on one of its requests: the client's answer to it is no longer expected.
    if (m.method === 'notifications/cancelled' && isObject(m.params)) {
      const rid = m.params.requestId;
      if (typeof rid === 'string' || typeof rid === 'number') this.#serverPending.take(rid);
    }
    return { forward: m, toClient: [], toServer: [] };
  }

  /**
   * A request from the server: sampling and elicitation are always scanned and recorded; any
   * other (roots/list, ping, a method of the server's own) is scanned when its params hold text,
   * and recorded only with a finding or a stop. A stopped one gets an error; the client never sees it.
   */
  #serverRequest(m: JsonRpcRequest, bytes: number | undefined): Handled {
    const always = SERVER_REQUESTS_SCANNED.has(m.method);
    if (!always && (m.params === undefined || !hasText(paramsForScan(m.params)))) return { forward: m, toClient: [], toServer: [] };
    const { d: judged, started } = this.#scanServerText(always ? m.params : paramsForScan(m.params));
    const d = enforcedOnServer(judged, m.method);
    if (!always && !d.stop && d.findings.length === 0) return { forward: m, toClient: [], toServer: [] };
    const event = this.#emit('mcp-message', safeName(m.method), this.#serverTarget(), d, started, bytes);
    if (!d.stop) return { forward: m, toClient: [], toServer: [] };
    return { toClient: [], toServer: [errorResponse(m.id, RPC_BLOCKED, this.#blockText(m.method, d), this.#errorData(d, event))] };
  }

  #toolList(pending: PendingRequest, response: JsonRpcResultResponse, bytes: number | undefined): Handled {
    const started = performance.now();
    const outcome = judgeToolList(this.#ctx, response.result, pending.cursor === true);
    const event = this.#emit('tool-list', 'tools/list', this.#serverTarget(), outcome.decision, started, bytes);
    // A first page starts the session's view of the shown tools afresh; later pages add to it.
    // What Tollgate withheld stays withheld until a list shows it again and it passes: a server
    // that simply leaves a removed tool out of its next list must not make it callable.
    if (!pending.cursor) this.#shown = new Set();
    this.#listed = true;
    if (outcome.result === undefined) {
      return { toClient: [errorResponse(response.id, RPC_BLOCKED, this.#blockText('tools/list', outcome.decision), this.#errorData(outcome.decision, event))], toServer: [] };
    }
    for (const name of outcome.shown) {
      this.#shown.add(name);
      this.#withheld.delete(name);
    }
    for (const [name, rules] of outcome.withheld) {
      this.#withheld.set(name, rules);
      this.#shown.delete(name);
    }
    const result = this.#listExtras(outcome.result, bytes);
    const forward = result === response.result ? response : { ...response, result };
    return { forward, toClient: [], toServer: [] };
  }

  /**
   * Text a tools/list result carries beside its tools (`_meta`, a server's own keys) reaches the
   * client too: scanned as a result is, recorded only with a finding or a stop, and on a stop
   * removed, leaving `tools` and `nextCursor`.
   */
  #listExtras(result: unknown, bytes: number | undefined): unknown {
    if (!isObject(result)) return result;
    const { tools: _tools, nextCursor: _cursor, ...extras } = result;
    if (Object.keys(extras).length === 0 || !hasText(extras)) return result;
    const { d, started } = this.#scanServerText(extras);
    if (!d.stop && d.findings.length === 0) return result;
    if (!d.stop) {
      this.#emit('mcp-message', 'tools/list', this.#serverTarget(), d, started, bytes);
      return result;
    }
    this.#emit('mcp-message', 'tools/list', this.#serverTarget(), { ...d, action: 'redact', stop: false, reason: `Removed what the tools/list result carried beside its tools (${Object.keys(extras).map(safeName).join(', ')}): ${detail(d.reason)}` }, started, bytes);
    return { tools: result.tools, ...(result.nextCursor !== undefined ? { nextCursor: result.nextCursor } : {}) };
  }

  /**
   * The initialize result's text other than `instructions` (serverInfo's name, title and
   * description, a server's own keys): it reaches the client, and a client may show it to the
   * model. Scanned as a result; a stop answers the initialize with an error (the client does not
   * start a session with a server that introduces itself with an injection).
   */
  #initializeInfo(response: JsonRpcResultResponse, bytes: number | undefined): Handled | undefined {
    const result = response.result;
    if (!isObject(result)) return undefined;
    const { instructions: _i, capabilities: _c, protocolVersion: _p, ...info } = result;
    if (!hasText(info)) return undefined;
    const { d: judged, started } = this.#scanServerText(info);
    const d = enforcedOnServer(judged, 'initialize');
    if (!d.stop && d.findings.length === 0) return undefined;
    const event = this.#emit('mcp-message', 'initialize', this.#serverTarget(), d, started, bytes);
    if (!d.stop) return undefined;
    return { toClient: [errorResponse(response.id, RPC_BLOCKED, this.#blockText('initialize', d), this.#errorData(d, event))], toServer: [] };
  }

  /**
   * Results that reach the model: tool results (text, structuredContent, resources, links), resources,
   * prompts, and (quiet: recorded only with a finding or a stop) every other result with text.
   */
  #content(pending: PendingRequest, response: JsonRpcResultResponse | JsonRpcErrorResponse, content: unknown, bytes: number | undefined, quiet = false): Handled {
    const started = performance.now();
    const input: ScanInput = { kind: 'tool-result', content: content ?? null, server: this.#opts.serverLabel, ...(pending.tool !== undefined ? { name: pending.tool } : {}) };
    const values = new Map<Finding, string[]>();
    const ctx: ScanCallContext = { ...this.#ctx.scanContext(), secretValues: values };
    const off = this.#opts.offThread;
    if (off && off.pool.takes(off.engine, input, ctx)) {
      // A large result is scanned in a worker: the wire relays everything else meanwhile and
      // delivers this when it settles (Outbound.held).
      const later = scanOffThread(off.engine, off.pool, input, ctx)
        .then(({ verdict }) => {
          if (this.#opts.killed?.() === true) return this.#killedResult(pending, response, bytes);
          return this.#outbound(this.#judgedContent(pending, response, content, bytes, quiet, started, verdict, values), 'server');
        })
        .catch((err: unknown) => {
          this.#opts.note?.(`scanning the ${safeName(pending.method)} result failed: ${String(err).slice(0, 200)}`);
          const id = response.id;
          return { toClient: id === null ? [] : [errorResponse(id, RPC_INTERNAL_ERROR, `Tollgate could not scan the ${safeName(pending.method)} result; it was withheld.`)], toServer: [] };
        });
      return { toClient: [], toServer: [], held: [later] };
    }
    const verdict = this.#opts.engine.scan(input, ctx);
    return this.#judgedContent(pending, response, content, bytes, quiet, started, verdict, values);
  }

  /** The kill switch turned on while a result was being scanned: the client gets an error in its place. */
  #killedResult(pending: PendingRequest, response: JsonRpcResultResponse | JsonRpcErrorResponse, bytes: number | undefined): Outbound {
    const started = performance.now();
    const { wouldHave: _w, ...d } = { ...decide(this.#opts.config.mode, killVerdict(), []), action: 'block' as const, stop: true };
    const event = this.#emit('mcp-message', safeName(pending.method), this.#serverTarget(), d, started, bytes);
    const id = response.id;
    return { toClient: id === null ? [] : [errorResponse(id, RPC_BLOCKED, this.#blockText(safeName(pending.method), d), this.#errorData(d, event))], toServer: [] };
  }

  #judgedContent(
    pending: PendingRequest,
    response: JsonRpcResultResponse | JsonRpcErrorResponse,
    content: unknown,
    bytes: number | undefined,
    quiet: boolean,
    started: number,
    verdict: Verdict,
    values: Map<Finding, string[]>,
  ): Handled {
    const label = pending.tool !== undefined ? safeName(pending.tool) : undefined;
    let d = decide(this.#opts.config.mode, verdict, []);
    const isTool = pending.method === 'tools/call' || pending.method === 'tasks/result';
    const target = label !== undefined ? `tool:${label}` : this.#serverTarget();
    if (d.stop && d.action === 'redact') {
      const r = redactContent({ engine: this.#opts.engine, now: this.#now(), content: content ?? null, server: this.#opts.serverLabel, ...(pending.tool !== undefined ? { name: pending.tool } : {}), verdict, values });
      if (r.ok) {
        this.#emit(isTool ? 'tool-result' : 'mcp-message', pending.method, target, { ...d, stop: false, reason: `Redacted (${r.rules.join(', ') || 'nothing matched'}): ${detail(d.reason)}` }, started, bytes);
        const rewritten = 'error' in response ? { ...response, error: r.content } : { ...response, result: r.content };
        return { forward: rewritten, toClient: [], toServer: [] };
      }
      d = asBlock(d, `The policy redacts this result, but it could not be redacted safely (${r.why})`);
    } else {
      d = enforcedOnServer(d, pending.method);
    }
    if (quiet && !d.stop && d.findings.length === 0) return { forward: response, toClient: [], toServer: [] };
    const event = this.#emit(isTool ? 'tool-result' : 'mcp-message', pending.method, target, d, started, bytes);
    if (!d.stop) return { forward: response, toClient: [], toServer: [] };
    const what = `the ${pending.method} result${label !== undefined ? ` of ${label}` : ''}`;
    const text = this.#blockText(what, d);
    if (isTool && response.id !== null) {
      // A blocked tool result becomes an error result, so the model learns why and the session goes on.
      const replaced: JsonRpcResultResponse = { jsonrpc: '2.0', id: response.id, result: { content: [{ type: 'text', text }], isError: true } };
      return { forward: replaced, toClient: [], toServer: [] };
    }
    return { toClient: [errorResponse(response.id, RPC_BLOCKED, text, this.#errorData(d, event))], toServer: [] };
  }

  /** Server instructions in the initialize result (mcp.scanInstructions): removed when blocked. */
  #instructions(response: JsonRpcResultResponse, bytes: number | undefined): Handled {
    const result = response.result;
    if (!isObject(result) || typeof result.instructions !== 'string') return { forward: response, toClient: [], toServer: [] };
    const started = performance.now();
    const verdict = this.#opts.engine.scan({ kind: 'tools', tools: [{ name: 'server-instructions', description: result.instructions }], server: this.#opts.serverLabel }, this.#ctx.scanContext());
    const d = decide(this.#opts.config.mode, verdict, []);
    if (!d.stop) {
      this.#emit('mcp-message', 'initialize', this.#serverTarget(), d, started, bytes);
      return { forward: response, toClient: [], toServer: [] };
    }
    const { instructions: _removed, ...rest } = result;
    this.#emit('mcp-message', 'initialize', this.#serverTarget(), { ...d, action: 'redact', stop: false, reason: `Removed the server instructions: ${d.reason}` }, started, bytes);
    return { forward: { ...response, result: rest }, toClient: [], toServer: [] };
  }

  // ── invalid input ──────────────────────────────────────────────────────────────────

  /**
   * A line or message that is not valid JSON-RPC: dropped, recorded, and never forwarded.
   * A request from the client whose id is known gets an error so it does not hang; so does
   * the client when the server's broken response answers one of its requests.
   */
  /** A message without an id whose method is not an MCP notification (tools/call, sampling/createMessage…): dropped and recorded. */
  #notANotification(from: Side, m: JsonRpcNotification, bytes: number | undefined): Handled {
    const method = safeName(m.method);
    return this.#invalid(from, 'mcp/not-a-notification', `a message without an id for method ${method}; MCP notifications are notifications/*, and ${method} must be a request (with an id) to be judged`, bytes, { method: m.method });
  }

  #invalid(from: Side, rule: McpRule, problem: string, bytes: number | undefined, hint: { readonly id?: JsonRpcId; readonly method?: string; readonly request?: boolean } = {}): Handled {
    const started = performance.now();
    const message = `Dropped ${from === 'client' ? 'a message from the client' : 'a message from the server'}: ${problem}.`;
    const f = mcpFinding(rule, `mcp.${from}.line`, message);
    const d: McpDecision = { action: 'block', stop: true, reason: message, findings: [f].map(({ action: _a, message: _m, ...ev }) => ev), rules: [rule] };
    const event = this.#emit('mcp-message', hint.method, this.#serverTarget(), d, started, bytes);
    const out: Handled = { toClient: [], toServer: [] };
    if (hint.id === undefined) return out;
    if (from === 'client' && (hint.request === true || hint.method !== undefined)) {
      out.toClient.push(errorResponse(hint.id, RPC_INVALID_REQUEST, `Tollgate dropped this request: ${problem}.`, this.#errorData(d, event)));
    } else if (from === 'server' && hint.request !== true && hint.method === undefined) {
      const pending = this.#pending.take(hint.id);
      if (pending) out.toClient.push(errorResponse(hint.id, RPC_INTERNAL_ERROR, `Tollgate dropped the MCP server's response to ${pending.method}: ${problem}.`, this.#errorData(d, event)));
    }
    return out;
  }

  // ── messages and events ────────────────────────────────────────────────────────────

  #serverTarget(): string {
    return `mcp-server:${this.#opts.serverLabel}`;
  }

  #blockText(what: string, d: McpDecision, tool?: string): string {
    const rules = d.rules.length > 0 ? d.rules.join(', ') : 'policy';
    const hints: string[] = [];
    const changed = d.rules.includes('mcp/tool-withheld') && tool !== undefined && (this.#withheld.get(tool) ?? []).includes('mcp/tool-changed');
    if (changed || d.rules.includes('mcp/tool-changed')) {
      const t = tool !== undefined ? ` ${safeName(tool)}` : '';
      hints.push(`If the change is expected, run \`tollgate mcp pins diff --server ${this.#opts.pinId}${t}\` and \`tollgate mcp pins approve --server ${this.#opts.pinId}${t}\`, then list the tools again.`);
    }
    if (d.rules.includes('mcp/unlisted-tool')) hints.push('List the tools first (tools/list), or set mcp.sessionBinding to warn or off in the Tollgate config.');
    const scannerRule = d.rules.find((r) => !r.startsWith('mcp/') && !r.startsWith('engine/'));
    if (scannerRule) hints.push(`If this is a false positive, override the rule in the Tollgate config (rules: { "${scannerRule}": warn }).`);
    return `Tollgate blocked ${what} (${rules}). ${d.reason}${hints.length > 0 ? ` ${hints.join(' ')}` : ''}`;
  }

  #errorData(d: McpDecision, event: DecisionEvent, extra?: Record<string, unknown>): Record<string, unknown> {
    return { tollgate: { action: event.action, rules: d.rules, requestId: event.requestId, ...extra } };
  }

  #emit(type: DecisionType, method: string | undefined, target: string, d: McpDecision, started: number, bytes: number | undefined): DecisionEvent {
    const o = this.#opts;
    this.#decisions++;
    const event: DecisionEvent = {
      time: new Date(this.#now()).toISOString(),
      type,
      transport: o.transport,
      ...(o.config.agent !== undefined ? { agent: o.config.agent } : {}),
      session: o.session,
      requestId: `${o.session}-${this.#decisions}`,
      ...(method !== undefined ? { method: safeName(method) } : {}),
      target,
      action: d.action,
      mode: o.config.mode,
      ...(d.wouldHave !== undefined ? { wouldHave: d.wouldHave } : {}),
      reason: d.reason,
      findings: d.findings,
      latencyMs: Math.max(0, performance.now() - started),
      ...(bytes !== undefined ? { bytes } : {}),
      configHash: o.configHash,
    };
    try {
      o.emit?.(event);
    } catch {
      // A sink must never break the data plane; the evidence layer reports its own failures.
    }
    return event;
  }
}
