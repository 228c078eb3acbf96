import type { DecisionEvent, DecisionSink } from '../core/index.ts';

/** The fan-out point: transports emit one event, every subscribed sink receives it. */
export interface EventBus extends DecisionSink {
  /** Hands the event to every sink, synchronously. Never throws. */
  emit(event: DecisionEvent): void;
  /** Adds a sink; the returned function removes it again. */
  subscribe(sink: DecisionSink, name?: string): () => void;
  /** Events a sink failed to take because it threw, by sink name. */
  failures(): Readonly<Record<string, number>>;
}

export interface EventBusOptions {
  /** Told about every sink that threw (after it is counted). Its own errors are swallowed and counted too. */
  readonly onSinkError?: (name: string, error: unknown) => void;
}

/**
 * Creates the event bus. Sinks only enqueue (they must not block), so `emit` is synchronous.
 * A sink that throws is isolated: the caller and the other sinks never see the error, and the
 * failure is counted against that sink rather than silently lost.
 */
export function createEventBus(opts: EventBusOptions = {}): EventBus {
  let sinks: readonly { sink: DecisionSink; name: string }[] = [];
  const failed = new Map<string, number>();
  const count = (name: string): void => {
    failed.set(name, (failed.get(name) ?? 0) + 1);
  };
  return {
    emit(event) {
      // Iterate a snapshot: a sink that (un)subscribes while we emit does not disturb this round.
      for (const { sink, name } of sinks) {
        try {
          sink.emit(event);
        } catch (err) {
          count(name);
          try {
            opts.onSinkError?.(name, err);
          } catch {
            count('bus:on-sink-error');
          }
        }
      }
    },
    subscribe(sink, name = `sink-${sinks.length + 1}`) {
      const entry = { sink, name };
      sinks = [...sinks, entry];
      return () => {
        sinks = sinks.filter((s) => s !== entry);
      };
    },
    failures: () => Object.fromEntries(failed),
  };
}
