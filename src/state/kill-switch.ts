/**
 * The kill switch: while it is on, every data-plane listener answers 503 and relays nothing.
 * Two independent holds keep it on: a manual one (the API or SIGUSR1) and the sentinel file
 * (on while the file exists). It is off only when both are released. Time is passed in.
 * The state lives outside the engine and the config, so a config reload never changes it.
 */
export type KillSource = 'api' | 'signal' | 'file';

export interface KillSwitchState {
  readonly on: boolean;
  /** Held by the API or SIGUSR1. */
  readonly manual: boolean;
  /** Held because the sentinel file exists. */
  readonly file: boolean;
  /** Milliseconds since the epoch when it last turned on (null while it has never been on). */
  readonly since: number | null;
  /** What last changed it. */
  readonly by: KillSource | null;
}

export type KillSwitchListener = (state: KillSwitchState, previous: KillSwitchState) => void;

export interface KillSwitch {
  readonly on: boolean;
  state(): KillSwitchState;
  /** Sets or releases the manual hold; answers the state after the change. */
  setManual(on: boolean, source: 'api' | 'signal', now: number): KillSwitchState;
  /** Flips the manual hold (SIGUSR1). */
  toggleManual(source: 'api' | 'signal', now: number): KillSwitchState;
  /** Records whether the sentinel file exists. */
  setFile(present: boolean, now: number): KillSwitchState;
  /** Called after every change of either hold; returns the unsubscribe. At most MAX_LISTENERS. */
  subscribe(listener: KillSwitchListener): () => void;
}

const MAX_LISTENERS = 16;

export function createKillSwitch(): KillSwitch {
  let s: KillSwitchState = { on: false, manual: false, file: false, since: null, by: null };
  const listeners = new Set<KillSwitchListener>();

  const change = (manual: boolean, file: boolean, by: KillSource, now: number): KillSwitchState => {
    if (manual === s.manual && file === s.file) return s;
    const previous = s;
    const on = manual || file;
    s = { on, manual, file, since: on && !previous.on ? now : previous.since, by };
    for (const l of listeners) {
      try {
        l(s, previous);
      } catch {
        // A listener's failure must not leave the switch half-applied for the others.
      }
    }
    return s;
  };

  return {
    get on() {
      return s.on;
    },
    state: () => s,
    setManual: (on, source, now) => change(on, s.file, source, now),
    toggleManual: (source, now) => change(!s.manual, s.file, source, now),
    setFile: (present, now) => change(s.manual, present, 'file', now),
    subscribe(listener) {
      if (listeners.size >= MAX_LISTENERS) throw new Error(`kill switch: more than ${MAX_LISTENERS} listeners`);
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
