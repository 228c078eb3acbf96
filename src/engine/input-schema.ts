import { z } from 'zod';
import type { ScanInput } from '../core/index.ts';

/**
 * The wire shape of a scan input (CLI batch lines, the scan API): validated before the engine
 * sees it. Bodies are strings; binary bodies travel as base64 with `bodyEncoding: base64`.
 */
const headers = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
const bodyEncoding = z.enum(['utf8', 'base64']).optional();

export const ScanInputWire = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('url'), url: z.string() }).strict(),
  z
    .object({
      kind: z.literal('request'),
      method: z.string().default('GET'),
      url: z.string(),
      headers: headers.optional(),
      body: z.string().optional(),
      bodyEncoding,
      contentType: z.string().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('response'),
      url: z.string().optional(),
      status: z.number().int().optional(),
      headers: headers.optional(),
      body: z.string(),
      bodyEncoding,
      contentType: z.string().optional(),
    })
    .strict(),
  z.object({ kind: z.literal('text'), text: z.string(), flow: z.enum(['egress', 'ingress', 'neutral']).optional() }).strict(),
  z.object({ kind: z.literal('tools'), tools: z.array(z.object({ name: z.string() }).passthrough()), server: z.string().optional() }).strict(),
  z.object({ kind: z.literal('tool-call'), name: z.string(), arguments: z.unknown().optional(), server: z.string().optional() }).strict(),
  z.object({ kind: z.literal('tool-result'), name: z.string().optional(), content: z.unknown(), server: z.string().optional() }).strict(),
  z
    .object({
      kind: z.literal('websocket'),
      direction: z.enum(['outbound', 'inbound']),
      url: z.string().optional(),
      data: z.string(),
      dataEncoding: bodyEncoding,
    })
    .strict(),
]);

export type ScanInputWire = z.infer<typeof ScanInputWire>;

function decodeBody(body: string, encoding: 'utf8' | 'base64' | undefined): string | Uint8Array {
  return encoding === 'base64' ? new Uint8Array(Buffer.from(body, 'base64')) : body;
}

/** Validates untrusted JSON into a ScanInput; returns the zod issues as one sentence on failure. */
export function parseScanInput(value: unknown): { ok: true; input: ScanInput } | { ok: false; error: string } {
  const r = ScanInputWire.safeParse(value);
  if (!r.success) {
    const first = r.error.issues[0];
    const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
    return { ok: false, error: `invalid scan input: ${where}${first?.message ?? 'unknown error'}` };
  }
  const w = r.data;
  switch (w.kind) {
    case 'request': {
      const { bodyEncoding: enc, body, ...rest } = w;
      return { ok: true, input: body === undefined ? rest : { ...rest, body: decodeBody(body, enc) } };
    }
    case 'response': {
      const { bodyEncoding: enc, body, ...rest } = w;
      return { ok: true, input: { ...rest, body: decodeBody(body, enc) } };
    }
    case 'websocket': {
      const { dataEncoding: enc, data, ...rest } = w;
      return { ok: true, input: { ...rest, data: decodeBody(data, enc) } };
    }
    default:
      return { ok: true, input: w as ScanInput };
  }
}
