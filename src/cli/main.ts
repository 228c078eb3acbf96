// cli: one file per command, thin: parse flags, call the library.
import { Command } from 'commander';
import { REGEX_ENGINE, VERSION } from '../main.ts';
import { registerApprove } from './commands/approve.ts';
import { registerConfig } from './commands/config.ts';
import { registerKeygen } from './commands/keygen.ts';
import { registerMcp } from './commands/mcp.ts';
import { registerReceipts } from './commands/receipts.ts';
import { registerReport } from './commands/report.ts';
import { registerRules } from './commands/rules.ts';
import { registerRun } from './commands/run.ts';
import { registerScan } from './commands/scan.ts';
import { registerTls } from './commands/tls.ts';

// Output piped into `head` and closed early is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const program = new Command();
program
  .name('tollgate')
  .description('Tollgate: an agent firewall. Inspects what an AI agent sends and receives (URLs, HTTP, tool calls, tool results) for credential leaks, SSRF and prompt injection.')
  .version(`tollgate ${VERSION} (node ${process.version}, regex engine ${REGEX_ENGINE})`, '-V, --version');
registerRun(program);
registerScan(program);
registerConfig(program);
registerRules(program);
registerKeygen(program);
registerReceipts(program);
registerReport(program);
registerMcp(program);
registerTls(program);
registerApprove(program);
program.showHelpAfterError();
await program.parseAsync(process.argv);
