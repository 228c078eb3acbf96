// Every command, imported on demand: a command's module (and what it needs: the engine, the
// proxy, MCP, TLS) loads only when that command runs.
import type { Command } from 'commander';

export type Register = (program: Command) => void;

export interface CommandModule {
  /** The top-level commands the module registers (command-index.test.ts checks them). */
  readonly names: readonly string[];
  readonly load: () => Promise<Register>;
}

/** In the order help lists them. */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ['run'], load: async () => (await import('./commands/run.ts')).registerRun },
  { names: ['scan'], load: async () => (await import('./commands/scan.ts')).registerScan },
  { names: ['init', 'config', 'presets'], load: async () => (await import('./commands/config.ts')).registerConfig },
  { names: ['rules'], load: async () => (await import('./commands/rules.ts')).registerRules },
  { names: ['keygen'], load: async () => (await import('./commands/keygen.ts')).registerKeygen },
  { names: ['receipts'], load: async () => (await import('./commands/receipts.ts')).registerReceipts },
  { names: ['report'], load: async () => (await import('./commands/report.ts')).registerReport },
  { names: ['mcp'], load: async () => (await import('./commands/mcp.ts')).registerMcp },
  { names: ['tls'], load: async () => (await import('./commands/tls.ts')).registerTls },
  { names: ['approve'], load: async () => (await import('./commands/approve.ts')).registerApprove },
];

/**
 * The modules to load for these arguments: only the one that has the named command, none for a
 * bare --version, and all of them otherwise (help, no command, an unknown one), so that help and
 * errors list every command.
 */
export function modulesFor(args: readonly string[]): readonly CommandModule[] {
  const named = args.find((a) => !a.startsWith('-'));
  if (named === undefined && args.length > 0 && args.every((a) => a === '-V' || a === '--version')) return [];
  const one = named === undefined ? undefined : COMMAND_MODULES.find((m) => m.names.includes(named));
  return one ? [one] : COMMAND_MODULES;
}
