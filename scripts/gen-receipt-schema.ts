// Writes docs/receipt.schema.json from the receipt field table (a test fails when it is stale).
import { writeFileSync } from 'node:fs';
import { receiptJsonSchema } from '../src/evidence/receipts/json-schema.ts';

writeFileSync(new URL('../docs/receipt.schema.json', import.meta.url), `${JSON.stringify(receiptJsonSchema(), null, 2)}\n`);
process.stdout.write('wrote docs/receipt.schema.json\n');
