// known-secrets: finds the exact values of configured secrets (env vars, a secrets file — read by
// the caller) in every segment's raw, clean and decoded text, in raw and encoded forms.
// It must never put a value, or any part of one, in a finding: evidence is the entry's name and
// the encoding that matched.
import { withSecret } from '../../core/index.ts';
import type { Finding, Severity } from '../../core/index.ts';
import type { DecodedLayer } from '../../normalize/types.ts';
import type { KnownSecretIndex, Scanner } from '../types.ts';

export {
  createKnownSecretIndex,
  encodedForms,
  rejectionReason,
  DEFAULT_KNOWN_SECRET_INDEX_OPTIONS,
  KNOWN_SECRET_ENCODINGS,
  type KnownSecretEncoding,
  type KnownSecretEntry,
  type KnownSecretIndexOptions,
  type KnownSecretIndexResult,
  type KnownSecretMatch,
  type KnownSecretRejection,
} from './secret-index.ts';

export interface KnownSecretsOptions {
  /** Severity when a known secret leaves (egress) or travels in a neutral segment. */
  readonly severity: Severity;
  /** Severity when a known secret arrives in content the agent reads (e.g. a tool printed the environment). */
  readonly ingressSeverity: Severity;
  /** Also search decoded layers (base64, hex, url… peeled by normalize). */
  readonly searchLayers: boolean;
  /**
   * The index to use when the scan context supplies none (ctx.knownSecrets wins). Lets a caller build
   * the scanner with its index instead of passing it on every scan.
   */
  readonly index?: KnownSecretIndex;
  readonly maxFindings: number;
}

export const DEFAULT_KNOWN_SECRETS_OPTIONS: KnownSecretsOptions = {
  severity: 'critical',
  ingressSeverity: 'high',
  searchLayers: true,
  maxFindings: 100,
};

const SCANNER = 'known-secrets' as const;

/** `$OPENAI_API_KEY` for environment-variable-like names, the name as given otherwise. */
export function displayName(name: string): string {
  let envLike = name.length > 0 && name.length <= 128;
  for (let i = 0; envLike && i < name.length; i++) {
    const c = name.charCodeAt(i);
    envLike = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39 && i > 0) || c === 0x5f;
  }
  if (envLike) return `$${name}`;
  let out = '';
  for (let i = 0; i < name.length && out.length < 80; i++) {
    const c = name.charCodeAt(i);
    out += c >= 0x20 && c !== 0x7f ? name[i] : ' ';
  }
  return out;
}

export function createKnownSecretsScanner(options: Partial<KnownSecretsOptions> = {}): Scanner {
  const o: KnownSecretsOptions = { ...DEFAULT_KNOWN_SECRETS_OPTIONS, ...options };
  return {
    id: SCANNER,
    scan(view, ctx) {
      const index = ctx.knownSecrets ?? o.index;
      const findings: Finding[] = [];
      if (!index || index.size === 0) return findings;
      const seen = new Set<string>();
      // Set when the findings cap stopped the scan; reported once, as the last finding (fail closed).
      let stopped: Finding | undefined;
      segments: for (const seg of view.segments) {
        const p = seg.prepared;
        const texts: { text: string; layer?: DecodedLayer }[] = [{ text: p.raw }];
        if (p.clean !== p.raw) texts.push({ text: p.clean });
        if (o.searchLayers) {
          for (const layer of p.layers) {
            texts.push({ text: layer.text, layer });
            if (layer.clean !== layer.text) texts.push({ text: layer.clean, layer });
          }
        }
        const severity = seg.flow === 'ingress' ? o.ingressSeverity : o.severity;
        // DNS keeps no letter case and URL parsers lower-case host names: a host label is also
        // compared without case (the value as configured), after the exact search.
        const folded = seg.part === 'url-host-label' && index.findIgnoringCase ? [{ text: p.clean, caseless: true }] : [];
        for (const { text, layer, caseless } of [...texts, ...folded] as { text: string; layer?: DecodedLayer; caseless?: boolean }[]) {
          const location = layer ? `${seg.location}|${layer.chain.join('|')}` : seg.location;
          const matches = caseless ? index.findIgnoringCase!(text).map((m) => ({ ...m, encoding: `${m.encoding}, without case` })) : index.find(text);
          for (const m of matches) {
            // One finding per secret per segment: the same occurrence is usually visible both
            // encoded in the raw text and plain in the decoded layer; the shallowest view wins.
            const key = `${seg.location}\u0000${m.name}`;
            if (seen.has(key)) continue;
            if (findings.length >= o.maxFindings) {
              stopped = {
                scanner: SCANNER,
                rule: 'known-secrets/scan-incomplete',
                severity: 'high',
                category: 'limits',
                mitre: 'T1027',
                location,
                evidence: '',
                message: `The known-secrets check stopped after ${o.maxFindings} findings at ${location}; the rest of the input was not inspected.`,
              };
              break segments;
            }
            seen.add(key);
            const who = displayName(m.name);
            const how = m.encoding === 'raw' ? '' : caseless ? ' with its letter case changed' : m.encoding === 'reversed' ? ' written backwards' : ` ${m.encoding}-encoded`;
            const within = layer ? ` inside ${layer.chain.join(' → ')}-decoded content` : '';
            // The matched text (the value in the encoding that matched) goes out of band only: the
            // engine turns it into a fingerprint, and a redacting transport replaces it.
            const matched = text.slice(m.index, m.index + m.length);
            findings.push(withSecret({
              scanner: SCANNER,
              rule: 'known-secrets/value-match',
              severity,
              category: 'secret',
              mitre: 'T1552.001',
              location,
              evidence: `value of ${who} (${m.encoding}${layer ? `, in ${layer.chain.join('|')} layer` : ''}, ${m.length} chars)`,
              message:
                seg.flow === 'ingress'
                  ? `The value of ${who} appears${how}${within} in content the agent is reading; keep it out of the model's context and rotate it if it was exposed.`
                  : `The value of ${who} is being sent${how}${within}; block the request and rotate the secret if it already left.`,
            }, matched));
          }
        }
      }
      if (stopped) findings.push(stopped);
      return findings;
    },
  };
}
