import type { Command } from 'commander';
import { createRuntime, VERSION, REGEX_ENGINE } from '../../main.ts';
import { createRateLimiter } from '../../state/index.ts';
import { startScanApi } from '../../transports/scan-api/index.ts';
import { loadConfigOrExit } from '../load-config.ts';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('start Tollgate with a config (default: the embedded balanced preset); serves the scan API')
    .option('-c, --config <file>', 'YAML config file')
    .option('-l, --listen <host:port>', 'override api.listen (port 0 picks a free port)')
    .action(async (opts: { config?: string; listen?: string }) => {
      const loaded = loadConfigOrExit(opts.config);
      const rt = createRuntime(loaded);
      const cfg = loaded.config;
      const tokenEnv = cfg.api.tokenEnv;
      const token = tokenEnv ? process.env[tokenEnv] : undefined;
      if (tokenEnv && !token) {
        process.stderr.write(`tollgate: api.tokenEnv is ${tokenEnv} but that variable is empty; refusing to start an unauthenticated API\n`);
        process.exit(1);
      }
      const server = await startScanApi(opts.listen ?? cfg.api.listen, {
        engine: rt.engine,
        ...(token ? { token } : {}),
        maxBodyBytes: cfg.api.maxBodyBytes,
        deadlineMs: cfg.api.deadlineMs,
        limiter: createRateLimiter(cfg.api.rateLimitPerMinute),
        now: () => Date.now(),
        info: { version: VERSION, regexEngine: REGEX_ENGINE, preset: cfg.preset ?? null, mode: cfg.mode, configHash: loaded.hash, scanners: rt.engine.scanners.map((s) => s.id) },
        onDecision: (e) => {
          if (e.verdict.action !== 'allow') {
            process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event: 'decision', transport: 'scan-api', kind: e.kind, action: e.verdict.action, rules: e.verdict.findings.map((f) => f.rule), latencyMs: e.latencyMs })}\n`);
          }
        },
      });
      const ks = rt.knownSecrets;
      process.stdout.write(
        [
          `tollgate ${VERSION} (${cfg.preset ?? 'custom'} config ${loaded.hash.slice(0, 12)}, mode ${cfg.mode}, regex ${REGEX_ENGINE})`,
          `scan API listening on ${server.url}`,
          `  try: curl -s ${server.url}/api/v1/scan -H 'content-type: application/json' -d '{"kind":"url","url":"http://169.254.169.254/latest/meta-data/"}'`,
          `known secrets protected: ${ks.indexed.length}${ks.indexed.length ? ` (${ks.indexed.join(', ')})` : ''}${ks.rejected.length ? ` (${ks.rejected.length} rejected: ${ks.rejected.map((r) => `${r.name}: ${r.reason}`).join('; ')})` : ''}`,
          'the HTTP proxy and MCP transports are not in this build yet; the scan API is the data plane for now',
          '',
        ].join('\n'),
      );
      const stop = (): void => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
