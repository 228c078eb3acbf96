// Relaying messages between the agent's socket and the upstream's, each message scanned before it
// is forwarded. `ws` reassembles fragmented messages (RFC 6455 §5.4) and enforces maxPayload on
// the whole message (after decompression when permessage-deflate is on), so what is scanned is
// exactly the message the other side will receive. Control frames are answered by each hop
// itself (ping/pong) and never relayed; close codes are relayed, close reasons are not (they are
// data nobody scans). Outbound messages count their bytes against the per-domain data budget
// (an agent could otherwise send a file out over a socket the budget never sees); the upgrade
// itself counted as the request.
// Every close Tollgate starts carries a code and a short reason naming the rule, on both hops, and
// is one `frame` decision event: a message refused by the policy or its budget, a message over a
// limit `ws` enforces (size, fragments, invalid UTF-8, a protocol error), the kill switch and a
// reload whose policy would no longer open this socket (both 1008, policy violation).
import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { Finding, Verdict } from '../../core/index.ts';
import { ACTION_RANK } from '../../core/index.ts';
import { blockRule, decisionEvent, enforcedBlock, transportFinding } from '../decision.ts';
import type { ProxyContext } from '../http-proxy/context.ts';
import { chargeBudget, type RelayTracker } from '../http-proxy/control.ts';

export type Direction = 'outbound' | 'inbound';

/** How long a socket the kill switch or a reload closes may take to finish its close handshake before it is cut. */
export const CLOSE_GRACE_MS = 1000;

export interface RelayFacts {
  readonly ctx: ProxyContext;
  readonly session: string;
  /** The upstream URL as scanned (the engine summarises it in events). */
  readonly url: string;
  /** The same URL, safe to log. */
  readonly target: string;
  readonly maxMessageBytes: number;
  /** Where the relay is judged again after a reload and ended by the kill switch (the listener's). */
  readonly relays?: RelayTracker;
  /** The tracked socket the agent's hop rides on; closed once that hop has closed after Tollgate closed it. */
  readonly carrier?: Duplex;
  /** What would refuse this WebSocket if it were opened now, read from the running policy (upgrade.ts). */
  readonly recheck?: (live: ProxyContext) => Finding[];
}

