// extract/html: splits an HTML document into the text a person would see and the text a
// browser hides but a model reading the page still ingests (comments, hidden elements,
// descriptive attributes). A hand-written, single-pass, bounded tokenizer: no regular
// expressions, no DOM, never throws on malformed input.

export interface HtmlLimits {
  /** Longest input read; the rest is ignored (and `truncated` is set). */
  readonly maxInputChars: number;
  /** Deepest element nesting tracked; deeper elements still contribute text. */
  readonly maxDepth: number;
  /** Most hidden items returned. */
  readonly maxHidden: number;
  /** Longest text kept per hidden item. */
  readonly maxItemChars: number;
  /** Longest visible text kept. */
  readonly maxVisibleChars: number;
}

export const DEFAULT_HTML_LIMITS: HtmlLimits = {
  maxInputChars: 4 * 1024 * 1024,
  maxDepth: 256,
  maxHidden: 500,
  maxItemChars: 64 * 1024,
  maxVisibleChars: 4 * 1024 * 1024,
};

export interface HiddenText {
  /** `html.<kind>[n]`, e.g. `html.comment[0]`, `html.display-none[1]`, `html.attr.alt[0]`. */
  readonly location: string;
  readonly text: string;
}

export interface HtmlExtract {
  readonly visible: string;
  readonly hidden: HiddenText[];
  /** True when a bound (input length, hidden items, item or visible length) cut something off. */
  readonly truncated: boolean;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'keygen', 'frame', 'basefont', 'isindex']);
const RAW_TEXT = new Set(['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext', 'textarea', 'title']);
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'details', 'dialog', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure',
  'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary',
  'table', 'tbody', 'thead', 'tfoot', 'tr', 'td', 'th', 'ul', 'title', 'option', 'caption',
]);
/** Attributes whose text a model may read although the page does not show it as body text. */
const TEXT_ATTRS = new Set(['alt', 'title', 'aria-label', 'aria-description', 'aria-roledescription', 'aria-placeholder', 'placeholder', 'summary', 'label']);
/** Script types that carry data or markup rather than JavaScript. */
const DATA_SCRIPT_TYPES = ['json', 'ld+json', 'template', 'html', 'text/plain', 'markdown', 'x-handlebars', 'x-template', 'x-tmpl', 'mustache'];
const HIDING_CLASSES = new Set(['hidden', 'sr-only', 'visually-hidden', 'visuallyhidden', 'd-none', 'invisible', 'screen-reader-text', 'hide', 'is-hidden', 'u-hidden']);

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—',
  ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', sbquo: '‚', bdquo: '„', laquo: '«', raquo: '»', bull: '•', middot: '·',
  zwj: '\u200d', zwnj: '\u200c', shy: '\u00ad', ensp: '\u2002', emsp: '\u2003', thinsp: '\u2009', lrm: '\u200e', rlm: '\u200f',
  euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶', deg: '°', plusmn: '±', times: '×', divide: '÷', frac12: '½',
  frac14: '¼', frac34: '¾', sup2: '²', sup3: '³', micro: 'µ', iexcl: '¡', iquest: '¿', auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä',
  Ouml: 'Ö', Uuml: 'Ü', szlig: 'ß', eacute: 'é', egrave: 'è', ecirc: 'ê', aacute: 'á', agrave: 'à', acirc: 'â', iacute: 'í',
  oacute: 'ó', uacute: 'ú', ntilde: 'ñ', ccedil: 'ç', Eacute: 'É', Ntilde: 'Ñ', Ccedil: 'Ç', larr: '←', rarr: '→', uarr: '↑',
  darr: '↓', harr: '↔', hearts: '♥', check: '✓', tab: '\t', newline: '\n', colon: ':', sol: '/', bsol: '\\', lpar: '(', rpar: ')',
  lsqb: '[', rsqb: ']', lcub: '{', rcub: '}', excl: '!', num: '#', dollar: '$', percnt: '%', ast: '*', plus: '+', comma: ',',
  period: '.', semi: ';', equals: '=', quest: '?', commat: '@', lowbar: '_', grave: '`', verbar: '|', Tab: '\t', NewLine: '\n',
};

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}
function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}
function isAlnum(code: number): boolean {
  return isAsciiLetter(code) || (code >= 0x30 && code <= 0x39);
}

