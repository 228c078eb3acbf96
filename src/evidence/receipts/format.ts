/**
 * The receipt record, format version 1. One record per line of a receipts file; each line is
 * the RFC 8785 canonical JSON of the record, signature included, followed by "\n".
 *
 * - `seq` counts every record of the chain from 0 (the genesis record), across all types.
 * - `prev` is the hex SHA-256 of the previous line's bytes (its canonical JSON, `sig`
 *   included, without the newline). The genesis record's `prev` is GENESIS_PREV (64 zeros).
 * - `sig` is the base64url (unpadded) Ed25519 signature, by the key `keyId`, over the canonical
 *   JSON of the record without `sig`.
 *
 * FIELDS below is the one definition of every record type: the verifier checks records
 * against it, and docs/receipt.schema.json is generated from it (json-schema.ts).
 */
import * as nodeCrypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { isWellFormed } from './canonical.ts';
import { ACTIONS, SEVERITIES, SEVERITY_RANK, type Action, type DecisionEvent, type Mode, type Severity } from '../../core/index.ts';

export const FORMAT_VERSION = 1;
export const GENESIS_PREV = '0'.repeat(64);
export const RECORD_TYPES = ['genesis', 'decision', 'checkpoint', 'key-rotation', 'gap'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
export const CHECKPOINT_TRIGGERS = ['interval', 'close'] as const;
export const GAP_CAUSES = ['dropped', 'unclean-shutdown', 'write-error'] as const;
export type GapCause = (typeof GAP_CAUSES)[number];

/** Bounds on what a record may hold, so a line stays small whatever the event carried. */
export const LIMITS = { reason: 1024, id: 128, list: 32, line: 128 * 1024 } as const;

interface RecordBase {
  readonly v: 1;
  readonly type: RecordType;
  readonly seq: number;
  readonly time: string;
  readonly keyId: string;
  readonly prev: string;
  readonly sig: string;
}
export interface GenesisRecord extends RecordBase {
  readonly type: 'genesis';
  readonly publicKey: string;
  readonly chainId: string;
}
export interface DecisionRecord extends RecordBase {
  readonly type: 'decision';
  readonly event: string;
  readonly transport: string;
  readonly agent?: string;
  readonly session?: string;
  readonly requestId: string;
  readonly method?: string;
  readonly action: Action;
  readonly mode: Mode;
  readonly wouldHave?: Action;
  readonly reason: string;
  readonly rules: readonly string[];
  readonly categories: readonly string[];
  readonly mitre: readonly string[];
  readonly severity?: Severity;
  readonly targetHash?: string;
  readonly policyHash: string;
}
export interface CheckpointRecord extends RecordBase {
  readonly type: 'checkpoint';
  readonly count: number;
  readonly head: string;
  readonly trigger: (typeof CHECKPOINT_TRIGGERS)[number];
}
export interface KeyRotationRecord extends RecordBase {
  readonly type: 'key-rotation';
  readonly newKeyId: string;
  readonly newPublicKey: string;
}
export interface GapRecord extends RecordBase {
  readonly type: 'gap';
  readonly cause: GapCause;
  readonly lost?: number;
  readonly tornBytes?: number;
  readonly tornSha256?: string;
}
export type ReceiptRecord = GenesisRecord | DecisionRecord | CheckpointRecord | KeyRotationRecord | GapRecord;

type BaseKey = 'v' | 'seq' | 'time' | 'keyId' | 'prev' | 'sig';
type BodyOf<R> = R extends ReceiptRecord ? Omit<R, BaseKey> : never;
/** What a caller supplies; the chain adds v, seq, time (unless given), keyId, prev and sig. */
export type RecordBody = BodyOf<ReceiptRecord> & { readonly time?: string };

// ---- field table ---------------------------------------------------------------------

export type TextFormat = 'hex64' | 'hex16' | 'hex32' | 'sig' | 'pubkey' | 'time';
export type FieldSpec = { readonly required: boolean; readonly description: string } & (
  | { readonly kind: 'const'; readonly value: number | string }
  | { readonly kind: 'int' }
  | { readonly kind: 'string'; readonly maxLength: number; readonly format?: TextFormat }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'strings'; readonly maxItems: number; readonly maxLength: number }
);

