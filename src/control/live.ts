// The policy the data plane runs with, swapped whole by a reload. Transports read it through a
// ProxyContext whose engine, config, configHash and resolver are getters on this holder; each
// request takes a snapshot when it arrives (http-proxy/control.ts requestScope), so a request is
// never judged half under one policy and half under the next.
import type { LoadedConfig } from '../config/index.ts';
import type { Runtime } from '../main.ts';
import type { ProxyContext, Resolver } from '../transports/http-proxy/index.ts';

export interface ActivePolicy {
  readonly loaded: LoadedConfig;
  readonly runtime: Runtime;
  readonly resolver: Resolver;
}

export interface LivePolicy {
  get(): ActivePolicy;
  /** Replaces the policy in one assignment; answers the one it replaced. */
  swap(next: ActivePolicy): ActivePolicy;
}

export function createLivePolicy(initial: ActivePolicy): LivePolicy {
  let current = initial;
  return {
    get: () => current,
    swap(next) {
      const before = current;
      current = next;
      return before;
    },
  };
}

type Fixed = Omit<ProxyContext, 'engine' | 'config' | 'configHash' | 'resolver'>;

/** A ProxyContext that always reads the current policy. */
export function liveProxyContext(live: LivePolicy, fixed: Fixed): ProxyContext {
  return {
    ...fixed,
    get engine() {
      return live.get().runtime.engine;
    },
    get config() {
      return live.get().loaded.config;
    },
    get configHash() {
      return live.get().loaded.hash;
    },
    get resolver() {
      return live.get().resolver;
    },
  };
}