/** Decodes HTML character references (named, decimal, hex); unknown names stay as written. */
export function decodeEntities(text: string): string {
  if (text.indexOf('&') < 0) return text;
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const amp = text.indexOf('&', i);
    if (amp < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, amp);
    let j = amp + 1;
    if (j < n && text.charCodeAt(j) === 0x23) {
      // numeric
      j++;
      let hex = false;
      if (j < n && (text.charCodeAt(j) | 0x20) === 0x78) {
        hex = true;
        j++;
      }
      const start = j;
      let value = 0;
      while (j < n && j - start < 8) {
        const code = text.charCodeAt(j);
        let digit = -1;
        if (code >= 0x30 && code <= 0x39) digit = code - 0x30;
        else if (hex && (code | 0x20) >= 0x61 && (code | 0x20) <= 0x66) digit = (code | 0x20) - 0x61 + 10;
        if (digit < 0) break;
        value = value * (hex ? 16 : 10) + digit;
        j++;
      }
      if (j === start) {
        out += '&';
        i = amp + 1;
        continue;
      }
      if (j < n && text.charCodeAt(j) === 0x3b) j++;
      const valid = value > 0 && value <= 0x10ffff && !(value >= 0xd800 && value <= 0xdfff);
      out += valid ? String.fromCodePoint(value) : '\ufffd';
      i = j;
      continue;
    }
    const start = j;
    while (j < n && j - start < 32 && isAlnum(text.charCodeAt(j))) j++;
    const name = text.slice(start, j);
    const value = name.length > 0 ? NAMED_ENTITIES[name] : undefined;
    if (value !== undefined) {
      if (j < n && text.charCodeAt(j) === 0x3b) j++;
      out += value;
      i = j;
    } else {
      out += '&';
      i = amp + 1;
    }
  }
  return out;
}

interface Attr {
  readonly name: string;
  readonly value: string;
}

interface OpenElement {
  readonly name: string;
  /** Index into `hidden` buffers when this element starts a hidden region; -1 otherwise. */
  readonly hiddenSlot: number;
  /** Background colour in force for this element's content (own or inherited), normalised. */
  readonly background: string | null;
}

/** Parses `a: b; c: d` into lower-cased pairs; bounded and linear. */
function parseStyle(style: string): Map<string, string> {
  const out = new Map<string, string>();
  const s = style.length > 4096 ? style.slice(0, 4096) : style;
  let i = 0;
  while (i < s.length && out.size < 64) {
    let semi = s.indexOf(';', i);
    if (semi < 0) semi = s.length;
    const decl = s.slice(i, semi);
    const colon = decl.indexOf(':');
    if (colon > 0) {
      const prop = decl.slice(0, colon).trim().toLowerCase();
      let value = decl.slice(colon + 1).trim().toLowerCase();
      const bang = value.indexOf('!important');
      if (bang >= 0) value = value.slice(0, bang).trim();
      if (prop.length > 0) out.set(prop, value);
    }
    i = semi + 1;
  }
  return out;
}

const NAMED_COLORS: Readonly<Record<string, string>> = {
  white: '#ffffff', black: '#000000', red: '#ff0000', green: '#008000', blue: '#0000ff', yellow: '#ffff00', gray: '#808080',
  grey: '#808080', silver: '#c0c0c0', whitesmoke: '#f5f5f5', snow: '#fffafa', ivory: '#fffff0', navy: '#000080', lime: '#00ff00',
};

