// Writes src/scanners/injection/cores.generated.json: the prefilter cores (and what else the prefilter derives) of
// every injection pattern, derived from the pattern text (cores.ts). Deriving them at start-up costs
// ~0.5 s per process; a test fails when this file is stale (run `npm run gen:cores` to refresh).
import { writeFileSync } from 'node:fs';
import { deriveCoreTable } from '../src/scanners/injection/core-table.ts';
import { injectionOwnerSpecs } from '../src/scanners/injection/index.ts';

writeFileSync(new URL('../src/scanners/injection/cores.generated.json', import.meta.url), `${JSON.stringify(deriveCoreTable(injectionOwnerSpecs()), null, 1)}\n`);
process.stdout.write('wrote src/scanners/injection/cores.generated.json\n');
