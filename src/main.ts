// The composition root: the only place that wires config → state → engine → transports.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ConfigChecks, LoadedConfig, TollgateConfig } from './config/index.ts';
import { TollgateError } from './core/index.ts';
import { createEngine, ruleCatalog, type Engine } from './engine/index.ts';
import { REGEX_ENGINE } from './re/index.ts';
import { createKnownSecretIndex } from './scanners/known-secrets/index.ts';
import { parseCidr } from './scanners/ssrf/index.ts';
import { parseAllowlisted } from './scanners/crypto/index.ts';
import { createMemorySessionState } from './scanners/split-secrets/index.ts';
import type { SessionState } from './scanners/types.ts';
import { transportRules } from './transports/rules.ts';

export { VERSION } from './version.ts';
export { REGEX_ENGINE };

export interface Runtime {
  readonly engine: Engine;
  readonly loaded: LoadedConfig;
  /** Names (never values) of known secrets indexed, and those rejected with why. */
  readonly knownSecrets: { readonly indexed: readonly string[]; readonly rejected: readonly { name: string; reason: string }[] };
}

function globToTest(glob: string): (name: string) => boolean {
  const parts = glob.split('*');
  return (name) => {
    if (parts.length === 1) return name === glob;
    if (!name.startsWith(parts[0] ?? '') || !name.endsWith(parts[parts.length - 1] ?? '')) return false;
    let at = (parts[0] ?? '').length;
    for (const p of parts.slice(1, -1)) {
      const i = name.indexOf(p, at);
      if (i < 0) return false;
      at = i + p.length;
    }
    return at <= name.length - (parts[parts.length - 1] ?? '').length;
  };
}

let checks: ConfigChecks | undefined;

/**
 * What config loading checks against and the config layer may not import: every rule id a finding
 * can carry (the engine's catalog and the transports' own rules) and the SSRF scanner's CIDR syntax.
 */
export function configChecks(): ConfigChecks {
  checks ??= {
    ruleIds: new Set([...ruleCatalog(), ...transportRules()].map((r) => r.id)),
    isCidr: (text) => parseCidr(text) !== null,
    isWalletAddress: (text) => parseAllowlisted(text) !== null,
  };
  return checks;
}

/** Collects the operator's secret values by name from the environment and the secrets file. */
export function collectKnownSecrets(config: TollgateConfig, env: NodeJS.ProcessEnv): { name: string; value: string }[] {
  const ks = config.scanners.knownSecrets;
  const out = new Map<string, string>();
  const tests = ks.envPatterns.map(globToTest);
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (ks.env.includes(name) || tests.some((t) => t(name))) out.set(name, value);
  }
  if (ks.secretsFile) {
    let text: string;
    try {
      text = readFileSync(ks.secretsFile, 'utf8');
    } catch (err) {
      // Checked at load too; this is the file vanishing between the check and the read.
      throw new TollgateError('CONFIG_READ', `scanners.knownSecrets.secretsFile: cannot read ${ks.secretsFile}: ${(err as Error).message}`, { cause: err });
    }
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      const t = line.trim();
      if (!t || t.startsWith('#')) return;
      const eq = t.indexOf('=');
      if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(t.slice(0, eq))) out.set(t.slice(0, eq), t.slice(eq + 1));
      else out.set(`secrets-file:${i + 1}`, t);
    });
  }
  return [...out].map(([name, value]) => ({ name, value }));
}

/**
 * What an engine is built from, so that a worker thread can build the same one (scan-pool/): the
 * config, the known secrets as collected, and the evidence key. `state` is the engine's session
 * state, on the thread that made it: what a worker's scan records in a session is replayed there.
 */
export interface EngineRecipe {
  readonly config: TollgateConfig;
  readonly knownSecrets: readonly { readonly name: string; readonly value: string }[];
  readonly evidenceKey?: Uint8Array;
  readonly state: SessionState;
}

const recipes = new WeakMap<Engine, EngineRecipe>();

/** The recipe of an engine createRuntime built (undefined for one built otherwise). */
export function recipeOf(engine: Engine): EngineRecipe | undefined {
  return recipes.get(engine);
}

/** Builds the engine of a recipe (on any thread), with the given session state. */
export function engineFromRecipe(recipe: Omit<EngineRecipe, 'state'>, state: SessionState): { engine: Engine; rejected: readonly { name: string; reason: string }[] } {
  const config = recipe.config;
  const built = createKnownSecretIndex([...recipe.knownSecrets], { minLength: config.scanners.knownSecrets.minLength });
  const engine = createEngine(config, { knownSecrets: built.index, state, ...(recipe.evidenceKey ? { evidenceKey: recipe.evidenceKey } : {}) });
  return { engine, rejected: built.rejected };
}

/** Builds everything the engine needs from a loaded config and an environment. */
export function createRuntime(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env, opts: { evidenceKey?: Uint8Array; state?: SessionState } = {}): Runtime {
  const config = loaded.config;
  const ks = config.scanners.knownSecrets;
  const entries = ks.enabled ? collectKnownSecrets(config, env) : [];
  // `state` lets a reloaded engine keep the running one's session windows (split secrets).
  const ss = config.scanners.splitSecrets;
  const state = opts.state ?? createMemorySessionState({ maxBytesPerSession: ss.windowBytes, ttlMs: ss.ttlSeconds * 1000, maxSessions: ss.maxSessions });
  const recipe: EngineRecipe = { config, knownSecrets: entries, ...(opts.evidenceKey ? { evidenceKey: opts.evidenceKey } : {}), state };
  const built = engineFromRecipe(recipe, state);
  recipes.set(built.engine, recipe);
  return {
    engine: built.engine,
    loaded,
    knownSecrets: { indexed: entries.map((e) => e.name).filter((n) => !built.rejected.some((r) => r.name === n)), rejected: built.rejected },
  };
}

/**
 * The installation's key for finding fingerprints: 32 random bytes in `<dataDir>/keys/evidence.key`
 * (mode 0600), made on first use. Stable across restarts so fingerprints correlate over time.
 */
export function loadEvidenceKey(dataDir: string): Uint8Array {
  const file = join(dataDir, 'keys', 'evidence.key');
  if (existsSync(file)) {
    const key = readFileSync(file);
    if (key.length >= 32) return key;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}
