import type { Command } from 'commander';
import { ruleCatalog } from '../../engine/index.ts';
import { transportRules } from '../../transports/rules.ts';

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('list every rule id with its severity and MITRE ATT&CK technique')
    .option('--json', 'print as JSON')
    .action((o: { json?: boolean }) => {
      const seen = new Set<string>();
      const rules = [...ruleCatalog(), ...transportRules()].filter((r) => !seen.has(r.id) && seen.add(r.id));
      if (o.json) {
        process.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
        return;
      }
      const width = Math.max(...rules.map((r) => r.id.length));
      for (const r of rules) process.stdout.write(`${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${r.mitre.padEnd(10)} ${r.description}\n`);
      process.stdout.write(`${rules.length} rules\n`);
    });
}
