/**
 * Findings → the frameworks a reviewer reads: the OWASP Top 10 for LLM Applications (2025), the
 * OWASP Agentic AI threat taxonomy (Agentic AI – Threats and Mitigations, 2025, T1–T15), and
 * MITRE ATT&CK technique names for the ids the rule catalog uses. The mapping is by finding
 * category (and, for injection in tool metadata, by rule id); it is a reading aid, not a claim
 * that a finding is an instance of the whole risk.
 */

export interface FrameworkEntry {
  readonly framework: 'OWASP LLM Top 10 2025' | 'OWASP Agentic AI threats';
  readonly id: string;
  readonly name: string;
}

const LLM = (id: string, name: string): FrameworkEntry => ({ framework: 'OWASP LLM Top 10 2025', id, name });
const AGENTIC = (id: string, name: string): FrameworkEntry => ({ framework: 'OWASP Agentic AI threats', id, name });

export const OWASP_LLM = {
  promptInjection: LLM('LLM01:2025', 'Prompt Injection'),
  sensitiveDisclosure: LLM('LLM02:2025', 'Sensitive Information Disclosure'),
  supplyChain: LLM('LLM03:2025', 'Supply Chain'),
  excessiveAgency: LLM('LLM06:2025', 'Excessive Agency'),
  unboundedConsumption: LLM('LLM10:2025', 'Unbounded Consumption'),
} as const;

export const OWASP_AGENTIC = {
  toolMisuse: AGENTIC('T2', 'Tool Misuse'),
  privilegeCompromise: AGENTIC('T3', 'Privilege Compromise'),
  resourceOverload: AGENTIC('T4', 'Resource Overload'),
  goalManipulation: AGENTIC('T6', 'Intent Breaking & Goal Manipulation'),
  repudiation: AGENTIC('T8', 'Repudiation & Untraceability'),
} as const;

/** By finding category (src/core/types.ts Category). */
export const CATEGORY_MAP: Readonly<Record<string, readonly FrameworkEntry[]>> = {
  secret: [OWASP_LLM.sensitiveDisclosure, OWASP_AGENTIC.privilegeCompromise, OWASP_AGENTIC.toolMisuse],
  pii: [OWASP_LLM.sensitiveDisclosure, OWASP_AGENTIC.toolMisuse],
  exfiltration: [OWASP_LLM.sensitiveDisclosure, OWASP_AGENTIC.toolMisuse],
  injection: [OWASP_LLM.promptInjection, OWASP_AGENTIC.goalManipulation],
  'tool-poisoning': [OWASP_LLM.promptInjection, OWASP_LLM.supplyChain, OWASP_AGENTIC.toolMisuse, OWASP_AGENTIC.goalManipulation],
  ssrf: [OWASP_LLM.excessiveAgency, OWASP_AGENTIC.toolMisuse],
  crypto: [OWASP_LLM.sensitiveDisclosure, OWASP_LLM.excessiveAgency, OWASP_AGENTIC.toolMisuse],
  policy: [OWASP_LLM.excessiveAgency, OWASP_AGENTIC.toolMisuse],
  limits: [OWASP_LLM.unboundedConsumption, OWASP_AGENTIC.resourceOverload],
};

/** Rule ids whose meaning is narrower than their category's. */
export function frameworksFor(category: string, rule: string): readonly FrameworkEntry[] {
  if (category === 'injection' && rule.includes('tool')) return CATEGORY_MAP['tool-poisoning'] ?? [];
  return CATEGORY_MAP[category] ?? [];
}

/** MITRE ATT&CK (Enterprise) technique names for the ids Tollgate's rules carry. */
export const MITRE_NAMES: Readonly<Record<string, string>> = {
  T1005: 'Data from Local System',
  T1027: 'Obfuscated Files or Information',
  T1030: 'Data Transfer Size Limits',
  T1036: 'Masquerading',
  T1041: 'Exfiltration Over C2 Channel',
  T1048: 'Exfiltration Over Alternative Protocol',
  T1059: 'Command and Scripting Interpreter',
  'T1059.004': 'Command and Scripting Interpreter: Unix Shell',
  'T1059.006': 'Command and Scripting Interpreter: Python',
  'T1071.004': 'Application Layer Protocol: DNS',
  T1082: 'System Information Discovery',
  T1090: 'Proxy',
  T1190: 'Exploit Public-Facing Application',
  'T1195.001': 'Supply Chain Compromise: Software Dependencies and Development Tools',
  T1485: 'Data Destruction',
  T1499: 'Endpoint Denial of Service',
  T1528: 'Steal Application Access Token',
  T1546: 'Event Triggered Execution',
  T1550: 'Use Alternate Authentication Material',
  T1552: 'Unsecured Credentials',
  'T1552.001': 'Unsecured Credentials: Credentials In Files',
  'T1552.004': 'Unsecured Credentials: Private Keys',
  'T1552.005': 'Unsecured Credentials: Cloud Instance Metadata API',
  T1562: 'Impair Defenses',
  'T1562.001': 'Impair Defenses: Disable or Modify Tools',
  T1564: 'Hide Artifacts',
  T1565: 'Data Manipulation',
  T1567: 'Exfiltration Over Web Service',
  T1656: 'Impersonation',
  T1657: 'Financial Theft',
  // Tool-call policy (scanners/tool-policy).
  'T1027.010': 'Obfuscated Files or Information: Command Obfuscation',
  'T1053.003': 'Scheduled Task/Job: Cron',
  'T1070.002': 'Indicator Removal: Clear Linux or Mac System Logs',
  'T1070.003': 'Indicator Removal: Clear Command History',
  T1095: 'Non-Application Layer Protocol',
  'T1098.004': 'Account Manipulation: SSH Authorized Keys',
  T1105: 'Ingress Tool Transfer',
  'T1222.002': 'File and Directory Permissions Modification: Linux and Mac',
  'T1543.001': 'Create or Modify System Process: Launch Agent',
  'T1543.002': 'Create or Modify System Process: Systemd Service',
  'T1546.004': 'Event Triggered Execution: Unix Shell Configuration Modification',
  T1547: 'Boot or Logon Autostart Execution',
  'T1555.001': 'Credentials from Password Stores: Keychain',
  'T1555.003': 'Credentials from Password Stores: Credentials from Web Browsers',
  'T1561.001': 'Disk Wipe: Disk Content Wipe',
  'T1562.004': 'Impair Defenses: Disable or Modify System Firewall',
};
