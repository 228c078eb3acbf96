import type { Command } from 'commander';
import {
  loadVerifyingKey,
  parseLine,
  printable,
  readLines,
  ReceiptVerifier,
  timelineLine,
  TIMELINE_HEADER,
  describeVerify,
  VERIFY_EXIT,
  type VerifyingKey,
} from '../../evidence/receipts/index.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function fail(msg: string): void {
  process.stderr.write(`tollgate receipts: ${msg}\n`);
  process.exitCode = 1;
}

interface VerifyFlags {
  key: string[];
  anchor?: string;
  expectCount?: string;
  json?: boolean;
}

export function registerReceipts(program: Command): void {
  const receipts = program.command('receipts').description('verify and read signed receipts files (offline; no config needed)');

  receipts
    .command('verify')
    .description('check every signature, sequence number, link and checkpoint; exit 0 when all hold, 2 when broken, 3 when intact but incomplete (recorded gaps, unanchored tail)')
    .argument('<file>', 'receipts file (JSON lines)')
    .option('-k, --key <pem>', 'trusted public key (PEM) the chain must start with; repeatable', collect, [])
    .option('--anchor <hash>', 'hash of a record published earlier (the "head" this command prints); the file must contain it')
    .option('--expect-count <n>', 'the file must hold at least this many records')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: VerifyFlags) => {
      let trustedKeys: VerifyingKey[] = [];
      try {
        trustedKeys = o.key.map((k) => loadVerifyingKey(k));
      } catch (err) {
        return fail(`cannot read --key: ${(err as Error).message}`);
      }
      if (o.anchor !== undefined && !/^[0-9a-f]{64}$/.test(o.anchor)) return fail('--anchor takes a 64-character lower-case hex SHA-256');
      const expectCount = o.expectCount === undefined ? undefined : Number(o.expectCount);
      if (expectCount !== undefined && !(Number.isSafeInteger(expectCount) && expectCount >= 0)) return fail('--expect-count takes a non-negative integer');
      const verifier = new ReceiptVerifier({
        ...(trustedKeys.length ? { trustedKeys } : {}),
        ...(o.anchor !== undefined ? { anchor: o.anchor } : {}),
        ...(expectCount !== undefined ? { expectCount } : {}),
      });
      let result;
      try {
        const { torn, tornLength } = await readLines(file, verifier);
        result = verifier.end(torn, tornLength);
      } catch (err) {
        return fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      if (o.json) process.stdout.write(`${JSON.stringify({ file, ...result }, null, 2)}\n`);
      else process.stdout.write(`${describeVerify(result, file).join('\n')}\n`);
      process.exitCode = VERIFY_EXIT[result.status];
    });

  receipts
    .command('show')
    .description('print a readable timeline of a receipts file (time, seq, transport, action, target hash, rules), then whether the chain verifies')
    .argument('<file>', 'receipts file (JSON lines)')
    .option('-s, --session <id>', 'only decisions of this session')
    .action(async (file: string, o: { session?: string }) => {
      const verifier = new ReceiptVerifier();
      const out: string[] = [TIMELINE_HEADER];
      let lineNo = 0;
      const flush = (): void => {
        if (out.length) process.stdout.write(`${out.join('\n')}\n`);
        out.length = 0;
      };
      let result;
      try {
        const { torn, tornLength } = await readLines(file, {
          line(bytes) {
            lineNo++;
            verifier.line(bytes);
            const parsed = parseLine(bytes);
            const text = parsed.ok ? timelineLine(parsed.record, o.session !== undefined ? { session: o.session } : {}) : `line ${lineNo}: not a valid receipt (${printable(parsed.error, 100)})`;
            // From the first broken record on, nothing is vouched for: mark every line.
            if (text !== null) out.push(verifier.isBroken ? `! ${text}` : text);
            if (out.length >= 512) flush();
          },
          oversized(length) {
            lineNo++;
            verifier.oversized(length);
            out.push(`line ${lineNo}: not a valid receipt (${length} bytes, over the size limit)`);
          },
        });
        if (tornLength > 0) out.push(`line ${lineNo + 1}: torn (${tornLength} bytes without a newline)`);
        result = verifier.end(torn, tornLength);
      } catch (err) {
        return fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      out.push('', ...describeVerify(result, file));
      flush();
    });
}
