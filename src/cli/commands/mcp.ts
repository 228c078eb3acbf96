import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import type { Command } from 'commander';
import { approvedAfterHold, type DecisionEvent } from '../../core/index.ts';
import { serverPinId } from '../../state/pins/index.ts';
import { buildChildEnv, exitStatus, serverLabel, startStdioRelay, stdioServerIdentity } from '../../transports/mcp/index.ts';
import { loadConfigOrExit } from '../load-config.ts';
import { quickenTierUp } from '../tier-up.ts';
import { startMcpApprovals } from './mcp-approvals.ts';
import { registerMcpPins } from './mcp-pins.ts';
import { startMcpRuntime, type McpRuntime } from './mcp-runtime.ts';
import { runRemote } from './mcp-remote.ts';

interface McpOptions {
  config?: string;
  env: string[];
  serverId?: string;
  quiet?: boolean;
  listen?: string;
  upstream?: string;
  header: string[];
  api?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * One stderr line per decision that was not a plain allow (stdout belongs to the protocol): a call
 * let through once an operator approved it is recorded as allow and has its line too.
 */
export function stderrDecisions(e: DecisionEvent): void {
  if (e.action === 'allow' && !approvedAfterHold(e)) return;
  const rules = [...new Set(e.findings.map((f) => f.rule))].slice(0, 6).join(', ');
  process.stderr.write(`[tollgate] ${e.action}${e.wouldHave ? ` (would ${e.wouldHave})` : ''} ${e.type}${e.method ? ` ${e.method}` : ''} ${e.target ?? ''}${rules ? ` [${rules}]` : ''} ${e.requestId}\n`);
}

export function registerMcp(program: Command): void {
  const mcp = program
    .command('mcp')
    .description('run an MCP server behind Tollgate (stdio, or a Streamable HTTP / WebSocket upstream): every message both ways is inspected; see docs/MCP.md')
    .usage('[options] -- COMMAND [ARGS...]  |  --upstream URL [--listen ADDR]  |  mcp pins list|diff|approve|reset')
    .argument('[command...]', 'the MCP server and its arguments, after --')
    .option('-c, --config <file>', 'YAML config file (default: the embedded balanced preset)')
    .option('--env <name>', 'also pass this environment variable to the server (repeatable)', collect, [])
    .option('--server-id <id>', 'name the server for tool pins (default: its command line)')
    .option('-q, --quiet', 'do not write decisions to stderr')
    .option('--upstream <url>', 'a network MCP server (http(s):// Streamable HTTP, or ws(s)://) instead of a command')
    .option('--listen <addr>', 'with --upstream: serve Streamable HTTP to clients on host:port (endpoint /mcp); without it, bridge stdio to the upstream')
    .option('--header <header>', "with --upstream: send 'Name: value' to it (repeatable); ${NAME} in the value is read from the environment", collect, [])
    .option('--api <addr>', 'serve the approval endpoints on host:port (port 0: a free one) for calls held by an ask verdict; needs api.tokenEnv (see `tollgate approve --api`)')
    .action(async (argv: string[], opts: McpOptions) => {
      if (opts.upstream !== undefined || opts.listen !== undefined) {
        if (opts.upstream === undefined) {
          process.stderr.write('tollgate mcp: --listen needs --upstream URL (the MCP server to guard)\n');
          process.exit(1);
        }
        if (argv.length > 0 || opts.env.length > 0) {
          process.stderr.write('tollgate mcp: --upstream guards a network server; a command after -- (and --env) is for stdio servers\n');
          process.exit(1);
        }
        await runRemote({
          upstream: opts.upstream,
          header: opts.header,
          report: stderrDecisions,
          ...(opts.listen !== undefined ? { listen: opts.listen } : {}),
          ...(opts.config !== undefined ? { config: opts.config } : {}),
          ...(opts.serverId !== undefined ? { serverId: opts.serverId } : {}),
          ...(opts.quiet !== undefined ? { quiet: opts.quiet } : {}),
          ...(opts.api !== undefined ? { api: opts.api } : {}),
        });
      }
      const [command, ...args] = argv;
      if (command === undefined) {
        process.stderr.write('tollgate mcp: no server command; usage: tollgate mcp [options] -- COMMAND [ARGS...]\n');
        process.exit(1);
      }
      const bad = opts.env.find((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
      if (bad !== undefined) {
        process.stderr.write(`tollgate mcp: --env takes a variable name (got ${JSON.stringify(bad.split('=')[0])}${bad.includes('=') ? '=…' : ''}); values are read from Tollgate's environment, never from the command line\n`);
        process.exit(1);
      }
      const loaded = loadConfigOrExit(opts.config);
      const cfg = loaded.config;
      const child = buildChildEnv(process.env, cfg.mcp.env.allow, [...cfg.mcp.env.pass, ...opts.env]);
      for (const name of child.missing) process.stderr.write(`[tollgate] mcp: ${name} is not set; not passed to the server\n`);

      // Values handed to the server that look like secrets must never come back out through it.
      const ks = cfg.scanners.knownSecrets;
      const primed = { ...loaded, config: { ...cfg, scanners: { ...cfg.scanners, knownSecrets: { ...ks, env: [...new Set([...ks.env, ...child.secrets.map((s) => s.name)])] } } } };
      const identity = opts.serverId ?? stdioServerIdentity(command, args);
      const pinId = serverPinId(identity);

      // Evidence, as for `tollgate run`, except that stdout is the protocol channel (mcp-runtime.ts).
      const note = (line: string): void => {
        if (!opts.quiet) process.stderr.write(`[tollgate] ${line}\n`);
      };
      const approvalChannel = await startMcpApprovals(cfg, process.env, { ...(opts.api !== undefined ? { api: opts.api } : {}), onListener: false, note });
      if ('problem' in approvalChannel) {
        process.stderr.write(`tollgate mcp: ${approvalChannel.problem}\n`);
        process.exit(1);
      }
      const channel = approvalChannel;
      let runtime: McpRuntime;
      try {
        runtime = await startMcpRuntime({ loaded, primed, pinId, protocolOnStdout: true, quiet: opts.quiet === true, report: stderrDecisions, note });
      } catch (err) {
        process.stderr.write(`tollgate mcp: ${(err as Error).message}\n`);
        process.exit(1);
      }
      const { rt, kill } = runtime;
      const session = runtime.session({
        serverIdentity: identity,
        serverLabel: serverLabel(command),
        transport: 'mcp-stdio',
        session: randomBytes(6).toString('hex'),
        ...(channel.approvals ? { approvals: channel.approvals } : {}),
      });
      if (!opts.quiet) {
        process.stderr.write(
          `[tollgate] mcp: guarding ${serverLabel(command)} (server ${pinId.slice(0, 12)}, mode ${cfg.mode}, rug-pull ${cfg.mcp.rugPull}, session binding ${cfg.mcp.sessionBinding}, ${Object.keys(child.env).length} env vars passed, ${rt.knownSecrets.indexed.length} known secrets; kill switch: SIGUSR1 or create ${kill.sentinelPath})\n`,
        );
      }
      const relay = startStdioRelay({
        command,
        args,
        env: child.env,
        session,
        maxLineBytes: cfg.mcp.maxLineBytes,
        clientIn: process.stdin,
        clientOut: process.stdout,
        errorOut: process.stderr,
      });
      // Start-up is done: from here the relay's per-message code tiers up sooner (tier-up.ts).
      quickenTierUp();
      const exit = await relay.done;
      await channel.close();
      await runtime.close();
      const status = exitStatus(exit, (s) => constants.signals[s]);
      if (exit.signal && !exit.spawnError) {
        // Die of the same signal, as a shell's child would; the exit status is the fallback.
        process.kill(process.pid, exit.signal);
      }
      process.exit(status);
    });
  registerMcpPins(mcp);
}
