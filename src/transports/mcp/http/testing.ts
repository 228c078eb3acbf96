// For tests: a bare Streamable HTTP MCP server on 127.0.0.1:0 (no SDK): initialize, tools/list and
// tools/call answered with a JSON body, or with one event on an event stream for the tools `sse`
// names; notifications accepted (202); GET refused (405, no server stream).
import type { ServerResponse } from 'node:http';
import { startUpstream, type Upstream } from '../../http-proxy/testing.ts';

export interface StubTool {
  readonly name: string;
  readonly description: string;
}

export interface StubOptions {
  readonly tools: readonly StubTool[];
  /** The text a tools/call of this tool returns. */
  readonly text: (name: string) => string;
  /** Tools answered on an event stream rather than with a JSON body. */
  readonly sse?: ReadonlySet<string>;
}

export async function startStubMcpUpstream(o: StubOptions): Promise<Upstream & { readonly url: string }> {
  const tools = o.tools.map((t) => ({ ...t, inputSchema: { type: 'object', properties: {} } }));
  const up = await startUpstream((req, res: ServerResponse, body) => {
    if (req.method !== 'POST') {
      res.writeHead(405);
      res.end();
      return;
    }
    const m = JSON.parse(body.toString('utf8')) as { id?: number; method?: string; params?: { name?: string } };
    if (m.id === undefined) {
      res.writeHead(202);
      res.end();
      return;
    }
    const name = m.params?.name ?? '';
    const result =
      m.method === 'initialize'
        ? { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'stub', version: '1' } }
        : m.method === 'tools/list'
          ? { tools }
          : { content: [{ type: 'text', text: o.text(name) }] };
    const message = JSON.stringify({ jsonrpc: '2.0', id: m.id, result });
    if (o.sse?.has(name) === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`event: message\ndata: ${message}\n\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(message);
  });
  return { ...up, url: `http://127.0.0.1:${up.port}/mcp` };
}
