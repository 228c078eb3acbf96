import type { Command } from 'commander';
import { REGEX_ENGINE, VERSION } from '../../main.ts';
import { startServices } from '../../services.ts';
import { loadConfigOrExit } from '../load-config.ts';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('start Tollgate (default: the embedded balanced preset): the HTTP proxy with the scan API, /metrics and /healthz beside it, audit log and signed receipts')
    .option('-c, --config <file>', 'YAML config file')
    .option('-l, --listen <host:port>', 'override proxy.listen (port 0 picks a free port)')
    .option('--reverse-upstream <url>', 'also run a reverse proxy in front of this one service (overrides reverse.upstream)')
    .option('--reverse-listen <host:port>', 'where the reverse proxy listens (overrides reverse.listen; default 127.0.0.1:8890)')
    .option('--allow-downgrade', 'let a hot reload (SIGHUP, config file change) apply a config that weakens the policy')
    .option('--no-watch', 'do not reload when the --config file changes (SIGHUP still reloads)')
    .action(async (opts: { config?: string; listen?: string; reverseUpstream?: string; reverseListen?: string; allowDowngrade?: boolean; watch?: boolean }) => {
      const loaded = loadConfigOrExit(opts.config);
      const cfg = loaded.config;
      let services;
      try {
        const reverse = { ...(opts.reverseUpstream ? { upstream: opts.reverseUpstream } : {}), ...(opts.reverseListen ? { listen: opts.reverseListen } : {}) };
        services = await startServices(loaded, {
          ...(opts.listen ? { listen: opts.listen } : {}),
          reverse,
          note: (line) => process.stdout.write(`${line}\n`),
          ...(opts.config ? { configFile: opts.config } : {}),
          allowDowngrade: opts.allowDowngrade === true,
          watchConfig: opts.watch !== false,
        });
      } catch (err) {
        process.stderr.write(`tollgate: ${(err as Error).message}\n`);
        process.exit(1);
      }
      const ks = services.runtime.knownSecrets;
      const proxy = services.proxy;
      const lines = [`tollgate ${VERSION} (${cfg.preset ?? 'custom'} config ${loaded.hash.slice(0, 12)}, mode ${cfg.mode}, regex ${REGEX_ENGINE})`];
      if (proxy) {
        lines.push(
          `proxy listening on ${proxy.url}`,
          `  point an agent at it: export HTTP_PROXY=${proxy.url} HTTPS_PROXY=${proxy.url}`,
          `  try: curl -x ${proxy.url} 'http://example.com/?key=AKIAZ7QW4ERT5YUI6OPA'   (blocked: a credential in the URL)`,
        );
      }
      if (services.reverse) lines.push(`reverse proxy listening on ${services.reverse.url} → ${services.reverse.upstream} (request and response bodies scanned)`);
      if (services.apiUrl) {
        lines.push(
          `scan API listening on ${services.apiUrl}`,
          `  try: curl -s ${services.apiUrl}/api/v1/scan -H 'content-type: application/json' -d '{"kind":"url","url":"http://169.254.169.254/latest/meta-data/"}'`,
          `metrics on ${services.apiUrl}/metrics`,
        );
      } else lines.push('scan API, metrics and approvals off (api.enabled: false)');
      lines.push(
        `data in ${services.dataDir} (audit log: ${services.evidence.auditLog ?? 'off'}, receipts: ${services.receipts.writer ? 'on' : 'off'})`,
        `control: SIGHUP reloads ${opts.config ?? 'the config'}${opts.config && opts.watch !== false ? ' (also on change)' : ''}; kill switch: SIGUSR1${services.apiUrl ? ', POST /api/v1/killswitch' : ''}, or create ${services.control.sentinelPath}`,
        `known secrets protected: ${ks.indexed.length}${ks.indexed.length ? ` (${ks.indexed.join(', ')})` : ''}${ks.rejected.length ? ` (${ks.rejected.length} rejected: ${ks.rejected.map((r) => `${r.name}: ${r.reason}`).join('; ')})` : ''}`,
        '',
      );
      process.stdout.write(lines.join('\n'));
      let stopping = false;
      const stop = (): void => {
        if (stopping) return;
        stopping = true;
        void services.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`tollgate: shutdown: ${(err as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // SIGHUP re-reads the config (hot reload); SIGUSR1 flips the kill switch's manual hold.
      const control = services.control;
      process.on('SIGHUP', () => void control.reload('signal'));
      process.on('SIGUSR1', () => void control.killSwitch.toggleManual('signal', Date.now()));
    });
}
