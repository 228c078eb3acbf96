import type { Finding, ScanInput, ScannerId, Verdict } from '../core/index.ts';
import { SEVERITY_RANK, secretOf } from '../core/index.ts';
import { createHmac } from 'node:crypto';
import type { TollgateConfig } from '../config/schema.ts';
import { extract, type ExtractLimits } from '../extract/index.ts';
import { DEFAULT_NORMALIZE_LIMITS, type NormalizeLimits } from '../normalize/index.ts';
import type { KnownSecretIndex, ScanContext, Scanner, SessionState } from '../scanners/types.ts';
import { createMemorySessionState } from '../scanners/split-secrets/index.ts';
import { DLP_KEYWORDS } from '../scanners/dlp/index.ts';
import { checkAddress, type AddressCheck } from '../scanners/ssrf/index.ts';
import { UNTRUSTED_CONTENT_TAG } from '../scanners/tool-policy/index.ts';
import { ssrfOptionsOf } from './ssrf-options.ts';
import { applyDestinations, DEFAULT_DESTINATIONS, type DestinationPolicy } from './destinations.ts';
import { buildScanners } from './registry.ts';
import { composeVerdict, rankFindings, type ActionPolicy } from './verdict.ts';

export interface EngineDeps {
  /** Session state for stateful scanners (split secrets); a bounded in-memory one is made from config when absent. */
  readonly state?: SessionState;
  /** Index of the operator's own secret values (built by the composition root from env/files). */
  readonly knownSecrets?: KnownSecretIndex;
  /**
   * Key for finding fingerprints (HMAC-SHA256 of the matched value). Without it findings carry no
   * fingerprint. The composition root keeps one per installation so fingerprints correlate over time.
   */
  readonly evidenceKey?: Uint8Array;
}

export interface ScanCallContext {
  /** Milliseconds since the epoch; the engine never reads the clock. Defaults to 0. */
  readonly now?: number;
  readonly session?: string;
  readonly agent?: string;
  /**
   * For a transport that redacts: when given, the engine fills it with the matched values of the
   * returned findings that carry one (DLP, entropy, split secrets, known secrets), keyed by the
   * finding objects in the verdict. The values never enter the verdict, a finding or an event;
   * they live as long as the caller keeps this map.
   */
  readonly secretValues?: Map<Finding, string[]>;
}

export interface Engine {
  readonly config: TollgateConfig;
  readonly scanners: readonly Scanner[];
  scan(input: ScanInput, ctx?: ScanCallContext): Verdict;
  /**
   * Judges an address a transport is about to dial (after its own DNS resolution), under the
   * config's SSRF policy: the DNS-rebinding defence. Disabling the ssrf scanner disables it too.
   */
  checkAddress(ip: string): AddressCheck;
  /**
   * The verdict for findings a transport made itself (an unresolvable name, a body over the
   * limit, an address that failed checkAddress), under the same policy and mode as scan().
   */
  judge(findings: readonly Finding[]): Verdict;
}

export type { AddressCheck };

const MAX_FINDINGS = 200;
/** Remembered address judgements (checkAddress), and the longest address string remembered. */
const MAX_ADDRESS_CHECKS = 1024;
const MAX_ADDRESS_KEY = 64;

export function engineLimits(config: TollgateConfig): { extract: ExtractLimits; normalize: NormalizeLimits } {
  const l = config.limits;
  return {
    extract: {
      maxInputBytes: l.maxInputBytes,
      maxUrlLength: l.maxUrlLength,
      maxHeaderBytes: l.maxHeaderBytes,
      maxJsonDepth: l.maxJsonDepth,
      maxSegments: l.maxSegments,
      maxMultipartParts: 256,
    },
    // a token written backwards is recognised by a DLP keyword reversed at its end (normalize/decode/reversed-tokens.ts)
    normalize: { ...DEFAULT_NORMALIZE_LIMITS, maxDepth: l.maxDecodeDepth, maxDecodedChars: l.maxDecodedBytes, reversedPrefixes: DLP_KEYWORDS },
  };
}

/**
 * Builds the engine: one extraction per input, every enabled scanner over the shared view,
 * findings filtered by config, then one verdict. Synchronous and pure given its deps.
 */
