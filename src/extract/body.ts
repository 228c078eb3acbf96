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

export function bodyToText(body: Body): string {
  return typeof body === 'string' ? body : UTF8.decode(body);
}

export function isJsonType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json') || type === 'application/x-ndjson' || type === 'text/json';
}

function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 512).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || (head.startsWith('<') && head.includes('<body'));
}

/**
 * Adds a body's segments by media type: JSON leaves with their paths, form fields,
 * multipart parts, HTML visible and hidden text, or the body as plain text.
 */
export function addBodySegments(body: Body, contentType: string | undefined, base: string, flow: Flow, out: SegmentCollector): void {
  const media = parseMediaType(contentType);
  if (typeof body !== 'string' && BINARY_TYPES.some((t) => media.type.startsWith(t))) {
    // Binary payloads cannot carry text instructions to a model, but can carry an ASCII secret out.
    if (flow !== 'ingress') out.add(base, 'body', flow, Buffer.from(body).toString('latin1'));
    return;
  }
  const text = bodyToText(body);
  if (text.length === 0) return;
  const trimmed = text.trimStart();
  if (isJsonType(media.type) || (media.type === '' && (trimmed.startsWith('{') || trimmed.startsWith('[')))) {
    const parsed = tryParseJson(text);
    if (parsed.ok) {
      walkJson(parsed.value, `${base}.$`, 'body-leaf', 'body-key', flow, out);
      return;
    }
    if (media.type === 'application/x-ndjson') {
      text.split('\n').forEach((line, i) => {
        const p = line.trim() ? tryParseJson(line) : { ok: false as const };
        if (p.ok) walkJson(p.value, `${base}[${i}].$`, 'body-leaf', 'body-key', flow, out);
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
  const parts = text.split(`--${boundary}`);
  let count = 0;
  for (const raw of parts.slice(1)) {
    if (raw.startsWith('--')) break;
    if (++count > out.limits.maxMultipartParts) {
      out.limit('engine/too-many-parts', base, `More than ${out.limits.maxMultipartParts} multipart parts; the rest were not scanned.`);
      return;
    }
    const split = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
    const headers = split >= 0 ? raw.slice(0, split) : '';
    let body = split >= 0 ? raw.slice(split).replace(/^\r?\n\r?\n/, '') : raw;
    body = body.replace(/\r?\n$/, '');
    const name = /name="([^"]{0,128})"/i.exec(headers)?.[1] ?? `[${count - 1}]`;
    const partType = /content-type:\s*([^\r\n;]{1,128})/i.exec(headers)?.[1];
    addBodySegments(body, partType, `${base}.multipart.${safeLabel(name)}`, flow, out);
  }
}
