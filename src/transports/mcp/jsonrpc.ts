/**
 * JSON-RPC 2.0 message shapes as MCP uses them, and a strict validator. A message that does
 * not validate is never forwarded: the firewall drops and records it (unlike SDKs that skip
 * what they cannot read).
 */

export type JsonRpcId = string | number;

export interface JsonRpcRequest {
  readonly jsonrpc: '2.0';
  readonly id: JsonRpcId;
  readonly method: string;
  readonly params?: unknown;
}

export interface JsonRpcNotification {
  readonly jsonrpc: '2.0';
  readonly method: string;
  readonly params?: unknown;
}

export interface JsonRpcResultResponse {
  readonly jsonrpc: '2.0';
  readonly id: JsonRpcId;
  readonly result: unknown;
}

export interface JsonRpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

export interface JsonRpcErrorResponse {
  readonly jsonrpc: '2.0';
  /** null only when the id of the request could not be determined (JSON-RPC 2.0 §5). */
  readonly id: JsonRpcId | null;
  readonly error: JsonRpcErrorObject;
}

export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResultResponse | JsonRpcErrorResponse;

/** Error codes Tollgate answers with. -32001 is the policy block (issue 3). */
export const RPC_INVALID_REQUEST = -32600;
export const RPC_INTERNAL_ERROR = -32603;
export const RPC_UPSTREAM_GONE = -32000;
export const RPC_BLOCKED = -32001;

export type Validation =
  | { readonly ok: true; readonly message: JsonRpcMessage }
  | {
      readonly ok: false;
      readonly problem: string;
      /** The id, when the value carried a usable one (so a request can still be answered). */
      readonly id?: JsonRpcId;
      /** The method, when the value carried a string one. */
      readonly method?: string;
      /** True when the value was meant as a request or notification (it has no result or error). */
      readonly request?: boolean;
    };

const MAX_ID_CHARS = 256;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function usableId(v: unknown): v is JsonRpcId {
  return (typeof v === 'string' && v.length <= MAX_ID_CHARS) || (typeof v === 'number' && Number.isFinite(v));
}

/** Validates one JSON-RPC message (not a batch). */
export function validateMessage(value: unknown): Validation {
  if (!isObject(value)) return { ok: false, problem: Array.isArray(value) ? 'a batch inside a batch' : 'not a JSON object' };
  const id = usableId(value.id) ? value.id : undefined;
  const method = typeof value.method === 'string' ? value.method : undefined;
  const request = !('result' in value) && !('error' in value);
  const fail = (problem: string): Validation => ({ ok: false, problem, request, ...(id !== undefined ? { id } : {}), ...(method !== undefined ? { method } : {}) });
  if (value.jsonrpc !== '2.0') return fail('jsonrpc is not "2.0"');
  const hasResult = 'result' in value;
  const hasError = 'error' in value;
  if ('method' in value) {
    if (method === undefined || method.length === 0) return fail('method is not a non-empty string');
    if (hasResult || hasError) return fail('a request carries result or error');
    if ('params' in value && !isObject(value.params) && !Array.isArray(value.params)) return fail('params is not an object or array');
    if ('id' in value && id === undefined) return fail('id is not a string or number');
    return { ok: true, message: value as unknown as JsonRpcRequest | JsonRpcNotification };
  }
  if (hasResult === hasError) return fail(hasResult ? 'a response carries both result and error' : 'neither a request (method) nor a response (result or error)');
  if (hasResult) {
    if (id === undefined) return fail('response id is not a string or number');
    return { ok: true, message: value as unknown as JsonRpcResultResponse };
  }
  if (id === undefined && value.id !== null) return fail('error response id is not a string, number or null');
  const err = value.error;
  if (!isObject(err) || typeof err.code !== 'number' || !Number.isInteger(err.code) || typeof err.message !== 'string') {
    return fail('error is not an object with an integer code and a string message');
  }
  return { ok: true, message: value as unknown as JsonRpcErrorResponse };
}

export function isRequest(m: JsonRpcMessage): m is JsonRpcRequest {
  return 'method' in m && 'id' in m;
}

export function isNotification(m: JsonRpcMessage): m is JsonRpcNotification {
  return 'method' in m && !('id' in m);
}

/** Whether `method` is an MCP notification's (they are all notifications/*; a request method sent without an id is not one). */
export function isNotificationMethod(method: string): boolean {
  return method.startsWith('notifications/');
}

export function isResponse(m: JsonRpcMessage): m is JsonRpcResultResponse | JsonRpcErrorResponse {
  return !('method' in m);
}

export function isErrorResponse(m: JsonRpcMessage): m is JsonRpcErrorResponse {
  return 'error' in m;
}

/** A key for a pending-request map: 1 and "1" are different ids. */
export function idKey(id: JsonRpcId): string {
  return typeof id === 'number' ? `n:${id}` : `s:${id}`;
}

export function errorResponse(id: JsonRpcId | null, code: number, message: string, data?: unknown): JsonRpcErrorResponse {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}

/**
 * Deepest nesting of arrays and objects in a parsed value, stopping once past `limit`
 * (iterative, so an attacker-shaped value cannot exhaust the stack).
 */
export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop() as { v: unknown; d: number };
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > limit) return true;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push({ v: c, d: d + 1 });
  }
  return false;
}

/**
 * The same bound on raw JSON text, before parsing: one linear pass counting brackets outside
 * strings, so a line of a million `[` costs a scan, not a million allocations. Strings are
 * skipped with indexOf (a tool result is mostly one long string).
 */
export function textDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  // The next quote and backslash at or after where they were last looked for; -1: none is left;
  // -2: not looked for yet. Each is looked up again only once the scan has passed it, so every
  // character is read a bounded number of times whatever the mix of escapes and strings.
  let quote = -2;
  let backslash = -2;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Inside a string: jump to its closing quote, stepping over escaped characters.
      let from = i + 1;
      for (;;) {
        if (quote !== -1 && quote < from) quote = text.indexOf('"', from);
        // Unterminated: nothing after it is outside a string (and JSON.parse refuses the line).
        if (quote < 0) return false;
        if (backslash !== -1 && backslash < from) backslash = text.indexOf('\\', from);
        if (backslash === -1 || backslash > quote) {
          i = quote + 1;
          break;
        }
        from = backslash + 2;
      }
      continue;
    }
    if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
    i++;
  }
  return false;
}
