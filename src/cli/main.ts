// cli: one file per command, thin: parse flags, call the library. Commands are imported on
// demand (command-index.ts), so `tollgate run` does not load MCP, reports or TLS tooling.
import { Command } from 'commander';
import { TollgateError } from '../core/index.ts';
import { REGEX_ENGINE } from '../re/index.ts';
import { VERSION } from '../version.ts';
import { modulesFor } from './command-index.ts';
import { holdCompilers, releaseCompilers } from './compiler-hold.ts';
import { quickenTierUp } from './tier-up.ts';
import { holdYoungGeneration, releaseYoungGeneration } from './young-generation.ts';

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
const modules = modulesFor(process.argv.slice(2));
// `run` stays up: keep its start-up garbage from leaving a large young generation behind, and its
// run-once start-up code from being compiled to baseline and optimized code it never runs again.
const longRunning = modules.length === 1 && modules[0]?.names.includes('run') === true;
if (longRunning) {
  holdYoungGeneration();
  holdCompilers();
}
for (const register of await Promise.all(modules.map((m) => m.load()))) register(program);
program.showHelpAfterError();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  // A known failure (a file the config names could not be read, …) is a message, not a stack trace.
  if (!(err instanceof TollgateError)) throw err;
  process.stderr.write(`tollgate: ${err.message}\n`);
  process.exit(1);
}
if (longRunning) {
  releaseCompilers();
  releaseYoungGeneration();
  // Started: from here the request path tiers up sooner (tier-up.ts), as in both `mcp` relays.
  quickenTierUp();
}
