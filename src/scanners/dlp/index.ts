// dlp: finds credentials (API keys, tokens, private keys, passwords, connection strings) and personal
// data (card numbers, IBANs, SSNs) in every segment and decoded layer, and reports them redacted.
// It must never put a matched secret in a finding, throw, do I/O, read the clock or keep state between scans.
//
// Matching runs on `prepared.clean` and on each decoded layer's `clean`. `prepared.raw` is not matched:
// clean differs from raw only by removed invisible characters and NFKC, which leave ASCII unchanged and
// only undo obfuscation (zero-width splits, full-width letters), so every secret visible in raw is visible in clean.
//
// Decisions worth knowing: documentation keys (AWS `…EXAMPLE`, `xxxx`, `${VAR}`, `<token>`, sequences like
// `abcdef`/`123456`) are placeholders and not reported. GitHub classic and npm tokens must carry a valid
// CRC-32 checksum; a wrong checksum also silences the generic rules on that span. Well-known test card numbers
// (4111 1111 1111 1111, 4242 4242 4242 4242…) ARE reported: text alone cannot tell a test environment from
// production, and people testing the gateway expect them to fire. Two SSA-published non-SSNs are ignored.
// Passphrase-protected keys (ENCRYPTED headers, Proc-Type: 4,ENCRYPTED, OpenSSH with a cipher) are reported
// by their own rule at high rather than critical. Authorization headers are reported (bearer: medium,
// basic: high) wherever they appear, including a request's own header segment: policy decides per part.
// Limits fail closed: when maxFindings (or a rule's match limit with none of its hits kept) stops a scan
// short, the scan ends with one dlp/scan-incomplete finding (high, category limits) and the engine blocks.
import { redactPreview, SEVERITY_RANK, withSecret } from '../../core/index.ts';
import type { Finding, Severity } from '../../core/index.ts';
import type { ScanContext, Scanner, ScanView, SegmentPart } from '../types.ts';
import { DlpEngine, lastKey } from './engine.ts';
import type { Hit } from './engine.ts';
import { ALL_RULES } from './rules/index.ts';
import { createCaseFoldedDetector } from './split.ts';
import type { DlpRule, DlpRuleInfo } from './types.ts';

export type { DlpRule, DlpRuleInfo } from './types.ts';
export { createJoinedDetector, type JoinedDetector, type JoinedDetectorOptions, type JoinedMatch } from './split.ts';

export interface DlpOptions {
  /** Rule ids to skip, e.g. `['dlp/jwt']`. */
  disabled: string[];
  /** Rules below this severity are not run. */
  minSeverity?: Severity;
  /** Findings per scan, at most. */
  maxFindings: number;
}

export const DEFAULT_DLP_OPTIONS: DlpOptions = { disabled: [], maxFindings: 100 };

/** The rule table, for documentation and configuration. */
export const DLP_RULES: readonly DlpRuleInfo[] = ALL_RULES.map(({ id, name, severity, category, mitre }) => ({
  id,
  name,
  severity,
  category,
  mitre,
}));

/**
 * Every rule's keywords (lower case, each once): the literals a credential is named by, most of them
 * its prefix. The engine hands them to normalize, which reads a token backwards when it ends with one
 * reversed (`normalize/decode/reversed-tokens.ts` keeps those of three or more token characters).
 */
export const DLP_KEYWORDS: readonly string[] = [...new Set(ALL_RULES.flatMap((r) => r.keywords))];

/** Parts whose location ends in a key that names the value (`body.$.password`, `header.x-api-key`). */
const FIELD_PARTS: ReadonlySet<SegmentPart> = new Set<SegmentPart>(['body-leaf', 'url-query-value', 'header', 'tool-argument']);

const URL_PART_KINDS: ReadonlySet<SegmentPart> = new Set<SegmentPart>(['url-host-label', 'url-userinfo', 'url-path-segment', 'url-query-key', 'url-query-value']);

const SECRET_ADVICE = 'Treat it as exposed: revoke or rotate it, and keep it out of what the agent sends.';
const PII_ADVICE = 'Remove or mask it unless sending it is intended.';

function toFinding(rule: DlpRule, value: string, location: string): Finding {
  const evidence = rule.evidence ? rule.evidence(value) : redactPreview(value);
  const advice = rule.advice ?? (rule.category === 'pii' ? PII_ADVICE : SECRET_ADVICE);
  return withSecret(
    {
      scanner: 'dlp',
      rule: rule.id,
      severity: rule.severity,
      category: rule.category,
      mitre: rule.mitre,
      location,
      evidence,
      message: `${rule.name} found in ${location}. ${advice}`,
    },
    value,
  );
}

