import { z } from 'zod';

/** Config of the signed receipts chain (src/evidence/receipts). `.strict()`, like the rest of the config. */
export const ReceiptsConfig = z
  .object({
    enabled: z.boolean().default(true).describe('Write a signed, hash-chained receipt for every decision (verify with `tollgate receipts verify`).'),
    file: z.string().min(1).default('receipts.jsonl').describe('Receipts file; a relative path is inside dataDir. Created with mode 0600 and only ever appended to.'),
    keyFile: z
      .string()
      .min(1)
      .default('keys/receipts-ed25519.pem')
      .describe('Ed25519 private key (PKCS#8 PEM) that signs receipts; a relative path is inside dataDir. Generated (mode 0600) on first start if absent.'),
    checkpointEvery: z.number().int().positive().default(100).describe('Write a signed checkpoint after this many records (and always at shutdown).'),
    maxQueue: z.number().int().positive().default(10000).describe('Decision events waiting to be written beyond this are dropped; the count is recorded in the chain as a gap.'),
    fsync: z.boolean().default(true).describe('Every batch of receipts is on disk before the next is written (fdatasync; on Linux an O_DSYNC descriptor, the same guarantee): crash-durable; see docs/RECEIPTS.md for the cost.'),
    sealIn: z
      .enum(['auto', 'worker', 'main'])
      .default('auto')
      .describe(
        'Where receipts are signed and encoded: auto seals a batch of 4 or more in a worker thread while the thread that relays traffic is 85% busy or more, and on that thread otherwise; worker seals every batch there; main never starts one. The worker stops after 10 s unused. Same bytes either way.',
      ),
  })
  .strict();

export type ReceiptsConfig = z.infer<typeof ReceiptsConfig>;
