import type { ScannerId } from '../core/index.ts';
import type { TollgateConfig } from '../config/schema.ts';
import { createCryptoScanner } from '../scanners/crypto/index.ts';
import { createDlpScanner, createJoinedDetector } from '../scanners/dlp/index.ts';
import { createEntropyScanner } from '../scanners/entropy/index.ts';
import { createInjectionScanner, DEFAULT_INJECTION_OPTIONS } from '../scanners/injection/index.ts';
import { createKnownSecretsScanner } from '../scanners/known-secrets/index.ts';
import { createSplitSecretScanner } from '../scanners/split-secrets/index.ts';
import { createSsrfScanner } from '../scanners/ssrf/index.ts';
import { createToolPoisoningScanner } from '../scanners/tool-poisoning/index.ts';
import {
  BUILTIN_RULES,
  createToolPolicyScanner,
  DEFAULT_CHAINS,
  DEFAULT_NETWORK_PROGRAMS,
  DEFAULT_NETWORK_TOOLS,
  DEFAULT_SHELL_LIMITS,
  withRules,
  type PolicyRule,
} from '../scanners/tool-policy/index.ts';
import type { Scanner } from '../scanners/types.ts';
import type { EngineDeps } from './engine.ts';

/** Longest match of a DLP rule read over only the end of a session's history (most formats: 20–120 characters). */
const SHORT_MATCH = 128;
import { ssrfOptionsOf } from './ssrf-options.ts';

type Factory = (config: TollgateConfig, deps: EngineDeps) => Scanner;

/** The one registry: scanner id → factory from config. Order is the order scanners run in. */
export const SCANNER_FACTORIES: Readonly<Partial<Record<ScannerId, Factory>>> = {
  ssrf: (c) => createSsrfScanner(ssrfOptionsOf(c)),
  dlp: (c) => createDlpScanner({ disabled: c.scanners.dlp.disabledRules, minSeverity: c.scanners.dlp.minSeverity }),
  'known-secrets': (_c, deps) => createKnownSecretsScanner(deps.knownSecrets ? { index: deps.knownSecrets } : {}),
  entropy: (c) => {
    const e = c.scanners.entropy;
    return createEntropyScanner({
      minLength: e.minLength,
      pathThreshold: e.pathThreshold,
      queryThreshold: e.queryThreshold,
      hostLabelThreshold: e.hostLabelThreshold,
      hostLabelMinLength: e.hostLabelMinLength,
      randomness: e.randomness,
      hostLabelRandomness: e.hostLabelRandomness,
    });
  },
  // Fragments are judged by DLP's own rules (those that name a credential by a literal or a
  // checksum, dlp/split.ts), as configured for DLP, and by the known-secret values when that scanner is on.
  // A session's history is read by the same rules in two sets: those whose matches are at most
  // SHORT_MATCH characters over that much of it, the rest over all of it (split-secrets/index.ts).
  'split-secrets': (c) => {
    const rules = { disabled: c.scanners.dlp.disabledRules, minSeverity: c.scanners.dlp.minSeverity };
    return createSplitSecretScanner({
      entropyBudgetBits: c.scanners.splitSecrets.entropyBudgetBits,
      detect: createJoinedDetector(rules),
      windowDetectors: [createJoinedDetector({ ...rules, lengths: { atMost: SHORT_MATCH } }), createJoinedDetector({ ...rules, lengths: { above: SHORT_MATCH } })],
      knownSecrets: c.scanners.knownSecrets.enabled,
    });
  },
  injection: (c) => {
    // threshold > 1 is stricter: every score floor is divided by it.
    const k = c.scanners.injection.threshold;
    const t = DEFAULT_INJECTION_OPTIONS.thresholds;
    return createInjectionScanner({
      minScore: DEFAULT_INJECTION_OPTIONS.minScore / k,
      thresholds: { medium: t.medium / k, high: t.high / k, critical: t.critical / k },
      disabledRules: c.scanners.injection.disabledRules,
    });
  },
  crypto: (c) => createCryptoScanner({ allowlistedAddresses: c.scanners.crypto.allowlistedAddresses }),
  'tool-poisoning': (c) => createToolPoisoningScanner({ disabledRules: c.scanners.toolPoisoning.disabledRules }),
  'tool-policy': (c) => {
    const p = c.scanners.toolPolicy;
    const chains = p.chains;
    return createToolPolicyScanner({
      rules: withRules(p.builtinRules ? BUILTIN_RULES : [], p.rules as readonly PolicyRule[]),
      disabledRules: p.disabledRules,
      shellTools: p.shellTools,
      shell: { ...DEFAULT_SHELL_LIMITS, maxInputChars: p.maxCommandChars, maxDepth: p.maxNesting },
      chains: {
        enabled: chains.enabled,
        window: chains.window,
        patterns: chains.patterns ?? DEFAULT_CHAINS,
        networkPrograms: chains.networkPrograms ?? DEFAULT_NETWORK_PROGRAMS,
        networkTools: chains.networkTools ?? DEFAULT_NETWORK_TOOLS,
        urlArguments: chains.urlArguments,
      },
    });
  },
};

const CONFIG_KEY: Readonly<Partial<Record<ScannerId, keyof TollgateConfig['scanners']>>> = {
  ssrf: 'ssrf',
  dlp: 'dlp',
  'known-secrets': 'knownSecrets',
  entropy: 'entropy',
  'split-secrets': 'splitSecrets',
  injection: 'injection',
  crypto: 'crypto',
  'tool-poisoning': 'toolPoisoning',
  'tool-policy': 'toolPolicy',
};

/** Builds the enabled scanners, in registry order. */
export function buildScanners(config: TollgateConfig, deps: EngineDeps): Scanner[] {
  const out: Scanner[] = [];
  for (const [id, factory] of Object.entries(SCANNER_FACTORIES) as [ScannerId, Factory][]) {
    const key = CONFIG_KEY[id];
    if (key && !config.scanners[key].enabled) continue;
    if (key === 'knownSecrets' && (!deps.knownSecrets || deps.knownSecrets.size === 0)) continue;
    if (key === 'splitSecrets' && !deps.state) continue;
    out.push(factory(config, deps));
  }
  return out;
}
