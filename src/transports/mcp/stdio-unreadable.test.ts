import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../config/index.ts';
import type { TollgateConfig } from '../../config/schema.ts';
import type { DecisionEvent } from '../../core/index.ts';
import { createEngine } from '../../engine/index.ts';
import { createPinStore } from '../../state/pins/index.ts';
import { McpSession } from './session.ts';
import { startStdioRelay } from './stdio.ts';

/**
 * The stdio relay when the server answers a request with a line Tollgate cannot read (not UTF-8,
 * or over mcp.maxLineBytes): the line is dropped and recorded, and the request it answers gets
 * -32603 at once when its id can be read from the line's ends, instead of waiting for good.
 */
const MAX = 65_536;

// Answers `test/go` in the shape its params ask for, every one unreadable.
const SERVER = `
const rl = require('node:readline').createInterface({ input: process.stdin });
const big = 'A'.repeat(${MAX * 2});
rl.on('line', (l) => {
  const m = JSON.parse(l);
  const id = JSON.stringify(m.id);
  const w = (s) => process.stdout.write(s);
  switch (m.params.shape) {
    case 'utf8': w(Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":' + id + ',"result":{"text":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}\\n')])); break;
    case 'id-first': w('{"jsonrpc":"2.0","id":' + id + ',"result":{"text":"' + big + '"}}\\n'); break;
    case 'id-last': w('{"result":{"content":[{"type":"text","text":"' + big + '","id":"inner"}]},"jsonrpc":"2.0","id":' + id + '}\\r\\n'); break;
    case 'no-id': w('{"jsonrpc":"2.0","result":{"text":"' + big + '"}}\\n'); break;
    case 'request': w('{"jsonrpc":"2.0","id":' + id + ',"method":"sampling/createMessage","params":{"text":"' + big + '"}}\\n'); break;
  }
});
`;

describe('tollgate mcp (stdio): an answer that cannot be read', () => {
  it('answers the request with -32603 when the id can be read from the line, records the id, and leaves it waiting (recorded as such) when not', { timeout: 60_000 }, async () => {
    const base = defaultConfig().config;
    const config: TollgateConfig = { ...base, mcp: { ...base.mcp, maxLineBytes: MAX } };
    const events: DecisionEvent[] = [];
    const session = new McpSession({
      engine: createEngine(config),
      config,
      configHash: 'test',
      serverIdentity: 'stdio:["node","-e"]',
      serverLabel: 'node',
      pins: createPinStore({ dir: mkdtempSync(join(tmpdir(), 'tollgate-mcp-')), maxPinnedTools: 10 }),
      pinId: 'test',
      transport: 'mcp-stdio',
      session: 'sess',
      emit: (e) => events.push(e),
    });
    const clientIn = new PassThrough();
    const clientOut = new PassThrough();
    const relay = startStdioRelay({ command: process.execPath, args: ['-e', SERVER], env: { PATH: process.env.PATH ?? '' }, session, maxLineBytes: MAX, clientIn, clientOut, errorOut: new PassThrough(), forwardSignals: [] });

    const got = new Map<string | number, { error?: { code: number; message: string; data?: unknown } }>();
    let buf = '';
    const waiters: (() => void)[] = [];
    clientOut.setEncoding('utf8');
    clientOut.on('data', (c: string) => {
      buf += c;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const m = JSON.parse(buf.slice(0, nl)) as { id: string | number; error?: { code: number; message: string; data?: unknown } };
        buf = buf.slice(nl + 1);
        got.set(m.id, m);
      }
      for (const w of waiters.splice(0)) w();
    });
    const answer = async (id: string | number, shape: string): Promise<{ error?: { code: number; message: string; data?: unknown } }> => {
      clientIn.write(`${JSON.stringify({ jsonrpc: '2.0', id, method: 'test/go', params: { shape } })}\n`);
      while (!got.has(id)) await new Promise<void>((r) => waiters.push(r));
      return got.get(id) as { error?: { code: number; message: string } };
    };

    try {
      const utf8 = await answer(1, 'utf8');
      assert.equal(utf8.error?.code, -32603);
      assert.equal(utf8.error?.message, "Tollgate dropped the MCP server's response to this request: the line is not valid UTF-8.");
      const first = await answer('b-2', 'id-first');
      assert.equal(first.error?.code, -32603);
      assert.match(first.error?.message ?? '', /response to this request: the line is \d+ bytes, over the 65536-byte limit \(mcp\.maxLineBytes\)\./);
      // The TypeScript SDK writes the id last; an "id" inside the result is not the response's.
      const last = await answer(3, 'id-last');
      assert.equal(last.error?.code, -32603);

      // No id to read: nothing can be answered; the request waits (the record says so). A later
      // answer arriving shows nothing was written for it meanwhile (stdout keeps its order).
      clientIn.write(`${JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'test/go', params: { shape: 'no-id' } })}\n`);
      // A server *request* under an id the client is waiting on is not taken for the answer.
      clientIn.write(`${JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'test/go', params: { shape: 'request' } })}\n`);
      await answer(6, 'utf8');
      assert.equal(got.has(4), false);
      assert.equal(got.has(5), false);
      assert.equal(session.pendingCount, 2);

      const dropped = events.filter((e) => e.findings.some((f) => f.rule === 'mcp/invalid-utf8' || f.rule === 'mcp/line-too-long'));
      assert.equal(dropped.length, 6);
      assert.match(dropped[0]?.reason ?? '', /not valid UTF-8; it answered request 1, which Tollgate answered with error -32603 in its place/);
      assert.match(dropped[1]?.reason ?? '', /it answered request "b-2"/);
      assert.match(dropped[2]?.reason ?? '', /it answered request 3\b/);
      assert.match(dropped[3]?.reason ?? '', /no response id could be read from it, so a request it may answer is still waiting/);
      assert.match(dropped[4]?.reason ?? '', /no response id could be read from it/);
    } finally {
      // (A failed assertion must not leave the server running.)
      clientIn.end();
      relay.kill('SIGTERM');
      await relay.done;
    }
  });
});
