import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateSigningKey } from './keys.ts';
import { receiptJsonSchema } from './json-schema.ts';
import { sampleEvent } from './testing.ts';
import { createReceiptWriter } from './writer.ts';

type Schema = Record<string, unknown>;
const DOC = JSON.parse(readFileSync(new URL('../../../docs/receipt.schema.json', import.meta.url), 'utf8')) as Schema;

/** A small JSON Schema (2020-12) validator for the keywords the receipt schema uses. Returns the errors. */
function validate(schema: Schema, value: unknown, root: Schema = schema, at = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/$defs/', '');
    return validate((root.$defs as Record<string, Schema>)[name] as Schema, value, root, at);
  }
  const errs: string[] = [];
  if (Array.isArray(schema.oneOf)) {
    const passing = (schema.oneOf as Schema[]).filter((s) => validate(s, value, root, at).length === 0).length;
    if (passing !== 1) errs.push(`${at}: matches ${passing} of oneOf`);
    return errs;
  }
  if ('const' in schema && value !== schema.const) errs.push(`${at}: not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errs.push(`${at}: not in enum`);
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: not an object`];
      const obj = value as Record<string, unknown>;
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) errs.push(`${at}: missing ${r}`);
      for (const [k, v] of Object.entries(obj)) {
        if (props[k]) errs.push(...validate(props[k], v, root, `${at}.${k}`));
        else if (schema.additionalProperties === false) errs.push(`${at}: unexpected ${k}`);
      }
      break;
    }
    case 'string':
      if (typeof value !== 'string') return [`${at}: not a string`];
      if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) errs.push(`${at}: too long`);
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) errs.push(`${at}: does not match ${schema.pattern}`);
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return [`${at}: not an integer`];
      if (typeof schema.minimum === 'number' && value < schema.minimum) errs.push(`${at}: below minimum`);
      if (typeof schema.maximum === 'number' && value > schema.maximum) errs.push(`${at}: above maximum`);
      break;
    case 'array':
      if (!Array.isArray(value)) return [`${at}: not an array`];
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) errs.push(`${at}: too many items`);
      if (schema.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) errs.push(`${at}: repeated items`);
      value.forEach((v, i) => errs.push(...validate(schema.items as Schema, v, root, `${at}[${i}]`)));
      break;
    default:
      break;
  }
  return errs;
}

describe('docs/receipt.schema.json', () => {
  it('is in step with the field table (run `npx tsx scripts/gen-receipt-schema.ts` to refresh)', () => {
    assert.deepEqual(DOC, JSON.parse(JSON.stringify(receiptJsonSchema())));
    assert.equal(DOC.$schema, 'https://json-schema.org/draft/2020-12/schema');
  });

  it('describes every record the writer produces: genesis, decisions with and without optional fields, checkpoints, gaps, rotations', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tollgate-schema-')), 'r.jsonl');
    const w = await createReceiptWriter({ file, privateKey: generateSigningKey().privateKey, checkpointEvery: 2, maxQueue: 2 });
    w.emit(sampleEvent(0));
    w.emit(sampleEvent(1, { mode: 'audit', wouldHave: 'block', action: 'warn' }));
    w.emit(sampleEvent(2)); // dropped: queue bound 2
    await w.flush();
    const { agent: _a, session: _s, method: _m, target: _t, ...bare } = sampleEvent(3);
    w.emit(bare);
    await w.rotateKey(generateSigningKey().privateKey);
    await w.close();
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const types = new Set<string>();
    for (const line of lines) {
      const rec = JSON.parse(line) as { type: string };
      types.add(rec.type);
      assert.deepEqual(validate(DOC, rec), [], line);
    }
    assert.deepEqual([...types].sort(), ['checkpoint', 'decision', 'gap', 'genesis', 'key-rotation']);
  });

  it('rejects records the verifier rejects: a missing field, an unknown field, a wrong type (the validator can fail)', () => {
    const rec = { v: 1, type: 'gap', seq: 3, time: '2026-01-01T00:00:00.000Z', keyId: '0123456789abcdef', prev: 'a'.repeat(64), sig: 'A'.repeat(86), cause: 'dropped', lost: 2 };
    assert.deepEqual(validate(DOC, rec), []);
    const { prev: _p, ...missing } = rec;
    assert.notDeepEqual(validate(DOC, missing), []);
    assert.notDeepEqual(validate(DOC, { ...rec, extra: 1 }), []);
    assert.notDeepEqual(validate(DOC, { ...rec, type: 'checkpoint' }), []);
    assert.notDeepEqual(validate(DOC, { ...rec, seq: -1 }), []);
    assert.notDeepEqual(validate(DOC, { ...rec, keyId: 'XYZ' }), []);
  });
});
