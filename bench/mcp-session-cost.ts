// `node --import tsx bench/mcp-session-cost.ts [--calls=N] [--gap-ms=G] [--sleep-ms=S] [--touch-mb=M]`: what judging one
// tools/call and its 1 KB result costs inside McpSession (the object both MCP wires run every message
// through), with nothing else in the process: no sockets, no evidence (events are only counted).
// The session is built as the Streamable HTTP listener builds it (balanced preset, an empty pin store
// in a temporary directory), talks to the bench prose tool (bench/fixtures/prose-tools.mjs) in
// process, and times `message('client', call)` and `line('server', result)` for each call.
//
// Between calls it can spin for G ms (--gap-ms), sleep S ms (--sleep-ms, Atomics.wait) or write M MB
// of memory (--touch-mb). A bench that makes one call at a time leaves gaps like these between calls,
// and on this VM time alone makes the next scan slower (see docs/BENCH.md, session 11 notes).
// Diagnostics only; bench/mcp.bench.ts measures the product. Prints medians over the second half of
// the calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../src/config/index.ts';
import { createEngine } from '../src/engine/index.ts';
import { createPinStore, serverPinId } from '../src/state/pins/index.ts';
import { McpSession } from '../src/transports/mcp/session.ts';
// @ts-expect-error: a plain .mjs fixture without types
import { createProseServer } from './fixtures/prose-tools.mjs';
import { machineLine } from './stats.ts';

const arg = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const CALLS = arg('calls', 3000);
const GAP_MS = arg('gap-ms', 0);
const TOUCH = arg('touch-mb', 0) * 1024 * 1024;
const SLEEP_MS = arg('sleep-ms', 0);
const sleeper = new Int32Array(new SharedArrayBuffer(4));

interface ProseServer {
  answer(msg: unknown): unknown;
}

const dir = mkdtempSync(join(tmpdir(), 'tollgate-mcp-cost-'));
try {
  const config = defaultConfig().config;
  const identity = 'http:http://127.0.0.1/mcp';
  let events = 0;
  const session = new McpSession({
    engine: createEngine(config),
    config,
    configHash: 'bench',
    serverIdentity: identity,
    serverLabel: 'bench',
    pins: createPinStore({ dir, maxPinnedTools: 100 }),
    pinId: serverPinId(identity),
    transport: 'mcp-http',
    session: 'bench',
    emit: () => {
      events++;
    },
    now: () => Date.now(),
  });
  const server = createProseServer() as ProseServer;
  let id = 1;
  const roundTrip = (m: Record<string, unknown>): void => {
    session.message('client', m);
    const answer = server.answer(m);
    if (answer !== undefined) {
      const text = JSON.stringify(answer);
      session.line('server', text, Buffer.byteLength(text));
    }
  };
  roundTrip({ jsonrpc: '2.0', id: id++, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
  roundTrip({ jsonrpc: '2.0', id: id++, method: 'tools/list' });

  const scratch = TOUCH > 0 ? Buffer.alloc(TOUCH) : undefined;
  const callMs: number[] = [];
  const resultMs: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    if (scratch) for (let k = 0; k < scratch.length; k += 64) scratch[k] = (k + i) & 0xff;
    if (SLEEP_MS > 0) Atomics.wait(sleeper, 0, 0, SLEEP_MS);
    if (GAP_MS > 0) {
      const until = performance.now() + GAP_MS;
      while (performance.now() < until);
    }
    const call = { jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name: 'prose', arguments: { bytes: 1024 } } };
    const t0 = performance.now();
    const out = session.message('client', call);
    const t1 = performance.now();
    const text = JSON.stringify(server.answer(call));
    const t2 = performance.now();
    const back = session.line('server', text, Buffer.byteLength(text));
    const t3 = performance.now();
    if (out.toServer.length !== 1 || back.toClient.length !== 1) throw new Error(`call ${i} was not passed both ways; the bench text should be clean`);
    callMs.push(t1 - t0);
    resultMs.push(t3 - t2);
  }
  const median = (xs: number[]): string => {
    const s = xs.slice(xs.length >> 1).sort((a, b) => a - b);
    return ((s[s.length >> 1] as number) * 1000).toFixed(1);
  };
  process.stdout.write(
    `tools/call judged: ${median(callMs)} µs median; its 1 KB result judged: ${median(resultMs)} µs median ` +
      `(${CALLS} calls; between calls: ${GAP_MS} ms spin, ${SLEEP_MS} ms asleep, ${TOUCH / 1024 / 1024} MB written; ${events} decision events)\n${machineLine('one thread')}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
