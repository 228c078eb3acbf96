// An in-memory SessionState: per-session windows of recent fragments and entropy spent, bounded in
// bytes per session, age (TTL against the caller's `now`) and session count (least recently used
// evicted). A pure data structure: no timers, no clock, no I/O.
import type { FragmentWindow, SessionState } from '../types.ts';

export interface MemorySessionLimits {
  /** Characters of fragments kept per session (oldest dropped first). */
  readonly maxBytesPerSession: number;
  /** Fragments and entropy spends older than this (by the `now` passed in) are forgotten. */
  readonly ttlMs: number;
  /** Sessions tracked at once; the least recently used is evicted beyond this. */
  readonly maxSessions: number;
  /** Fragments kept per session regardless of size. */
  readonly maxFragmentsPerSession: number;
}

export const DEFAULT_MEMORY_SESSION_LIMITS: MemorySessionLimits = {
  maxBytesPerSession: 8192,
  ttlMs: 300_000,
  maxSessions: 10_000,
  maxFragmentsPerSession: 1024,
};

interface Spend {
  at: number;
  bits: number;
}

interface Session {
  texts: string[];
  times: number[];
  head: number;
  chars: number;
  spends: Spend[];
  spendHead: number;
  /** Recent tool calls' tags (recordToolEvent), oldest first, at most MAX_TOOL_EVENTS. */
  toolEvents?: { at: number; tags: readonly string[] }[];
}

export interface MemorySessionState extends SessionState {
  /** Sessions currently held. */
  readonly sessionCount: number;
  /** Characters of fragments held for a session (0 when unknown). */
  bytesOf(session: string): number;
  /** Forgets one session, or all. */
  clear(session?: string): void;
}

/**
 * Which probe texts the window holds. Probes are rare (only long, token-like fragments), so the
 * window is searched when there are some, instead of every append keeping a count per text.
 */
function presentIn(s: Session, probe: readonly string[]): boolean[] {
  if (probe.length === 0) return [];
  let shortest = Infinity;
  for (const p of probe) shortest = Math.min(shortest, p.length);
  const held = new Set<string>();
  for (let i = s.head; i < s.texts.length; i++) {
    const t = s.texts[i]!;
    if (t.length >= shortest) held.add(t);
  }
  return probe.map((p) => held.has(p));
}

/**
 * A copy of a fragment that shares no storage with the text it was cut from. V8 makes a substring of
 * 13 or more characters a view into its parent, so a kept query value or form field would otherwise
 * keep its whole request body alive for as long as the session window holds it.
 */
function detached(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}

/** Keeps at most this many entropy spend records per session; later spends merge into time buckets. */
const MAX_SPENDS = 256;
/** Tool calls remembered per session (bounds any chain window), tags per call and tag length. */
const MAX_TOOL_EVENTS = 64;
const MAX_TOOL_TAGS = 8;
const MAX_TAG_CHARS = 64;

