// The control plane as the HTTP listeners see it: who sent a request (X-Tollgate-Agent, the
// listener's name, or config.agent), the kill switch (503 for everything proxied while it is on)
// and per-domain budgets (429 once an agent or session has used its requests or bytes for a
// registrable domain). The state itself lives in src/state; this file only applies it.
import { STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DecisionType, Finding, TransportId, Verdict } from '../../core/index.ts';
import { AGENT_NAME } from '../../config/control-schema.ts';
import { registrableDomain, type AgentNames, type BudgetLimits, type BudgetScope, type Budgets, type KillSwitch } from '../../state/index.ts';
import { decisionEvent, killVerdict, stops, summarizeUrl, transportFinding } from '../decision.ts';

export { killVerdict } from '../decision.ts';
import type { ProxyContext } from './context.ts';
import { deny } from './deny.ts';

export const AGENT_HEADER = 'x-tollgate-agent';

/** Control-plane state shared by every request on a listener; each part is optional. */
export interface ProxyControl {
  readonly killSwitch?: KillSwitch;
  /** Told after each applied hot reload: open relays are judged again (trackRelays). */
  readonly reloads?: PolicySignal;
  readonly budgets?: Budgets;
  readonly agentNames?: AgentNames;
}

/** Who sent one request. */
export interface Requester {
  /** The client's address as the listener saw it. */
  readonly client: string;
  readonly agent?: string;
}

export type Listener = 'proxy' | 'reverse';

/** The per-request context: the policy current now (kept for the whole request), the requester, and the session key. */
export interface RequestScope {
  readonly ctx: ProxyContext;
  readonly session: string;
}

function clientOf(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? 'unknown').slice(0, 64);
}

/**
 * Reads and removes X-Tollgate-Agent (it is never forwarded, whatever its value). A valid header
 * names the agent unless identity.header is off or the client has already used
 * identity.maxAgentsPerClient other names; otherwise `fallback`, the listener's name or
 * config.agent does. A header that is ignored is logged once per client.
 */
export function identify(ctx: ProxyContext, req: IncomingMessage, listener: Listener, fallback?: string, knownClient?: string): Requester {
  const raw = req.headers[AGENT_HEADER];
  if (raw !== undefined) delete req.headers[AGENT_HEADER];
  const client = knownClient ?? clientOf(req);
  const id = ctx.config.identity;
  const named = fallback ?? id.listeners[listener] ?? ctx.config.agent;
  const base: Requester = named !== undefined ? { client, agent: named } : { client };
  if (raw === undefined || !id.header) return base;
  const value = Array.isArray(raw) ? null : raw.trim();
  if (value === null || !AGENT_NAME.test(value)) return ignoredAgent(ctx, base, 'not a valid agent name (1-64 characters of A-Z a-z 0-9 . _ : / -)');
  if (ctx.control?.agentNames?.admit(client, value) === 'over-limit') {
    return ignoredAgent(ctx, base, `this client already used ${id.maxAgentsPerClient} agent names (identity.maxAgentsPerClient)`);
  }
  return { client, agent: value };
}

/** An X-Tollgate-Agent header that names nobody: noted once per client; the request keeps `base`. */
function ignoredAgent(ctx: ProxyContext, base: Requester, why: string): Requester {
  if (ctx.control?.agentNames?.firstProblem(base.client) ?? true) ctx.note(`X-Tollgate-Agent from ${base.client} ignored: ${why}`);
  return base;
}

/**
 * Takes the policy current now for one request, names its requester, and keys its session by
 * agent and client. The request's agent is what `config.agent` reads on the returned context, so
 * every decision event and scan of this request carries it.
 */
