import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '../src/config/index.ts';
import { verifyReceiptsFile } from '../src/evidence/receipts/index.ts';
import { startServices } from '../src/services.ts';
import { curl } from '../src/transports/http-proxy/testing.ts';

describe('tollgate run services: proxy, admin API, evidence and receipts wired together', () => {
  it('records every decision once in the audit log, metrics and a receipts chain that verifies after close', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tollgate-services-'));
    const loaded = parseConfig('preset: balanced\nproxy:\n  listen: 127.0.0.1:0\nreceipts:\n  fsync: false\n');
    const notes: string[] = [];
    const s = await startServices(loaded, { env: { TOLLGATE_HOME: home }, note: (l) => notes.push(l) });
    try {
      assert.ok(s.proxy, 'the proxy is on by default');
      const proxy = s.proxy.url;
      const blocked = await curl(proxy, ['http://example.com/?k=AKIAZ7QW4ERT5YUI6OPA']);
      assert.equal(blocked.status, 403);
      const tunnel = await curl(proxy, ['--proxytunnel', 'http://example.com:25/']);
      assert.notEqual(tunnel.status, 200, 'CONNECT to a port outside allowPorts is refused');
      const scan = await fetch(`${s.apiUrl}/api/v1/scan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'url', url: 'http://169.254.169.254/' }) });
      assert.equal(((await scan.json()) as { action: string }).action, 'block');
      const metrics = await (await fetch(`${s.apiUrl}/metrics`)).text();
      assert.match(metrics, /tollgate_decisions_total\{transport="http-forward",action="block",mode="enforce"\} 1/);
      assert.match(metrics, /tollgate_decisions_total\{transport="scan-api",action="block",mode="enforce"\} 1/);
      assert.match(metrics, /tollgate_tunnels_total\{intercepted="false"\} 1/);
      assert.match(metrics, /tollgate_receipts_written_total 3/);
    } finally {
      await s.close();
    }
    const result = await verifyReceiptsFile(join(home, 'receipts.jsonl'));
    assert.equal(result.status, 'ok', JSON.stringify(result.broken ?? result.warnings));
    assert.equal(result.counts.decision, 3);
    const audit = readFileSync(join(home, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; transport?: string });
    assert.equal(audit.filter((r) => r.kind === 'decision').length, 3);
    assert.ok(!readFileSync(join(home, 'audit.jsonl'), 'utf8').includes('AKIAZ7QW4ERT5YUI6OPA'));
    const withKey = audit.find((r) => r.transport === 'http-forward') as unknown as { findings: { rule: string; fingerprint: string | null }[] };
    const aws = withKey.findings.find((f) => f.rule === 'dlp/aws-access-key-id');
    assert.match(aws?.fingerprint ?? '', /^[0-9a-f]{16}$/, 'DLP findings carry a keyed fingerprint');
  });
});
