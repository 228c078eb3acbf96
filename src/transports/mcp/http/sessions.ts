import { randomBytes } from 'node:crypto';

/**
 * The Streamable HTTP session table: Tollgate-issued session ids → per-session state. Bounded
 * twice: entries idle longer than the TTL (no request in flight, no open stream) are swept, and
 * at the cap the least recently used entry is evicted to make room. A client whose session went
 * gets 404 and, as the MCP spec says, starts a new one.
 */

export interface SessionActivity {
  /** Requests and streams currently open for this session: such a session is never swept. */
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
   * Adds a session under a fresh unguessable id (128 random bits, visible ASCII as the spec
   * requires). Returns the id and whatever was evicted to make room.
   */
  add(value: T): { id: string; evicted: T[] } {
    const evicted = this.sweep();
    while (this.#slots.size >= this.#max) {
      // The least recently used idle session goes first; only when every one is busy, the oldest.
      let victim: string | undefined;
      for (const [id, slot] of this.#slots) {
        victim ??= id;
        if (slot.value.busy === 0) {
          victim = id;
          break;
        }
      }
      if (victim === undefined) break;
      evicted.push((this.#slots.get(victim) as Slot<T>).value);
      this.#slots.delete(victim);
    }
    const id = randomBytes(16).toString('base64url');
    this.#slots.set(id, { value, lastSeen: this.#now() });
    return { id, evicted };
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

  /** Removes and returns every session. */
  clear(): T[] {
    const all = [...this.#slots.values()].map((s) => s.value);
    this.#slots.clear();
    return all;
  }
}
