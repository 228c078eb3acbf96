import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolFingerprint } from './fingerprint.ts';

/**
 * Tool pins on disk: one JSON file per server identity under `<dataDir>/pins/`, written
 * atomically (temp file, fsync, rename) with mode 0600. Every observation re-reads the file,
 * so an approval made by `tollgate mcp pins approve` applies to a running session at its
 * next tools/list. A file that cannot be read is an error, never an empty pin set: callers
 * fail closed on it.
 */

export class PinsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PinsError';
  }
}

export interface PendingChange {
  readonly fingerprint: string;
  readonly text: string;
  readonly truncated: boolean;
  readonly seenAt: string;
}

export interface ToolPin {
  readonly name: string;
  readonly fingerprint: string;
  readonly text: string;
  readonly truncated: boolean;
  readonly firstSeen: string;
  readonly approvedAt?: string;
  /** Set when a complete list no longer had this tool (reported once). */
  readonly removedAt?: string;
  /** The changed definition last seen, waiting for approval. */
  readonly pending?: PendingChange;
}

export interface ServerPins {
  readonly id: string;
  readonly server: string;
  readonly file: string;
  readonly tools: readonly ToolPin[];
}

export type ToolStatus = 'new' | 'match' | 'changed' | 'over-limit';

export interface ObserveReport {
  readonly id: string;
  readonly file: string;
  readonly status: ReadonlyMap<string, ToolStatus>;
  /**
   * Tools whose definition differs from their pin: pinned and current fingerprints. `pendingOf`: a
   * new name listed with the changed definition another tool is waiting to have approved (a rug
   * pull renamed to dodge its pin); it is not pinned, and approving that tool's change clears it.
   */
  readonly changed: readonly { readonly name: string; readonly pinned: string; readonly current: string; readonly pendingOf?: string }[];
  /** A new name whose definition equals a pinned tool missing from this list. */
  readonly renamed: readonly { readonly from: string; readonly to: string }[];
  /** Pinned tools a complete list no longer has (each reported once). */
  readonly removed: readonly string[];
}

export interface PinStoreOptions {
  readonly dir: string;
  readonly maxPinnedTools: number;
  /** Largest pin file read, in bytes. */
  readonly maxFileBytes?: number;
  readonly now?: () => number;
}

const FILE_VERSION = 1;
const ID_HEX = 32;

/** The file id of a server identity: the first 128 bits of its SHA-256, hex. */
export function serverPinId(identity: string): string {
  return createHash('sha256').update(identity, 'utf8').digest('hex').slice(0, ID_HEX);
}

function isStr(v: unknown): v is string {
  return typeof v === 'string';
}

function parsePending(v: unknown): PendingChange | undefined {
  if (v === undefined) return undefined;
  const p = v as Record<string, unknown>;
  if (typeof v !== 'object' || v === null || !isStr(p.fingerprint) || !isStr(p.text) || typeof p.truncated !== 'boolean' || !isStr(p.seenAt)) {
    throw new PinsError('a pending change is malformed');
  }
  return { fingerprint: p.fingerprint, text: p.text, truncated: p.truncated, seenAt: p.seenAt };
}

function parseTool(v: unknown): ToolPin {
  const t = v as Record<string, unknown>;
  if (typeof v !== 'object' || v === null || !isStr(t.name) || !isStr(t.fingerprint) || !isStr(t.text) || typeof t.truncated !== 'boolean' || !isStr(t.firstSeen)) {
    throw new PinsError('a tool pin is malformed');
  }
  for (const k of ['approvedAt', 'removedAt'] as const) if (t[k] !== undefined && !isStr(t[k])) throw new PinsError(`a tool pin has a malformed ${k}`);
  const pending = parsePending(t.pending);
  return {
    name: t.name,
    fingerprint: t.fingerprint,
    text: t.text,
    truncated: t.truncated,
    firstSeen: t.firstSeen,
    ...(isStr(t.approvedAt) ? { approvedAt: t.approvedAt } : {}),
    ...(isStr(t.removedAt) ? { removedAt: t.removedAt } : {}),
    ...(pending ? { pending } : {}),
  };
}

export interface PinStore {
  readonly dir: string;
  /** Compares a tools/list with the pins of a server, pins first sightings, records changes as pending, and saves. */
  observe(identity: string, tools: readonly ToolFingerprint[], opts: { readonly complete: boolean }): ObserveReport;
  /** The pins of one server (by id), or undefined when it has none. */
  read(id: string): ServerPins | undefined;
  /** Every server with pins. Unreadable files are returned as errors, not skipped. */
  list(): { readonly servers: readonly ServerPins[]; readonly errors: readonly { readonly file: string; readonly error: string }[] };
  /** Accepts pending changes (of one tool, or all of the server's); returns the names approved. */
  approve(id: string, tool?: string): string[];
  /** Forgets the pins of one tool, or of the whole server; returns whether anything was removed. */
  reset(id: string, tool?: string): boolean;
}