export function requestScope(live: ProxyContext, req: IncomingMessage, listener: Listener, inherited?: Requester): RequestScope {
  // One synchronous read of the live context: the config current now is the one this request keeps.
  const current = live.config;
  // Inside an intercepted tunnel the client is the one that opened the tunnel.
  const requester = identify(live, req, listener, inherited?.agent, inherited?.client);
  const config = requester.agent === current.agent ? current : { ...current, agent: requester.agent };
  const ctx = scopedContext(live, config, requester);
  const session = `${listener}:${requester.agent !== undefined ? `${requester.agent}@` : ''}${requester.client}`;
  return { ctx, session };
}

/**
 * The live context with this request's config and requester: every field read once, now (the
 * live context's getters give the policy current at this moment). Written out field by field, so
 * every request's context has one shape: spreading the live context and adding `requester` took
 * V8's slow path (about 1.5 µs a request) and gave the property reads after it no fixed shape to
 * rely on. The mapped type makes a field added to ProxyContext a compile error here until it is
 * copied too.
 */
function scopedContext(live: ProxyContext, config: ProxyContext['config'], requester: Requester): ProxyContext {
  const ctx: { [K in keyof Required<ProxyContext>]: ProxyContext[K] } = {
    engine: live.engine,
    config,
    configHash: live.configHash,
    resolver: live.resolver,
    emit: live.emit,
    now: live.now,
    newRequestId: live.newRequestId,
    note: live.note,
    tls: live.tls,
    upstreamAgents: live.upstreamAgents,
    approvals: live.approvals,
    control: live.control,
    offThread: live.offThread,
    requester,
  };
  return ctx;
}

export function killSwitchOn(ctx: ProxyContext): boolean {
  return ctx.control?.killSwitch?.on === true;
}

function targetOf(req: IncomingMessage, kind: 'forward' | 'fetch' | 'connect' | 'upgrade' | 'intercept' | 'reverse'): string {
  const raw = req.url ?? '';
  try {
    if (kind === 'connect') return summarizeUrl(`https://${raw}/`).replace(/\/$/, '');
    if (kind === 'fetch') return summarizeUrl(new URL(raw, 'http://tollgate.invalid').searchParams.get('url') ?? '') || '[fetch]';
    if (kind === 'forward' || (kind === 'upgrade' && !raw.startsWith('/'))) return summarizeUrl(raw);
  } catch {
    return '[unparseable target]';
  }
  const scheme = kind === 'intercept' ? 'https' : 'http';
  return summarizeUrl(`${scheme}://${req.headers.host ?? 'unknown'}${raw.startsWith('/') ? raw : '/'}`);
}

const KILLED_AS: Readonly<Record<'forward' | 'fetch' | 'intercept' | 'reverse', { type: DecisionType; transport: TransportId }>> = {
  forward: { type: 'request', transport: 'http-forward' },
  fetch: { type: 'fetch', transport: 'fetch' },
  intercept: { type: 'request', transport: 'https-intercept' },
  reverse: { type: 'request', transport: 'reverse' },
};

/** While the kill switch is on: answers 503 with one decision event and returns true. */
export function refusedByKillSwitch(rq: RequestScope, req: IncomingMessage, res: ServerResponse, kind: keyof typeof KILLED_AS): boolean {
  if (!killSwitchOn(rq.ctx)) return false;
  const as = KILLED_AS[kind];
  refuseKilled(rq.ctx, req, res, { ...as, target: targetOf(req, kind), method: (req.method ?? 'GET').toUpperCase(), session: rq.session });
  return true;
}

/** The same for a CONNECT or an upgrade on a raw socket. */
export function socketRefusedByKillSwitch(rq: RequestScope, req: IncomingMessage, socket: Duplex, kind: 'connect' | 'upgrade'): boolean {
  if (!killSwitchOn(rq.ctx)) return false;
  const f: KilledFacts =
    kind === 'connect'
      ? { type: 'tunnel', transport: 'http-connect', target: targetOf(req, 'connect'), method: 'CONNECT', session: rq.session }
      : { type: 'request', transport: 'websocket', target: targetOf(req, 'upgrade'), method: 'GET', session: rq.session };
  refuseKilledSocket(rq.ctx, socket, f);
  return true;
}

