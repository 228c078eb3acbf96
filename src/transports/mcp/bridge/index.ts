// transports/mcp/bridge: a stdio client in front of a network MCP server. The client side is
// framed as the stdio relay frames it; the upstream is Streamable HTTP (http.ts) or a WebSocket
// (ws.ts). Each message both ways goes through one McpSession.
export { startHttpBridge, type Bridge, type HttpBridgeOptions } from './http.ts';
export { startWsBridge, type WsBridgeOptions } from './ws.ts';
