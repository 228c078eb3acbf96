// Test helpers for the WebSocket relay (imported by tests only).
import { connect } from 'node:net';
import WebSocket from 'ws';
import type { TestProxy } from '../http-proxy/testing.ts';

/** A client through the forward proxy: the request line is absolute-form (`GET ws://host/path HTTP/1.1`) sent to the proxy. */
export function viaForwardProxy(proxy: TestProxy, target: string): WebSocket {
  const ws = new WebSocket(target, {
    createConnection: () => connect(proxy.server.port, '127.0.0.1'),
    finishRequest: (req) => {
      req.path = target;
      req.end();
    },
  });
  ws.on('error', () => undefined);
  return ws;
}
