import type { Flow, HeaderMap, ScanInput, ToolDefinition } from '../core/index.ts';
import { assertNever } from '../core/index.ts';
import type { NormalizeLimits } from '../normalize/index.ts';
import type { ScanView } from '../scanners/types.ts';
import { addBodySegments, bodyToText } from './body.ts';
import { SegmentCollector } from './collector.ts';
import { keyStep, tryParseJson, walkJson } from './json-walk.ts';
import type { ExtractLimits } from './limits.ts';
import { addQuerySegments, addUrlSegments, safeLabel } from './url-parts.ts';
import { isInertHeader } from './inert-headers.ts';

export interface Extraction {
  readonly view: ScanView;
  /** Limit findings: what could not be read in full. Any of these blocks by the fail-closed rule. */
  readonly findings: SegmentCollector['findings'];
}

export interface ExtractOptions {
  /**
   * Leave out header values that follow an inert grammar exactly (an HTTP date, a short Content-Length:
   * see inert-headers.ts). Only for a caller whose every scanner finds nothing in such a value: the
   * engine sets it when no known-secret values are configured (an operator's value could be any text).
   */
  readonly inertHeaders?: boolean;
}

function byteLength(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (value instanceof Uint8Array) return value.byteLength;
  return 0;
}

/** Turns any ScanInput into located segments, once, for every scanner to share. */
export function extract(input: ScanInput, limits: ExtractLimits, normalizeLimits: NormalizeLimits, options: ExtractOptions = {}): Extraction {
  const out = new SegmentCollector(limits, normalizeLimits);
  const inert = options.inertHeaders === true;
  let url: string | undefined;
  switch (input.kind) {
    case 'url':
      url = input.url;
      if (checkUrl(input.url, 'url', out)) addUrlSegments(input.url, 'url', 'egress', out);
      break;
    case 'request':
      url = input.url;
      if (checkUrl(input.url, 'url', out)) addUrlSegments(input.url, 'url', 'egress', out);
      addHeaders(input.headers, 'egress', out, inert);
      checkEncoding(input.headers, out);
      if (input.body !== undefined && checkSize(input.body, 'body', out)) {
        addBodySegments(input.body, input.contentType ?? headerValue(input.headers, 'content-type'), 'body', 'egress', out);
      }
      break;
    case 'response':
      url = input.url;
      // Response headers reach the agent too (and a reader may show them to the model).
      addHeaders(input.headers, 'ingress', out, inert);
      checkEncoding(input.headers, out);
      if (checkSize(input.body, 'body', out)) {
        addBodySegments(input.body, input.contentType ?? headerValue(input.headers, 'content-type'), 'body', 'ingress', out);
      }
      break;
    case 'text':
      if (checkSize(input.text, 'text', out)) out.add('text', 'text', input.flow ?? 'neutral', input.text);
      break;
    case 'tools':
      if (checkSize(JSON.stringify(input.tools ?? null), 'tools', out)) addTools(input.tools, out);
      break;
    case 'tool-call':
      out.add(`tool.${safeLabel(input.name)}.name`, 'tool-name', 'egress', input.name);
      if (checkSize(JSON.stringify(input.arguments ?? null), `tool.${safeLabel(input.name)}.args`, out)) {
        walkJson(argumentsValue(input.arguments), `tool.${safeLabel(input.name)}.args.$`, 'tool-argument', 'tool-argument', 'egress', out);
      }
      break;
    case 'tool-result':
      if (input.name) out.add('result.name', 'tool-name', 'ingress', input.name);
      if (checkSize(JSON.stringify(input.content ?? null), 'result', out)) {
        walkJson(input.content, 'result.$', 'tool-result', 'tool-result', 'ingress', out, { keysOnce: true });
      }
      break;
    case 'mcp-client-message': {
      const base = `mcp.${safeLabel(input.method)}`;
      // The method name goes to the server too, so it is a channel like any other string.
      out.add(`${base}.method`, 'text', 'egress', input.method);
      if (checkSize(JSON.stringify(input.params ?? null), `${base}.params`, out)) {
        // Read as an egress JSON body (DLP by field name, known secrets, entropy, split secrets),
        // not as tool arguments: the tool policy and SSRF's argument URLs are for tool calls
        // (a client's roots are file:// URIs).
        walkJson(input.params, `${base}.params.$`, 'body-leaf', 'body-key', 'egress', out, { keysOnce: true });
      }
      break;
    }
    case 'websocket': {
      url = input.url;
      const flow: Flow = input.direction === 'outbound' ? 'egress' : 'ingress';
      // The connection URL was dialled by the agent: egress, whichever way the message goes.
      if (input.url !== undefined && checkUrl(input.url, 'url', out)) addUrlSegments(input.url, 'url', 'egress', out);
      if (!checkSize(input.data, 'ws.message', out)) break;
      const text = bodyToText(input.data);
      const trimmed = text.trimStart();
      const parsed = trimmed.startsWith('{') || trimmed.startsWith('[') ? tryParseJson(text) : { ok: false as const };
      if (parsed.ok) walkJson(parsed.value, 'ws.message.$', 'ws-message', 'ws-message', flow, out);
      else out.add('ws.message', 'ws-message', flow, text);
      break;
    }
    default:
      assertNever(input, 'scan input kind');
  }
  const view: ScanView = url === undefined ? { input, segments: out.segments } : { input, segments: out.segments, url };
  return { view, findings: out.findings };
}

