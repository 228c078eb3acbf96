import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfigFile } from '../src/config/index.ts';
import { initCa } from '../src/transports/http-proxy/tls/index.ts';
import { startServices, type Services } from '../src/services.ts';
import { curl, startUpstream, type Upstream } from '../src/transports/http-proxy/testing.ts';

const AWS_KEY = 'AKIAZ7QW4ERT5YUI6OPA';
const TOKEN = 'operator-token-0123456789';

/** A config that reaches the loopback upstream by name; `scanners` lines go under scanners:, `top` at the end. */
function yaml(top = '', o: { scanners?: string[]; listen?: string; dns?: string[] } = {}): string {
  return [
    'preset: balanced',
    'proxy:',
    `  listen: ${o.listen ?? '127.0.0.1:0'}`,
    'receipts:',
    '  fsync: false',
    'scanners:',
    '  ssrf:',
    '    allowCidrs: ["127.0.0.1/32"]',
    ...(o.scanners ?? []),
    'dns:',
    '  overrides:',
    '    a.example.com: 127.0.0.1',
    '    b.example.com: 127.0.0.1',
    ...(o.dns ?? []),
    top,
  ].join('\n');
}

const BLOCK_A = ['    blockHosts: [a.example.com]'];
const NO_DLP = ['  dlp:', '    enabled: false'];

