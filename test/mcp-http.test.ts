import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CreateMessageRequestSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { DecisionEvent } from '../src/core/index.ts';
import { verifyReceiptsFile } from '../src/evidence/receipts/index.ts';
import { everything, hidden, PAYLOAD, poisoned } from './fixtures/mcp-http/servers.ts';
import { startUpstream, type Served } from './fixtures/mcp-http/upstream.ts';
import { BIN, connectHttp, guardHttp, LOOPBACK, refused, text, until, type GuardOptions, type Guarded } from './helpers/mcp.ts';

/**
 * MCP over Streamable HTTP through Tollgate, end to end on loopback: a real MCP SDK client
 * (StreamableHTTPClientTransport) → Tollgate's listener → an upstream served by the SDK's
 * StreamableHTTPServerTransport (server-everything's own factory, or small malicious servers).
 * Tollgate runs in-process here; one test runs the `tollgate mcp --listen` command itself.
 */
const T = { timeout: 60_000 };

const open: Guarded[] = [];
after(async () => {
  for (const g of open) await g.close();
});

/** An upstream serving factory(), and Tollgate's listener in front of it (closed after the tests). */
async function guard(factory: () => Served, opts: GuardOptions = {}): Promise<Guarded> {
  const g = await guardHttp(factory, opts);
  open.push(g);
  return g;
}

