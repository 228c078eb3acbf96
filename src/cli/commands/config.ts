import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, configJsonSchema, loadConfigFile, PRESET_NAMES, presetSummary, readPresetText } from '../../config/index.ts';
import { configChecks } from '../../main.ts';

export function registerConfig(program: Command): void {
  program
    .command('init')
    .description('write a commented starter config from a preset')
    .option('-p, --preset <name>', `preset: ${PRESET_NAMES.join(', ')}`, 'balanced')
    .option('-o, --output <file>', 'where to write it', 'tollgate.yaml')
    .option('-f, --force', 'overwrite an existing file')
    .action((o: { preset: string; output: string; force?: boolean }) => {
      const text = readPresetText(o.preset);
      if (text === null) {
        process.stderr.write(`tollgate init: unknown preset "${o.preset}"; choose one of ${PRESET_NAMES.join(', ')}\n`);
        process.exitCode = 1;
        return;
      }
      if (existsSync(o.output) && !o.force) {
        process.stderr.write(`tollgate init: ${o.output} exists; use --force to overwrite\n`);
        process.exitCode = 1;
        return;
      }
      const header = `# yaml-language-server: $schema=https://tollgate.dev/schema/config-v1.json\n# Written by \`tollgate init --preset ${o.preset}\`. Check it with \`tollgate config check ${o.output}\`.\n`;
      // A preset file says which preset it builds on; the starter names the preset itself, so the
      // policy and the name it reports agree (resolving strict already includes balanced).
      const body = text.replace(/^preset: .*$/m, `preset: ${o.preset}`);
      writeFileSync(o.output, header + body, { mode: 0o644 });
      process.stdout.write(`wrote ${o.output} (preset ${o.preset}); start with: tollgate run --config ${o.output}\n`);
    });

  const config = program.command('config').description('validate configs and print the config schema');
  config
    .command('check')
    .description('validate a config file; errors name the key and line:column (exit 1 when invalid)')
    .argument('<file>', 'YAML config file')
    .action((file: string) => {
      try {
        const loaded = loadConfigFile(file, { checks: configChecks() });
        process.stdout.write(`${file}: valid (preset ${loaded.config.preset ?? 'none'}, mode ${loaded.config.mode}, hash ${loaded.hash.slice(0, 12)})\n`);
      } catch (err) {
        process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
  config
    .command('schema')
    .description('print the JSON Schema of the config file (for editor completion)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });

  program
    .command('presets')
    .description('list the shipped presets and what each changes')
    .action(() => {
      for (const name of PRESET_NAMES) process.stdout.write(`${name}\n  ${presetSummary(name)}\n`);
    });
}
