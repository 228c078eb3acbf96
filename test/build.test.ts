import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { distState } from '../bin/dist-state.js';

const ROOT = resolve(import.meta.dirname, '..');

function get(port: number, path: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((res, rej) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (r) => {
      let body = '';
      r.on('data', (c: Buffer) => (body += c.toString('utf8')));
      r.on('end', () => res({ status: r.statusCode ?? 0, body, headers: r.headers }));
    });
    req.on('error', rej);
    req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
  });
}

describe('the built CLI (scripts/build.mjs → plain JavaScript, no TypeScript loader)', () => {
  // Built into its own directory beside dist/, so tests running at the same time keep using dist/.
  const out = join(ROOT, `.build-test-${process.pid}`);
  const entry = join(out, 'tollgate.js');
  const home = mkdtempSync(join(tmpdir(), 'tollgate-build-'));

  before(() => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--outdir', out, '--quiet'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('emits JavaScript that names no TypeScript source and no tsx, with the data files beside it', () => {
    const files = readdirSync(out);
    for (const f of files.filter((n) => n.endsWith('.js'))) {
      const text = readFileSync(join(out, f), 'utf8');
      assert.doesNotMatch(text, /from\s*["'][^"']+\.ts["']|import\(["'][^"']+\.ts["']\)|["']tsx["']|tsx\/esm/, f);
    }
    assert.ok(files.includes('cores.generated.json'));
    assert.ok(readdirSync(join(out, 'presets')).includes('balanced.yaml'));
  });

  it('reports an invalid config in English, without bundling zod\'s other languages', () => {
    const bad = join(home, 'bad-mode.yaml');
    writeFileSync(bad, 'mode: bogus\n');
    const r = spawnSync(process.execPath, [entry, 'config', 'check', bad], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad-mode\.yaml:1:1 mode: Invalid option: expected one of "enforce"\|"audit"/);
    // zod's German messages ("Ungültige Eingabe"), as esbuild writes them in ASCII.
    for (const f of readdirSync(out).filter((n) => n.endsWith('.js'))) assert.doesNotMatch(readFileSync(join(out, f), 'utf8'), /Ung\\xFCltige Eingabe/, f);
  });

  it('prints its version', () => {
    const r = spawnSync(process.execPath, [entry, '--version'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^tollgate \d+\.\d+\.\d+ \(node v\d+\.\d+\.\d+, regex engine re2(js)?\)\n$/);
  });

  /** Starts `run` from the build; resolves with its port and a stop function. */
  async function startRun(args: string[]): Promise<{ port: number; stop: () => Promise<void> }> {
    const child = spawn(process.execPath, [entry, 'run', '--listen', '127.0.0.1:0', ...args], { env: { ...process.env, TOLLGATE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const stop = async (): Promise<void> => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    };
    try {
      const port = await new Promise<number>((res, rej) => {
        let text = '';
        const timer = setTimeout(() => rej(new Error(`no listen line in 60 s: ${text} ${stderr}`)), 60_000);
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString('utf8');
          const m = /proxy listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
          if (m) {
            clearTimeout(timer);
            res(Number(m[1]));
          }
        });
        child.once('exit', (code) => rej(new Error(`exited ${code}: ${stderr}`)));
      });
      return { port, stop };
    } catch (err) {
      await stop();
      throw err;
    }
  }

  it('runs: answers /health, and blocks a credential in a proxied URL before dialling anyone', async () => {
    const { port, stop } = await startRun([]);
    try {
      const health = await get(port, '/health');
      assert.equal(health.status, 200);
      assert.deepEqual(JSON.parse(health.body), { ok: true });
      // Absolute-form: a forward-proxy request, scanned before it would leave (example.invalid never resolves).
      const blocked = await get(port, 'http://example.invalid/?key=AKIAZ7QW4ERT5YUI6OPA');
      assert.equal(blocked.status, 403);
      assert.match(String(blocked.headers['x-tollgate-block']), /^dlp\//);
    } finally {
      await stop();
    }
  });

  it('signs receipts in its seal worker (seal-worker.js beside the bundle) with receipts.sealIn: worker', async () => {
    assert.ok(readdirSync(out).includes('seal-worker.js'));
    const config = join(home, 'seal-in-worker.yaml');
    writeFileSync(config, 'receipts:\n  sealIn: worker\n');
    const { port, stop } = await startRun(['--config', config, '--no-watch']);
    try {
      // With sealIn: worker every batch is sealed there, whatever the timing.
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => get(port, `http://example.invalid/${i}?key=AKIAZ7QW4ERT5YUI6OPA`)));
      assert.deepEqual(answers.map((a) => a.status), Array.from({ length: 12 }, () => 403));
    } finally {
      await stop();
    }
    const receipts = join(home, 'receipts.jsonl');
    const r = spawnSync(process.execPath, [entry, 'receipts', 'verify', receipts], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TOLLGATE_HOME: home } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const decisions = readFileSync(receipts, 'utf8').split('\n').filter((l) => l.includes('"type":"decision"')).length;
    assert.ok(decisions >= 12, `${decisions} decision records`);
    // the worker started (the audit log says so), and did not fail (it would have said that too, and the batch been signed in place)
    const logs = readdirSync(home).filter((n) => n.endsWith('.jsonl') && n !== 'receipts.jsonl').map((f) => readFileSync(join(home, f), 'utf8')).join('');
    assert.match(logs, /receipts: signing in a worker thread/);
    assert.doesNotMatch(logs, /seal worker failed/);
  });

  it('intercepts TLS with a CA made by its own `tls init` (the certificate code it loads on demand)', async () => {
    const init = spawnSync(process.execPath, [entry, 'tls', 'init'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TOLLGATE_HOME: home } });
    assert.equal(init.status, 0, init.stderr);
    const config = join(home, 'tls.yaml');
    // upstream.test resolves to loopback, which the SSRF scanner is told to allow; nothing listens there.
    writeFileSync(config, 'preset: balanced\nscanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\ndns:\n  overrides:\n    upstream.test: 127.0.0.1\nproxy:\n  tlsInterception:\n    enabled: true\n');
    const { port, stop } = await startRun(['--config', config, '--no-watch']);
    try {
      const reply = await new Promise<string>((res, rej) => {
        const raw = netConnect(port, '127.0.0.1', () => raw.write('CONNECT upstream.test:443 HTTP/1.1\r\nHost: upstream.test:443\r\n\r\n'));
        raw.once('error', rej);
        raw.once('data', (d: Buffer) => {
          if (!d.toString('latin1').startsWith('HTTP/1.1 200')) return rej(new Error(`CONNECT answered ${d.toString('latin1').split('\r\n')[0]}`));
          const tls = tlsConnect({ socket: raw, servername: 'upstream.test', ca: readFileSync(join(home, 'tls/ca.pem'), 'utf8') }, () => {
            tls.write('GET /?key=AKIAZ7QW4ERT5YUI6OPA HTTP/1.1\r\nHost: upstream.test\r\nConnection: close\r\n\r\n');
          });
          let text = '';
          tls.on('data', (c: Buffer) => (text += c.toString('latin1')));
          tls.once('end', () => res(text));
          tls.once('error', rej);
        });
      });
      assert.match(reply, /^HTTP\/1\.1 403 /);
      assert.match(reply, /\r\nx-tollgate-block: dlp\//i);
    } finally {
      await stop();
    }
  });
});

describe('dist freshness (bin/dist-state.js, what bin/tollgate.js decides by)', () => {
  it('is missing without a build, stale when a source (not a test), a source directory (a file renamed or removed) or the package files are newer than the build, fresh otherwise', () => {
    const root = mkdtempSync(join(tmpdir(), 'tollgate-fresh-'));
    try {
      mkdirSync(join(root, 'src/deep'), { recursive: true });
      mkdirSync(join(root, 'dist'));
      writeFileSync(join(root, 'src/deep/a.ts'), 'export {};\n');
      writeFileSync(join(root, 'package.json'), '{}\n');
      assert.equal(distState(root), 'missing');
      writeFileSync(join(root, 'dist/tollgate.js'), '');
      // Directories count too (see below): the ones made here are as old as the sources.
      const oldDirs = (): void => {
        for (const d of ['src', 'src/deep']) utimesSync(join(root, d), 1000, 1000);
      };
      oldDirs();
      utimesSync(join(root, 'src/deep/a.ts'), 1000, 1000);
      utimesSync(join(root, 'package.json'), 1000, 1000);
      utimesSync(join(root, 'dist/tollgate.js'), 2000, 2000);
      assert.equal(distState(root), 'fresh');
      utimesSync(join(root, 'src/deep/a.ts'), 3000, 3000);
      assert.equal(distState(root), 'stale');
      utimesSync(join(root, 'src/deep/a.ts'), 1000, 1000);
      // A test file is never part of the build.
      writeFileSync(join(root, 'src/deep/a.test.ts'), '');
      utimesSync(join(root, 'src/deep/a.test.ts'), 3000, 3000);
      oldDirs();
      assert.equal(distState(root), 'fresh');
      utimesSync(join(root, 'package.json'), 3000, 3000);
      assert.equal(distState(root), 'stale');
      utimesSync(join(root, 'package.json'), 1000, 1000);
      // A file removed or renamed keeps no newer file behind, only a newer directory.
      writeFileSync(join(root, 'src/deep/b.yaml'), '');
      utimesSync(join(root, 'src/deep/b.yaml'), 1000, 1000);
      oldDirs();
      assert.equal(distState(root), 'fresh');
      renameSync(join(root, 'src/deep/b.yaml'), join(root, 'src/deep/c.yaml'));
      assert.equal(distState(root), 'stale');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
