import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CreateMessageRequestSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { everything, mixed, PAYLOAD, reports } from './fixtures/mcp-http/servers.ts';
import { startUpstream } from './fixtures/mcp-http/upstream.ts';
import { startWsUpstream } from './fixtures/mcp-http/ws-server.ts';
import { LOOPBACK, refused, ROOT, spawnClient, text, until, type Connected, type SpawnOptions } from './helpers/mcp.ts';

/**
 * The bridges, end to end on loopback: a real MCP SDK client spawns `tollgate mcp --upstream URL`
 * over stdio; Tollgate speaks Streamable HTTP (to an SDK StreamableHTTPServerTransport serving
 * server-everything or a malicious fixture) or WebSocket (a small ws fixture) to the upstream.
 */
const T = { timeout: 60_000 };

function home(extraConfig = ''): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-home-'));
  const config = join(dir, 'tollgate.yaml');
  writeFileSync(config, `${LOOPBACK}${extraConfig}`);
  return { dir, config };
}

/** An SDK client spawning `tollgate mcp --config … --upstream URL` (the stdio bridge). */
function connect(upstream: string, h: { dir: string; config: string }, opts: Omit<SpawnOptions, 'home'> = {}): Promise<Connected> {
  return spawnClient(['--config', h.config, '--upstream', upstream], { ...opts, home: h.dir });
}

const FILLER = 'The quarterly report lists revenue by region and product line, with notes on each. ';
/** Over the scan pool's threshold (limits.workerScanBytes, 256 KiB): the texts test/fixtures/mcp/big-result-server.mjs returns over stdio. */
const BIG: Readonly<Record<string, string>> = { 'big-clean': FILLER.repeat(4000), 'big-injected': `${FILLER.repeat(2000)}${PAYLOAD} ${FILLER.repeat(2000)}` };

