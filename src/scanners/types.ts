import type { Finding, Flow, ScanInput, ScannerId } from '../core/index.ts';
import type { Prepared } from '../normalize/types.ts';

/** What part of an input a segment came from; scanners use it to decide what applies. */
export type SegmentPart =
  | 'url' // the full URL
  | 'url-host-label'
  | 'url-userinfo'
  | 'url-path-segment'
  | 'url-query-key'
  | 'url-query-value'
  | 'url-fragment'
  | 'header'
  | 'body' // a whole body as text
  | 'body-leaf' // a JSON string leaf, a form value, a multipart part
  | 'body-key' // a JSON object key or form key
  | 'html-hidden' // text a browser would not show (comment, display:none, alt/title/aria-*)
  | 'text'
  | 'tool-name'
  | 'tool-description'
  | 'tool-schema' // any string inside inputSchema/outputSchema (descriptions, defaults, enums, property names…)
  | 'tool-argument'
  | 'tool-result'
  | 'ws-message';

export interface Segment {
  /** Where, in the finding-location vocabulary: `url.query.token`, `header.authorization`, `body.$.a[0]`. */
  readonly location: string;
  readonly part: SegmentPart;
  readonly flow: Flow;
  /** Normalised views and decoded layers, computed once on first use and shared by every scanner. */
  readonly prepared: Prepared;
}

/** The engine's one-time extraction of an input, shared by all scanners. */
export interface ScanView {
  readonly input: ScanInput;
  readonly segments: readonly Segment[];
  /** The input's URL as given (request, url, response, websocket), if any. */
  readonly url?: string;
}

/**
 * Per-session state a stateful scanner may use. Supplied by the caller (state/ layer);
 * bounded by its own limits. The engine never creates state of its own.
 */
/** What a session's fragment window holds around one append. */
export interface FragmentWindow {
  /**
   * The session's most recent earlier fragments still in the window, oldest first: the fewest that
   * reach back `tailChars` characters (or all of them, when the window holds fewer).
   */
  readonly older: readonly string[];
  /** The appended fragments as the window keeps them (fewer or shortened when they overflow it). */
  readonly current: readonly string[];
  /** Per probe text: whether the window held it before this append. */
  readonly present: readonly boolean[];
}

export interface SessionState {
  /**
   * Appends fragments to a session's bounded window and returns only what the caller needs of it:
   * the recent tail before them, the appended ones as kept, and which probe texts were already held.
   */
  appendFragments(
    session: string,
    fragments: readonly string[],
    now: number,
    options: { readonly tailChars: number; readonly probe?: readonly string[] },
  ): FragmentWindow;
  /** Adds bits of entropy spent by a session; returns the total within the window. */
  spendEntropy(session: string, bits: number, now: number): number;
  /**
   * Records one tool call's tags (possibly none) in the session's bounded call window and returns
   * the tags of the calls before it that are still held (oldest first, at most `windowSize`).
   */
  recordToolEvent(session: string, tags: readonly string[], now: number, windowSize: number): readonly (readonly string[])[];
}

/** Matches configured secret values (and their encodings) without ever exposing them. */
export interface KnownSecretIndex {
  /** Returns the names (never values) of known secrets found in text, with the encoding that matched. */
  find(text: string): readonly { name: string; encoding: string; index: number; length: number }[];
  /**
   * The same, comparing letters without case (the values as configured, not their encodings): for
   * text whose case was lost on the way, such as a DNS host label. Optional for other implementations.
   */
  findIgnoringCase?(text: string): readonly { name: string; encoding: string; index: number; length: number }[];
  readonly size: number;
}

export interface ScanContext {
  /** Milliseconds since the epoch, supplied by the caller: scanners never read the clock. */
  readonly now: number;
  readonly session?: string;
  readonly agent?: string;
  readonly state?: SessionState;
  readonly knownSecrets?: KnownSecretIndex;
}

/** A pure scanner: synchronous, total, deterministic, no I/O, no clock, no randomness. */
export interface Scanner {
  readonly id: ScannerId;
  scan(view: ScanView, ctx: ScanContext): readonly Finding[];
}
