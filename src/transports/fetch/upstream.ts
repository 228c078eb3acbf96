// One HTTP(S) exchange with an upstream at an address that was already resolved and checked: the
// socket goes to `address`, never to a fresh lookup of the name; the name is kept for the Host
// header and for TLS (SNI and certificate verification against the system store).
import http, { type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { SecureContext } from 'node:tls';

export interface UpstreamRequest {
  readonly url: URL;
  /** The checked address to connect to. */
  readonly address: string;
  readonly method: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body?: Buffer;
  /** Connect and response-head timeout. */
  readonly timeoutMs: number;
  /** The config key timeoutMs came from, named in a timeout's reason. */
  readonly timeoutSetting?: string;
  /** Roots an https upstream's certificate must chain to (the proxy's upstream trust); Node's default store when absent. */
  readonly secureContext?: SecureContext;
  /** Called with the request as it is made, for a caller that may have to destroy it (the kill switch). */
  readonly sent?: (req: ClientRequest) => void;
}

/** Sends the request and resolves with the response head; the body is the caller's to read (bounded). */
export function requestUpstream(r: UpstreamRequest): Promise<IncomingMessage> {
  const secure = r.url.protocol === 'https:' || r.url.protocol === 'wss:';
  const host = r.url.hostname.replace(/^\[|\]$/g, '');
  return new Promise<IncomingMessage>((resolve, reject) => {
    const opts: https.RequestOptions = {
      host: r.address,
      port: Number(r.url.port || (secure ? 443 : 80)),
      method: r.method,
      path: `${r.url.pathname}${r.url.search}`,
      headers: { ...r.headers, host: r.url.host },
      agent: false,
      timeout: r.timeoutMs,
      ...(secure
        ? { rejectUnauthorized: true, ...(isIP(host) ? {} : { servername: host }), ...(r.secureContext ? { secureContext: r.secureContext } : {}) }
        : {}),
    };
    const req = (secure ? https : http).request(opts, (res) => {
      req.setTimeout(0);
      resolve(res);
    });
    req.on('timeout', () => req.destroy(new Error(`upstream timed out: not connected or no answer within ${r.timeoutMs} ms${r.timeoutSetting ? `, ${r.timeoutSetting}` : ''}`)));
    req.on('error', reject);
    r.sent?.(req);
    req.end(r.body);
  });
}
