// The stdio → WebSocket bridge: the client speaks stdio to Tollgate, Tollgate speaks to an MCP
// server over a WebSocket (subprotocol "mcp", each JSON-RPC message or batch one text frame, as
// the MCP SDKs' WebSocket transports do). The socket goes to the address that was checked; frames
// are bounded by mcp.maxLineBytes and judged by the session like stdio lines.
import { connect as netConnect, isIP } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import WebSocket from 'ws';
import type { ProxyContext } from '../../http-proxy/context.ts';
import type { McpSession } from '../session.ts';
import { dialChecked, unreachable } from '../http/upstream.ts';
import { attachClientSide } from './client-side.ts';
import type { Bridge } from './http.ts';

export interface WsBridgeOptions {
  readonly ctx: ProxyContext;
  readonly url: URL;
  /** The configured upstream headers, for the handshake. */
  readonly headers: Readonly<Record<string, string>>;
  readonly session: McpSession;
  readonly label: string;
  readonly maxLineBytes: number;
  readonly clientIn: Readable;
  readonly clientOut: Writable;
  readonly note: (line: string) => void;
}

/** The subprotocol MCP WebSocket transports offer. */
const SUBPROTOCOL = 'mcp';
const CLOSE_GRACE_MS = 5000;

/**
 * Opens the WebSocket (rejecting with a sentence when the policy refuses the address or the
 * server cannot be reached), then relays until either side ends.
 */
export async function startWsBridge(opts: WsBridgeOptions): Promise<Bridge> {
  const { ctx, url, session } = opts;
  const started = performance.now();
  const dial = await dialChecked(ctx, url, 'mcp-ws', 'GET', opts.label);
  if (!dial.ok) throw new Error(dial.why);
  const secure = url.protocol === 'wss:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (secure ? 443 : 80));
  const address = dial.address;
  // Hold the client until the socket is open.
  opts.clientIn.pause();
  const ws = new WebSocket(url.href, [SUBPROTOCOL], {
    createConnection: () =>
      secure
        ? tlsConnect({ host: address, port, ALPNProtocols: ['http/1.1'], rejectUnauthorized: true, ...(isIP(host) ? {} : { servername: host }), ...(ctx.tls?.upstream ? { secureContext: ctx.tls.upstream } : {}) })
        : netConnect({ host: address, port }),
    headers: { ...opts.headers },
    maxPayload: opts.maxLineBytes,
    perMessageDeflate: false,
    handshakeTimeout: ctx.config.proxy.connectTimeoutMs,
    followRedirects: false,
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (why: string, err?: Error): void => {
      ws.terminate();
      reject(new Error(unreachable(ctx, url, 'mcp-ws', 'GET', opts.label, err ?? new Error(why), started).why));
    };
    ws.once('open', () => {
      ws.off('error', onError);
      resolve();
    });
    ws.once('unexpected-response', (r, res) => {
      res.resume();
      r.destroy();
      failed(`the server answered HTTP ${res.statusCode ?? 0} instead of switching protocols`);
    });
    const onError = (err: Error): void => failed(err.message, err);
    ws.once('error', onError);
  });

  let closing = false;
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((r) => (resolveDone = r));
  const client = attachClientSide({
    session,
    maxLineBytes: opts.maxLineBytes,
    clientIn: opts.clientIn,
    clientOut: opts.clientOut,
    toServer: (m) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
    },
    onEnd: () => {
      closing = true;
      ws.close(1000);
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    },
  });
  ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    client.server(isBinary ? session.dropped('server', 'mcp/invalid-jsonrpc', 'a binary frame (MCP over WebSocket uses text frames)', buf.length) : session.line('server', buf.toString('utf8'), buf.length));
    const wait = client.ready();
    if (wait) {
      ws.pause();
      void wait.then(() => ws.resume());
    }
  });
  ws.on('error', (err: Error & { code?: string }) => {
    // ws closes the socket after this (1009 for an oversized frame, 1007 for bad UTF-8).
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') session.dropped('server', 'mcp/message-too-large', `a frame over the ${opts.maxLineBytes}-byte limit (mcp.maxLineBytes)`);
    else if (err.code === 'WS_ERR_INVALID_UTF8') session.dropped('server', 'mcp/invalid-utf8', 'a text frame that is not valid UTF-8');
    else opts.note(`mcp: WebSocket error: ${err.message.slice(0, 160)}`);
  });
  ws.once('close', (code: number) => {
    client.stop();
    client.write(session.upstreamClosed(`closed the WebSocket (code ${code})`));
    // Results the server sent that are still being scanned reach the client before the bridge ends.
    void (async () => {
      await client.settled();
      await client.flush();
      resolveDone(closing ? 0 : 1);
    })();
  });
  opts.clientIn.resume();
  return { done };
}
