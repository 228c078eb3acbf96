// sinks: where decision events go besides the audit log (file, stdout, webhook, syslog, OTLP).
// Each sink has a bounded queue, retries with backoff and counts every drop; the OTLP module is
// imported only when an otlp sink is configured.
import type { SinkConfig } from '../../config/evidence-schema.ts';
import { resolveInDataDir } from '../data-dir.ts';
import { ACTION_RANK, assertNever, TollgateError, type Action, type DecisionEvent } from '../../core/index.ts';
import type * as OtlpModule from './otlp/index.ts';
import { createFileSink, createStdoutSink, type LineOutput } from './file.ts';
import { createSyslogSink } from './syslog/index.ts';
import type { EvidenceSink, QueueDeps, SinkReporter } from './types.ts';
import { createWebhookSink } from './webhook.ts';

export type { EvidenceSink, SinkStats, DropReason, SinkOutcome, SinkReporter, QueueDeps } from './types.ts';
export { DROP_REASONS, realQueueDeps } from './types.ts';
export { createDeliveryQueue, type DeliveryResult, type DeliveryQueueOptions } from './queue.ts';
export { backoffDelay } from './backoff.ts';
export { createDropLog, type DropLog } from './drop-log.ts';
export { createWebhookSink, signBody, SIGNATURE_HEADER } from './webhook.ts';
export { createSyslogSink } from './syslog/index.ts';
export { createFileSink, createStdoutSink } from './file.ts';

export type OtlpModuleType = typeof OtlpModule;
/** The one place the OTLP module is loaded. */
export const importOtlp = (): Promise<OtlpModuleType> => import('./otlp/index.ts');

export interface SinkContext {
  /** The resolved data directory (see resolveDataDir); relative file paths land inside it. */
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly hostname: string;
  readonly pid: number;
  readonly version?: string;
  readonly evidencePreviews: boolean;
  readonly deps: QueueDeps;
  readonly reporter?: SinkReporter;
  /** Replaced in tests to observe that the OTLP module is loaded only when configured. */
  readonly importOtlp?: () => Promise<OtlpModuleType>;
  readonly stdout?: LineOutput;
}

/** An event passes when its action, or in audit mode what enforce would have done, reaches minAction. */
export function acceptsAtLeast(min: Action): (event: DecisionEvent) => boolean {
  const floor = ACTION_RANK[min];
  return (e) => Math.max(ACTION_RANK[e.action] ?? 0, e.wouldHave ? ACTION_RANK[e.wouldHave] : 0) >= floor;
}

function secretFromEnv(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name];
  if (!value) throw new TollgateError('CONFIG_INVALID', `${what} names the environment variable ${name}, which is empty; refusing to start without it`);
  return value;
}

/** Unique sink names: the configured name or the type, with -2, -3 … for repeats. */
function nameSinks(configs: readonly SinkConfig[]): string[] {
  const seen = new Map<string, number>();
  return configs.map((c) => {
    const base = c.name ?? c.type;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

/** Builds every configured sink. Throws (refuses to start) when a named secret variable is empty. */
export async function createSinks(configs: readonly SinkConfig[], ctx: SinkContext): Promise<EvidenceSink[]> {
  const names = nameSinks(configs);
  const out: EvidenceSink[] = [];
  const common = (i: number, min: Action) => ({
    name: names[i] as string,
    evidencePreviews: ctx.evidencePreviews,
    accept: acceptsAtLeast(min),
    deps: ctx.deps,
    ...(ctx.reporter ? { reporter: ctx.reporter } : {}),
  });
  try {
    for (const [i, cfg] of configs.entries()) await addSink(i, cfg);
  } catch (err) {
    await Promise.all(out.map((s) => s.close(0)));
    throw err;
  }
  return out;

  async function addSink(i: number, cfg: SinkConfig): Promise<void> {
    switch (cfg.type) {
      case 'webhook': {
        const secret = cfg.secretEnv === undefined ? undefined : secretFromEnv(ctx.env, cfg.secretEnv, `sink ${names[i]}: secretEnv`);
        out.push(createWebhookSink({ ...common(i, cfg.minAction), config: cfg, ...(secret === undefined ? {} : { secret }) }));
        break;
      }
      case 'syslog':
        out.push(createSyslogSink({ ...common(i, cfg.minAction), config: cfg, hostname: ctx.hostname, pid: ctx.pid }));
        break;
      case 'otlp': {
        const secretHeaders = Object.fromEntries(
          Object.entries(cfg.headersEnv).map(([header, env]) => [header, secretFromEnv(ctx.env, env, `sink ${names[i]}: headersEnv.${header}`)]),
        );
        const mod = await (ctx.importOtlp ?? importOtlp)();
        out.push(
          ...mod.createOtlpSinks({
            ...common(i, cfg.minAction),
            config: cfg,
            secretHeaders,
            resource: { serviceName: cfg.serviceName, hostName: ctx.hostname, ...(ctx.version ? { serviceVersion: ctx.version } : {}) },
          }),
        );
        break;
      }
      case 'file':
        out.push(createFileSink({ ...common(i, cfg.minAction), config: cfg, path: resolveInDataDir(ctx.dataDir, cfg.path) }));
        break;
      case 'stdout':
        out.push(createStdoutSink({ ...common(i, cfg.minAction), config: cfg, ...(ctx.stdout ? { out: ctx.stdout } : {}) }));
        break;
      default:
        assertNever(cfg, 'sink type');
    }
  }
}
