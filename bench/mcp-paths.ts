// The paths bench/mcp.bench.ts measures: an MCP SDK client connected to a bench prose server
// directly, through a plain relay (the floor), or through Tollgate, over stdio or Streamable HTTP.
// Each path has its own server process, so the server's call count tells what reached it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const ROOT = new URL('..', import.meta.url).pathname;
/** The CLI the Tollgate paths run: bin/tollgate.js, or MCP_BENCH_CLI (another build's tollgate.js, for A/B runs). */
const BIN = process.env.MCP_BENCH_CLI !== undefined && process.env.MCP_BENCH_CLI !== '' ? resolve(process.env.MCP_BENCH_CLI) : join(ROOT, 'bin/tollgate.js');
/** Node options for the Tollgate processes only (space-separated, e.g. `--cpu-prof --cpu-prof-dir=DIR`; for profiling). */
const TG_NODE_ARGS = (process.env.TG_NODE_ARGS ?? '').split(' ').filter(Boolean);
const STDIO_SERVER = join(ROOT, 'bench/fixtures/mcp-prose-server.mjs');
const HTTP_SERVER = join(ROOT, 'bench/fixtures/mcp-prose-http.mjs');
const STDIO_RELAY = join(ROOT, 'bench/fixtures/stdio-relay.mjs');
const HTTP_RELAY = join(ROOT, 'bench/fixtures/http-relay.mjs');
/** How long a spawned process may take to say where it listens. */
const START_MS = 30_000;

export type Wire = 'stdio' | 'http';
export type PathName = 'direct' | 'floor' | 'tollgate';

/** What the bench server's `stats` tool reports. */
export interface ServerStats {
  readonly calls: number;
  readonly ppid?: number;
  readonly sessions?: readonly string[];
}

export interface Path {
  readonly wire: Wire;
  readonly name: PathName;
  readonly client: Client;
  /** tools/call requests this client made (the server should have answered as many). */
  calls: number;
  /** Why the server's stats show this path did not run as claimed, or undefined when it did. */
  misrouted(stats: ServerStats): string | undefined;
  /** The process between the client and the server (the relay or Tollgate); undefined when direct. */
  readonly hopPid: number | undefined;
  close(): Promise<void>;
}

function newClient(): Client {
  return new Client({ name: 'tollgate-bench', version: '1.0.0' }, { capabilities: {} });
}

/** An SDK client spawning `node ARGS` as a stdio MCP server. */
export async function openStdio(name: PathName, home: string): Promise<Path> {
  const args = { direct: [STDIO_SERVER], floor: [STDIO_RELAY, process.execPath, STDIO_SERVER], tollgate: [...TG_NODE_ARGS, BIN, 'mcp', '--', process.execPath, STDIO_SERVER] }[name];
  const transport = new StdioClientTransport({ command: process.execPath, args, env: { ...(process.env as Record<string, string>), TOLLGATE_HOME: home }, stderr: 'pipe' });
  transport.stderr?.on('data', () => undefined);
  const client = newClient();
  await client.connect(transport);
  return {
    wire: 'stdio',
    name,
    client,
    calls: 0,
    // The relayed and guarded servers must be children of the wrapper the client spawned.
    hopPid: name === 'direct' ? undefined : (transport.pid ?? undefined),
    misrouted: (s) => {
      const parent = name === 'direct' ? process.pid : transport.pid;
      return s.ppid === parent ? undefined : `the server's parent is ${s.ppid}, expected ${parent}`;
    },
    close: () => client.close(),
  };
}

/** Spawns `node ARGS` and resolves with the URL it prints in a `listening … URL` line (on stdout or stderr). */
function spawnListening(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`${args[0]} did not start listening: ${seen.slice(-400)}`)), START_MS);
    const look = (d: Buffer): void => {
      if (seen.length < 65536) seen += d.toString('utf8');
      const m = /listening (?:on )?(http:\/\/[^\s,]+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1] as string });
      }
    };
    const fail = (err: Error): void => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(err);
    };
    proc.stdout?.on('data', look);
    proc.stderr?.on('data', look);
    proc.once('exit', (code) => fail(new Error(`${args[0]} exited with ${code} before listening: ${seen.slice(-400)}`)));
  });
}

function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    // The fixtures end when their stdin closes; Tollgate ends on SIGTERM.
    proc.stdin?.end();
    proc.kill('SIGTERM');
  });
}

/**
 * An SDK client with StreamableHTTPClientTransport to its own bench HTTP server: directly,
 * through the plain HTTP relay, or through `tollgate mcp --listen 127.0.0.1:0 --upstream URL`
 * (a config in `home` trusts the loopback upstream: scanners.ssrf.allowCidrs).
 */
export async function openHttp(name: PathName, home: string): Promise<Path> {
  const procs: ChildProcess[] = [];
  try {
    const server = await spawnListening([HTTP_SERVER]);
    procs.push(server.proc);
    let url = server.url;
    let hopPid: number | undefined;
    if (name === 'floor') {
      const relay = await spawnListening([HTTP_RELAY, new URL(server.url).origin]);
      procs.push(relay.proc);
      hopPid = relay.proc.pid;
      url = relay.url;
    } else if (name === 'tollgate') {
      mkdirSync(home, { recursive: true });
      const config = join(home, 'bench-http.yaml');
      writeFileSync(config, 'scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\n');
      const guard = await spawnListening([...TG_NODE_ARGS, BIN, 'mcp', '--config', config, '--listen', '127.0.0.1:0', '--upstream', server.url], { ...process.env, TOLLGATE_HOME: home });
      procs.push(guard.proc);
      hopPid = guard.proc.pid;
      url = guard.url;
    }
    const transport = new StreamableHTTPClientTransport(new URL(url));
    const client = newClient();
    await client.connect(transport);
    return {
      wire: 'http',
      name,
      client,
      calls: 0,
      hopPid,
      // Direct and relayed clients hold the server's own session id; Tollgate issues its own and keeps the server's to itself.
      misrouted: (s) => {
        const mine = transport.sessionId;
        const known = mine !== undefined && (s.sessions ?? []).includes(mine);
        if (name === 'tollgate') return !known && s.sessions?.length === 1 ? undefined : "the client holds the server's own session id, so Tollgate was not in between";
        return known ? undefined : 'the server never issued the session id the client holds';
      },
      close: async () => {
        await client.close();
        for (const p of procs.reverse()) await stop(p);
      },
    };
  } catch (err) {
    for (const p of procs.reverse()) await stop(p);
    throw err;
  }
}

/** USER_HZ: the unit of /proc/PID/stat times (100 on every mainstream Linux). */
const CLOCK_TICKS = 100;

/** CPU time (user + system, ms) a process has used so far, from /proc; undefined where there is no /proc. */
export function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // the fields after the command name (which may hold spaces): utime and stime are the 12th and 13th
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
