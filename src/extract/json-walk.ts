import type { Flow } from '../core/index.ts';
import { re } from '../re/index.ts';
import type { SegmentPart } from '../scanners/types.ts';
import type { SegmentCollector } from './collector.ts';
import { looksLikeData, redactedName } from './url-parts.ts';

const SIMPLE_KEY = re('^[A-Za-z_][A-Za-z0-9_-]{0,63}$');

/** JSONPath-like location step: `.name` for simple keys, `["odd key"]` otherwise. */
export function keyStep(key: string): string {
  if (looksLikeData(key)) return `[${JSON.stringify(redactedName(key))}]`;
  return SIMPLE_KEY.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

export interface WalkOptions {
  /**
   * Add each distinct object key once, at its first place, instead of at every object that repeats
   * it. For parts whose keys every scanner reads one text at a time (`body-key`, `tool-result`): a
   * key found once is found, and an API answer repeats the same few keys in every element (an npm
   * packument's versions, a page of GitHub issues), so keys were half its segments. Not for parts
   * read as a sequence or per place (tool arguments and WebSocket messages are split-secret
   * fragments in order; a tool schema's property names are its parameters).
   */
  readonly keysOnce?: boolean;
}

/**
 * Walks a parsed JSON value and adds every string leaf (and every object key, as `keyPart`)
 * as a segment located by its JSON path. Depth-bounded: deeper nesting is a limit finding.
 * Numbers and booleans are added as text too, since a card number or PIN can be a number.
 */
export function walkJson(
  value: unknown,
  base: string,
  part: SegmentPart,
  keyPart: SegmentPart,
  flow: Flow,
  out: SegmentCollector,
  options: WalkOptions = {},
): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: base, depth: 0 }];
  let tooDeep = false;
  // Holds the document's distinct keys, no more (the parsed document already holds them).
  const keysSeen = options.keysOnce === true ? new Set<string>() : null;
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; path: string; depth: number };
    const v = item.value;
    if (typeof v === 'string') out.add(item.path, part, flow, v);
    else if (typeof v === 'number' || typeof v === 'bigint') {
      if (Number.isInteger(v) && String(v).length >= 9) out.add(item.path, part, flow, String(v));
    } else if (v !== null && typeof v === 'object') {
      if (item.depth >= out.limits.maxJsonDepth) {
        if (!tooDeep) out.limit('engine/json-too-deep', item.path, `JSON nesting deeper than ${out.limits.maxJsonDepth} levels was not scanned.`);
        tooDeep = true;
        continue;
      }
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: `${item.path}[${i}]`, depth: item.depth + 1 });
      } else {
        const entries = Object.entries(v as Record<string, unknown>);
        for (let i = entries.length - 1; i >= 0; i--) {
          const [k, child] = entries[i] as [string, unknown];
          const path = item.path + keyStep(k);
          if (keysSeen === null) out.add(`${path}.<key>`, keyPart, flow, k);
          else if (!keysSeen.has(k)) {
            keysSeen.add(k);
            out.add(`${path}.<key>`, keyPart, flow, k);
          }
          stack.push({ value: child, path, depth: item.depth + 1 });
        }
      }
    }
  }
}

/** JSON.parse that reports failure instead of throwing. */
export function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // Not JSON: the caller decides whether that is an error (declared JSON) or just text.
    return { ok: false };
  }
}
