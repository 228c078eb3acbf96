// The string arguments of one tool call, read as one text. The joins of index.ts take only pieces
// without whitespace (prose gives only its data-like runs, and the session window keeps pieces one per line), so
// a credential format that holds whitespace (a PEM block, a PuTTY file) cut across two arguments of
// one call, `{"a":"-----BEGIN RSA PRIV","b":"ATE KEY-----\nMIIE…"}`, would be read by no join. A tool
// call is one message its server receives whole, and its arguments are few: their values are joined
// as they are, in order, whitespace kept, for this input only (never kept in the session).
import type { Segment } from '../types.ts';

export interface ArgumentPiece {
  readonly text: string;
  readonly location: string;
}

function holdsWhitespace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c) return true;
  }
  return false;
}

/**
 * The values of a tool call's arguments (not their names) of at least `minLength` characters, each
 * longer one cut to its first and last `maxLength / 2` characters, at most `maxPieces` of them; empty
 * unless there are two or more and one holds whitespace (without, the ordinary joins read them all).
 */
export function argumentPieces(segments: readonly Segment[], minLength: number, maxLength: number, maxPieces: number): ArgumentPiece[] {
  const out: ArgumentPiece[] = [];
  let spaced = false;
  for (const seg of segments) {
    if (seg.part !== 'tool-argument' || seg.flow === 'ingress' || seg.location.endsWith('.<key>')) continue;
    let text = seg.prepared.clean;
    if (text.trim().length < minLength) continue;
    if (text.length > maxLength) {
      const half = Math.floor(maxLength / 2);
      text = text.slice(0, half) + text.slice(text.length - half);
    }
    if (out.length >= maxPieces) break;
    spaced ||= holdsWhitespace(text);
    out.push({ text, location: seg.location });
  }
  return out.length >= 2 && spaced ? out : [];
}
