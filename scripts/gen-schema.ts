// Writes docs/config.schema.json from the zod schema (a test fails when it is stale).
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../src/config/index.ts';

writeFileSync(new URL('../docs/config.schema.json', import.meta.url), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
process.stdout.write('wrote docs/config.schema.json\n');
