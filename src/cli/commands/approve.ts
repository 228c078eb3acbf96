import type { Command } from 'commander';
import { loadConfigOrExit } from '../load-config.ts';

interface ApproveFlags {
  deny?: boolean;
  list?: boolean;
  api?: string;
  tokenEnv?: string;
  config?: string;
}

const DEFAULT_TOKEN_ENV = 'TOLLGATE_API_TOKEN';

function fail(msg: string): void {
  process.stderr.write(`tollgate approve: ${msg}\n`);
  process.exitCode = 1;
}

/** Where the admin API answers and which variable holds its token: flags, then the config, then defaults. */
function target(o: ApproveFlags): { api: string; tokenEnv: string } {
  const cfg = o.config ? loadConfigOrExit(o.config).config : undefined;
  const listen = cfg ? (cfg.api.listen ?? cfg.proxy.listen) : '127.0.0.1:8888';
  const api = (o.api ?? `http://${listen}`).replace(/\/+$/, '');
  return { api, tokenEnv: o.tokenEnv ?? cfg?.api.tokenEnv ?? DEFAULT_TOKEN_ENV };
}

export function registerApprove(program: Command): void {
  program
    .command('approve')
    .argument('[id]', 'the approval id (from --list, the audit log or GET /api/v1/approvals)')
    .description('approve (or --deny) a request or response Tollgate holds because its verdict is ask; --list shows what is waiting')
    .option('--deny', 'deny it instead (an HTTP agent gets 403, an MCP client error -32001)')
    .option('--list', 'list the pending approvals')
    .option('--api <url>', 'the admin API (default: from --config, else http://127.0.0.1:8888); for `tollgate mcp`, the address its --api or --listen serves')
    .option('--token-env <name>', `environment variable holding the API token (default: the config's api.tokenEnv, else ${DEFAULT_TOKEN_ENV})`)
    .option('-c, --config <file>', 'read the API address and api.tokenEnv from this config')
    .action(async (id: string | undefined, o: ApproveFlags) => {
      const { api, tokenEnv } = target(o);
      const token = process.env[tokenEnv];
      if (!token) return fail(`${tokenEnv} is empty: approvals need the API token Tollgate was started with`);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      try {
        if (o.list) {
          const r = await fetch(`${api}/api/v1/approvals`, { headers, signal: AbortSignal.timeout(10_000) });
          const body = (await r.json()) as { pending?: { id: string; transport?: string; method?: string; target?: string; rules: string[]; expiresAt: number }[]; total?: number; error?: string };
          if (!r.ok) return fail(`${r.status}: ${body.error ?? 'request failed'}`);
          for (const p of body.pending ?? []) {
            const left = Math.max(0, Math.round((p.expiresAt - Date.now()) / 1000));
            // MCP holds show as `[mcp-stdio] tools/call tool:NAME`; proxy holds as `[http] GET https://…`.
            process.stdout.write(`${p.id}  [${p.transport ?? '?'}] ${p.method ?? ''} ${p.target ?? ''}  ${p.rules.join(',')}  (${left} s left)\n`);
          }
          process.stdout.write(`${body.total ?? 0} pending\n`);
          return;
        }
        if (!id) return fail('give an approval id, or --list');
        const r = await fetch(`${api}/api/v1/approvals/${encodeURIComponent(id)}`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ approve: o.deny !== true }),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await r.json()) as { decision?: string; error?: string };
        if (!r.ok) return fail(`${r.status}: ${body.error ?? 'request failed'}`);
        process.stdout.write(`${id}: ${body.decision ?? 'decided'}\n`);
      } catch (err) {
        fail(`could not reach ${api}: ${(err as Error).message}`);
      }
    });
}
