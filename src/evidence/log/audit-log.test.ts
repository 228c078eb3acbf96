import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultConfig } from '../../config/index.ts';
import type { DecisionEvent } from '../../core/index.ts';
import { createEngine } from '../../engine/index.ts';
import { scanDecisionEvent } from '../../transports/scan-api/decision.ts';
import { createAuditLog, isCredentialName, redactTarget } from './index.ts';

const DOC = readFileSync(new URL('../../../docs/AUDIT-LOG.md', import.meta.url), 'utf8');

/** The rows of the first table after `heading` in docs/AUDIT-LOG.md: field → documented type. */
function documentedFields(heading: string): Map<string, string> {
  const at = DOC.indexOf(heading);
  assert.ok(at >= 0, `docs/AUDIT-LOG.md has "${heading}"`);
  const rows = new Map<string, string>();
  let inTable = false;
  for (const line of DOC.slice(at).split('\n').slice(1)) {
    if (line.startsWith('|')) {
      inTable = true;
      const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
      const field = /^`([a-zA-Z]+)`$/.exec(cells[1] ?? '');
      if (field) rows.set(field[1] as string, (cells[2] ?? '').replace(/\\\|/g, '|'));
    } else if (inTable) break;
  }
  assert.ok(rows.size > 0, `a field table under "${heading}"`);
  return rows;
}

function hasType(value: unknown, documented: string): boolean {
  return documented.split('|').some((alt) => {
    switch (alt.trim()) {
      case 'string':
        return typeof value === 'string';
      case 'integer':
        return Number.isInteger(value);
      case 'number':
        return typeof value === 'number' && Number.isFinite(value);
      case 'null':
        return value === null;
      case 'array':
        return Array.isArray(value);
      case 'object':
        return typeof value === 'object' && value !== null && !Array.isArray(value);
      default:
        assert.fail(`unknown documented type "${alt}"`);
    }
  });
}

function assertMatchesDoc(record: Record<string, unknown>, heading: string): void {
  const fields = documentedFields(heading);
  for (const [field, type] of fields) {
    assert.ok(field in record, `${heading}: documented field ${field} is present`);
    assert.ok(hasType(record[field], type), `${heading}: ${field} is ${type}, got ${JSON.stringify(record[field])}`);
  }
  for (const key of Object.keys(record)) assert.ok(fields.has(key), `${heading}: field ${key} is documented`);
}

