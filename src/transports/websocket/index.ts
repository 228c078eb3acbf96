// websocket: relaying WebSocket connections (ws:// through the forward proxy, GET /ws?url=…, and
// wss:// on the inner server of an intercepted CONNECT) with every message scanned in both
// directions. It never forwards a message before the engine has seen all of it.
export { handleWebSocketUpgrade, type WebSocketUpgradeOptions } from './upgrade.ts';
export { isWsEndpoint, upgradeTarget } from './target.ts';
export { closeReason } from './relay.ts';
