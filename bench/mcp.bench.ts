// npm run bench:mcp [-- --write]: round-trip latency of tools/call with the MCP SDK client, over
// stdio and over Streamable HTTP, each three ways: straight to a small bench MCP server, through a
// plain relay (the floor), and through Tollgate (`tollgate mcp -- CMD` for stdio, `tollgate mcp
// --listen ADDR --upstream URL` for HTTP). bench/mcp-paths.ts opens the paths. One call in flight
// at a time; the three paths of a wire rotate in blocks so load drift on the shared machine hits
// them alike. The run checks that the results arrived whole and unchanged, that each server really
// sat where claimed (behind the wrapper, behind Tollgate), and that Tollgate was scanning (a
// planted injection is stopped on that path only); it exits non-zero otherwise. MCP_BENCH_WIRES=stdio
// or =http measures one wire and MCP_BENCH_SIZES=1kb or =100kb one result size (for profiling; never
// with --write); MCP_BENCH_CLI=DIR/tollgate.js runs another build (scripts/build.mjs --outdir) as
// Tollgate, for A/B runs (never with --write); TG_NODE_ARGS adds node options to the Tollgate processes
// only (e.g. "--cpu-prof --cpu-prof-dir=DIR", for profiling; never with --write).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { distState } from '../bin/dist-state.js';
import { REGEX_ENGINE, VERSION } from '../src/main.ts';
import { writeSection } from './bench-doc.ts';
import { cpuMs, openHttp, openStdio, type Path, type PathName, type ServerStats, type Wire } from './mcp-paths.ts';
import { loadAverage, machineLine, markdownTable, ms, summarize } from './stats.ts';

