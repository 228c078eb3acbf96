// Infrastructure, hosting, observability and productivity platforms.
import { hasDigit, hasUpperAndLower, isTokenPlaceholder } from '../checks.ts';
import type { DlpRule } from '../types.ts';
import { MITRE } from '../types.ts';
import { END, near, randomMixed, secret } from './helpers.ts';

export const INFRA_RULES: readonly DlpRule[] = [
  secret({
    id: 'dlp/vault-token',
    name: 'HashiCorp Vault token',
    severity: 'critical',
    keywords: ['hvs.', 'hvb.', 'hvr.', 'vault', 'token'],
    // Current service/batch/recovery tokens, and the legacy `s.` form (24 mixed characters) next to "vault"/"token".
    pattern: '\\b(hv[sbr]\\.[A-Za-z0-9_-]{24,400}|s\\.[A-Za-z0-9]{24})(?:[^A-Za-z0-9_.-]|$)',
    minEntropy: 3.5,
    check: (v, ctx) => !v.startsWith('s.') || (randomMixed(v.slice(2), 3.5) && near(ctx, ['vault', 'token'], 120)),
    advice: 'Revoke it with `vault token revoke` and check the audit log for its use.',
  }),
  secret({
    id: 'dlp/vercel-token',
    name: 'Vercel token',
    keywords: ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_', 'vercel'],
    pattern: '\\b(vc[pikar]_[A-Za-z0-9]{24,80}|[A-Za-z0-9]{24})\\b',
    check: (v, ctx) =>
      v.startsWith('vc') && v.charAt(3) === '_' ? randomMixed(v.slice(4), 3.5) : randomMixed(v, 3.8) && near(ctx, ['vercel'], 160),
  }),
  secret({
    id: 'dlp/supabase-token',
    name: 'Supabase access token or secret key',
    keywords: ['sbp_', 'sb_secret_'],
    pattern: `\\b(sbp_(?:v0_)?[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{31,80})${END}`,
    minEntropy: 3.0,
  }),
  secret({
    id: 'dlp/databricks-token',
    name: 'Databricks access token',
    keywords: ['dapi'],
    pattern: '\\b(dapi[a-f0-9]{32}(?:-[0-9])?)\\b',
    minEntropy: 3.0,
  }),
  secret({
    id: 'dlp/sentry-token',
    reach: 800,
    name: 'Sentry auth token',
    keywords: ['sntrys_', 'sntryu_'],
    pattern: '\\b(sntrys_eyJ[A-Za-z0-9+/=_-]{60,600}|sntryu_[a-f0-9]{64})(?:[^A-Za-z0-9+/=_-]|$)',
    minEntropy: 3.5,
  }),
  secret({
    id: 'dlp/linear-api-key',
    name: 'Linear API key',
    keywords: ['lin_api_', 'lin_oauth_'],
    pattern: '\\b(lin_(?:api|oauth)_[A-Za-z0-9]{40,64})\\b',
    minEntropy: 3.5,
  }),
  secret({
    id: 'dlp/notion-token',
    name: 'Notion integration token',
    keywords: ['secret_', 'ntn_'],
    // `ntn_` + 46 alphanumerics (the first ones are usually digits; not relied on).
    pattern: '\\b(secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{46})\\b',
    minEntropy: 3.5,
    check: (v) => hasUpperAndLower(v.slice(4)) && (v.startsWith('secret_') || hasDigit(v)),
  }),
  secret({
    id: 'dlp/new-relic-key',
    name: 'New Relic key',
    keywords: ['nrak-', 'nrii-', 'nrjs-', 'nraa-', 'nrbr-', 'nral'],
    pattern: '\\b(NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_-]{24,40}|NRJS-[a-f0-9]{19}|NRBR-[a-f0-9]{19}|NRAA-[a-f0-9]{27}|[a-z0-9]{36}NRAL)\\b',
    minEntropy: 3.0,
    // Insights insert keys vary in length; their body must look random.
    check: (v) => !v.startsWith('NRII-') || (hasUpperAndLower(v.slice(5)) && hasDigit(v)),
  }),
  secret({
    id: 'dlp/datadog-api-key',
    name: 'Datadog API or application key',
    keywords: ['datadog', 'dd_api', 'dd-api', 'dd_app', 'dd-app', 'ddapi', 'ddapp', 'dd_client'],
    pattern: '\\b([a-f0-9]{32}|[a-f0-9]{40})\\b',
    minEntropy: 3.0,
    context: {
      words: ['datadog', 'dd_api', 'dd-api', 'dd_app', 'dd-app', 'ddapi', 'ddapp', 'dd_client', 'application_key', 'api_key'],
      before: 120,
    },
    check: (v, ctx) => near(ctx, ['datadog', 'dd_', 'dd-', 'ddapi', 'ddapp'], 160),
  }),
  secret({
    id: 'dlp/doppler-token',
    name: 'Doppler token',
    keywords: ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.', 'dp.scim.', 'dp.audit.'],
    pattern: '\\b(dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44})\\b',
    minEntropy: 3.5,
  }),
  secret({
    id: 'dlp/netlify-token',
    name: 'Netlify access token',
    keywords: ['nfp_', 'nfc_', 'nfo_', 'nfu_', 'nfb_'],
    pattern: '\\b(nf[pcoub]_[A-Za-z0-9]{36,40})\\b',
    minEntropy: 3.5,
  }),
  secret({
    id: 'dlp/1password-service-account-token',
    reach: 8192,
    name: '1Password service-account token',
    severity: 'critical',
    keywords: ['ops_eyj'],
    pattern: '\\b(ops_eyJ[A-Za-z0-9+/=_-]{100,})(?:[^A-Za-z0-9+/=_-]|$)',
    minEntropy: 4.0,
  }),
  secret({
    id: 'dlp/dynatrace-token',
    name: 'Dynatrace API token',
    keywords: ['dt0c01.', 'dt0s01.', 'dt0a01.'],
    pattern: '\\b(dt0[a-z][0-9]{2}\\.[A-Z0-9]{24}\\.[A-Z0-9]{64})\\b',
    minEntropy: 3.5,
  }),
  secret({
    id: 'dlp/planetscale-token',
    name: 'PlanetScale token or password',
    keywords: ['pscale_'],
    pattern: '\\b(pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64})\\b',
    minEntropy: 3.5,
  }),
  secret({
    id: 'dlp/posthog-personal-key',
    name: 'PostHog personal, project-secret or OAuth key',
    // Personal (phx_), project secret (phs_), OAuth access (pha_) and refresh (phr_) keys: 32-35 random
    // bytes in base57 or URL-safe base64. The project key (phc_) is public by design and not reported.
    keywords: ['phx_', 'phs_', 'pha_', 'phr_'],
    pattern: `\\b(ph[xsar]_[A-Za-z0-9_-]{40,64})${END}`,
    minEntropy: 3.5,
    check: (v) => randomMixed(v.slice(4), 3.5),
  }),
  secret({
    id: 'dlp/openshift-token',
    name: 'OpenShift OAuth access token',
    mitre: MITRE.appAccessToken,
    keywords: ['sha256~'],
    pattern: `\\b(sha256~[A-Za-z0-9_-]{43})${END}`,
    minEntropy: 3.5,
    check: (v) => randomMixed(v.slice(7), 3.5),
    advice: 'Delete the token (`oc delete oauthaccesstoken` or the web console) and log in again.',
  }),
  secret({
    id: 'dlp/octopus-deploy-api-key',
    name: 'Octopus Deploy API key',
    // Keyword-free: `api-` is everywhere in code (x-api-key), while the case-sensitive pattern is rare,
    // so it is cheaper inside the one prefilter pass than as a keyword-triggered pass of its own.
    keywords: [],
    pattern: '\\b(API-[A-Z0-9]{26})\\b',
    minEntropy: 3.5,
    check: (v) => {
      let digits = 0;
      for (let i = 4; i < v.length; i++) if (v.charCodeAt(i) <= 57) digits++;
      return digits >= 2 && digits <= 20;
    },
    advice: 'Revoke the key under Profile → My API keys in Octopus Deploy.',
  }),
  secret({
    id: 'dlp/wundergraph-cosmo-api-key',
    name: 'WunderGraph Cosmo API key',
    keywords: ['cosmo_'],
    pattern: '\\b(cosmo_[a-f0-9]{32})\\b',
    minEntropy: 3.0,
    check: (v) => hasDigit(v.slice(6)),
  }),
  secret({
    id: 'dlp/intra42-client-secret',
    name: '42 intranet OAuth client secret',
    keywords: ['s-s4t2'],
    pattern: '\\b(s-s4t2(?:ud|af)-[a-f0-9]{64})\\b',
    minEntropy: 3.0,
  }),
  secret({
    id: 'dlp/figma-token',
    name: 'Figma personal access token',
    keywords: ['figd_'],
    pattern: `\\b(figd_[A-Za-z0-9_-]{40})${END}`,
    minEntropy: 3.5,
  }),
  secret({
    id: 'dlp/grafana-token',
    name: 'Grafana token',
    keywords: ['glc_', 'glsa_', 'eyjrijoi'],
    pattern:
      '\\b(glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9+/]{50,100}={0,2})(?:[^A-Za-z0-9+/=]|$)',
    minEntropy: 3.5,
  }),
  secret({
    id: 'dlp/flyio-token',
    reach: 8192,
    name: 'Fly.io access token',
    keywords: ['fm1', 'fm2_', 'fo1_'],
    pattern: '\\b(fm[12][ar]?_[A-Za-z0-9+/]{80,}={0,3}|fo1_[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9+/=_-]|$)',
    minEntropy: 4.0,
  }),
  secret({
    id: 'dlp/dropbox-token',
    name: 'Dropbox access token',
    mitre: MITRE.appAccessToken,
    keywords: ['sl.'],
    pattern: `\\b(sl\\.(?:u\\.)?[A-Za-z0-9_-]{130,1000})${END}`,
    minEntropy: 4.0,
  }),
  secret({
    id: 'dlp/dropbox-long-lived-token',
    name: 'Dropbox long-lived access token',
    mitre: MITRE.appAccessToken,
    // 11 characters, ten A (zero bytes of the token's header) and 43 more: 64 in all.
    keywords: ['aaaaaaaaaa'],
    pattern: `\\b([A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_-]{43})${END}`,
    // The run of A is structural, so the placeholder screen looks at the random parts only.
    placeholders: 'none',
    check: (v) => {
      const head = v.slice(0, 11);
      const tail = v.slice(21);
      return !isTokenPlaceholder(head) && !isTokenPlaceholder(tail) && randomMixed(tail, 3.5);
    },
  }),
  secret({
    id: 'dlp/salesforce-token',
    name: 'Salesforce session or access token',
    mitre: MITRE.appAccessToken,
    keywords: ['00d'],
    pattern: '\\b(00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{80,200})',
    minEntropy: 4.0,
  }),
  secret({
    id: 'dlp/akamai-credentials',
    name: 'Akamai EdgeGrid client token or secret',
    keywords: ['akab-'],
    pattern: '\\b(akab-[a-z0-9]{16}-[a-z0-9]{16})\\b',
    minEntropy: 3.0,
  }),
  secret({
    id: 'dlp/defined-networking-api-key',
    name: 'Defined Networking API key',
    keywords: ['dnkey-'],
    pattern: `\\b(dnkey-[A-Za-z0-9=_-]{26}-[A-Za-z0-9=_-]{52})${END}`,
    minEntropy: 3.5,
  }),
];
