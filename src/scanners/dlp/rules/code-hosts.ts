// Code hosts, package registries and developer platforms.
import { base62Crc32Ok, decodeBase64, hasUpperAndLower } from '../checks.ts';
import type { DlpRule } from '../types.ts';
import { MITRE } from '../types.ts';
import { END, secret } from './helpers.ts';

// GitLab tokens: classic 20-character bodies and the newer routable form `<prefix>-<payload>.<version>.<crc>`.
const GITLAB_BODY = `[0-9A-Za-z_-]{20,300}(?:\\.[0-9A-Za-z_-]{2,40}){0,2}`;

function jfrogReference(v: string): boolean {
  const bytes = decodeBase64(v.slice(0, v.length - (v.length % 4)));
  if (!bytes) return false;
  const head = String.fromCharCode(...bytes.slice(0, 11));
  return head.startsWith('reftkn:01:') || head.startsWith('reftkn:1:');
}

export const CODE_HOST_RULES: readonly DlpRule[] = [
  secret({
    id: 'dlp/github-pat',
    name: 'GitHub personal access token (classic)',
    severity: 'critical',
    keywords: ['ghp_'],
    pattern: '\\b(ghp_[A-Za-z0-9]{36})\\b',
    // The last 6 characters are the base62 CRC-32 of the 30 random ones.
    check: (v) => base62Crc32Ok(v, 4),
    vetoOnFailedCheck: true,
    advice: 'Revoke it at https://github.com/settings/tokens and create a new one.',
  }),
  secret({
    id: 'dlp/github-oauth-token',
    name: 'GitHub OAuth, app or refresh token',
    severity: 'critical',
    mitre: MITRE.appAccessToken,
    keywords: ['gho_', 'ghu_', 'ghs_', 'ghr_'],
    pattern: '\\b(gh[ousr]_[A-Za-z0-9]{36})\\b',
    check: (v) => base62Crc32Ok(v, 4),
    vetoOnFailedCheck: true,
    advice: 'Revoke the token (GitHub → Settings → Applications) and rotate the app credentials.',
  }),
  secret({
    id: 'dlp/github-fine-grained-pat',
    name: 'GitHub fine-grained personal access token',
    severity: 'critical',
    keywords: ['github_pat_'],
    pattern: '\\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\\b',
    minEntropy: 4.0,
    advice: 'Revoke it at https://github.com/settings/personal-access-tokens.',
  }),
  secret({
    id: 'dlp/gitlab-pat',
    name: 'GitLab personal access token',
    severity: 'critical',
    keywords: ['glpat-'],
    pattern: `\\b(glpat-${GITLAB_BODY})${END}`,
    minEntropy: 3.0,
    advice: 'Revoke it under GitLab → Preferences → Access tokens.',
  }),
  secret({
    id: 'dlp/gitlab-token',
    name: 'GitLab deploy, trigger, OAuth or service token',
    keywords: ['gldt-', 'glptt-', 'glsoat-', 'glcbt-', 'glimt-', 'glagent-', 'gloas-', 'glft-', 'glffct-', 'glwt-', 'glcst-'],
    pattern: `\\b((?:gldt|glptt|glsoat|glcbt|glimt|glagent|gloas|glft|glffct|glwt|glcst)-${GITLAB_BODY})${END}`,
    minEntropy: 3.0,
  }),
  secret({
    id: 'dlp/gitlab-runner-token',
    name: 'GitLab runner token',
    keywords: ['glrt-', 'glrtr-', 'gr1348941'],
    pattern: `\\b((?:glrtr?-|GR1348941)${GITLAB_BODY})${END}`,
    minEntropy: 3.0,
  }),
  secret({
    id: 'dlp/atlassian-api-token',
    name: 'Atlassian / Bitbucket API token',
    keywords: ['atatt3', 'atctt3', 'atbb', 'bbdc-'],
    pattern: `\\b(AT[AC]TT3[A-Za-z0-9_=-]{100,300}|ATBB[A-Za-z0-9]{28,40}|BBDC-[A-Za-z0-9+/@_-]{40,50})${END}`,
    minEntropy: 4.0,
    check: hasUpperAndLower,
  }),
  secret({
    id: 'dlp/npm-token',
    name: 'npm access token',
    severity: 'critical',
    keywords: ['npm_'],
    pattern: '\\b(npm_[A-Za-z0-9]{36})\\b',
    check: (v) => base62Crc32Ok(v, 4),
    vetoOnFailedCheck: true,
    advice: 'Revoke it with `npm token revoke` or on npmjs.com.',
  }),
  secret({
    id: 'dlp/pypi-token',
    name: 'PyPI API token',
    severity: 'critical',
    keywords: ['pypi-age'],
    // The macaroon's first caveat names the index: pypi.org or test.pypi.org.
    pattern: `\\b(pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,})${END}`,
  }),
  secret({
    id: 'dlp/rubygems-api-key',
    name: 'RubyGems API key',
    keywords: ['rubygems_'],
    pattern: '\\b(rubygems_[a-f0-9]{48})\\b',
    minEntropy: 3.0,
  }),
  secret({
    id: 'dlp/nuget-api-key',
    name: 'NuGet API key',
    keywords: ['oy2'],
    pattern: '\\b(oy2[a-z0-9]{43})\\b',
    minEntropy: 3.5,
  }),
  secret({
    id: 'dlp/docker-hub-token',
    name: 'Docker Hub access token',
    keywords: ['dckr_'],
    pattern: `\\b(dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,80})${END}`,
    minEntropy: 3.5,
  }),
  secret({
    id: 'dlp/terraform-cloud-token',
    name: 'Terraform Cloud / HCP Terraform API token',
    keywords: ['atlasv1'],
    pattern: `\\b([A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,100})${END}`,
    minEntropy: 4.0,
  }),
  secret({
    id: 'dlp/sourcegraph-token',
    name: 'Sourcegraph access token',
    keywords: ['sgp_'],
    pattern: '\\b(sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}|sgp_[a-fA-F0-9]{40})\\b',
    minEntropy: 3.0,
  }),
  secret({
    id: 'dlp/clojars-token',
    name: 'Clojars deploy token',
    keywords: ['clojars_'],
    pattern: '\\b(CLOJARS_[a-z0-9]{60})\\b',
    minEntropy: 3.5,
  }),
  secret({
    id: 'dlp/sonarqube-token',
    name: 'SonarQube token',
    keywords: ['squ_', 'sqp_', 'sqa_'],
    pattern: '\\b(sq[upa]_[a-f0-9]{40})\\b',
    minEntropy: 3.0,
  }),
  secret({
    id: 'dlp/postman-api-key',
    name: 'Postman API key',
    keywords: ['pmak-', 'pmat-'],
    pattern: '\\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34}|PMAT-[A-Z0-9]{26})\\b',
    minEntropy: 3.0,
  }),
  secret({
    id: 'dlp/jfrog-token',
    name: 'JFrog API key or reference token',
    keywords: ['akcp', 'cmvmdgtu'],
    pattern: '\\b(AKCp[A-Za-z0-9]{69}|cmVmdGtu[A-Za-z0-9]{56,80})\\b',
    minEntropy: 4.0,
    // Reference tokens are base64 of `reftkn:01:<expiry>:<random>`.
    check: (v) => !v.startsWith('cmVmdGtu') || jfrogReference(v),
  }),
  secret({
    id: 'dlp/docker-swarm-token',
    name: 'Docker Swarm join token or unlock key',
    keywords: ['swmtkn-', 'swmkey-'],
    pattern: `\\b(SWMTKN-1-[a-z0-9]{50}-[a-z0-9]{25}|SWMKEY-1-[A-Za-z0-9+/]{43})${END}`,
    minEntropy: 3.5,
  }),
];
