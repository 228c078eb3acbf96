// Whether a new config is weaker than the one running: a hot reload refuses a weakening config
// unless Tollgate was started with --allow-downgrade. "Weaker" means: something that was stopped
// might now pass, or less is inspected. The comparison is conservative: when the effect cannot be
// known here (a new rule override whose rule severity is unknown), it counts as weaker.
import type { TollgateConfig } from './schema.ts';

type Action = TollgateConfig['severityActions']['high'];
type Severity = keyof TollgateConfig['severityActions'];

export interface Downgrade {
  /** Dotted config key, e.g. `scanners.dlp.enabled`. */
  readonly key: string;
  /** What changed, in words: `true → false`, `added 10.0.0.0/8`. */
  readonly change: string;
}

export interface DowngradeOptions {
  /** The catalog severity of a rule id, when known (lets a rule override be compared with the default it replaces). */
  readonly ruleSeverity?: (rule: string) => Severity | undefined;
}

/** Strength of an action: a higher number stops more. ask holds for approval and denies on timeout. */
export const ACTION_STRENGTH: Readonly<Record<Action, number>> = { allow: 0, warn: 1, redact: 2, ask: 3, block: 4 };
const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const MAX_LISTED = 5;

type Scanners = TollgateConfig['scanners'];
type ScannerKey = keyof Scanners;

/** Rule-id prefix → config key of its scanner. */
const SCANNER_OF_PREFIX: Readonly<Record<string, ScannerKey>> = {
  dlp: 'dlp',
  'known-secrets': 'knownSecrets',
  entropy: 'entropy',
  'split-secrets': 'splitSecrets',
  ssrf: 'ssrf',
  injection: 'injection',
  crypto: 'crypto',
  'tool-poisoning': 'toolPoisoning',
  'tool-policy': 'toolPolicy',
};

function added(before: readonly (string | number)[], after: readonly (string | number)[]): string[] {
  const had = new Set(before.map(String));
  return [...new Set(after.map(String))].filter((x) => !had.has(x));
}

function listed(items: readonly string[]): string {
  return items.length > MAX_LISTED ? `${items.slice(0, MAX_LISTED).join(', ')} and ${items.length - MAX_LISTED} more` : items.join(', ');
}

/** The action a scanner's findings of one severity get, before rule overrides. */
function scannerAction(cfg: TollgateConfig, key: ScannerKey, sev: Severity): Action {
  const s = cfg.scanners[key];
  return s.action ?? s.severityActions?.[sev] ?? cfg.severityActions[sev];
}

/** The action for a rule: its override, else what its scanner and severity give; undefined when the severity is unknown. */
function ruleAction(cfg: TollgateConfig, rule: string, sev: Severity | undefined): Action | undefined {
  const own = cfg.rules[rule];
  if (own !== undefined) return own;
  if (sev === undefined) return undefined;
  const scanner = SCANNER_OF_PREFIX[rule.split('/')[0] ?? ''];
  return scanner ? scannerAction(cfg, scanner, sev) : cfg.severityActions[sev];
}

