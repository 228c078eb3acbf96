import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Served } from './fixtures/mcp-http/upstream.ts';
import { poisoned } from './fixtures/mcp-http/servers.ts';
import { connectHttp, guardHttp, text, until, type Guarded } from './helpers/mcp.ts';

/**
 * The Streamable HTTP listener reads clients the way the proxy does (http-limits.ts): strict
 * parsing, a bounded head, and timeouts for slow clients, each refusal answered with the block
 * marker and recorded; while answers, and the server's own event stream, stay open as long as the
 * server keeps them. Raw sockets on loopback send what an SDK client never would.
 */
const T = { timeout: 60_000 };
// Node counts the head timeout from when the connection is set up, and a head not yet read when a
// check runs is cut: a pause of the event loop longer than this between accept and read turns any
// request into a 408. Building another test's runtime takes 0.2-0.8 s of one turn on a busy machine,
// so the tests run one at a time, and the limits leave room for pauses (each must-happen 408 waits
// them out; the test that shows they do not apply sleeps past them).
const HEADERS_MS = 1500;
const REQUEST_MS = 3000;
const LIMITS = `proxy:\n  headersTimeoutMs: ${HEADERS_MS}\n  requestTimeoutMs: ${REQUEST_MS}\n  idleTimeoutMs: ${HEADERS_MS}\nlimits:\n  maxHeaderBytes: 4096\n`;

const open: Guarded[] = [];
after(async () => {
  for (const g of open) await g.close();
});

async function guard(factory: () => Served): Promise<Guarded> {
  const g = await guardHttp(factory, { config: LIMITS });
  open.push(g);
  return g;
}

/**
 * Writes raw bytes to the listener and resolves with everything it answers before the connection
 * closes, or after GIVE_UP_MS: below the defaults of proxy.headersTimeoutMs (30 s) and
 * requestTimeoutMs (120 s), so a 408 that came only from a default (the configured limit not applied)
 * fails.
 */
const GIVE_UP_MS = 20_000;
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const sock: Socket = connect(port, '127.0.0.1', () => sock.write(bytes));
    let got = '';
    const done = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, GIVE_UP_MS);
    sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
    sock.on('close', done);
    sock.on('error', done);
  });
}

function rules(g: Guarded): string[] {
  return g.events.filter((e) => e.transport === 'mcp-http').flatMap((e) => e.findings.map((f) => f.rule));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const POST_HEAD = 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\naccept: application/json, text/event-stream\r\n';

describe('tollgate mcp --listen: how clients are read', () => {
  it('refuses ambiguous framing (Content-Length with Transfer-Encoding) with 400 and the block marker, records it, and the upstream sees nothing', T, async () => {
    const g = await guard(poisoned);
    const answer = await raw(g.proxy.port, `${POST_HEAD}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.match(answer, /x-tollgate-block: engine\/malformed-request/i);
    assert.deepEqual(rules(g), ['engine/malformed-request']);
    assert.equal(g.events[0]?.action, 'block');
    assert.equal(g.up.headers.length, 0, 'the upstream received nothing');
  });

  it('answers a request head over limits.maxHeaderBytes with 431 and the block marker', T, async () => {
    const g = await guard(poisoned);
    const answer = await raw(g.proxy.port, `${POST_HEAD}x-pad: ${'a'.repeat(8192)}\r\nContent-Length: 2\r\n\r\n{}`);
    assert.match(answer, /^HTTP\/1\.1 431 /);
    assert.match(answer, /x-tollgate-block: engine\/headers-too-large/i);
    assert.deepEqual(rules(g), ['engine/headers-too-large']);
    assert.equal(g.up.headers.length, 0);
  });

  it('disconnects a client that never finishes its request head with 408 (proxy.headersTimeoutMs) and records it', T, async () => {
    const g = await guard(poisoned);
    const answer = await raw(g.proxy.port, 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /x-tollgate-block: engine\/client-timeout/i);
    assert.deepEqual(rules(g), ['engine/client-timeout']);
    assert.equal(g.up.headers.length, 0);
  });

  it('disconnects a client that stalls mid-body with 408 (proxy.requestTimeoutMs), records the unread body once, and forwards nothing', T, async () => {
    const g = await guard(poisoned);
    const answer = await raw(g.proxy.port, `${POST_HEAD}Content-Length: 100\r\n\r\n{"jsonrpc":`);
    assert.match(answer, /^HTTP\/1\.1 408 /);
    await until(() => rules(g).length > 0, 'the unread body was recorded');
    assert.deepEqual(rules(g), ['engine/body-aborted']);
    assert.equal(g.events[0]?.action, 'block');
    assert.equal(g.up.headers.length, 0);
  });

  it('keeps an answer streaming past requestTimeoutMs, and the GET stream of server messages open past it and idleTimeoutMs', T, async () => {
    let release = (): void => undefined;
    const released = new Promise<void>((r) => (release = r));
    let latest: McpServer | undefined;
    const slow = (): Served => {
      const server = new McpServer({ name: 'slow-http', version: '1.0.0' }, { capabilities: { logging: {} } });
      server.registerTool('slow', { description: 'Answers when the test says so.' }, async () => {
        await released;
        return { content: [{ type: 'text', text: 'done at last' }] };
      });
      latest = server;
      return { server };
    };
    const g = await guard(slow);
    const { client, errors } = await connectHttp(g.proxy.url);
    const logs: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(String(n.params.data));
    });
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['slow']);
    await until(() => g.up.gets > 0, "the client opened the server's own stream");
    const call = client.callTool({ name: 'slow', arguments: {} });
    // Two request timeouts: long enough for the listener's checks (every HEADERS_MS / 4) to have cut
    // either stream if they applied to it.
    await sleep(2 * REQUEST_MS);
    release();
    assert.equal(text(await call), 'done at last');
    // A message the server sends on its own goes out on the GET stream opened at the start.
    await (latest as McpServer).server.sendLoggingMessage({ level: 'info', data: 'still here' });
    await until(() => logs.includes('still here'), 'the late server message arrived');
    assert.equal(g.up.gets, 1, 'the GET stream was never reopened');
    assert.deepEqual(rules(g).filter((r) => r.startsWith('engine/')), []);
    assert.deepEqual(errors.map((e) => e.message), []);
    await client.close();
  });
});
