// ask end to end: tollgate's services (proxy + admin API), curl through the proxy, the operator
// answering over the admin API and with `tollgate approve`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../src/config/index.ts';
import { startServices, type Services } from '../src/services.ts';
import { curl, startUpstream, type Upstream } from '../src/transports/http-proxy/testing.ts';

const AWS_KEY = 'AKIAZ7QW4ERT5YUI6OPA';
const TOKEN = 'operator-token-for-tests-0123456789';
const BIN = new URL('../bin/tollgate.js', import.meta.url).pathname;
// A held request waits for the operator's CLI, which may take a while to start on a loaded machine
// (from source when there is no fresh build): curl's own 20 s limit would withdraw it first.
const HELD = ['--max-time', '120'];

function cli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, out, errOut) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out, err: errOut });
    });
  });
}

interface Pending {
  id: string;
  rules: string[];
  target?: string;
}

async function pendingOf(s: Services, token = TOKEN): Promise<{ status: number; pending: Pending[] }> {
  const r = await fetch(`${s.apiUrl}/api/v1/approvals`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await r.json()) as { pending?: Pending[] };
  return { status: r.status, pending: body.pending ?? [] };
}

/** Polls until a request is held; bounded by 30 s of time (curl has to start first), not by a count of polls. */
async function waitForPending(s: Services): Promise<Pending> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const p = (await pendingOf(s)).pending[0];
    if (p) return p;
    if (Date.now() > deadline) throw new Error('nothing was held for approval');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ask over the admin API and the CLI', () => {
  let up: Upstream;
  let s: Services;
  before(async () => {
    up = await startUpstream((_req, res) => res.end('reached upstream'));
    const home = mkdtempSync(join(tmpdir(), 'tollgate-approvals-'));
    const loaded = parseConfig(
      `preset: balanced\nproxy:\n  listen: 127.0.0.1:0\n  askTimeoutMs: 60000\napi:\n  tokenEnv: TG_TEST_TOKEN\nreceipts:\n  fsync: false\nrules:\n  dlp/aws-access-key-id: ask\nscanners:\n  entropy:\n    enabled: false\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\ndns:\n  overrides:\n    upstream.test: 127.0.0.1\n`,
    );
    s = await startServices(loaded, { env: { TOLLGATE_HOME: home, TG_TEST_TOKEN: TOKEN }, note: () => undefined });
  });
  after(async () => {
    await s.close();
    await up.close();
  });

  it('holds the request, lists it without the secret, and forwards it when `tollgate approve ID` answers', async () => {
    assert.ok(s.proxy);
    const seen = up.seen.length;
    const held = curl(s.proxy.url, [...HELD, `http://upstream.test:${up.port}/upload?k=${AWS_KEY}`]);
    const p = await waitForPending(s);
    assert.deepEqual(p.rules, ['dlp/aws-access-key-id']);
    assert.ok(!JSON.stringify(p).includes(AWS_KEY));
    assert.equal(up.seen.length, seen, 'nothing left while held');
    const listed = await cli(['approve', '--list', '--api', s.apiUrl, '--token-env', 'TG_TEST_TOKEN'], { TG_TEST_TOKEN: TOKEN });
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, new RegExp(`^${p.id} `, 'm'));
    const approved = await cli(['approve', p.id, '--api', s.apiUrl, '--token-env', 'TG_TEST_TOKEN'], { TG_TEST_TOKEN: TOKEN });
    assert.equal(approved.code, 0, approved.err);
    assert.match(approved.out, /approved/);
    const r = await held;
    assert.equal(r.status, 200);
    assert.equal(r.body, 'reached upstream');
    assert.equal(up.seen.length, seen + 1);
  });

  it('answers 403 (X-Tollgate-Approval: denied) when the operator denies with `tollgate approve ID --deny`', async () => {
    assert.ok(s.proxy);
    const seen = up.seen.length;
    const held = curl(s.proxy.url, [...HELD, `http://upstream.test:${up.port}/upload?k=${AWS_KEY}`]);
    const p = await waitForPending(s);
    const denied = await cli(['approve', p.id, '--deny', '--api', s.apiUrl, '--token-env', 'TG_TEST_TOKEN'], { TG_TEST_TOKEN: TOKEN });
    assert.equal(denied.code, 0, denied.err);
    const r = await held;
    assert.equal(r.status, 403);
    assert.equal(r.headers['x-tollgate-approval'], 'denied');
    assert.equal(up.seen.length, seen);
  });

  it('refuses approvals without the token, so the agent cannot approve its own request', async () => {
    assert.ok(s.proxy);
    const held = curl(s.proxy.url, [...HELD, `http://upstream.test:${up.port}/upload?k=${AWS_KEY}`]);
    const p = await waitForPending(s);
    const noToken = await fetch(`${s.apiUrl}/api/v1/approvals/${p.id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"approve":true}' });
    assert.equal(noToken.status, 401);
    const wrong = await fetch(`${s.apiUrl}/api/v1/approvals/${p.id}`, { method: 'POST', headers: { authorization: 'Bearer nope', 'content-type': 'application/json' }, body: '{"approve":true}' });
    assert.equal(wrong.status, 401);
    assert.equal((await pendingOf(s, 'nope')).status, 401);
    const bad = await fetch(`${s.apiUrl}/api/v1/approvals/${p.id}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{"approve":"yes"}' });
    assert.equal(bad.status, 400, 'approve must be a boolean');
    const unknown = await fetch(`${s.apiUrl}/api/v1/approvals/not-held`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{"approve":true}' });
    assert.equal(unknown.status, 404);
    const ok = await fetch(`${s.apiUrl}/api/v1/approvals/${p.id}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{"approve":false}' });
    assert.equal(ok.status, 200);
    assert.equal((await held).status, 403);
  });

  it('fails with a clear message when the token variable is empty or the id is unknown', async () => {
    const noToken = await cli(['approve', 'x', '--api', s.apiUrl, '--token-env', 'TG_UNSET_TOKEN'], {});
    assert.equal(noToken.code, 1);
    assert.match(noToken.err, /TG_UNSET_TOKEN is empty/);
    const unknown = await cli(['approve', 'never-held', '--api', s.apiUrl, '--token-env', 'TG_TEST_TOKEN'], { TG_TEST_TOKEN: TOKEN });
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /404/);
  });
});
