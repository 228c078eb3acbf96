// A Streamable HTTP POST whose requests are held for approval (verdict ask) waits for them before
// it goes upstream; other POSTs of the session are separate exchanges and keep flowing meanwhile.
import type { ServerResponse } from 'node:http';
import type { JsonRpcId } from '../jsonrpc.ts';
import type { McpSession, Outbound } from '../session.ts';

/**
 * Waits for the held requests of one POST and folds their outcomes in: approved requests join
 * what is forwarded (into the batch, when the POST was one), refusals join the client's answers.
 * The client closing its exchange while it waits withdraws them (`ids`: the POST's request ids).
 */
export async function settleHeld(out: Outbound, batch: boolean, session: McpSession, res: ServerResponse, ids: readonly JsonRpcId[]): Promise<Outbound> {
  const held = out.held ?? [];
  if (held.length === 0) return out;
  const onClose = (): void => {
    if (!res.writableFinished) session.withdrawHeld(ids);
  };
  res.once('close', onClose);
  let settled: Outbound[];
  try {
    settled = await Promise.all(held);
  } finally {
    res.off('close', onClose);
  }
  const released = settled.flatMap((o) => o.toServer);
  const answers = settled.flatMap((o) => o.toClient);
  let forward = out.toServer[0];
  if (released.length > 0) forward = batch ? [...(Array.isArray(forward) ? (forward as unknown[]) : []), ...released] : released[0];
  return { toServer: forward === undefined ? [] : [forward], toClient: [...out.toClient, ...answers], ...(out.absorbed ? { absorbed: true as const } : {}) };
}

/** What the server sent, with the outcomes of results still being scanned (off the event loop) folded in once they are known. */
export async function settleServerHeld(out: Outbound): Promise<Outbound> {
  const held = out.held ?? [];
  if (held.length === 0) return out;
  const settled = await Promise.all(held);
  return { toServer: [...out.toServer, ...settled.flatMap((o) => o.toServer)], toClient: [...out.toClient, ...settled.flatMap((o) => o.toClient)] };
}