export function createEngine(config: TollgateConfig, given: EngineDeps = {}): Engine {
  const ss = config.scanners.splitSecrets;
  const deps: EngineDeps = {
    ...given,
    state: given.state ?? createMemorySessionState({ maxBytesPerSession: ss.windowBytes, ttlMs: ss.ttlSeconds * 1000, maxSessions: ss.maxSessions }),
  };
  const scanners = buildScanners(config, deps);
  const limits = engineLimits(config);
  // Inert header values (an HTTP date, a Content-Length) hold nothing any scanner looks for, except
  // that an operator's known-secret value could be any text: with such values configured, they are scanned.
  const extractOptions = { inertHeaders: !deps.knownSecrets || deps.knownSecrets.size === 0 };
  const scannerCfg = scannerConfigs(config);
  const policy: ActionPolicy = {
    mode: config.mode,
    severityActions: config.severityActions,
    scannerActions: Object.fromEntries(
      Object.entries(scannerCfg)
        .filter(([, c]) => c.action !== undefined)
        .map(([id, c]) => [id, c.action]),
    ),
    scannerSeverityActions: Object.fromEntries(
      Object.entries(scannerCfg)
        .filter(([, c]) => c.severityActions !== undefined)
        .map(([id, c]) => [id, c.severityActions]),
    ),
    ruleActions: config.rules,
  };
  const disabled = new Set(Object.values(scannerCfg).flatMap((c) => c.disabledRules));
  // A tool result with instruction-like text marks its session for tool-policy's chains (see below).
  const toolPolicy = config.scanners.toolPolicy;
  const marksUntrusted = toolPolicy.enabled && toolPolicy.chains.enabled;
  const dlpMin = SEVERITY_RANK[config.scanners.dlp.minSeverity];
  const dlp = config.scanners.dlp;
  const destinationPolicy: DestinationPolicy = {
    destinations: mergeDestinations(dlp.builtinDestinations ? DEFAULT_DESTINATIONS : {}, dlp.destinations),
    trustAuthorizationHeader: dlp.trustAuthorizationHeader,
  };

  const ssrfOptions = ssrfOptionsOf(config);
  // The judgement of an address is a pure function of the address and this engine's policy, and
  // the same few upstream addresses are dialled over and over: remembered, bounded, emptied when full.
  const addressChecks = new Map<string, AddressCheck>();

  return {
    config,
    scanners,
    judge: (findings) => composeVerdict(rankFindings(findings), policy),
    checkAddress: (ip) => {
      if (!config.scanners.ssrf.enabled) return { allowed: true, reason: 'the ssrf scanner is disabled in the config', class: 'unchecked' };
      const known = addressChecks.get(ip);
      if (known) return known;
      const check = Object.freeze(checkAddress(ip, ssrfOptions));
      if (ip.length <= MAX_ADDRESS_KEY) {
        if (addressChecks.size >= MAX_ADDRESS_CHECKS) addressChecks.clear();
        // a copy of the key: an address literal may be a slice of a long URL
        addressChecks.set(` ${ip}`.slice(1), check);
      }
      return check;
    },
    scan(input, callCtx = {}) {
      const ctx: ScanContext = {
        now: callCtx.now ?? 0,
        ...(callCtx.session !== undefined ? { session: callCtx.session } : {}),
        ...(callCtx.agent !== undefined ? { agent: callCtx.agent } : {}),
        ...(deps.state ? { state: deps.state } : {}),
        ...(deps.knownSecrets ? { knownSecrets: deps.knownSecrets } : {}),
      };
      let extraction;
      try {
        extraction = extract(input, limits.extract, limits.normalize, extractOptions);
      } catch (err) {
        return composeVerdict([engineFinding('engine/invalid-input', 'input', `The input could not be read (${errorText(err)}); it is blocked.`)], policy);
      }
      const findings: Finding[] = [...extraction.findings];
      for (const scanner of scanners) {
        try {
          for (const f of scanner.scan(extraction.view, ctx)) {
            if (disabled.has(f.rule)) continue;
            if (f.scanner === 'dlp' && SEVERITY_RANK[f.severity] < dlpMin) continue;
            findings.push(f);
          }
        } catch (err) {
          const failOpen = scannerCfg[scanner.id]?.failOpen === true;
          findings.push(
            failOpen
              ? { ...engineFinding('engine/scanner-failed-open', scanner.id, `Scanner ${scanner.id} failed (${errorText(err)}) and is configured to fail open.`), severity: 'medium' }
              : engineFinding('engine/scanner-error', scanner.id, `Scanner ${scanner.id} failed (${errorText(err)}); failing closed.`),
          );
        }
      }
      // Values wanted for redaction are gathered before findings are copied (fingerprints, destinations).
      const wanted = callCtx.secretValues ? collectValues(findings) : null;
      const key = deps.evidenceKey;
      if (key) {
        for (let i = 0; i < findings.length; i++) {
          const f = findings[i] as Finding;
          const value = secretOf(f);
          if (value !== undefined) findings[i] = { ...f, fingerprint: createHmac('sha256', key).update(value).digest('hex').slice(0, 16) };
        }
      }
      // Decoding that stopped at a bound left part of the input unread: fail closed.
      const truncated = extraction.view.segments.find((seg) => seg.prepared.decodeTruncated);
      if (truncated) {
        findings.push({
          ...engineFinding('engine/decode-truncated', truncated.location, 'Decoding stopped at a limit (depth, size or candidate count), so part of this input was never inspected; it is blocked.'),
          category: 'limits',
          mitre: 'T1027',
        });
      }
      const bound = applyDestinations(findings, extraction.view, destinationPolicy);
      // The verdict is decided on every finding; only the list returned is capped.
      const all = rankFindings(dedupe(bound));
      // A tool result that carried instruction-like text (any injection finding, a warning included)
      // is recorded in its session: a network send within a few calls completes the tool-policy chain
      // chain-injection-then-send. Recorded whatever the verdict; the chain itself decides nothing here.
      if (marksUntrusted && input.kind === 'tool-result' && ctx.session !== undefined && ctx.state && all.some((f) => f.category === 'injection')) {
        ctx.state.recordToolEvent(ctx.session, [UNTRUSTED_CONTENT_TAG], ctx.now, 0);
      }
      const verdict = composeVerdict(all, policy);
      const out = all.length <= MAX_FINDINGS ? verdict : { ...verdict, findings: all.slice(0, MAX_FINDINGS) };
      if (wanted && callCtx.secretValues) {
        for (const f of out.findings) {
          const values = wanted.get(findingKey(f));
          if (values) callCtx.secretValues.set(f, values);
        }
      }
      return out;
    },
  };
}