const req = true;
const opt = false;
const BASE: Record<BaseKey | 'type', FieldSpec> = {
  v: { required: req, kind: 'const', value: FORMAT_VERSION, description: 'Format version.' },
  type: { required: req, kind: 'enum', values: RECORD_TYPES, description: 'Record type.' },
  seq: { required: req, kind: 'int', description: 'Position in the chain, from 0 (genesis), consecutive across all record types.' },
  time: { required: req, kind: 'string', maxLength: 40, format: 'time', description: 'ISO-8601 UTC time (decision time for decisions, writer clock otherwise).' },
  keyId: { required: req, kind: 'string', maxLength: 16, format: 'hex16', description: 'Signing key: first 16 hex chars of SHA-256 of the raw 32-byte Ed25519 public key.' },
  prev: {
    required: req,
    kind: 'string',
    maxLength: 64,
    format: 'hex64',
    description: 'Hex SHA-256 of the previous line (its canonical JSON with sig, no newline); 64 zeros for the genesis record.',
  },
  sig: { required: req, kind: 'string', maxLength: 86, format: 'sig', description: 'base64url (unpadded) Ed25519 signature over the canonical JSON of this record without sig.' },
};

const text = (maxLength: number, description: string, required = req): FieldSpec => ({ required, kind: 'string', maxLength, description });
const list = (description: string): FieldSpec => ({ required: req, kind: 'strings', maxItems: LIMITS.list, maxLength: LIMITS.id, description });

export const FIELDS: Record<RecordType, Record<string, FieldSpec>> = {
  genesis: {
    ...BASE,
    publicKey: { required: req, kind: 'string', maxLength: 43, format: 'pubkey', description: 'The raw 32-byte Ed25519 public key of keyId, base64url (unpadded).' },
    chainId: { required: req, kind: 'string', maxLength: 32, format: 'hex32', description: 'Random id of this chain (128 bits, hex).' },
  },
  decision: {
    ...BASE,
    event: text(LIMITS.id, 'What was adjudicated (request, response, tunnel, frame, tool-call, …).'),
    transport: text(LIMITS.id, 'The wire the decision was made on (scan-api, http-forward, mcp-stdio, …).'),
    agent: text(LIMITS.id, 'Agent name, when known.', opt),
    session: text(LIMITS.id, 'Session id, when known.', opt),
    requestId: text(LIMITS.id, 'Request id, unique per decision within a process run.'),
    method: text(LIMITS.id, 'HTTP method, JSON-RPC method or WebSocket direction.', opt),
    action: { required: req, kind: 'enum', values: ACTIONS, description: 'What was enforced.' },
    mode: { required: req, kind: 'enum', values: ['enforce', 'audit'], description: 'enforce or audit.' },
    wouldHave: { required: opt, kind: 'enum', values: ACTIONS, description: 'Audit mode: what enforce would have done.' },
    reason: text(LIMITS.reason, 'The verdict reason (a sentence; carries no secret).'),
    rules: list('Rule ids of the findings, in verdict order, without repeats.'),
    categories: list('Finding categories, without repeats.'),
    mitre: list('MITRE ATT&CK technique ids, without repeats.'),
    severity: { required: opt, kind: 'enum', values: SEVERITIES, description: 'Highest finding severity (absent without findings).' },
    targetHash: { required: opt, kind: 'string', maxLength: 64, format: 'hex64', description: 'Hex SHA-256 of the (already redacted) target; the target itself is never stored.' },
    policyHash: text(LIMITS.id, 'Hash of the effective config (the policy hash).'),
  },
  checkpoint: {
    ...BASE,
    count: { required: req, kind: 'int', description: 'Number of records before this one (equals seq).' },
    head: { required: req, kind: 'string', maxLength: 64, format: 'hex64', description: 'Hash of the record before this one (equals prev): the head this checkpoint vouches for.' },
    trigger: { required: req, kind: 'enum', values: CHECKPOINT_TRIGGERS, description: 'interval: every checkpointEvery records; close: the writer shut down cleanly.' },
  },
  'key-rotation': {
    ...BASE,
    newKeyId: { required: req, kind: 'string', maxLength: 16, format: 'hex16', description: 'Key id of the key that signs every later record.' },
    newPublicKey: { required: req, kind: 'string', maxLength: 43, format: 'pubkey', description: 'Its raw Ed25519 public key, base64url (unpadded).' },
  },
  gap: {
    ...BASE,
    cause: {
      required: req,
      kind: 'enum',
      values: GAP_CAUSES,
      description: 'dropped: events not recorded (queue full or unrecordable); unclean-shutdown: the previous writer stopped without closing; write-error: a batch failed to write.',
    },
    lost: { required: opt, kind: 'int', description: 'Decision events known to be missing (absent when unknown, as after an unclean shutdown).' },
    tornBytes: { required: opt, kind: 'int', description: 'Bytes of a torn last line removed at start-up (kept in a side file).' },
    tornSha256: { required: opt, kind: 'string', maxLength: 64, format: 'hex64', description: 'Hex SHA-256 of those bytes.' },
  },
};

