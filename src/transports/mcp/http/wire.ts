// Small pieces of the Streamable HTTP wire shared by the listener and the bridge.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { JsonRpcId } from '../jsonrpc.ts';

/** A short random session name for decision events (never the id a client holds). */
export function newSessionLabel(): string {
  return randomBytes(6).toString('hex');
}

/** Visible ASCII (0x21–0x7E; with space when asked), at most max characters: what session ids and event ids may be. */
export function visibleAscii(s: string, max: number, space = false): boolean {
  if (s.length === 0 || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7e || c < 0x20 || (c === 0x20 && !space)) return false;
  }
  return true;
}

/** The client's MCP-Protocol-Version header when it is a plausible version token (2025-06-18), else undefined. */
export function protocolHeader(req: IncomingMessage): string | undefined {
  const v = req.headers['mcp-protocol-version'];
  if (typeof v !== 'string' || v.length === 0 || v.length > 32) return undefined;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f;
    if (!ok) return undefined;
  }
  return v;
}

/** The ids of the requests in a validated message or batch (what will want an answer). */
export function requestIds(forward: unknown): JsonRpcId[] {
  const out: JsonRpcId[] = [];
  for (const m of Array.isArray(forward) ? forward : [forward]) {
    if (typeof m !== 'object' || m === null) continue;
    const r = m as { id?: unknown; method?: unknown };
    if (typeof r.method === 'string' && (typeof r.id === 'string' || typeof r.id === 'number')) out.push(r.id);
  }
  return out;
}