/** RFC 6455 §7.4.1: codes an endpoint may send in a Close frame. */
function sendable(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/** A close reason within the 123 bytes a Close frame allows. */
export function closeReason(text: string): string {
  let out = text;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

/**
 * The close code `ws` gave a receive error (it closes the hop that sent the frame with it; the
 * receiver keeps it under its own symbol), or undefined for an error that is not the peer's
 * (a write that failed).
 */
function statusOf(err: Error): number | undefined {
  const sym = Object.getOwnPropertySymbols(err).find((k) => k.description === 'status-code');
  const v = sym === undefined ? undefined : (err as unknown as Record<symbol, unknown>)[sym];
  return typeof v === 'number' ? v : undefined;
}

interface LimitClose {
  readonly finding: Finding;
  /** The close reason (≤ 123 bytes once clipped). */
  readonly reason: string;
  readonly bytes: number;
}

/** What a receive error means: the finding recorded and the reason both hops are closed with. */
function limitClose(err: Error, code: number | undefined, direction: Direction, maxMessageBytes: number): LimitClose {
  const hop = direction === 'outbound' ? 'client' : 'upstream';
  const errCode = String((err as NodeJS.ErrnoException).code ?? '');
  const f = (rule: string, message: string): Finding => transportFinding(rule, 'ws.message', message);
  if (errCode === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || errCode === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH') {
    return {
      finding: f('engine/input-too-large', `A WebSocket message is larger than websocket.maxMessageBytes (${maxMessageBytes} bytes); it was not relayed.`),
      reason: `Tollgate: ${direction} message over ${maxMessageBytes} bytes (engine/input-too-large)`,
      bytes: maxMessageBytes + 1,
    };
  }
  if (errCode === 'WS_ERR_TOO_MANY_BUFFERED_PARTS') {
    return {
      finding: f('engine/too-many-parts', `A WebSocket message came in more fragments than Tollgate holds (${err.message.slice(0, 80)}); it was not relayed.`),
      reason: `Tollgate: ${direction} message in too many fragments (engine/too-many-parts)`,
      bytes: 0,
    };
  }
  if (errCode === 'WS_ERR_INVALID_UTF8') {
    return { finding: f('engine/invalid-input', 'A WebSocket text message is not valid UTF-8; it was not relayed.'), reason: `Tollgate: ${direction} text is not valid UTF-8 (engine/invalid-input)`, bytes: 0 };
  }
  if (code !== undefined) {
    return {
      finding: f('engine/invalid-input', `The ${hop} broke the WebSocket protocol (${err.message.slice(0, 120)}); the socket was closed.`),
      reason: `Tollgate: protocol error from the ${hop} (engine/invalid-input)`,
      bytes: 0,
    };
  }
  return { finding: f('engine/invalid-input', `The ${hop} hop failed (${err.message.slice(0, 120)}); the socket was closed.`), reason: `Tollgate: the ${hop} hop failed (engine/invalid-input)`, bytes: 0 };
}

/** Closes one hop with a code and a reason (a hop not open yet is cut; one already closing is left to finish). */
function closeHop(s: WebSocket, code: number, reason: string): void {
  if (s.readyState === s.OPEN) s.close(code, reason);
  else if (s.readyState === s.CONNECTING) s.terminate();
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

let receiverMissingNoted = false;

/**
 * Runs `listener` on a receive error (a limit, a protocol error) before `ws` acts on it. `ws` 8
 * closes the hop that broke the limit with the limit's code and no reason, and only then emits
 * 'error' on the WebSocket: its public API has no earlier hook, and a hop gets one close frame, so
 * a reason sent from the 'error' event never reaches that hop. The listener therefore goes on the
 * socket's receiver (`_receiver`, an EventEmitter that is not public API), prepended: Tollgate's
 * close with its reason goes out first and ws's own close then finds the socket already closing.
 * Enforcing the limits ourselves instead would mean parsing frames beside ws (and could not see
 * the inflated size of a compressed message). closes.test.ts pins this on both hops; should a ws
 * release drop `_receiver`, the relay still closes both hops and records the event, the hop that
 * broke the limit gets the code without the reason, and the note below says so once.
 */
function onReceiveErrorFirst(ws: WebSocket, listener: (err: Error) => void, note: (message: string) => void): void {
  const receiver = (ws as unknown as { _receiver?: Partial<EventEmitter> })._receiver;
  if (typeof receiver?.prependListener === 'function') {
    receiver.prependListener('error', listener);
    return;
  }
  if (!receiverMissingNoted) {
    receiverMissingNoted = true;
    note('ws no longer exposes its receiver: a WebSocket hop that breaks a limit is closed with the code but without Tollgate\'s reason (the other hop still gets it)');
  }
}

/** Wires two open sockets together; returns when the wiring is done (the relay runs on events). */
export function relay(client: WebSocket, upstream: WebSocket, f: RelayFacts): void {
  const { ctx } = f;
  let closed = false;
  const high = Math.max(4 * 1024 * 1024, 2 * f.maxMessageBytes);
  const host = new URL(f.url).hostname;

  // `live`: the policy running now, for a close the kill switch or a reload starts (its hash and mode).
  const emit = (direction: Direction | 'close', verdict: Verdict, bytes: number, started: number, live: ProxyContext = ctx): void => {
    live.emit(
      decisionEvent({
        type: 'frame',
        transport: 'websocket',
        verdict,
        requestId: live.newRequestId(),
        at: live.now(),
        latencyMs: performance.now() - started,
        mode: live.config.mode,
        configHash: live.configHash,
        target: f.target,
        method: direction,
        bytes,
        session: f.session,
        ...(ctx.config.agent !== undefined ? { agent: ctx.config.agent } : {}),
      }),
    );
  };

  /** Closes both hops with one code and reason (policy closes), once. */
  const shut = (code: number, reason: string): void => {
    if (closed) return;
    closed = true;
    const r = closeReason(reason);
    for (const s of [client, upstream]) {
      if (s.readyState === s.OPEN) s.close(code, r);
      else if (s.readyState === s.CONNECTING) s.terminate();
    }
  };

  /**
   * Ends the relay from outside (the kill switch, a reload that refuses it now): one event, both
   * hops closed with a code and a reason, and cut if their close handshake has not finished within
   * CLOSE_GRACE_MS (nothing is relayed meanwhile: `closed` is set).
   */
  const endFor = (verdict: Verdict, live: ProxyContext): void => {
    if (closed) {
      // Already closing for another reason: cut it now, as a socket without a relay would be.
      f.carrier?.destroy();
      return;
    }
    const rule = blockRule(verdict);
    const kill = rule === 'policy/kill-switch';
    const enforced = verdict.action === 'block' ? verdict : enforcedBlock(verdict);
    emit('close', { ...enforced, reason: `${enforced.reason} The open WebSocket was closed${kill ? '' : ' after a config reload'}.` }, 0, performance.now(), live);
    shut(1008, kill ? 'Tollgate: the kill switch is on (policy/kill-switch)' : `Tollgate: closed after a config reload (${rule})`);
    const cut = setTimeout(() => {
      client.terminate();
      upstream.terminate();
      f.carrier?.destroy();
    }, CLOSE_GRACE_MS);
    cut.unref();
    const done = (): void => {
      if (client.readyState !== client.CLOSED || upstream.readyState !== upstream.CLOSED) return;
      clearTimeout(cut);
      f.carrier?.destroy();
    };
    client.once('close', done);
    upstream.once('close', done);
  };
  /** Audit mode: a reload's policy would have closed it; one event says so, and it stays open. */
  const spared = (verdict: Verdict, live: ProxyContext): void => {
    if (closed) return;
    emit('close', { ...verdict, reason: `${verdict.reason} The open WebSocket would have been closed after a config reload; it stays open.` }, 0, performance.now(), live);
  };
  const forget = f.relays?.watch({ recheck: (live) => f.recheck?.(live) ?? [], end: endFor, spared, ...(f.carrier !== undefined ? { carrier: f.carrier } : {}) });

  /** A receive error `ws` reports (a limit or a protocol error): one event, both hops closed with its code and a reason. */
  const refuseReceived = (from: WebSocket, to: WebSocket, direction: Direction, err: Error): void => {
    if (closed) return;
    closed = true;
    const code = statusOf(err);
    const l = limitClose(err, code, direction, f.maxMessageBytes);
    emit(direction, enforcedBlock(ctx.engine.judge([l.finding])), l.bytes, performance.now());
    const reason = closeReason(l.reason);
    // Without a code of its own (a write that failed) the other hop is told Tollgate could not go on.
    closeHop(from, code ?? 1011, reason);
    closeHop(to, code ?? 1011, reason);
  };

  const pipe = (from: WebSocket, to: WebSocket, direction: Direction): void => {
    onReceiveErrorFirst(from, (err: Error) => refuseReceived(from, to, direction, err), ctx.note);
    from.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (closed) return;
      const started = performance.now();
      const buf = toBuffer(data);
      let verdict: Verdict;
      try {
        verdict = ctx.engine.scan(
          { kind: 'websocket', direction, url: f.url, data: buf },
          { now: ctx.now(), session: f.session, ...(ctx.config.agent ? { agent: ctx.config.agent } : {}) },
        );
      } catch (err) {
        // The engine is total; should it throw anyway, the message is not relayed (fail closed).
        const v = ctx.engine.judge([transportFinding('engine/scanner-error', 'ws.message', `The message could not be scanned (${(err as Error).message.slice(0, 120)}); it was not relayed.`, { category: 'engine' })]);
        emit(direction, { ...v, action: 'block' }, buf.length, started);
        shut(1011, 'Tollgate could not inspect a message');
        return;
      }
      // A message cannot be redacted in flight (no offsets to cut at), nor held for an operator
      // (the socket would stall, and later messages could not overtake it): redact and ask stop it
      // like block, and the event records the block that was enforced.
      if (ACTION_RANK[verdict.action] >= ACTION_RANK.redact) {
        const enforced: Verdict =
          verdict.action === 'redact'
            ? { ...verdict, action: 'block', reason: `${verdict.reason} A WebSocket message cannot be redacted in flight, so it was blocked.` }
            : verdict.action === 'ask'
              ? { ...verdict, action: 'block', reason: `${verdict.reason.replace(/^Held for approval/, 'Blocked')} A WebSocket message cannot be held for approval, so it was blocked.` }
              : verdict;
        emit(direction, enforced, buf.length, started);
        const rule = verdict.findings[0]?.rule ?? 'policy';
        shut(1008, `Tollgate blocked an ${direction} message: ${rule}`);
        return;
      }
      // What the agent sends counts against the per-domain data budget, as a request body does.
      if (direction === 'outbound') {
        const over = chargeBudget(ctx, host, { requests: 0, bytes: buf.length }, 'ws.message');
        if (over) {
          verdict = ctx.engine.judge([...verdict.findings, over.finding]);
          if (ACTION_RANK[verdict.action] >= ACTION_RANK.redact) {
            emit(direction, { ...verdict, action: 'block' }, buf.length, started);
            shut(1008, `Tollgate blocked an outbound message: ${over.finding.rule}`);
            return;
          }
        }
      }
      emit(direction, verdict, buf.length, started);
      if (to.readyState !== to.OPEN) return;
      to.send(buf, { binary: isBinary }, () => {
        if (from.isPaused && to.bufferedAmount < high / 2) from.resume();
      });
      if (to.bufferedAmount > high) from.pause();
    });

    from.on('error', (err: Error) => refuseReceived(from, to, direction, err));

    from.on('close', (code: number) => {
      forget?.();
      if (closed) {
        // Our close handshake finished on this hop; make sure the other one does not linger.
        if (to.readyState === to.CLOSED) return;
        if (to.readyState !== to.CLOSING) to.terminate();
        return;
      }
      closed = true;
      if (code === 1006) to.terminate();
      else if (sendable(code)) to.close(code);
      else to.close();
    });
  };

  pipe(client, upstream, 'outbound');
  pipe(upstream, client, 'inbound');
}
