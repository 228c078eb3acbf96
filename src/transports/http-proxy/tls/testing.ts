// Test CAs: generated into a temp dir per test run, never committed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCa, loadCa, type InterceptionCa } from './ca.ts';

export interface TestCa {
  readonly ca: InterceptionCa;
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
}

export async function createTestCa(dir: string = mkdtempSync(join(tmpdir(), 'tollgate-test-ca-')), name = 'ca'): Promise<TestCa> {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}-key.pem`);
  const w = await initCa(certFile, keyFile);
  return { ca: await loadCa(certFile, keyFile), certFile, keyFile, certPem: w.certPem };
}
