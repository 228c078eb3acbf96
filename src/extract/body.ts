import type { Body, Flow } from '../core/index.ts';
import type { SegmentCollector } from './collector.ts';
import { extractHtml } from './html.ts';
import { tryParseJson, walkJson } from './json-walk.ts';
import { addQuerySegments, safeLabel } from './url-parts.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: false });

export interface MediaType {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Parses a Content-Type value (RFC 9110 §8.3.1): lower-cased type/subtype and parameters. */
export function parseMediaType(value: string | undefined): MediaType {
  if (!value) return { type: '', params: {} };
  const [head, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    params[p.slice(0, eq).trim().toLowerCase()] = v;
  }
  return { type: (head ?? '').trim().toLowerCase(), params };
}

const BINARY_TYPES = ['image/', 'audio/', 'video/', 'font/', 'application/octet-stream', 'application/zip', 'application/gzip', 'application/pdf'];
/** Text formats under otherwise binary top-level types. */
const TEXT_EXCEPTIONS = ['image/svg+xml'];

export function bodyToText(body: Body): string {
  return typeof body === 'string' ? body : UTF8.decode(body);
}

/** Decodes bytes in their declared charset (RFC 9110 §8.3.2); null when the charset is unknown. */
function decodeCharset(body: Uint8Array, charset: string | undefined): string | null {
  if (!charset || /^utf-?8$/i.test(charset)) return UTF8.decode(body);
  try {
    return new TextDecoder(charset.toLowerCase(), { fatal: false }).decode(body);
  } catch {
    // Not a charset this runtime knows: the caller reports it and scans a byte view instead.
    return null;
  }
}

export function isJsonType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json') || type === 'application/x-ndjson' || type === 'text/json';
}

export function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 512).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || (head.startsWith('<') && head.includes('<body'));
}

/**
 * Adds a body's segments by media type: JSON leaves with their paths, form fields,
 * multipart parts, HTML visible and hidden text, or the body as plain text.
 */
export function addBodySegments(body: Body, contentType: string | undefined, base: string, flow: Flow, out: SegmentCollector): void {
  const media = parseMediaType(contentType);
  if (typeof body !== 'string' && BINARY_TYPES.some((t) => media.type.startsWith(t)) && !TEXT_EXCEPTIONS.includes(media.type)) {
    // Binary payloads: scan a byte-for-byte view, which still shows any ASCII secret or
    // instruction embedded in them (both ways: an "image" may carry text for a model too).
    out.add(base, 'body', flow, Buffer.from(body).toString('latin1'));
    return;
  }
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    const decoded = decodeCharset(body, media.params.charset);
    if (decoded === null) {
      out.limit('engine/unsupported-encoding', base, `The body declares charset "${media.params.charset ?? ''}", which Tollgate cannot decode; it is blocked.`);
      out.add(base, 'body', flow, Buffer.from(body).toString('latin1'));
      return;
    }
    text = decoded;
  }
  if (text.length === 0) return;
  const trimmed = text.trimStart();
  if (isJsonType(media.type) || (media.type === '' && (trimmed.startsWith('{') || trimmed.startsWith('[')))) {
    const parsed = tryParseJson(text);
    if (parsed.ok) {
      walkJson(parsed.value, `${base}.$`, 'body-leaf', 'body-key', flow, out, { keysOnce: true });
      return;
    }
    if (media.type === 'application/x-ndjson') {
      text.split('\n').forEach((line, i) => {
        const p = line.trim() ? tryParseJson(line) : { ok: false as const };
        if (p.ok) walkJson(p.value, `${base}[${i}].$`, 'body-leaf', 'body-key', flow, out, { keysOnce: true });
        else if (line.trim()) out.add(`${base}[${i}]`, 'body', flow, line);
      });
      return;
    }
    if (isJsonType(media.type)) out.limit('engine/unparseable-body', base, `The body is declared ${media.type} but is not valid JSON; it was scanned as plain text.`);
    out.add(base, 'body', flow, text);
    return;
  }
  if (media.type === 'application/x-www-form-urlencoded') {
    out.add(base, 'body', flow, text);
    addQuerySegments(text, `${base}.form`, 'body-key', 'body-leaf', flow, out);
    return;
  }
  if (media.type.startsWith('multipart/')) {
    addMultipart(text, media.params.boundary, base, flow, out);
    return;
  }
  if (media.type === 'text/html' || media.type === 'application/xhtml+xml' || (media.type === '' && looksLikeHtml(text))) {
    const html = extractHtml(text);
    if (html.truncated) out.limit('engine/html-truncated', base, 'The HTML is larger or deeper than the extractor reads; part of it was not inspected, so it is blocked.');
    out.add(base, 'body', flow, flow === 'egress' ? text : html.visible);
    for (const h of html.hidden) out.add(`${base}.${h.location}`, 'html-hidden', flow, h.text);
    return;
  }
  out.add(base, 'body', flow, text);
}

/** Multipart bodies (RFC 7578): each part by its form name; JSON parts are walked. */
function addMultipart(text: string, boundary: string | undefined, base: string, flow: Flow, out: SegmentCollector): void {
  if (!boundary) {
    out.limit('engine/unparseable-body', base, 'A multipart body has no boundary parameter; it was scanned as plain text.');
    out.add(base, 'body', flow, text);
    return;
  }
  const delimiter = `--${boundary}`;
  const parts = text.split(delimiter);
  if (parts.length < 2) {
    // The declared boundary never occurs: nothing can be parsed, so scan it all as text.
    out.limit('engine/unparseable-body', base, 'The multipart body does not contain its declared boundary; it was scanned as plain text.');
    out.add(base, 'body', flow, text);
    return;
  }
  // RFC 2046 §5.1.1: the preamble and epilogue are to be ignored by a reader, so they are a
  // place to hide data; scan them too.
  const preamble = parts[0] ?? '';
  if (preamble.trim()) out.add(`${base}.multipart.preamble`, 'body', flow, preamble);
  let count = 0;
  for (let p = 1; p < parts.length; p++) {
    const raw = parts[p] as string;
    if (raw.startsWith('--')) {
      const epilogue = [raw.slice(2), ...parts.slice(p + 1)].join(delimiter);
      if (epilogue.trim()) out.add(`${base}.multipart.epilogue`, 'body', flow, epilogue);
      break;
    }
    if (++count > out.limits.maxMultipartParts) {
      out.limit('engine/too-many-parts', base, `More than ${out.limits.maxMultipartParts} multipart parts; the rest were not scanned.`);
      return;
    }
    const split = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
    // Part headers are read from a bounded prefix only.
    const headers = split >= 0 ? raw.slice(0, Math.min(split, 8192)) : '';
    let body = split >= 0 ? raw.slice(split).replace(/^\r?\n\r?\n/, '') : raw;
    body = body.replace(/\r?\n$/, '');
    const name = /name="([^"]{0,128})"/i.exec(headers)?.[1] ?? `[${count - 1}]`;
    const partType = /content-type:\s*([^\r\n;]{1,128})/i.exec(headers)?.[1];
    addBodySegments(body, partType, `${base}.multipart.${safeLabel(name)}`, flow, out);
  }
}
