import { idKey, type JsonRpcId } from './jsonrpc.ts';

/** What Tollgate remembers about a request until its response: enough to know what the response answers. */
export interface PendingRequest {
  readonly id: JsonRpcId;
  readonly method: string;
  /** tools/call: the tool's name. */
  readonly tool?: string;
  /** tools/list: whether the request asked for a later page. */
  readonly cursor?: boolean;
}

/**
 * Outstanding requests of one direction of one session, keyed by id. Bounded: past `max`
 * the caller refuses the new request instead of forgetting an old one, so no response is
 * ever relayed unclassified.
 */
export class PendingRequests {
  readonly #max: number;
  readonly #map = new Map<string, PendingRequest>();

  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#map.size;
  }

  get full(): boolean {
    return this.#map.size >= this.#max;
  }

  has(id: JsonRpcId): boolean {
    return this.#map.has(idKey(id));
  }

  add(p: PendingRequest): void {
    this.#map.set(idKey(p.id), p);
  }

  /** Removes and returns the request a response answers. */
  take(id: JsonRpcId): PendingRequest | undefined {
    const key = idKey(id);
    const p = this.#map.get(key);
    if (p) this.#map.delete(key);
    return p;
  }

  /** Removes and returns every outstanding request (the peer went away). */
  drain(): PendingRequest[] {
    const all = [...this.#map.values()];
    this.#map.clear();
    return all;
  }
}