describe('tollgate mcp --upstream (stdio bridge)', { concurrency: 2 }, () => {
  it('stdio → Streamable HTTP: server-everything works end to end, a DLP-laden call is refused, and the session is deleted upstream when the client leaves', T, async () => {
    const up = await startUpstream(await everything());
    const h = home();
    try {
      const c = await connect(up.url, h);
      const { client } = c;
      assert.equal(client.getServerVersion()?.name, 'mcp-servers/everything');
      const tools = (await client.listTools()).tools.map((t) => t.name);
      for (const t of ['echo', 'get-sum']) assert.ok(tools.includes(t), t);
      assert.equal(text(await client.callTool({ name: 'echo', arguments: { message: 'bridged' } })), 'Echo: bridged');
      assert.equal(text(await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 3 } })), 'The sum of 2 and 3 is 5.');
      const arch = (await client.listResources()).resources.find((r) => r.uri.endsWith('architecture.md'));
      assert.ok(arch);
      assert.match(((await client.readResource({ uri: arch.uri })).contents[0] as { text: string }).text, /^# Everything Server/);
      const e = await refused(client.callTool({ name: 'echo', arguments: { message: 'my key is AKIAZ7QW4ERT5YUI6OPA' } }));
      assert.equal(e.code, -32001);
      assert.equal(up.calls.filter((x) => x === 'echo').length, 1);
      // The bridge carries the negotiated protocol version and the upstream's session id.
      const later = up.headers.filter((x) => x['mcp-session-id'] !== undefined);
      assert.ok(later.length > 0 && later.every((x) => typeof x['mcp-protocol-version'] === 'string'));
      assert.ok(up.gets > 0, "the bridge opened the server's own stream");
      assert.deepEqual(c.errors.map((x) => x.message), []);
      const sessions = [...up.sessions.keys()];
      await client.close();
      await until(() => sessions.length === 1 && up.ended.includes(sessions[0] as string), 'the DELETE on the way out');
      assert.match(readFileSync(join(h.dir, 'audit.jsonl'), 'utf8'), /"transport":"mcp-http"/);
    } finally {
      await up.close();
    }
  });

  it('stdio → Streamable HTTP: removes a poisoned tool, replaces a poisoned result that came over SSE, and refuses a poisoned sampling request on the GET stream', T, async () => {
    const up = await startUpstream(mixed, { events: true });
    const h = home();
    try {
      const c = await connect(up.url, h, { capabilities: { sampling: {} } });
      const { client } = c;
      const logs: string[] = [];
      const sampled: string[] = [];
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
        logs.push(String(n.params.data));
      });
      client.setRequestHandler(CreateMessageRequestSchema, (req) => {
        sampled.push(JSON.stringify(req.params.messages));
        return { role: 'assistant', content: { type: 'text', text: 'hello' }, model: 'test' };
      });
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['echo', 'weather']);
      const e = await refused(client.callTool({ name: 'add', arguments: { a: 1, b: 2 } }));
      assert.equal(e.code, -32001);
      const r = await client.callTool({ name: 'weather', arguments: {} });
      assert.equal(r.isError, true);
      assert.match(text(r), /^Tollgate blocked the tools\/call result of weather \([^)]*injection\//);
      assert.ok(logs.includes('fetching the weather'));
      assert.deepEqual(up.calls, ['weather']);

      await until(() => up.gets > 0, 'the GET stream');
      const server = [...up.sessions.values()][0]?.served.server;
      assert.ok(server);
      for (const end = Date.now() + 20_000; !logs.includes('stream check') && Date.now() < end; ) {
        await server.server.sendLoggingMessage({ level: 'info', data: 'stream check' });
        await new Promise((res) => setTimeout(res, 25));
      }
      assert.ok(logs.includes('stream check'), 'a notification on the GET stream reached the stdio client');
      const bad = await refused(server.server.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: PAYLOAD } }], maxTokens: 10 }));
      assert.equal(bad.code, -32001);
      const good = await server.server.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'Say hello.' } }], maxTokens: 10 });
      assert.equal((good.content as { text: string }).text, 'hello');
      assert.equal(sampled.length, 1);
      assert.deepEqual(c.errors.map((x) => x.message), []);
      await client.close();
    } finally {
      await up.close();
    }
  });

  it('stdio → WebSocket: removes a poisoned tool, replaces a poisoned result, refuses a DLP-laden call, and sends the configured header on the handshake', T, async () => {
    const up = await startWsUpstream();
    const h = home('mcp:\n  http:\n    upstreamHeaders:\n      Authorization: "Bearer ${TG_WS_TOKEN}"\n');
    try {
      const c = await connect(up.url, h, { env: { TG_WS_TOKEN: 'ws-token-for-tests' } });
      const { client } = c;
      assert.equal(client.getServerVersion()?.name, 'ws-fixture');
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['echo', 'weather']);
      assert.equal(text(await client.callTool({ name: 'echo', arguments: { message: 'over ws' } })), 'Echo: over ws');
      const r = await client.callTool({ name: 'weather', arguments: {} });
      assert.equal(r.isError, true);
      assert.doesNotMatch(JSON.stringify(r), /id_rsa/);
      assert.equal((await refused(client.callTool({ name: 'add', arguments: { a: 1, b: 2 } }))).code, -32001);
      assert.equal((await refused(client.callTool({ name: 'echo', arguments: { message: 'AKIAZ7QW4ERT5YUI6OPA' } }))).code, -32001);
      assert.deepEqual(up.calls, ['echo', 'weather']);
      assert.deepEqual(up.auth, ['Bearer ws-token-for-tests']);
      assert.deepEqual(c.errors.map((x) => x.message), []);
      await client.close();
      assert.match(readFileSync(join(h.dir, 'audit.jsonl'), 'utf8'), /"transport":"mcp-ws"/);
      assert.doesNotMatch(c.stderr(), /ws-token-for-tests/);
    } finally {
      await up.close();
    }
  });

  it('judges a result over limits.workerScanBytes (scanned in the pool) as the stdio relay does: one carrying an instruction is replaced by the same text with the same audit event, a clean one arrives intact, over Streamable HTTP and WebSocket', { timeout: 300_000 }, async () => {
    const ws = await startWsUpstream({ results: BIG });
    const http = await startUpstream(() => reports(BIG));
    const h = home();
    try {
      const outcomes: { injected: unknown; clean: unknown }[] = [];
      for (const wire of [['--', process.execPath, join(ROOT, 'test/fixtures/mcp/big-result-server.mjs')], ['--upstream', http.url], ['--upstream', ws.url]]) {
        const c = await spawnClient(['--config', h.config, ...wire], { home: h.dir });
        const names = (await c.client.listTools()).tools.map((t) => t.name);
        assert.ok(names.includes('big-injected') && names.includes('big-clean'), names.join());
        outcomes.push({ injected: await c.client.callTool({ name: 'big-injected', arguments: {} }), clean: await c.client.callTool({ name: 'big-clean', arguments: {} }) });
        assert.deepEqual(c.errors.map((x) => x.message), []);
        await c.client.close();
      }
      const [stdio, ...bridges] = outcomes as [{ injected: { isError?: boolean }; clean: unknown }, ...{ injected: unknown; clean: unknown }[]];
      assert.equal(stdio.injected.isError, true);
      assert.match(text(stdio.injected), /^Tollgate blocked the tools\/call result of big-injected \([^)]*injection\//);
      assert.equal(text(stdio.clean), BIG['big-clean']);
      for (const b of bridges) assert.deepEqual(b, stdio);
      const events = readFileSync(join(h.dir, 'audit.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"tool:big-'))
        .map((l) => JSON.parse(l) as { event: string; transport: string; target: string; action: string; findings: { rule: string }[] });
      const seen = (target: string) => events.filter((e) => e.event === 'tool-result' && e.target === target).map((e) => [e.transport, e.action, e.findings.map((f) => f.rule)]);
      const injected = seen('tool:big-injected');
      assert.deepEqual(injected.map((e) => e[0]), ['mcp-stdio', 'mcp-http', 'mcp-ws']);
      for (const e of injected) assert.deepEqual(e.slice(1), injected[0]?.slice(1));
      assert.equal(injected[0]?.[1], 'block');
      assert.deepEqual(seen('tool:big-clean').map((e) => e.slice(0, 2)), [['mcp-stdio', 'allow'], ['mcp-http', 'allow'], ['mcp-ws', 'allow']]);
    } finally {
      await ws.close();
      await http.close();
    }
  });
});