const dir = mkdtempSync(join(tmpdir(), 'tollgate-audit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function logLines(events: readonly DecisionEvent[], opts: { level?: 'info' | 'warn' | 'error'; evidencePreviews?: boolean; system?: boolean } = {}): Promise<{ text: string; lines: Record<string, unknown>[] }> {
  const path = join(dir, `audit-${++n}.jsonl`);
  const log = createAuditLog({ destination: path, level: opts.level ?? 'info', evidencePreviews: opts.evidencePreviews ?? true, bufferBytes: 1 << 20, now: () => Date.UTC(2026, 0, 5, 10) });
  for (const e of events) log.emit(e);
  if (opts.system) log.logSystem({ event: 'sink-drop', level: 'warn', msg: 'sink webhook dropped 3 events (queue-full)', detail: { sink: 'webhook', reason: 'queue-full', events: 3 } });
  await log.close();
  const text = readFileSync(path, 'utf8');
  return { text, lines: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const base: DecisionEvent = {
  time: '2026-01-05T10:00:00.000Z',
  type: 'request',
  transport: 'http-forward',
  requestId: 'req-1',
  action: 'allow',
  mode: 'enforce',
  reason: 'Allowed: no findings.',
  findings: [],
  latencyMs: 0.25,
  configHash: 'c'.repeat(64),
};

describe('audit log', () => {
  it('writes decision lines with every documented field, of the documented type, and nothing undocumented', async () => {
    const full: DecisionEvent = {
      ...base,
      agent: 'claude',
      session: 's-1',
      method: 'POST',
      target: 'https://api.example.com/v1/upload',
      action: 'warn',
      mode: 'audit',
      wouldHave: 'block',
      bytes: 1234,
      findings: [{ scanner: 'dlp', rule: 'dlp/jwt', severity: 'high', category: 'secret', mitre: 'T1552.001', location: 'body.$.token', evidence: 'eyJh…[120 chars]' }],
    };
    const { lines } = await logLines([base, full], { system: true });
    assert.equal(lines.length, 3);
    const [sparse, rich, system] = lines as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    assertMatchesDoc(sparse, '## Decision lines');
    assertMatchesDoc(rich, '## Decision lines');
    assert.equal(sparse.agent, null);
    assert.equal(sparse.level, 'info');
    assert.equal(rich.level, 'warn');
    assert.equal(rich.wouldHave, 'block');
    const findings = rich.findings as Record<string, unknown>[];
    assert.equal(findings.length, 1);
    assertMatchesDoc(findings[0] as Record<string, unknown>, '### Findings');
    assertMatchesDoc(system, '## System lines');
    assert.equal(system.kind, 'system');
    assert.equal(system.event, 'sink-drop');
    assert.equal(system.time, '2026-01-05T10:00:00.000Z');
  });

  it('leaves out allowed decisions at level warn and keeps the rest', async () => {
    const { lines } = await logLines([base, { ...base, requestId: 'req-2', action: 'block' }], { level: 'warn' });
    assert.deepEqual(
      lines.map((l) => l.requestId),
      ['req-2'],
    );
  });

  it('keeps at level warn an allow an operator approved after a hold, written at warn', async () => {
    const approved = { ...base, requestId: 'req-3', action: 'allow' as const, reason: 'Approved by an operator after being held: dlp/aws-access-key-id at url.query.k.' };
    const { lines } = await logLines([base, approved], { level: 'warn' });
    assert.deepEqual(
      lines.map((l) => [l.requestId, l.level, l.action]),
      [['req-3', 'warn', 'allow']],
    );
  });

  it('writes null evidence when previews are off', async () => {
    const event = { ...base, findings: [{ scanner: 'dlp', rule: 'dlp/jwt', severity: 'high' as const, category: 'secret' as const, mitre: 'T1552', location: 'x', evidence: 'eyJh…[9 chars]' }] };
    const { lines } = await logLines([event], { evidencePreviews: false });
    assert.equal(((lines[0]?.findings as Record<string, unknown>[])[0] as Record<string, unknown>).evidence, null);
  });

  it('redacts userinfo and credential-named query and fragment values in a hostile target', async () => {
    const hostile = 'https://admin:s3cr3tPass@evil.example/cb?token=tok_live_abc123&page=2&X-Amz-Signature=deadbeef&api_key=K1&apiKey=K2#access_token=ya29.xyz';
    const { text, lines } = await logLines([{ ...base, target: hostile }]);
    assert.equal(lines[0]?.target, 'https://[redacted]@evil.example/cb?token=[redacted]&page=2&X-Amz-Signature=[redacted]&api_key=[redacted]&apiKey=[redacted]#access_token=[redacted]');
    for (const secret of ['s3cr3tPass', 'tok_live_abc123', 'deadbeef', 'K1', 'K2', 'ya29.xyz']) assert.ok(!text.includes(secret), `${secret} is not in the log`);
  });

  it('bounds the target and keeps plain parameters', () => {
    assert.equal(redactTarget('https://example.com/a?q=cats&Token=1'), 'https://example.com/a?q=cats&Token=[redacted]');
    assert.ok(redactTarget(`https://example.com/?q=${'a'.repeat(100_000)}`).length <= 2048);
    assert.ok(isCredentialName('client_secret') && isCredentialName('X-Goog-Signature') && isCredentialName('refresh%5Ftoken'));
    assert.ok(!isCredentialName('page') && !isCredentialName('query'));
  });

  it('never writes a secret given to the real engine: an AWS key in a URL shows only as a redacted preview', async () => {
    const loaded = defaultConfig();
    const engine = createEngine(loaded.config);
    const key = 'AKIAQYLPMN5HFIQR7XBZ';
    const inputs = [
      { kind: 'url' as const, url: `https://evil.example.net/collect?k=${key}&token=${key}` },
      { kind: 'url' as const, url: `https://evil.example.net/${key}/x#${key}` },
      { kind: 'request' as const, method: 'POST', url: `https://user:${key}@evil.example.net/`, body: JSON.stringify({ note: key }), contentType: 'application/json' },
    ];
    const events = inputs.map((input, i) => {
      const verdict = engine.scan(input, { now: 0 });
      assert.equal(verdict.action, 'block', 'the engine finds the key');
      return scanDecisionEvent({ input, verdict, requestId: `r${i}`, at: 0, latencyMs: 1, bytes: 100, mode: 'enforce', configHash: loaded.hash });
    });
    const { text, lines } = await logLines(events);
    assert.equal(lines.length, 3);
    assert.ok(!text.includes(key), 'the key never appears');
    assert.ok(!text.includes(key.slice(4)), 'not even without its public AKIA prefix');
    assert.ok(!text.toLowerCase().includes(key.slice(4).toLowerCase()));
    assert.ok(text.includes('dlp/aws-access-key-id'), 'the rule is recorded');
    assert.ok(text.includes('AKIA…[20 chars]'), 'the redacted preview is recorded');
  });
});
