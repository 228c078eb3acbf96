// Code hosts, package registries and developer platforms.
import { base62Crc32Ok, decodeBase64, hasDigit, hasUpperAndLower } from '../checks.ts';
import type { CheckContext, DlpRule } from '../types.ts';
import { MITRE } from '../types.ts';
import { END, secret } from './helpers.ts';
import { jwtOk } from './keys.ts';

// GitLab tokens: classic 20-character bodies and the newer routable form `<prefix>-<payload>.<version>.<crc>`.
const GITLAB_BODY = `[0-9A-Za-z_-]{20,300}(?:\\.[0-9A-Za-z_-]{2,40}){0,2}`;

/** Longest body of a GitHub token after its 4-character prefix: GitHub documents tokens of up to 255 characters. */
const GITHUB_BODY_MAX = 251;

/** `ghs_<app id>_<JWT>`: the stateless installation-token form (rolled out from April 2026). */
function githubStatelessOk(v: string): boolean {
  const second = v.indexOf('_', 4);
  return second > 4 && jwtOk(v.slice(second + 1));
}

/**
 * Atlassian Data Center / Server personal access token: 44 base64 characters that decode to a
 * 12-digit token id, a colon and 20 random bytes.
 */
function atlassianDcPatOk(v: string): boolean {
  const bytes = decodeBase64(v);
  if (!bytes || bytes.length !== 33) return false;
  for (let i = 0; i < 12; i++) {
    const b = bytes[i] as number;
    if (b < 48 || b > 57) return false;
  }
  if (bytes[12] !== 58) return false;
  const distinct = new Set(bytes.subarray(13));
  return distinct.size >= 12;
}

/** The value is not glued to more base64: no `+` before it, no base64 character or `=` after it. */
function standaloneBase64(ctx: CheckContext): boolean {
  // A piece boundary in joined fragments is as good as a space.
  const before = ctx.start > 0 && !ctx.pieceStart(ctx.start) ? ctx.text.charCodeAt(ctx.start - 1) : 32;
  const after = ctx.end < ctx.text.length && !ctx.pieceStart(ctx.end) ? ctx.text.charCodeAt(ctx.end) : 32;
  const b64 = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 61;
  return before !== 43 && !b64(after);
}

// Key names around a 40-hex value that say it is a commit, not a Sourcegraph access token.
const NOT_A_TOKEN_KEY = ['commit', 'sha', 'rev', 'hash', 'version', 'digest', 'ref'];

function sourcegraphOk(v: string, ctx: CheckContext): boolean {
  if (v.startsWith('sgp_')) return true;
  let letters = false;
  for (let i = 0; i < v.length && !letters; i++) letters = v.charCodeAt(i) > 57;
  if (!letters || !hasDigit(v)) return false;
  const key = ctx.match.slice(0, ctx.match.length - v.length).toLowerCase();
  return !NOT_A_TOKEN_KEY.some((w) => key.includes(w));
}

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
    // 36 characters after the prefix today (30 random, then 6 of checksum); GitHub reserves the
    // right to make them longer (up to 255 in all), and the checksum still ends the token.
    pattern: `\\b(ghp_[A-Za-z0-9]{36,${GITHUB_BODY_MAX}})\\b`,
    // The last 6 characters are the base62 CRC-32 of the random ones before them.
    check: (v) => base62Crc32Ok(v, 4),
    vetoOnFailedCheck: true,
    advice: 'Revoke it at https://github.com/settings/tokens and create a new one.',
  }),
  secret({
    id: 'dlp/github-oauth-token',
    name: 'GitHub OAuth, app or refresh token',
    severity: 'critical',
    mitre: MITRE.appAccessToken,
    reach: 4096,
    keywords: ['gho_', 'ghu_', 'ghs_', 'ghr_'],
    // Classic 36-character bodies (the last 6 are a base62 CRC-32), and stateless installation tokens
    // `ghs_<app id>_<JWT>` (~520 characters).
    pattern: `\\b(gh[ousr]_[A-Za-z0-9]{36,${GITHUB_BODY_MAX}})\\b|\\b(ghs_[0-9]{1,20}_eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{16,})${END}`,
    group: -1,
    check: (v) => (v.indexOf('_', 4) > 4 ? githubStatelessOk(v) : base62Crc32Ok(v, 4)),
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
    keywords: ['sgp_', 'sourcegraph', 'src_access_token'],
    // Current `sgp_` tokens, and legacy 40-hex tokens assigned to a Sourcegraph-named key.
    pattern:
      '\\b(sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}|sgp_[a-fA-F0-9]{40})\\b' +
      '|(?i:sourcegraph|src_access_token)[A-Za-z0-9_.-]{0,40}\\\\?["\']?[ \\t]*[:=][ \\t]*\\\\?["\']?([a-fA-F0-9]{40})\\b',
    group: -1,
    minEntropy: 3.0,
    check: sourcegraphOk,
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
    id: 'dlp/gitlab-session-cookie',
    name: 'GitLab session cookie',
    mitre: MITRE.appAccessToken,
    keywords: ['_gitlab_session'],
    pattern: '_gitlab_session\\\\?["\']?[ \\t]*[=:][ \\t]*\\\\?["\']?([0-9a-f]{32})\\b',
    minEntropy: 3.0,
    check: hasDigit,
    advice: 'Sign the session out (GitLab → Preferences → Active sessions → Revoke) and log in again.',
  }),
  secret({
    id: 'dlp/atlassian-dc-pat',
    name: 'Atlassian Data Center personal access token (Jira, Confluence, Bitbucket)',
    // Keyword-free: the 12 leading digits of the token id encode to a fixed base64 alphabet per position,
    // followed by the encoded colon; the check decodes the whole token.
    keywords: [],
    // Zero-width start (a consumed boundary character is cheaper to lose to a keyword in the one-pass
    // prefilter); the check makes sure the token is not part of a longer base64 run.
    pattern: '\\b((?:[MNO][DTjz][AEIMQUYcgk][w-z0-5]){4}O[g-v][A-Za-z0-9+/]{26})',
    minEntropy: 3.5,
    check: (v, ctx) => standaloneBase64(ctx) && atlassianDcPatOk(v),
    advice: 'Revoke the token under Profile → Personal access tokens in the Jira, Confluence or Bitbucket instance.',
  }),
  secret({
    id: 'dlp/docker-swarm-token',
    name: 'Docker Swarm join token or unlock key',
    keywords: ['swmtkn-', 'swmkey-'],
    pattern: `\\b(SWMTKN-1-[a-z0-9]{50}-[a-z0-9]{25}|SWMKEY-1-[A-Za-z0-9+/]{43})${END}`,
    minEntropy: 3.5,
  }),
];