// Measure what a user runs: build dist/ first when src/ is newer (bin/tollgate.js would otherwise fall back to tsx).
if (process.env.TOLLGATE_FROM_SOURCE !== '1') {
  const built = spawnSync(process.execPath, [new URL('../scripts/build.mjs', import.meta.url).pathname, '--if-stale'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`scripts/build.mjs --if-stale exited with ${built.status}`);
}

const ALL_SIZES = [1024, 100 * 1024] as const;
// MCP_BENCH_SIZES=1kb (or 100kb, or both comma-separated) measures those result sizes only (for profiling; never with --write).
const SIZES = process.env.MCP_BENCH_SIZES ? ALL_SIZES.filter((b) => process.env.MCP_BENCH_SIZES?.split(',').includes(`${b / 1024}kb`)) : ALL_SIZES;
const WIRES: readonly Wire[] = process.env.MCP_BENCH_WIRES === 'http' || process.env.MCP_BENCH_WIRES === 'stdio' ? [process.env.MCP_BENCH_WIRES] : ['stdio', 'http'];
const NAMES: readonly PathName[] = ['direct', 'floor', 'tollgate'];
const CALLS = 1000;
const WARMUP = 50;
const BLOCK = 10;
const failures: string[] = [];
const check = (ok: boolean, what: string): void => {
  if (!ok) failures.push(what);
};
const WIRE_LABEL: Record<Wire, string> = { stdio: 'stdio', http: 'Streamable HTTP' };
const PATH_LABEL: Record<Wire, Record<PathName, string>> = {
  stdio: { direct: 'direct', floor: 'through a plain stdio relay (floor)', tollgate: 'through `tollgate mcp --`' },
  http: { direct: 'direct', floor: 'through a plain HTTP relay (floor)', tollgate: 'through `tollgate mcp --listen`' },
};

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

/** Whether a result with a planted injection comes back whole on this path. */
async function canaryPasses(p: Path): Promise<boolean> {
  try {
    const r = await p.client.callTool({ name: 'prose', arguments: { bytes: 1024, canary: true } });
    return r.isError !== true && textOf(r).includes('Ignore all previous instructions');
  } catch {
    return false;
  } finally {
    p.calls++;
  }
}

if (WIRES.length < 2 && process.argv.includes('--write')) {
  process.stderr.write('MCP_BENCH_WIRES measures one wire; docs/BENCH.md takes a run of both.\n');
  process.exit(2);
}
if (SIZES.length < ALL_SIZES.length && process.argv.includes('--write')) {
  process.stderr.write('MCP_BENCH_SIZES measures some sizes only; docs/BENCH.md takes a run of both.\n');
  process.exit(2);
}
if (SIZES.length === 0) {
  process.stderr.write('MCP_BENCH_SIZES names no size this bench measures (1kb, 100kb).\n');
  process.exit(2);
}
if (process.env.MCP_BENCH_CLI && process.argv.includes('--write')) {
  process.stderr.write('MCP_BENCH_CLI runs another build; docs/BENCH.md takes a run of bin/tollgate.js.\n');
  process.exit(2);
}
if (process.env.TG_NODE_ARGS && process.argv.includes('--write')) {
  process.stderr.write('TG_NODE_ARGS changes how Tollgate runs (profiling); docs/BENCH.md takes a run without it.\n');
  process.exit(2);
}
const home = mkdtempSync(join(tmpdir(), 'tollgate-bench-mcp-'));
const loadAtStart = loadAverage();
const t0 = performance.now();
const rows: string[][] = [];
const added: Record<string, number> = {};

/** Which CLI each wire's Tollgate ran: bin/tollgate.js runs dist/ when it is built and fresh, else src/ through tsx. */
const cli: string[] = [];

async function measureWire(wire: Wire): Promise<void> {
  const paths: Path[] = [];
  const state = process.env.TOLLGATE_FROM_SOURCE === '1' ? 'forced' : distState();
  const built = state === 'fresh' ? 'the built dist/tollgate.js' : `src/ through tsx (dist/ ${state})`;
  cli.push(`${WIRE_LABEL[wire]}: ${process.env.MCP_BENCH_CLI ? `MCP_BENCH_CLI=${process.env.MCP_BENCH_CLI}` : built}`);
  try {
    for (const name of NAMES) {
      const p = await (wire === 'stdio' ? openStdio(name, join(home, wire)) : openHttp(name, join(home, `${wire}-${name}`)));
      paths.push(p);
      const tools = await p.client.listTools();
      check(tools.tools.some((t) => t.name === 'prose'), `${wire} ${name}: tools/list did not offer the prose tool`);
    }
    const [direct, floor, guarded] = paths as [Path, Path, Path];
    for (const bytes of SIZES) {
      const expected = new Map<PathName, string>();
      const samples: Record<PathName, number[]> = { direct: [], floor: [], tollgate: [] };
      for (const p of paths) for (let i = 0; i < WARMUP; i++) expected.set(p.name, (await timedCall(p, bytes)).text);
      const want = expected.get('direct');
      check(want?.length === bytes, `${wire} direct: a ${bytes}-byte result came back with ${want?.length} bytes`);
      for (const p of [floor, guarded]) check(expected.get(p.name) === want, `${wire} ${p.name}: the ${bytes}-byte result differs from the direct one (blocked or rewritten)`);
      // CPU of each hop process over the measured calls (and the deferred work they leave: evidence
      // goes out in batches of up to 20 ms, hence the pause before the second reading)
      const cpuBefore = paths.map((p) => cpuMs(p.hopPid));
      for (let done = 0; done < CALLS; done += BLOCK) {
        for (const p of paths) {
          for (let i = 0; i < BLOCK; i++) {
            const r = await timedCall(p, bytes);
            samples[p.name].push(r.ms);
            if (r.isError || r.text !== want) failures.push(`${wire} ${p.name}: call ${done + i} of ${bytes} bytes came back ${r.isError ? 'as an error' : 'changed'}`);
          }
        }
      }
      await new Promise((r) => setTimeout(r, 200));
      const cpuPerCall = paths.map((p, i) => {
        const a = cpuBefore[i];
        const b = cpuMs(p.hopPid);
        return a === undefined || b === undefined ? '' : `${((b - a) / CALLS).toFixed(2)} ms`;
      });
      const d = summarize(samples.direct);
      const f = summarize(samples.floor);
      const g = summarize(samples.tollgate);
      const size = `${bytes / 1024} KB`;
      added[`${wire} ${size}`] = g.median - d.median;
      const load = loadAverage().split(' / ')[0] as string;
      const plus = (m: number, base: number): string => `${m - base >= 0 ? '+' : ''}${(m - base).toFixed(2)} ms`;
      const label = (name: PathName): string => `tools/call, ${size} result, ${WIRE_LABEL[wire]}, ${PATH_LABEL[wire][name]}`;
      rows.push([label('direct'), ms(d.median), ms(d.p99), String(d.count), '', '', '', load]);
      rows.push([label('floor'), ms(f.median), ms(f.p99), String(f.count), plus(f.median, d.median), '', cpuPerCall[1] as string, load]);
      rows.push([label('tollgate'), ms(g.median), ms(g.p99), String(g.count), plus(g.median, d.median), plus(g.median, f.median), cpuPerCall[2] as string, load]);
      process.stderr.write(`  ${wire} ${size} done (load ${loadAverage()})\n`);
    }
    // Tollgate is in the path and scanning: a planted injection passes directly and is stopped through it.
    check(await canaryPasses(direct), `${wire} direct: the planted injection did not come back (the fixture is wrong)`);
    check(await canaryPasses(floor), `${wire} floor: the planted injection did not come back through the plain relay`);
    check(!(await canaryPasses(guarded)), `${wire} tollgate: the planted injection came back unblocked, so Tollgate was not scanning the results`);
    // Every call reached the path's own server, and the server sat where the path says.
    for (const p of paths) {
      const stats = JSON.parse(textOf(await p.client.callTool({ name: 'stats', arguments: {} }))) as ServerStats;
      check(stats.calls === p.calls + 1, `${wire} ${p.name}: the server answered ${stats.calls - 1} calls, the client made ${p.calls}`);
      const wrong = p.misrouted(stats);
      if (wrong !== undefined) failures.push(`${wire} ${p.name}: ${wrong}`);
    }
  } finally {
    for (const p of paths) await p.close().catch(() => undefined);
  }
}

try {
  for (const wire of WIRES) await measureWire(wire);
} catch (err) {
  failures.push(`bench aborted: ${(err as Error).stack ?? String(err)}`);
} finally {
  rmSync(home, { recursive: true, force: true });
}

const machine = machineLine(`regex engine ${REGEX_ENGINE}, tollgate ${VERSION} (CLI run: ${cli.join('; ')}), bench processes at nice ${getPriority()}; load average at start ${loadAtStart}, at end ${loadAverage()} (1 / 5 / 15 min)`);
const verdict = (v: number | undefined): string => (v === undefined ? 'not measured' : `${v >= 0 ? '+' : ''}${v.toFixed(2)} ms, ${v < 1 ? 'met' : 'not met'}`);
const report = [
  `Machine: ${machine}`,
  '',
  markdownTable(['case', 'median', 'p99', 'calls', 'added median vs direct', 'added median vs floor', 'CPU of the hop per call', 'load (1 min)'], rows),
  '',
  `Target from the issue: added median under 1 ms for a 1 KB result. Over stdio: ${verdict(added['stdio 1 KB'])}. Over Streamable HTTP: ${verdict(added['http 1 KB'])}.`,
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

Produced by \`npm run bench:mcp -- --write\` (\`bench/mcp.bench.ts\`, paths in \`bench/mcp-paths.ts\`). The MCP SDK
client calls \`tools/call\` on a small bench server whose \`prose\` tool answers with exactly the requested number of
bytes of clean English-like text (\`bench/fixtures/prose-tools.mjs\`), over two wires, each three ways:

- **stdio**: \`Client\` with \`StdioClientTransport\` spawns \`bench/fixtures/mcp-prose-server.mjs\` (plain Node,
  newline JSON-RPC) directly; behind \`bench/fixtures/stdio-relay.mjs\`, one extra Node process that pipes stdin and
  stdout through untouched (the floor: what any stdio wrapper costs before it inspects anything); and as
  \`tollgate mcp -- node bench/fixtures/mcp-prose-server.mjs\` with the embedded balanced preset, as a user runs it.
- **Streamable HTTP**: \`Client\` with \`StreamableHTTPClientTransport\` talks to
  \`bench/fixtures/mcp-prose-http.mjs\`, a minimal hand-written Streamable HTTP server (no SDK; it answers each POSTed
  request on an event stream, one \`message\` event, as the SDK's \`StreamableHTTPServerTransport\` does by
  default, and issues an \`Mcp-Session-Id\`), directly; through \`bench/fixtures/http-relay.mjs\`, a plain
  \`node:http\` relay with kept-alive upstream connections that streams requests and answers through untouched (the
  floor); and through \`tollgate mcp --config FILE --listen 127.0.0.1:0 --upstream URL\`, balanced preset plus
  \`scanners.ssrf.allowCidrs: ["127.0.0.1/32"]\` (Tollgate refuses a loopback upstream otherwise), which parses
  the event stream, judges each message and writes its own event stream to the client.

Every path has its own server process. Tollgate runs as a child process through \`bin/tollgate.js\` (the built
\`dist/tollgate.js\` when it is fresh, else the source through tsx; the machine line says which ran) with a fresh
TOLLGATE_HOME (tool pins start empty), and writes its evidence as usual: decisions to stderr, the audit log and the
signed receipts chain, handed to the evidence layer after the messages they record have been written on, in
batches of up to 20 ms (\`src/evidence/deferred-emit.ts\`).

Round trip per call, from the client's request to its parsed result, one call in flight; ${WARMUP} warm-up calls per path
and size, then ${CALLS} measured calls per path, rotating between the three paths of a wire in blocks of ${BLOCK}.
The bench checks that every result came back whole and identical on every path, that the server answered every call
the client made, that each server sat where claimed (over stdio its parent process is the wrapper the client
spawned; over HTTP the client holds the server's own session id directly and through the relay, and a different
one, issued by Tollgate, through Tollgate), and that a result with a planted prompt injection passes directly and
through the relay but not through Tollgate; it exits non-zero otherwise. The machine is shared with other jobs: the
load column is the 1-minute load average when the case ended. "CPU of the hop per call" is the user + system time
(/proc/PID/stat) of the process between client and server (the relay, or Tollgate) over the measured calls of that
row and the 200 ms after them, divided by the calls: it includes Tollgate's deferred evidence work and, unlike the
latencies, hardly depends on the load.

${report}
`,
  );
  process.stdout.write('wrote the MCP section of docs/BENCH.md\n');
}
