// syslog: decision events as RFC 5424 messages over UDP (RFC 5426) or TCP with octet-counting
// framing (RFC 6587). Formatting is pure (format.ts); this file owns the sockets.
import dgram from 'node:dgram';
import net from 'node:net';
import type { SyslogSinkConfig } from '../../../config/evidence-schema.ts';
import type { DecisionEvent } from '../../../core/index.ts';
import { toAuditRecord } from '../../log/audit-record.ts';
import { createDeliveryQueue, queuedSink, queueSettings, type DeliveryResult } from '../queue.ts';
import type { EvidenceSink, QueueDeps, SinkReporter } from '../types.ts';
import { facilityCode, formatSyslog, frameOctetCounted, type SyslogIdentity } from './format.ts';

export { formatSyslog, frameOctetCounted, SYSLOG_SEVERITY, SD_ID } from './format.ts';

export interface SyslogSinkOptions {
  readonly name: string;
  readonly config: SyslogSinkConfig;
  /** This machine's name (HOSTNAME when the config sets none) and PROCID. */
  readonly hostname: string;
  readonly pid: number;
  readonly evidencePreviews: boolean;
  readonly accept: (event: DecisionEvent) => boolean;
  readonly deps: QueueDeps;
  readonly reporter?: SinkReporter;
}

interface Wire {
  send(messages: readonly string[]): Promise<DeliveryResult>;
  close(): void;
}

/** UDP (RFC 5426): one message per datagram. A batch that fails part-way resumes where it stopped. */
function udpWire(cfg: SyslogSinkConfig): Wire {
  let socket: dgram.Socket | null = null;
  const progress = new WeakMap<readonly string[], number>();
  const open = (): dgram.Socket => {
    if (socket) return socket;
    const s = dgram.createSocket(net.isIPv6(cfg.host) ? 'udp6' : 'udp4');
    s.on('error', () => {
      if (socket === s) socket = null;
      s.close();
    });
    s.unref();
    socket = s;
    return s;
  };
  const sendOne = (s: dgram.Socket, msg: string): Promise<void> =>
    new Promise((resolve, reject) => s.send(Buffer.from(msg), cfg.port, cfg.host, (err) => (err ? reject(err) : resolve())));
  return {
    async send(messages) {
      let i = progress.get(messages) ?? 0;
      try {
        const s = open();
        for (; i < messages.length; i++) await sendOne(s, messages[i] as string);
        return { ok: true };
      } catch (err) {
        progress.set(messages, i);
        return { ok: false, retry: true, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
      }
    },
    close() {
      socket?.close();
      socket = null;
    },
  };
}

/**
 * TCP (RFC 6587 octet counting): one long-lived connection, reopened after any error. There is
 * no application-level acknowledgement in syslog, so "delivered" means handed to the kernel;
 * a batch whose write failed is sent again whole (at-least-once).
 */
function tcpWire(cfg: SyslogSinkConfig): Wire {
  let socket: net.Socket | null = null;
  const connect = (): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const s = net.connect({ host: cfg.host, port: cfg.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`connect timeout after ${cfg.timeoutMs} ms`));
      }, cfg.timeoutMs);
      timer.unref();
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      s.once('connect', () => {
        clearTimeout(timer);
        s.on('error', () => {
          if (socket === s) socket = null;
        });
        s.on('close', () => {
          if (socket === s) socket = null;
        });
        s.on('data', () => undefined); // a syslog receiver has nothing to say; read and discard
        s.setKeepAlive(true);
        s.unref();
        resolve(s);
      });
    });
  const write = (s: net.Socket, data: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`write timeout after ${cfg.timeoutMs} ms`)), cfg.timeoutMs);
      timer.unref();
      s.write(data, (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      });
    });
  return {
    async send(messages) {
      try {
        if (!socket || socket.destroyed) socket = await connect();
        await write(socket, messages.map(frameOctetCounted).join(''));
        return { ok: true };
      } catch (err) {
        socket?.destroy();
        socket = null;
        return { ok: false, retry: true, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
      }
    },
    close() {
      socket?.end();
      socket = null;
    },
  };
}

/** Syslog sink: RFC 5424 messages over UDP or TCP, severity from the action. */
export function createSyslogSink(opts: SyslogSinkOptions): EvidenceSink {
  const cfg = opts.config;
  const id: SyslogIdentity = {
    facility: facilityCode(cfg.facility),
    hostname: cfg.hostname ?? opts.hostname,
    appName: cfg.appName,
    procId: String(opts.pid),
    maxMessageBytes: cfg.maxMessageBytes,
  };
  const wire = cfg.protocol === 'tcp' ? tcpWire(cfg) : udpWire(cfg);
  const queue = createDeliveryQueue<string>({
    ...queueSettings(opts.name, cfg, opts),
    serialize: (event) => formatSyslog(toAuditRecord(event, { evidencePreviews: opts.evidencePreviews }), id),
    deliver: (batch) => wire.send(batch),
  });
  return queuedSink(opts.name, queue, () => wire.close());
}
