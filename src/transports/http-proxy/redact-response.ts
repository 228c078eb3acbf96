// The redact action on a response: the agent gets the page with each matched secret replaced by
// `[REDACTED:<rule>]` and each offending passage (prompt injection, or anything else the policy
// redacts that has no value to replace) replaced by `[removed by Tollgate: <rule>]`.
//
// Findings carry no offsets, so the values come from the engine out of band (ScanCallContext
// .secretValues) and passages are found by re-scanning pieces (passages.ts). Whatever is returned
// has been scanned whole, with the original content type and headers, and found not to offend;
// when that cannot be reached (a value only visible in a decoded layer, a binary or unknown
// charset body, a partial 206 body, the scan budget spent) the caller blocks instead.
import type { Finding, Verdict } from '../../core/index.ts';
import type { Engine } from '../../engine/index.ts';
import { parseMediaType } from '../../extract/index.ts';
import { marker } from '../fetch/redact.ts';
import { jsonStringLeaves, offends, removeOffendingLeaves, replaceSecrets, ruleOf, secretReplacements } from '../redact-json.ts';
import { findOffending, textItems } from './passages.ts';

export interface RedactRequest {
  readonly engine: Engine;
  readonly now: number;
  readonly url: string;
  readonly status: number;
  /** End-to-end response headers, without content-encoding and content-length. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly contentType?: string;
  /** The decoded (identity) body. */
  readonly body: Buffer;
  /** The verdict, action redact. */
  readonly verdict: Verdict;
  /** Matched values of the verdict's findings (from the engine). */
  readonly values: ReadonlyMap<Finding, readonly string[]>;
}

export type Redacted =
  | { ok: true; body: Buffer; headers: Record<string, string | string[]>; rules: string[] }
  | { ok: false; why: string };

/** Piece scans allowed per response (passages), beyond the whole-body checks. */
const SCAN_BUDGET = 256;
/** Passage removal re-scans pieces of the body; past this size it is not attempted (the caller blocks). */
const MAX_PASSAGE_BODY = 2 * 1024 * 1024;

/** Headers that describe the original representation and are wrong once it is rewritten. */
const STALE = ['etag', 'content-md5', 'digest', 'content-digest', 'repr-digest', 'content-range', 'accept-ranges'];

function isJson(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

/** Media types whose bytes are text Tollgate can rewrite. */
function isTextual(type: string): boolean {
  return (
    type.startsWith('text/') ||
    isJson(type) ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/x-ndjson' ||
    type === 'application/javascript' ||
    type === 'application/x-www-form-urlencoded'
  );
}

type Codec = { decode(b: Buffer): string | null; encode(s: string): Buffer };

const UTF8: Codec = {
  decode(b) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      return null;
    }
  },
  encode: (s) => Buffer.from(s, 'utf8'),
};
// Single-byte: every byte maps to one code unit and back, so nothing outside the edits changes.
// (Windows-1252 is decoded by the scanner with its own table; latin1 here keeps its bytes intact,
// and the ASCII markers and secrets are the same in both.)
const LATIN1: Codec = { decode: (b) => b.toString('latin1'), encode: (s) => Buffer.from(s, 'latin1') };

function codecFor(charset: string | undefined): Codec | null {
  const c = (charset ?? 'utf-8').toLowerCase();
  if (c === 'utf-8' || c === 'utf8' || c === 'us-ascii' || c === 'ascii') return UTF8;
  if (c === 'iso-8859-1' || c === 'latin1' || c === 'windows-1252') return LATIN1;
  return null;
}

/** Rewrites a response whose verdict is redact; see the file comment for what it guarantees. */
export function redactResponse(r: RedactRequest): Redacted {
  if (r.status === 206) return { ok: false, why: 'a partial (206) body cannot be rewritten consistently' };
  const media = parseMediaType(r.contentType);
  if (!isTextual(media.type)) return { ok: false, why: `a ${media.type || 'untyped'} body cannot be rewritten` };
  const codec = codecFor(media.params.charset);
  if (!codec) return { ok: false, why: `charset ${String(media.params.charset).slice(0, 32)} cannot be rewritten` };
  let text = codec.decode(r.body);
  if (text === null) return { ok: false, why: 'the body is not valid UTF-8' };
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers)) if (!STALE.includes(k)) headers[k] = v;

  // 1. Secrets: every matched value of a finding the policy redacts, longest first (a value that
  //    contains another is replaced whole), in the body and in header values.
  const replacements = secretReplacements(r.verdict, r.values, (f) => r.engine.judge(f));
  const rules = new Set<string>();
  text = replaceSecrets(text, replacements, rules);
  for (const [k, v] of Object.entries(headers)) {
    headers[k] = Array.isArray(v) ? v.map((x) => replaceSecrets(x, replacements)) : replaceSecrets(v, replacements);
  }

  const scanWhole = (t: string): Verdict =>
    // No session: these checks must not add fragments to the session's window a second time.
    r.engine.scan({ kind: 'response', url: r.url, status: r.status, headers, ...(r.contentType ? { contentType: r.contentType } : {}), body: t }, { now: r.now });
  let v = scanWhole(text);

  // 2. Passages: whatever still offends (injection, or a finding with no value to replace).
  if (offends(v)) {
    if (text.length > MAX_PASSAGE_BODY) return { ok: false, why: `passages are removed from bodies up to ${MAX_PASSAGE_BODY} characters only` };
    const cut = isJson(media.type) ? removeFromJson(text, r, ruleOf(v)) : removeFromText(text, r, ruleOf(v));
    if (!cut) return { ok: false, why: 'the offending passages could not be isolated within the scan budget' };
    text = cut.text;
    for (const rule of cut.rules) rules.add(rule);
    v = scanWhole(text);
  }
  // 3. What is returned was scanned whole and does not offend; otherwise nothing is returned.
  if (offends(v)) return { ok: false, why: `the rewritten body still offends (${ruleOf(v)})` };
  return { ok: true, body: codec.encode(text), headers, rules: [...rules] };
}

function scanPiece(r: RedactRequest, piece: string): string | null {
  const v = r.engine.scan({ kind: 'response', contentType: 'text/plain; charset=utf-8', body: piece }, { now: r.now });
  return offends(v) ? ruleOf(v) : null;
}

function removeFromText(text: string, r: RedactRequest, whole: string): { text: string; rules: string[] } | null {
  const items = textItems(text);
  const found = findOffending(items.length, (a, b) => scanPiece(r, items.slice(a, b).join('')), whole, SCAN_BUDGET);
  if (found.exhausted) return null;
  let out = '';
  for (let k = 0; k < items.length; k++) {
    if (!found.drop.has(k)) out += items[k];
    else {
      const rule = found.ruleAt.get(k);
      // Keep the line structure: a removed run that ended a line still ends one.
      if (rule !== undefined) out += marker(rule);
      if ((items[k] as string).endsWith('\n') && (k + 1 >= items.length || !found.drop.has(k + 1))) out += '\n';
    }
  }
  return { text: out, rules: [...new Set(found.ruleAt.values())] };
}

/** Injection in JSON is removed leaf by leaf, so the body stays JSON. */
function removeFromJson(text: string, r: RedactRequest, whole: string): { text: string; rules: string[] } | null {
  const box: { value: unknown } = { value: undefined };
  try {
    box.value = JSON.parse(text);
  } catch {
    return null;
  }
  const cut = removeOffendingLeaves(jsonStringLeaves(box), (piece) => scanPiece(r, piece), whole, SCAN_BUDGET);
  if (!cut) return null;
  try {
    return { text: JSON.stringify(box.value), rules: cut.rules };
  } catch {
    return null;
  }
}