/** Splits on any of the given separator characters, dropping empty parts. */
function splitOn(s: string, separators: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length && out.length < 256; i++) {
    const ch = s[i] as string;
    if (separators.includes(ch)) {
      if (cur.length > 0) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

function removeSpaces(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) if (!isSpace(s.charCodeAt(i))) out += s[i];
  return out;
}

/** Normalises a simple CSS colour to `#rrggbb`, `transparent`, or itself when it is not simple. */
export function normalizeColor(value: string): string {
  const v = removeSpaces(value.toLowerCase());
  if (v === 'transparent') return 'transparent';
  const named = NAMED_COLORS[v];
  if (named) return named;
  if (v.startsWith('#')) {
    const hex = v.slice(1);
    if (hex.length === 3 || hex.length === 4) {
      const full = hex.split('').map((ch) => ch + ch).join('');
      return hex.length === 4 && full.endsWith('00') ? 'transparent' : `#${full.slice(0, 6)}`;
    }
    if (hex.length === 8) return hex.endsWith('00') ? 'transparent' : `#${hex.slice(0, 6)}`;
    return v;
  }
  if (v.startsWith('rgba(') || v.startsWith('hsla(') || v.startsWith('rgb(') || v.startsWith('hsl(')) {
    const inner = v.slice(v.indexOf('(') + 1, v.lastIndexOf(')') >= 0 ? v.lastIndexOf(')') : v.length);
    const parts = splitOn(inner, ',/').slice(0, 4);
    if (parts.length === 4) {
      const alpha = parts[3] ?? '';
      if (alpha === '0' || alpha === '0%' || alpha === '0.0' || alpha === '.0' || alpha === '0.00') return 'transparent';
    }
    if (v.startsWith('rgb') && parts.length >= 3) {
      const rgb = parts.slice(0, 3).map((p) => Number.parseInt(p, 10));
      if (rgb.every((x) => Number.isFinite(x) && x >= 0 && x <= 255)) {
        return `#${rgb.map((x) => x.toString(16).padStart(2, '0')).join('')}`;
      }
    }
  }
  return v;
}

function isZeroLength(value: string): boolean {
  const v = removeSpaces(value);
  if (v.length === 0) return false;
  let i = 0;
  if (v[i] === '+' || v[i] === '-') i++;
  let digits = 0;
  while (i < v.length && (v[i] === '0' || v[i] === '.')) {
    if (v[i] === '0') digits++;
    i++;
  }
  if (digits === 0 && !(v.startsWith('.') || v.startsWith('0'))) return false;
  const unit = v.slice(i);
  return unit === '' || unit === 'px' || unit === 'em' || unit === 'rem' || unit === 'pt' || unit === '%' || unit === 'vw' || unit === 'vh' || unit === 'ex' || unit === 'ch';
}

/** A large negative offset such as `-9999px` or `-100em`. */
function isFarNegative(value: string): boolean {
  const v = removeSpaces(value);
  if (!v.startsWith('-')) return false;
  const num = Number.parseFloat(v.slice(1));
  if (!Number.isFinite(num)) return false;
  let u = 1;
  while (u < v.length && ((v.charCodeAt(u) >= 0x30 && v.charCodeAt(u) <= 0x39) || v[u] === '.')) u++;
  const unit = v.slice(u);
  if (unit === 'px' || unit === '') return num >= 500;
  if (unit === 'em' || unit === 'rem') return num >= 50;
  if (unit === '%' || unit === 'vw' || unit === 'vh') return num >= 100;
  return num >= 500;
}

/** Why an element's content is hidden, or null when it is visible as far as inline markup tells. */
function hidingReason(name: string, attrs: readonly Attr[], inheritedBackground: string | null): { reason: string | null; background: string | null } {
  let background = inheritedBackground;
  let reason: string | null = null;
  if (name === 'template') reason = 'template';
  else if (name === 'noscript') reason = 'noscript';
  for (const a of attrs) {
    if (reason) break;
    if (a.name === 'hidden') reason = 'hidden-attr';
    else if (a.name === 'aria-hidden' && a.value.trim().toLowerCase() === 'true') reason = 'aria-hidden';
    else if (a.name === 'class') {
      for (const cls of splitOn(a.value.toLowerCase(), ' \t\n\r\f')) {
        if (HIDING_CLASSES.has(cls)) {
          reason = 'hidden-class';
          break;
        }
      }
    }
  }
  const styleAttr = attrs.find((a) => a.name === 'style');
  if (styleAttr) {
    const st = parseStyle(styleAttr.value);
    const bg = st.get('background-color') ?? st.get('background');
    if (bg !== undefined) {
      const norm = normalizeColor(bg.split(' ')[0] ?? bg);
      if (norm !== 'transparent') background = norm;
    }
    if (!reason) {
      const display = st.get('display');
      const visibility = st.get('visibility');
      const opacity = st.get('opacity');
      const fontSize = st.get('font-size');
      const color = st.get('color');
      const position = st.get('position');
      if (display === 'none') reason = 'display-none';
      else if (visibility === 'hidden' || visibility === 'collapse') reason = 'visibility-hidden';
      else if (fontSize !== undefined && isZeroLength(fontSize)) reason = 'font-size-0';
      else if (opacity !== undefined && (isZeroLength(opacity) || removeSpaces(opacity) === '0.0')) reason = 'opacity-0';
      else if (color !== undefined && normalizeColor(color) === 'transparent') reason = 'transparent-text';
      else if (color !== undefined && background !== null && normalizeColor(color) === background) reason = 'color-match';
      else if (
        (position === 'absolute' || position === 'fixed' || position === 'relative') &&
        ['left', 'top', 'right', 'bottom', 'margin-left', 'margin-top'].some((p) => {
          const v = st.get(p);
          return v !== undefined && isFarNegative(v);
        })
      )
        reason = 'offscreen';
      else if (st.get('text-indent') !== undefined && isFarNegative(st.get('text-indent') as string)) reason = 'offscreen';
      else if (
        removeSpaces(st.get('clip') ?? '').startsWith('rect(0') ||
        removeSpaces(st.get('clip-path') ?? '').startsWith('inset(50%') ||
        removeSpaces(st.get('transform') ?? '').startsWith('scale(0)')
      )
        reason = 'clipped';
      else if (
        ((st.get('width') !== undefined && isZeroLength(st.get('width') as string)) ||
          (st.get('height') !== undefined && isZeroLength(st.get('height') as string)) ||
          (st.get('max-height') !== undefined && isZeroLength(st.get('max-height') as string))) &&
        (st.get('overflow') === 'hidden' || st.get('overflow-y') === 'hidden' || st.get('overflow-x') === 'hidden')
      )
        reason = 'zero-size';
    }
  }
  return { reason, background };
}

/** Splits an HTML document into visible text and hidden text. Total: never throws. */
export function extractHtml(html: string, limits: Partial<HtmlLimits> = {}): HtmlExtract {
  const lim: HtmlLimits = { ...DEFAULT_HTML_LIMITS, ...limits };
  let truncated = false;
  let src = typeof html === 'string' ? html : String(html ?? '');
  if (src.length > lim.maxInputChars) {
    src = src.slice(0, lim.maxInputChars);
    truncated = true;
  }
  const n = src.length;

  let visible = '';
  const hidden: HiddenText[] = [];
  const counters = new Map<string, number>();
  /** Text buffers of open hidden regions, by slot. */
  const slots: { kind: string; text: string }[] = [];
  const stack: OpenElement[] = [];

  const nextLocation = (kind: string): string => {
    const k = counters.get(kind) ?? 0;
    counters.set(kind, k + 1);
    return `html.${kind}[${k}]`;
  };
  const addHidden = (kind: string, text: string): void => {
    const t = collapse(text);
    if (t.length === 0) return;
    if (hidden.length >= lim.maxHidden) {
      truncated = true;
      return;
    }
    let kept = t;
    if (kept.length > lim.maxItemChars) {
      kept = kept.slice(0, lim.maxItemChars);
      truncated = true;
    }
    hidden.push({ location: nextLocation(kind), text: kept });
  };
  const currentSlot = (): number => {
    for (let k = stack.length - 1; k >= 0; k--) {
      const el = stack[k] as OpenElement;
      if (el.hiddenSlot >= 0) return el.hiddenSlot;
    }
    return -1;
  };
  const emitText = (text: string): void => {
    if (text.length === 0) return;
    const slot = currentSlot();
    if (slot >= 0) {
      const buf = slots[slot] as { kind: string; text: string };
      if (buf.text.length < lim.maxItemChars) buf.text += text;
      else truncated = true;
      return;
    }
    if (visible.length < lim.maxVisibleChars) visible += text;
    else truncated = true;
  };
  const emitBreak = (): void => {
    const slot = currentSlot();
    if (slot >= 0) {
      const buf = slots[slot] as { kind: string; text: string };
      if (buf.text.length < lim.maxItemChars) buf.text += ' ';
    } else if (visible.length < lim.maxVisibleChars && visible.length > 0 && !visible.endsWith('\n')) visible += '\n';
  };
  const closeElement = (el: OpenElement): void => {
    if (el.hiddenSlot >= 0) {
      const buf = slots[el.hiddenSlot] as { kind: string; text: string };
      // A hidden region inside another hidden region keeps its own item; text was routed to the innermost.
      addHidden(buf.kind, buf.text);
      buf.text = '';
    }
  };
  const background = (): string | null => (stack.length > 0 ? (stack[stack.length - 1] as OpenElement).background : null);

  let i = 0;
  while (i < n) {
    const lt = src.indexOf('<', i);
    if (lt < 0) {
      emitText(decodeEntities(src.slice(i)));
      break;
    }
    if (lt > i) emitText(decodeEntities(src.slice(i, lt)));
    i = lt;
    const next = i + 1 < n ? src.charCodeAt(i + 1) : -1;

    // comment
    if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i + 4);
      const body = end < 0 ? src.slice(i + 4) : src.slice(i + 4, end);
      addHidden('comment', body);
      i = end < 0 ? n : end + 3;
      continue;
    }
    // CDATA: its text is content
    if (src.startsWith('<![CDATA[', i)) {
      const end = src.indexOf(']]>', i + 9);
      emitText(end < 0 ? src.slice(i + 9) : src.slice(i + 9, end));
      i = end < 0 ? n : end + 3;
      continue;
    }
    // doctype, processing instruction, bogus comment
    if (next === 0x21 || next === 0x3f) {
      const end = src.indexOf('>', i + 2);
      i = end < 0 ? n : end + 1;
      continue;
    }
    // end tag
    if (next === 0x2f) {
      let j = i + 2;
      const start = j;
      while (j < n && !isSpace(src.charCodeAt(j)) && src.charCodeAt(j) !== 0x3e && src.charCodeAt(j) !== 0x2f) j++;
      const name = src.slice(start, j).toLowerCase();
      const end = src.indexOf('>', j);
      i = end < 0 ? n : end + 1;
      if (name.length === 0) continue;
      if (BLOCK.has(name)) emitBreak();
      // pop to the matching element, looking only a bounded way down
      for (let k = stack.length - 1; k >= 0 && stack.length - k <= 64; k--) {
        if ((stack[k] as OpenElement).name === name) {
          while (stack.length > k) closeElement(stack.pop() as OpenElement);
          break;
        }
      }
      continue;
    }
    // start tag must begin with a letter; otherwise '<' is text
    if (!isAsciiLetter(next)) {
      emitText('<');
      i++;
      continue;
    }
    let j = i + 1;
    const nameStart = j;
    while (j < n && !isSpace(src.charCodeAt(j)) && src.charCodeAt(j) !== 0x3e && src.charCodeAt(j) !== 0x2f) j++;
    const name = src.slice(nameStart, j).toLowerCase();
    // attributes
    const attrs: Attr[] = [];
    let selfClosing = false;
    while (j < n) {
      while (j < n && (isSpace(src.charCodeAt(j)) || src.charCodeAt(j) === 0x2f)) {
        if (src.charCodeAt(j) === 0x2f) selfClosing = true;
        j++;
      }
      if (j >= n) break;
      if (src.charCodeAt(j) === 0x3e) {
        j++;
        break;
      }
      selfClosing = false;
      const an = j;
      while (j < n && !isSpace(src.charCodeAt(j)) && src.charCodeAt(j) !== 0x3e && src.charCodeAt(j) !== 0x3d && src.charCodeAt(j) !== 0x2f) j++;
      // a lone '=' or other odd byte: skip it so the loop always advances
      if (j === an) {
        j++;
        continue;
      }
      const attrName = src.slice(an, j).toLowerCase();
      while (j < n && isSpace(src.charCodeAt(j))) j++;
      let value = '';
      if (j < n && src.charCodeAt(j) === 0x3d) {
        j++;
        while (j < n && isSpace(src.charCodeAt(j))) j++;
        const q = j < n ? src.charCodeAt(j) : -1;
        if (q === 0x22 || q === 0x27) {
          const close = src.indexOf(q === 0x22 ? '"' : "'", j + 1);
          value = close < 0 ? src.slice(j + 1) : src.slice(j + 1, close);
          j = close < 0 ? n : close + 1;
        } else {
          const vs = j;
          while (j < n && !isSpace(src.charCodeAt(j)) && src.charCodeAt(j) !== 0x3e) j++;
          value = src.slice(vs, j);
        }
      }
      if (attrs.length < 256) attrs.push({ name: attrName, value: decodeEntities(value) });
    }
    i = j;

    // descriptive attributes are hidden text in their own right
    collectAttributeText(name, attrs, addHidden);
    if (BLOCK.has(name)) emitBreak();

    if (VOID.has(name) || selfClosing) continue;

    const { reason, background: bg } = hidingReason(name, attrs, background());
    let slot = -1;
    if (reason) {
      slots.push({ kind: reason, text: '' });
      slot = slots.length - 1;
    }
    const element: OpenElement = { name, hiddenSlot: slot, background: bg };

    if (RAW_TEXT.has(name)) {
      // raw text runs to the matching end tag (case-insensitive), or to the end of input
      const end = findEndTag(src, i, name);
      const body = src.slice(i, end.contentEnd);
      i = end.next;
      if (name === 'script') {
        const type = (attrs.find((a) => a.name === 'type')?.value ?? '').toLowerCase();
        if (type.length > 0 && DATA_SCRIPT_TYPES.some((t) => type.includes(t))) addHidden('script-data', body);
      } else if (name === 'textarea' || name === 'title') {
        if (reason) addHidden(reason, decodeEntities(body));
        else {
          emitText(decodeEntities(body));
          emitBreak();
        }
      } else if (name === 'noembed' || name === 'noframes' || name === 'iframe') {
        addHidden(name, stripTags(body));
      } else if (name === 'xmp' || name === 'plaintext') {
        // Browsers render these as literal visible text.
        if (reason) addHidden(reason, body);
        else {
          emitText(body);
          emitBreak();
        }
      } else if (name === 'style') {
        // CSS is not read as prose, but `content: "..."` strings are rendered; keep the sheet as hidden text.
        if (body.trim()) addHidden('style', body);
      }
      continue;
    }

    if (stack.length < lim.maxDepth) stack.push(element);
    else if (slot >= 0) {
      // too deep to track: report what the hidden element's own start carries and move on
      truncated = true;
      slots.pop();
    }
  }
  while (stack.length > 0) closeElement(stack.pop() as OpenElement);

  return { visible: tidyVisible(visible), hidden, truncated };
}