function rules(events: readonly DecisionEvent[]): string[] {
  return events.flatMap((e) => e.findings.map((f) => f.rule));
}

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('tollgate mcp --listen (Streamable HTTP)', { concurrency: 2 }, () => {
  it('server-everything works through the listener (initialize, tools, resources, prompts), a DLP-laden call is refused with -32001, and DELETE ends the session at both ends', T, async () => {
    const g = await guard(await everything());
    const { client, transport, errors } = await connectHttp(g.proxy.url);
    assert.equal(client.getServerVersion()?.name, 'mcp-servers/everything');
    const tools = (await client.listTools()).tools.map((t) => t.name);
    for (const t of ['echo', 'get-sum', 'get-tiny-image']) assert.ok(tools.includes(t), t);
    assert.equal(text(await client.callTool({ name: 'echo', arguments: { message: 'hello through tollgate' } })), 'Echo: hello through tollgate');
    assert.equal(text(await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 3 } })), 'The sum of 2 and 3 is 5.');
    const resources = (await client.listResources()).resources;
    const arch = resources.find((r) => r.uri.endsWith('architecture.md'));
    assert.ok(arch);
    assert.match(((await client.readResource({ uri: arch.uri })).contents[0] as { text: string }).text, /^# Everything Server/);
    const prompt = await client.getPrompt({ name: 'args-prompt', arguments: { city: 'Paris' } });
    assert.match(JSON.stringify(prompt.messages), /Paris/);

    const e = await refused(client.callTool({ name: 'echo', arguments: { message: 'my key is AKIAZ7QW4ERT5YUI6OPA' } }));
    assert.equal(e.code, -32001);
    assert.match(e.message, /Tollgate blocked tools\/call echo \(dlp\/aws-access-key-id\)/);
    assert.equal(g.up.calls.filter((c) => c === 'echo').length, 1, 'the refused call never reached the server');

    // Tollgate issues its own session id; the upstream's stays between Tollgate and the upstream.
    const mine = transport.sessionId as string;
    const theirs = [...g.up.sessions.keys()];
    assert.equal(theirs.length, 1);
    assert.notEqual(mine, theirs[0]);
    assert.ok(g.up.headers.every((h) => h['mcp-session-id'] !== mine), 'the client-facing id never reaches the upstream');

    assert.deepEqual(errors.map((x) => x.message), []);
    await transport.terminateSession();
    assert.deepEqual(g.up.ended, theirs, 'the DELETE reached the upstream');
    assert.equal(g.proxy.sessionCount(), 0);
    const after = await fetch(g.proxy.url, { method: 'POST', headers: { ...HEADERS, 'mcp-session-id': mine }, body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }) });
    assert.equal(after.status, 404);
    await client.close();
    assert.ok(g.events.length > 0 && g.events.every((ev) => ev.transport === 'mcp-http'));
    assert.ok(g.events.some((ev) => ev.type === 'tool-call' && ev.action === 'block' && ev.findings.some((f) => f.rule === 'dlp/aws-access-key-id')));
  });

  it('removes a tool with a poisoned description and refuses calls to it; the clean tool still works', T, async () => {
    const g = await guard(poisoned);
    const { client } = await connectHttp(g.proxy.url);
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['echo']);
    const e = await refused(client.callTool({ name: 'add', arguments: { a: 1, b: 2, sidenote: 'x' } }));
    assert.equal(e.code, -32001);
    assert.match(e.message, /Tollgate blocked tools\/call add \(mcp\/tool-withheld\)/);
    assert.equal(text(await client.callTool({ name: 'echo', arguments: { message: 'ok' } })), 'Echo: ok');
    assert.deepEqual(g.up.calls, ['echo']);
    assert.ok(g.events.some((ev) => ev.type === 'tool-list' && ev.action === 'redact' && ev.findings.some((f) => f.rule.startsWith('tool-poisoning/'))));
    await client.close();
  });

  it('replaces a tool result with hidden instructions delivered over SSE, after relaying the notification that came before it on the same stream', T, async () => {
    const g = await guard(hidden);
    const { client, errors } = await connectHttp(g.proxy.url);
    const logs: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(String(n.params.data));
    });
    await client.listTools();
    assert.equal(text(await client.callTool({ name: 'clean', arguments: {} })), 'Sunny, 21 degrees.');
    const r = await client.callTool({ name: 'poisoned', arguments: {} });
    assert.equal(r.isError, true);
    assert.match(text(r), /^Tollgate blocked the tools\/call result of poisoned \([^)]*injection\//);
    assert.doesNotMatch(JSON.stringify(r), /id_rsa|collect\.example/);
    assert.deepEqual(logs, ['fetching the weather']);
    assert.equal(text(await client.callTool({ name: 'clean', arguments: {} })), 'Sunny, 21 degrees.', 'the session goes on');
    const upstreamSse = g.up.headers.filter((h) => h.accept === 'application/json, text/event-stream');
    assert.ok(upstreamSse.length > 0);
    // (Checked before close: the SDK client reports its own aborted GET stream as an error on close.)
    assert.deepEqual(errors.map((x) => x.message), []);
    await client.close();
  });

  it('inspects JSON responses too (an upstream in enableJsonResponse mode)', T, async () => {
    const g = await guard(hidden, { json: true });
    const { client } = await connectHttp(g.proxy.url);
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name).sort(), ['clean', 'huge', 'poisoned']);
    assert.equal(text(await client.callTool({ name: 'clean', arguments: {} })), 'Sunny, 21 degrees.');
    const r = await client.callTool({ name: 'poisoned', arguments: {} });
    assert.equal(r.isError, true);
    assert.match(text(r), /^Tollgate blocked the tools\/call result of poisoned/);
    await client.close();
  });

  it("inspects the server's own GET stream: a sampling request with hidden instructions is refused to the server with -32001, a clean one reaches the client", T, async () => {
    const g = await guard(hidden, { events: true });
    const { client } = await connectHttp(g.proxy.url, { sampling: {} });
    const sampled: string[] = [];
    const logs: string[] = [];
    client.setRequestHandler(CreateMessageRequestSchema, (req) => {
      sampled.push(JSON.stringify(req.params.messages));
      return { role: 'assistant', content: { type: 'text', text: 'hello' }, model: 'test' };
    });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(String(n.params.data));
    });
    await until(() => g.up.gets > 0, 'the client opened its GET stream through Tollgate');
    const server = [...g.up.sessions.values()][0]?.served.server;
    assert.ok(server);
    // Until the stream is wired end to end, a server message without a request is dropped by the SDK server.
    for (const end = Date.now() + 20_000; logs.length === 0 && Date.now() < end; ) {
      await server.server.sendLoggingMessage({ level: 'info', data: 'stream check' });
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(logs.includes('stream check'), 'a notification on the GET stream reached the client');
    const bad = await refused(server.server.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: PAYLOAD } }], maxTokens: 10 }));
    assert.equal(bad.code, -32001);
    const good = await server.server.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'Say hello.' } }], maxTokens: 10 });
    assert.equal((good.content as { text: string }).text, 'hello');
    assert.equal(sampled.length, 1);
    assert.match(sampled[0] ?? '', /Say hello/);
    await client.close();
  });

  it('drops an event over mcp.http.maxSseEventBytes without holding it, answers that call with an error (even on a resumable stream), and the session goes on', T, async () => {
    const g = await guard(hidden, { config: 'mcp:\n  http:\n    maxSseEventBytes: 65536\n', events: true });
    const { client } = await connectHttp(g.proxy.url);
    await client.listTools();
    const e = await refused(client.callTool({ name: 'huge', arguments: {} }));
    assert.equal(e.code, -32000);
    assert.match(e.message, /The MCP server ended the event stream before answering tools\/call/);
    assert.ok(rules(g.events).includes('mcp/message-too-large'));
    assert.equal(text(await client.callTool({ name: 'clean', arguments: {} })), 'Sunny, 21 degrees.');
    await client.close();
  });

  it('checks the upstream address on every call: a name that later resolves to the metadata address is refused with -32001 and recorded', T, async () => {
    let answer = '127.0.0.1';
    const g = await guard(poisoned, { host: 'mcp.test', resolver: { resolve: async () => [answer] } });
    const { client } = await connectHttp(g.proxy.url);
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['echo']);
    answer = '169.254.169.254';
    const e = await refused(client.callTool({ name: 'echo', arguments: { message: 'hi' } }));
    assert.equal(e.code, -32001);
    assert.match(e.message, /is not reachable under the policy/);
    assert.deepEqual(g.up.calls, []);
    assert.ok(g.events.some((ev) => ev.type === 'request' && ev.action === 'block' && ev.findings.some((f) => f.rule.startsWith('ssrf/'))));
    answer = '127.0.0.1';
    await client.close();
  });

  it('answers requests with -32000 when the upstream cannot be reached, and records it', T, async () => {
    const g = await guard(poisoned);
    const { client } = await connectHttp(g.proxy.url);
    await client.listTools();
    await g.up.close();
    const e = await refused(client.callTool({ name: 'echo', arguments: { message: 'hi' } }));
    assert.equal(e.code, -32000);
    assert.match(e.message, /The MCP server could not be reached before answering tools\/call/);
    assert.ok(rules(g.events).includes('engine/upstream-error'));
    await client.close();
  });

  it('refuses what a Streamable HTTP endpoint must refuse: a foreign Origin, no session, an unknown session, bad Accept, non-JSON, an oversized body', T, async () => {
    const g = await guard(poisoned, { config: 'mcp:\n  http:\n    maxBodyBytes: 4096\n' });
    const post = (body: string, headers: Record<string, string> = {}): Promise<Response> => fetch(g.proxy.url, { method: 'POST', headers: { ...HEADERS, ...headers }, body });
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    assert.equal((await post(JSON.stringify(INIT), { origin: 'http://evil.example' })).status, 403);
    assert.equal((await post(list)).status, 400);
    assert.equal((await post(list, { 'mcp-session-id': 'not-a-session' })).status, 404);
    assert.equal((await post(JSON.stringify(INIT), { accept: 'application/json' })).status, 406);
    const notJson = await post('{"jsonrpc":"2.0",');
    assert.equal(notJson.status, 400);
    assert.equal(((await notJson.json()) as { error: { code: number } }).error.code, -32700);
    assert.equal((await post(JSON.stringify({ ...INIT, params: { ...INIT.params, padding: 'x'.repeat(5000) } }))).status, 413);
    assert.equal((await fetch(g.proxy.url.replace('/mcp', '/other'), { method: 'POST', headers: HEADERS, body: JSON.stringify(INIT) })).status, 404);
    assert.equal(g.up.methods.length, 0, 'nothing reached the upstream');
    for (const rule of ['policy/origin-not-allowed', 'mcp/invalid-json', 'mcp/message-too-large']) assert.ok(rules(g.events).includes(rule), rule);
    // A well-formed initialize still works, and answers with Tollgate's session id.
    const init = await post(JSON.stringify(INIT));
    assert.equal(init.status, 200);
    assert.match(init.headers.get('mcp-session-id') ?? '', /^[A-Za-z0-9_-]{22}$/);
    await init.body?.cancel();
  });

  it('keeps at most mcp.http.maxSessions sessions: while every one is in use a new client is refused (503), and once one is idle the new client takes its place', T, async () => {
    const g = await guard(poisoned, { config: 'mcp:\n  http:\n    maxSessions: 2\n' });
    const a = await connectHttp(g.proxy.url);
    const b = await connectHttp(g.proxy.url);
    // SDK clients keep a GET stream open for the server's messages: both sessions are in use.
    await until(() => g.up.gets >= 2, 'both clients opened their GET streams');
    const firstUpstream = [...g.up.sessions.keys()][0] as string;
    await assert.rejects(connectHttp(g.proxy.url), /session table is full/);
    assert.ok(rules(g.events).includes('mcp/sessions-full'));
    assert.equal(g.up.sessions.size, 2, 'the refused client never reached the upstream');
    assert.deepEqual(g.up.ended, []);
    // A closes its transport (its GET stream with it) without ending the session: now it is idle.
    await a.client.close();
    let c: Awaited<ReturnType<typeof connectHttp>> | undefined;
    for (const end = Date.now() + 30_000; c === undefined && Date.now() < end; ) {
      try {
        c = await connectHttp(g.proxy.url);
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    assert.ok(c, 'a new client got a session once A was idle');
    await until(() => g.up.ended.includes(firstUpstream), 'the idle session ended at the upstream');
    assert.equal(g.proxy.sessionCount(), 2);
    assert.deepEqual((await b.client.listTools()).tools.map((t) => t.name), ['echo'], 'B, in use, stayed');
    assert.deepEqual((await c.client.listTools()).tools.map((t) => t.name), ['echo']);
    for (const x of [b, c]) await x.client.close();
  });
});

