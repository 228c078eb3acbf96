/**
 * Pending approvals: exchanges whose verdict is `ask`, held until an operator approves or denies
 * them, or until their time runs out (which denies). Bounded in the number held at once; time is
 * passed in (`now`, `schedule`) so tests need no real clock. The HTTP proxy holds requests and
 * responses here; MCP can hold tool calls the same way.
 */

export type ApprovalOutcome = 'approved' | 'denied' | 'expired' | 'cancelled';

/** What an operator sees of a held exchange: already safe to show (summarised target, rule ids, the verdict's reason). */
export interface ApprovalSubject {
  readonly transport: string;
  readonly type: string;
  readonly method?: string;
  readonly target?: string;
  readonly session?: string;
  readonly agent?: string;
  readonly rules: readonly string[];
  readonly reason: string;
}

export interface PendingApproval extends ApprovalSubject {
  readonly id: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface HeldApproval {
  readonly id: string;
  /** Settles once: approved, denied, expired, or cancelled (the client went away). */
  readonly outcome: Promise<ApprovalOutcome>;
  /** Withdraws the request (e.g. the client disconnected); a no-op once settled. */
  cancel(): void;
}

export type DecideResult = 'decided' | 'unknown';

export interface ApprovalStore {
  /** Holds a subject for at most `timeoutMs`; null when the store is full (the caller denies at once). */
  hold(subject: ApprovalSubject, timeoutMs: number): HeldApproval | null;
  /** Approves or denies a held subject; `unknown` when no such id is pending (never held, or already settled). */
  decide(id: string, approve: boolean): DecideResult;
  /** Pending subjects, oldest first, at most `limit`. */
  pending(limit?: number): PendingApproval[];
  readonly size: number;
  /** Settles everything still pending as cancelled (shutdown). */
  close(): void;
}

export interface ApprovalStoreOptions {
  /** Most subjects held at once. */
  readonly maxPending: number;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Unique, unguessable ids (the composition root passes randomUUID). */
  readonly newId: () => string;
  /** Runs `fn` after `ms`; returns a cancel function. Defaults to an unref'd setTimeout. */
  readonly schedule?: (fn: () => void, ms: number) => () => void;
}

/** Longest listing returned by `pending()`, whatever the caller asks. */
export const MAX_LISTED = 100;

function defaultSchedule(fn: () => void, ms: number): () => void {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
}

interface Entry {
  readonly view: PendingApproval;
  readonly settle: (o: ApprovalOutcome) => void;
}

export function createApprovalStore(opts: ApprovalStoreOptions): ApprovalStore {
  const schedule = opts.schedule ?? defaultSchedule;
  // Insertion order is age order: listing oldest first needs no sort.
  const entries = new Map<string, Entry>();
  return {
    hold(subject, timeoutMs) {
      if (entries.size >= opts.maxPending) return null;
      let id = opts.newId();
      // A colliding id would let one decision settle two exchanges: refuse rather than guess.
      if (entries.has(id)) {
        id = opts.newId();
        if (entries.has(id)) return null;
      }
      const createdAt = opts.now();
      let resolveOutcome!: (o: ApprovalOutcome) => void;
      const outcome = new Promise<ApprovalOutcome>((r) => {
        resolveOutcome = r;
      });
      let settled = false;
      let cancelTimer: () => void = () => undefined;
      const settle = (o: ApprovalOutcome): void => {
        if (settled) return;
        settled = true;
        cancelTimer();
        entries.delete(id);
        resolveOutcome(o);
      };
      entries.set(id, {
        view: { ...subject, rules: [...subject.rules], id, createdAt, expiresAt: createdAt + timeoutMs },
        settle,
      });
      cancelTimer = schedule(() => settle('expired'), timeoutMs);
      return { id, outcome, cancel: () => settle('cancelled') };
    },
    decide(id, approve) {
      const e = entries.get(id);
      if (!e) return 'unknown';
      // A decision that arrives after the deadline (the timer has not fired yet) is too late.
      if (opts.now() >= e.view.expiresAt) {
        e.settle('expired');
        return 'unknown';
      }
      e.settle(approve ? 'approved' : 'denied');
      return 'decided';
    },
    pending(limit = MAX_LISTED) {
      const n = Math.max(0, Math.min(limit, MAX_LISTED));
      const out: PendingApproval[] = [];
      for (const e of entries.values()) {
        if (out.length >= n) break;
        out.push(e.view);
      }
      return out;
    },
    get size() {
      return entries.size;
    },
    close() {
      for (const e of [...entries.values()]) e.settle('cancelled');
    },
  };
}