/** Every way `after` is weaker than `before`; empty when it is not. */
export function configDowngrades(before: TollgateConfig, after: TollgateConfig, opts: DowngradeOptions = {}): Downgrade[] {
  const out: Downgrade[] = [];
  const push = (key: string, change: string): void => void out.push({ key, change });
  const flag = (key: string, was: boolean, now: boolean, weakerWhen: boolean): void => {
    if (was !== now && now === weakerWhen) push(key, `${String(was)} → ${String(now)}`);
  };
  const raised = (key: string, was: number, now: number): void => {
    if (now > was) push(key, `${was} → ${now}`);
  };
  const lowered = (key: string, was: number, now: number): void => {
    if (now < was) push(key, `${was} → ${now}`);
  };
  const grew = (key: string, was: readonly (string | number)[], now: readonly (string | number)[]): void => {
    const more = added(was, now);
    if (more.length > 0) push(key, `added ${listed(more)}`);
  };
  const shrank = (key: string, was: readonly (string | number)[], now: readonly (string | number)[]): void => {
    const gone = added(now, was);
    if (gone.length > 0) push(key, `removed ${listed(gone)}`);
  };
  const weakerAction = (key: string, was: Action | undefined, now: Action | undefined): void => {
    if (was === now) return;
    // Unknown on either side: conservatively assume the stronger before and the weaker after.
    const w = was === undefined ? ACTION_STRENGTH.block : ACTION_STRENGTH[was];
    const n = now === undefined ? ACTION_STRENGTH.allow : ACTION_STRENGTH[now];
    if (n < w) push(key, `${was ?? 'default'} → ${now ?? 'default'}`);
  };

  if (before.mode === 'enforce' && after.mode === 'audit') push('mode', 'enforce → audit');
  for (const sev of SEVERITIES) weakerAction(`severityActions.${sev}`, before.severityActions[sev], after.severityActions[sev]);

  for (const rule of new Set([...Object.keys(before.rules), ...Object.keys(after.rules)])) {
    if (before.rules[rule] === after.rules[rule]) continue;
    const sev = opts.ruleSeverity?.(rule);
    weakerAction(`rules.${rule}`, ruleAction(before, rule, sev), ruleAction(after, rule, sev));
  }

  for (const key of Object.keys(after.scanners) as ScannerKey[]) {
    const b = before.scanners[key];
    const a = after.scanners[key];
    flag(`scanners.${key}.enabled`, b.enabled, a.enabled, false);
    flag(`scanners.${key}.failOpen`, b.failOpen, a.failOpen, true);
    grew(`scanners.${key}.disabledRules`, b.disabledRules, a.disabledRules);
    // The scanner's own action settings; a change of the global mapping is reported above.
    if (b.action !== a.action || JSON.stringify(b.severityActions ?? {}) !== JSON.stringify(a.severityActions ?? {})) {
      for (const sev of SEVERITIES) {
        weakerAction(`scanners.${key} (${sev} findings)`, scannerAction(before, key, sev), scannerAction(after, key, sev));
      }
    }
  }

  const [bd, ad] = [before.scanners.dlp, after.scanners.dlp];
  if (SEVERITY_RANK[ad.minSeverity] > SEVERITY_RANK[bd.minSeverity]) push('scanners.dlp.minSeverity', `${bd.minSeverity} → ${ad.minSeverity}`);
  for (const rule of Object.keys(ad.destinations)) grew(`scanners.dlp.destinations.${rule}`, bd.destinations[rule] ?? [], ad.destinations[rule] ?? []);
  flag('scanners.dlp.builtinDestinations', bd.builtinDestinations, ad.builtinDestinations, true);
  flag('scanners.dlp.trustAuthorizationHeader', bd.trustAuthorizationHeader, ad.trustAuthorizationHeader, true);

  const [bk, ak] = [before.scanners.knownSecrets, after.scanners.knownSecrets];
  shrank('scanners.knownSecrets.env', bk.env, ak.env);
  shrank('scanners.knownSecrets.envPatterns', bk.envPatterns, ak.envPatterns);
  if (bk.secretsFile !== undefined && bk.secretsFile !== ak.secretsFile) push('scanners.knownSecrets.secretsFile', ak.secretsFile === undefined ? 'removed' : 'changed');
  raised('scanners.knownSecrets.minLength', bk.minLength, ak.minLength);

  const [be, ae] = [before.scanners.entropy, after.scanners.entropy];
  for (const k of ['minLength', 'pathThreshold', 'queryThreshold', 'hostLabelThreshold', 'hostLabelMinLength', 'randomness', 'hostLabelRandomness'] as const) {
    raised(`scanners.entropy.${k}`, be[k], ae[k]);
  }

  const [bs, as] = [before.scanners.splitSecrets, after.scanners.splitSecrets];
  lowered('scanners.splitSecrets.windowBytes', bs.windowBytes, as.windowBytes);
  lowered('scanners.splitSecrets.ttlSeconds', bs.ttlSeconds, as.ttlSeconds);
  raised('scanners.splitSecrets.entropyBudgetBits', bs.entropyBudgetBits, as.entropyBudgetBits);

  const [br, ar] = [before.scanners.ssrf, after.scanners.ssrf];
  grew('scanners.ssrf.allowSchemes', br.allowSchemes, ar.allowSchemes);
  grew('scanners.ssrf.allowCidrs', br.allowCidrs, ar.allowCidrs);
  grew('scanners.ssrf.allowHosts', br.allowHosts, ar.allowHosts);
  shrank('scanners.ssrf.blockHosts', br.blockHosts, ar.blockHosts);
  flag('scanners.ssrf.blockPrivate', br.blockPrivate, ar.blockPrivate, false);
  flag('scanners.ssrf.blockMetadata', br.blockMetadata, ar.blockMetadata, false);
  flag('scanners.ssrf.scanToolArguments', br.scanToolArguments, ar.scanToolArguments, false);

  lowered('scanners.injection.threshold', before.scanners.injection.threshold, after.scanners.injection.threshold);
  grew('scanners.crypto.allowlistedAddresses', before.scanners.crypto.allowlistedAddresses, after.scanners.crypto.allowlistedAddresses);
  const [bt, at] = [before.scanners.toolPolicy, after.scanners.toolPolicy];
  flag('scanners.toolPolicy.builtinRules', bt.builtinRules, at.builtinRules, false);
  flag('scanners.toolPolicy.chains.enabled', bt.chains.enabled, at.chains.enabled, false);

  const [bp, ap] = [before.proxy, after.proxy];
  shrank('proxy.denyHosts', bp.denyHosts, ap.denyHosts);
  if (bp.allowHosts.length > 0 && ap.allowHosts.length === 0) push('proxy.allowHosts', 'emptied (every host allowed)');
  else if (bp.allowHosts.length > 0) grew('proxy.allowHosts', bp.allowHosts, ap.allowHosts);
  const [bc, ac] = [before.proxy.connect, after.proxy.connect];
  grew('proxy.connect.allowPorts', bc.allowPorts, ac.allowPorts);
  shrank('proxy.connect.denyHosts', bc.denyHosts, ac.denyHosts);
  if (bc.allowHosts.length > 0 && ac.allowHosts.length === 0) push('proxy.connect.allowHosts', 'emptied (every host allowed)');
  else if (bc.allowHosts.length > 0) grew('proxy.connect.allowHosts', bc.allowHosts, ac.allowHosts);
  grew('proxy.tlsInterception.passthrough', before.proxy.tlsInterception.passthrough, after.proxy.tlsInterception.passthrough);
  grew('proxy.passOversizedResponses', before.proxy.passOversizedResponses, after.proxy.passOversizedResponses);
  lowered('proxy.sse.windowChars', before.proxy.sse.windowChars, after.proxy.sse.windowChars);
  if (before.fetch.onInjection === 'block' && after.fetch.onInjection === 'redact') push('fetch.onInjection', 'block → redact');

  // A static answer or a resolver chooses where a name is dialled: a new one can send a name to an
  // address a trusted entry (scanners.ssrf.allowCidrs, allowHosts) lets through, which widens
  // trust as adding to those lists does. Removing an override or a server is not weaker (the name
  // is then resolved as before, and its answers are checked), except emptying the server list,
  // which hands every name to the system resolver instead.
  const [bn, an] = [before.dns, after.dns];
  const answers = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);
  for (const name of Object.keys(an.overrides)) {
    const was = answers(bn.overrides[name]);
    const more = added(was, answers(an.overrides[name]));
    if (more.length > 0) push(`dns.overrides.${name}`, was.length === 0 ? `added → ${listed(more)}` : `changed, added ${listed(more)}`);
  }
  grew('dns.servers', bn.servers, an.servers);
  if (bn.servers.length > 0 && an.servers.length === 0) push('dns.servers', 'emptied (the system resolver answers)');

  const [bb, ab] = [before.budgets, after.budgets];
  flag('budgets.enabled', bb.enabled, ab.enabled, false);
  raised('budgets.requestsPerMinute', bb.requestsPerMinute, ab.requestsPerMinute);
  raised('budgets.egressBytesPerHour', bb.egressBytesPerHour, ab.egressBytesPerHour);
  const sessionNumber = (c: TollgateConfig, k: 'requestsPerMinute' | 'egressBytesPerHour'): number => c.budgets.session[k] ?? c.budgets[k];
  raised('budgets.session.requestsPerMinute', sessionNumber(before, 'requestsPerMinute'), sessionNumber(after, 'requestsPerMinute'));
  raised('budgets.session.egressBytesPerHour', sessionNumber(before, 'egressBytesPerHour'), sessionNumber(after, 'egressBytesPerHour'));
  for (const domain of new Set([...Object.keys(bb.perDomain), ...Object.keys(ab.perDomain)])) {
    for (const k of ['requestsPerMinute', 'egressBytesPerHour'] as const) {
      raised(`budgets.perDomain.${domain}.${k}`, bb.perDomain[domain]?.[k] ?? bb[k], ab.perDomain[domain]?.[k] ?? ab[k]);
    }
  }
  flag('identity.header', before.identity.header, after.identity.header, true);
  raised('identity.maxAgentsPerClient', before.identity.maxAgentsPerClient, after.identity.maxAgentsPerClient);
  return out;
}
