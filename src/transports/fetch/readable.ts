// The readable form of a fetched page: for HTML, the text a person sees (scripts, styles, templates,
// noscript and hidden elements dropped) and the title; for text and JSON, the text itself; for
// anything else, nothing. The HTML split is the engine's own (extract/html.ts), so the text
// returned is exactly the text the engine scanned as the page's visible body.
import { decodeEntities, extractHtml } from '../../extract/html.ts';
import { isJsonType, looksLikeHtml, parseMediaType } from '../../extract/body.ts';

export interface Readable {
  readonly kind: 'html' | 'text' | 'binary' | 'undecodable';
  readonly title: string;
  readonly text: string;
}

/** Only the head of a document is searched for its title. */
const TITLE_SEARCH_CHARS = 256 * 1024;
const MAX_TITLE_CHARS = 1024;
/** Elements whose content is not markup: a `<title>` inside them is not the page's title. */
const OPAQUE = ['script', 'style', 'template', 'noscript', 'textarea', 'xmp', 'iframe', 'noembed', 'noframes'];

function decodeText(body: Uint8Array, charset: string | undefined): string | null {
  try {
    return new TextDecoder(charset && charset.length <= 40 ? charset.toLowerCase() : 'utf-8', { fatal: false }).decode(body);
  } catch {
    return null;
  }
}

function isTextType(type: string): boolean {
  return (
    type === '' ||
    type.startsWith('text/') ||
    isJsonType(type) ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript' ||
    type === 'application/x-www-form-urlencoded'
  );
}

export function isHtmlType(type: string, text: string): boolean {
  return type === 'text/html' || type === 'application/xhtml+xml' || (type === '' && looksLikeHtml(text));
}

/** Turns a decoded (content-coding undone) body into what the agent reads. Total: never throws. */
export function readable(body: Uint8Array, contentType: string | undefined): Readable {
  const media = parseMediaType(contentType);
  if (!isTextType(media.type)) return { kind: 'binary', title: '', text: '' };
  const text = decodeText(body, media.params.charset);
  if (text === null) return { kind: 'undecodable', title: '', text: '' };
  if (isHtmlType(media.type, text)) {
    return { kind: 'html', title: htmlTitle(text), text: extractHtml(text).visible };
  }
  return { kind: 'text', title: '', text };
}

function isLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
}

/** The lower-cased tag name starting at `at` (just after `<` or `</`). */
function tagNameAt(src: string, at: number): string {
  let j = at;
  while (j < src.length && j - at < 16 && isLetter(src.charCodeAt(j))) j++;
  return src.slice(at, j).toLowerCase();
}

/** Index of `</name` (ASCII case-insensitive) at or after `from`, or -1. */
function endTagAt(src: string, from: number, name: string): number {
  let pos = from;
  for (;;) {
    const lt = src.indexOf('</', pos);
    if (lt < 0) return -1;
    if (tagNameAt(src, lt + 2) === name) return lt;
    pos = lt + 2;
  }
}

/** Whitespace runs to one space, trimmed (a loop: the input is page text). */
function collapse(text: string): string {
  let out = '';
  let space = false;
  for (const ch of text) {
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\u00a0') space = out.length > 0;
    else {
      if (space) out += ' ';
      space = false;
      out += ch;
    }
  }
  return out;
}

/** The document title: the first `<title>` outside comments and raw-text elements, before `<body>`. */
export function htmlTitle(html: string): string {
  const src = html.length > TITLE_SEARCH_CHARS ? html.slice(0, TITLE_SEARCH_CHARS) : html;
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    if (lt < 0) return '';
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt + 4);
      if (end < 0) return '';
      i = end + 3;
      continue;
    }
    const name = tagNameAt(src, lt + 1);
    const gt = name ? src.indexOf('>', lt) : -1;
    if (name === 'body') return '';
    if (name === 'title' && gt >= 0) {
      const end = endTagAt(src, gt + 1, 'title');
      const raw = src.slice(gt + 1, end < 0 ? Math.min(src.length, gt + 1 + MAX_TITLE_CHARS * 4) : end);
      return collapse(decodeEntities(raw.slice(0, MAX_TITLE_CHARS * 4))).slice(0, MAX_TITLE_CHARS);
    }
    if (OPAQUE.includes(name) && gt >= 0) {
      const end = endTagAt(src, gt + 1, name);
      if (end < 0) return '';
      i = end + 2;
      continue;
    }
    i = lt + 1;
  }
  return '';
}