// ---- checks (no regular expressions: these run on untrusted files) -------------------------

function allIn(s: string, ok: (c: number) => boolean): boolean {
  for (let i = 0; i < s.length; i++) if (!ok(s.charCodeAt(i))) return false;
  return true;
}
const isLowerHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isB64url = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || isDigit(c) || c === 45 || c === 95;

/** Where `YYYY-MM-DDTHH:MM:SS` has its digits. */
const TIME_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] as const;

/** `YYYY-MM-DDTHH:MM:SS[.fraction]Z`. */
export function isIsoTime(s: string): boolean {
  if (s.length < 20 || s.length > 40 || s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':' || !s.endsWith('Z')) return false;
  for (let k = 0; k < TIME_DIGITS.length; k++) if (!isDigit(s.charCodeAt(TIME_DIGITS[k] as number))) return false;
  if (s.length === 20) return true;
  return s[19] === '.' && s.length > 21 && allIn(s.slice(20, -1), isDigit);
}

/** Strict base64url of exactly `bytes` bytes: no padding, and re-encoding gives the same text. */
export function decodeB64url(s: string, bytes: number): Buffer | null {
  if (!allIn(s, isB64url)) return null;
  const buf = Buffer.from(s, 'base64url');
  return buf.length === bytes && buf.toString('base64url') === s ? buf : null;
}

export const FORMAT_CHECKS: Record<TextFormat, (s: string) => boolean> = {
  hex64: (s) => s.length === 64 && allIn(s, isLowerHex),
  hex32: (s) => s.length === 32 && allIn(s, isLowerHex),
  hex16: (s) => s.length === 16 && allIn(s, isLowerHex),
  sig: (s) => s.length === 86 && decodeB64url(s, 64) !== null,
  pubkey: (s) => s.length === 43 && decodeB64url(s, 32) !== null,
  time: isIsoTime,
};

function checkField(name: string, spec: FieldSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'const':
      return value === spec.value ? null : `${name} must be ${JSON.stringify(spec.value)}`;
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? null : `${name} must be a non-negative integer`;
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value) ? null : `${name} must be one of ${spec.values.join(', ')}`;
    case 'string':
      if (typeof value !== 'string' || value.length > spec.maxLength) return `${name} must be a string of at most ${spec.maxLength} characters`;
      return spec.format && !FORMAT_CHECKS[spec.format](value) ? `${name} is not a valid ${spec.format}` : null;
    case 'strings':
      if (!Array.isArray(value) || value.length > spec.maxItems) return `${name} must be a list of at most ${spec.maxItems} strings`;
      for (const el of value as unknown[]) if (typeof el !== 'string' || el.length > spec.maxLength) return `${name} holds a non-string or over-long entry`;
      return new Set(value).size === value.length ? null : `${name} has repeated entries`;
  }
}

/** Checks a parsed line against FIELDS: the right fields for its type, nothing else. */
export function checkRecord(value: unknown): { ok: true; record: ReceiptRecord } | { ok: false; error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'a record must be a JSON object' };
  const obj = value as Record<string, unknown>;
  if (obj.v !== FORMAT_VERSION) return { ok: false, error: `unsupported format version ${JSON.stringify(obj.v)}` };
  const type = obj.type;
  if (typeof type !== 'string' || !(RECORD_TYPES as readonly string[]).includes(type)) return { ok: false, error: 'unknown record type' };
  const fields = FIELDS[type as RecordType];
  for (const key of Object.keys(obj)) if (!Object.hasOwn(fields, key)) return { ok: false, error: `unexpected field ${JSON.stringify(key.slice(0, 40))} in a ${type} record` };
  for (const [name, spec] of Object.entries(fields)) {
    if (!Object.hasOwn(obj, name)) {
      if (spec.required) return { ok: false, error: `missing field ${name}` };
      continue;
    }
    const err = checkField(name, spec, obj[name]);
    if (err) return { ok: false, error: err };
  }
  return { ok: true, record: obj as unknown as ReceiptRecord };
}