/** The verdict while the kill switch is on: always a block, in audit mode too, whatever the rule overrides say. */

export interface KilledFacts {
  readonly type: DecisionType;
  readonly transport: TransportId;
  readonly target: string;
  readonly method: string;
  readonly session: string;
}

/** Emits the decision event of one request stopped by the kill switch and returns its id. */
function emitKilled(ctx: ProxyContext, f: KilledFacts, verdict: Verdict): string {
  const requestId = ctx.newRequestId();
  ctx.emit(
    decisionEvent({
      type: f.type,
      transport: f.transport,
      verdict,
      requestId,
      at: ctx.now(),
      latencyMs: 0,
      mode: ctx.config.mode,
      configHash: ctx.configHash,
      target: f.target,
      method: f.method,
      bytes: 0,
      session: f.session,
      ...(ctx.config.agent !== undefined ? { agent: ctx.config.agent } : {}),
    }),
  );
  return requestId;
}

/** Answers 503 on an HTTP response (the request body is not read). */
export function refuseKilled(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse, f: KilledFacts): void {
  const v = killVerdict();
  const requestId = emitKilled(ctx, f, v);
  req.resume();
  deny(res, 503, v, requestId, { 'retry-after': '60' });
}

/** Answers 503 on a raw socket (CONNECT, WebSocket upgrade) and closes it. */
export function refuseKilledSocket(ctx: ProxyContext, socket: Duplex, f: KilledFacts): void {
  const v = killVerdict();
  const requestId = emitKilled(ctx, f, v);
  socket.on('error', () => socket.destroy());
  const body = `Tollgate blocked this ${f.type === 'tunnel' ? 'tunnel' : 'request'}: ${v.reason}\nrules: policy/kill-switch\nrequest id: ${requestId}\n`;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 503 ${STATUS_CODES[503] ?? 'Service Unavailable'}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `x-tollgate-blocked: 1\r\nx-tollgate-block: policy/kill-switch\r\nx-tollgate-rules: policy/kill-switch\r\nx-tollgate-request-id: ${requestId}\r\nretry-after: 60\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** A budget refusal: the finding for the verdict and the seconds to send in Retry-After. */
export interface OverBudget {
  readonly finding: Finding;
  readonly retryAfterSeconds: number;
}

function limitsFor(ctx: ProxyContext, domain: string): { agent: BudgetLimits; session: BudgetLimits } {
  const b = ctx.config.budgets;
  const d = Object.hasOwn(b.perDomain, domain) ? b.perDomain[domain] : undefined;
  const agent = { requestsPerMinute: d?.requestsPerMinute ?? b.requestsPerMinute, egressBytesPerHour: d?.egressBytesPerHour ?? b.egressBytesPerHour };
  const session = {
    requestsPerMinute: Math.min(agent.requestsPerMinute, b.session.requestsPerMinute ?? Infinity),
    egressBytesPerHour: Math.min(agent.egressBytesPerHour, b.session.egressBytesPerHour ?? Infinity),
  };
  return { agent, session };
}

function shownBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

/** Whether chargeBudget can refuse anything: budgets are on and there is a ledger to charge. */
export function budgetsActive(ctx: ProxyContext): boolean {
  return ctx.control?.budgets !== undefined && ctx.config.budgets.enabled;
}

/**
 * Counts one request (and its egress bytes) against the agent's and the session's budget for the
 * host's registrable domain. Null when it fits or budgets are off; otherwise what to refuse with.
 * The charge is taken from both budgets or from neither.
 */
export function chargeBudget(ctx: ProxyContext, host: string, cost: { requests: number; bytes: number }, location: string): OverBudget | null {
  const budgets = ctx.control?.budgets;
  if (!budgets || !ctx.config.budgets.enabled) return null;
  const who = ctx.requester ?? { client: 'unknown' };
  const domain = registrableDomain(host);
  const limits = limitsFor(ctx, domain);
  // An unnamed agent is known by its address.
  const agentKey = who.agent !== undefined ? `n:${who.agent}` : `c:${who.client}`;
  const scopes: BudgetScope[] = [
    { key: `agent|${agentKey}|${domain}`, name: who.agent !== undefined ? `agent ${who.agent}` : `client ${who.client}`, limits: limits.agent },
    { key: `session|${who.agent ?? ''}|${who.client}|${domain}`, name: 'session', limits: limits.session },
  ];
  const r = budgets.charge(scopes, cost, ctx.now());
  if (r.ok) return null;
  const retryAfterSeconds = Number.isFinite(r.retryAfterMs) ? Math.max(1, Math.ceil(r.retryAfterMs / 1000)) : 3600;
  const finding =
    r.kind === 'requests'
      ? transportFinding('policy/rate-limit', location, `The ${r.scope} made more than ${r.limit} requests per minute to ${domain} (budgets.requestsPerMinute); retry in ${retryAfterSeconds} s.`, {
          category: 'policy',
          severity: 'high',
          mitre: 'T1030',
        })
      : transportFinding(
          'policy/data-budget',
          location,
          Number.isFinite(r.retryAfterMs)
            ? `The ${r.scope} has sent ${domain} its egress budget of ${shownBytes(r.limit)} per hour (budgets.egressBytesPerHour); slow-drip exfiltration is stopped here. Retry in ${retryAfterSeconds} s.`
            : `This request (${shownBytes(cost.bytes)}) is larger than the whole egress budget for ${domain} (${shownBytes(r.limit)} per hour, budgets.egressBytesPerHour).`,
          { category: 'exfiltration', severity: 'high', mitre: 'T1030' },
        );
  return { finding, retryAfterSeconds };
}

/** Bytes a request sends upstream: its URL, header fields and body. */
export function egressBytes(url: URL, headers: OutgoingHttpHeaders, bodyBytes: number): number {
  let n = url.href.length + bodyBytes;
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [String(v)];
    for (const one of values) n += k.length + String(one).length + 4;
  }
  return n;
}

/** A 429 for a request refused by its budget, with Retry-After. */
export function budgetHeaders(over: OverBudget | null): Record<string, string> | undefined {
  return over ? { 'retry-after': String(over.retryAfterSeconds) } : undefined;
}

/**
 * What stops when the kill switch turns on, per switch: one subscription serves every listener and
 * every exchange under way (a switch takes few listeners, and an exchange is too short-lived to
 * subscribe and unsubscribe on its own).
 */
const killStops = new WeakMap<KillSwitch, Set<() => void>>();

/**
 * Calls `stop` each time the kill switch turns on, until the returned function is called; with no
 * kill switch, never. A switch already on does not call it: the caller checks killSwitchOn first.
 * Each registration needs a function of its own (they are kept in a set).
 */
export function onKillSwitch(ctx: ProxyContext, stop: () => void): () => void {
  const killSwitch = ctx.control?.killSwitch;
  if (killSwitch === undefined) return noStop;
  let registered = killStops.get(killSwitch);
  if (registered === undefined) {
    const all = new Set<() => void>();
    killSwitch.subscribe((s, prev) => {
      if (!s.on || prev.on) return;
      // A copy: stopping an exchange unregisters it.
      for (const f of [...all]) {
        try {
          f();
        } catch {
          // One exchange that fails to stop must not keep the others going.
        }
      }
    });
    killStops.set(killSwitch, all);
    registered = all;
  }
  const set = registered;
  set.add(stop);
  return () => void set.delete(stop);
}

function noStop(): void {}

/**
 * Says when a hot reload has swapped the policy (src/control notifies after an applied reload), so
 * that what is already open can be judged again under it.
 */
export interface PolicySignal {
  subscribe(listener: () => void): () => void;
}

export function createPolicySignal(): PolicySignal & { notify(): void } {
  const listeners = new Set<() => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    notify() {
      for (const l of [...listeners]) {
        try {
          l();
        } catch {
          // One listener's failure must not keep the others from the new policy.
        }
      }
    },
  };
}

/** An open relay that is judged again after each reload (a blind tunnel, a WebSocket). */
export interface WatchedRelay {
  /** What would refuse it were it opened now, read from `live` (the policy running now). */
  recheck(live: ProxyContext): Finding[];
  /**
   * Ends it for `verdict` (a reload's refusal, or the kill switch's when it has a carrier) and
   * records that as one decision event.
   */
  end(verdict: Verdict, live: ProxyContext): void;
  /**
   * Records (one decision event, the audit verdict) that a reload's policy would have ended it,
   * when that policy only audits (mode: audit): the relay stays open.
   */
  spared?(verdict: Verdict, live: ProxyContext): void;
  /**
   * The tracked socket it rides on (its upgrade socket or CONNECT tunnel). When present the kill
   * switch ends the relay through end() (a WebSocket close with a code and a reason) and leaves the
   * socket to it instead of cutting it at once; end() must see that the socket is closed.
   */
  readonly carrier?: Duplex;
}

export interface RelayTracker {
  /** A socket cut when the kill switch turns on (a tunnel, an upgrade). */
  add(socket: Duplex): void;
  /** A relay judged again after each reload; returns the call that forgets it (when it closes). */
  watch(relay: WatchedRelay): () => void;
  stop(): void;
}

/**
 * Keeps live relays (tunnels, WebSockets): the kill switch cuts them when it turns on, and after a
 * reload (ctx.control.reloads) each watched one is judged by the checks it would meet if it were
 * opened now; one the new policy refuses is ended. One an audit-mode policy would have refused
 * stays open, and that is recorded (spared: one event per relay and reload). `ctx` is the
 * listener's live context.
 */
export function trackRelays(ctx: ProxyContext): RelayTracker {
  const relays = new Set<Duplex>();
  const watched = new Set<WatchedRelay>();
  const off = onKillSwitch(ctx, () => {
    const carriers = new Set<Duplex>();
    const verdict = killVerdict();
    for (const w of [...watched]) {
      if (w.carrier === undefined) continue;
      carriers.add(w.carrier);
      watched.delete(w);
      try {
        w.end(verdict, ctx);
      } catch {
        // A relay that fails to close with a reason is cut like any other socket.
        carriers.delete(w.carrier);
      }
    }
    for (const r of relays) if (!carriers.has(r)) r.destroy();
    relays.clear();
  });
  const offReload = ctx.control?.reloads?.subscribe(() => {
    for (const w of [...watched]) {
      let verdict: Verdict;
      try {
        verdict = ctx.engine.judge(w.recheck(ctx));
      } catch (err) {
        verdict = ctx.engine.judge([transportFinding('engine/scanner-error', 'relay', `An open relay could not be judged again after a reload (${(err as Error).message.slice(0, 120)}); it is closed.`, { category: 'engine' })]);
      }
      if (!stops(verdict)) {
        // Audit mode: it stays open, and its event says enforce mode would have closed it.
        if (verdict.wouldHave !== undefined && stops({ ...verdict, action: verdict.wouldHave })) {
          try {
            w.spared?.(verdict, ctx);
          } catch {
            // A record that fails must not keep the other relays from being judged.
          }
        }
        continue;
      }
      watched.delete(w);
      try {
        w.end(verdict, ctx);
      } catch {
        // It could not be closed with its event: cut what it rides on, and go on with the others.
        w.carrier?.destroy();
      }
    }
  });
  return {
    add(socket) {
      relays.add(socket);
      socket.once('close', () => relays.delete(socket));
    },
    watch(relay) {
      watched.add(relay);
      return () => void watched.delete(relay);
    },
    stop() {
      off();
      offReload?.();
      relays.clear();
      watched.clear();
    },
  };
}
