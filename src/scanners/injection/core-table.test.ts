import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { deriveCoreTable } from './core-table.ts';
import { injectionOwnerSpecs } from './index.ts';

it('cores.generated.json matches the cores derived from the current patterns (run `npm run gen:cores` to refresh)', () => {
  const onDisk = JSON.parse(readFileSync(new URL('./cores.generated.json', import.meta.url), 'utf8')) as unknown;
  assert.deepEqual(onDisk, JSON.parse(JSON.stringify(deriveCoreTable(injectionOwnerSpecs()))));
});