function collectAttributeText(tag: string, attrs: readonly Attr[], add: (kind: string, text: string) => void): void {
  const isHiddenInput = tag === 'input' && attrs.some((a) => a.name === 'type' && a.value.trim().toLowerCase() === 'hidden');
  const isMeta = tag === 'meta';
  for (const a of attrs) {
    if (TEXT_ATTRS.has(a.name)) add(`attr.${a.name}`, a.value);
    else if (a.name.startsWith('data-') && a.name.length > 5) add('attr.data', a.value);
    else if (isMeta && a.name === 'content') add('meta.content', a.value);
    else if (isHiddenInput && a.name === 'value') add('input-hidden', a.value);
  }
}

function findEndTag(src: string, from: number, name: string): { contentEnd: number; next: number } {
  let pos = from;
  const n = src.length;
  while (pos < n) {
    const lt = src.indexOf('</', pos);
    if (lt < 0) break;
    let k = 0;
    while (k < name.length && lt + 2 + k < n && (src.charCodeAt(lt + 2 + k) | 0x20) === name.charCodeAt(k)) k++;
    const after = lt + 2 + k < n ? src.charCodeAt(lt + 2 + k) : -1;
    if (k === name.length && (after === -1 || after === 0x3e || after === 0x2f || isSpace(after))) {
      const gt = src.indexOf('>', lt + 2 + k);
      return { contentEnd: lt, next: gt < 0 ? n : gt + 1 };
    }
    pos = lt + 2;
  }
  return { contentEnd: n, next: n };
}

/** Text of a markup fragment without its tags (used for raw-text fallbacks). */
function stripTags(fragment: string): string {
  let out = '';
  let inTag = false;
  for (let i = 0; i < fragment.length; i++) {
    const ch = fragment[i] as string;
    if (ch === '<') inTag = true;
    else if (ch === '>') {
      if (inTag) out += ' ';
      inTag = false;
    } else if (!inTag) out += ch;
  }
  return decodeEntities(out);
}

/** Collapses whitespace runs to single spaces and trims. */
function collapse(text: string): string {
  let out = '';
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isSpace(code) || code === 0xa0) {
      space = out.length > 0;
    } else {
      if (space) out += ' ';
      space = false;
      out += text[i];
    }
  }
  return out;
}

/** Collapses spaces within lines and drops blank lines, so visible text reads like the page. */
function tidyVisible(text: string): string {
  const lines: string[] = [];
  let line = '';
  let space = false;
  const flush = (): void => {
    if (line.length > 0) lines.push(line);
    line = '';
    space = false;
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a) flush();
    else if (isSpace(code) || code === 0xa0) space = line.length > 0;
    else {
      if (space) line += ' ';
      space = false;
      line += text[i];
    }
  }
  flush();
  return lines.join('\n');
}