interface ScannerSettings {
  readonly action?: TollgateConfig['severityActions']['high'];
  readonly severityActions?: Partial<TollgateConfig['severityActions']>;
  readonly disabledRules: readonly string[];
  readonly failOpen: boolean;
}

function scannerConfigs(config: TollgateConfig): Partial<Record<ScannerId, ScannerSettings>> {
  const s = config.scanners;
  return {
    dlp: s.dlp,
    'known-secrets': s.knownSecrets,
    entropy: s.entropy,
    'split-secrets': s.splitSecrets,
    ssrf: s.ssrf,
    injection: s.injection,
    crypto: s.crypto,
    'tool-poisoning': s.toolPoisoning,
    'tool-policy': s.toolPolicy,
  };
}

function mergeDestinations(a: Readonly<Record<string, readonly string[]>>, b: Readonly<Record<string, readonly string[]>>): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = { ...a };
  for (const [rule, hosts] of Object.entries(b)) out[rule] = [...(out[rule] ?? []), ...hosts];
  return out;
}

/** What identifies a finding across the engine's copies of it (the dedupe key). */
function findingKey(f: Finding): string {
  return `${f.rule}\u0000${f.location}\u0000${f.evidence}`;
}

/** The values attached to findings, by finding key (several when findings differ only in value). */
function collectValues(findings: readonly Finding[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of findings) {
    const value = secretOf(f);
    if (value === undefined || value.length === 0) continue;
    const k = findingKey(f);
    const list = out.get(k);
    if (!list) out.set(k, [value]);
    else if (!list.includes(value)) list.push(value);
  }
  return out;
}

function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = findingKey(f);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

function engineFinding(rule: string, location: string, message: string): Finding {
  return { scanner: 'engine', rule, severity: 'high', category: 'engine', mitre: 'T1562.001', location, evidence: '', message };
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 200) : String(err).slice(0, 200);
}
