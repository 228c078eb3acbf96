import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { startUpstream } from './fixtures/mcp-http/upstream.ts';
import { BIN, connectHttp, LOOPBACK, refused, spawnClient, text, until, type Connected } from './helpers/mcp.ts';

/**
 * ask and redact on MCP, end to end: a real MCP SDK client → `tollgate mcp` (spawned) → a
 * fixture server. A call the policy asks about is held until an operator answers through the
 * approval endpoints (`--api`, or the --listen endpoint itself) or `tollgate approve`, or until
 * mcp.askTimeoutMs (short, from the config) denies it. Loopback only.
 */
// Each test spawns tollgate mcp, a fixture server and sometimes the CLI: 12 s on a busy machine,
// 50 s run from source; the bound is a hang guard, well clear of that.
const T = { timeout: 120_000 };
const ROOT = join(import.meta.dirname, '..');
const ASK_SERVER = ['node', join(ROOT, 'test/fixtures/mcp/ask-server.mjs')];
const TOKEN = 'test-approvals-token-0123456789';
const ENV = { TG_TEST_TOKEN: TOKEN };
const KEY = 'AKIAZ7QW4ERT5YUI6OPA';

function home(): string {
  return mkdtempSync(join(tmpdir(), 'tollgate-home-'));
}

/** A config file: package installs need approval, DLP findings in results are redacted. */
function config(opts: { timeoutMs?: number; loopback?: boolean } = {}): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tollgate-ask-')), 'tollgate.yaml');
  // A loopback upstream needs the SSRF allowance (as LOOPBACK in the helpers gives).
  const ssrf = opts.loopback === true ? '  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\n' : '';
  writeFileSync(
    file,
    `api:\n  tokenEnv: TG_TEST_TOKEN\nrules:\n  tool-policy/package-install: ask\nscanners:\n  dlp:\n    action: redact\n${ssrf}mcp:\n  askTimeoutMs: ${opts.timeoutMs ?? 60_000}\n`,
  );
  return file;
}

interface Pending {
  readonly id: string;
  readonly transport: string;
  readonly method: string;
  readonly target: string;
  readonly rules: string[];
}

