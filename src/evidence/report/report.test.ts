import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ruleCatalog } from '../../engine/index.ts';
import { generateSigningKey, verifyingKeyFromRaw } from '../receipts/keys.ts';
import { sampleEvent } from '../receipts/testing.ts';
import { createReceiptWriter } from '../receipts/writer.ts';
import { esc, MITRE_NAMES, renderHtml, signReport, summarizeReceipts, verifySignedReport } from './index.ts';

const HOSTILE = `<script>alert(1)</script><img src=x onerror="alert(2)"> & 'quote' <a href="https://evil.example/">x</a>`;
const KEY = generateSigningKey();

async function receiptsFile(): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'tollgate-report-')), 'receipts.jsonl');
  const w = await createReceiptWriter({ file, privateKey: KEY.privateKey, checkpointEvery: 10 });
  for (let i = 0; i < 30; i++) w.emit(sampleEvent(i));
  w.emit(sampleEvent(100, { reason: HOSTILE, session: HOSTILE, action: 'block', findings: [{ scanner: 'injection', rule: 'injection/ignore-previous', severity: 'high', category: 'injection', mitre: 'T1565', location: 'body', evidence: '' }] }));
  w.emit(sampleEvent(101, { mode: 'audit', action: 'warn', wouldHave: 'block' }));
  await w.close();
  return file;
}

describe('tollgate report', () => {
  it('summarises decisions by action, category, rule, target and session, with the chain status and the OWASP and ATT&CK mapping', async () => {
    const d = await summarizeReceipts(await receiptsFile(), { now: new Date(0) });
    assert.equal(d.chain.status, 'ok');
    assert.equal(d.totals.decisions, 32);
    assert.deepEqual(d.totals.byAction.find((r) => r.key === 'block'), { key: 'block', count: 11 });
    assert.deepEqual(d.totals.auditWouldHave, [{ key: 'block', count: 1 }]);
    assert.deepEqual(d.topRules[0], { rule: 'dlp/aws-access-key-id', count: 10, blocked: 10, categories: ['secret'], mitre: ['T1552.001'] });
    assert.equal(d.blockedTargets.length, 11);
    assert.ok(d.frameworks.some((f) => f.id === 'LLM02:2025' && f.decisions === 10));
    assert.ok(d.frameworks.some((f) => f.id === 'LLM01:2025' && f.decisions === 1 && f.rules.includes('injection/ignore-previous')));
    assert.ok(d.frameworks.some((f) => f.id === 'T8' && f.rules[0] === 'receipts chain: ok'));
    assert.deepEqual(d.mitre.map((m) => [m.id, m.name, m.decisions]), [
      ['T1552.001', 'Unsecured Credentials: Credentials In Files', 10],
      ['T1565', 'Data Manipulation', 1],
    ]);
  });

  it('renders self-contained HTML: no script, no external URL in src or href, and a hostile reason escaped', async () => {
    const html = renderHtml(await summarizeReceipts(await receiptsFile()));
    assert.doesNotMatch(html, /<script/i);
    // Every "<" of the receipts' text is escaped, so a "<" in the page starts a real tag.
    assert.doesNotMatch(html, /<[^>]*\b(src|href)\s*=/i, 'no src or href attribute in any tag');
    assert.doesNotMatch(html, /https?:\/\/(?!evil\.example)/, 'no URL except the escaped text of the hostile reason');
    assert.doesNotMatch(html, /<img|<a /i);
    assert.ok(html.includes(esc(HOSTILE)));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt; &amp; &#39;quote&#39;'));
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
    assert.match(html, /<span class="status ok">OK<\/span>/);
  });

  it('counts only what the chain vouches for when it is broken, and says so', async () => {
    const file = await receiptsFile();
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[5] = (lines[5] as string).replace('"requestId":"req-', '"requestId":"xeq-');
    writeFileSync(file, lines.join('\n'));
    const d = await summarizeReceipts(file);
    assert.equal(d.chain.status, 'broken');
    assert.equal(d.chain.broken?.seq, 5);
    assert.equal(d.totals.decisions, 4);
    assert.equal(d.chain.linesExcluded, lines.filter(Boolean).length - 5);
    assert.match(renderHtml(d), /Only records before seq 5 are counted below/);
  });

  it('signs the JSON form so that any change is detected, and checks the signer against a pinned key', async () => {
    const d = await summarizeReceipts(await receiptsFile());
    const signed = JSON.parse(JSON.stringify(signReport(d, KEY))) as unknown;
    assert.deepEqual(verifySignedReport(signed), { ok: true, keyId: KEY.keyId, pinned: false });
    assert.deepEqual(verifySignedReport(signed, [verifyingKeyFromRaw(KEY.raw)]), { ok: true, keyId: KEY.keyId, pinned: true });
    assert.equal(verifySignedReport(signed, [verifyingKeyFromRaw(generateSigningKey().raw)]).ok, false);
    const tampered = JSON.parse(JSON.stringify(signed)) as { report: { totals: { decisions: number } } };
    tampered.report.totals.decisions++;
    assert.deepEqual(verifySignedReport(tampered), { ok: false, error: 'bad signature' });
  });

  it('names every ATT&CK technique the rule catalog uses', () => {
    const missing = [...new Set(ruleCatalog().map((r) => r.mitre))].filter((id) => id && !MITRE_NAMES[id]);
    assert.deepEqual(missing, []);
  });
});
