/**
 * A verification result in words (for `tollgate receipts verify`, `show` and the report), and
 * the exit code it maps to: 0 ok, 2 broken, 3 intact but incomplete.
 */
import type { VerifyResult, VerifyWarning } from './verify.ts';

export const VERIFY_EXIT = { ok: 0, broken: 2, incomplete: 3 } as const;

function warningText(w: VerifyWarning): string {
  if (w.kind === 'unanchored-tail') {
    const where = w.afterSeq === null ? 'no checkpoint at all' : `${w.records} record${w.records === 1 ? '' : 's'} after the last checkpoint (seq ${w.afterSeq})`;
    return `the file does not end with a close checkpoint (${where}): the writer is still running, crashed, or the tail was cut; check with --anchor HASH or --expect-count N`;
  }
  const what = w.cause === 'dropped' ? 'events were dropped' : w.cause === 'write-error' ? 'a batch failed to write' : 'the previous writer did not close the file';
  const details = [w.lost !== undefined ? `${w.lost} events lost` : w.cause === 'unclean-shutdown' ? 'events still queued then are lost' : '', w.tornBytes !== undefined ? `a torn line of ${w.tornBytes} bytes was removed` : '']
    .filter(Boolean)
    .join('; ');
  return `seq ${w.seq}: gap recorded (${w.cause}): ${what}${details ? `; ${details}` : ''}`;
}

function keysText(r: VerifyResult): string {
  const first = r.keys[0];
  if (!first) return '';
  const chain = r.keys.length > 1 ? ` → ${r.keys.slice(1).map((k) => `${k.keyId} (from seq ${k.fromSeq})`).join(' → ')}` : '';
  const upTo = r.status === 'broken' ? ` (up to seq ${r.records - 1})` : '';
  return first.trust === 'pinned'
    ? `signatures valid for pinned key ${first.keyId}${chain}${upTo}`
    : `signatures valid for key ${first.keyId}${chain}${upTo}, taken from the genesis record; pass --key to pin it`;
}

export function describeVerify(r: VerifyResult, name: string): string[] {
  const lines: string[] = [];
  const n = r.records;
  const range = n > 0 ? ` (seq 0-${n - 1})` : '';
  const totals = `${r.counts.decision} decisions, ${r.counts.checkpoint} checkpoints, ${r.counts['key-rotation']} key rotations, ${r.counts.gap} gaps`;
  if (r.broken) {
    lines.push(`${name}: BROKEN at seq ${r.broken.seq} (line ${r.broken.line}): ${r.broken.reason}: ${r.broken.detail}`);
    lines.push(n > 0 ? `the chain holds through seq ${n - 1} (head ${r.head})` : 'no record verified');
  } else if (r.status === 'incomplete') {
    lines.push(`${name}: INCOMPLETE: ${n} records verified${range}: ${totals}; every signature and link holds, but:`);
    for (const w of r.warnings) lines.push(`  ${warningText(w)}`);
    lines.push(`head ${r.head}`);
  } else {
    lines.push(`${name}: OK: ${n} records verified${range}: ${totals}`);
    lines.push(`head ${r.head} (publish it to anchor this file: --anchor)`);
  }
  const keys = keysText(r);
  if (keys) lines.push(keys);
  return lines;
}
