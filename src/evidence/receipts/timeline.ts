/**
 * `tollgate receipts show`: one readable line per record. Every string from the file is made
 * printable (control characters, including ANSI escapes, become spaces) and clipped.
 */
import type { ReceiptRecord } from './format.ts';

/** Control characters (C0, DEL, C1) and bidirectional overrides become spaces; long text is clipped. */
export function printable(value: unknown, max = 80): string {
  const s = String(value);
  let out = '';
  for (const ch of s) {
    if (out.length >= max) return `${out.slice(0, max - 1)}…`;
    const c = ch.codePointAt(0) as number;
    const control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    out += control ? ' ' : ch;
  }
  return out;
}

export interface TimelineOptions {
  /** Only decisions of this session (other record types are still shown: they belong to every session). */
  readonly session?: string;
}

export const TIMELINE_HEADER = `${'time'.padEnd(24)}  ${'seq'.padStart(7)}  ${'transport'.padEnd(15)} ${'event'.padEnd(11)} ${'action'.padEnd(6)} ${'target'.padEnd(8)}  rules`;

/** The timeline line for one record, or null when the session filter leaves it out. */
export function timelineLine(r: ReceiptRecord, options: TimelineOptions = {}): string | null {
  const head = `${printable(r.time, 24).padEnd(24)}  ${`#${r.seq}`.padStart(7)}  `;
  switch (r.type) {
    case 'decision': {
      if (options.session !== undefined && r.session !== options.session) return null;
      const action = r.mode === 'audit' && r.wouldHave ? `${r.action} (audit; enforce: ${r.wouldHave})` : r.action;
      const who = [r.session ? `session ${printable(r.session, 32)}` : '', r.agent ? `agent ${printable(r.agent, 32)}` : ''].filter(Boolean).join(', ');
      return `${head}${printable(r.transport, 15).padEnd(15)} ${printable(r.event, 11).padEnd(11)} ${action.padEnd(6)} ${(r.targetHash?.slice(0, 8) ?? '-').padEnd(8)}  ${
        r.rules.length ? r.rules.map((x) => printable(x, 60)).join(', ') : '-'
      }${who ? `  [${who}]` : ''}`;
    }
    case 'genesis':
      return `${head}── genesis: chain ${r.chainId}, key ${r.keyId}`;
    case 'checkpoint':
      return `${head}── checkpoint (${r.trigger}): ${r.count} records before it, head ${r.head.slice(0, 16)}…`;
    case 'key-rotation':
      return `${head}── key rotation: ${r.keyId} → ${r.newKeyId}`;
    case 'gap': {
      const what = [r.lost !== undefined ? `${r.lost} events lost` : 'events lost: unknown', r.tornBytes !== undefined ? `torn line of ${r.tornBytes} bytes removed` : ''].filter(Boolean).join(', ');
      return `${head}── GAP (${r.cause}): ${what}`;
    }
  }
}
