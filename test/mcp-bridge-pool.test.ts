import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { parseConfig } from '../src/config/index.ts';
import { createRuntime, recipeOf } from '../src/main.ts';
import type { OffThreadScans } from '../src/engine/index.ts';
import { ScanPool } from '../src/scan-pool/index.ts';
import { testContext } from '../src/transports/http-proxy/testing.ts';
import { startHttpBridge, startWsBridge, type Bridge } from '../src/transports/mcp/bridge/index.ts';
import { createUpstream } from '../src/transports/mcp/http/index.ts';
import { startStubMcpUpstream } from '../src/transports/mcp/http/testing.ts';
import { McpSession } from '../src/transports/mcp/index.ts';
import { PAYLOAD } from './fixtures/mcp-http/servers.ts';
import { startWsUpstream } from './fixtures/mcp-http/ws-server.ts';
import { until } from './helpers/mcp.ts';

/**
 * The bridges (`tollgate mcp --upstream URL` without --listen) with the scan pool, in this process:
 * a large result is held for its worker scan while the bridge keeps relaying, then delivered with
 * the verdict an inline scan gives, as over stdio; a failed worker fails closed.
 */
const FILLER = 'The quarterly report lists revenue by region and product line, with notes on each. ';
/** About 5 MB: its scan takes seconds, a small call's round trip milliseconds. */
const BIG_INJECTED = `${FILLER.repeat(30_000)}${PAYLOAD} ${FILLER.repeat(30_000)}`;
const BIG_CLEAN = FILLER.repeat(4000);
const KEY = 'AKIAZ7QW4ERT5YUI6OPA';
const BIG_SECRET = `${FILLER.repeat(2000)}deploy key ${KEY} ${FILLER.repeat(2000)}`;
const RESULTS: Record<string, string> = { 'big-injected': BIG_INJECTED, 'big-clean': BIG_CLEAN, 'big-secret': BIG_SECRET, small: 'ok' };
/** A loopback upstream allowed (and `scanners`, more scanner settings); frames and bodies up to 16 MiB. */
const yamlWith = (scanners: string): string => `scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\n${scanners}mcp:\n  maxLineBytes: 16777216\n  http:\n    maxBodyBytes: 16777216\n    maxSseEventBytes: 16777216\n`;
const WAIT = 120_000;

const closers: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

interface Msg {
  id?: number;
  result?: { content: { text: string }[]; isError?: boolean };
  error?: { code: number; message: string };
}

/** A bridge with its stdio client: the lines it wrote, and a way to send and wait for answers. */
interface Wired {
  readonly got: Msg[];
  /** Answer ids in the order they reached the client. */
  readonly order: number[];
  send(m: unknown): void;
  answer(id: number): Promise<Msg>;
  readonly pool: ScanPool;
  /** Scans the session handed the pool. */
  readonly scans: { readonly n: number };
  readonly session: McpSession;
  readonly clientIn: PassThrough;
  readonly clientOut: PassThrough;
}

type Engine = ReturnType<typeof createRuntime>['engine'];
/** One engine and pool for the tests with the plain policy: a worker started from the source tree takes seconds, so they share it. */
let shared: { engine: Engine; pool: ScanPool } | undefined;

function wire(scanners = '', poolOpts?: Partial<ConstructorParameters<typeof ScanPool>[0]>): Wired & { ctx: ReturnType<typeof testContext>['ctx'] } {
  const yaml = yamlWith(scanners);
  const { ctx } = testContext(yaml);
  const own = scanners !== '' || poolOpts !== undefined;
  const made = own || !shared ? { engine: createRuntime(parseConfig(`preset: balanced\n${yaml}`), {}).engine, pool: new ScanPool({ recipeOf, ...poolOpts }) } : shared;
  if (made !== shared) closers.push(() => made.pool.close());
  if (!own) shared = made;
  const { engine, pool } = made;
  // Counts what the session hands the pool.
  const scans = { n: 0 };
  const counted: OffThreadScans = { takes: (...a) => pool.takes(...a), scan: (...a) => (scans.n++, pool.scan(...a)) };
  const session = new McpSession({ engine, config: engine.config, configHash: 'h', serverIdentity: 'bridge:test', serverLabel: 'test', pinId: 'test', transport: 'mcp-ws', session: 's', offThread: { pool: counted, engine } });
  const clientIn = new PassThrough();
  const clientOut = new PassThrough();
  const got: Msg[] = [];
  const order: number[] = [];
  let buf = '';
  clientOut.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const m = JSON.parse(buf.slice(0, nl)) as Msg;
      buf = buf.slice(nl + 1);
      got.push(m);
      if (typeof m.id === 'number') order.push(m.id);
    }
  });
  const find = (id: number): Msg | undefined => got.find((m) => m.id === id);
  return {
    ctx: { ...ctx, engine, config: engine.config, now: () => Date.now() },
    got,
    order,
    send: (m) => clientIn.write(`${JSON.stringify(m)}\n`),
    answer: async (id) => {
      await until(() => find(id) !== undefined, `the answer to ${id}`, WAIT);
      return find(id) as Msg;
    },
    pool,
    scans,
    session,
    clientIn,
    clientOut,
  };
}

const common = (w: Wired) => ({ session: w.session, label: 's', maxLineBytes: 16 << 20, clientIn: w.clientIn, clientOut: w.clientOut, note: () => undefined });
const call = (id: number, name: string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });

