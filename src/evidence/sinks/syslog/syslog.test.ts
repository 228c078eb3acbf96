import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net, { type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { SyslogSinkConfig } from '../../../config/evidence-schema.ts';
import type { DecisionEvent } from '../../../core/index.ts';
import { toAuditRecord } from '../../log/index.ts';
import { fakeTime, until } from '../testing.ts';
import { createSyslogSink, formatSyslog } from './index.ts';

const event = (i: number, over: Partial<DecisionEvent> = {}): DecisionEvent => ({
  time: '2026-01-05T10:00:00.123Z',
  type: 'tool-call',
  transport: 'mcp-stdio',
  agent: 'agént "x"',
  session: 'sess]1\\',
  requestId: `r${i}`,
  method: 'tools/call',
  target: 'tool:read_file',
  action: 'block',
  mode: 'enforce',
  reason: 'Blocked: dlp/aws-access-key-id at body.$.path.',
  findings: [{ scanner: 'dlp', rule: 'dlp/aws-access-key-id', severity: 'critical', category: 'secret', mitre: 'T1552.001', location: 'tool.arguments.path', evidence: 'AKIA…[20 chars]' }],
  latencyMs: 0.5,
  configHash: 'f'.repeat(64),
  ...over,
});

interface Parsed {
  pri: number;
  version: string;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: Map<string, Map<string, string>> | null;
  msg: string;
}

/** An independent RFC 5424 parser (header fields, SD-ELEMENTs with escapes, MSG). */
function parse5424(line: string): Parsed {
  const m = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(line);
  assert.ok(m, `an RFC 5424 header: ${line.slice(0, 80)}`);
  let i = m[0].length;
  let sd: Parsed['sd'] = null;
  if (line[i] === '-') i += 1;
  else {
    sd = new Map();
    while (line[i] === '[') {
      const end = (from: number, stops: string) => {
        let j = from;
        while (j < line.length && !stops.includes(line[j] as string)) j++;
        return j;
      };
      const idEnd = end(i + 1, ' ]');
      const params = new Map<string, string>();
      sd.set(line.slice(i + 1, idEnd), params);
      i = idEnd;
      while (line[i] === ' ') {
        const eq = line.indexOf('="', i);
        const name = line.slice(i + 1, eq);
        let j = eq + 2;
        let value = '';
        while (line[j] !== '"') {
          if (line[j] === '\\' && ['"', '\\', ']'].includes(line[j + 1] as string)) j++;
          value += line[j];
          j++;
        }
        params.set(name, value);
        i = j + 1;
      }
      assert.equal(line[i], ']', 'SD-ELEMENT closes');
      i++;
    }
  }
  const msg = line[i] === ' ' ? line.slice(i + 1) : line.slice(i);
  return { pri: Number(m[1]), version: m[2] as string, timestamp: m[3] as string, hostname: m[4] as string, appName: m[5] as string, procId: m[6] as string, msgId: m[7] as string, sd, msg };
}

function sinkFor(protocol: 'udp' | 'tcp', port: number) {
  const config = SyslogSinkConfig.parse({ type: 'syslog', protocol, host: '127.0.0.1', port, facility: 'local4', appName: 'tollgate-test', hostname: 'tg-host', batchSize: 10, maxDelayMs: 1, timeoutMs: 2000 });
  return createSyslogSink({ name: `syslog-${protocol}`, config, hostname: 'ignored', pid: 4242, evidencePreviews: true, accept: () => true, deps: fakeTime({ auto: true }).deps });
}

function checkMessage(p: Parsed, action: 'block' | 'allow', requestId: string): void {
  assert.equal(p.pri, 20 * 8 + (action === 'block' ? 4 : 6), 'PRI = local4 × 8 + severity from the action');
  assert.equal(p.version, '1');
  assert.equal(p.timestamp, '2026-01-05T10:00:00.123Z');
  assert.equal(p.hostname, 'tg-host');
  assert.equal(p.appName, 'tollgate-test');
  assert.equal(p.procId, '4242');
  assert.equal(p.msgId, 'tool-call');
  const params = p.sd?.get('tollgate@32473');
  assert.ok(params, 'structured data with the tollgate SD-ID');
  assert.equal(params.get('action'), action);
  assert.equal(params.get('requestId'), requestId);
  assert.equal(params.get('session'), 'sess]1\\', 'escaped ] and \\ round-trip');
  assert.equal(params.get('agent'), 'agént "x"');
  assert.equal(params.get('rules'), 'dlp/aws-access-key-id');
  assert.ok(/^[\x20-\x7e]*$/.test(p.msg), 'MSG is plain ASCII (no BOM needed)');
  const record = JSON.parse(p.msg) as { requestId: string; agent: string; kind: string };
  assert.equal(record.requestId, requestId);
  assert.equal(record.agent, 'agént "x"', 'non-ASCII survives as JSON escapes');
  assert.equal(record.kind, 'decision');
}

describe('syslog sink', () => {
  it('sends RFC 5424 messages over UDP, one per datagram, severity from the action', async () => {
    const server = dgram.createSocket('udp4');
    const got: string[] = [];
    server.on('message', (msg) => got.push(msg.toString('utf8')));
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    const sink = sinkFor('udp', (server.address() as AddressInfo).port);
    try {
      sink.emit(event(1));
      sink.emit(event(2, { action: 'allow', findings: event(2).findings }));
      await sink.idle();
      await until(() => got.length === 2, 'two datagrams');
      checkMessage(parse5424(got[0] as string), 'block', 'r1');
      checkMessage(parse5424(got[1] as string), 'allow', 'r2');
      assert.equal(sink.stats().delivered, 2);
    } finally {
      await sink.close(100);
      server.close();
    }
  });

  it('sends octet-counted frames over TCP (RFC 6587) that split back into the exact messages', async () => {
    const chunks: Buffer[] = [];
    const server = net.createServer((s) => s.on('data', (c: Buffer) => chunks.push(c)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sink = sinkFor('tcp', (server.address() as AddressInfo).port);
    try {
      for (let i = 1; i <= 3; i++) sink.emit(event(i));
      await sink.idle();
      const frames: string[] = [];
      await until(() => {
        const all = Buffer.concat(chunks);
        frames.length = 0;
        let at = 0;
        while (at < all.length) {
          const sp = all.indexOf(0x20, at);
          if (sp < 0) return false;
          const lenText = all.subarray(at, sp).toString('ascii');
          assert.match(lenText, /^[1-9][0-9]*$/, 'MSG-LEN is a decimal without leading zeros');
          const len = Number(lenText);
          if (sp + 1 + len > all.length) return false;
          frames.push(all.subarray(sp + 1, sp + 1 + len).toString('utf8'));
          at = sp + 1 + len;
        }
        return frames.length === 3;
      }, 'three complete frames');
      frames.forEach((f, i) => checkMessage(parse5424(f), 'block', `r${i + 1}`));
    } finally {
      await sink.close(100);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('keeps a message within maxMessageBytes, dropping the findings list first and saying how many', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ ...event(0).findings[0]!, location: `body.$.items[${i}]` }));
    const record = toAuditRecord(event(9, { findings: many }), { evidencePreviews: true });
    const line = formatSyslog(record, { facility: 1, hostname: 'h', appName: 'a', procId: '1', maxMessageBytes: 2048 });
    assert.ok(Buffer.byteLength(line) <= 2048);
    const msg = JSON.parse(parse5424(line).msg) as { findings: unknown[]; findingsOmitted: number };
    assert.deepEqual([msg.findings.length, msg.findingsOmitted], [0, 200]);
  });

  it('retries while the TCP receiver is down and delivers once it listens', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const chunks: Buffer[] = [];
    const server = net.createServer((s) => s.on('data', (c: Buffer) => chunks.push(c)));
    let sleeps = 0;
    const time = fakeTime({
      auto: true,
      onSleep: async (ms) => {
        if (ms >= 100 && ++sleeps === 2) await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      },
    });
    const config = SyslogSinkConfig.parse({ type: 'syslog', protocol: 'tcp', host: '127.0.0.1', port, batchSize: 5, maxDelayMs: 1, backoff: { initialMs: 100, jitter: 0 } });
    const sink = createSyslogSink({ name: 'syslog', config, hostname: 'h', pid: 1, evidencePreviews: true, accept: () => true, deps: time.deps });
    try {
      sink.emit(event(1));
      await sink.idle();
      assert.deepEqual([sink.stats().retried, sink.stats().delivered], [2, 1]);
      await until(() => Buffer.concat(chunks).includes('"requestId":"r1"'), 'the message arrives');
    } finally {
      await sink.close(100);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
