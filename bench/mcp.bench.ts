// npm run bench:mcp [-- --write]: round-trip latency of tools/call over stdio, straight to a small
// MCP server (bench/fixtures/mcp-prose-server.mjs), through a plain stdio relay (the floor), and
// through `tollgate mcp --` in front of the same server, with the MCP SDK client. One call in
// flight at a time; the three paths rotate in blocks so load drift on the shared machine hits them
// alike. The run checks the results arrived
// whole and unchanged, that the guarded server really sat behind Tollgate, and that Tollgate was
// scanning (a planted injection is stopped on that path only); it exits non-zero otherwise.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { REGEX_ENGINE, VERSION } from '../src/main.ts';
import { writeSection } from './bench-doc.ts';
import { loadAverage, machineLine, markdownTable, ms, summarize } from './stats.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/tollgate.js');
const FIXTURE = join(ROOT, 'bench/fixtures/mcp-prose-server.mjs');
const RELAY = join(ROOT, 'bench/fixtures/stdio-relay.mjs');
const SIZES = [1024, 100 * 1024] as const;
const CALLS = 500;
const WARMUP = 50;
const BLOCK = 50;
const failures: string[] = [];
const check = (ok: boolean, what: string): void => {
  if (!ok) failures.push(what);
};

interface Path {
  readonly name: 'direct' | 'floor' | 'tollgate';
  readonly client: Client;
  readonly transport: StdioClientTransport;
  readonly stderr: () => string;
  calls: number;
}

async function open(name: Path['name'], home: string): Promise<Path> {
  const args = { direct: [FIXTURE], floor: [RELAY, process.execPath, FIXTURE], tollgate: [BIN, 'mcp', '--', process.execPath, FIXTURE] }[name];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args,
    env: { ...(process.env as Record<string, string>), TOLLGATE_HOME: home },
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => {
    if (err.length < 65536) err += d.toString('utf8');
  });
  const client = new Client({ name: 'tollgate-bench', version: '1.0.0' }, { capabilities: {} });
  await client.connect(transport);
  const tools = await client.listTools();
  check(tools.tools.some((t) => t.name === 'prose'), `${name}: tools/list did not offer the prose tool`);
  return { name, client, transport, stderr: () => err, calls: 0 };
}

function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => (c.type === 'text' ? (c.text ?? '') : '')).join('');
}

async function timedCall(p: Path, bytes: number): Promise<{ ms: number; text: string; isError: boolean }> {
  const t = process.hrtime.bigint();
  const r = await p.client.callTool({ name: 'prose', arguments: { bytes } });
  const elapsed = Number(process.hrtime.bigint() - t) / 1e6;
  p.calls++;
  return { ms: elapsed, text: textOf(r), isError: r.isError === true };
}

const home = mkdtempSync(join(tmpdir(), 'tollgate-bench-mcp-'));
const loadAtStart = loadAverage();
const t0 = performance.now();
const rows: string[][] = [];
const medians: Record<string, number> = {};
let paths: Path[] = [];

