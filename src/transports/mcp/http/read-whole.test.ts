import assert from 'node:assert/strict';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { defaultConfig } from '../../../config/index.ts';
import { createEngine } from '../../../engine/index.ts';
import { McpSession } from '../session.ts';
import { pumpSse, readJsonBody, type SseMeta } from './inspect.ts';

// One stream with every kind of block: a keep-alive comment, a priming event (id, no data), the
// answer to the pending request, and an unsolicited response (dropped) carrying a retry.
const ANSWER = { jsonrpc: '2.0', id: 1, result: { ok: true } };
const STREAM = `: keep-alive\n\nid: p0\ndata: \n\nid: e1\nevent: message\ndata: ${JSON.stringify(ANSWER)}\n\nretry: 1500\ndata: {"jsonrpc":"2.0","id":99,"result":{}}\n\n`;

const config = defaultConfig().config;
const engine = createEngine(config);

function session(): McpSession {
  const s = new McpSession({ engine, config, configHash: 'h', serverIdentity: 'http:test', serverLabel: 'test', pinId: 'test', transport: 'mcp-http', session: 's', now: () => 0 });
  // The request the answer is for.
  assert.equal(s.message('client', { jsonrpc: '2.0', id: 1, method: 'ping' }).toServer.length, 1);
  return s;
}

describe('pumpSse and readJsonBody: an answer that arrived whole and one read as it flows come out the same', () => {
  let server: http.Server;
  let base: string;
  /** Sends the rest of the answer in pieces (set once the server has sent the first). */
  let rest: (() => void) | undefined;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.startsWith('/json') === true) {
        const body = JSON.stringify(ANSWER);
        res.writeHead(200, { 'content-type': 'application/json' });
        if (req.url === '/json-whole') {
          res.end(body);
          return;
        }
        res.write(body.slice(0, 10));
        rest = () => res.end(body.slice(10));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (req.url === '/whole') {
        res.end(STREAM);
        return;
      }
      // In two pieces, the second only once the test has started reading: read while flowing.
      const cut = STREAM.indexOf('data: {');
      res.write(STREAM.slice(0, cut + 10));
      rest = () => res.end(STREAM.slice(cut + 10));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  async function pumped(path: string): Promise<{ seen: { toClient: unknown[]; meta: SseMeta }[]; keepAlives: number; end: unknown; flowing: boolean | null; ended: boolean }> {
    const res = await new Promise<IncomingMessage>((resolve, reject) => http.get(`${base}${path}`, { agent: false }, resolve).on('error', reject));
    // As the listener does: its code goes on a microtask after the head, by when a body that came with it is parsed.
    await Promise.resolve();
    const seen: { toClient: unknown[]; meta: SseMeta }[] = [];
    let keepAlives = 0;
    const pumping = pumpSse(res, session(), 64 * 1024, {
      event: (out, meta) => seen.push({ toClient: out.toClient, meta }),
      keepAlive: () => keepAlives++,
    });
    rest?.();
    rest = undefined;
    const end = await pumping;
    const flowing = res.readableFlowing;
    // Bounded: the stream ends once read (so a kept-alive socket could go back to its pool).
    for (let i = 0; i < 200 && !res.readableEnded; i++) await new Promise((r) => setImmediate(r));
    return { seen, keepAlives, end, flowing, ended: res.readableEnded };
  }

  const expected = {
    seen: [
      { toClient: [], meta: { id: 'p0' } },
      { toClient: [ANSWER], meta: { id: 'e1' } },
      { toClient: [], meta: { retry: 1500 } },
    ],
    keepAlives: 1,
    end: { clean: true, dropped: 1, lastEventId: 'e1', retry: 1500 },
    ended: true,
  };

  it('reads an answer that came whole at once, without making the stream flow', async () => {
    const r = await pumped('/whole');
    assert.equal(r.flowing, null);
    assert.deepEqual({ seen: r.seen, keepAlives: r.keepAlives, end: r.end, ended: r.ended }, expected);
  });

  it('reads an answer still arriving as it flows, to the same events and end', async () => {
    const r = await pumped('/pieces');
    assert.equal(r.flowing, true);
    assert.deepEqual({ seen: r.seen, keepAlives: r.keepAlives, end: r.end, ended: r.ended }, expected);
  });

  for (const path of ['/json-whole', '/json-pieces']) {
    it(`reads a JSON answer ${path === '/json-whole' ? 'that came whole at once' : 'still arriving as it flows'} to the answer`, async () => {
      const res = await new Promise<IncomingMessage>((resolve, reject) => http.get(`${base}${path}`, { agent: false }, resolve).on('error', reject));
      await Promise.resolve();
      const reading = readJsonBody(res, session(), 64 * 1024);
      rest?.();
      rest = undefined;
      const out = await reading;
      assert.equal(res.readableFlowing, path === '/json-whole' ? null : true);
      assert.deepEqual(out, { toServer: [], toClient: [ANSWER] });
    });
  }
});