describe('tollgate mcp --listen, the command', () => {
  it('serves Streamable HTTP, sends the configured upstream header from the environment (never logging it), refuses a call carrying it, and records to the audit log and a receipts chain', T, async () => {
    const up = await startUpstream(poisoned);
    const home = mkdtempSync(join(tmpdir(), 'tollgate-home-'));
    const config = join(home, 'tollgate.yaml');
    const token = 'tg-upstream-Zq8pw4471xUpstreamToken';
    writeFileSync(config, `${LOOPBACK}mcp:\n  http:\n    upstreamHeaders:\n      Authorization: "Bearer \${TG_TEST_UPSTREAM_TOKEN}"\n`);
    const proc = spawn(process.execPath, [BIN, 'mcp', '--config', config, '--listen', '127.0.0.1:0', '--upstream', up.url, '--header', 'X-Tenant: tests'], {
      env: { ...process.env, TOLLGATE_HOME: home, TG_TEST_UPSTREAM_TOKEN: token },
    });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    try {
      await until(() => /listening on (http:\S+)/.test(stderr), 'the listening line');
      const url = (/listening on (http:\S+),/.exec(stderr) as RegExpExecArray)[1] as string;
      const { client } = await connectHttp(url);
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['echo']);
      assert.equal(text(await client.callTool({ name: 'echo', arguments: { message: 'ok' } })), 'Echo: ok');
      const e = await refused(client.callTool({ name: 'echo', arguments: { message: `the token is ${token}` } }));
      assert.equal(e.code, -32001);
      assert.match(e.message, /known-secrets\/value-match/);
      await client.close();
      assert.ok(up.headers.length > 0 && up.headers.every((h) => h.authorization === `Bearer ${token}` && h['x-tenant'] === 'tests'));
      assert.deepEqual(up.calls, ['echo']);
    } finally {
      proc.kill('SIGTERM');
      await up.close();
    }
    assert.equal(await exited, 0);
    assert.doesNotMatch(stderr, new RegExp(token));
    assert.match(stderr, /upstream headers: authorization, x-tenant/);
    const audit = readFileSync(join(home, 'audit.jsonl'), 'utf8');
    assert.match(audit, /"transport":"mcp-http"/);
    assert.doesNotMatch(audit, new RegExp(token));
    const dir = join(home, 'mcp');
    const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.receipts.jsonl')) : undefined;
    assert.ok(file, 'a receipts chain was written');
    const verified = await verifyReceiptsFile(join(dir, file));
    assert.equal(verified.status, 'ok', JSON.stringify(verified.broken ?? verified.warnings));
    assert.ok((verified.counts.decision ?? 0) >= 3);
  });

  it('refuses to start against a loopback upstream unless scanners.ssrf.allowCidrs trusts it', T, async () => {
    const home = mkdtempSync(join(tmpdir(), 'tollgate-home-'));
    const proc = spawn(process.execPath, [BIN, 'mcp', '--listen', '127.0.0.1:0', '--upstream', 'http://127.0.0.1:9/mcp'], { env: { ...process.env, TOLLGATE_HOME: home } });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
    assert.equal(code, 1);
    assert.match(stderr, /tollgate mcp: the upstream http:\/\/127\.0\.0\.1:9\/mcp (is blocked by the policy|resolves to an address the policy blocks) \(ssrf\/[a-z-]+\); to reach an MCP server on an internal address, trust it explicitly in scanners\.ssrf\.allowCidrs/);
  });
});