/**
 * A tool call's arguments as the tool will read them. Arguments sent as a string holding a JSON
 * object or array (OpenAI's `tool_calls[].function.arguments` is always one; a client may send MCP
 * `tools/call` arguments that way) are parsed and judged as that value: walked as a string, the
 * shell command in `{"cmd":"…"}` was one opaque leaf the tool policy could not read as a command.
 * The string was already size-checked; the parsed value is depth-checked by the walk like any JSON.
 * Anything else, a string that does not parse included, is judged as it is.
 */
function argumentsValue(args: unknown): unknown {
  if (typeof args !== 'string') return args;
  const head = args.trimStart().charAt(0);
  if (head !== '{' && head !== '[') return args;
  const parsed = tryParseJson(args);
  return parsed.ok && parsed.value !== null && typeof parsed.value === 'object' ? parsed.value : args;
}

function checkSize(value: unknown, location: string, out: SegmentCollector): boolean {
  const size = byteLength(value);
  if (size > out.limits.maxInputBytes) {
    out.limit('engine/input-too-large', location, `The input is ${size} bytes, over the ${out.limits.maxInputBytes}-byte limit; it was not scanned and is blocked.`);
    return false;
  }
  return true;
}

function checkUrl(url: string, location: string, out: SegmentCollector): boolean {
  if (url.length > out.limits.maxUrlLength) {
    out.limit('engine/input-too-large', location, `The URL is ${url.length} characters, over the ${out.limits.maxUrlLength}-character limit; it is blocked.`);
    return false;
  }
  return true;
}

/**
 * Bodies reach the engine already decoded by the transport; a body still marked with a
 * content coding (gzip, br…) is bytes the engine cannot read, so it blocks (fail closed).
 */
function checkEncoding(headers: HeaderMap | undefined, out: SegmentCollector): void {
  const coding = headerValue(headers, 'content-encoding')?.trim().toLowerCase();
  if (coding && coding !== 'identity') {
    out.limit('engine/unsupported-encoding', 'header.content-encoding', `The body is marked Content-Encoding: ${coding.slice(0, 40)}; the transport must decode it before scanning, so it is blocked.`);
  }
}

export function headerValue(headers: HeaderMap | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v.join(', ') : (v as string | undefined);
  }
  return undefined;
}

function addHeaders(headers: HeaderMap | undefined, flow: Flow, out: SegmentCollector, skipInert: boolean): void {
  if (!headers) return;
  let total = 0;
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const values = Array.isArray(rawValue) ? rawValue : rawValue === undefined ? [] : [rawValue as string];
    const lower = rawName.toLowerCase();
    const name = safeLabel(lower);
    for (const value of values) {
      total += rawName.length + value.length;
      if (total > out.limits.maxHeaderBytes) {
        out.limit('engine/input-too-large', 'header', `Headers exceed ${out.limits.maxHeaderBytes} bytes; the request is blocked.`);
        return;
      }
      if (skipInert && isInertHeader(lower, value)) continue;
      out.add(`header.${name}`, 'header', flow, value);
      if (name === 'cookie') addQuerySegments(value.replace(/;\s*/g, ';'), 'header.cookie', 'body-key', 'body-leaf', flow, out);
    }
  }
}

function addTools(tools: readonly ToolDefinition[], out: SegmentCollector): void {
  tools.forEach((tool, i) => {
    const name = typeof tool?.name === 'string' ? tool.name : `[${i}]`;
    const base = `tools.${safeLabel(name)}`;
    out.add(`${base}.name`, 'tool-name', 'ingress', name);
    if (typeof tool?.title === 'string') out.add(`${base}.title`, 'tool-description', 'ingress', tool.title);
    if (typeof tool?.description === 'string') out.add(`${base}.description`, 'tool-description', 'ingress', tool.description);
    for (const [key, value] of Object.entries(tool ?? {})) {
      if (key === 'name' || key === 'title' || key === 'description') continue;
      walkJson(value, base + keyStep(key), 'tool-schema', 'tool-schema', 'ingress', out);
    }
  });
}