async function pending(api: string): Promise<Pending[]> {
  const r = await fetch(`${api}/api/v1/approvals`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(r.status, 200);
  return ((await r.json()) as { pending: Pending[] }).pending;
}

/** Waits (a hang guard, not a timing assertion) until n calls are held, and returns them. */
async function held(api: string, n = 1): Promise<Pending[]> {
  let list: Pending[] = [];
  for (const end = Date.now() + 30_000; list.length < n && Date.now() < end; ) {
    list = await pending(api);
    if (list.length < n) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(list.length, n, 'the call is held');
  return list;
}

async function withStdio(mcpArgs: string[], fn: (c: Connected, api: string) => Promise<void>): Promise<Connected> {
  const c = await spawnClient(mcpArgs, { home: home(), env: ENV });
  try {
    await until(() => /approvals on (http:\S+)/.test(c.stderr()), 'the approvals line');
    const api = (/approvals on (http:\S+) /.exec(c.stderr()) as RegExpExecArray)[1] as string;
    await c.client.listTools();
    await fn(c, api);
  } finally {
    await c.client.close();
  }
  assert.deepEqual(c.errors.map((e) => e.message), [], 'the client saw no protocol errors');
  return c;
}

describe('tollgate mcp: ask holds a call for approval', { concurrency: 2 }, () => {
  it('holds a call until it is approved through the API, then the client gets the real result; other calls go on meanwhile', T, async () => {
    const c = await withStdio(['--config', config(), '--api', '127.0.0.1:0', '--', ...ASK_SERVER], async ({ client, stderr }, api) => {
      const call = client.callTool({ name: 'run', arguments: { command: 'npm install left-pad' } });
      const [h] = await held(api);
      assert.equal(h?.transport, 'mcp-stdio');
      assert.equal(h?.method, 'tools/call');
      assert.equal(h?.target, 'tool:run');
      assert.deepEqual(h?.rules, ['tool-policy/package-install']);

      // While it is held, the session goes on both ways.
      assert.equal(text(await client.callTool({ name: 'run', arguments: { command: 'ls' } })), 'ran: ls');
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['run', 'secret']);
      assert.equal((await pending(api)).length, 1, 'still held after the other calls were answered');

      const unauthorized = await fetch(`${api}/api/v1/approvals/${h?.id}`, { method: 'POST', body: '{"approve":true}' });
      assert.equal(unauthorized.status, 401, 'approving needs the token');
      const r = await fetch(`${api}/api/v1/approvals/${h?.id}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{"approve":true}' });
      assert.deepEqual(await r.json(), { id: h?.id, decision: 'approved' });
      assert.equal(text(await call), 'ran: npm install left-pad');
      await until(() => /\[tollgate\] allow tool-call tools\/call tool:run /.test(stderr()), 'the decision line of the approved call');
    });
    assert.match(c.stderr(), /held for approval \([0-9a-f-]{36}\): tools\/call run \[tool-policy\/package-install\]; answer with `tollgate approve --api http:\/\/127\.0\.0\.1:\d+ --token-env TG_TEST_TOKEN [0-9a-f-]{36}`/);
    assert.match(c.stderr(), /\[tollgate\] allow tool-call tools\/call tool:run \[tool-policy\/package-install\]/, 'the approved call is one event, recorded as allow');
    assert.doesNotMatch(c.stderr(), /\[tollgate\] ask tool-call/, 'not recorded as ask');
    assert.match(c.stderr(), /fixture ask-server got tools\/call run/);
  });

  it('`tollgate approve --list` shows the held call with its tool and rule, and `tollgate approve --deny ID` makes it fail with -32001', T, async () => {
    await withStdio(['--config', config(), '--api', '127.0.0.1:0', '--', ...ASK_SERVER], async ({ client, stderr }, api) => {
      const call = refused(client.callTool({ name: 'run', arguments: { command: 'npm install left-pad' } }));
      const [h] = await held(api);
      const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, 'approve', '--api', api, '--token-env', 'TG_TEST_TOKEN', ...args], { encoding: 'utf8', env: { ...process.env, ...ENV } });
      const list = cli('--list');
      assert.equal(list.status, 0, list.stderr);
      assert.match(list.stdout, new RegExp(`^${h?.id}  \\[mcp-stdio\\] tools/call tool:run  tool-policy/package-install  \\(\\d+ s left\\)$`, 'm'));
      assert.match(list.stdout, /^1 pending$/m);
      const deny = cli('--deny', h?.id as string);
      assert.equal(deny.status, 0, deny.stderr);
      assert.equal(deny.stdout, `${h?.id}: denied\n`);
      const e = await call;
      assert.equal(e.code, -32001);
      assert.match(e.message, /^MCP error -32001: Tollgate held tools\/call run for approval \(tool-policy\/package-install\) and an operator denied it; it was not sent\./);
      assert.match(e.message, /`tollgate approve --api http:\/\/127\.0\.0\.1:\d+ --token-env TG_TEST_TOKEN ID`/);
      assert.doesNotMatch(stderr(), /fixture ask-server got tools\/call run/, 'the denied call never reached the server');
    });
  });

  it('`tollgate approve ID` releases a held call', T, async () => {
    await withStdio(['--config', config(), '--api', '127.0.0.1:0', '--', ...ASK_SERVER], async ({ client }, api) => {
      const call = client.callTool({ name: 'run', arguments: { command: 'npm install left-pad' } });
      const [h] = await held(api);
      const ok = spawnSync(process.execPath, [BIN, 'approve', '--api', api, '--token-env', 'TG_TEST_TOKEN', h?.id as string], { encoding: 'utf8', env: { ...process.env, ...ENV } });
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal(ok.stdout, `${h?.id}: approved\n`);
      assert.equal(text(await call), 'ran: npm install left-pad');
    });
  });

  it('denies a call nobody answers with -32001 once mcp.askTimeoutMs passes', T, async () => {
    await withStdio(['--config', config({ timeoutMs: 200 }), '--api', '127.0.0.1:0', '--', ...ASK_SERVER], async ({ client, stderr }) => {
      const e = await refused(client.callTool({ name: 'run', arguments: { command: 'npm install left-pad' } }));
      assert.equal(e.code, -32001);
      assert.match(e.message, /Tollgate held tools\/call run for approval \(tool-policy\/package-install\) and nobody approved it in time; it was not sent\./);
      assert.match(e.message, /within mcp\.askTimeoutMs \(200 ms\)/);
      assert.doesNotMatch(stderr(), /fixture ask-server got tools\/call run/);
      assert.equal(text(await client.callTool({ name: 'run', arguments: { command: 'ls' } })), 'ran: ls', 'the session goes on');
    });
  });

  it('blocks an ask at once, saying how to enable approvals, when tollgate mcp has no approval channel', T, async () => {
    const c = await spawnClient(['--config', config(), '--', ...ASK_SERVER], { home: home(), env: ENV });
    try {
      await c.client.listTools();
      const e = await refused(c.client.callTool({ name: 'run', arguments: { command: 'npm install left-pad' } }));
      assert.equal(e.code, -32001);
      assert.match(e.message, /^MCP error -32001: Tollgate blocked tools\/call run \(tool-policy\/package-install\)\. The policy asks an operator to approve this, and this Tollgate has no approval channel\./);
      assert.match(e.message, /To enable approvals, set api\.tokenEnv and start `tollgate mcp` with --api 127\.0\.0\.1:0 \(or set mcp\.approvalsListen\)/);
      assert.doesNotMatch(c.stderr(), /fixture ask-server got tools\/call run/);
    } finally {
      await c.client.close();
    }
  });

  it('refuses to start with --api when the config names no API token', T, () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tollgate-ask-')), 'tollgate.yaml');
    writeFileSync(file, 'mode: enforce\n');
    const r = spawnSync(process.execPath, [BIN, 'mcp', '--config', file, '--api', '127.0.0.1:0', '--', ...ASK_SERVER], { encoding: 'utf8', env: { ...process.env, TOLLGATE_HOME: home() }, input: '' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--api needs api\.tokenEnv in the config/);
  });
});

describe('tollgate mcp: redact', () => {
  it('a result with a secret reaches the client with the secret replaced in text, structuredContent and the embedded resource', T, async () => {
    const c = await spawnClient(['--config', config(), '--', ...ASK_SERVER], { home: home(), env: ENV });
    try {
      await c.client.listTools();
      const r = (await c.client.callTool({ name: 'secret', arguments: {} })) as { content: unknown[]; structuredContent: unknown };
      const marker = '[REDACTED:dlp/aws-access-key-id]';
      assert.deepEqual(r.content, [
        { type: 'text', text: `region eu-west-1, access key ${marker}` },
        { type: 'resource', resource: { uri: 'file:///srv/.env', mimeType: 'text/plain', text: `AWS_ACCESS_KEY_ID=${marker}` } },
      ]);
      assert.deepEqual(r.structuredContent, { region: 'eu-west-1', accessKey: marker });
      assert.ok(!JSON.stringify(r).includes(KEY));
      // Decision lines are written just after the message they record has gone on.
      await until(() => /\[tollgate\] redact tool-result tools\/call tool:secret \[dlp\/aws-access-key-id\]/.test(c.stderr()), 'the redact decision line');
    } finally {
      await c.client.close();
    }
  });
});

/** An upstream Streamable HTTP server with the `run` tool. */
function runServer() {
  return startUpstream(() => {
    const server = new McpServer({ name: 'ask-http', version: '1.0.0' });
    server.registerTool('run', { description: 'Runs a shell command.', inputSchema: { command: z.string() } }, ({ command }) => ({ content: [{ type: 'text', text: `ran: ${command}` }] }));
    return { server };
  });
}

describe('tollgate mcp --upstream (bridge): ask', () => {
  it('holds a bridged call until it is approved through --api, then POSTs it upstream', T, async () => {
    const up = await runServer();
    try {
      await withStdio(['--config', config({ loopback: true }), '--api', '127.0.0.1:0', '--upstream', up.url], async ({ client }, api) => {
        const call = client.callTool({ name: 'run', arguments: { command: 'npm install left-pad' } });
        const [h] = await held(api);
        assert.equal(h?.transport, 'mcp-http');
        assert.deepEqual(up.calls, [], 'nothing reached the upstream while held');
        const r = await fetch(`${api}/api/v1/approvals/${h?.id}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{"approve":true}' });
        assert.equal(r.status, 200);
        assert.equal(text(await call), 'ran: npm install left-pad');
        assert.deepEqual(up.calls, ['run']);
      });
    } finally {
      await up.close();
    }
  });
});

/**
 * `tollgate mcp --listen` in front of the ask server, package installs held for approval; fn gets the
 * process, its stderr so far, the MCP endpoint and the approval API origin. Always stopped afterwards.
 */
async function withListener(fn: (l: { proc: ReturnType<typeof spawn>; stderr: () => string; url: string; api: string; up: Awaited<ReturnType<typeof runServer>> }) => Promise<void>): Promise<void> {
  const up = await runServer();
  const file = join(mkdtempSync(join(tmpdir(), 'tollgate-ask-')), 'tollgate.yaml');
  writeFileSync(file, `${LOOPBACK}api:\n  tokenEnv: TG_TEST_TOKEN\nrules:\n  tool-policy/package-install: ask\n`);
  const proc = spawn(process.execPath, [BIN, 'mcp', '--config', file, '--listen', '127.0.0.1:0', '--upstream', up.url], { env: { ...process.env, TOLLGATE_HOME: home(), ...ENV } });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  try {
    await until(() => /approvals on (http:\S+)\/api\/v1\/approvals/.test(stderr), 'the approvals line');
    const url = (/listening on (http:\S+),/.exec(stderr) as RegExpExecArray)[1] as string;
    const api = (/approvals on (http:\S+)\/api\/v1\/approvals/.exec(stderr) as RegExpExecArray)[1] as string;
    await fn({ proc, stderr: () => stderr, url, api, up });
  } finally {
    proc.kill('SIGTERM');
    await exited;
    await up.close();
  }
}

describe('tollgate mcp --listen: approvals on the listener', () => {
  it('denies a held call when the kill switch turns on (SIGUSR1), refuses everything while it is on, and relays again once off', T, async () => {
    await withListener(async ({ proc, stderr, url, api, up }) => {
      const { client } = await connectHttp(url);
      try {
        await client.listTools();
        const call = client.callTool({ name: 'run', arguments: { command: 'npm install left-pad' } }).then(
          () => 'answered',
          (err: { code?: number; message?: string }) => `${err.code}: ${err.message}`,
        );
        await held(api);
        proc.kill('SIGUSR1');
        assert.match(await call, /^-32001: .*kill switch/, 'the held call is denied');
        assert.deepEqual(await pending(api), []);
        await assert.rejects(client.callTool({ name: 'run', arguments: { command: 'ls' } }), /kill switch/);
        proc.kill('SIGUSR1');
        await until(() => /kill switch off/.test(stderr()), 'the switch turning off');
        assert.equal(text(await client.callTool({ name: 'run', arguments: { command: 'ls' } })), 'ran: ls');
        assert.deepEqual(up.calls, ['run'], 'only the call made after the switch went off reached the server');
      } finally {
        await client.close();
      }
    });
  });


  it('holds a Streamable HTTP call until it is approved on the listener\'s own approval endpoint (token required)', T, async () => {
    await withListener(async ({ proc, stderr, url, api, up }) => {
      assert.equal(`${api}/mcp`, url);
      const { client } = await connectHttp(url);
      try {
        await client.listTools();
        const call = client.callTool({ name: 'run', arguments: { command: 'npm install left-pad' } });
        const noToken = await fetch(`${api}/api/v1/approvals`);
        assert.equal(noToken.status, 401);
        const [h] = await held(api);
        assert.equal(h?.transport, 'mcp-http');
        assert.equal(text(await client.callTool({ name: 'run', arguments: { command: 'ls' } })), 'ran: ls', 'another POST goes on while one is held');
        const r = await fetch(`${api}/api/v1/approvals/${h?.id}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{"approve":true}' });
        assert.equal(r.status, 200);
        assert.equal(text(await call), 'ran: npm install left-pad');
        assert.deepEqual(up.calls, ['run', 'run']);
      } finally {
        await client.close();
      }
    });
  });
});
