import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { generateSigningKey, writeKeyPair } from '../../evidence/receipts/keys.ts';
import { sampleEvent } from '../../evidence/receipts/testing.ts';
import { createReceiptWriter } from '../../evidence/receipts/writer.ts';
import { verifySignedReport } from '../../evidence/report/index.ts';

const BIN = resolve(import.meta.dirname, '../../../bin/tollgate.js');
function tollgate(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('tollgate report (the real binary)', () => {
  it('writes an HTML page and a signed JSON report that verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-report-cli-'));
    const key = generateSigningKey();
    const { privateFile } = writeKeyPair(key, join(dir, 'keys', 'receipts-ed25519.pem'));
    const file = join(dir, 'receipts.jsonl');
    const w = await createReceiptWriter({ file, privateKey: key.privateKey });
    for (let i = 0; i < 12; i++) w.emit(sampleEvent(i));
    await w.close();

    const html = tollgate(['report', '--input', file, '-o', join(dir, 'report.html')]);
    assert.equal(html.code, 0, html.err);
    assert.match(html.err, /receipts\.jsonl: OK: 14 records verified/);
    assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /^<!doctype html>[\s\S]*Tollgate receipts report[\s\S]*<\/html>\n$/);

    const json = tollgate(['report', '--input', file, '--format', 'json', '--sign', '--key-file', privateFile]);
    assert.equal(json.code, 0, json.err);
    assert.deepEqual(verifySignedReport(JSON.parse(json.out)), { ok: true, keyId: key.keyId, pinned: false });
    assert.equal(tollgate(['report', '--input', file, '--sign']).code, 1, '--sign needs the JSON format');
  });
});
