// Text split over fields. A model reads a JSON body or a tool result whole, so an instruction cut
// into several string leaves or content blocks ("Ignore all" | "previous instructions") is one
// instruction to it, while each leaf alone holds no evidence. The phrase-bearing leaves of an
// ingress view are joined in order and analysed once more; only families whose evidence crosses
// from one leaf into the next are reported from the joined text (evidence inside one leaf is that
// leaf's own finding, and unrelated fields are not scored together).
import { re } from '../../re/index.ts';
import type { Segment } from '../types.ts';

/** Leaves up to this long join whole; a longer one joins its first and last EDGE characters. */
const WHOLE_MAX = 512;
const EDGE = 256;
/** Most characters joined per view (bounded work: a huge JSON body is not analysed twice whole). */
const JOINED_MAX = 64 * 1024;

export interface JoinedFields {
  readonly text: string;
  /** Each joined leaf's texts (folded and lower-cased clean), to tell crossing evidence from a leaf's own. */
  readonly leaves: readonly { readonly folded: string; readonly clean: string }[];
  readonly first: string;
  readonly last: string;
}

/** A single word of 2-24 letters (apostrophes allowed): a phrase cut one word per leaf. */
const WORD = re("^[\\pL'’]{2,24}$");

/**
 * Whether a segment is a leaf of content the agent reads that can carry part of a phrase: text with
 * a space, or one word of letters. Ids, numbers, URLs, paths and object keys cannot.
 */
function joinable(seg: Segment): boolean {
  if (seg.flow === 'egress') return false;
  if (seg.part !== 'body-leaf' && seg.part !== 'tool-result') return false;
  if (seg.location.endsWith('.<key>')) return false;
  const clean = seg.prepared.clean;
  return clean.length > 1 && (clean.includes(' ') || (clean.length <= 24 && WORD.test(clean)));
}

/** The joined text of a view's phrase-bearing leaves, or null when fewer than two qualify. */
export function joinFields(segments: readonly Segment[]): JoinedFields | null {
  const parts: string[] = [];
  const leaves: { folded: string; clean: string }[] = [];
  let first = '';
  let last = '';
  let length = 0;
  for (const seg of segments) {
    if (!joinable(seg)) continue;
    const clean = seg.prepared.clean;
    const piece = clean.length <= WHOLE_MAX ? clean : `${clean.slice(0, EDGE)}\n\n${clean.slice(clean.length - EDGE)}`;
    if (length + piece.length + 1 > JOINED_MAX) break;
    parts.push(piece);
    leaves.push({ folded: seg.prepared.folded, clean: clean.toLowerCase() });
    if (first === '') first = seg.location;
    last = seg.location;
    length += piece.length + 1;
  }
  if (parts.length < 2) return null;
  return { text: parts.join(' '), leaves, first, last };
}

/** Whether a hit's text (as matched in some view of the joined text) lies inside a single leaf. */
export function insideOneLeaf(hitText: string, joined: JoinedFields): boolean {
  const t = hitText.toLowerCase();
  return joined.leaves.some((l) => l.folded.includes(t) || l.clean.includes(t));
}
