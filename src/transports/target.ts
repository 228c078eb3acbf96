// What a decision event says an action was about: summaries that never carry a secret.
import type { ScanInput } from '../core/index.ts';
import { looksLikeData as looksLikeDataName, redactedName } from '../core/index.ts';

/** A path segment or host label this long, or shorter but mixing letters and digits, is data: written as its first four characters and length. */
const LONG_PART = 24;
const DATA_PART = 16;
/** Path segments are cut shorter: a key split over several segments leaves pieces of ~10 characters. */
const DATA_SEGMENT = 8;
const MAX_PARTS = 16;

function looksLikeData(part: string, dataMin = DATA_PART): boolean {
  if (part.length > LONG_PART) return true;
  if (part.length < dataMin) return false;
  let letter = false;
  let digit = false;
  for (const ch of part) {
    if (ch >= '0' && ch <= '9') digit = true;
    else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) letter = true;
  }
  return letter && digit;
}

/**
 * A data-like part as its first four characters and length; a short one that starts like a credential
 * or reads as random (core/names.ts: a piece of a key split over several subdomains or segments) as
 * its length alone, after the credential prefix it starts with.
 */
function shorten(part: string, dataMin = DATA_PART): string {
  // Short pieces first: four characters of a ten-character piece would be too much of it.
  if (part.length < 12 && looksLikeDataName(part)) return redactedName(part);
  if (looksLikeData(part, dataMin)) return `${Array.from(part).slice(0, 4).join('')}…(${part.length})`;
  return looksLikeDataName(part) ? redactedName(part) : part;
}

const shortenSegment = (part: string): string => shorten(part, DATA_SEGMENT);

/**
 * The target written into a decision event for a scanned URL: scheme, host and path, with any
 * data-like host label or path segment shortened, the query reduced to "?…", and userinfo and
 * fragment left out. The scanned URL may carry the very secret that was found; this keeps it
 * out of every log, sink and receipt.
 */
export function summarizeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `[unparseable URL, ${raw.length} chars]`;
  }
  return summarizeParsedUrl(url);
}

/** summarizeUrl for a URL already parsed (saves parsing the href again). */
export function summarizeParsedUrl(url: URL): string {
  const labels = url.hostname.split('.');
  const host = labels.length > MAX_PARTS ? `…(${labels.length} labels)` : labels.map(shorten).join('.');
  const port = url.port ? `:${url.port}` : '';
  const segments = url.pathname.split('/');
  const path = segments.length > MAX_PARTS ? `${segments.slice(0, MAX_PARTS).map(shortenSegment).join('/')}/…` : segments.map(shortenSegment).join('/');
  return `${url.protocol}//${host}${port}${path}${url.search ? '?…' : ''}`;
}

function name(prefix: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : `${prefix}${shorten(value.slice(0, 64))}`;
}

/** What a scan input was about, safe to log. */
export function scanTarget(input: ScanInput): string | undefined {
  switch (input.kind) {
    case 'url':
    case 'request':
      return summarizeUrl(input.url);
    case 'response':
    case 'websocket':
      return input.url === undefined ? undefined : summarizeUrl(input.url);
    case 'tools':
      return name('mcp-server:', input.server);
    case 'tool-call':
      return name('tool:', input.name);
    case 'tool-result':
      return name('tool:', input.name);
    case 'mcp-client-message':
      return name('mcp-server:', input.server);
    case 'text':
      return undefined;
  }
}