/** Polls `check` until it holds (bounded by 30 s of time, a hang guard); the assertion is on the state, not the time. */
async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`never became true: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Started {
  readonly s: Services;
  readonly home: string;
  readonly file: string;
  readonly notes: string[];
  stop(): Promise<void>;
}

async function start(extra: string, opts: { token?: boolean; allowDowngrade?: boolean; watch?: boolean; beforeStart?: (home: string) => void } = {}): Promise<Started> {
  const home = mkdtempSync(join(tmpdir(), 'tollgate-control-'));
  const file = join(home, 'tollgate.yaml');
  writeFileSync(file, yaml(`${opts.token ? 'api:\n  tokenEnv: TG_TOKEN\n' : ''}${extra}`));
  opts.beforeStart?.(home);
  const notes: string[] = [];
  const s = await startServices(loadConfigFile(file), {
    env: { TOLLGATE_HOME: home, ...(opts.token ? { TG_TOKEN: TOKEN } : {}) },
    note: (l) => notes.push(l),
    configFile: file,
    allowDowngrade: opts.allowDowngrade === true,
    watchConfig: opts.watch === true,
  });
  return {
    s,
    home,
    file,
    notes,
    stop: async () => {
      await s.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

describe('kill switch (tollgate run services)', () => {
  let up: Upstream;
  before(async () => {
    up = await startUpstream((_req, res) => res.end('upstream ok'));
  });
  after(async () => {
    await up.close();
  });

  it('turns on and off through POST /api/v1/killswitch with the token; traffic gets 503 while admin endpoints keep answering', async () => {
    const t = await start('', { token: true });
    try {
      const proxy = (t.s.proxy as NonNullable<Services['proxy']>).url;
      const target = `http://a.example.com:${up.port}/`;
      assert.equal((await curl(proxy, [target])).status, 200);
      const noAuth = await fetch(`${proxy}/api/v1/killswitch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"on":true}' });
      assert.equal(noAuth.status, 401);
      const bad = await fetch(`${proxy}/api/v1/killswitch`, { method: 'POST', headers: auth, body: '{"on":"yes"}' });
      assert.equal(bad.status, 400);
      const on = await fetch(`${proxy}/api/v1/killswitch`, { method: 'POST', headers: auth, body: '{"on":true}' });
      assert.equal(on.status, 200);
      assert.equal(((await on.json()) as { killSwitch: { on: boolean; by: string } }).killSwitch.by, 'api');

      const blocked = await curl(proxy, [target]);
      assert.equal(blocked.status, 503);
      assert.equal(blocked.headers['x-tollgate-blocked'], '1');
      assert.equal(blocked.headers['x-tollgate-block'], 'policy/kill-switch');
      assert.equal((await fetch(`${proxy}/health`)).status, 200);
      // Status says which mode runs: with a token configured it needs the token too.
      assert.equal((await fetch(`${proxy}/api/v1/status`)).status, 401);
      const status = (await (await fetch(`${proxy}/api/v1/status`, { headers: auth })).json()) as { killSwitch: boolean };
      assert.equal(status.killSwitch, true);
      const metrics = await (await fetch(`${proxy}/metrics`, { headers: auth })).text();
      assert.match(metrics, /^tollgate_kill_switch 1$/m);
      const state = (await (await fetch(`${proxy}/api/v1/killswitch`, { headers: auth })).json()) as { killSwitch: { on: boolean } };
      assert.equal(state.killSwitch.on, true);

      const off = await fetch(`${proxy}/api/v1/killswitch`, { method: 'POST', headers: auth, body: '{"on":false}' });
      assert.equal(off.status, 200);
      const again = await curl(proxy, [target]);
      assert.equal(again.status, 200);
      assert.equal(again.body, 'upstream ok');
      assert.match(await (await fetch(`${proxy}/metrics`, { headers: auth })).text(), /^tollgate_kill_switch 0$/m);
    } finally {
      await t.stop().catch(() => undefined);
    }
  });

  it('records each switch and each stopped request in the audit log', async () => {
    const t = await start('', { token: true });
    const proxy = (t.s.proxy as NonNullable<Services['proxy']>).url;
    t.s.control.killSwitch.setManual(true, 'api', Date.now());
    await curl(proxy, [`http://a.example.com:${up.port}/`]);
    t.s.control.killSwitch.setManual(false, 'api', Date.now());
    await t.s.close();
    const lines = readFileSync(join(t.home, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; event: string; action?: string; findings?: { rule: string }[] });
    const switches = lines.filter((l) => l.kind === 'decision' && l.event === 'kill-switch').map((l) => l.action);
    assert.deepEqual(switches, ['block', 'allow']);
    assert.ok(lines.some((l) => l.kind === 'decision' && l.event === 'request' && l.findings?.some((f) => f.rule === 'policy/kill-switch')));
    await t.stop();
  });

  it('without an API token lets a loopback client turn the switch on but not off', async () => {
    const t = await start('');
    try {
      const proxy = (t.s.proxy as NonNullable<Services['proxy']>).url;
      const on = await fetch(`${proxy}/api/v1/killswitch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"on":true}' });
      assert.equal(on.status, 200);
      const off = await fetch(`${proxy}/api/v1/killswitch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"on":false}' });
      assert.equal(off.status, 403);
      assert.match(((await off.json()) as { error: string }).error, /SIGUSR1/);
      assert.equal(t.s.control.killSwitch.on, true);
    } finally {
      await t.stop();
    }
  });

  it('is held on while the sentinel file exists (present at start, created, removed), whatever the API says', async () => {
    const t = await start('killSwitch:\n  pollMs: 100\n', { token: true, beforeStart: (home) => writeFileSync(join(home, 'KILL'), '') });
    try {
      const proxy = (t.s.proxy as NonNullable<Services['proxy']>).url;
      const target = `http://a.example.com:${up.port}/`;
      assert.equal((await curl(proxy, [target])).status, 503, 'a file present at start holds the switch from the first request');
      const off = await fetch(`${proxy}/api/v1/killswitch`, { method: 'POST', headers: auth, body: '{"on":false}' });
      const answer = (await off.json()) as { killSwitch: { on: boolean }; note?: string };
      assert.equal(answer.killSwitch.on, true);
      assert.match(answer.note ?? '', /sentinel file/);
      unlinkSync(join(t.home, 'KILL'));
      await eventually(() => !t.s.control.killSwitch.on, 'the switch turns off once the file is gone');
      assert.equal((await curl(proxy, [target])).status, 200);
      writeFileSync(t.s.control.sentinelPath, 'stop\n');
      await eventually(() => t.s.control.killSwitch.on, 'the switch turns on once the file exists');
      assert.equal((await curl(proxy, [target])).status, 503);
    } finally {
      await t.stop();
    }
  });
});

