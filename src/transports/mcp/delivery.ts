// What a session says to write, delivered on a wire: what is known now at once, and each held part
// (a client request held for approval, a large result scanned in the pool) when it settles, in
// the order they settle; everything else keeps flowing meanwhile, so a later message may reach
// its reader first. Shared by the stdio relay and the bridges, so a held outcome is handled the
// same whatever the wire.
import type { Outbound } from './session.ts';

export class Delivery {
  readonly #write: (out: Outbound) => void;
  /** Held outcomes not delivered yet. */
  readonly #open = new Set<Promise<void>>();

  /** `write` sends one outcome's messages (toServer to the server, toClient to the client). */
  constructor(write: (out: Outbound) => void) {
    this.#write = write;
  }

  /** Held outcomes still to come. */
  get open(): number {
    return this.#open.size;
  }

  deliver(out: Outbound): void {
    this.#write(out);
    for (const later of out.held ?? []) {
      // Outbound.held never rejects.
      const p: Promise<void> = later.then((o) => {
        this.#open.delete(p);
        this.deliver(o);
      });
      this.#open.add(p);
    }
  }

  /**
   * Resolves once every outcome held so far (and any it held in turn) has been delivered; null
   * when none is open. A wire that ends waits for this before its last words, so a result the
   * server sent is never lost to its scan: each held outcome settles (a scan ends or fails, a
   * request held for approval is answered, times out, or is ended by the session).
   */
  settled(): Promise<void> | null {
    if (this.#open.size === 0) return null;
    return (async () => {
      while (this.#open.size > 0) await Promise.all([...this.#open]);
    })();
  }
}
