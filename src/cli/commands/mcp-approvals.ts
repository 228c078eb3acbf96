import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TollgateConfig } from '../../config/schema.ts';
import { createApprovalStore } from '../../state/index.ts';
import type { McpApprovals } from '../../transports/mcp/context.ts';
import { approvalsHandler, startApprovalsApi } from '../../transports/scan-api/index.ts';

/**
 * The approval channel of `tollgate mcp`: each such process is its own firewall, so the calls it
 * holds (verdict ask) can only be answered through it. With --api ADDR (or mcp.approvalsListen)
 * it serves the approval endpoints there; a --listen endpoint serves them on its own listener.
 * Both need the API token (api.tokenEnv): the agent can reach these listeners and must not
 * approve its own calls. Without a channel there is no store, and ask blocks.
 */
export interface McpApprovalChannel {
  readonly approvals?: McpApprovals;
  /** For a --listen endpoint: the approval routes to mount on it. */
  admin?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Where `tollgate approve --api` reaches it, once known. */
  url?: string;
  close(): Promise<void>;
}

const DEFAULT_TOKEN_ENV = 'TOLLGATE_API_TOKEN';

export async function startMcpApprovals(
  cfg: TollgateConfig,
  env: NodeJS.ProcessEnv,
  opts: { readonly api?: string; readonly onListener: boolean; readonly note: (line: string) => void },
): Promise<McpApprovalChannel | { readonly problem: string }> {
  const listen = opts.api ?? cfg.mcp.approvalsListen;
  const tokenEnv = cfg.api.tokenEnv;
  const token = tokenEnv !== undefined ? env[tokenEnv] : undefined;
  if (listen === undefined && !opts.onListener) return { close: async () => undefined };
  if (tokenEnv === undefined) {
    if (listen === undefined) return { close: async () => undefined };
    return { problem: `${opts.api !== undefined ? '--api' : 'mcp.approvalsListen'} needs api.tokenEnv in the config: the approval endpoints require a bearer token, or the agent could approve its own calls` };
  }
  if (!token) {
    if (listen === undefined) {
      opts.note(`mcp: api.tokenEnv is ${tokenEnv} but that variable is empty; no approvals (ask blocks)`);
      return { close: async () => undefined };
    }
    return { problem: `api.tokenEnv is ${tokenEnv} but that variable is empty; refusing to serve approvals without a token` };
  }
  const store = createApprovalStore({ maxPending: cfg.mcp.askMaxPending, now: () => Date.now(), newId: () => randomUUID() });
  const tokenFlag = tokenEnv === DEFAULT_TOKEN_ENV ? '' : ` --token-env ${tokenEnv}`;
  const channel: McpApprovalChannel = {
    approvals: {
      store,
      get command() {
        return channel.url !== undefined ? `tollgate approve --api ${channel.url}${tokenFlag}` : `tollgate approve${tokenFlag}`;
      },
    },
    close: async () => store.close(),
  };
  if (listen !== undefined) {
    let server;
    try {
      server = await startApprovalsApi(listen, store, token);
    } catch (err) {
      store.close();
      return { problem: `cannot serve approvals on ${listen}: ${(err as Error).message}` };
    }
    const api = server;
    channel.url = api.url;
    channel.close = async () => {
      store.close();
      await api.close();
    };
    // Always printed: it is how an operator (or a test) learns a port chosen with :0.
    process.stderr.write(`[tollgate] mcp: approvals on ${api.url} (tollgate approve --api ${api.url}${tokenFlag} --list)\n`);
    return channel;
  }
  // On the --listen endpoint: the caller sets `url` once it listens.
  channel.admin = approvalsHandler(store, token);
  return channel;
}
