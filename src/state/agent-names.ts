/**
 * Which agent names each client address has claimed (X-Tollgate-Agent). The header is chosen by
 * the agent, so a client that invents a new name per request would get a fresh budget each time;
 * this caps the distinct names one client may use. Bounded in clients (least recently used
 * evicted) and in names per client.
 */
export type AgentAdmission = 'known' | 'new' | 'over-limit';

export interface AgentNames {
  /** Records `name` for `client` when it is known or there is room; 'over-limit' otherwise (the name is not recorded). */
  admit(client: string, name: string): AgentAdmission;
  /** True the first time a problem is reported for `client` (bounded), so logs say it once per client. */
  firstProblem(client: string): boolean;
  readonly clients: number;
}

export function createAgentNames(opts: { readonly maxNamesPerClient: number; readonly maxClients?: number }): AgentNames {
  const maxNames = Math.max(1, Math.floor(opts.maxNamesPerClient));
  const maxClients = Math.max(1, Math.floor(opts.maxClients ?? 10_000));
  const byClient = new Map<string, Set<string>>();
  const problems = new Set<string>();

  const touch = <V>(map: Map<string, V>, key: string, make: () => V): V => {
    const found = map.get(key);
    if (found !== undefined) {
      map.delete(key);
      map.set(key, found);
      return found;
    }
    while (map.size >= maxClients) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
    const v = make();
    map.set(key, v);
    return v;
  };

  return {
    admit(client, name) {
      const names = touch(byClient, client, () => new Set<string>());
      if (names.has(name)) return 'known';
      if (names.size >= maxNames) return 'over-limit';
      names.add(name);
      return 'new';
    },
    firstProblem(client) {
      if (problems.has(client)) return false;
      if (problems.size >= maxClients) problems.clear();
      problems.add(client);
      return true;
    },
    get clients() {
      return byClient.size;
    },
  };
}