async function startSession(w: Wired): Promise<void> {
  w.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  await w.answer(1);
  w.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  w.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  await w.answer(2);
}

/** Calls a large tool, waits until its result is being scanned in the worker, then a small one: the small answer comes first. */
async function bigThenSmall(w: Wired, big: string): Promise<Msg> {
  w.send(call(10, big));
  await until(() => w.pool.running === 1, "the large result's scan to start in the worker", WAIT);
  w.send(call(11, 'small'));
  assert.equal((await w.answer(11)).result?.content[0]?.text, 'ok');
  const answered = await w.answer(10);
  assert.deepEqual(w.order.slice(-2), [11, 10], 'the small call was answered while the large result was being scanned');
  return answered;
}

function blockedText(m: Msg): string {
  assert.equal(m.result?.isError, true, 'the result was replaced by an error result');
  return m.result?.content[0]?.text ?? '';
}

async function wsBridge(w: Wired & { ctx: ReturnType<typeof testContext>['ctx'] }, opts: Parameters<typeof startWsUpstream>[0] = { results: RESULTS }): Promise<Bridge> {
  const up = await startWsUpstream(opts);
  closers.push(() => up.close());
  const bridge = await startWsBridge({ ...common(w), ctx: w.ctx, url: new URL(up.url), headers: {} });
  closers.push(async () => {
    w.clientIn.end();
    await bridge.done;
  });
  await startSession(w);
  return bridge;
}

describe('the WebSocket bridge with the scan pool', { timeout: 600_000 }, () => {
  it('keeps relaying while a 5 MB result is scanned in the worker, then replaces it (it carries an instruction)', async () => {
    const w = wire();
    await wsBridge(w);
    const text = blockedText(await bigThenSmall(w, 'big-injected'));
    assert.match(text, /^Tollgate blocked the tools\/call result of big-injected \([^)]*injection\//);
    assert.doesNotMatch(text, /id_rsa/);
  });

  it('delivers a large clean result intact', async () => {
    const w = wire();
    await wsBridge(w);
    w.send(call(20, 'big-clean'));
    assert.deepEqual((await w.answer(20)).result, { content: [{ type: 'text', text: BIG_CLEAN }] });
    assert.equal(w.scans.n, 1, 'it was handed to the pool');
  });

  it('redacts a secret in a large result when the policy says redact, keeping the rest', async () => {
    const w = wire('  dlp:\n    action: redact\n');
    await wsBridge(w);
    w.send(call(21, 'big-secret'));
    const text = (await w.answer(21)).result?.content[0]?.text ?? '';
    assert.equal(w.scans.n, 1, 'it was handed to the pool');
    const marker = /\[REDACTED:[a-z0-9/-]+\]/.exec(text)?.[0];
    assert.ok(marker, 'a redaction marker');
    assert.equal(text, BIG_SECRET.replace(KEY, marker), 'only the key was replaced');
  });

  it('fails closed when the worker fails: the result is replaced (engine/scanner-error)', async () => {
    const w = wire('', { workerUrl: new URL('./fixtures/no-such-scan-worker.mjs', import.meta.url) });
    await wsBridge(w);
    w.send(call(30, 'big-clean'));
    const text = blockedText(await w.answer(30));
    assert.match(text, /engine\/scanner-error/);
    assert.doesNotMatch(text, /quarterly report/);
  });

  it('delivers a result still being scanned when the server closes the socket, before the bridge ends', async () => {
    const w = wire();
    const bridge = await wsBridge(w, { results: RESULTS, closeAfter: 'big-injected' });
    w.send(call(40, 'big-injected'));
    await bridge.done;
    const answered = w.got.find((m) => m.id === 40);
    assert.ok(answered, 'the held result reached the client before the bridge ended');
    assert.match(blockedText(answered), /injection\//);
  });
});

/** A Streamable HTTP upstream: JSON answers, and an event stream for the tools named in `sse`. */
async function httpUpstream(sse: ReadonlySet<string>): Promise<string> {
  const up = await startStubMcpUpstream({ tools: Object.keys(RESULTS).map((name) => ({ name, description: 'Returns a report.' })), text: (name) => RESULTS[name] ?? '', sse });
  closers.push(() => up.close());
  return up.url;
}

describe('the Streamable HTTP bridge with the scan pool', { timeout: 600_000 }, () => {
  for (const stream of [false, true]) {
    it(`keeps relaying while a 5 MB result (${stream ? 'an event stream' : 'a JSON body'}) is scanned in the worker, then replaces it`, async () => {
      const w = wire();
      const url = new URL(await httpUpstream(new Set(stream ? ['big-injected'] : [])));
      const bridge = startHttpBridge({ ...common(w), upstream: createUpstream({ ctx: w.ctx, url, headers: {}, transport: 'mcp-http' }), maxBodyBytes: 16 << 20, maxSseEventBytes: 16 << 20 });
      closers.push(async () => {
        w.clientIn.end();
        await bridge.done;
      });
      await startSession(w);
      assert.match(blockedText(await bigThenSmall(w, 'big-injected')), /^Tollgate blocked the tools\/call result of big-injected \([^)]*injection\//);
      w.send(call(12, 'big-clean'));
      assert.deepEqual((await w.answer(12)).result, { content: [{ type: 'text', text: BIG_CLEAN }] });
      assert.equal(w.scans.n, 2, 'both large results were handed to the pool');
    });
  }
});
