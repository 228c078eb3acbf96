import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { resolveDataDir } from '../../evidence/data-dir.ts';
import { loadSigningKey, loadVerifyingKey, type VerifyingKey } from '../../evidence/receipts/index.ts';
import { renderHtml, signReport, summarizeReceipts } from '../../evidence/report/index.ts';

interface ReportFlags {
  input: string;
  format: string;
  sign?: boolean;
  keyFile?: string;
  key: string[];
  output?: string;
}

function fail(msg: string): void {
  process.stderr.write(`tollgate report: ${msg}\n`);
  process.exitCode = 1;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('a review of a receipts file: totals, top rules, blocked targets, sessions, chain verification, OWASP and ATT&CK mapping (self-contained HTML, or JSON)')
    .requiredOption('-i, --input <file>', 'receipts file')
    .option('-f, --format <format>', 'html or json', 'html')
    .option('--sign', 'sign the JSON report (Ed25519 over its RFC 8785 canonical form)')
    .option('--key-file <pem>', 'private key for --sign (default: the receipts key in $TOLLGATE_HOME/keys or ~/.tollgate/keys)')
    .option('-k, --key <pem>', 'trusted public key the receipts chain must start with; repeatable', (v: string, p: string[]) => [...p, v], [])
    .option('-o, --output <file>', 'write here instead of stdout')
    .action(async (o: ReportFlags) => {
      if (o.format !== 'html' && o.format !== 'json') return fail('--format is html or json');
      if (o.sign && o.format !== 'json') return fail('--sign applies to --format json');
      let trustedKeys: VerifyingKey[];
      try {
        trustedKeys = o.key.map((k) => loadVerifyingKey(k));
      } catch (err) {
        return fail(`cannot read --key: ${(err as Error).message}`);
      }
      let data;
      try {
        data = await summarizeReceipts(o.input, trustedKeys.length ? { trustedKeys } : {});
      } catch (err) {
        return fail(`cannot read ${o.input}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      let text: string;
      if (o.format === 'html') text = renderHtml(data);
      else if (!o.sign) text = `${JSON.stringify(data, null, 2)}\n`;
      else {
        const keyFile = o.keyFile ?? join(resolveDataDir('~/.tollgate'), 'keys', 'receipts-ed25519.pem');
        if (!existsSync(keyFile)) return fail(`no signing key at ${keyFile}; pass --key-file`);
        try {
          text = `${JSON.stringify(signReport(data, loadSigningKey(keyFile)), null, 2)}\n`;
        } catch (err) {
          return fail(`cannot sign with ${keyFile}: ${(err as Error).message}`);
        }
      }
      if (o.output) writeFileSync(o.output, text, { mode: 0o644 });
      else process.stdout.write(text);
      process.stderr.write(`${data.chain.summary[0] ?? ''}\n`);
    });
}