try {
  paths = [await open('direct', home), await open('floor', home), await open('tollgate', home)];
  const [direct, floor, guarded] = paths as [Path, Path, Path];
  for (const bytes of SIZES) {
    const expected = new Map<string, string>();
    const samples: Record<string, number[]> = { direct: [], floor: [], tollgate: [] };
    for (const p of paths) for (let i = 0; i < WARMUP; i++) expected.set(p.name, (await timedCall(p, bytes)).text);
    check(expected.get(direct.name)?.length === bytes, `direct: a ${bytes}-byte result came back with ${expected.get(direct.name)?.length} bytes`);
    for (const p of [floor, guarded]) check(expected.get(p.name) === expected.get(direct.name), `${p.name}: the ${bytes}-byte result differs from the direct one (blocked or rewritten)`);
    for (let done = 0; done < CALLS; done += BLOCK) {
      for (const p of paths) {
        for (let i = 0; i < BLOCK; i++) {
          const r = await timedCall(p, bytes);
          (samples[p.name] as number[]).push(r.ms);
          if (r.isError || r.text !== expected.get(direct.name)) failures.push(`${p.name}: call ${done + i} of ${bytes} bytes came back ${r.isError ? 'as an error' : 'changed'}`);
        }
      }
    }
    const d = summarize(samples.direct as number[]);
    const f = summarize(samples.floor as number[]);
    const g = summarize(samples.tollgate as number[]);
    const label = `${bytes / 1024} KB`;
    medians[label] = g.median - d.median;
    const load = loadAverage().split(' / ')[0] as string;
    const added = (m: number): string => `${m - d.median >= 0 ? '+' : ''}${(m - d.median).toFixed(2)} ms`;
    rows.push([`tools/call, ${label} result, direct`, ms(d.median), ms(d.p99), String(d.count), '', '', load]);
    rows.push([`tools/call, ${label} result, through a plain stdio relay (floor)`, ms(f.median), ms(f.p99), String(f.count), added(f.median), '', load]);
    rows.push([`tools/call, ${label} result, through \`tollgate mcp --\``, ms(g.median), ms(g.p99), String(g.count), added(g.median), `+${(g.median - f.median).toFixed(2)} ms`, load]);
    process.stderr.write(`  ${label} done (load ${loadAverage()})\n`);
  }

  // Tollgate is in the path and scanning: a planted injection passes directly and is stopped through it.
  const canary = async (p: Path): Promise<boolean> => {
    try {
      const r = await p.client.callTool({ name: 'prose', arguments: { bytes: 1024, canary: true } });
      p.calls++;
      return r.isError !== true && textOf(r).includes('Ignore all previous instructions');
    } catch {
      p.calls++;
      return false;
    }
  };
  check(await canary(direct), 'direct: the planted injection did not come back (the fixture is wrong)');
  check(await canary(floor), 'floor: the planted injection did not come back through the plain relay');
  check(!(await canary(guarded)), 'tollgate: the planted injection came back unblocked, so Tollgate was not scanning the results');
  // Every call reached the server, and the guarded server's parent is the tollgate process.
  for (const p of paths) {
    const stats = JSON.parse(textOf(await p.client.callTool({ name: 'stats', arguments: {} }))) as { calls: number; ppid: number };
    check(stats.calls === p.calls + 1, `${p.name}: the server answered ${stats.calls - 1} calls, the client made ${p.calls}`);
    // The guarded and relayed servers must be children of the wrapper the client spawned.
    const parent = p.name === 'direct' ? process.pid : p.transport.pid;
    check(stats.ppid === parent, `${p.name}: the server's parent is ${stats.ppid}, expected ${parent}`);
  }
} catch (err) {
  failures.push(`bench aborted: ${(err as Error).stack ?? String(err)}`);
} finally {
  for (const p of paths) await p.client.close().catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
}

const machine = machineLine(`regex engine ${REGEX_ENGINE}, tollgate ${VERSION}; load average at start ${loadAtStart}, at end ${loadAverage()} (1 / 5 / 15 min)`);
const oneKb = medians['1 KB'];
const report = [
  `Machine: ${machine}`,
  '',
  markdownTable(['case', 'median', 'p99', 'calls', 'added median vs direct', 'added median vs floor', 'load (1 min)'], rows),
  '',
  'Streamable HTTP: not measured by this bench yet (the transport exists: `tollgate mcp --listen ADDR --upstream URL`; test/mcp-http.test.ts covers it).',
  '',
  `Target from the issue: added median under 1 ms for a 1 KB result over stdio: ${oneKb === undefined ? 'not measured' : `+${oneKb.toFixed(2)} ms, ${oneKb < 1 ? 'met' : 'not met'}`}.`,
].join('\n');
process.stdout.write(`${report}\n\nbench took ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);

if (failures.length > 0) {
  process.stderr.write(`\nThe traffic did not flow as claimed:\n${failures.slice(0, 20).map((f) => `- ${f}`).join('\n')}\n`);
  if (process.argv.includes('--write')) process.stderr.write('docs/BENCH.md not written.\n');
  process.exit(1);
}

if (process.argv.includes('--write')) {
  writeSection(
    'mcp',
    `## MCP

Produced by \`npm run bench:mcp -- --write\` (\`bench/mcp.bench.ts\`): the MCP SDK client (\`Client\` with
\`StdioClientTransport\`) calls \`tools/call\` on \`bench/fixtures/mcp-prose-server.mjs\` (plain Node, newline
JSON-RPC, a result of exactly the requested size of clean prose), spawned three ways: directly; behind
\`bench/fixtures/stdio-relay.mjs\`, one extra Node process that pipes stdin and stdout through untouched (the floor:
what any stdio wrapper costs before it inspects anything); and as \`tollgate mcp -- node
bench/fixtures/mcp-prose-server.mjs\` with the embedded balanced preset, as a user runs it (decisions to stderr, audit
log and signed receipts written in a fresh TOLLGATE_HOME, so tool pins start empty). Round trip per call, from the
client's request to its parsed result, one call in flight; ${WARMUP} warm-up calls per path and size, then ${CALLS}
measured calls per path, rotating between the three paths in blocks of ${BLOCK}. The bench checks that every result
came back whole and identical on every path, that the relayed and guarded servers' parent process is the wrapper the
client spawned, that the server answered every call, and that a result with a planted prompt injection passes
directly and through the relay but not through Tollgate; it exits non-zero otherwise. The machine is shared with
other jobs: the load column is the 1-minute load average when the case ended.

${report}
`,
  );
  process.stdout.write('wrote the MCP section of docs/BENCH.md\n');
}