/** The one finding that says a scan stopped at a limit: by the fail-closed rule, the engine blocks on it. */
function incomplete(location: string, message: string): Finding {
  return { scanner: 'dlp', rule: 'dlp/scan-incomplete', severity: 'high', category: 'limits', mitre: 'T1027', location, evidence: '', message };
}

/** The findings of one scan (a class rather than closures made per scan). */
class DlpScan {
  readonly findings: Finding[] = [];
  readonly #seen = new Set<string>();
  /** Set when a limit cut the scan short; reported once, as the last finding. */
  #stopped: Finding | null = null;
  constructor(
    readonly engine: DlpEngine,
    readonly max: number,
  ) {}

  /** Adds hits; false once a new finding found no room (the scan then stops: the rest is not inspected). */
  emit(hits: readonly Hit[], location: string): boolean {
    for (const h of hits) {
      const key = `${h.rule.id}\u0000${location}\u0000${h.value}`;
      if (this.#seen.has(key)) continue;
      if (this.findings.length >= this.max) {
        this.#stopped = incomplete(location, `DLP stopped after ${this.max} findings at ${location}; the rest of the input was not inspected.`);
        return false;
      }
      this.#seen.add(key);
      this.findings.push(toFinding(h.rule, h.value, location));
    }
    return true;
  }

  scanText(text: string, location: string, fieldKey?: string, skip = false, likelyQuiet = false): boolean {
    // More than `max` distinct sure hits in one text overflow the cap whatever was found before
    // (at most `max` of them can repeat earlier findings), so the engine may stop there.
    const ok = this.emit(this.engine.scanText(text, fieldKey, skip, this.max, likelyQuiet), location);
    const cut = this.engine.lastTextIncomplete;
    if (ok && cut !== null && this.#stopped === null) {
      this.#stopped = incomplete(location, `DLP could not inspect all of ${location}: ${cut}; later matches were not examined.`);
    }
    return ok;
  }

  result(): Finding[] {
    if (this.#stopped !== null) this.findings.push(this.#stopped);
    return this.findings;
  }
}

export function createDlpScanner(options: Partial<DlpOptions> = {}): Scanner {
  const opts: DlpOptions = { ...DEFAULT_DLP_OPTIONS, ...options };
  const disabled = new Set(opts.disabled);
  const floor = opts.minSeverity === undefined ? 0 : SEVERITY_RANK[opts.minSeverity];
  const rules = ALL_RULES.filter((r) => !disabled.has(r.id) && SEVERITY_RANK[r.severity] >= floor);
  const engine = new DlpEngine(rules);
  const max = Math.max(0, Math.floor(opts.maxFindings));
  // A host label is also read in the other letter case (DNS keeps none: an AWS key id sent as a
  // subdomain arrives as `akia…`), by the rules that name a credential by a literal (split.ts).
  const caseFolded = createCaseFoldedDetector({ disabled: opts.disabled, ...(opts.minSeverity ? { minSeverity: opts.minSeverity } : {}) });

  return {
    id: 'dlp',
    scan(view: ScanView, _ctx: ScanContext): readonly Finding[] {
      const run = new DlpScan(engine, max);
      // A URL's parts are substrings of the full URL: when the full URL's prefilter found nothing,
      // no pattern can match in a part either, and only the field-name rules run on them.
      let quietUrl: string | null = null;
      outer: for (const segment of view.segments) {
        const prepared = segment.prepared;
        const fieldKey = FIELD_PARTS.has(segment.part) ? lastKey(segment.location) : undefined;
        const skip = quietUrl !== null && URL_PART_KINDS.has(segment.part) && segment.location.startsWith(quietUrl);
        // A whole URL rarely holds a keyword: it is asked the cheap yes/no question first.
        if (!run.scanText(prepared.clean, segment.location, fieldKey, skip, segment.part === 'url')) break;
        if (segment.part === 'url') quietUrl = engine.lastTextQuiet && prepared.clean === prepared.raw ? `${segment.location}.` : null;
        if (segment.part === 'url-host-label') {
          const label = prepared.clean;
          const hits: Hit[] = caseFolded(label).map((h) => {
            const value = label.slice(h.start, h.end);
            return { rule: h.rule, value, start: h.start, end: h.end, matchStart: h.start, matchEnd: h.end };
          });
          if (!run.emit(hits, segment.location)) break;
        }
        for (const layer of prepared.layers) {
          if (!run.scanText(layer.clean, `${segment.location}|${layer.chain.join('|')}`)) break outer;
        }
      }
      return run.result();
    },
  };
}
