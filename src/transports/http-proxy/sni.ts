// Reads the server name (SNI) from the first bytes a client sends into a CONNECT tunnel: a TLS
// ClientHello, possibly spread over several records. Pure and bounded: it never reads past the
// bytes given and gives up past MAX_HELLO bytes.

export type SniResult =
  | { readonly state: 'need-more' }
  | { readonly state: 'not-tls' }
  | { readonly state: 'malformed'; readonly why: string }
  | { readonly state: 'ok'; readonly serverName: string | null };

/** ClientHellos are a few hundred bytes; post-quantum key shares push them past 1.5 KB. */
export const MAX_HELLO = 64 * 1024;

export function parseClientHello(buf: Uint8Array): SniResult {
  if (buf.length === 0) return { state: 'need-more' };
  if (buf[0] !== 0x16) return { state: 'not-tls' };
  // Gather handshake bytes from consecutive handshake records.
  const hs: number[] = [];
  let at = 0;
  let needed = -1;
  while (at + 5 <= buf.length) {
    if (buf[at] !== 0x16) return { state: 'malformed', why: 'non-handshake record before the ClientHello ended' };
    const len = ((buf[at + 3] as number) << 8) | (buf[at + 4] as number);
    if (len === 0 || len > 16384 + 2048) return { state: 'malformed', why: 'bad record length' };
    if (at + 5 + len > buf.length) break;
    for (let i = at + 5; i < at + 5 + len; i++) hs.push(buf[i] as number);
    at += 5 + len;
    if (needed < 0 && hs.length >= 4) {
      if (hs[0] !== 0x01) return { state: 'malformed', why: 'first handshake message is not a ClientHello' };
      needed = 4 + (((hs[1] as number) << 16) | ((hs[2] as number) << 8) | (hs[3] as number));
      if (needed > MAX_HELLO) return { state: 'malformed', why: 'ClientHello too large' };
    }
    if (needed >= 0 && hs.length >= needed) return parseHello(hs.slice(4, needed));
  }
  if (buf.length > MAX_HELLO + 1024) return { state: 'malformed', why: 'ClientHello too large' };
  return { state: 'need-more' };
}

function parseHello(b: number[]): SniResult {
  let p = 2 + 32; // client version, random
  const u8 = (): number => {
    if (p >= b.length) throw new RangeError('short');
    return b[p++] as number;
  };
  const u16 = (): number => (u8() << 8) | u8();
  try {
    // Read each length before advancing: `p += u8()` would add the length to p's value from
    // before u8() moved past the length byte.
    const sessionId = u8();
    p += sessionId;
    const cipherSuites = u16();
    p += cipherSuites;
    const compression = u8();
    p += compression;
    if (p > b.length) throw new RangeError('short');
    if (p === b.length) return { state: 'ok', serverName: null }; // no extensions
    const extEnd = p + 2 + ((b[p] as number) << 8 | (b[p + 1] as number));
    p += 2;
    if (extEnd > b.length) throw new RangeError('short');
    while (p + 4 <= extEnd) {
      const type = u16();
      const len = u16();
      const end = p + len;
      if (end > extEnd) throw new RangeError('short');
      if (type === 0) {
        const listEnd = p + 2 + u16();
        if (listEnd > end) throw new RangeError('short');
        while (p + 3 <= listEnd) {
          const nameType = u8();
          const nameLen = u16();
          if (p + nameLen > listEnd) throw new RangeError('short');
          if (nameType === 0) {
            let name = '';
            for (let i = p; i < p + nameLen; i++) {
              const c = b[i] as number;
              if (c < 0x21 || c > 0x7e) return { state: 'malformed', why: 'server name is not printable ASCII' };
              name += String.fromCharCode(c);
            }
            return { state: 'ok', serverName: name.toLowerCase() };
          }
          p += nameLen;
        }
      }
      p = end;
    }
    return { state: 'ok', serverName: null };
  } catch {
    return { state: 'malformed', why: 'ClientHello is truncated inside its own lengths' };
  }
}
