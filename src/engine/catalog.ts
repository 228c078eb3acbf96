import type { Severity } from '../core/index.ts';
import { DLP_RULES } from '../scanners/dlp/index.ts';
import { FAMILIES } from '../scanners/injection/rules.ts';
import { SSRF_RULES } from '../scanners/ssrf/index.ts';
import { TOOL_POISONING_RULES } from '../scanners/tool-poisoning/index.ts';
import { BUILTIN_RULES as TOOL_POLICY_RULES, DEFAULT_CHAINS } from '../scanners/tool-policy/index.ts';

export interface RuleEntry {
  readonly id: string;
  /** A fixed severity, or `scored` when the scanner grades each finding by its evidence. */
  readonly severity: Severity | 'scored' | 'varies';
  readonly mitre: string;
  readonly description: string;
}

/** Rules of the smaller scanners and the engine itself (their scanners keep no exported table). */
const OTHER_RULES: readonly RuleEntry[] = [
  { id: 'known-secrets/value-match', severity: 'critical', mitre: 'T1552.001', description: 'the value of one of your configured secrets, raw or encoded' },
  { id: 'entropy/path-segment', severity: 'varies', mitre: 'T1048', description: 'random-looking data in a URL path segment' },
  { id: 'entropy/query-value', severity: 'varies', mitre: 'T1048', description: 'random-looking data in a URL query value' },
  { id: 'entropy/dns-exfil-label', severity: 'varies', mitre: 'T1071.004', description: 'a random-looking host label (DNS exfiltration)' },
  { id: 'split-secrets/cross-parameter', severity: 'varies', mitre: 'T1030', description: 'a credential split across parameters of one request' },
  { id: 'split-secrets/cross-request', severity: 'varies', mitre: 'T1030', description: 'a credential split across requests of one session' },
  { id: 'split-secrets/entropy-budget', severity: 'medium', mitre: 'T1041', description: 'a session sent more high-entropy data than its budget' },
  { id: 'crypto/seed-phrase', severity: 'critical', mitre: 'T1552', description: 'a BIP-39 seed phrase with a valid checksum' },
  { id: 'crypto/seed-phrase-unverified', severity: 'low', mitre: 'T1552', description: 'a list of 12, 15, 18, 21 or 24 BIP-39 words whose checksum fails' },
  { id: 'crypto/address-poisoning', severity: 'high', mitre: 'T1657', description: 'a wallet address imitating an allowlisted one' },
  { id: 'crypto/address-bad-checksum', severity: 'medium', mitre: 'T1657', description: 'a mixed-case Ethereum address with a wrong EIP-55 checksum' },
  ...(['dlp', 'injection', 'crypto', 'entropy', 'split-secrets', 'known-secrets', 'tool-poisoning', 'tool-policy'] as const).map((id) => ({
    id: `${id}/scan-incomplete`,
    severity: 'high' as const,
    mitre: 'T1027',
    description: 'the scanner stopped at one of its limits; the rest was not inspected (always blocks)',
  })),
  { id: 'engine/decode-truncated', severity: 'high', mitre: 'T1027', description: 'decoding stopped at a limit; part of the input was not inspected (always blocks)' },
  { id: 'engine/html-truncated', severity: 'high', mitre: 'T1027', description: 'HTML larger or deeper than the extractor reads (always blocks)' },
  { id: 'engine/body-truncated', severity: 'high', mitre: 'T1027', description: 'a compressed body whose stream ends before its end: it could not be decoded whole (always blocks)' },
  { id: 'engine/unsupported-encoding', severity: 'high', mitre: 'T1027', description: 'a content coding or charset the engine cannot decode (always blocks)' },
  { id: 'engine/input-too-large', severity: 'high', mitre: 'T1027', description: 'input over a size limit (always blocks)' },
  { id: 'engine/json-too-deep', severity: 'high', mitre: 'T1027', description: 'JSON nested beyond the depth limit (always blocks)' },
  { id: 'engine/too-many-segments', severity: 'high', mitre: 'T1027', description: 'more parts than the segment limit (always blocks)' },
  { id: 'engine/too-many-parts', severity: 'high', mitre: 'T1027', description: 'more multipart parts, or WebSocket message fragments, than the limit (always blocks)' },
  { id: 'engine/unparseable-body', severity: 'high', mitre: 'T1027', description: 'a body declared JSON or multipart that cannot be parsed' },
  { id: 'engine/scanner-error', severity: 'high', mitre: 'T1562.001', description: 'a scanner failed; fail closed (always blocks)' },
  { id: 'engine/scanner-failed-open', severity: 'medium', mitre: 'T1562.001', description: 'a scanner failed and is configured to fail open (recorded, not blocked)' },
  { id: 'crypto/wallet-address', severity: 'info', mitre: 'T1657', description: 'a wallet address not on the allowlist (when crypto.reportAddresses is on)' },
  { id: 'engine/invalid-input', severity: 'high', mitre: 'T1562.001', description: 'the input could not be read (always blocks)' },
  { id: 'engine/deadline-exceeded', severity: 'high', mitre: 'T1499', description: 'a scan exceeded the API deadline' },
];

/** Every rule id Tollgate can report, for `tollgate rules` and the docs. */
export function ruleCatalog(): RuleEntry[] {
  return [
    ...DLP_RULES.map((r) => ({ id: r.id, severity: r.severity, mitre: r.mitre, description: r.name })),
    ...Object.entries(SSRF_RULES).map(([id, r]) => ({ id, severity: r.severity, mitre: r.mitre, description: id.slice(5).replace(/-/g, ' ') })),
    ...FAMILIES.map((f) => ({ id: f.id, severity: 'scored' as const, mitre: f.mitre, description: f.title })),
    ...Object.entries(TOOL_POISONING_RULES).map(([id, r]) => ({ id: `tool-poisoning/${id}`, severity: 'varies' as const, mitre: r.mitre, description: r.title })),
    ...TOOL_POLICY_RULES.map((r) => ({ id: `tool-policy/${r.id}`, severity: r.severity, mitre: r.mitre, description: r.description })),
    ...DEFAULT_CHAINS.map((c) => ({ id: `tool-policy/${c.id}`, severity: c.severity, mitre: c.mitre, description: c.description })),
    ...OTHER_RULES,
  ];
}
