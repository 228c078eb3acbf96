// The stdio half of a bridge: newline-delimited JSON-RPC on Tollgate's stdin and stdout (as the
// stdio relay frames it), each line judged by the session as the client's. What the session
// passes on goes to `toServer`, whatever the upstream wire is; what it says about the server's
// messages is delivered here too, held parts (calls held for approval, large results scanned in
// the pool) when they settle, as the stdio relay delivers them (delivery.ts).
import type { Readable, Writable } from 'node:stream';
import { Delivery } from '../delivery.ts';
import { LineFramer, type FrameEvent } from '../framing.ts';
import type { McpSession, Outbound } from '../session.ts';

export interface ClientSide {
  /** Writes messages to the client (stdout), one line each. */
  write(messages: readonly unknown[]): void;
  /**
   * Delivers what the session made of a server's message: to the client and back to the server
   * now, and each held result when its scan settles (the wire keeps relaying meanwhile).
   */
  server(out: Outbound): void;
  /** Resolves once every held outcome so far has been delivered; null when none is open. */
  settled(): Promise<void> | null;
  /** Resolves when the client can take more output; null when it can now. */
  ready(): Promise<void> | null;
  /** Stops reading the client until resume() (too much in flight upstream). */
  pause(): void;
  resume(): void;
  /** Stops reading for good. */
  stop(): void;
  /** Resolves once everything written so far has been flushed. */
  flush(): Promise<void>;
}

export interface ClientSideOptions {
  readonly session: McpSession;
  readonly maxLineBytes: number;
  readonly clientIn: Readable;
  readonly clientOut: Writable;
  /** A message (or batch) the session passed, for the upstream. */
  readonly toServer: (message: unknown) => void;
  /** The client closed its side. */
  readonly onEnd: () => void;
}

function serialize(messages: readonly unknown[]): string {
  let out = '';
  // JSON.stringify never emits a raw newline, so each message stays one line (MCP stdio).
  for (const m of messages) out += `${JSON.stringify(m)}\n`;
  return out;
}

export function attachClientSide(opts: ClientSideOptions): ClientSide {
  const { session, clientIn, clientOut } = opts;
  const framer = new LineFramer(opts.maxLineBytes);
  let writable = true;
  let stopped = false;
  let paused = false;
  clientOut.on('error', () => {
    writable = false;
  });
  const write = (messages: readonly unknown[]): void => {
    if (messages.length === 0 || !writable) return;
    clientOut.write(serialize(messages));
  };
  // Held outcomes go on when they settle; the upstream wire drops what comes for a server that has gone.
  const delivery = new Delivery((out: Outbound) => {
    write(out.toClient);
    for (const m of out.toServer) opts.toServer(m);
  });
  const deliver = (out: Outbound): void => delivery.deliver(out);
  const handle = (ev: FrameEvent): void => {
    switch (ev.kind) {
      case 'line':
        deliver(session.line('client', ev.text, ev.bytes));
        return;
      case 'oversize':
        deliver(session.unreadable('client', 'mcp/line-too-long', ev.bytes));
        return;
      case 'invalid-utf8':
        deliver(session.unreadable('client', 'mcp/invalid-utf8', ev.bytes));
        return;
    }
  };
  const onData = (chunk: Buffer): void => {
    for (const ev of framer.push(chunk)) handle(ev);
  };
  const onEnd = (): void => {
    for (const ev of framer.end()) handle(ev);
    session.cancelHeld('the client closed its input');
    opts.onEnd();
  };
  clientIn.on('data', onData);
  clientIn.once('end', onEnd);
  return {
    write,
    server: deliver,
    settled: () => delivery.settled(),
    ready: () => (writable && clientOut.writableNeedDrain ? new Promise<void>((r) => clientOut.once('drain', r)) : null),
    pause: () => {
      if (paused || stopped) return;
      paused = true;
      clientIn.pause();
    },
    resume: () => {
      if (!paused || stopped) return;
      paused = false;
      clientIn.resume();
    },
    stop: () => {
      stopped = true;
      clientIn.off('data', onData);
      clientIn.off('end', onEnd);
      clientIn.pause();
    },
    flush: () => new Promise<void>((r) => (writable ? clientOut.write('', () => r()) : r())),
  };
}
