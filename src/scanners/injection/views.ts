// The texts the injection rules read for one segment: the prepared views, a plain
// lower-case view (to tell homoglyph hiding from plain text), every decoded layer, and any
// text smuggled in variation-selector characters. All loops here are linear and bounded.
import type { Prepared } from '../../normalize/types.ts';

export type ViewName = 'folded' | 'leet' | 'plain' | 'clean';

export interface TextView {
  /** Every view name whose text is this one (identical views are merged). */
  readonly names: ViewName[];
  /** 'clean' views are read by clean-view patterns, all others by folded-view patterns. */
  readonly kind: 'folded' | 'clean';
  readonly text: string;
  /** Decodings applied to reach this text, outermost first; empty for the segment itself. */
  readonly chain: readonly string[];
}

const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};

/** Leetspeak fold of an already folded text (same mapping as Prepared.leet). */
export function leetFold(text: string): string {
  let out = '';
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const m = LEET[ch];
    if (m !== undefined) {
      out += m;
      changed = true;
    } else out += ch;
  }
  return changed ? out : text;
}

/** Lower case with every whitespace run collapsed to one space (no confusable mapping). */
export function plainFold(text: string): string {
  const lower = text.toLowerCase();
  let out = '';
  let inSpace = false;
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    const space =
      code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x3000 || code === 0x2028 || code === 0x2029 || (code >= 0x2000 && code <= 0x200a);
    if (space) {
      if (!inSpace) out += ' ';
      inSpace = true;
    } else {
      out += lower[i];
      inSpace = false;
    }
  }
  return out.trim();
}

/** Bounds a text for scanning: long texts keep their head and tail. */
export function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)}\n${text.slice(text.length - half)}`;
}

/**
 * Decodes text hidden in variation selectors (U+FE00–FE0F = bytes 0–15, U+E0100–E01EF =
 * bytes 16–255) as UTF-8. Returns the decoded text when at least `minBytes` supplementary
 * selectors were seen; ordinary emoji use only U+FE0E/FE0F and never reach that count.
 */
export function decodeVariationSelectors(raw: string, minBytes = 8, maxBytes = 4096): string | null {
  let supplementary = 0;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length && bytes.length < maxBytes; i++) {
    const cp = raw.codePointAt(i) as number;
    if (cp > 0xffff) i++;
    if (cp >= 0xe0100 && cp <= 0xe01ef) {
      supplementary++;
      bytes.push(cp - 0xe0100 + 16);
    } else if (cp >= 0xfe00 && cp <= 0xfe0f) {
      bytes.push(cp - 0xfe00);
    }
  }
  if (supplementary < minBytes) return null;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
  return text.length > 0 ? text : null;
}

export interface ViewLimits {
  readonly maxScanChars: number;
  readonly maxLayers: number;
}

/** Builds the deduplicated list of views for one prepared text. */
export function viewsOf(prepared: Prepared, limits: ViewLimits): TextView[] {
  const views: TextView[] = [];
  const seen = new Map<string, TextView>();
  const push = (name: ViewName, text: string, chain: readonly string[]): void => {
    if (text.length === 0) return;
    const t = bound(text, limits.maxScanChars);
    const kind = name === 'clean' ? 'clean' : 'folded';
    // The same text under the same chain is matched once; its view names are merged.
    const key = `${kind}\u0000${chain.join('|')}\u0000${t}`;
    const prior = seen.get(key);
    if (prior !== undefined) {
      if (!prior.names.includes(name)) prior.names.push(name);
      return;
    }
    const view: TextView = { names: [name], kind, text: t, chain };
    seen.set(key, view);
    views.push(view);
  };
  const addText = (clean: string, folded: string, leet: string | null, chain: readonly string[]): void => {
    push('folded', folded, chain);
    push('plain', plainFold(bound(clean, limits.maxScanChars)), chain);
    if (leet !== null) push('leet', leet, chain);
    push('leet', leetFold(folded), chain);
    push('clean', clean, chain);
  };
  addText(prepared.clean, prepared.folded, prepared.leet, []);
  const layers = prepared.layers;
  for (let i = 0; i < layers.length && i < limits.maxLayers; i++) {
    const layer = layers[i];
    if (layer === undefined) continue;
    addText(layer.clean, layer.folded, null, layer.chain);
  }
  const smuggled = decodeVariationSelectors(prepared.raw);
  if (smuggled !== null) {
    const clean = smuggled.normalize('NFKC');
    addText(clean, plainFold(clean), null, ['variation-selectors']);
  }
  return views;
}