describe('hot reload (tollgate run services)', () => {
  let up: Upstream;
  before(async () => {
    up = await startUpstream((_req, res) => res.end('upstream ok'));
  });
  after(async () => {
    await up.close();
  });

  it('applies a valid stricter config, keeps the old one for an invalid or weakening config, and keeps the kill switch across reloads', async () => {
    const t = await start('');
    try {
      const proxy = (t.s.proxy as NonNullable<Services['proxy']>).url;
      const target = `http://a.example.com:${up.port}/page`;
      assert.equal((await curl(proxy, [target])).status, 200);
      const firstHash = t.s.runtime.loaded.hash;

      writeFileSync(t.file, yaml('', { scanners: BLOCK_A }));
      const applied = t.s.control.reload('signal');
      assert.equal(applied.outcome, 'applied', applied.reason);
      assert.notEqual(t.s.runtime.loaded.hash, firstHash);
      const nowBlocked = await curl(proxy, [target]);
      assert.equal(nowBlocked.status, 403, 'the reloaded rule blocks a host it did not before');
      assert.equal((await curl(proxy, [`http://b.example.com:${up.port}/page`])).status, 200);
      const stricterHash = t.s.runtime.loaded.hash;

      writeFileSync(t.file, yaml('mode: sideways\n'));
      const invalid = t.s.control.reload('signal');
      assert.equal(invalid.outcome, 'rejected');
      assert.match(invalid.reason, /invalid: .*mode/);
      assert.equal(t.s.runtime.loaded.hash, stricterHash, 'the running config stays');
      assert.equal((await curl(proxy, [target])).status, 403);

      // A typo in a rule id would silently drop an override: rejected like any invalid config.
      writeFileSync(t.file, yaml('rules: {dlp/jwtt: warn}\n', { scanners: BLOCK_A }));
      const typo = t.s.control.reload('signal');
      assert.equal(typo.outcome, 'rejected');
      assert.match(typo.reason, /invalid: .*unknown rule id "dlp\/jwtt"/);
      assert.equal(t.s.runtime.loaded.hash, stricterHash, 'the running config stays');

      t.s.control.killSwitch.setManual(true, 'api', Date.now());
      writeFileSync(t.file, yaml('', { scanners: [...BLOCK_A, ...NO_DLP] }));
      const weaker = t.s.control.reload('signal');
      assert.equal(weaker.outcome, 'rejected');
      assert.match(weaker.reason, /weakens the policy: scanners\.dlp\.enabled \(true → false\)/);
      assert.match(weaker.reason, /--allow-downgrade/);
      assert.equal(t.s.control.killSwitch.on, true, 'the kill switch survives reloads');
      t.s.control.killSwitch.setManual(false, 'api', Date.now());
      assert.equal((await curl(proxy, [`http://b.example.com:${up.port}/?k=${AWS_KEY}`])).status, 403, 'DLP still runs');

      const metrics = await t.s.evidence.metrics.render();
      assert.match(metrics, /tollgate_config_reloads_total\{outcome="applied"\} 1/);
      assert.match(metrics, /tollgate_config_reloads_total\{outcome="rejected"\} 3/);
      assert.ok(t.notes.some((n) => /config reload \(signal\) rejected: the new config is invalid/.test(n)));
    } finally {
      await t.stop();
    }
  });

  it('refuses a new DNS override that sends a name to a trusted address (it widens trust like allowHosts)', async () => {
    const t = await start('');
    try {
      const proxy = (t.s.proxy as NonNullable<Services['proxy']>).url;
      const target = `http://api.example.com:${up.port}/`;
      assert.notEqual((await curl(proxy, [target])).status, 200, 'api.example.com does not reach the local service');
      const hash = t.s.runtime.loaded.hash;
      writeFileSync(t.file, yaml('', { dns: ['    "*.example.com": 127.0.0.1'] }));
      const r = t.s.control.reload('signal');
      assert.equal(r.outcome, 'rejected', r.reason);
      assert.match(r.reason, /weakens the policy: dns\.overrides\.\*\.example\.com/);
      assert.equal(t.s.runtime.loaded.hash, hash, 'the running config stays');
      assert.notEqual((await curl(proxy, [target])).status, 200, 'still not reachable after the refused reload');
    } finally {
      await t.stop();
    }
  });

  it('accepts a weakening config when started with allowDowngrade, and says which listener settings need a restart', async () => {
    const t = await start('', { allowDowngrade: true });
    try {
      const proxy = (t.s.proxy as NonNullable<Services['proxy']>).url;
      const leak = `http://a.example.com:${up.port}/?k=${AWS_KEY}`;
      assert.equal((await curl(proxy, [leak])).status, 403);
      writeFileSync(t.file, yaml('', { scanners: NO_DLP, listen: '127.0.0.1:18999' }));
      const r = t.s.control.reload('signal');
      assert.equal(r.outcome, 'applied', r.reason);
      assert.match(r.reason, /weaker settings accepted \(--allow-downgrade\): scanners\.dlp\.enabled/);
      assert.deepEqual(r.restartOnly, ['proxy.listen']);
      assert.match(r.reason, /kept until a restart.*proxy\.listen/);
      assert.equal((await curl(proxy, [leak])).status, 200, 'the weaker policy is in force on the same listener');
    } finally {
      await t.stop();
    }
  });

  it('says on reload that a replaced interception CA is kept until a restart (the CA is not part of the config hash)', async () => {
    // Interception on, with a CA made before Tollgate starts.
    const home = mkdtempSync(join(tmpdir(), 'tollgate-control-ca-'));
    const file = join(home, 'tollgate.yaml');
    const certFile = join(home, 'tls/ca.pem');
    await initCa(certFile, join(home, 'tls/ca-key.pem'));
    writeFileSync(file, yaml('').replace('proxy:\n', 'proxy:\n  tlsInterception:\n    enabled: true\n'));
    const notes: string[] = [];
    const s = await startServices(loadConfigFile(file), { env: { TOLLGATE_HOME: home }, note: (l) => notes.push(l), configFile: file, watchConfig: false });
    try {
      const same = s.control.reload('signal');
      assert.equal(same.outcome, 'unchanged');
      assert.doesNotMatch(same.reason, /CA/);
      await initCa(certFile, join(home, 'tls/ca-key.pem'), { force: true });
      const after = s.control.reload('signal');
      assert.equal(after.outcome, 'unchanged', 'the config itself did not change');
      assert.match(after.reason, /interception CA file .*ca\.pem changed since Tollgate started, but the running CA is kept until a restart/);
      assert.ok(notes.some((n) => /config reload \(signal\) unchanged: .*running CA is kept until a restart/.test(n)), notes.join('\n'));
    } finally {
      await s.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('reloads when the config file changes (file watch)', async () => {
    const t = await start('', { watch: true });
    try {
      const proxy = (t.s.proxy as NonNullable<Services['proxy']>).url;
      const target = `http://a.example.com:${up.port}/watched`;
      assert.equal((await curl(proxy, [target])).status, 200);
      writeFileSync(t.file, yaml('', { scanners: BLOCK_A }));
      await eventually(() => t.notes.some((n) => /^config reload \(file\) applied/.test(n)), 'the file watch applied the new config');
      assert.equal((await curl(proxy, [target])).status, 403);
    } finally {
      await t.stop();
    }
  });
});
