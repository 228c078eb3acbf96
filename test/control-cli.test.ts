import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { curl, startUpstream, type Upstream } from '../src/transports/http-proxy/testing.ts';

const BIN = new URL('../bin/tollgate.js', import.meta.url).pathname;
const AWS_KEY = 'AKIAZ7QW4ERT5YUI6OPA';

function yaml(scanners: string[] = [], top = ''): string {
  return ['preset: balanced', 'receipts:', '  fsync: false', 'scanners:', '  ssrf:', '    allowCidrs: ["127.0.0.1/32"]', ...scanners, 'dns:', '  overrides:', '    a.example.com: 127.0.0.1', top, ''].join('\n');
}

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly proxy: string;
  readonly file: string;
  /** Resolves with the first stdout line after `from` that matches (bounded wait). */
  line(re: RegExp): Promise<string>;
  stop(): Promise<void>;
}

async function run(args: string[] = []): Promise<Running> {
  const home = mkdtempSync(join(tmpdir(), 'tollgate-control-cli-'));
  const file = join(home, 'tollgate.yaml');
  writeFileSync(file, yaml());
  const child = spawn(process.execPath, [BIN, 'run', '--config', file, '--listen', '127.0.0.1:0', '--no-watch', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', TOLLGATE_HOME: home },
  });
  let out = '';
  let consumed = 0;
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const pump = (): void => {
    for (;;) {
      const nl = out.indexOf('\n', consumed);
      if (nl < 0) return;
      const l = out.slice(consumed, nl);
      consumed = nl + 1;
      const i = waiters.findIndex((w) => w.re.test(l));
      if (i >= 0) waiters.splice(i, 1)[0]?.resolve(l);
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    pump();
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const line = (re: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line matching ${re} in 60 s: ${out.slice(-2000)} ${err.slice(-1000)}`)), 60_000);
      waiters.push({
        re,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
      pump();
    });
  const listening = await line(/^proxy listening on http:\/\/127\.0\.0\.1:\d+$/);
  const proxy = listening.replace('proxy listening on ', '');
  return {
    child,
    proxy,
    file,
    line,
    stop: () =>
      new Promise<void>((res) => {
        child.once('exit', () => {
          rmSync(home, { recursive: true, force: true });
          res();
        });
        child.kill('SIGTERM');
      }),
  };
}

describe('tollgate run: signals', () => {
  let up: Upstream;
  before(async () => {
    up = await startUpstream((_req, res) => res.end('upstream ok'));
  });
  after(async () => {
    await up.close();
  });

  it('SIGUSR1 toggles the kill switch (503 through the proxy, admin still answers) and SIGHUP reloads: stricter applied, invalid and weaker refused', async () => {
    const t = await run();
    try {
      const target = `http://a.example.com:${up.port}/`;
      assert.equal((await curl(t.proxy, [target])).status, 200);

      const on = t.line(/^kill switch ON \(signal/);
      t.child.kill('SIGUSR1');
      await on;
      const blocked = await curl(t.proxy, [target]);
      assert.equal(blocked.status, 503);
      assert.equal(blocked.headers['x-tollgate-block'], 'policy/kill-switch');
      assert.equal((await fetch(`${t.proxy}/health`)).status, 200);
      assert.match(await (await fetch(`${t.proxy}/metrics`)).text(), /^tollgate_kill_switch 1$/m);
      const off = t.line(/^kill switch off \(signal/);
      t.child.kill('SIGUSR1');
      await off;
      assert.equal((await curl(t.proxy, [target])).status, 200);

      writeFileSync(t.file, yaml(['    blockHosts: [a.example.com]']));
      const applied = t.line(/^config reload \(signal\) /);
      t.child.kill('SIGHUP');
      assert.match(await applied, /applied/);
      assert.equal((await curl(t.proxy, [target])).status, 403, 'the new rule blocks');

      writeFileSync(t.file, yaml(['    blockHosts: [a.example.com]'], 'severityActions:\n  high: maybe\n'));
      const invalid = t.line(/^config reload \(signal\) /);
      t.child.kill('SIGHUP');
      assert.match(await invalid, /rejected: the new config is invalid: .*severityActions\.high/);
      assert.equal((await curl(t.proxy, [target])).status, 403, 'the old config stays');

      writeFileSync(t.file, yaml(['  dlp:', '    enabled: false']));
      const weaker = t.line(/^config reload \(signal\) /);
      t.child.kill('SIGHUP');
      assert.match(await weaker, /rejected: the new config weakens the policy: scanners\.dlp\.enabled/);
      assert.equal((await curl(t.proxy, [target])).status, 403, 'still the stricter config');
    } finally {
      await t.stop();
    }
  });

  it('with --allow-downgrade, SIGHUP applies a weaker config', async () => {
    const t = await run(['--allow-downgrade']);
    try {
      const leak = `http://a.example.com:${up.port}/?k=${AWS_KEY}`;
      assert.equal((await curl(t.proxy, [leak])).status, 403);
      writeFileSync(t.file, yaml(['  dlp:', '    enabled: false']));
      const applied = t.line(/^config reload \(signal\) /);
      t.child.kill('SIGHUP');
      assert.match(await applied, /applied .*weaker settings accepted \(--allow-downgrade\): scanners\.dlp\.enabled/);
      assert.equal((await curl(t.proxy, [leak])).status, 200);
    } finally {
      await t.stop();
    }
  });
});
