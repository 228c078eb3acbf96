import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { loadConfigFile, parseConfig } from './config/index.ts';
import type { DecisionEvent } from './core/index.ts';
import { verifyReceiptsFile } from './evidence/receipts/index.ts';
import { startServices } from './services.ts';
import { curl, openTunnel, startUpstream } from './transports/http-proxy/testing.ts';

const YAML = [
  'preset: balanced',
  'proxy:',
  '  listen: 127.0.0.1:0',
  'receipts:',
  '  fsync: false',
  'scanners:',
  '  ssrf:',
  '    allowCidrs: ["127.0.0.1/32"]',
  'dns:',
  '  overrides:',
  '    up.example.com: 127.0.0.1',
  '',
].join('\n');

describe('tollgate run services: the data plane hands its decision events on after answering', () => {
  it('records each exchange’s request and response event exactly once, in order, whether flushed, scraped or left waiting at close', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tollgate-services-deferred-'));
    const up = await startUpstream((_req, res) => res.end('plain text, nothing to see'));
    // A window no step here waits out: events go on only when flushed, scraped or closed.
    const s = await startServices(parseConfig(YAML), { env: { TOLLGATE_HOME: home }, note: () => undefined, deferEvents: { deferWindowMs: 60_000 } });
    const seen: DecisionEvent[] = [];
    const url = `http://up.example.com:${up.port}/page`;
    try {
      const proxy = (s.proxy as NonNullable<typeof s.proxy>).url;
      // A first exchange to the trusted loopback upstream writes the once-per-destination system
      // line (which records whatever waits first, to keep the order): made before watching.
      assert.equal((await curl(proxy, [url])).status, 200);
      s.flushEvents();
      s.evidence.bus.subscribe({ emit: (e) => void seen.push(e) }, 'probe');
      assert.equal((await curl(proxy, [url])).status, 200);
      assert.equal(seen.length, 0, 'the answer went out before its events were recorded');
      s.flushEvents();
      assert.deepEqual(
        seen.map((e) => e.type),
        ['request', 'response'],
      );
      assert.equal(seen[0]?.requestId, seen[1]?.requestId, 'one exchange');
      // A scrape right after an answer counts that exchange (GET /metrics records what still waits first).
      assert.equal((await curl(proxy, [url])).status, 200);
      const metrics = await (await fetch(`${s.apiUrl}/metrics`)).text();
      assert.match(metrics, /tollgate_decisions_total\{transport="http-forward",action="allow",mode="enforce"\} 6/);
      assert.match(metrics, /tollgate_receipts_written_total 6/);
      // The third exchange's events are left to close (as on SIGTERM): they are recorded before the chain is closed.
      assert.equal((await curl(proxy, [url])).status, 200);
      assert.equal(seen.length, 4);
    } finally {
      await s.close();
      await up.close();
    }
    try {
      assert.equal(seen.length, 6);
      const result = await verifyReceiptsFile(join(home, 'receipts.jsonl'));
      assert.equal(result.status, 'ok', JSON.stringify(result.broken ?? result.warnings));
      assert.equal(result.counts.decision, 8);
      const audit = readFileSync(join(home, 'audit.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string; event: string; requestId?: string });
      const decisions = audit.filter((l) => l.kind === 'decision').slice(2); // after the first exchange
      assert.ok(audit.some((l) => l.kind === 'system' && l.event === 'proxy' && /^trusted destination: up\.example\.com \(127\.0\.0\.1\)/.test((l as { msg?: string }).msg ?? '')));
      assert.deepEqual(
        decisions.map((l) => l.requestId),
        seen.map((e) => e.requestId),
      );
      assert.deepEqual(
        decisions.map((l) => l.event),
        ['request', 'response', 'request', 'response', 'request', 'response'],
      );
      assert.equal(new Set(decisions.map((l) => l.requestId)).size, 3, 'three exchanges, two events each');
      // The shutdown line comes after every decision.
      const stopAt = audit.findIndex((l) => l.kind === 'system' && l.event === 'stop');
      const lastDecision = audit.map((l) => l.kind).lastIndexOf('decision');
      assert.ok(stopAt > lastDecision, 'the stop line follows the last decision');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('tollgate run services: a request the address check refuses', () => {
  it('is one request decision (the block) in the audit log, the receipts and the metrics, with no allow before it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tollgate-services-dialblock-'));
    const s = await startServices(parseConfig(`${YAML}    meta.test: 169.254.169.254\n`), { env: { TOLLGATE_HOME: home }, note: () => undefined });
    try {
      const proxy = (s.proxy as NonNullable<typeof s.proxy>).url;
      assert.equal((await curl(proxy, ['http://meta.test/latest', '-d', 'x=1'])).status, 403);
      assert.equal((await curl(proxy, ['http://meta.test/latest/meta-data'])).status, 403);
      const metrics = await (await fetch(`${s.apiUrl}/metrics`)).text();
      assert.match(metrics, /tollgate_decisions_total\{transport="http-forward",action="block",mode="enforce"\} 2\n/);
      assert.doesNotMatch(metrics, /tollgate_decisions_total\{transport="http-forward",action="allow"/);
    } finally {
      await s.close();
    }
    try {
      type Line = { kind?: string; type?: string; event: string; requestId?: string; action?: string; rules?: string[] };
      const lines = (file: string): Line[] => readFileSync(join(home, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
      const audit = lines('audit.jsonl').filter((l) => l.kind === 'decision');
      const receipts = lines('receipts.jsonl').filter((l) => l.type === 'decision');
      for (const [name, got] of [['audit log', audit], ['receipts', receipts]] as const) {
        assert.deepEqual(got.map((l) => [l.event, l.action]), [['request', 'block'], ['request', 'block']], `${name}: ${JSON.stringify(got)}`);
        assert.equal(new Set(got.map((l) => l.requestId)).size, 2, name);
      }
      assert.deepEqual(receipts[0]?.rules, ['ssrf/cloud-metadata']);
      assert.equal((await verifyReceiptsFile(join(home, 'receipts.jsonl'))).status, 'ok');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('tollgate run services: an admin API with a listener of its own', () => {
  it('is refused on the agent-facing proxy port (health stays) and served on api.listen', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tollgate-services-admin-'));
    const up = await startUpstream((_req, res) => res.end('plain text, nothing to see'));
    // ':0' is 127.0.0.1 on a free port, written apart from proxy.listen so it is a listener of its own.
    const s = await startServices(parseConfig(`${YAML}api:\n  listen: ":0"\n`), { env: { TOLLGATE_HOME: home }, note: () => undefined });
    try {
      const proxy = (s.proxy as NonNullable<typeof s.proxy>).url;
      const api = (s.api as NonNullable<typeof s.api>).url;
      assert.notEqual(api, proxy);
      assert.equal(s.apiUrl, api);
      const json = { 'content-type': 'application/json' };
      const scanBody = JSON.stringify({ kind: 'url', url: 'http://169.254.169.254/' });
      // The proxy port: the data plane and health checks, nothing of the admin API.
      assert.equal((await fetch(`${proxy}/health`)).status, 200);
      assert.equal((await fetch(`${proxy}/healthz`)).status, 200);
      assert.equal((await fetch(`${proxy}/metrics`)).status, 404);
      assert.equal((await fetch(`${proxy}/api/v1/status`)).status, 404);
      assert.equal((await fetch(`${proxy}/api/v1/info`)).status, 404);
      assert.equal((await fetch(`${proxy}/api/v1/scan`, { method: 'POST', headers: json, body: scanBody })).status, 404);
      assert.equal((await fetch(`${proxy}/api/v1/killswitch`)).status, 404);
      assert.equal((await fetch(`${proxy}/api/v1/killswitch`, { method: 'POST', headers: json, body: '{"on":true}' })).status, 404);
      assert.equal(s.control.killSwitch.on, false, 'the agent-facing port cannot turn the kill switch');
      assert.equal((await curl(proxy, [`http://up.example.com:${up.port}/page`])).status, 200, 'forwarding still works');
      // The admin port serves all of it.
      assert.equal((await fetch(`${api}/health`)).status, 200);
      assert.equal((await fetch(`${api}/metrics`)).status, 200);
      const status = await fetch(`${api}/api/v1/status`);
      assert.equal(status.status, 200);
      assert.equal(((await status.json()) as { killSwitch: boolean }).killSwitch, false);
      const scan = await fetch(`${api}/api/v1/scan`, { method: 'POST', headers: json, body: scanBody });
      assert.equal(scan.status, 200);
      assert.equal(((await scan.json()) as { action: string }).action, 'block');
      const on = await fetch(`${api}/api/v1/killswitch`, { method: 'POST', headers: json, body: '{"on":true}' });
      assert.equal(on.status, 200);
      assert.equal(s.control.killSwitch.on, true);
      assert.equal((await curl(proxy, [`http://up.example.com:${up.port}/page`])).status, 503, 'the switch set on the admin port stops the proxy');
    } finally {
      await s.close();
      await up.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('tollgate run services: the admin API turned off', () => {
  it('is not served on the proxy port either (health stays), and no API address is reported', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tollgate-services-noapi-'));
    const s = await startServices(parseConfig(`${YAML}api:\n  enabled: false\n`), { env: { TOLLGATE_HOME: home }, note: () => undefined });
    try {
      const proxy = (s.proxy as NonNullable<typeof s.proxy>).url;
      assert.ok(!s.api);
      assert.equal(s.apiUrl, '');
      assert.equal((await fetch(`${proxy}/health`)).status, 200);
      assert.equal((await fetch(`${proxy}/metrics`)).status, 404);
      assert.equal((await fetch(`${proxy}/api/v1/status`)).status, 404);
      assert.equal((await fetch(`${proxy}/api/v1/killswitch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"on":true}' })).status, 404);
      assert.equal(s.control.killSwitch.on, false);
    } finally {
      await s.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('tollgate run services: a reload reaches the tunnels already open', () => {
  it('closes an open blind tunnel to a host the reloaded proxy.connect.denyHosts names, recorded as a tunnel event', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tollgate-services-reload-'));
    // A TCP upstream that holds what it is sent (the tunnel is blind: only the ClientHello is read).
    const upstream = createNetServer();
    const arrived = new Promise<void>((resolve) => {
      upstream.on('connection', (c) => {
        c.on('error', () => undefined);
        c.once('data', () => resolve());
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const port = (upstream.address() as AddressInfo).port;
    const yaml = (denyLine: string): string =>
      YAML.replace('  listen: 127.0.0.1:0\n', `  listen: 127.0.0.1:0\n  connect:\n    allowPorts: [${port}]\n${denyLine}`).replace(
        '    up.example.com: 127.0.0.1\n',
        '    up.example.com: 127.0.0.1\n    blind.test: 127.0.0.1\n',
      );
    const file = join(home, 'tollgate.yaml');
    writeFileSync(file, yaml(''));
    const s = await startServices(loadConfigFile(file), { env: { TOLLGATE_HOME: home }, note: () => undefined, configFile: file, watchConfig: false });
    const seen: DecisionEvent[] = [];
    s.evidence.bus.subscribe({ emit: (e) => void seen.push(e) }, 'probe');
    try {
      const sock = await openTunnel((s.proxy as NonNullable<typeof s.proxy>).port, `blind.test:${port}`);
      const tls = tlsConnect({ socket: sock, servername: 'blind.test' });
      tls.on('error', () => undefined);
      await arrived;
      const gone = new Promise<void>((r) => sock.once('close', () => r()));
      writeFileSync(file, yaml('    denyHosts: [blind.test]\n'));
      assert.equal(s.control.reload('signal').outcome, 'applied');
      await gone;
      s.flushEvents();
      const closedEv = seen.filter((e) => e.type === 'tunnel' && e.action === 'block');
      assert.equal(closedEv.length, 1, JSON.stringify(seen.map((e) => [e.type, e.action])));
      assert.ok(closedEv[0]?.findings.some((f) => f.rule === 'policy/connect-host-denied'));
      assert.match(closedEv[0]?.reason ?? '', /closed after a config reload/);
    } finally {
      await s.close();
      await new Promise<void>((r) => upstream.close(() => r()));
      rmSync(home, { recursive: true, force: true });
    }
  });
});
