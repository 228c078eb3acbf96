/**
 * docs/receipt.schema.json, generated from the field table in format.ts (the one definition the
 * verifier also checks against). Regenerate with `npx tsx scripts/gen-receipt-schema.ts`.
 */
import { FIELDS, FORMAT_VERSION, GENESIS_PREV, RECORD_TYPES, type FieldSpec, type TextFormat } from './format.ts';

const PATTERNS: Record<TextFormat, string> = {
  hex64: '^[0-9a-f]{64}$',
  hex32: '^[0-9a-f]{32}$',
  hex16: '^[0-9a-f]{16}$',
  sig: '^[A-Za-z0-9_-]{86}$',
  pubkey: '^[A-Za-z0-9_-]{43}$',
  time: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$',
};

function fieldSchema(name: string, spec: FieldSpec, type: string): Record<string, unknown> {
  const d = { description: spec.description };
  if (name === 'type') return { ...d, const: type };
  switch (spec.kind) {
    case 'const':
      return { ...d, const: spec.value };
    case 'int':
      return { ...d, type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
    case 'enum':
      return { ...d, enum: [...spec.values] };
    case 'string':
      return { ...d, type: 'string', maxLength: spec.maxLength, ...(spec.format ? { pattern: PATTERNS[spec.format] } : {}) };
    case 'strings':
      return { ...d, type: 'array', maxItems: spec.maxItems, uniqueItems: true, items: { type: 'string', maxLength: spec.maxLength } };
  }
}

export function receiptJsonSchema(): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (const type of RECORD_TYPES) {
    const fields = FIELDS[type];
    defs[type] = {
      type: 'object',
      additionalProperties: false,
      required: Object.entries(fields)
        .filter(([, s]) => s.required)
        .map(([n]) => n),
      properties: Object.fromEntries(Object.entries(fields).map(([n, s]) => [n, fieldSchema(n, s, type)])),
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://tollgate.dev/schema/receipt-v1.json',
    title: `Tollgate receipt record (format version ${FORMAT_VERSION})`,
    description: [
      'One record per line of a receipts file. Each line is the RFC 8785 (JCS) canonical JSON of the record, signature included, followed by a newline.',
      'seq counts every record from 0 (the genesis record), across all types.',
      `prev is the hex SHA-256 of the previous line's bytes (canonical JSON with sig, no newline); the genesis record's prev is ${GENESIS_PREV.length} zeros.`,
      'sig is the base64url (unpadded) Ed25519 signature, by keyId, over the canonical JSON of the record without sig.',
      'keyId is the first 16 hex characters of SHA-256 over the raw 32-byte Ed25519 public key. The genesis record carries the public key; a key-rotation record, signed by the old key, names the key that signs every later record.',
      'A checkpoint vouches for every record before it (count = seq, head = prev); trigger close marks a clean shutdown. A gap record says that events were lost and why.',
    ].join(' '),
    oneOf: RECORD_TYPES.map((t) => ({ $ref: `#/$defs/${t}` })),
    $defs: defs,
  };
}
