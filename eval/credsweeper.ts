// How the eval sorts CredSweeper's findings (tests/data/output.json, its regression output without the
// ML filter) into rows. Each decision is a rule about the finding itself (its CredSweeper rule, the
// shape of the value it reports, the lines its parts sit on) or about a label the sample file carries;
// no line is picked by hand. docs/EVAL.md explains the rows.
import * as C from './corpora.ts';

export const PEM_RULE = /PEM/i;
/** CredSweeper's keyword rules (`password = …`, `token: …`): reported in their own row. */
export const GENERIC_RULE =
  /^(Password|SQL Password|CMD .*|Secret|Key|Token|Auth|Credential|API|Salt|Nonce|UUID|CURL Options|Certificate|IP|Info|Github Old Token|Private Key)$/;

/**
 * Values that the provider documents as public identifiers: they name an account, an app or a host
 * and are shipped to browsers or put in URLs by design. CredSweeper reports them (its rules cover the
 * identifier and the secret of a provider together); a firewall that blocked them would stop ordinary
 * work. Matched on the finding's CredSweeper rule and the value it reports.
 */
export const PUBLIC_IDENTIFIERS: readonly { rule: string; value: RegExp; what: string }[] = [
  { rule: 'Stripe Credentials', value: /^pk_(?:live|test)_/, what: 'Stripe publishable key (pk_): made for browser code' },
  { rule: 'Google Multi', value: /\.apps\.googleusercontent\.com$/, what: 'Google OAuth client id: part of every authorization URL' },
  { rule: 'Twilio Credentials', value: /^AC[0-9a-fA-F]{32}$/, what: 'Twilio Account SID (AC…): the account name in every API URL; the auth token is the secret' },
  { rule: 'Salesforce Credentials', value: /^00D[A-Za-z0-9]{12,15}$/, what: 'Salesforce organization id (00D…)' },
  { rule: 'Salesforce Credentials', value: /^3MVG/, what: 'Salesforce connected-app consumer key (3MVG…): an OAuth client id' },
  { rule: 'Tencent WeChat API App ID', value: /^wx[0-9a-f]{16}$/, what: 'WeChat AppID (wx…): public in OAuth URLs' },
  { rule: 'PostHog Credentials', value: /^phc_/, what: 'PostHog project API key (phc_): a write-only key for browser snippets' },
  { rule: 'Firebase Domain', value: /\.(?:firebaseapp\.com|firebaseio\.com)$/, what: 'Firebase project host name' },
  { rule: 'AWS S3 Bucket', value: /\.s3\.amazonaws\.com$/, what: 'S3 bucket host name' },
];

export const isPublicIdentifier = (rule: string, value: string): boolean => PUBLIC_IDENTIFIERS.some((p) => p.rule === rule && p.value.test(value));

/**
 * The sample file labels the line a negative case: the line starts with `NEGATIVE`, or it sits below
 * a line naming negative cases (`# negative cases`, `>>> negative cases >>>`) and above any line that
 * closes that block (`<<< negative cases <<<`).
 */
export function labelledNegative(lines: readonly string[], line: number): boolean {
  if (/^\s*NEGATIVE\b/.test(lines[line - 1] ?? '')) return true;
  for (let i = line - 2; i >= 0; i--) {
    const l = lines[i] ?? '';
    if (/<<<.*negative/i.test(l)) return false;
    if (/negative case/i.test(l)) return true;
  }
  return false;
}

export interface CredRows {
  /** Files with a PEM finding, whole. */
  pemFiles: string[];
  /** Provider findings on one line: the line. */
  providerLines: string[];
  /** Provider findings whose parts (or whose value) span lines: those lines, first to last. */
  spans: string[];
  /**
   * Public identifiers (PUBLIC_IDENTIFIERS): the value CredSweeper reports, alone, since some of these
   * lines also hold a real secret (a key id in a presigned URL, a client secret beside a client id).
   */
  publicIds: string[];
  /** Lines the sample labels negative. */
  sampleNegatives: string[];
  /** Keyword-rule findings: the line. */
  generic: string[];
}

/** How many lines a value that does not fit its reported line may run on for. */
const MAX_SPAN_LINES = 200;

export function credSweeperRows(): CredRows {
  const rows: CredRows = { pemFiles: [], providerLines: [], spans: [], publicIds: [], sampleNegatives: [], generic: [] };
  const linesOf = (path: string): string[] => (C.credSweeperSample(path) ?? '').split('\n');
  const pemFiles = new Set<string>();
  for (const f of C.credSweeperFindingsFull('output.json')) {
    if (PEM_RULE.test(f.rule)) {
      for (const p of f.parts) pemFiles.add(p.path);
      continue;
    }
    if (GENERIC_RULE.test(f.rule)) {
      for (const p of f.parts) rows.generic.push(linesOf(p.path)[p.line - 1] ?? '');
      continue;
    }
    // Where each part ends: its own line, or, for a value that runs past it, the line holding its end.
    const ends = f.parts.map((p) => {
      const lines = linesOf(p.path);
      if ((lines[p.line - 1] ?? '').includes(p.value)) return p.line;
      const tail = p.value.slice(-16);
      for (let i = p.line; i < Math.min(lines.length, p.line + MAX_SPAN_LINES); i++) if ((lines[i] ?? '').includes(tail)) return i + 1;
      return p.line;
    });
    const paths = new Set(f.parts.map((p) => p.path));
    const first = Math.min(...f.parts.map((p) => p.line));
    const last = Math.max(...ends);
    if (paths.size === 1 && last > first) {
      const path = f.parts[0]?.path as string;
      rows.spans.push(linesOf(path).slice(first - 1, last).join('\n'));
      continue;
    }
    for (const p of f.parts) {
      const lines = linesOf(p.path);
      const text = lines[p.line - 1] ?? '';
      if (isPublicIdentifier(f.rule, p.value)) rows.publicIds.push(p.value);
      else if (labelledNegative(lines, p.line)) rows.sampleNegatives.push(text);
      else rows.providerLines.push(text);
    }
  }
  rows.pemFiles = [...pemFiles].map((path) => C.credSweeperSample(path) ?? '');
  return rows;
}
