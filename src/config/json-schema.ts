import { z } from 'zod';
import { TollgateConfig } from './schema.ts';

/** The JSON Schema of a config file (input side: every key optional), for editor completion. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(TollgateConfig, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://tollgate.dev/schema/config-v1.json', title: 'Tollgate config (version 1)' };
}
