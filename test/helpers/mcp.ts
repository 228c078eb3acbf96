// Shared by the MCP end-to-end tests (test/mcp-*.test.ts): a real MCP SDK client spawning
// `tollgate mcp …` over stdio, or speaking Streamable HTTP to a listener; Tollgate's Streamable
// HTTP listener run in-process in front of a fixture upstream; and the small waits and readers
// the tests share.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { parseConfig } from '../../src/config/index.ts';
import type { DecisionEvent } from '../../src/core/index.ts';
import { createRuntime } from '../../src/main.ts';
import { createResolver, type ProxyContext, type Resolver } from '../../src/transports/http-proxy/index.ts';
import { createUpstream, startMcpHttpProxy, type McpHttpProxy } from '../../src/transports/mcp/http/index.ts';
import { startUpstream, type Served, type Upstream } from '../fixtures/mcp-http/upstream.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/tollgate.js');
/** Config that lets Tollgate reach a loopback upstream (its SSRF rules refuse one otherwise). */
export const LOOPBACK = 'scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\n';

export interface Connected {
  readonly client: Client;
  /** Tollgate's stderr so far. */
  readonly stderr: () => string;
  /** Protocol errors the client reported (a line it could not read, …). */
  readonly errors: Error[];
  /** The Tollgate process (stdio clients only). */
  readonly pid?: number | null;
}

export interface SpawnOptions {
  /** TOLLGATE_HOME for this Tollgate (fresh per test, so pins start empty). */
  readonly home: string;
  readonly env?: Record<string, string>;
  readonly capabilities?: Record<string, unknown>;
}

/** An SDK client that spawns `node bin/tollgate.js mcp ARGS…` and speaks stdio to it. */
export async function spawnClient(mcpArgs: readonly string[], opts: SpawnOptions): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', ...mcpArgs],
    env: { ...(process.env as Record<string, string>), TOLLGATE_HOME: opts.home, ...opts.env },
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const client = new Client({ name: 'tollgate-test', version: '1.0.0' }, { capabilities: opts.capabilities ?? {} });
  const errors: Error[] = [];
  client.onerror = (e) => errors.push(e);
  await client.connect(transport);
  return { client, stderr: () => err, errors, pid: transport.pid };
}

/** An SDK client speaking Streamable HTTP to url. */
export async function connectHttp(url: string, capabilities: Record<string, unknown> = {}): Promise<{ client: Client; transport: StreamableHTTPClientTransport; errors: Error[] }> {
  const client = new Client({ name: 'tollgate-test', version: '1.0.0' }, { capabilities });
  const errors: Error[] = [];
  client.onerror = (e) => errors.push(e);
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  return { client, transport, errors };
}

export interface Guarded {
  readonly up: Upstream;
  readonly proxy: McpHttpProxy;
  /** Every decision event the listener emitted, in order. */
  readonly events: DecisionEvent[];
  close(): Promise<void>;
}

export interface GuardOptions {
  /** YAML appended to the loopback allowance. */
  readonly config?: string;
  /** The upstream answers with JSON bodies instead of event streams. */
  readonly json?: boolean;
  /** The upstream gives its events ids (resumable streams). */
  readonly events?: boolean;
  readonly resolver?: Resolver;
  /** Dial the upstream by this name instead of 127.0.0.1. */
  readonly host?: string;
}

/** An upstream serving factory(), and Tollgate's Streamable HTTP listener (in this process) in front of it. */
export async function guardHttp(factory: () => Served, opts: GuardOptions = {}): Promise<Guarded> {
  const up = await startUpstream(factory, { ...(opts.json ? { json: true } : {}), ...(opts.events ? { events: true } : {}) });
  const loaded = parseConfig(`${LOOPBACK}${opts.config ?? ''}`);
  const rt = createRuntime(loaded, {});
  const events: DecisionEvent[] = [];
  let n = 0;
  const ctx: ProxyContext = {
    engine: rt.engine,
    config: loaded.config,
    configHash: loaded.hash,
    resolver: opts.resolver ?? createResolver(loaded.config.dns),
    emit: (e) => events.push(e),
    now: () => Date.now(),
    newRequestId: () => `req-${++n}`,
    note: () => undefined,
  };
  const url = new URL(up.url);
  if (opts.host !== undefined) url.hostname = opts.host;
  const proxy = await startMcpHttpProxy({ ctx, upstream: createUpstream({ ctx, url, headers: {}, transport: 'mcp-http' }), listen: { host: '127.0.0.1', port: 0 }, serverIdentity: up.url, serverLabel: '127.0.0.1', pinId: 'test' });
  let closed = false;
  return {
    up,
    proxy,
    events,
    close: async () => {
      if (closed) return;
      closed = true;
      await proxy.close();
      await up.close();
    },
  };
}

/** Resolves to the MCP error p is rejected with; fails the test when p resolves. */
export async function refused(p: Promise<unknown>): Promise<McpError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof McpError, String(e));
    return e;
  }
  assert.fail('expected an MCP error');
}

/** Waits (a hang guard, not a timing assertion) until check() holds. */
export async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) assert.fail(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The text parts of a tool result, joined. */
export function text(r: unknown): string {
  return ((r as { content: { type: string; text?: string }[] }).content ?? []).map((c) => c.text ?? '').join('');
}
