// Request framing probes through the proxy. The key
// must never reach the upstream, whatever the framing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import * as T from './testing.ts';
const KEY = 'AKIAZ7QW4ERT5YUI6OPA';

// Each probe waits for the proxy's whole answer (or the connection's end), up to a hang guard: a probe
// that got no answer fails rather than passing before anything happened.
const raw = (port: number, chunks: string[]): Promise<string> => T.rawExchange(port, chunks, 20, 30_000, (t) => T.wholeResponses(t) >= 1);

describe('framing probes', () => {
  let up: any;
  let proxy: any;
  let host = '';
  before(async () => {
    up = await T.startUpstream((_req: any, res: any) => res.end('ok'));
    host = `upstream.test:${up.port}`;
    proxy = await T.startTestProxy(`scanners:\n  ssrf:\n    allowCidrs: ["127.0.0.1/32"]\ndns:\n  overrides:\n    upstream.test: 127.0.0.1\n`);
  });
  after(async () => { await proxy.close(); await up.close(); });
  const line = (p: string) => `POST http://${host}${p} HTTP/1.1\r\nHost: ${host}\r\n`;
  const body = `k=${KEY}`;
  const probes: Record<string, string[]> = {
    'TE+CL': [`${line('/1')}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`],
    'CL+TE (CL first, short)': [`${line('/2')}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`],
    'TE leading space': [`${line('/3')}Transfer-Encoding:  chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`],
    'TE chunked, identity': [`${line('/4')}Transfer-Encoding: chunked, identity\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`],
    'TE xchunked + CL': [`${line('/5')}Transfer-Encoding: xchunked\r\nContent-Length: ${body.length}\r\n\r\n${body}`],
    'CL twice differing': [`${line('/6')}Content-Length: 2\r\nContent-Length: ${body.length}\r\n\r\n${body}`],
    'CL list': [`${line('/7')}Content-Length: ${body.length}, ${body.length}\r\n\r\n${body}`],
    'CL plus sign': [`${line('/8')}Content-Length: +${body.length}\r\n\r\n${body}`],
    'obs-fold in TE': [`${line('/9')}Transfer-Encoding: identity\r\n chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`],
    'LF-only lines': [`POST http://${host}/10 HTTP/1.1\nHost: ${host}\nContent-Length: ${body.length}\n\n${body}`],
    'chunk ext with key': [`${line('/11')}Transfer-Encoding: chunked\r\n\r\n2;x=${KEY}\r\nhi\r\n0\r\n\r\n`],
    'trailer with key': [`${line('/12')}Transfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-Secret: ${KEY}\r\n\r\n`],
    'key split over packets (chunked)': [`${line('/13')}Transfer-Encoding: chunked\r\n\r\n8\r\n${KEY.slice(0, 8)}\r\n`, `c\r\n${KEY.slice(8)}\r\n0\r\n\r\n`],
    'bare CR in header value': [`${line('/14')}X-A: a\rX-Leak: ${KEY}\r\nContent-Length: 2\r\n\r\nhi`],
    'NUL in header value': [`${line('/15')}X-A: a\u0000${KEY}\r\nContent-Length: 2\r\n\r\nhi`],
  };
  for (const [name, chunks] of Object.entries(probes)) {
    it(`${name}: the key does not reach the upstream`, async () => {
      const n = up.seen.length;
      const t = await raw(proxy.server.port, chunks);
      const leaked = up.seen.slice(n).filter((s: any) => JSON.stringify(s).includes(KEY) || JSON.stringify(s).includes(KEY.slice(0, 8) + KEY.slice(8)));
      assert.equal(leaked.length, 0, JSON.stringify(leaked));
      // Ambiguous framing is refused (400), a key in any part of the body is blocked (403): either way
      // the proxy answered, and nothing of the request was forwarded.
      assert.ok([400, 403].includes(T.statusCodes(t)[0] ?? 0), `answer: ${t.slice(0, 120)}`);
      assert.equal(up.seen.length - n, 0, 'nothing reached the upstream');
    });
  }
});
