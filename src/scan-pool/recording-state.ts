// The session state a worker's engine sees. A worker has no view of the main thread's session
// windows, so a scan that reads one (split secrets' window, the entropy budget) cannot be answered
// there: it is marked, and the pool scans that input on the main thread instead. What a scan only
// records (a tool result's untrusted-content tag) is kept and replayed into the real state.
import type { FragmentWindow, SessionState } from '../scanners/types.ts';

export interface RecordedToolEvent {
  readonly session: string;
  readonly tags: readonly string[];
  readonly now: number;
  readonly windowSize: number;
}

export class RecordingState implements SessionState {
  /** Set when a scan read session state it cannot have here. */
  read = false;
  readonly events: RecordedToolEvent[] = [];

  reset(): void {
    this.read = false;
    this.events.length = 0;
  }

  appendFragments(): FragmentWindow {
    this.read = true;
    throw new Error('session state is not available in a scan worker');
  }

  spendEntropy(): number {
    this.read = true;
    throw new Error('session state is not available in a scan worker');
  }

  recordToolEvent(session: string, tags: readonly string[], now: number, windowSize: number): readonly (readonly string[])[] {
    // Only a write is answered here; a caller that reads the window back (tool-policy's chains) needs the real one.
    if (windowSize > 0) this.read = true;
    this.events.push({ session, tags: [...tags], now, windowSize });
    return [];
  }
}
