import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultConfig, parseConfig } from '../config/index.ts';
import type { DecisionEvent } from '../core/index.ts';
import { createEvidence } from './index.ts';
import { fakeTime } from './sinks/testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-evidence-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const event = (i: number, action: DecisionEvent['action']): DecisionEvent => ({
  time: '2026-01-05T10:00:00.000Z',
  type: 'scan',
  transport: 'scan-api',
  requestId: `r${i}`,
  action,
  mode: 'enforce',
  reason: 'x',
  findings: [],
  latencyMs: 1,
  configHash: 'h',
});

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('createEvidence', () => {
  it('defaults to an audit log at dataDir/audit.jsonl (mode 0600), metrics on, no sinks', async () => {
    const cfg = defaultConfig().config;
    assert.deepEqual([cfg.logging.enabled, cfg.logging.destination, cfg.metrics.enabled, cfg.sinks.length], [true, 'audit.jsonl', true, 0]);
    const home = join(dir, 'home');
    const ev = await createEvidence({ ...cfg, metrics: { ...cfg.metrics, processMetrics: false } }, home);
    assert.equal(ev.auditLog, join(home, 'audit.jsonl'));
    ev.bus.emit(event(1, 'allow'));
    ev.logSystem({ event: 'startup', level: 'info', msg: 'started' });
    await ev.close();
    const got = lines(join(home, 'audit.jsonl'));
    assert.deepEqual(got.map((l) => `${l.kind}:${l.event}`), ['decision:scan', 'system:startup']);
    assert.equal(statSync(join(home, 'audit.jsonl')).mode & 0o777, 0o600);
    assert.match(await ev.metrics.render(), /tollgate_decisions_total\{transport="scan-api",action="allow",mode="enforce"\} 1/);
  });

  it('feeds the file and stdout sinks the same records, each filtered by its minAction', async () => {
    const out: string[] = [];
    const loaded = parseConfig(
      'logging: { enabled: false }\nmetrics: { enabled: false }\nsinks:\n  - { type: file, path: copy/decisions.jsonl, minAction: warn }\n  - { type: stdout, name: console }\n',
    );
    const ev = await createEvidence(loaded.config, dir, { queueDeps: fakeTime({ auto: true }).deps, stdout: { write: (c, cb) => (out.push(c), cb(), true) } });
    assert.deepEqual(ev.sinks.map((s) => s.name), ['file', 'console']);
    ev.bus.emit(event(1, 'allow'));
    ev.bus.emit(event(2, 'block'));
    ev.bus.emit({ ...event(3, 'warn'), mode: 'audit', wouldHave: 'block' });
    await ev.close(1000);
    assert.deepEqual(lines(join(dir, 'copy/decisions.jsonl')).map((l) => l.requestId), ['r2', 'r3']);
    assert.deepEqual(out.join('').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { requestId: string }).requestId), ['r1', 'r2', 'r3']);
    assert.equal(ev.metrics.enabled, false);
  });

  it('writes system lines to stderr when the audit log is off', async () => {
    const err: string[] = [];
    const ev = await createEvidence(parseConfig('logging: { enabled: false }\nmetrics: { processMetrics: false }\n').config, dir, { stderr: (l) => err.push(l), now: () => 0 });
    ev.logSystem({ event: 'config-reload', level: 'warn', msg: 'reload rejected' });
    await ev.close();
    assert.deepEqual(JSON.parse(err[0] ?? '{}'), { level: 'warn', schema: 1, kind: 'system', time: '1970-01-01T00:00:00.000Z', event: 'config-reload', msg: 'reload rejected', detail: {} });
    assert.equal(ev.auditLog, null);
  });

  it('rejects unknown sink keys and types at config load, with their place', () => {
    assert.throws(() => parseConfig('sinks:\n  - type: webhook\n    url: http://127.0.0.1/\n    retries: 3\n'), /sinks\.0\.retries: unknown key "retries"/);
    assert.throws(() => parseConfig('sinks:\n  - type: kafka\n'), /sinks\.0\.type/);
    assert.throws(() => parseConfig('sinks:\n  - type: webhook\n    url: ftp://x/\n'), /http:\/\/ or https:\/\/ URL/);
    assert.throws(() => parseConfig('logging:\n  destinaton: stdout\n'), /unknown key "destinaton"/);
  });
});
