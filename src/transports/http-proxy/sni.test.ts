import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { parseClientHello } from './sni.ts';

/** The first bytes a real Node TLS client sends (its ClientHello), captured on a loopback socket. */
function captureHello(servername: string | undefined): Promise<Buffer> {
  return new Promise((resolve) => {
    const server = createServer((s) => {
      let got = Buffer.alloc(0);
      s.on('data', (c: Buffer) => {
        got = Buffer.concat([got, c]);
        if (got.length >= 5 && got.length >= 5 + got.readUInt16BE(3)) {
          s.destroy();
          server.close();
          resolve(got);
        }
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      const c = tlsConnect({ host: '127.0.0.1', port, ...(servername ? { servername } : {}), rejectUnauthorized: false });
      c.on('error', () => c.destroy());
    });
  });
}

describe('parseClientHello', () => {
  it('reads the server name from a real TLS 1.3 ClientHello (which carries a 32-byte session id)', async () => {
    const hello = await captureHello('api.example.test');
    assert.equal(hello[43], 32, 'legacy session id length');
    assert.deepEqual(parseClientHello(hello), { state: 'ok', serverName: 'api.example.test' });
  });

  it('says need-more for every strict prefix and not-tls for plain HTTP', async () => {
    const hello = await captureHello('a.test');
    for (const cut of [1, 5, 40, hello.length - 1]) assert.equal(parseClientHello(hello.subarray(0, cut)).state, 'need-more', `prefix ${cut}`);
    assert.equal(parseClientHello(Buffer.from('GET / HTTP/1.1\r\n\r\n')).state, 'not-tls');
  });

  it('reports no server name when the client sends none', async () => {
    const hello = await captureHello(undefined);
    assert.deepEqual(parseClientHello(hello), { state: 'ok', serverName: null });
  });

  it('reports a hello whose inner lengths overrun it as malformed', async () => {
    const hello = Buffer.from(await captureHello('a.test'));
    hello[43] = 255; // session id length past the end of the message
    assert.equal(parseClientHello(hello).state, 'malformed');
  });
});
