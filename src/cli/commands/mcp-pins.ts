import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { resolveDataDir } from '../../evidence/data-dir.ts';
import { createPinStore, unifiedDiff, type PinStore, type ServerPins } from '../../state/pins/index.ts';
import { loadConfigOrExit } from '../load-config.ts';

interface PinsOptions {
  config?: string;
  server?: string;
  all?: boolean;
}

function fail(message: string): never {
  process.stderr.write(`tollgate mcp pins: ${message}\n`);
  process.exit(1);
}

function openStore(opts: PinsOptions): PinStore {
  const cfg = loadConfigOrExit(opts.config).config;
  return createPinStore({ dir: join(resolveDataDir(cfg.dataDir), 'pins'), maxPinnedTools: cfg.mcp.maxPinnedTools });
}

const idMatches = (id: string, server: string): boolean => id === server || (server.length >= 4 && id.startsWith(server));

/**
 * The servers --server names: an id, an id prefix of 4+ characters, or the exact identity. All when absent.
 * `unreadable` holds the ids of pin files that cannot be read and match the same way (by id only: their
 * identity is unknown); without `allowUnreadable` they are only reported and a name that matches nothing
 * readable fails.
 */
function selectWithUnreadable(store: PinStore, server: string | undefined, allowUnreadable: boolean): { servers: ServerPins[]; unreadable: string[] } {
  const { servers, errors } = store.list();
  for (const e of errors) process.stderr.write(`tollgate mcp pins: ${e.error}\n`);
  const broken = errors.map((e) => basename(e.file, '.json'));
  if (server === undefined) return { servers: [...servers], unreadable: allowUnreadable ? broken : [] };
  const hits = servers.filter((s) => idMatches(s.id, server) || s.server === server);
  const brokenHits = allowUnreadable ? broken.filter((id) => idMatches(id, server)) : [];
  const total = hits.length + brokenHits.length;
  if (total === 0) fail(`no pins for server ${JSON.stringify(server)} (see tollgate mcp pins list)`);
  if (total > 1) fail(`${JSON.stringify(server)} matches ${total} servers; give more of the id`);
  return { servers: hits, unreadable: brokenHits };
}

function select(store: PinStore, server: string | undefined): ServerPins[] {
  return selectWithUnreadable(store, server, false).servers;
}

function withPending(servers: readonly ServerPins[], tool: string | undefined): ServerPins[] {
  return servers.filter((s) => s.tools.some((t) => t.pending && (tool === undefined || t.name === tool)));
}

function header(s: ServerPins): string {
  return `${s.id}  ${s.server}`;
}

export function registerMcpPins(mcp: Command): void {
  const pins = mcp.command('pins').description('tool pins (rug-pull detection): list, diff, approve, reset');
  const common = (c: Command): Command => c.option('-c, --config <file>', 'YAML config file (for dataDir)').option('--server <id>', 'server id (or a 4+ character prefix of it, or its identity)');

  common(pins.command('list').description('list pinned servers and tools; changed tools are marked')).action((opts: PinsOptions) => {
    const servers = select(openStore(opts), opts.server);
    if (servers.length === 0) {
      process.stdout.write('no pins yet\n');
      return;
    }
    for (const s of servers) {
      process.stdout.write(`${header(s)}\n`);
      for (const t of s.tools) {
        const marks = [t.pending ? `CHANGED ${t.pending.seenAt}, not approved` : '', t.removedAt ? `removed ${t.removedAt}` : '', t.approvedAt ? `approved ${t.approvedAt}` : ''].filter(Boolean);
        process.stdout.write(`  ${t.name}  ${t.fingerprint.slice(0, 23)}…  pinned ${t.firstSeen}${marks.length ? `  (${marks.join('; ')})` : ''}\n`);
      }
    }
  });

  common(pins.command('diff').argument('[tool]', 'only this tool').description('show each changed tool: pinned definition against the one last seen')).action((tool: string | undefined, opts: PinsOptions) => {
    const selected = select(openStore(opts), opts.server);
    if (tool !== undefined && !selected.some((s) => s.tools.some((t) => t.name === tool))) {
      fail(opts.server === undefined ? `no pinned tool ${JSON.stringify(tool)} on any server` : `unknown tool ${JSON.stringify(tool)} for server ${selected.map((s) => s.id).join(', ')} (see tollgate mcp pins list)`);
    }
    const servers = withPending(selected, tool);
    if (servers.length === 0) {
      process.stdout.write(tool === undefined ? 'no changed tools waiting for approval\n' : `no change of ${JSON.stringify(tool)} waiting for approval\n`);
      return;
    }
    for (const s of servers) {
      for (const t of s.tools) {
        if (!t.pending || (tool !== undefined && t.name !== tool)) continue;
        process.stdout.write(`server ${header(s)}\ntool ${t.name}\n`);
        process.stdout.write(unifiedDiff(t.text, t.pending.text, `pinned ${t.fingerprint.slice(0, 23)}… (${t.approvedAt ?? t.firstSeen})`, `seen ${t.pending.fingerprint.slice(0, 23)}… (${t.pending.seenAt})`));
        if (t.truncated || t.pending.truncated) process.stdout.write('(the stored text was cut at mcp.maxPinTextBytes; the fingerprints cover the whole definition)\n');
        process.stdout.write('\n');
      }
    }
  });

  common(pins.command('approve').argument('[tool]', 'only this tool (default: every changed tool of the server)').description('accept changed tools: their current definition becomes the pin')).action(
    (tool: string | undefined, opts: PinsOptions) => {
      const store = openStore(opts);
      const servers = withPending(select(store, opts.server), tool);
      if (servers.length === 0) fail(tool === undefined ? 'no changed tools waiting for approval' : `no change of ${JSON.stringify(tool)} waiting for approval`);
      if (servers.length > 1 && opts.server === undefined) fail(`changes wait on ${servers.length} servers; choose one with --server:\n${servers.map((s) => `  ${header(s)}`).join('\n')}`);
      for (const s of servers) {
        const approved = store.approve(s.id, tool);
        for (const name of approved) process.stdout.write(`approved ${name} (server ${s.id})\n`);
      }
    },
  );

  common(pins.command('reset').argument('[tool]', 'only this tool').option('--all', 'forget the pins of every server').description('forget pins; the next sighting pins again')).action(
    (tool: string | undefined, opts: PinsOptions) => {
      const store = openStore(opts);
      if (opts.server === undefined && !opts.all) fail('reset needs --server ID (or --all for every server)');
      const { servers, unreadable } = selectWithUnreadable(store, opts.server, true);
      let n = 0;
      for (const id of unreadable) {
        // An unreadable file cannot lose a single tool; only the whole file can go.
        if (tool !== undefined) {
          if (opts.server !== undefined) fail(`the pin file of server ${id} cannot be read; reset the whole server (tollgate mcp pins reset --server ${id})`);
          continue;
        }
        if (store.reset(id)) {
          n++;
          process.stdout.write(`removed the unreadable pin file of server ${id}\n`);
        }
      }
      for (const s of servers) {
        if (store.reset(s.id, tool)) {
          n++;
          process.stdout.write(`reset ${tool ?? 'all tools'} (server ${s.id})\n`);
        }
      }
      if (n === 0) fail(tool === undefined ? 'nothing to reset' : `no pin of ${JSON.stringify(tool)}`);
    },
  );
}