export function createMemorySessionState(limits: Partial<MemorySessionLimits> = {}): MemorySessionState {
  const l: MemorySessionLimits = { ...DEFAULT_MEMORY_SESSION_LIMITS, ...limits };
  const maxChars = Math.max(1, Math.floor(l.maxBytesPerSession));
  const maxSessions = Math.max(1, Math.floor(l.maxSessions));
  const maxFragments = Math.max(1, Math.floor(l.maxFragmentsPerSession));
  const ttl = Math.max(0, l.ttlMs);
  const bucketMs = Math.max(1, Math.floor(ttl / (MAX_SPENDS / 2)));
  const sessions = new Map<string, Session>();

  const touch = (id: string): Session => {
    let s = sessions.get(id);
    if (s) sessions.delete(id);
    else s = { texts: [], times: [], head: 0, chars: 0, spends: [], spendHead: 0 };
    sessions.set(id, s);
    while (sessions.size > maxSessions) {
      const oldest = sessions.keys().next();
      if (oldest.done) break;
      sessions.delete(oldest.value);
    }
    return s;
  };

  const dropHead = (s: Session): void => {
    s.chars -= s.texts[s.head]!.length;
    s.head++;
  };

  const compact = (s: Session): void => {
    if (s.head > 64 && s.head * 2 > s.texts.length) {
      s.texts = s.texts.slice(s.head);
      s.times = s.times.slice(s.head);
      s.head = 0;
    }
    if (s.spendHead > 64 && s.spendHead * 2 > s.spends.length) {
      s.spends = s.spends.slice(s.spendHead);
      s.spendHead = 0;
    }
  };

  const expire = (s: Session, now: number): void => {
    const cutoff = now - ttl;
    while (s.head < s.texts.length && s.times[s.head]! < cutoff) dropHead(s);
    while (s.spendHead < s.spends.length && s.spends[s.spendHead]!.at < cutoff) s.spendHead++;
    while (s.toolEvents && s.toolEvents.length > 0 && s.toolEvents[0]!.at < cutoff) s.toolEvents.shift();
    compact(s);
  };

  const safeNow = (now: number): number => (Number.isFinite(now) ? now : 0);

  return {
    get sessionCount() {
      return sessions.size;
    },
    bytesOf(session) {
      return sessions.get(session)?.chars ?? 0;
    },
    clear(session) {
      if (session === undefined) sessions.clear();
      else sessions.delete(session);
    },
    appendFragments(session, fragments, nowIn, options): FragmentWindow {
      const now = safeNow(nowIn);
      const s = touch(session);
      expire(s, now);
      const present = presentIn(s, options.probe ?? []);
      const before = s.texts.length;
      for (const f of fragments) {
        const text = detached(f.length > maxChars ? f.slice(f.length - maxChars) : f);
        if (text.length === 0) continue;
        s.texts.push(text);
        s.times.push(now);
        s.chars += text.length;
        while (s.chars > maxChars || s.texts.length - s.head > maxFragments) dropHead(s);
      }
      // Indexes shift when compact() runs, so read the window first.
      const firstNew = Math.max(s.head, before);
      const current = s.texts.slice(firstNew);
      let from = firstNew;
      const tail = Math.max(0, options.tailChars);
      for (let chars = 0; from > s.head && chars < tail; ) chars += s.texts[--from]!.length;
      const older = s.texts.slice(from, firstNew);
      compact(s);
      return { older, current, present };
    },
    spendEntropy(session, bitsIn, nowIn) {
      const now = safeNow(nowIn);
      const bits = Number.isFinite(bitsIn) && bitsIn > 0 ? bitsIn : 0;
      const s = touch(session);
      expire(s, now);
      if (bits > 0) {
        const last = s.spends.length > s.spendHead ? s.spends[s.spends.length - 1] : undefined;
        if (last && Math.abs(now - last.at) < bucketMs) last.bits += bits;
        else s.spends.push({ at: now, bits });
        if (s.spends.length - s.spendHead > MAX_SPENDS) {
          // Merge the two oldest records (keeps the total; the merged record expires with the newer one).
          const a = s.spends[s.spendHead]!;
          const b = s.spends[s.spendHead + 1]!;
          b.bits += a.bits;
          s.spendHead++;
        }
        compact(s);
      }
      let total = 0;
      for (let i = s.spendHead; i < s.spends.length; i++) total += s.spends[i]!.bits;
      return total;
    },
    recordToolEvent(session, tagsIn, nowIn, windowSize) {
      const now = safeNow(nowIn);
      const s = touch(session);
      expire(s, now);
      const events = (s.toolEvents ??= []);
      const keep = Math.max(0, Math.min(MAX_TOOL_EVENTS, Number.isFinite(windowSize) ? Math.floor(windowSize) : 0));
      const previous = events.slice(Math.max(0, events.length - keep)).map((e) => e.tags);
      const tags = tagsIn.slice(0, MAX_TOOL_TAGS).map((t) => t.slice(0, MAX_TAG_CHARS));
      events.push({ at: now, tags });
      while (events.length > MAX_TOOL_EVENTS) events.shift();
      return previous;
    },
  };
}