export function createPinStore(opts: PinStoreOptions): PinStore {
  const now = opts.now ?? Date.now;
  const maxFileBytes = opts.maxFileBytes ?? 256 * 1024 * 1024;
  const fileOf = (id: string): string => join(opts.dir, `${id}.json`);
  const iso = (): string => new Date(now()).toISOString();

  function load(file: string): { server: string; tools: Map<string, ToolPin> } | undefined {
    if (!existsSync(file)) return undefined;
    let data: unknown;
    try {
      const size = statSync(file).size;
      if (size > maxFileBytes) throw new PinsError(`${file} is ${size} bytes, over the ${maxFileBytes}-byte limit`);
      data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (err) {
      if (err instanceof PinsError) throw err;
      throw new PinsError(`${file} cannot be read: ${(err as Error).message}`);
    }
    const d = data as Record<string, unknown>;
    if (typeof data !== 'object' || data === null || d.version !== FILE_VERSION || !isStr(d.server) || !Array.isArray(d.tools)) {
      throw new PinsError(`${file} is not a version ${FILE_VERSION} pin file`);
    }
    const tools = new Map<string, ToolPin>();
    for (const t of d.tools) {
      const pin = parseTool(t);
      tools.set(pin.name, pin);
    }
    return { server: d.server, tools };
  }

  function save(file: string, server: string, tools: ReadonlyMap<string, ToolPin>): void {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const text = `${JSON.stringify({ version: FILE_VERSION, server, tools: [...tools.values()] }, null, 2)}\n`;
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      chmodSync(tmp, 0o600);
      renameSync(tmp, file);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  }

  return {
    dir: opts.dir,
    observe(identity, current, { complete }) {
      const id = serverPinId(identity);
      const file = fileOf(id);
      const loaded = load(file);
      const pins = loaded?.tools ?? new Map<string, ToolPin>();
      let dirty = loaded === undefined;
      const status = new Map<string, ToolStatus>();
      const changed: { name: string; pinned: string; current: string; pendingOf?: string }[] = [];
      const renamed: { from: string; to: string }[] = [];
      const removed: string[] = [];
      const names = new Set(current.map((t) => t.name));
      const at = iso();

      for (const tool of current) {
        const pin = pins.get(tool.name);
        if (pin) {
          let next: ToolPin = pin;
          if (pin.removedAt !== undefined) {
            const { removedAt: _gone, ...rest } = next;
            next = rest;
          }
          if (pin.fingerprint === tool.fingerprint) {
            status.set(tool.name, 'match');
            // The server went back to the approved definition: the pending change is moot.
            if (next.pending) {
              const { pending: _moot, ...rest } = next;
              next = rest;
            }
          } else {
            status.set(tool.name, 'changed');
            changed.push({ name: tool.name, pinned: pin.fingerprint, current: tool.fingerprint });
            if (next.pending?.fingerprint !== tool.fingerprint) {
              next = { ...next, pending: { fingerprint: tool.fingerprint, text: tool.text, truncated: tool.truncated, seenAt: at } };
            }
          }
          if (next !== pin) {
            pins.set(tool.name, next);
            dirty = true;
          }
          continue;
        }
        // A changed definition waiting for approval under another name, listed under this new one:
        // the same change, not a new tool (it stays unpinned while the other's change is pending).
        const pendingTwin = [...pins.values()].find((p) => p.pending?.fingerprint === tool.fingerprint && p.name !== tool.name);
        if (pendingTwin) {
          status.set(tool.name, 'changed');
          changed.push({ name: tool.name, pinned: pendingTwin.fingerprint, current: tool.fingerprint, pendingOf: pendingTwin.name });
          continue;
        }
        // A pin is never dropped to make room: that would let a server flood the store with
        // junk names until a pinned tool's pin is gone, then change it unseen. Only
        // `pins reset` forgets a pin; past the limit a new tool cannot be pinned.
        if (pins.size >= opts.maxPinnedTools) {
          status.set(tool.name, 'over-limit');
          continue;
        }
        // A rename needs the old name to be gone, which only a complete list shows: on one
        // page of several, the twin may be on another page.
        const twin = complete ? [...pins.values()].find((p) => p.fingerprint === tool.fingerprint && !names.has(p.name)) : undefined;
        if (twin) renamed.push({ from: twin.name, to: tool.name });
        pins.set(tool.name, { name: tool.name, fingerprint: tool.fingerprint, text: tool.text, truncated: tool.truncated, firstSeen: at });
        status.set(tool.name, 'new');
        dirty = true;
      }
      if (complete) {
        for (const pin of pins.values()) {
          if (names.has(pin.name) || pin.removedAt !== undefined) continue;
          removed.push(pin.name);
          pins.set(pin.name, { ...pin, removedAt: at });
          dirty = true;
        }
      }
      if (dirty) save(file, identity, pins);
      return { id, file, status, changed, renamed, removed };
    },
    read(id) {
      const file = fileOf(id);
      const loaded = load(file);
      return loaded ? { id, server: loaded.server, file, tools: [...loaded.tools.values()] } : undefined;
    },
    list() {
      const servers: ServerPins[] = [];
      const errors: { file: string; error: string }[] = [];
      if (!existsSync(opts.dir)) return { servers, errors };
      for (const name of readdirSync(opts.dir).sort()) {
        if (!/^[0-9a-f]{32}\.json$/.test(name)) continue;
        const id = name.slice(0, ID_HEX);
        try {
          const s = this.read(id);
          if (s) servers.push(s);
        } catch (err) {
          errors.push({ file: join(opts.dir, name), error: (err as Error).message });
        }
      }
      return { servers, errors };
    },
    approve(id, tool) {
      const file = fileOf(id);
      const loaded = load(file);
      if (!loaded) return [];
      const approved: string[] = [];
      const at = iso();
      for (const pin of loaded.tools.values()) {
        if (!pin.pending || (tool !== undefined && pin.name !== tool)) continue;
        const { pending, ...rest } = pin;
        loaded.tools.set(pin.name, { ...rest, fingerprint: pending.fingerprint, text: pending.text, truncated: pending.truncated, approvedAt: at });
        approved.push(pin.name);
      }
      if (approved.length > 0) save(file, loaded.server, loaded.tools);
      return approved;
    },
    reset(id, tool) {
      const file = fileOf(id);
      if (tool === undefined) {
        if (!existsSync(file)) return false;
        unlinkSync(file);
        return true;
      }
      const loaded = load(file);
      if (!loaded?.tools.delete(tool)) return false;
      save(file, loaded.server, loaded.tools);
      return true;
    },
  };
}
