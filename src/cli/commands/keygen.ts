import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { resolveDataDir } from '../../evidence/data-dir.ts';
import { defaultKeyFiles, generateSigningKey, loadSigningKey, nextKeyFileFor, openReceiptsAt, writeKeyPair } from '../../evidence/receipts/index.ts';

interface KeygenFlags {
  out?: string;
  force?: boolean;
  rotate?: boolean;
  receipts?: string;
}

function fail(msg: string): void {
  process.stderr.write(`tollgate keygen: ${msg}\n`);
  process.exitCode = 1;
}

export function registerKeygen(program: Command): void {
  program
    .command('keygen')
    .description('write an Ed25519 key pair for signing receipts (private key mode 0600); --rotate prepares a new key that the chain signs in with the old one')
    .option('-o, --out <dir>', 'directory for the key files (default: $TOLLGATE_HOME/keys or ~/.tollgate/keys)')
    .option('-f, --force', 'overwrite an existing key')
    .option('--rotate', 'keep the current key and write the next one (receipts-ed25519.next.pem); the writer signs the rotation into the chain at its next start')
    .option('--receipts <file>', 'with --rotate: sign the rotation into this receipts file now (the file must not be in use)')
    .action(async (o: KeygenFlags) => {
      const dir = o.out ?? join(resolveDataDir('~/.tollgate'), 'keys');
      const { privateFile } = defaultKeyFiles(dir);
      try {
        if (!o.rotate) {
          if (o.receipts) return fail('--receipts goes with --rotate');
          if (existsSync(privateFile) && !o.force) return fail(`${privateFile} exists; use --force to overwrite it (receipts signed with it then no longer continue), or --rotate`);
          const w = writeKeyPair(generateSigningKey(), privateFile, { force: o.force === true });
          process.stdout.write(`wrote ${w.privateFile} (private, mode 0600) and ${w.publicFile}\nkey id ${w.keyId}\n`);
          return;
        }
        if (!existsSync(privateFile)) return fail(`no key to rotate at ${privateFile}; run \`tollgate keygen\` first`);
        const current = loadSigningKey(privateFile);
        const nextFile = nextKeyFileFor(privateFile);
        if (existsSync(nextFile) && !o.force) {
          const pending = loadSigningKey(nextFile);
          if (!o.receipts) return fail(`a rotation to ${pending.keyId} is already waiting in ${nextFile}; use --force to replace it`);
        } else {
          const w = writeKeyPair(generateSigningKey(), nextFile, { force: o.force === true });
          process.stdout.write(`wrote ${w.privateFile} (private, mode 0600) and ${w.publicFile}\nnext key id ${w.keyId} (current ${current.keyId})\n`);
        }
        if (!o.receipts) {
          process.stdout.write('the receipts writer signs the rotation into the chain with the current key at its next start, then the next key replaces it\n');
          return;
        }
        const opened = await openReceiptsAt({ file: o.receipts, keyFile: privateFile, generateKey: false });
        await opened.close();
        for (const n of opened.notices) process.stdout.write(`${n.msg}\n`);
      } catch (err) {
        fail((err as Error).message);
      }
    });
}