// ---- decision events → decision bodies ---------------------------------------------------

// One-shot hashing (node >= 20.12) skips building a Hash object per call; a string is hashed as UTF-8 either way.
const oneShot = (nodeCrypto as { hash?: (alg: string, data: string | Uint8Array, enc: 'hex') => string }).hash;

export function sha256Hex(data: string | Uint8Array): string {
  return oneShot ? oneShot('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}

/** Replaces lone surrogates with U+FFFD and clips to `max` UTF-16 units (never splitting a pair). */
export function cleanText(value: unknown, max: number): string {
  const s = typeof value === 'string' ? value : String(value);
  if (s.length <= max && isWellFormed(s)) return s;
  let out = '';
  for (let i = 0; i < s.length && out.length < max; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (n >= 0xdc00 && n <= 0xdfff) {
        if (out.length + 2 > max) break;
        out += s[i] + (s[i + 1] as string);
        i++;
        continue;
      }
      out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\ufffd';
    else out += s[i];
  }
  return out;
}

function uniqueClean(values: Iterable<unknown>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    if (out.length >= LIMITS.list) break;
    const s = cleanText(v, LIMITS.id);
    if (!seen.has(s)) {
      seen.add(s);
      out.push(s);
    }
  }
  return out;
}

/**
 * The last target hashed and its hash. A proxied exchange makes two events, its request's and its
 * response's, with the same target, so the second is not hashed again. Only a target equal to the
 * last one, compared whole, reuses the hash, so it is always the hash of that event's own target.
 */
let lastTarget: string | null = null;
let lastTargetHash = '';

function targetHash(target: unknown): string {
  if (typeof target === 'string' && target === lastTarget) return lastTargetHash;
  const h = sha256Hex(cleanText(target, 1 << 20));
  if (typeof target === 'string') {
    lastTarget = target;
    lastTargetHash = h;
  }
  return h;
}

const actionOr = (a: unknown, fallback: Action): Action => ((ACTIONS as readonly unknown[]).includes(a) ? (a as Action) : fallback);

/**
 * The decision body of a receipt. The target is kept only as a hash; every string is
 * cleaned and bounded so the record always canonicalises. An action the core vocabulary does
 * not know is recorded as block (fail closed in the record, as in the engine).
 */
export function decisionBody(event: DecisionEvent, now: () => Date = () => new Date()): BodyOf<DecisionRecord> & { time: string } {
  const findings = event.findings;
  // Most decisions have no findings: no severity, and three empty lists (what uniqueClean gives for none).
  const none = Array.isArray(findings) && findings.length === 0;
  let severity: Severity | undefined;
  if (!none) for (const f of findings) if (SEVERITIES.includes(f.severity) && (!severity || SEVERITY_RANK[f.severity] > SEVERITY_RANK[severity])) severity = f.severity;
  const time = typeof event.time === 'string' && isIsoTime(event.time) ? event.time : now().toISOString();
  const body: BodyOf<DecisionRecord> & { time: string } = {
    type: 'decision',
    time,
    event: cleanText(event.type, LIMITS.id),
    transport: cleanText(event.transport, LIMITS.id),
    requestId: cleanText(event.requestId, LIMITS.id),
    action: actionOr(event.action, 'block'),
    mode: event.mode === 'audit' ? 'audit' : 'enforce',
    reason: cleanText(event.reason, LIMITS.reason),
    rules: none ? [] : uniqueClean(findings.map((f) => f.rule)),
    categories: none ? [] : uniqueClean(findings.map((f) => f.category)),
    mitre: none ? [] : uniqueClean(findings.map((f) => f.mitre).filter((m) => m !== '')),
    policyHash: cleanText(event.configHash, LIMITS.id),
    ...(event.agent !== undefined ? { agent: cleanText(event.agent, LIMITS.id) } : {}),
    ...(event.session !== undefined ? { session: cleanText(event.session, LIMITS.id) } : {}),
    ...(event.method !== undefined ? { method: cleanText(event.method, LIMITS.id) } : {}),
    ...(event.wouldHave !== undefined ? { wouldHave: actionOr(event.wouldHave, 'block') } : {}),
    ...(severity ? { severity } : {}),
    ...(event.target !== undefined ? { targetHash: targetHash(event.target) } : {}),
  };
  return body;
}
