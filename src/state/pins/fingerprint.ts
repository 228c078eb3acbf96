import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.ts';

/** The parts of a tool definition a pin covers: what the model reads and what it may send. */
export const PINNED_FIELDS = ['annotations', 'description', 'inputSchema', 'outputSchema', 'title'] as const;

export interface ToolFingerprint {
  readonly name: string;
  /** `sha256:` + hex over the canonical JSON of the pinned fields. */
  readonly fingerprint: string;
  /** A readable rendering for diffs, at most maxTextBytes (cut at a line end). */
  readonly text: string;
  readonly truncated: boolean;
}

function body(tool: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const field of PINNED_FIELDS) if (tool[field] !== undefined) out[field] = tool[field];
  return out;
}

/**
 * Characters a reader would not see (controls, zero-width, bidi, tag characters) written as
 * \u{…} so a diff shows a change hidden in them.
 */
function visible(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    const hidden =
      (c < 0x20 && c !== 0x0a && c !== 0x09) ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0xad ||
      c === 0x34f ||
      c === 0x61c ||
      (c >= 0x180b && c <= 0x180f) ||
      (c >= 0x200b && c <= 0x200f) ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2060 && c <= 0x206f) ||
      c === 0xfeff ||
      (c >= 0xfe00 && c <= 0xfe0f) ||
      (c >= 0xfff9 && c <= 0xfffb) ||
      (c >= 0xe0000 && c <= 0xe0fff);
    out += hidden ? `\\u{${c.toString(16).toUpperCase()}}` : ch;
  }
  return out;
}

/**
 * One field per block: strings as their lines (so a multi-line description diffs line by
 * line), everything else as sorted-key JSON, two spaces in.
 */
export function renderToolBody(tool: Readonly<Record<string, unknown>>): string {
  const b = body(tool);
  const lines: string[] = [];
  for (const key of Object.keys(b).sort()) {
    const v = b[key];
    lines.push(`${key}:`);
    const text = typeof v === 'string' ? v : JSON.stringify(JSON.parse(canonicalJson(v)) as unknown, null, 2);
    for (const line of visible(text).split('\n')) lines.push(`  ${line}`);
  }
  return lines.join('\n');
}

function cut(text: string, maxBytes: number): { text: string; truncated: boolean } {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return { text, truncated: false };
  let s = Buffer.from(text, 'utf8').subarray(0, maxBytes).toString('utf8');
  if (s.endsWith('\uFFFD')) s = s.slice(0, -1);
  const nl = s.lastIndexOf('\n');
  return { text: `${nl > 0 ? s.slice(0, nl) : s}\n[… cut at ${maxBytes} bytes]`, truncated: true };
}

/** Fingerprints one tool. Throws CanonicalError on a value that is not JSON or is too deep. */
export function fingerprintTool(tool: Readonly<Record<string, unknown>> & { readonly name: string }, maxTextBytes: number): ToolFingerprint {
  const canonical = canonicalJson(body(tool));
  const fingerprint = `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
  return { name: tool.name, fingerprint, ...cut(renderToolBody(tool), maxTextBytes) };
}
