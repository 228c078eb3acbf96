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

/**
 * The steps of a segment location (`body.$.rows[2].text`, `result.$["odd key"]`): names, `[n]`
 * indices and quoted keys, so that a dot inside a quoted key is not read as a step.
 */
function steps(location: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < location.length) {
    const start = i;
    if (location[i] === '[' && location[i + 1] === '"') {
      i += 2;
      while (i < location.length && location[i] !== '"') i += location[i] === '\\' ? 2 : 1;
      i += 2; // the closing quote and bracket
    } else if (location[i] === '[') {
      while (i < location.length && location[i] !== ']') i++;
      i++;
    } else {
      i++;
      while (i < location.length && location[i] !== '.' && location[i] !== '[') i++;
    }
    out.push(location.slice(start, i));
  }
  return out;
}

const INDEX_STEP = re('^\\[\\d+\\]$');
/** Upper case or title case at the start: a label or a sentence of its own, not a continuation. */
const OPENS_UPPER = re('^\\s*[\\p{Lu}\\p{Lt}]');

/**
 * Whether two consecutive leaves continue one text. Elements of an array (rows, content blocks,
 * chunks) are read in sequence. Members of an object are named fields: a phrase runs on from one
 * into the next only when the next one goes on in lower case ("Ignore all" | "previous
 * instructions"); a field that opens with a capital ("Ignore" | "Previous" | "Instructions" in an
 * i18n table, a form's labels) starts a text of its own, and words lined up across such fields are
 * not a sentence anyone wrote.
 */
function continues(prev: string, next: string, nextClean: string): boolean {
  const a = steps(prev);
  const b = steps(next);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const sequence = i < a.length && i < b.length && INDEX_STEP.test(a[i] as string) && INDEX_STEP.test(b[i] as string);
  return sequence || !OPENS_UPPER.test(nextClean);
}

/**
 * Between leaves that do not continue one another: a sentence end and a line break, which no
 * pattern's window crosses (SEP, gap and the clean view's one-line patterns stop there).
 */
const BREAK = '.\n';

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
    if (length + piece.length + 2 > JOINED_MAX) break;
    if (parts.length > 0) parts.push(continues(last, seg.location, clean) ? ' ' : BREAK);
    parts.push(piece);
    leaves.push({ folded: seg.prepared.folded, clean: clean.toLowerCase() });
    if (first === '') first = seg.location;
    last = seg.location;
    length += piece.length + 2;
  }
  if (leaves.length < 2) return null;
  return { text: parts.join(''), leaves, first, last };
}

/** Whether a hit's text (as matched in some view of the joined text) lies inside a single leaf. */
export function insideOneLeaf(hitText: string, joined: JoinedFields): boolean {
  const t = hitText.toLowerCase();
  return joined.leaves.some((l) => l.folded.includes(t) || l.clean.includes(t));
}
