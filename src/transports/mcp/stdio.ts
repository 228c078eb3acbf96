import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { Delivery } from './delivery.ts';
import { LineFramer, type FrameEvent } from './framing.ts';
import { idWindows } from './recover-id.ts';
import type { McpSession, Outbound, Side } from './session.ts';
import { unreadableAnswer } from './unreadable-answer.ts';

/**
 * The stdio wire: spawns the MCP server, frames both directions into lines, hands each line
 * to the session, and writes what the session says to write. The server's stderr passes
 * through. Backpressure is kept: a reader that stops reading pauses the side writing to it.
 */

export interface StdioRelayOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** The server's whole environment (see buildChildEnv). */
  readonly env: Record<string, string>;
  readonly cwd?: string;
  readonly session: McpSession;
  readonly maxLineBytes: number;
  /** The client side: Tollgate's stdin and stdout. */
  readonly clientIn: Readable;
  readonly clientOut: Writable;
  /** Where the server's stderr (and Tollgate's own notes) go. */
  readonly errorOut: Writable;
  /** Forward these signals received by this process to the server (default SIGINT, SIGTERM, SIGHUP). */
  readonly forwardSignals?: readonly NodeJS.Signals[];
}

export interface RelayExit {
  /** The server's exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the server could not be started at all. */
  readonly spawnError?: NodeJS.ErrnoException;
}

export interface StdioRelay {
  readonly pid: number | undefined;
  /** Resolves when the server has exited and everything owed to the client is written. */
  readonly done: Promise<RelayExit>;
  /** Sends a signal to the server. */
  kill(signal: NodeJS.Signals): void;
}

const DEFAULT_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function serialize(messages: readonly unknown[]): string {
  let out = '';
  // JSON.stringify never emits a raw newline, so each message stays one line (MCP stdio).
  for (const m of messages) out += `${JSON.stringify(m)}\n`;
  return out;
}

export function startStdioRelay(opts: StdioRelayOptions): StdioRelay {
  const { session } = opts;
  const child: ChildProcessWithoutNullStreams = spawn(opts.command, [...opts.args], {
    env: opts.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    windowsHide: true,
  });
  const fromClient = new LineFramer(opts.maxLineBytes);
  const fromServer = new LineFramer(opts.maxLineBytes);
  let serverWritable = true;
  let clientWritable = true;
  let finished = false;

  // A side whose reader is slow pauses the side feeding it until the reader drains.
  let clientFull = false;
  let serverFull = false;
  const writeClient = (messages: readonly unknown[]): void => {
    if (messages.length === 0 || !clientWritable) return;
    if (!opts.clientOut.write(serialize(messages)) && !clientFull) {
      clientFull = true;
      child.stdout.pause();
      opts.clientOut.once('drain', () => {
        clientFull = false;
        child.stdout.resume();
      });
    }
  };
  const writeServer = (messages: readonly unknown[]): void => {
    if (messages.length === 0 || !serverWritable) return;
    if (!child.stdin.write(serialize(messages)) && !serverFull) {
      serverFull = true;
      opts.clientIn.pause();
      child.stdin.once('drain', () => {
        serverFull = false;
        if (!finished) opts.clientIn.resume();
      });
    }
  };
  // Requests held for approval and large results held for their scan are written when they
  // settle; everything else keeps flowing.
  const delivery = new Delivery((out: Outbound) => {
    writeServer(out.toServer);
    writeClient(out.toClient);
  });
  const deliver = (out: Outbound): void => delivery.deliver(out);
  const handle = (from: Side, ev: FrameEvent): void => {
    switch (ev.kind) {
      case 'line':
        deliver(session.line(from, ev.text, ev.bytes));
        return;
      // A server's unreadable line may be the answer a client request waits for: then that
      // request is answered with an error (unreadable-answer.ts) rather than left hanging.
      case 'oversize':
        deliver(from === 'server' ? unreadableAnswer(session, 'mcp/line-too-long', ev.bytes, opts.maxLineBytes, ev.head, ev.tail) : session.unreadable(from, 'mcp/line-too-long', ev.bytes));
        return;
      case 'invalid-utf8': {
        if (from === 'client') return deliver(session.unreadable(from, 'mcp/invalid-utf8', ev.bytes));
        const w = idWindows(ev.raw);
        deliver(unreadableAnswer(session, 'mcp/invalid-utf8', ev.bytes, opts.maxLineBytes, w.head, w.tail));
        return;
      }
    }
  };

  const onClientData = (chunk: Buffer): void => {
    for (const ev of fromClient.push(chunk)) handle('client', ev);
  };
  const onClientEnd = (): void => {
    for (const ev of fromClient.end()) handle('client', ev);
    // Nobody is left to wait for a held request: its hold ends before the server's stdin does.
    session.cancelHeld('the client closed its input');
    // The client closed its side: the server's stdin closes too (MCP stdio shutdown).
    child.stdin.end();
  };
  opts.clientIn.on('data', onClientData);
  opts.clientIn.on('end', onClientEnd);
  child.stdout.on('data', (chunk: Buffer) => {
    for (const ev of fromServer.push(chunk)) handle('server', ev);
  });
  child.stdout.on('end', () => {
    for (const ev of fromServer.end()) handle('server', ev);
  });
  child.stderr.on('data', (chunk: Buffer) => opts.errorOut.write(chunk));
  // Writing to a server that already exited: its exit is reported by 'close'.
  child.stdin.on('error', () => {
    serverWritable = false;
  });
  opts.clientOut.on('error', () => {
    // The client went away: nobody is left to answer; stop the server.
    clientWritable = false;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });

  const signals = opts.forwardSignals ?? DEFAULT_SIGNALS;
  const forward = (sig: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  };
  for (const sig of signals) process.on(sig, forward);

  const done = new Promise<RelayExit>((resolve) => {
    const finish = (exit: RelayExit, detail: string): void => {
      if (finished) return;
      finished = true;
      serverWritable = false;
      for (const sig of signals) process.off(sig, forward);
      opts.clientIn.off('data', onClientData);
      opts.clientIn.off('end', onClientEnd);
      opts.clientIn.pause();
      // Requests still waiting get an error instead of silence.
      writeClient(session.upstreamClosed(detail));
      const last = (): void => {
        if (!clientWritable) resolve(exit);
        else opts.clientOut.write('', () => resolve(exit));
      };
      // Results the server sent that are still being scanned reach the client before the relay ends.
      const scanning = clientWritable ? delivery.settled() : null;
      if (scanning) void scanning.then(last);
      else last();
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      // Only a failure to start ends the relay here; a started process ends with 'close'.
      if (child.pid !== undefined) return;
      opts.errorOut.write(`tollgate: cannot start MCP server ${JSON.stringify(opts.command)}: ${err.message}\n`);
      finish({ code: null, signal: null, spawnError: err }, 'could not be started');
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      if (child.pid === undefined) return;
      finish({ code, signal }, signal ? `was ended by ${signal}` : `exited with code ${code ?? 'unknown'}`);
    });
  });

  return {
    pid: child.pid,
    done,
    kill: (sig) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    },
  };
}

/** The exit status Tollgate itself should end with, as a shell reports a child's. */
export function exitStatus(exit: RelayExit, signalNumber: (s: NodeJS.Signals) => number | undefined): number {
  if (exit.spawnError) return exit.spawnError.code === 'ENOENT' ? 127 : 126;
  if (exit.code !== null) return exit.code;
  if (exit.signal) return 128 + (signalNumber(exit.signal) ?? 0);
  return 1;
}
