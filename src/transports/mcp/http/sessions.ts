import { randomBytes } from 'node:crypto';

/**
 * The Streamable HTTP session table: Tollgate-issued session ids → per-session state. Bounded
 * twice: entries idle longer than the TTL are swept, and at the cap the least recently used idle
 * entry is evicted to make room. A busy session (one with an HTTP exchange open: see
 * SessionActivity) is never swept nor evicted; when every session is busy, a new one is refused
 * instead. A client whose session went gets 404 and, as the MCP spec says, starts a new one.
 */

export interface SessionActivity {
  /**
   * HTTP exchanges of this session open now: POSTs waiting for (or streaming) their answer,
   * requests held for approval (their POST waits) and GET streams. Above 0 the session is in use
   * and is never swept or evicted.
   */
  readonly busy: number;
}

interface Slot<T> {
  readonly value: T;
  lastSeen: number;
}

export class SessionTable<T extends SessionActivity> {
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** Insertion order is recency order: a touched entry is moved to the end. */
  readonly #slots = new Map<string, Slot<T>>();

  constructor(opts: { readonly max: number; readonly ttlMs: number; readonly now?: () => number }) {
    this.#max = opts.max;
    this.#ttlMs = opts.ttlMs;
    this.#now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.#slots.size;
  }

  /**
   * Whether a session could be added now: the table has room, or some session in it is idle
   * (expired or not) and could be evicted for it.
   */
  hasRoom(): boolean {
    if (this.#slots.size < this.#max) return true;
    for (const slot of this.#slots.values()) if (slot.value.busy === 0) return true;
    return false;
  }

  /**
   * Adds a session under a fresh unguessable id (128 random bits, visible ASCII as the spec
   * requires), after sweeping the expired ones (`expired`) and, at the cap, evicting the least
   * recently used idle one (`evicted`). When the table is full and every session in it is busy,
   * `id` is undefined and the new session is not added: the caller refuses it.
   */
  add(value: T): { id: string | undefined; evicted: T[]; expired: T[] } {
    const expired = this.sweep();
    const evicted: T[] = [];
    while (this.#slots.size >= this.#max) {
      let victim: string | undefined;
      for (const [id, slot] of this.#slots) {
        if (slot.value.busy === 0) {
          victim = id;
          break;
        }
      }
      // Every session is in use: the new one is not added (whatever was swept or evicted on the
      // way is still returned, for the caller to end; with one add at a time that is nothing).
      if (victim === undefined) return { id: undefined, evicted, expired };
      evicted.push((this.#slots.get(victim) as Slot<T>).value);
      this.#slots.delete(victim);
    }
    const id = randomBytes(16).toString('base64url');
    this.#slots.set(id, { value, lastSeen: this.#now() });
    return { id, evicted, expired };
  }

  /** The session with this id (marking it used), or undefined. */
  get(id: string): T | undefined {
    const slot = this.#slots.get(id);
    if (!slot) return undefined;
    slot.lastSeen = this.#now();
    this.#slots.delete(id);
    this.#slots.set(id, slot);
    return slot.value;
  }

  /** Marks a session used without a lookup by the client (e.g. its stream carried an event). */
  touch(id: string): void {
    const slot = this.#slots.get(id);
    if (slot) slot.lastSeen = this.#now();
  }

  delete(id: string): T | undefined {
    const slot = this.#slots.get(id);
    if (!slot) return undefined;
    this.#slots.delete(id);
    return slot.value;
  }

  /** Removes and returns the sessions idle past the TTL (never a busy one). */
  sweep(): T[] {
    const out: T[] = [];
    const cutoff = this.#now() - this.#ttlMs;
    for (const [id, slot] of this.#slots) {
      if (slot.lastSeen <= cutoff && slot.value.busy === 0) {
        this.#slots.delete(id);
        out.push(slot.value);
      }
    }
    return out;
  }

  /** Every session, least recently used first (the table is not changed). */
  values(): T[] {
    return [...this.#slots.values()].map((s) => s.value);
  }

  /** Removes and returns every session. */
  clear(): T[] {
    const all = [...this.#slots.values()].map((s) => s.value);
    this.#slots.clear();
    return all;
  }
}
