import type { Finding } from '../core/index.ts';
import { hostName, splitUrl } from '../extract/index.ts';
import type { ScanView } from '../scanners/types.ts';

/**
 * Credential destination binding. Under capability separation the agent holds its keys and
 * legitimately sends them to their own provider (an OpenAI key in `Authorization` to
 * api.openai.com); the same key sent anywhere else is exfiltration. A DLP finding in a request
 * header or query value whose destination host is one of the rule's own hosts is lowered to
 * `info` (kept as evidence, allowed by default); everywhere else it stands.
 */
export const DEFAULT_DESTINATIONS: Readonly<Record<string, readonly string[]>> = {
  'dlp/anthropic-api-key': ['api.anthropic.com'],
  'dlp/anthropic-admin-key': ['api.anthropic.com'],
  'dlp/openai-api-key': ['api.openai.com'],
  // Only hosts the provider itself answers on: never a domain where anyone can register a
  // subdomain (hf.space Spaces, <team>.slack.com, <org>.ingest.sentry.io, storage buckets).
  'dlp/huggingface-token': ['huggingface.co', 'api-inference.huggingface.co', 'router.huggingface.co'],
  'dlp/replicate-api-token': ['api.replicate.com'],
  'dlp/together-api-key': ['api.together.xyz', 'api.together.ai'],
  'dlp/groq-api-key': ['api.groq.com'],
  'dlp/xai-api-key': ['api.x.ai'],
  'dlp/fireworks-api-key': ['api.fireworks.ai'],
  'dlp/openrouter-api-key': ['openrouter.ai'],
  'dlp/perplexity-api-key': ['api.perplexity.ai'],
  'dlp/mistral-api-key': ['api.mistral.ai'],
  'dlp/cohere-api-key': ['api.cohere.com', 'api.cohere.ai'],
  'dlp/deepseek-api-key': ['api.deepseek.com'],
  'dlp/sk-hex-api-key': ['api.deepseek.com', 'dashscope.aliyuncs.com', 'dashscope-intl.aliyuncs.com'],
  'dlp/google-api-key': ['generativelanguage.googleapis.com', 'maps.googleapis.com', 'www.googleapis.com', 'translation.googleapis.com', 'vision.googleapis.com', 'language.googleapis.com', 'youtube.googleapis.com'],
  'dlp/google-gemini-api-key': ['generativelanguage.googleapis.com'],
  'dlp/github-pat': ['api.github.com', 'github.com', 'uploads.github.com', 'raw.githubusercontent.com'],
  'dlp/github-oauth-token': ['api.github.com', 'github.com'],
  'dlp/github-fine-grained-pat': ['api.github.com', 'github.com', 'uploads.github.com', 'raw.githubusercontent.com'],
  'dlp/gitlab-pat': ['gitlab.com'],
  'dlp/npm-token': ['registry.npmjs.org'],
  'dlp/pypi-token': ['upload.pypi.org'],
  'dlp/stripe-secret-key': ['api.stripe.com'],
  'dlp/stripe-restricted-key': ['api.stripe.com'],
  'dlp/stripe-test-key': ['api.stripe.com'],
  'dlp/slack-bot-token': ['slack.com'],
  'dlp/slack-user-token': ['slack.com'],
  'dlp/slack-app-token': ['slack.com'],
  'dlp/sendgrid-api-key': ['api.sendgrid.com'],
  'dlp/mailgun-private-key': ['api.mailgun.net', 'api.eu.mailgun.net'],
  'dlp/facebook-app-token': ['graph.facebook.com'],
  'dlp/linear-api-key': ['api.linear.app'],
  'dlp/notion-token': ['api.notion.com'],
  'dlp/vercel-token': ['api.vercel.com'],
  'dlp/digitalocean-token': ['api.digitalocean.com'],
  'dlp/sentry-token': ['sentry.io'],
  'dlp/pinecone-api-key': ['*.pinecone.io'],
  'dlp/datadog-api-key': ['*.datadoghq.com', '*.datadoghq.eu'],
  'dlp/tavily-api-key': ['api.tavily.com'],
  'dlp/elevenlabs-api-key': ['api.elevenlabs.io'],
};

/** Generic credentials in the Authorization header: the agent authenticating, not leaking. */
const AUTH_HEADER_RULES = new Set(['dlp/bearer-token', 'dlp/basic-auth-credentials', 'dlp/jwt']);

export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase();
  return p.startsWith('*.') ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : h === p;
}

function destinationHost(view: ScanView): string | null {
  const k = view.input.kind;
  if ((k !== 'request' && k !== 'url' && k !== 'websocket') || !view.url) return null;
  const parts = splitUrl(view.url);
  if (parts.scheme !== 'https' && parts.scheme !== 'wss') return null;
  return hostName(parts.host).toLowerCase() || null;
}

export interface DestinationPolicy {
  readonly destinations: Readonly<Record<string, readonly string[]>>;
  /** Lower generic bearer/basic/JWT credentials in `Authorization` over TLS to `low`. */
  readonly trustAuthorizationHeader: boolean;
}

/** Returns the findings with those sent to their own provider (over TLS) lowered; see above. */
export function applyDestinations(findings: readonly Finding[], view: ScanView, policy: DestinationPolicy): Finding[] {
  // Only DLP findings are lowered (entropy ones only beside a lowered DLP one): most scans have none.
  let dlp = false;
  for (const f of findings) if (f.scanner === 'dlp') dlp = true;
  if (!dlp) return [...findings];
  const host = destinationHost(view);
  if (host === null) return [...findings];
  const lowered = new Set<string>();
  const out = findings.map((f) => {
    if (f.scanner !== 'dlp') return f;
    // The full-URL segment carries the same key as its query part, so it is judged the same way.
    const inHeaderOrQuery = f.location.startsWith('header.') || f.location.startsWith('url.query.') || f.location === 'url';
    const allowed = policy.destinations[f.rule];
    if (inHeaderOrQuery && allowed?.some((p) => hostMatches(host, p))) {
      lowered.add(f.location);
      return { ...f, severity: 'info' as const, message: `${f.message.replace(/\.$/, '')}. It is going to its own provider (${host}) over TLS, which is how it is meant to be used.` };
    }
    if (policy.trustAuthorizationHeader && f.location === 'header.authorization' && AUTH_HEADER_RULES.has(f.rule) && f.severity !== 'info') {
      return { ...f, severity: 'low' as const, message: `${f.message.replace(/\.$/, '')}. It is in the Authorization header of a TLS request, so it is probably the agent authenticating.` };
    }
    return f;
  });
  if (lowered.size === 0) return out;
  // The same value, seen as random data by the entropy scanner, is the same legitimate use.
  return out.map((f) =>
    f.scanner === 'entropy' && lowered.has(f.location) ? { ...f, severity: 'info' as const, message: `${f.message.replace(/\.$/, '')}. It is a credential going to its own provider.` } : f,
  );
}
